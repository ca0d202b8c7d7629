package pdf_test

import (
	"bytes"
	"fmt"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render/pdf"
)

func ExampleRender() {
	letter := testdoc.Reference()
	b, err := pdf.Render(letter)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.HasPrefix(b, []byte("%PDF-1.")))
	// Output: true
}
