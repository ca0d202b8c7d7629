package markdown

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/render"
)

func tx(s string) render.Run { return render.Run{Text: s} }
func bo(s string) render.Run { return render.Run{Text: s, Bold: true} }
func it(s string) render.Run { return render.Run{Text: s, Italic: true} }
func bi(s string) render.Run { return render.Run{Text: s, Bold: true, Italic: true} }
func ln(s, url string) render.Run {
	return render.Run{Text: s, Link: url}
}
func para(rs ...render.Run) *render.Paragraph { return &render.Paragraph{Runs: rs} }
func cell(rs ...render.Run) render.Cell       { return render.Cell{Runs: rs} }
func cells(ss ...string) []render.Cell {
	out := make([]render.Cell, len(ss))
	for i, s := range ss {
		if s != "" {
			out[i] = cell(tx(s))
		}
	}
	return out
}
func item(bs ...render.Block) []render.Block { return bs }

var (
	png  = &render.Image{Data: []byte("\x89PNG\r\n\x1a\nfake"), Width: 40}
	logo = Options{Image: func(dest string) (*render.Image, error) {
		if dest == "logo.png" {
			return png, nil
		}
		return nil, errors.New("no such file")
	}}
)

func TestBlocks(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opt  Options
		want []render.Block
	}{
		{"empty", "", Options{}, nil},
		{"blank lines", "\n\n  \n", Options{}, nil},
		{"paragraph", "Kære Jens Hansen", Options{}, []render.Block{para(tx("Kære Jens Hansen"))}},
		{"two paragraphs", "Første.\n\nAnden.", Options{}, []render.Block{para(tx("Første.")), para(tx("Anden."))}},
		{"soft break", "Du har\nsøgt om\n  boligstøtte.", Options{}, []render.Block{para(tx("Du har søgt om boligstøtte."))}},
		{"hard break spaces", "Aarhus Kommune  \nRådhuspladsen 2", Options{}, []render.Block{para(tx("Aarhus Kommune\nRådhuspladsen 2"))}},
		{"hard break backslash", "Aarhus Kommune\\\nRådhuspladsen 2", Options{}, []render.Block{para(tx("Aarhus Kommune\nRådhuspladsen 2"))}},
		{"hard break in bold", "**a  \nb**", Options{}, []render.Block{para(bo("a\nb"))}},
		{"backslash at end is text", "a\\", Options{}, []render.Block{para(tx("a\\"))}},
		{"collapse spaces", "a   b \t c", Options{}, []render.Block{para(tx("a b c"))}},
		{"bold", "Du får **1.234,50 kr.** om måneden.", Options{},
			[]render.Block{para(tx("Du får "), bo("1.234,50 kr."), tx(" om måneden."))}},
		{"bold underscores", "__fed__", Options{}, []render.Block{para(bo("fed"))}},
		{"italic", "*kursiv* og _også_", Options{}, []render.Block{para(it("kursiv"), tx(" og "), it("også"))}},
		{"bold italic", "***begge*** og **fed *og kursiv***", Options{},
			[]render.Block{para(bi("begge"), tx(" og "), bo("fed "), bi("og kursiv"))}},
		{"merge same style", "**a** **b**", Options{}, []render.Block{para(bo("a"), tx(" "), bo("b"))}},
		{"merge adjacent", "**a`b`c**", Options{}, []render.Block{para(bo("abc"))}},
		{"space leaves bold", "**a **b *c* d", Options{}, []render.Block{para(tx("**a **b "), it("c"), tx(" d"))}},
		{"space in link stays", "[a ](https://x.dk)b", Options{}, []render.Block{para(ln("a ", "https://x.dk"), tx("b"))}},
		{"space between link and text", "[a](https://x.dk) *b*", Options{}, []render.Block{para(ln("a", "https://x.dk"), tx(" "), it("b"))}},
		{"link", "Læs mere på [aarhus.dk](https://aarhus.dk/bolig).", Options{},
			[]render.Block{para(tx("Læs mere på "), ln("aarhus.dk", "https://aarhus.dk/bolig"), tx("."))}},
		{"bold link", "[**vigtigt**](https://x.dk)", Options{},
			[]render.Block{para(render.Run{Text: "vigtigt", Bold: true, Link: "https://x.dk"})}},
		{"link title ignored", `[a](https://x.dk "titel")`, Options{}, []render.Block{para(ln("a", "https://x.dk"))}},
		{"link without text", "[](https://x.dk)", Options{}, []render.Block{para(ln("https://x.dk", "https://x.dk"))}},
		{"link reference", "[borger.dk][b]\n\n[b]: https://borger.dk", Options{},
			[]render.Block{para(ln("borger.dk", "https://borger.dk"))}},
		{"link escaped destination", "[a](https://x.dk/a\\_b?q=1&amp;r=2)", Options{},
			[]render.Block{para(ln("a", "https://x.dk/a_b?q=1&r=2"))}},
		{"link non-ASCII destination", "[a](https://x.dk/æble)", Options{},
			[]render.Block{para(ln("a", "https://x.dk/%C3%A6ble"))}},
		{"autolink", "Se <https://borger.dk>.", Options{},
			[]render.Block{para(tx("Se "), ln("https://borger.dk", "https://borger.dk"), tx("."))}},
		{"email autolink", "Skriv til <bolig@aarhus.dk>", Options{},
			[]render.Block{para(tx("Skriv til "), ln("bolig@aarhus.dk", "mailto:bolig@aarhus.dk"))}},
		{"bare URL is text", "https://borger.dk", Options{}, []render.Block{para(tx("https://borger.dk"))}},
		{"code span", "Brug `CPR  nr.` og **`x`**", Options{}, []render.Block{para(tx("Brug CPR nr. og "), bo("x"))}},
		{"code span keeps markup", "`**a** <b>`", Options{}, []render.Block{para(tx("**a** <b>"))}},
		{"escapes", `\*ikke fed\* \[x\] \# 1\. \<b\> \\ \_`, Options{}, []render.Block{para(tx(`*ikke fed* [x] # 1. <b> \ _`))}},
		{"entities", "A &amp; B &lt;C&gt; &copy; &#8212; &#x2013; &quot;", Options{}, []render.Block{para(tx("A & B <C> © — – \""))}},
		{"nbsp entity kept", "1.234,50&nbsp;kr.", Options{}, []render.Block{para(tx("1.234,50\u00a0kr."))}},
		{"nbsp kept at edges", "&nbsp;a&nbsp;", Options{}, []render.Block{para(tx("\u00a0a\u00a0"))}},
		{"escaped entity", `\&amp;`, Options{}, []render.Block{para(tx("&amp;"))}},
		{"unknown entity", "&bogus; &#;", Options{}, []render.Block{para(tx("&bogus; &#;"))}},
		{"NUL reference", "a&#0;b", Options{}, []render.Block{para(tx("a\uFFFDb"))}},
		{"invalid UTF-8", "a\xffb", Options{}, []render.Block{para(tx("a\uFFFDb"))}},
		{"atx headings", "# Afgørelse\n\n## Begrundelse ##\n\n###### Seks", Options{}, []render.Block{
			&render.Heading{Level: 1, Runs: []render.Run{tx("Afgørelse")}},
			&render.Heading{Level: 2, Runs: []render.Run{tx("Begrundelse")}},
			&render.Heading{Level: 6, Runs: []render.Run{tx("Seks")}},
		}},
		{"setext headings", "Afgørelse\n=========\n\nKlage\n-----", Options{}, []render.Block{
			&render.Heading{Level: 1, Runs: []render.Run{tx("Afgørelse")}},
			&render.Heading{Level: 2, Runs: []render.Run{tx("Klage")}},
		}},
		{"heading with style", "## Du får *ikke* støtte", Options{}, []render.Block{
			&render.Heading{Level: 2, Runs: []render.Run{tx("Du får "), it("ikke"), tx(" støtte")}},
		}},
		{"empty heading dropped", "#\n\ntekst", Options{}, []render.Block{para(tx("tekst"))}},
		{"unordered list", "- husleje\n- varme\n* el", Options{}, []render.Block{
			&render.List{Items: [][]render.Block{item(para(tx("husleje"))), item(para(tx("varme")))}},
			&render.List{Items: [][]render.Block{item(para(tx("el")))}},
		}},
		{"ordered list", "1. Første\n2. Anden", Options{}, []render.Block{
			&render.List{Ordered: true, Start: 1, Items: [][]render.Block{item(para(tx("Første"))), item(para(tx("Anden")))}},
		}},
		{"ordered list start", "3) tre\n4) fire", Options{}, []render.Block{
			&render.List{Ordered: true, Start: 3, Items: [][]render.Block{item(para(tx("tre"))), item(para(tx("fire")))}},
		}},
		{"loose list", "- a\n\n  mere\n- b", Options{}, []render.Block{
			&render.List{Items: [][]render.Block{item(para(tx("a")), para(tx("mere"))), item(para(tx("b")))}},
		}},
		{"nested list", "1. a\n   - a1\n   - **a2**\n2. b\n   1. b1", Options{}, []render.Block{
			&render.List{Ordered: true, Start: 1, Items: [][]render.Block{
				item(para(tx("a")), &render.List{Items: [][]render.Block{item(para(tx("a1"))), item(para(bo("a2")))}}),
				item(para(tx("b")), &render.List{Ordered: true, Start: 1, Items: [][]render.Block{item(para(tx("b1")))}}),
			}},
		}},
		{"empty list item", "- a\n-\n- c", Options{}, []render.Block{
			&render.List{Items: [][]render.Block{item(para(tx("a"))), {}, item(para(tx("c")))}},
		}},
		{"table", "| Måned | Beløb |\n|---|---|\n| Januar | 1.234,50 kr. |\n| Februar | 1.300,00 kr. |", Options{}, []render.Block{
			&render.Table{
				Columns: []render.Column{{Align: render.AlignLeft}, {Align: render.AlignLeft}},
				Header:  cells("Måned", "Beløb"),
				Rows:    [][]render.Cell{cells("Januar", "1.234,50 kr."), cells("Februar", "1.300,00 kr.")},
			},
		}},
		{"table alignment", "a | b | c | d\n:-- | :-: | --: | ---\n1 | 2 | 3 | 4", Options{}, []render.Block{
			&render.Table{
				Columns: []render.Column{{Align: render.AlignLeft}, {Align: render.AlignCenter}, {Align: render.AlignRight}, {Align: render.AlignLeft}},
				Header:  cells("a", "b", "c", "d"),
				Rows:    [][]render.Cell{cells("1", "2", "3", "4")},
			},
		}},
		{"table padding and cutting", "| a | b | c |\n|---|---|---|\n| 1 |\n| 1 | 2 | 3 | 4 |", Options{}, []render.Block{
			&render.Table{
				Columns: []render.Column{{}, {}, {}},
				Header:  cells("a", "b", "c"),
				Rows:    [][]render.Cell{cells("1", "", ""), cells("1", "2", "3")},
			},
		}},
		{"table total row", "| Post | Beløb |\n|---|--:|\n| Husleje | 5.000,00 kr. |\n| Varme | 700,00 kr. |\n| **I alt** | **5.700,00 kr.** |", Options{}, []render.Block{
			&render.Table{
				Columns: []render.Column{{Align: render.AlignLeft}, {Align: render.AlignRight}},
				Header:  cells("Post", "Beløb"),
				Rows:    [][]render.Cell{cells("Husleje", "5.000,00 kr."), cells("Varme", "700,00 kr.")},
				Total:   cells("I alt", "5.700,00 kr."),
			},
		}},
		{"table total row with empty cell", "| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n| **Sum** | | ***6*** |", Options{}, []render.Block{
			&render.Table{
				Columns: []render.Column{{}, {}, {}},
				Header:  cells("a", "b", "c"),
				Rows:    [][]render.Cell{cells("1", "2", "3")},
				Total:   []render.Cell{cell(tx("Sum")), {}, cell(it("6"))},
			},
		}},
		{"table last row partly bold is not a total", "| a | b |\n|---|---|\n| 1 | 2 |\n| **Sum** | 3 |", Options{}, []render.Block{
			&render.Table{
				Columns: []render.Column{{}, {}},
				Header:  cells("a", "b"),
				Rows:    [][]render.Cell{cells("1", "2"), {cell(bo("Sum")), cell(tx("3"))}},
			},
		}},
		{"table cell partly bold is not a total", "| a | b |\n|---|---|\n| 1 | 2 |\n| **Sum** i alt | **3** |", Options{}, []render.Block{
			&render.Table{
				Columns: []render.Column{{}, {}},
				Header:  cells("a", "b"),
				Rows:    [][]render.Cell{cells("1", "2"), {cell(bo("Sum"), tx(" i alt")), cell(bo("3"))}},
			},
		}},
		{"table only bold row is the total", "| a |\n|---|\n| **9** |", Options{}, []render.Block{
			&render.Table{Columns: []render.Column{{}}, Header: cells("a"), Total: cells("9")},
		}},
		{"table empty last row is not a total", "| a | b |\n|---|---|\n| 1 | 2 |\n| | |", Options{}, []render.Block{
			&render.Table{Columns: []render.Column{{}, {}}, Header: cells("a", "b"), Rows: [][]render.Cell{cells("1", "2"), cells("", "")}},
		}},
		{"table escaped pipe and inline", "| a | b |\n|---|---|\n| x \\| y | [*l*](https://x.dk) |", Options{}, []render.Block{
			&render.Table{
				Columns: []render.Column{{}, {}},
				Header:  cells("a", "b"),
				Rows:    [][]render.Cell{{cell(tx("x | y")), cell(render.Run{Text: "l", Italic: true, Link: "https://x.dk"})}},
			},
		}},
		{"image", "Før\n\n![Aarhus Kommunes logo](logo.png)\n\nEfter", logo, []render.Block{
			para(tx("Før")),
			&render.Image{Data: png.Data, Width: 40, Alt: "Aarhus Kommunes logo"},
			para(tx("Efter")),
		}},
		{"image alt with markup", "![**fed** logo](logo.png)", logo, []render.Block{
			&render.Image{Data: png.Data, Width: 40, Alt: "fed logo"},
		}},
		{"image in list item", "- ![x](logo.png)", logo, []render.Block{
			&render.List{Items: [][]render.Block{item(&render.Image{Data: png.Data, Width: 40, Alt: "x"})}},
		}},
		{"thematic breaks", "a\n\n***\n\nb\n\n___\n\nc\n\n---\n\nd", Options{}, []render.Block{
			para(tx("a")), &render.PageBreak{}, para(tx("b")), &render.PageBreak{}, para(tx("c")), &render.PageBreak{}, para(tx("d")),
		}},
		{"block quote", "> Citat *her*\n>\n> - punkt", Options{}, []render.Block{
			para(tx("Citat "), it("her")), &render.List{Items: [][]render.Block{item(para(tx("punkt")))}},
		}},
		{"fenced code", "```text\nKontonr.  1234\n  5678 **x**\n\n```", Options{}, []render.Block{para(tx("Kontonr. 1234\n5678 **x**"))}},
		{"indented code", "    a  <b>\n    c", Options{}, []render.Block{para(tx("a <b>\nc"))}},
		{"empty code block", "```\n```", Options{}, nil},
		{"mixed letter", "# Afgørelse\n\nKære **Jens**,\n\nDu får:\n\n1. boligstøtte\n2. varmehjælp\n\nMed venlig hilsen", Options{}, []render.Block{
			&render.Heading{Level: 1, Runs: []render.Run{tx("Afgørelse")}},
			para(tx("Kære "), bo("Jens"), tx(",")),
			para(tx("Du får:")),
			&render.List{Ordered: true, Start: 1, Items: [][]render.Block{item(para(tx("boligstøtte"))), item(para(tx("varmehjælp")))}},
			para(tx("Med venlig hilsen")),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Blocks([]byte(tt.src), tt.opt)
			if err != nil {
				t.Fatalf("Blocks(%q): %v", tt.src, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Blocks(%q) (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestBlocksImageIsCopied(t *testing.T) {
	shared := &render.Image{Data: []byte("\x89PNG\r\n\x1a\n"), Alt: "original"}
	opt := Options{Image: func(string) (*render.Image, error) { return shared, nil }}
	if _, err := Blocks([]byte("![ny tekst](a.png)"), opt); err != nil {
		t.Fatal(err)
	}
	if shared.Alt != "original" {
		t.Errorf("resolver's image was changed: Alt = %q", shared.Alt)
	}
}

func TestBlocksErrors(t *testing.T) {
	errResolve := errors.New("file logo2.png not in bundle")
	failing := Options{Image: func(string) (*render.Image, error) { return nil, errResolve }}
	tests := []struct {
		name string
		src  string
		opt  Options
		want Error
	}{
		{"inline html", "Kære Jens,\n\nlinje 1<br>linje 2", Options{},
			Error{Line: 3, Msg: `raw HTML "<br>" is not supported in letters; use a blank line or two trailing spaces for a line break`}},
		{"inline html tag", "tekst <b>fed</b>", Options{},
			Error{Line: 1, Msg: `raw HTML "<b>" is not supported in letters; use Markdown instead (**bold**, *italic*, [text](https://...)); write \< for a literal "<"`}},
		{"html block", "a\n\n<div class=\"x\">\nhej\n</div>", Options{},
			Error{Line: 3, Msg: `raw HTML "<div class=\"x\"> ..." is not supported in letters; use Markdown instead (**bold**, *italic*, [text](https://...)); write \< for a literal "<"`}},
		{"html comment", "a\n\n<!-- note -->", Options{},
			Error{Line: 3, Msg: `raw HTML "<!-- note -->" is not supported in letters; remove the comment; comments belong in the template's {{/* */}} syntax`}},
		{"html in table cell", "| a |\n|---|\n| <i>x</i> |", Options{},
			Error{Line: 3, Msg: `raw HTML "<i>" is not supported in letters; use Markdown instead (**bold**, *italic*, [text](https://...)); write \< for a literal "<"`}},
		{"html in list", "- a\n- b <br/>", Options{},
			Error{Line: 2, Msg: `raw HTML "<br/>" is not supported in letters; use a blank line or two trailing spaces for a line break`}},
		{"image without resolver", "tekst\n\n![logo](logo.png)", Options{},
			Error{Line: 3, Msg: `image "logo.png": images are not available here; remove the image or add it to the layout`}},
		{"image resolver error", "![logo](logo2.png)", failing,
			Error{Line: 1, Msg: `image "logo2.png": file logo2.png not in bundle`}},
		{"image resolver returns nothing", "![logo](x.png)", Options{Image: func(string) (*render.Image, error) { return nil, nil }},
			Error{Line: 1, Msg: `image "x.png" was not found; check the file name`}},
		{"image inside text", "Se ![logo](logo.png) her", logo,
			Error{Line: 1, Msg: `image "logo.png" must be a paragraph of its own; put a blank line before and after it`}},
		{"image in table", "| a |\n|---|\n| ![x](logo.png) |", logo,
			Error{Line: 3, Msg: `image "logo.png" must be a paragraph of its own; put a blank line before and after it`}},
		{"javascript link", "a\nb [klik](javascript:alert(1))", Options{},
			Error{Line: 2, Msg: `link "javascript:alert(1)": "javascript:" links are not allowed in letters; use an https:// or mailto: link`}},
		{"file link", "[x](FILE:///etc/passwd)", Options{},
			Error{Line: 1, Msg: `link "FILE:///etc/passwd": "file:" links are not allowed in letters; use an https:// or mailto: link`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Blocks([]byte(tt.src), tt.opt)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Blocks(%q) = %v, %v; want an *Error", tt.src, got, err)
			}
			if diff := cmp.Diff(tt.want, *e, cmp.AllowUnexported(Error{}), cmp.Comparer(func(a, b error) bool { return true })); diff != "" {
				t.Errorf("Blocks(%q) error (-want +got):\n%s", tt.src, diff)
			}
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("Error() = %q, want it to start with the line", err)
			}
		})
	}
	_, err := Blocks([]byte("![logo](logo2.png)"), failing)
	if !errors.Is(err, errResolve) {
		t.Errorf("resolver error is not wrapped: %v", err)
	}
}

func TestBlocksConcurrent(t *testing.T) {
	want, err := Blocks([]byte(letterBody), logo)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for range 20 {
				got, err := Blocks([]byte(letterBody), logo)
				if err == nil && !cmp.Equal(want, got) {
					err = errors.New("different blocks from the same source")
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// collapse turns runs of white space into one space, as Escape and Blocks do.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range sanitize(s) {
		if isSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

func trimASCII(s string) string { return strings.Trim(s, " ") }

// plain checks that runs carry no formatting but want and returns their text.
func plain(t *testing.T, what string, runs []render.Run, bold bool) string {
	t.Helper()
	for _, r := range runs {
		if r.Italic || r.Link != "" || (r.Bold && !bold) {
			t.Errorf("%s: formatting got in: %+v", what, runs)
		}
	}
	return render.PlainText(runs)
}

// checkEscape asserts the Escape property for s in every place a value can be inserted.
func checkEscape(t *testing.T, s string) {
	t.Helper()
	e := Escape(s)
	if strings.ContainsAny(e, "\n\r") {
		t.Fatalf("Escape(%q) = %q has a line break", s, e)
	}
	cs := collapse(s)
	one := func(src string) render.Block {
		t.Helper()
		bs, err := Blocks([]byte(src), Options{})
		if err != nil {
			t.Fatalf("Blocks(%q) from Escape(%q): %v", src, s, err)
		}
		if len(bs) != 1 {
			t.Fatalf("Blocks(%q) from Escape(%q) = %d blocks, want 1: %#v", src, s, len(bs), bs)
		}
		return bs[0]
	}

	// In a paragraph.
	src := "Kære " + e + " x"
	p, ok := one(src).(*render.Paragraph)
	if !ok {
		t.Fatalf("Blocks(%q) is not a paragraph", src)
	}
	if got, want := plain(t, src, p.Runs, false), collapse("Kære "+cs+" x"); got != want {
		t.Errorf("paragraph: Blocks(%q) text = %q, want %q", src, got, want)
	}

	// At the start of a line, after a line of text and as a paragraph's first line.
	for _, src := range []string{"Kære\n" + e + "\nx", e + " x"} {
		if e == "" {
			continue // an empty line ends the paragraph
		}
		p, ok := one(src).(*render.Paragraph)
		if !ok {
			t.Fatalf("Blocks(%q) is not a paragraph", src)
		}
		want := trimASCII(collapse(strings.ReplaceAll(src, e, cs)))
		if got := plain(t, src, p.Runs, false); got != want {
			t.Errorf("line start: Blocks(%q) text = %q, want %q", src, got, want)
		}
	}

	// Between ** markers: all of it bold. An empty value leaves "****", which is text.
	if s != "" {
		src := "Kære **" + e + "** x"
		p, ok := one(src).(*render.Paragraph)
		if !ok {
			t.Fatalf("Blocks(%q) is not a paragraph", src)
		}
		if got, want := plain(t, src, p.Runs, true), collapse("Kære "+cs+" x"); got != want {
			t.Errorf("bold: Blocks(%q) text = %q, want %q", src, got, want)
		}
		var bold strings.Builder
		for _, r := range p.Runs {
			if r.Bold {
				bold.WriteString(r.Text)
			}
		}
		if got, want := bold.String(), trimASCII(cs); got != want {
			t.Errorf("bold: Blocks(%q) bold text = %q, want %q", src, got, want)
		}
	}

	// In a table cell: still two columns, one row, the cell holds the value.
	src = "| a | b |\n|---|---|\n| " + e + " | c |\n"
	tb, ok := one(src).(*render.Table)
	if !ok {
		t.Fatalf("Blocks(%q) is not a table", src)
	}
	if len(tb.Columns) != 2 || len(tb.Header) != 2 || len(tb.Rows) != 1 || len(tb.Rows[0]) != 2 || tb.Total != nil {
		t.Fatalf("table: Blocks(%q) changed the table's shape: %+v", src, tb)
	}
	if got, want := plain(t, src, tb.Rows[0][0].Runs, false), trimASCII(cs); got != want {
		t.Errorf("table: Blocks(%q) cell = %q, want %q", src, got, want)
	}
	if got := plain(t, src, tb.Rows[0][1].Runs, false); got != "c" {
		t.Errorf("table: Blocks(%q) second cell = %q, want c", src, got)
	}

	// As a list item.
	src = "- " + e + "\n"
	l, ok := one(src).(*render.List)
	if !ok || len(l.Items) != 1 || l.Ordered {
		t.Fatalf("list: Blocks(%q) = %#v, want a list of one item", src, l)
	}
	var got string
	for _, b := range l.Items[0] {
		p, ok := b.(*render.Paragraph)
		if !ok {
			t.Fatalf("list: Blocks(%q) item holds %T", src, b)
		}
		got += plain(t, src, p.Runs, false)
	}
	if want := trimASCII(cs); got != want {
		t.Errorf("list: Blocks(%q) item = %q, want %q", src, got, want)
	}

	// As a heading.
	src = "## " + e
	bs, err := Blocks([]byte(src), Options{})
	if err != nil {
		t.Fatalf("Blocks(%q): %v", src, err)
	}
	if want := trimASCII(cs); want == "" {
		if len(bs) != 0 {
			t.Errorf("heading: Blocks(%q) = %#v, want nothing", src, bs)
		}
	} else {
		h, ok := one(src).(*render.Heading)
		if !ok || h.Level != 2 {
			t.Fatalf("heading: Blocks(%q) = %#v, want a level 2 heading", src, bs)
		}
		if got := plain(t, src, h.Runs, false); got != want {
			t.Errorf("heading: Blocks(%q) = %q, want %q", src, got, want)
		}
	}
}

var escapeSeeds = []string{
	"", " ", "Jens Hansen", "*", "**", "_x_", "[a](b)", "![a](b)", "| x |", "# x", "<br>", "<https://x.dk>",
	"`code`", `\`, `\\`, `\|`, "!", "{{.Name}}", "1. x", "1) x", "- x", "+ x", "  leading", "trailing  ",
	"a\nb", "a\n\nb", "a\r\nb", "\t", "&amp;", "&#32;", "x  \ny", "===", "---", "***", "> quote",
	"    code", "Jens *Hansen*\n# Heading", "\x00", "\xff\xfe", "Søren Ågård-Øster", "1.234,50\u00a0kr.",
	"1\u202f234,50\u00a0€", "~~x~~", "a|b|c", ":--|--:", "www.evil.dk", "mailto:x@y.dk", "<!-- x -->",
	"\u00a0", "x\u00a0", "\u2028", "*a **b** c*", "***", "a\\", "&", "&nbsp;", "\\*", "é", "\v\f",
}

func TestEscape(t *testing.T) {
	for _, s := range escapeSeeds {
		checkEscape(t, s)
	}
	tests := []struct{ in, want string }{
		{"Jens Hansen", "Jens Hansen"},
		{"*x*", `\*x\*`},
		{"a\n\n  b", "a b"},
		{"  a  ", "&#32;a&#32;"},
		{" ", "&#32;"},
		{"{{.X}}", `\{\{\.X\}\}`},
		{"Søren", "Søren"},
		{"a\xffb\x00", "a\uFFFDb\uFFFD"},
		{"1.234,50\u00a0kr.", "1\\.234\\,50\u00a0kr\\."},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Escape(tt.in)); diff != "" {
			t.Errorf("Escape(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkEscape(t, s)
	})
}

func FuzzBlocks(f *testing.F) {
	for _, tt := range []string{
		"# a\n\nb **c** *d* [e](f) <g@h.dk> `i`\n\n- j\n  1. k\n\n| l | m |\n|:-:|--:|\n| n | **o** |\n\n---\n\n> p\n\n```\nq\n```",
		"![a](logo.png)", "<br>", "a  \nb\\\nc", "&amp;&#0;&#x110000;", "| a |\n|---|\n| **b** |", "\xff", "[](javascript:x)",
		"- \n-\n  -", "***a**b*", "\x00", "<div>\n", "1. a\n\n   ```\n   b\n   ```",
	} {
		f.Add(tt)
	}
	f.Fuzz(func(t *testing.T, src string) {
		bs, err := Blocks([]byte(src), logo)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Blocks(%q) error %v is not an *Error", src, err)
			}
			if e.Line < 1 || e.Line > strings.Count(src, "\n")+1 {
				t.Errorf("Blocks(%q) error line %d out of range", src, e.Line)
			}
			return
		}
		checkRuns(t, src, bs)
	})
}

// checkRuns asserts the run invariants: no empty runs, no two adjacent runs of one style,
// no white space at the edges or doubled, valid UTF-8.
func checkRuns(t *testing.T, src string, bs []render.Block) {
	t.Helper()
	check := func(runs []render.Run) {
		for i, r := range runs {
			if r.Text == "" {
				t.Errorf("Blocks(%q): empty run in %+v", src, runs)
			}
			if i > 0 {
				p := runs[i-1]
				if p.Bold == r.Bold && p.Italic == r.Italic && p.Link == r.Link {
					t.Errorf("Blocks(%q): runs not merged: %+v", src, runs)
				}
			}
		}
		text := render.PlainText(runs)
		if text != strings.Trim(text, " \n") || strings.Contains(text, "  ") || strings.Contains(text, " \n") ||
			strings.Contains(text, "\n ") || strings.ContainsAny(text, "\t\r\x00") {
			t.Errorf("Blocks(%q): white space not collapsed: %q", src, text)
		}
		if !utf8.ValidString(text) {
			t.Errorf("Blocks(%q): invalid UTF-8 %q", src, text)
		}
	}
	var walk func([]render.Block)
	walk = func(bs []render.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *render.Paragraph:
				check(b.Runs)
			case *render.Heading:
				check(b.Runs)
			case *render.List:
				for _, it := range b.Items {
					walk(it)
				}
			case *render.Table:
				n := len(b.Columns)
				if len(b.Header) != n || (b.Total != nil && len(b.Total) != n) {
					t.Errorf("Blocks(%q): table rows do not match %d columns", src, n)
				}
				for _, row := range append(append([][]render.Cell{b.Header}, b.Rows...), b.Total) {
					if row != nil && len(row) != n {
						t.Errorf("Blocks(%q): table row of %d cells, want %d", src, len(row), n)
					}
					for _, c := range row {
						check(c.Runs)
					}
				}
			}
		}
	}
	walk(bs)
}
