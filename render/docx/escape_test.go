package docx

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
)

// hostile puts s into every text field of a document: runs, link, alt text, letterhead,
// recipient, details, subject, table, signature, footer, page label and metadata.
func hostile(t testing.TB, s string) *render.Document {
	img := &render.Image{Data: testPNG(t, 4, 4), Alt: s}
	return &render.Document{
		Meta:       render.Meta{Title: s, Author: s, Subject: s, Keywords: []string{s, s}, Language: s, Creator: s},
		Font:       s,
		Letterhead: render.Letterhead{Name: s, Department: s, Address: []string{s}, Contact: []string{s}},
		Recipient:  []string{s},
		Details:    []render.Detail{{Label: s, Value: s}},
		Subject:    s,
		Body: []render.Block{
			&render.Paragraph{Runs: []render.Run{{Text: s}}},
			&render.Heading{Level: 2, Runs: []render.Run{{Text: s, Link: s}}},
			&render.List{Items: [][]render.Block{{&render.Paragraph{Runs: []render.Run{{Text: s, Bold: true}}}}}},
			&render.Table{Header: []render.Cell{{Runs: []render.Run{{Text: s}}}}, Rows: [][]render.Cell{{{Runs: []render.Run{{Text: s, Link: "https://x.dk/" + s}}}}}},
			img,
			&render.Signature{Greeting: s, Name: s, Title: s},
		},
		Footer:    s,
		PageLabel: s + " {page} / {pages} {pag",
	}
}

// clean is the text Render is expected to keep of s inside a paragraph: characters XML 1.0
// forbids dropped, invalid UTF-8 replaced, carriage returns dropped.
func clean(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r' || r == 0xFFFE || r == 0xFFFF:
		case r < 0x20 && r != '\t' && r != '\n':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wellFormed decodes every XML part with Go's strict decoder, which rejects characters XML 1.0
// forbids as well as broken markup.
func wellFormed(t testing.TB, p pkg) {
	t.Helper()
	for _, name := range p.names {
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") {
			continue
		}
		dec := xml.NewDecoder(bytes.NewReader(p.parts[name]))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed: %v", name, err)
			}
		}
	}
}

func TestEscaping(t *testing.T) {
	xmllint := testenv.Need(t, "xmllint")[0]
	tests := []struct{ name, in string }{
		{"markup", `<w:p> & </w:t> &amp; <![CDATA[x]]>`},
		{"cdata end", "]]> and ]]]>"},
		{"quotes", `"double" 'single' a="b"`},
		{"forbidden controls", "a\x00b\x01c\x08d\x0be\x0cf\x1fg\x7f"},
		{"noncharacters", "x\uFFFEy\uFFFFz"},
		{"invalid utf-8", "bad \xff\xfe bytes \xc3"},
		{"line breaks and tabs", "tab\there\r\nCRLF\rCR\nLF"},
		{"spaces kept", "  two leading, two trailing  "},
		{"placeholder lookalikes", "{page {pages {page}} {{pages}}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := render1(t, hostile(t, tc.in))
			wellFormed(t, p)
			dir := t.TempDir()
			var files []string
			for i, name := range p.names {
				if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
					f := filepath.Join(dir, strconv.Itoa(i)+".xml")
					if err := os.WriteFile(f, p.parts[name], 0o644); err != nil {
						t.Fatal(err)
					}
					files = append(files, f)
				}
			}
			if out, err := exec.Command(xmllint, append([]string{"--noout"}, files...)...).CombinedOutput(); err != nil || len(out) > 0 {
				t.Fatalf("xmllint --noout: %v\n%s", err, out)
			}
			ps, err := paragraphs(p.parts["word/document.xml"])
			if err != nil {
				t.Fatal(err)
			}
			want := clean(tc.in)
			found := 0
			for _, q := range ps {
				if q.Text == want {
					found++
				}
			}
			// Name, department, address, contact, recipient, subject, paragraph, heading, list item,
			// table header, greeting, name, title: 13 paragraphs hold exactly the text.
			if found < 13 {
				t.Errorf("%d paragraphs hold %q, want at least 13; paragraphs:\n%s", found, want, cmp.Diff(nil, ps))
			}
		})
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"", "Søren Ærbø Møller", "<&>\"'", "]]>", "\x00\x1f\ufffe", "a\nb\tc\r", "\xff", "{page}{pages}"} {
		f.Add(s, "https://example.dk/?q="+s, 2, true)
	}
	f.Fuzz(func(t *testing.T, s, link string, level int, ordered bool) {
		d := hostile(t, s)
		d.Body = append(d.Body,
			&render.Heading{Level: level, Runs: []render.Run{{Text: s}}},
			&render.Paragraph{Runs: []render.Run{{Text: s, Link: link}}},
			&render.List{Ordered: ordered, Start: level, Items: [][]render.Block{{&render.List{Items: [][]render.Block{{}}}}}},
			&render.Table{Columns: []render.Column{{Width: float64(level)}, {Width: -1}}, Total: []render.Cell{{Runs: []render.Run{{Text: s}}}}},
		)
		data, err := Render(d)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		p := unpack(t, data)
		wellFormed(t, p)
		ps, err := paragraphs(p.parts["word/document.xml"])
		if err != nil {
			t.Fatal(err)
		}
		want := clean(s)
		for _, q := range ps {
			if q.Style == "Title" && q.Text != want {
				t.Errorf("subject paragraph holds %q, want %q", q.Text, want)
			}
		}
	})
}
