package pdf

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/postbud/postbud/render"
)

// cleaner normalises line ends and tabs and drops soft hyphens, zero-width spaces and BOMs.
var cleaner = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", " ", "\u00ad", "", "\u200b", "", "\ufeff", "")

// norm prepares run text for layout: line ends become "\n", tabs spaces, invisible characters go.
func norm(s string) string {
	// The common case needs no copy: no '\r' or '\t' and none of U+00AD (C2 AD), U+200B
	// (E2 80 8B) or U+FEFF (EF BB BF). Searching for each (vectorised) is cheaper than looking at
	// every byte once.
	if strings.IndexByte(s, '\r') >= 0 || strings.IndexByte(s, '\t') >= 0 ||
		strings.Contains(s, "\u00ad") || strings.Contains(s, "\u200b") || strings.Contains(s, "\ufeff") {
		return cleaner.Replace(s)
	}
	return s
}

// normLine is norm for one-line fields: line breaks become spaces.
func normLine(s string) string { return strings.ReplaceAll(norm(s), "\n", " ") }

// collect lists every text of the document in the style it is drawn in, with where it comes from
// in the document, so the fonts can be chosen and checked before anything is laid out.
func collect(d *render.Document) []styledText {
	out := make([]styledText, 0, 32+countTexts(d.Body))
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
	// The running head of pages 2..n: the recipient's name and the case number, which are
	// listed above, joined by a separator and a colon (headText).
	add(" · : …", regular, "running head", origin{PlacePageLabel, 0})
	runs := func(rs []render.Run, base style, where string, at origin) {
		for _, r := range rs { // as spans makes them
			add(norm(r.Text), runStyle(r, base), where, at)
		}
	}
	itoa := strconv.Itoa
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
				if len(b.Rows) > 0 { // the mark of a row continued on the next page
					add(continued(d.Meta.Language), regular, w+" (table continuation mark)", at)
				}
				// One place string per cell: built by concatenation, which costs less than
				// fmt for the thousands of cells of a long table.
				for j, c := range b.Header {
					runs(c.Runs, bold, w+" (table) header cell "+itoa(j+1), at)
				}
				// A text that recurs in the rows (a period, a description, an amount) is listed
				// once, at its first cell: what the list is for (the styles used, the characters
				// of each, the first character no font has, Preflight's problems by place and
				// character) is the same without the repeats, which a long table has by the
				// thousand.
				seen := map[styledRun]bool{}
				for r, row := range b.Rows {
					for j, c := range row {
						for _, run := range c.Runs {
							k := styledRun{norm(run.Text), runStyle(run, regular)}
							if k.text == "" || seen[k] {
								continue
							}
							seen[k] = true
							add(k.text, k.style, w+" (table) row "+itoa(r+1)+" cell "+itoa(j+1), at)
						}
					}
				}
				for j, c := range b.Total {
					runs(c.Runs, bold, w+" (table) total cell "+itoa(j+1), at)
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

// countTexts is about how many texts collect finds in bs (a run a text), so that its list
// grows once.
func countTexts(bs []render.Block) int {
	n := 0
	cells := func(cs []render.Cell) {
		for _, c := range cs {
			n += len(c.Runs)
		}
	}
	for _, b := range bs {
		switch b := b.(type) {
		case *render.Heading:
			n += len(b.Runs)
		case *render.Paragraph:
			n += len(b.Runs)
		case *render.List:
			n++
			for _, it := range b.Items {
				n += countTexts(it)
			}
		case *render.Table:
			cells(b.Header)
			for _, r := range b.Rows {
				cells(r)
			}
			cells(b.Total)
		case *render.Signature:
			n += 3
		}
	}
	return n
}

// styledRun is a text in a style.
type styledRun struct {
	text  string
	style style
}

// runStyle is the style spans gives r in base.
func runStyle(r render.Run, base style) style {
	if r.Bold {
		base |= bold
	}
	if r.Italic {
		base |= italic
	}
	return base
}
