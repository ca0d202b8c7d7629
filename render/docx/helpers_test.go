package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"path"
	"strings"
	"testing"

	"github.com/postbud/postbud/render"
)

// pkg is an unpacked .docx: its parts by name, and the names in archive order.
type pkg struct {
	names []string
	parts map[string][]byte
}

func unpack(t testing.TB, data []byte) pkg {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("open docx as zip: %v", err)
	}
	p := pkg{parts: make(map[string][]byte, len(zr.File))}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open part %s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read part %s: %v", f.Name, err)
		}
		p.names = append(p.names, f.Name)
		p.parts[f.Name] = b
	}
	return p
}

func render1(t testing.TB, d *render.Document) pkg {
	t.Helper()
	data, err := Render(d)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return unpack(t, data)
}

// para is one paragraph of a WordprocessingML part: its style and text ("\t" for w:tab, "\n"
// for w:br; field codes left out, field results kept).
type para struct{ Style, Text string }

// paragraphs decodes every w:p of a part, in document order, with a strict XML decoder.
func paragraphs(data []byte) ([]para, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var (
		out    []para
		stack  []*strings.Builder
		styles []string
		inText bool
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Space != nsW {
				continue
			}
			switch tok.Name.Local {
			case "p":
				stack = append(stack, &strings.Builder{})
				styles = append(styles, "")
			case "pStyle":
				if len(styles) > 0 {
					styles[len(styles)-1] = attr(tok, "val")
				}
			case "t":
				inText = true
			case "tab":
				if len(stack) > 0 { // the writer sets no tab stops, so every w:tab is a tab character
					stack[len(stack)-1].WriteByte('\t')
				}
			case "br":
				if len(stack) > 0 {
					stack[len(stack)-1].WriteByte('\n')
				}
			}
		case xml.EndElement:
			if tok.Name.Space != nsW {
				continue
			}
			switch tok.Name.Local {
			case "p":
				n := len(stack) - 1
				out = append(out, para{Style: styles[n], Text: stack[n].String()})
				stack, styles = stack[:n], styles[:n]
			case "t":
				inText = false
			}
		case xml.CharData:
			if inText && len(stack) > 0 {
				stack[len(stack)-1].Write(tok)
			}
		}
	}
}

const nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// text returns the text of document.xml followed by the footer's, one paragraph a line.
func (p pkg) text(t testing.TB) string {
	t.Helper()
	var b strings.Builder
	for _, name := range []string{"word/document.xml", "word/footer1.xml"} {
		ps, err := paragraphs(p.parts[name])
		if err != nil {
			t.Fatalf("decode %s: %v", name, err)
		}
		for _, q := range ps {
			b.WriteString(q.Text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// missingInOrder returns the first word of words that does not occur in text after the previous
// one, or "" when all do. Words are found as substrings, so "Dato" matches "Dato:".
func missingInOrder(text string, words []string) string {
	pos := 0
	for _, w := range words {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			return fmt.Sprintf("%q (after byte %d of %d: %q)", w, pos, len(text), excerpt(text, pos))
		}
		pos += i + len(w)
	}
	return ""
}

func excerpt(s string, at int) string {
	end := min(at+60, len(s))
	return s[at:end]
}

// rels decodes a relationships part.
type relsXML struct {
	Rels []struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

func decodeRels(t testing.TB, data []byte) relsXML {
	t.Helper()
	var r relsXML
	if err := xml.Unmarshal(data, &r); err != nil {
		t.Fatalf("decode relationships: %v", err)
	}
	return r
}

// relsBase returns the folder that targets of a .rels part are relative to: "word/_rels/document.xml.rels" ->
// "word", "_rels/.rels" -> "".
func relsBase(name string) string {
	dir := path.Dir(path.Dir(name))
	if dir == "." {
		return ""
	}
	return dir
}

// testPNG returns a w x h PNG.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 0x79, A: 0xFF})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// testJPEG returns a w x h JPEG.
func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// features returns a letter that uses every block type and inline style: all heading levels,
// ordered lists with a start and nested lists, an image, a page break, a signature with an image,
// a logo, links, line breaks and a table with centred and unweighted columns.
func features(t testing.TB) *render.Document {
	t.Helper()
	logo := &render.Image{Data: testPNG(t, 300, 120), Alt: "Kommunens logo"}
	d := &render.Document{
		Meta: render.Meta{Title: "Prøvebrev", Author: "Testkommune", Subject: "Alle blokke", Keywords: []string{"prøve", "docx"}, Language: "da"},
		Letterhead: render.Letterhead{
			Name: "Testkommune", Department: "Afprøvning", Address: []string{"Testvej 1", "9999 Testby"},
			Contact: []string{"Telefon 11 22 33 44"}, Logo: logo,
		},
		Recipient: []string{"Ida Ibsen", "Ivej 2", "9999 Testby"},
		Details:   []render.Detail{{Label: "Dato", Value: "1. april 2027"}, {Label: "", Value: "Uden etiket"}},
		Subject:   "Prøve af alle blokke",
		Footer:    "Testkommune · Testvej 1",
		PageLabel: "Side {page} af {pages}",
		Body: []render.Block{
			&render.Heading{Level: 1, Runs: []render.Run{{Text: "Overskrift et"}}},
			&render.Paragraph{Runs: []render.Run{{Text: "Linje et\nlinje to med "}, {Text: "fed", Bold: true}, {Text: " og "}, {Text: "kursiv", Italic: true}, {Text: " og "}, {Text: "et link", Link: "https://example.dk/a b?x=1&y=ø"}, {Text: "."}}},
			&render.Heading{Level: 2, Runs: []render.Run{{Text: "Overskrift to"}}},
			&render.List{Ordered: true, Start: 3, Items: [][]render.Block{
				{&render.Paragraph{Runs: []render.Run{{Text: "Tredje punkt"}}}},
				{&render.Paragraph{Runs: []render.Run{{Text: "Fjerde punkt"}}},
					&render.List{Items: [][]render.Block{
						{&render.Paragraph{Runs: []render.Run{{Text: "Indrykket punkt"}}}},
					}},
					&render.Paragraph{Runs: []render.Run{{Text: "Fortsat fjerde punkt"}}}},
			}},
			&render.Heading{Level: 3, Runs: []render.Run{{Text: "Overskrift tre"}}},
			&render.List{Ordered: true, Items: [][]render.Block{
				{&render.Paragraph{Runs: []render.Run{{Text: "Første igen"}}}},
				{&render.Paragraph{Runs: []render.Run{{Text: "Andet igen"}}}},
			}},
			&render.Image{Data: testJPEG(t, 600, 300), Alt: "Et diagram"},
			&render.Table{
				Columns: []render.Column{{}, {Align: render.AlignCenter}, {Align: render.AlignRight, Width: 3}},
				Header:  []render.Cell{{Runs: []render.Run{{Text: "A"}}}, {Runs: []render.Run{{Text: "B"}}}, {Runs: []render.Run{{Text: "C"}}}},
				Rows:    [][]render.Cell{{{Runs: []render.Run{{Text: "a1"}}}, {Runs: []render.Run{{Text: "b1"}}}}},
			},
			&render.PageBreak{},
			&render.Paragraph{Runs: []render.Run{{Text: "Efter sideskift."}}},
			&render.Signature{Greeting: "Venlig hilsen", Image: &render.Image{Data: testPNG(t, 240, 80), Alt: "Underskrift"}, Name: "Ole Olsen", Title: "Afprøver"},
		},
	}
	return d
}
