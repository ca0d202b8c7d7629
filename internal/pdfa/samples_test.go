package pdfa_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/postbud/postbud/internal/pdfa"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

// TestSamplesArePDFA renders every sample bundle in samples/templates through the render
// pipeline (template bundle, sample data, PDF writer) and checks each PDF against PDF/A-2b, the
// default. With PDFA_KEEP=DIR set, the PDFs are written there to look at.
func TestSamplesArePDFA(t *testing.T) { samples(t, "", 2) }

// TestSamplesArePDFA1b does the same for PDF/A-1b output, checked by this package and by Apache
// PDFBox Preflight.
func TestSamplesArePDFA1b(t *testing.T) { samples(t, render.PDFA1b, 1) }

func samples(t *testing.T, level render.PDFA, part int) {
	dirs, err := filepath.Glob("../../samples/templates/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no sample bundles in samples/templates")
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			b, err := templates.LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			d, err := b.Document(b.Sample)
			if err != nil {
				t.Fatal(err)
			}
			d.PDFA = level
			out, err := pdf.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			if keep := os.Getenv("PDFA_KEEP"); keep != "" {
				if err := os.WriteFile(filepath.Join(keep, fmt.Sprintf("%s-%d.pdf", name, part)), out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// Tagged (render/pdf tags every letter), so the PDF/A level is A: PDF/A-2a, PDF/A-1a.
			ps, err := pdfa.Check(out, pdfa.Options{Part: part, Conformance: "A"})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				t.Errorf("%s", p)
			}
			if part == 1 {
				path := filepath.Join(t.TempDir(), name+".pdf")
				if err := os.WriteFile(path, out, 0o644); err != nil {
					t.Fatal(err)
				}
				testenv.Preflight(t, path)
			}
		})
	}
}
