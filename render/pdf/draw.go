package pdf

import (
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
	out := &slice{}
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

// row wraps the slice in a Maroto row of its height.
func (s *slice) row() core.Row {
	return row.New(s.h).Add(col.New().Add(s))
}

// Render draws the slice into cell, whose X and Y are relative to the page margins.
func (s *slice) Render(p core.Provider, cell *entity.Cell) {
	for i := range s.rules {
		r := &s.rules[i]
		drawRule(p, cell.X+r.x1, cell.Y+r.y, r.x2-r.x1, r.thick, r.color)
	}
	for i := range s.images {
		im := &s.images[i]
		p.AddImageFromBytes(im.data, &entity.Cell{X: cell.X + im.x, Y: cell.Y + im.y, Width: im.w, Height: im.h},
			&props.Rect{Percent: 100}, im.ext)
	}
	for i := range s.texts {
		t := &s.texts[i]
		drawText(p, cell.X+t.x, cell.Y+t.y, t)
	}
}

// drawText draws t with its left edge at x and the top of its em box at y. The cell is far wider
// than the text so that Maroto never breaks it again; Maroto mutates the props, so each call gets
// its own.
func drawText(p core.Provider, x, y float64, t *textOp) {
	tp := &props.Text{
		Family: t.font,
		Style:  fontstyle.Normal,
		Size:   t.size,
		Align:  align.Left,
		Color:  &props.Color{Red: int(t.color.R), Green: int(t.color.G), Blue: int(t.color.B)},
	}
	if t.link != "" {
		link := t.link
		tp.Hyperlink = &link
	}
	p.AddText(t.text, &entity.Cell{X: x, Y: y, Width: 1e5, Height: 1e5}, tp)
}

func drawRule(p core.Provider, x, y, w, thick float64, c render.Color) {
	if w <= 0 || thick <= 0 {
		return
	}
	p.AddLine(&entity.Cell{X: x, Y: y, Width: w}, &props.Line{
		Color:       &props.Color{Red: int(c.R), Green: int(c.G), Blue: int(c.B)},
		Style:       linestyle.Solid,
		Thickness:   thick,
		Orientation: orientation.Horizontal,
		SizePercent: 100,
	})
}

// GetHeight returns the slice's fixed height.
func (s *slice) GetHeight(core.Provider, *entity.Cell) float64 { return s.h }

// SetConfig is part of core.Component; a slice needs no configuration.
func (s *slice) SetConfig(*entity.Config) {}

// GetStructure describes the slice for Maroto's structure dumps.
func (s *slice) GetStructure() *node.Node[core.Structure] {
	return node.New(core.Structure{Type: "postbud-slice", Value: s.h})
}
