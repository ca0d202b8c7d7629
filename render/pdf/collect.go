package pdf

import (
	"fmt"
	"strings"

	"github.com/postbud/postbud/render"
)

// cleaner normalises line ends and tabs and drops soft hyphens, zero-width spaces and BOMs.
var cleaner = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", " ", "\u00ad", "", "\u200b", "", "\ufeff", "")

// norm prepares run text for layout: line ends become "\n", tabs spaces, invisible characters go.
func norm(s string) string {
	// The common case needs no copy: no '\r' or '\t' and no first byte of U+00AD (0xC2),
	// U+200B (0xE2) or U+FEFF (0xEF) in UTF-8.
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\r', '\t', 0xC2, 0xE2, 0xEF:
			return cleaner.Replace(s)
		}
	}
	return s
}

// normLine is norm for one-line fields: line breaks become spaces.
func normLine(s string) string { return strings.ReplaceAll(norm(s), "\n", " ") }

// collect lists every text of the document in the style it is drawn in, with where it comes from
// in the document, so the fonts can be chosen and checked before anything is laid out.
func collect(d *render.Document) []styledText {
	var out []styledText
	add := func(s string, st style, where string, at origin) {
		if s != "" {
			out = append(out, styledText{text: s, style: st, where: where, at: at})
		}
	}
	lh := d.Letterhead
	add(normLine(lh.Name), bold, "letterhead name", origin{PlaceSenderName, 0})
	add(normLine(lh.Department), regular, "letterhead department", origin{PlaceSenderDepartment, 0})
	for i, s := range lh.Address {
		add(normLine(s), regular, fmt.Sprintf("letterhead address line %d", i+1), origin{PlaceSenderAddress, i})
	}
	for i, s := range lh.Contact {
		add(normLine(s), regular, fmt.Sprintf("letterhead contact line %d", i+1), origin{PlaceSenderContact, i})
	}
	add(normLine(lh.ReturnAddress()), regular, "return address", origin{PlaceReturnAddress, 0})
	for i, s := range d.Recipient {
		add(normLine(s), regular, fmt.Sprintf("recipient line %d", i+1), origin{PlaceRecipient, i})
	}
	for i, dt := range d.Details {
		add(normLine(dt.Label)+": "+normLine(dt.Value), regular, fmt.Sprintf("details %d (%s)", i+1, dt.Label), origin{PlaceDetails, i})
	}
	add(norm(d.Subject), bold, "subject", origin{PlaceSubject, 0})
	add(norm(d.Footer), regular, "footer", origin{PlaceFooter, 0})
	if d.PageLabel != "" {
		add(norm(d.PageLabel)+"0123456789", regular, "page label", origin{PlacePageLabel, 0})
	}
	runs := func(rs []render.Run, base style, where string, at origin) {
		for _, sp := range spans(rs, base, black) {
			add(sp.text, sp.style, where, at)
		}
	}
	var walk func(bs []render.Block, where string, top int)
	walk = func(bs []render.Block, where string, top int) {
		for i, b := range bs {
			w := fmt.Sprintf("%s block %d", where, i+1)
			at := origin{PlaceBody, top}
			if top < 0 {
				at.index = i
			}
			switch b := b.(type) {
			case *render.Heading:
				runs(b.Runs, bold, w+" (heading)", at)
			case *render.Paragraph:
				runs(b.Runs, regular, w+" (paragraph)", at)
			case *render.List:
				add("•0123456789.", regular, w+" (list markers)", at)
				for j, it := range b.Items {
					walk(it, fmt.Sprintf("%s (list) item %d", w, j+1), at.index)
				}
			case *render.Table:
				for j, c := range b.Header {
					runs(c.Runs, bold, fmt.Sprintf("%s (table) header cell %d", w, j+1), at)
				}
				for r, row := range b.Rows {
					for j, c := range row {
						runs(c.Runs, regular, fmt.Sprintf("%s (table) row %d cell %d", w, r+1, j+1), at)
					}
				}
				for j, c := range b.Total {
					runs(c.Runs, bold, fmt.Sprintf("%s (table) total cell %d", w, j+1), at)
				}
			case *render.Signature:
				add(normLine(b.Greeting), regular, w+" (signature greeting)", origin{PlaceSignatureGreeting, 0})
				add(normLine(b.Name), bold, w+" (signature name)", origin{PlaceSignatureName, 0})
				add(normLine(b.Title), regular, w+" (signature title)", origin{PlaceSignatureTitle, 0})
			}
		}
	}
	walk(d.Body, "body", -1)
	return out
}
