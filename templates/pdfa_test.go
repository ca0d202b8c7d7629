package templates

import (
	"testing"

	"github.com/postbud/postbud/render"
)

// TestLayoutPDFA: a layout's pdfa key chooses the PDF/A conformance of its letters; without it
// the renderer's default (PDF/A-2b) applies.
func TestLayoutPDFA(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want render.PDFA
	}{
		{"", ""},
		{"pdfa: 1b\n", render.PDFA1b},
		{"pdfa: 2B\n", render.PDFA2b},
		{"pdfa: off\n", render.PDFAOff},
		{"pdfa: \"off\"\n", render.PDFAOff},
	} {
		fsys := mini("da", "Brødtekst\n", map[string]string{"layouts/l/layout.yaml": miniLayout + tc.yaml})
		b, err := Load(fsys, "t")
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if b.lay.pdfa != tc.want {
			t.Errorf("%q: layout pdfa %q, want %q", tc.yaml, b.lay.pdfa, tc.want)
		}
		d, err := b.Document([]byte(`{}`))
		if err != nil {
			t.Fatalf("%q: document: %v", tc.yaml, err)
		}
		if d.PDFA != tc.want {
			t.Errorf("%q: document PDFA %q, want %q (the layout's choice must reach the renderer)", tc.yaml, d.PDFA, tc.want)
		}
	}
	for _, bad := range []string{"pdfa: 3u\n", "pdfa: \"\"\n", "pdfa: [1b]\n", "pdfa: true\n"} {
		fsys := mini("da", "Brødtekst\n", map[string]string{"layouts/l/layout.yaml": miniLayout + bad})
		if _, err := Load(fsys, "t"); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
