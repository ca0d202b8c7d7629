package pdfa

import (
	"bytes"
	"strings"
	"testing"

	"github.com/phpdave11/gofpdf"
	"golang.org/x/image/font/gofont/goregular"
)

// gofpdfLetter writes a page with gofpdf itself: a core font, an embedded UTF-8 TrueType font
// (subset, Type0 with a CIDToGIDMap stream) and a link.
func gofpdfLetter(t *testing.T) []byte {
	t.Helper()
	p := gofpdf.New("P", "mm", "A4", "")
	p.SetTitle("Afgørelse", true)
	p.SetAuthor("Kommune", true)
	p.AddUTF8FontFromBytes("goregular", "", goregular.TTF)
	p.AddPage()
	p.SetFont("Helvetica", "", 12)
	p.Cell(40, 10, "Core font")
	p.Ln(12)
	p.SetFont("goregular", "", 12)
	p.Cell(80, 10, "Boligstøtte – afgørelse, ½ år, €")
	p.LinkString(10, 40, 60, 10, "https://example.org/")
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGofpdfOutput runs the check on what gofpdf writes. Until the PDF/A writer work is done the
// file is no PDF/A, so only what does not depend on that is asserted: the core font is reported
// as not embedded, and the embedded subset font's /W agrees with its program (gofpdf computes
// widths from the font, so a problem there is this package's bug, or gofpdf's).
func TestGofpdfOutput(t *testing.T) {
	ps, err := Check(gofpdfLetter(t), Options{})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	t.Logf("problems in gofpdf's output:\n%s", list(ps))
	helv := false
	for _, p := range ps {
		if p.Clause == "6.2.11.4.1" && strings.Contains(p.Message, "Helvetica") {
			helv = true
		}
		if strings.Contains(p.Object, "goregular") || strings.Contains(p.Message, "goregular") {
			t.Errorf("problem with the embedded font: %s", p)
		}
	}
	if !helv {
		t.Errorf("the unembedded Helvetica is not reported")
	}
}

// TestGofpdfWidthChanged changes the width of the space (CID 32) in gofpdf's /W array, keeping
// the file's length so the cross-reference table stays right, and wants the mismatch reported:
// proof that the comparison runs on gofpdf's subset fonts and CIDToGIDMap streams.
func TestGofpdfWidthChanged(t *testing.T) {
	b := gofpdfLetter(t)
	i := bytes.Index(b, []byte("/W [ "))
	if i < 0 {
		t.Fatal("gofpdf wrote no /W array")
	}
	j := bytes.Index(b[i:], []byte(" 32 [ "))
	if j < 0 {
		t.Fatalf("gofpdf's /W has no run starting at CID 32: %.80s", b[i:])
	}
	k := i + j + len(" 32 [ ")
	w := b[k : k+3]
	if w[0] == '9' {
		w[0] = '1'
	} else {
		w[0] = '9'
	}
	ps, err := Check(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Clause == "6.2.11.5" && strings.Contains(p.Message, "CID 32 ") {
			return
		}
	}
	t.Errorf("the changed width of CID 32 is not reported:\n%s", list(ps))
}
