package pdf

import (
	"math"
	"sync"

	"github.com/johnfercher/go-tree/node"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/linestyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/orientation"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/postbud/postbud/render"
)

// A slice is a horizontal strip of the page of fixed height: one line of a paragraph, one table
// row, an image, or several of these that must stay on one page. Each slice becomes one Maroto row,
// so Maroto moves whole slices to the next page and never cuts one.
//
// Coordinates of the drawing operations are millimetres relative to the slice's top-left corner,
// which lies on the left margin.
type slice struct {
	h      float64
	texts  []textOp
	rules  []ruleOp
	images []imageOp
	tree   *tagTree // the structure tree of a tagged document (tags.go), else nil
}

var _ core.Component = (*slice)(nil)

// textOp draws a piece of text in one font on one line. y is the top of the em box: the baseline
// lies one em (size in mm) below it, which is where Maroto's AddText puts it.
type textOp struct {
	x, y  float64
	text  string
	font  string // family registered with gofpdf, one per style (see fonts.family)
	style style
	size  float64 // points
	color render.Color
	link  string
	tag   *tagNode // the structure element whose content the text is; nil: an artifact
}

// ruleOp draws a horizontal band from x1 to x2 centred on y, thick mm high: rules and cell fills.
type ruleOp struct {
	x1, x2, y, thick float64
	color            render.Color
}

// imageOp draws a PNG or JPEG picture into the box x, y, w, h.
type imageOp struct {
	x, y, w, h float64
	data       []byte
	ext        extension.Type
	tag        *tagNode // the Figure the image is; nil: an artifact
}

// shift moves every operation of s down by dy.
func (s *slice) shift(dy float64) {
	for i := range s.texts {
		s.texts[i].y += dy
	}
	for i := range s.rules {
		s.rules[i].y += dy
	}
	for i := range s.images {
		s.images[i].y += dy
	}
}

// stack returns one slice that holds the slices one below the other.
func stack(ss []*slice) *slice {
	if len(ss) == 1 {
		return ss[0]
	}
	var nt, nr, ni int
	for _, s := range ss {
		nt, nr, ni = nt+len(s.texts), nr+len(s.rules), ni+len(s.images)
	}
	out := &slice{texts: make([]textOp, 0, nt), rules: make([]ruleOp, 0, nr)}
	if ni > 0 {
		out.images = make([]imageOp, 0, ni)
	}
	for _, s := range ss {
		for _, t := range s.texts {
			t.y += out.h
			out.texts = append(out.texts, t)
		}
		for _, r := range s.rules {
			r.y += out.h
			out.rules = append(out.rules, r)
		}
		for _, im := range s.images {
			im.y += out.h
			out.images = append(out.images, im)
		}
		out.h += s.h
	}
	return out
}

// stackHeight is the height of stack(ss), without making it.
func stackHeight(ss []*slice) float64 {
	if len(ss) == 1 {
		return ss[0].h
	}
	var h float64
	for _, s := range ss {
		h += s.h
	}
	return h
}

// row wraps the slice in a Maroto row of its height.
func (s *slice) row() core.Row {
	return row.New(s.h).Add(col.New().Add(s))
}

// Render draws the slice into cell, whose X and Y are relative to the page margins.
func (s *slice) Render(p core.Provider, cell *entity.Cell) {
	if s.tree != nil && s.tree.f != nil { // tagged PDF (tags.go)
		s.tree.render(s, p, cell)
		return
	}
	if len(s.rules)+len(s.texts) == 0 && len(s.images) == 0 {
		return
	}
	sc := scratchPool.Get().(*drawScratch)
	for i := range s.rules {
		r := &s.rules[i]
		sc.drawRule(p, cell.X+r.x1, cell.Y+r.y, r.x2-r.x1, r.thick, r.color)
	}
	for i := range s.images {
		im := &s.images[i]
		p.AddImageFromBytes(im.data, &entity.Cell{X: cell.X + im.x, Y: cell.Y + im.y, Width: im.w, Height: im.h},
			&props.Rect{Percent: 100}, im.ext)
	}
	for i := range s.texts {
		t := &s.texts[i]
		sc.drawText(p, cell.X+t.x, cell.Y+t.y, t)
	}
	scratchPool.Put(sc)
}

// drawScratch is what drawText and drawRule hand Maroto for one text or rule, reused from one
// to the next: Maroto's AddText and AddLine keep none of it after they return, and change none
// of it (the text has no offsets to clamp).
type drawScratch struct {
	prop  props.Text
	line  props.Line
	color props.Color
	cell  entity.Cell
	link  string
}

var scratchPool = sync.Pool{New: func() any { return new(drawScratch) }}

// drawText draws t with its left edge at x and the top of its em box at y. The cell is infinitely
// wide so that Maroto never breaks the text again (nor, for text without a link, measures it).
func (sc *drawScratch) drawText(p core.Provider, x, y float64, t *textOp) {
	sc.color = props.Color{Red: int(t.color.R), Green: int(t.color.G), Blue: int(t.color.B)}
	sc.prop = props.Text{
		Family: t.font,
		Style:  fontstyle.Normal,
		Size:   t.size,
		Align:  align.Left,
		Color:  &sc.color,
	}
	if t.link != "" {
		sc.link = t.link
		sc.prop.Hyperlink = &sc.link
	}
	sc.cell = entity.Cell{X: x, Y: y, Width: math.Inf(1), Height: 1e5}
	p.AddText(t.text, &sc.cell, &sc.prop)
}

func drawRule(p core.Provider, x, y, w, thick float64, c render.Color) {
	sc := scratchPool.Get().(*drawScratch)
	sc.drawRule(p, x, y, w, thick, c)
	scratchPool.Put(sc)
}

func (sc *drawScratch) drawRule(p core.Provider, x, y, w, thick float64, c render.Color) {
	if w <= 0 || thick <= 0 {
		return
	}
	sc.color = props.Color{Red: int(c.R), Green: int(c.G), Blue: int(c.B)}
	sc.line = props.Line{
		Color:       &sc.color,
		Style:       linestyle.Solid,
		Thickness:   thick,
		Orientation: orientation.Horizontal,
		SizePercent: 100,
	}
	sc.cell = entity.Cell{X: x, Y: y, Width: w}
	p.AddLine(&sc.cell, &sc.line)
}

// GetHeight returns the slice's fixed height.
func (s *slice) GetHeight(core.Provider, *entity.Cell) float64 { return s.h }

// SetConfig is part of core.Component; a slice needs no configuration.
func (s *slice) SetConfig(*entity.Config) {}

// GetStructure describes the slice for Maroto's structure dumps.
func (s *slice) GetStructure() *node.Node[core.Structure] {
	return node.New(core.Structure{Type: "postbud-slice", Value: s.h})
}
