package gofpdf_test

import (
	"bytes"
	"fmt"

	"github.com/phpdave11/gofpdf"
)

// ExampleFpdf_SetTagged draws a tagged document as a layout engine would: a heading, a paragraph
// with a link in it and a figure, each element's content marked on the page it is drawn on, and
// the page number as an artifact.
func ExampleFpdf_SetTagged() {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Decision on housing benefit", true)
	pdf.SetLang("en")
	pdf.SetTagged(true)
	pdf.AddUTF8Font("dejavu", "", "font/DejaVuSansCondensed.ttf")
	pdf.SetFooterFunc(func() { // drawn as an artifact (Pagination, Footer)
		pdf.Text(20, 287, fmt.Sprintf("Page %d", pdf.PageNo()))
	})
	pdf.AddPage()
	pdf.SetFont("dejavu", "", 14)

	pdf.BeginStructElem("H1")
	pdf.BeginMarkedContent()
	pdf.Cell(0, 10, "Decision on housing benefit")
	pdf.EndMarkedContent()
	pdf.EndStructElem()
	pdf.Ln(12)

	pdf.SetFont("dejavu", "", 11)
	pdf.BeginStructElem("P")
	pdf.BeginMarkedContent()
	pdf.Write(6, "Read more at ")
	pdf.BeginStructElem("Link", gofpdf.StructAlt("Housing benefit on example.org"))
	pdf.BeginMarkedContent()
	pdf.WriteLinkString(6, "example.org", "https://example.org/")
	pdf.EndMarkedContent()
	pdf.EndStructElem() // the paragraph's content continues in a new sequence
	pdf.Write(6, ".")
	pdf.EndMarkedContent()
	pdf.EndStructElem()
	pdf.Ln(10)

	pdf.BeginArtifact("Layout")
	pdf.Line(20, pdf.GetY(), 190, pdf.GetY())
	pdf.EndArtifact()

	pdf.BeginStructElem("Figure", gofpdf.StructAlt("The gofpdf logo"))
	pdf.BeginMarkedContent()
	pdf.ImageOptions("image/logo.jpg", 20, pdf.GetY()+4, 30, 0, false, gofpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	pdf.EndMarkedContent()
	pdf.EndStructElem()

	var buf bytes.Buffer
	err := pdf.Output(&buf)
	fmt.Println(err, bytes.Contains(buf.Bytes(), []byte("/MarkInfo <</Marked true>>")))
	// Output: <nil> true
}
