package pdf

import (
	"fmt"

	"github.com/johnfercher/go-tree/node"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"

	"github.com/postbud/postbud/render"
)

// footer is the component of the footer row Maroto repeats at the bottom of every page: a thin
// rule, the footer text and the page label. Maroto renders pages in order, so the footer counts
// them; the layout knows the total in advance.
type footer struct {
	l     *layout
	text  []*slice // footer text lines, laid out once
	label string   // page label pattern with {page} and {pages}
	total int
	page  int // pages rendered so far
}

var _ core.Component = (*footer)(nil)

const footerTextTop = 2.0 // mm below the top of the footer zone

// prepare lays the footer text out once the page count is known (the label's width depends on it).
func (f *footer) prepare(total int) error {
	f.total = total
	l := f.l
	w := l.contentW
	if f.label != "" {
		w -= l.ts.measure(f.pageLabel(total), regular, footerSizePt) + 5
	}
	if w < 20 {
		err := l.fail(Problem{Place: PlacePageLabel, Message: fmt.Sprintf("the page label of %d pages leaves %.0f mm for the footer text, less than 20 mm: shorten it", total, w)},
			fmt.Errorf("page label %q leaves no room for the footer text: shorten it", f.label))
		if err != nil {
			return err
		}
		w = 20
	}
	t := norm(l.d.Footer)
	if t == "" {
		return nil
	}
	lines := l.ts.breakLines([]span{{text: t, color: grey}}, footerSizePt, w)
	lh := l.em(footerSizePt) * 1.2
	if room := int((l.footerH - footerTextTop) / lh); len(lines) > room {
		err := l.fail(Problem{Place: PlaceFooter, Message: fmt.Sprintf("the footer needs %d lines at %.1f pt, and the footer zone holds %d: shorten it", len(lines), footerSizePt, room)},
			fmt.Errorf("footer needs %d lines at %.1f pt; the footer zone holds %d: shorten the footer", len(lines), footerSizePt, room))
		if err != nil {
			return err
		}
		lines = lines[:room]
	}
	f.text = l.lineSlices(lines, []span{{text: t, color: grey}}, footerSizePt, lh, 0, w, render.AlignLeft)
	return nil
}

func (f *footer) pageLabel(page int) string { return pageLabel(f.label, page, f.total) }

// labelSlice lays out the page label of page at size, right-aligned in the text width.
func (f *footer) labelSlice(page int, size float64) []*slice {
	l := f.l
	label := f.pageLabel(page)
	w := l.ts.measure(label, regular, size)
	return l.lineSlices([]line{{pieces: []piece{{text: label, w: w}}, w: w}},
		[]span{{text: label, color: grey}}, size, l.em(size)*1.2, 0, l.contentW, render.AlignRight)
}

// Render draws the footer of the next page and, from page 2 on, the page label of the running
// head, at the top of the text area (Y 0 of the page's cells), where the layout left room for it.
func (f *footer) Render(p core.Provider, cell *entity.Cell) {
	f.page++
	l := f.l
	l.tagFooter(true)
	defer l.tagFooter(false)
	drawRule(p, cell.X, cell.Y+footerRuleY, l.contentW, 0.1, ruleGrey)
	s := &slice{}
	put(s, f.text, footerTextTop)
	if f.label != "" {
		put(s, f.labelSlice(f.page, footerSizePt), footerTextTop)
	}
	s.Render(p, cell)
	if f.label != "" && f.page > 1 && l.runningHead() != nil {
		head := &slice{}
		put(head, f.labelSlice(f.page, headSizePt), 0)
		head.Render(p, &entity.Cell{X: cell.X, Y: 0, Width: cell.Width, Height: l.runningHead().h})
	}
}

// GetHeight returns the height of the footer zone.
func (f *footer) GetHeight(core.Provider, *entity.Cell) float64 { return f.l.footerH }

// SetConfig is part of core.Component; the footer needs no configuration.
func (f *footer) SetConfig(*entity.Config) {}

// GetStructure describes the footer for Maroto's structure dumps.
func (f *footer) GetStructure() *node.Node[core.Structure] {
	return node.New(core.Structure{Type: "postbud-footer", Value: f.label})
}
