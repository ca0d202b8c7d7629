package templates

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/render"
)

// hostile are case data values that would be Markdown, HTML or template syntax if spliced into
// a letter unescaped.
var hostile = []string{
	"*bold*",
	"**Sørensen**",
	"_x_",
	"[a](b)",
	"[borger.dk](https://evil.example)",
	"<https://evil.example>",
	"| pipe |",
	"# h",
	"<b>x</b>",
	"<script>alert(1)</script>",
	"{{ .secret }}",
	"1. list",
	"Anna\n- item",
	"Anna\n\n# Overskrift",
	"`code`",
	"![img](plan.png)",
	"\\*",
	"> quote",
	"---",
	"***",
	"~~strike~~",
	"a  &amp; b &copy;",
}

// collapse is what a value becomes in the letter: white space runs are one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestEscaping(t *testing.T) {
	b := loadFixture(t)
	clean, err := b.Document(sampleWith(t, b, func(m map[string]any) { m["note"] = "Bemærk" }))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range hostile {
		t.Run(v, func(t *testing.T) {
			data := sampleWith(t, b, func(m map[string]any) {
				obj(m, "recipient")["name"] = v
				m["subject"] = v
				m["note"] = v
				row := obj(m, "table")["rows"].([]any)[0].(map[string]any)
				row["period"] = v
				row["text"] = v
				m["secret"] = "LEAKED"
			})
			d, err := b.Document(data)
			if err != nil {
				t.Fatal(err)
			}
			want := collapse(v)
			tbl := findTable(d.Body)
			got := map[string]string{
				"recipient": d.Recipient[0],
				"subject":   d.Subject,
				"greeting":  render.PlainText(d.Body[0].(*render.Paragraph).Runs),
				"note":      noteParagraph(d.Body),
				"cell 0":    render.PlainText(tbl.Rows[0][0].Runs),
				"cell 1":    render.PlainText(tbl.Rows[0][1].Runs),
			}
			wantAll := map[string]string{
				"recipient": want, "subject": want, "greeting": "Kære " + want, "note": want,
				"cell 0": want, "cell 1": want,
			}
			if diff := cmp.Diff(wantAll, got); diff != "" {
				t.Errorf("value %q (-want +got)\n%s", v, diff)
			}
			if len(tbl.Rows[0]) != 3 || len(tbl.Rows) != len(findTable(clean.Body).Rows) {
				t.Errorf("table shape changed: %d cells, %d rows", len(tbl.Rows[0]), len(tbl.Rows))
			}
			// The document has exactly the structure and styles of the clean letter.
			if diff := cmp.Diff(shape(clean.Body), shape(d.Body)); diff != "" {
				t.Errorf("block structure changed (-clean +got)\n%s", diff)
			}
			for _, r := range allRuns(d.Body) {
				if r.Link != "" && r.Link != "https://www.borger.dk/boligstoette" {
					t.Errorf("link %q from data", r.Link)
				}
				if r.Bold && r.Text != "1.234,50\u00a0kr. om måneden" && r.Text != "I alt" && r.Text != "3.813,10\u00a0kr." {
					t.Errorf("bold run %q from data", r.Text)
				}
				if r.Italic {
					t.Errorf("italic run %q from data", r.Text)
				}
			}
			if strings.Contains(d.Text(), "LEAKED") {
				t.Error("template syntax in data was executed")
			}
		})
	}
}

func findTable(bs []render.Block) *render.Table {
	for _, b := range bs {
		if t, ok := b.(*render.Table); ok {
			return t
		}
	}
	return nil
}

// noteParagraph is the paragraph after "Du får ...", where the fixture prints .note.
func noteParagraph(bs []render.Block) string {
	for i, b := range bs {
		if p, ok := b.(*render.Paragraph); ok && strings.HasPrefix(render.PlainText(p.Runs), "Du får") {
			if q, ok := bs[i+1].(*render.Paragraph); ok {
				return render.PlainText(q.Runs)
			}
		}
	}
	return ""
}

// shape describes the block structure of a body without its data text.
func shape(bs []render.Block) []string {
	var out []string
	for _, b := range bs {
		switch b := b.(type) {
		case *render.Paragraph:
			out = append(out, "paragraph")
		case *render.Heading:
			out = append(out, "heading "+render.PlainText(b.Runs))
		case *render.List:
			out = append(out, "list")
		case *render.Table:
			out = append(out, "table")
		case *render.Image:
			out = append(out, "image")
		case *render.PageBreak:
			out = append(out, "page break")
		case *render.Signature:
			out = append(out, "signature")
		}
	}
	return out
}
