package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postbud/postbud/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden compares the fixture letter, merged with its sample data, with
// testdata/boligstoette.golden: its text and block structure, with run styles and links.
func TestGolden(t *testing.T) {
	b := loadFixture(t)
	d, err := b.Document(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	got := d.Text() + "\n\n# blocks\n" + strings.Join(describeBlocks(d.Body, ""), "\n") + "\n"
	golden := filepath.Join("testdata", "boligstoette.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := readFile(t, golden)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got); run go test -update to accept\n%s", diff)
	}
}

// describeBlocks writes the structure of blocks with the styled runs marked:
// **bold**, _italic_, [text](link).
func describeBlocks(bs []render.Block, indent string) []string {
	runs := func(rs []render.Run) string {
		var s strings.Builder
		for _, r := range rs {
			t := r.Text
			if r.Bold {
				t = "**" + t + "**"
			}
			if r.Italic {
				t = "_" + t + "_"
			}
			if r.Link != "" {
				t = "[" + t + "](" + r.Link + ")"
			}
			s.WriteString(t)
		}
		return s.String()
	}
	cells := func(cs []render.Cell) string {
		parts := make([]string, len(cs))
		for i, c := range cs {
			parts[i] = runs(c.Runs)
		}
		return strings.Join(parts, " | ")
	}
	var out []string
	for _, b := range bs {
		switch b := b.(type) {
		case *render.Heading:
			out = append(out, indent+strings.Repeat("#", b.Level)+" "+runs(b.Runs))
		case *render.Paragraph:
			out = append(out, indent+"p: "+runs(b.Runs))
		case *render.List:
			out = append(out, indent+"list:")
			for _, it := range b.Items {
				out = append(out, describeBlocks(it, indent+"  - ")...)
			}
		case *render.Table:
			out = append(out, indent+"table header: "+cells(b.Header))
			for _, r := range b.Rows {
				out = append(out, indent+"table row: "+cells(r))
			}
			out = append(out, indent+"table total: "+cells(b.Total))
		case *render.Image:
			out = append(out, indent+"image: "+b.Alt+" ("+b.Format()+")")
		case *render.PageBreak:
			out = append(out, indent+"page break")
		case *render.Signature:
			out = append(out, indent+"signature: "+b.Greeting+" / "+b.Name+" / "+b.Title)
		}
	}
	return out
}
