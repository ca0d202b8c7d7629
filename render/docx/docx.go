package docx

import (
	"errors"
	"fmt"
	"math"

	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/fonts"
)

// Render writes d as a .docx file. The result depends only on d: the same Document gives the same
// bytes. Render is safe for concurrent use. It fails only on input it cannot represent: a page
// without room for text, or an image that is not a readable PNG or JPEG.
func Render(d *render.Document) ([]byte, error) {
	if d == nil {
		return nil, errors.New("docx: render: document is nil")
	}
	l, err := newLayout(d)
	if err != nil {
		return nil, fmt.Errorf("docx: render %q: %w", d.Meta.Title, err)
	}
	w := newWriter(d, l)
	defer w.release()
	if l.set != nil {
		for s, used := range l.used {
			if used {
				f, err := embed(l.set, fontStyle(s))
				if err != nil {
					return nil, fmt.Errorf("docx: render %q: %w", d.Meta.Title, err)
				}
				w.embedded[s] = f
			}
		}
	}
	if err := w.document(); err != nil {
		return nil, fmt.Errorf("docx: render %q: %w", d.Meta.Title, err)
	}
	return w.pack()
}

// layout is the page geometry and type sizes resolved from a Document's fields and defaults.
type layout struct {
	page      render.Page
	window    render.Window
	textWidth float64 // mm
	// font is the family the DOCX names: the family name of set when postbud has files for the
	// letter's family (Postbud Sans Latin for a letter of Latin text), else the letter's own.
	font string
	// set is the font set the letter is set in and embeds, render/pdf's choice; nil when
	// postbud has no files for its family. used are the styles it embeds.
	set    *fonts.Set
	used   [nStyles]bool
	size   float64 // pt
	accent string  // hex
	lang   string
	m      metrics // measures text in the letter's font
}

func newLayout(d *render.Document) (layout, error) {
	l := layout{page: d.Page, window: d.Window, font: d.Font, size: d.FontSize, lang: d.Meta.Language}
	if l.page == (render.Page{}) {
		l.page = render.A4
	}
	p := l.page
	for _, v := range []float64{p.Width, p.Height, p.Top, p.Right, p.Bottom, p.Left} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 5000 {
			return l, fmt.Errorf("page: size and margins must be finite millimetres between 0 and 5000, got %+v", p)
		}
	}
	l.textWidth = p.Width - p.Left - p.Right
	if l.textWidth < 20 || p.Height-p.Top-p.Bottom < 20 {
		return l, fmt.Errorf("page: %gx%g mm with margins %g/%g/%g/%g mm leaves less than 20 mm for text; use render.A4 or smaller margins",
			p.Width, p.Height, p.Top, p.Right, p.Bottom, p.Left)
	}
	if l.window == (render.Window{}) {
		l.window = render.DefaultWindow
	}
	win := l.window
	for _, v := range []float64{win.X, win.Y, win.Width, win.Height} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 5000 {
			return l, fmt.Errorf("window: position and size must be finite millimetres between 0 and 5000, got %+v", win)
		}
	}
	if l.font == "" {
		l.font = render.DefaultFont
	}
	if !(l.size > 0 && l.size < 200) { // also catches NaN
		l.size = render.DefaultFontSize
	}
	a := d.Accent
	l.accent = hexColor(a.R, a.G, a.B)
	set, used, err := chooseFonts(d, l.font)
	if err != nil {
		return l, err
	}
	if set != nil {
		l.set, l.used, l.font = set, used, set.Family
	}
	m, err := newMetrics(set)
	if err != nil {
		return l, err
	}
	l.m = m
	return l, nil
}
