package docx_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"log"

	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/docx"
)

func ExampleRender() {
	d := &render.Document{
		Meta:      render.Meta{Title: "Afgørelse", Author: "Aarhus Kommune", Language: "da"},
		Recipient: []string{"Søren Ærbø Møller", "Åboulevarden 17", "8000 Aarhus C"},
		Subject:   "Afgørelse om boligstøtte",
		Body: []render.Block{
			&render.Paragraph{Runs: []render.Run{{Text: "Du får "}, {Text: "1.234,50 kr.", Bold: true}, {Text: " om måneden."}}},
		},
		PageLabel: "Side {page} af {pages}",
	}
	data, err := docx.Render(d)
	if err != nil {
		log.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range zr.File {
		fmt.Println(f.Name)
	}
	// Output:
	// [Content_Types].xml
	// _rels/.rels
	// docProps/core.xml
	// docProps/app.xml
	// word/document.xml
	// word/styles.xml
	// word/numbering.xml
	// word/settings.xml
	// word/header1.xml
	// word/header2.xml
	// word/footer1.xml
	// word/_rels/document.xml.rels
	// word/fontTable.xml
	// word/_rels/fontTable.xml.rels
	// word/fonts/font1.odttf
	// word/fonts/font2.odttf
}
