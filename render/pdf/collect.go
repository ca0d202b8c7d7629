package pdf

import (
	"fmt"
	"strings"

	"github.com/postbud/postbud/render"
)

// cleaner normalises line ends and tabs and drops soft hyphens, zero-width spaces and BOMs.
var cleaner = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", " ", "\u00ad", "", "\u200b", "", "\ufeff", "")

// norm prepares run text for layout: line ends become "\n", tabs spaces, invisible characters go.
func norm(s string) string { return cleaner.Replace(s) }

// normLine is norm for one-line fields: line breaks become spaces.
func normLine(s string) string { return strings.ReplaceAll(norm(s), "\n", " ") }

// collect lists every text of the document in the style it is drawn in, with where it comes from
// in the document, so the fonts can be chosen and checked before anything is laid out.
func collect(d *render.Document) []styledText {
	var out []styledText
	add := func(s string, st style, where string) {
		if s != "" {
			out = append(out, styledText{text: s, style: st, where: where})
		}
	}
	lh := d.Letterhead
	add(normLine(lh.Name), bold, "letterhead name")
	add(normLine(lh.Department), regular, "letterhead department")
	for i, s := range lh.Address {
		add(normLine(s), regular, fmt.Sprintf("letterhead address line %d", i+1))
	}
	for i, s := range lh.Contact {
		add(normLine(s), regular, fmt.Sprintf("letterhead contact line %d", i+1))
	}
	add(normLine(lh.ReturnAddress()), regular, "return address")
	for i, s := range d.Recipient {
		add(normLine(s), regular, fmt.Sprintf("recipient line %d", i+1))
	}
	for i, dt := range d.Details {
		add(normLine(dt.Label)+": "+normLine(dt.Value), regular, fmt.Sprintf("details %d (%s)", i+1, dt.Label))
	}
	add(norm(d.Subject), bold, "subject")
	add(norm(d.Footer), regular, "footer")
	if d.PageLabel != "" {
		add(norm(d.PageLabel)+"0123456789", regular, "page label")
	}
	runs := func(rs []render.Run, base style, where string) {
		for _, sp := range spans(rs, base, black) {
			add(sp.text, sp.style, where)
		}
	}
	var walk func(bs []render.Block, where string)
	walk = func(bs []render.Block, where string) {
		for i, b := range bs {
			w := fmt.Sprintf("%s block %d", where, i+1)
			switch b := b.(type) {
			case *render.Heading:
				runs(b.Runs, bold, w+" (heading)")
			case *render.Paragraph:
				runs(b.Runs, regular, w+" (paragraph)")
			case *render.List:
				add("•0123456789.", regular, w+" (list markers)")
				for j, it := range b.Items {
					walk(it, fmt.Sprintf("%s (list) item %d", w, j+1))
				}
			case *render.Table:
				for j, c := range b.Header {
					runs(c.Runs, bold, fmt.Sprintf("%s (table) header cell %d", w, j+1))
				}
				for r, row := range b.Rows {
					for j, c := range row {
						runs(c.Runs, regular, fmt.Sprintf("%s (table) row %d cell %d", w, r+1, j+1))
					}
				}
				for j, c := range b.Total {
					runs(c.Runs, bold, fmt.Sprintf("%s (table) total cell %d", w, j+1))
				}
			case *render.Signature:
				add(normLine(b.Greeting), regular, w+" (signature greeting)")
				add(normLine(b.Name), bold, w+" (signature name)")
				add(normLine(b.Title), regular, w+" (signature title)")
			}
		}
	}
	walk(d.Body, "body")
	return out
}
