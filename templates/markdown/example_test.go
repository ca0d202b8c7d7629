package markdown_test

import (
	"fmt"

	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/templates/markdown"
)

func ExampleBlocks() {
	src := "## Afgørelse\n\nDu får **1.234,50 kr.** om måneden.  \nSe [borger.dk](https://www.borger.dk).\n\n" +
		"| Post | Beløb |\n|---|--:|\n| Husleje | 5.000,00 kr. |\n| **I alt** | **5.000,00 kr.** |\n"
	blocks, err := markdown.Blocks([]byte(src), markdown.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range blocks {
		switch b := b.(type) {
		case *render.Heading:
			fmt.Printf("heading %d: %q\n", b.Level, render.PlainText(b.Runs))
		case *render.Paragraph:
			for _, r := range b.Runs {
				fmt.Printf("run %q bold=%v link=%q\n", r.Text, r.Bold, r.Link)
			}
		case *render.Table:
			fmt.Printf("table: %d rows, total %q, align %v\n", len(b.Rows), render.PlainText(b.Total[1].Runs), b.Columns[1].Align == render.AlignRight)
		}
	}
	// Output:
	// heading 2: "Afgørelse"
	// run "Du får " bold=false link=""
	// run "1.234,50 kr." bold=true link=""
	// run " om måneden.\nSe " bold=false link=""
	// run "borger.dk" bold=false link="https://www.borger.dk"
	// run "." bold=false link=""
	// table: 1 rows, total "5.000,00 kr.", align true
}

func ExampleBlocks_error() {
	_, err := markdown.Blocks([]byte("Kære Jens,\n\nlinje 1<br>linje 2"), markdown.Options{})
	fmt.Println(err)
	// Output:
	// line 3: raw HTML "<br>" is not supported in letters; use a blank line or two trailing spaces for a line break
}

func ExampleEscape() {
	name := "*Jens* [Hansen](https://evil.example) <b>"
	blocks, _ := markdown.Blocks([]byte("Kære **"+markdown.Escape(name)+"**,"), markdown.Options{})
	p := blocks[0].(*render.Paragraph)
	for _, r := range p.Runs {
		fmt.Printf("%q bold=%v link=%q\n", r.Text, r.Bold, r.Link)
	}
	// Output:
	// "Kære " bold=false link=""
	// "*Jens* [Hansen](https://evil.example) <b>" bold=true link=""
	// "," bold=false link=""
}
