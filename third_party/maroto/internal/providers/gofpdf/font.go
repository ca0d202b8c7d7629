package gofpdf

import (
	"github.com/johnfercher/maroto/v2/internal/providers/gofpdf/gofpdfwrapper"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

const (
	gofpdfFontScale1 = 72.0
	gofpdfFontScale2 = 25.4
)

type font struct {
	pdf gofpdfwrapper.Fpdf
	// current is pdf when it can tell that a font is already selected (the gofpdf fork's
	// FontIsCurrent), else nil. postbud CHANGES.md 6.
	current     fontChecker
	size        float64
	family      string
	style       fontstyle.Type
	scaleFactor float64
	fontColor   *props.Color
}

// NewFont create a Font.
func NewFont(pdf gofpdfwrapper.Fpdf, size float64, family string, style fontstyle.Type) *font {
	pdf.SetFont(family, string(style), size)
	current, _ := pdf.(fontChecker)

	return &font{
		pdf:         pdf,
		current:     current,
		size:        size,
		family:      family,
		style:       style,
		scaleFactor: gofpdfFontScale1 / gofpdfFontScale2, // Bytes defined inside gofpdf constructor,
		fontColor:   &props.Color{Red: 0, Green: 0, Blue: 0},
	}
}

// GetFamily return the currently Font family configured.
func (s *font) GetFamily() string {
	return s.family
}

// GetStyle return the currently Font style configured.
func (s *font) GetStyle() fontstyle.Type {
	return s.style
}

// GetSize return the currently Font size configured.
func (s *font) GetSize() float64 {
	return s.size
}

// GetFont return all the currently Font properties configured.
func (s *font) GetFont() (string, fontstyle.Type, float64) {
	return s.family, s.style, s.size
}

func (s *font) GetHeight(family string, style fontstyle.Type, size float64) float64 {
	// postbud CHANGES.md 6: text.Add asks for the height right after selecting the same font;
	// selecting it again would change nothing.
	if s.current == nil || family != s.family || style != s.style || size != s.size {
		s.SetFont(family, style, size)
	}
	_, _, fontSize := s.GetFont()
	return fontSize / s.scaleFactor
}

// SetFamily defines a new Font family.
func (s *font) SetFamily(family string) {
	s.family = family

	s.pdf.SetFont(s.family, string(s.style), s.size)
}

// SetStyle defines a new Font style.
func (s *font) SetStyle(style fontstyle.Type) {
	s.style = style

	s.pdf.SetFontStyle(string(s.style))
}

// SetSize defines a new Font size.
func (s *font) SetSize(size float64) {
	s.size = size
	s.pdf.SetFontSize(s.size)
}

// fontChecker is what the gofpdf fork adds to gofpdf for SetFont.
type fontChecker interface {
	FontIsCurrent(familyStr, styleStr string, size float64) bool
}

// SetFont defines all new Font properties.
func (s *font) SetFont(family string, style fontstyle.Type, size float64) {
	s.family = family
	s.style = style
	s.size = size

	// postbud CHANGES.md 6: text.Add selects the font of every text, and GetHeight selects it
	// again; selecting the font gofpdf has already selected on the page changes nothing but
	// writes another font operator (and costs gofpdf's name normalising), so skip it.
	if s.current != nil && s.current.FontIsCurrent(family, string(style), size) {
		return
	}
	s.pdf.SetFont(s.family, string(s.style), s.size)
}

func (s *font) SetColor(color *props.Color) {
	if color == nil {
		return
	}

	s.fontColor = color
	// postbud CHANGES.md 4: Add sets the text colour and restores it for every text; setting the
	// colour gofpdf already has changes nothing in the document, so skip gofpdf's formatting.
	if r, g, b := s.pdf.GetTextColor(); r == color.Red && g == color.Green && b == color.Blue {
		return
	}
	s.pdf.SetTextColor(color.Red, color.Green, color.Blue)
}

func (s *font) GetColor() *props.Color {
	return s.fontColor
}
