package gofpdf_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/phpdave11/gofpdf"

	mmath "github.com/johnfercher/maroto/v2/internal/math"
	provider "github.com/johnfercher/maroto/v2/internal/providers/gofpdf"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// TestText_SelectsFontOnce (postbud CHANGES.md 6): texts in the font gofpdf already has write
// no font operator; a text in another font or size writes one, and the font of the page is
// selected again after a new page.
func TestText_SelectsFontOnce(t *testing.T) {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false)
	pdf.AddPage()
	font := provider.NewFont(pdf, 10, "Helvetica", fontstyle.Normal)
	text := provider.NewText(pdf, mmath.New(), font)
	add := func(s string, size float64, style fontstyle.Type) {
		p := &props.Text{Family: "Helvetica", Style: style, Size: size, Align: align.Left, Color: &props.Color{}}
		text.Add(s, &entity.Cell{X: 10, Y: 10, Width: math.Inf(1), Height: 100}, p)
	}
	add("one", 10, fontstyle.Normal)
	add("two", 10, fontstyle.Normal)
	add("three", 12, fontstyle.Normal)
	add("four", 12, fontstyle.Normal)
	add("five", 12, fontstyle.Bold)
	pdf.AddPage()
	add("six", 12, fontstyle.Bold)
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		t.Fatal(err)
	}
	// NewFont 10 pt, 12 pt and bold 12 pt on page 1; on page 2 the two that gofpdf's AddPage
	// writes itself, and none for "six".
	if got := bytes.Count(out.Bytes(), []byte(" Tf ET")); got != 5 {
		t.Errorf("%d font operators, want 5:\n%s", got, out.Bytes())
	}
	if got := bytes.Count(out.Bytes(), []byte(" Tj ET")); got != 6 {
		t.Errorf("%d texts, want 6", got)
	}
}
