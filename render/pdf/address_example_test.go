package pdf_test

import (
	"fmt"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/pdf"
)

// A recipient line wider than the envelope window wraps inside it, its continuation indented;
// all lines keep one size.
func ExampleAddress() {
	letter := testdoc.Reference()
	letter.Page = render.Page{Width: 210, Height: 297, Top: 15, Right: 20, Bottom: 20, Left: 20}
	letter.Window = render.Window{X: 20, Y: 45, Width: 85, Height: 45}
	letter.FontSize = 11
	letter.Recipient = []string{
		"Anne-Sofie Margrethe Wąsowicz-Dvořák Kristoffersen-Vestergaard",
		"Åboulevarden 17, 3. th.",
		"8000 Aarhus C",
	}
	a, err := pdf.Address(letter)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.0f pt, from %.0f mm:\n", a.Size, a.Left)
	for _, l := range a.Lines {
		fmt.Printf("%*s%s\n", int(l.Indent), "", l.Text)
	}
	// Output:
	// 11 pt, from 25 mm:
	// Anne-Sofie Margrethe Wąsowicz-Dvořák
	//    Kristoffersen-Vestergaard
	// Åboulevarden 17, 3. th.
	// 8000 Aarhus C
}
