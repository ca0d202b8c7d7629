package testenv_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phpdave11/gofpdf"

	"github.com/postbud/postbud/internal/testenv"
)

// plainPDF writes a plain gofpdf document (no PDF/A: core font, no XMP, no /ID, no output
// intent, no binary comment) to a temporary file.
func plainPDF(t *testing.T) string {
	t.Helper()
	p := gofpdf.New("P", "mm", "A4", "")
	p.AddPage()
	p.SetFont("Helvetica", "", 12)
	p.Cell(40, 10, "Hello")
	path := filepath.Join(t.TempDir(), "plain.pdf")
	if err := p.OutputFileAndClose(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPreflightRejectsPlainPDF proves that Preflight runs and reports what a plain gofpdf file
// lacks for PDF/A-1b.
func TestPreflightRejectsPlainPDF(t *testing.T) {
	r := testenv.RunPreflight(t, plainPDF(t))
	if r.Valid {
		t.Fatalf("Preflight accepts a plain gofpdf PDF:\n%s", r.Output)
	}
	got := map[string]string{}
	for _, e := range r.Errors {
		got[e.Code] += e.Details + "\n"
	}
	for code, want := range map[string]string{
		"1.1":   "Header",                   // no binary comment line after %PDF-1.3
		"1.4.1": "ID",                       // no /ID in the trailer
		"3.1.3": "FontFile",                 // Helvetica is not embedded
		"7.1":   "Metadata is not a stream", // no XMP metadata
	} {
		if !strings.Contains(got[code], want) {
			t.Errorf("no error %s mentioning %q; Preflight said:\n%s", code, want, r.Output)
		}
	}
}

// recorder is a testing.TB that keeps what Preflight reports instead of failing the test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// TestPreflightFailsTest checks that Preflight fails the test with Preflight's messages.
func TestPreflightFailsTest(t *testing.T) {
	path := plainPDF(t)
	rec := &recorder{TB: t}
	testenv.Preflight(rec, path)
	if len(rec.errors) != 1 {
		t.Fatalf("Preflight reported %d failures for a plain PDF, want 1: %q", len(rec.errors), rec.errors)
	}
	if msg := rec.errors[0]; !strings.Contains(msg, "not valid PDF/A-1b") || !strings.Contains(msg, "1.4.1 : ") {
		t.Errorf("the failure does not carry Preflight's messages: %s", msg)
	}
}
