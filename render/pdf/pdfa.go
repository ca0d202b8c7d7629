package pdf

import (
	_ "embed" // the sRGB profile
	"fmt"
	"time"

	"github.com/phpdave11/gofpdf"

	"github.com/postbud/postbud/render"
)

// srgbProfile is the sRGB IEC61966-2.1 ICC profile (version 2.3, so that PDF/A-1, which is
// based on PDF 1.4, may use it) of Debian's icc-profiles-free, zlib licence: see icc/LICENSE.
// It is the output intent of every PDF/A document: postbud's colours are sRGB. The gofpdf fork
// compresses it once per process (it caches the stream by the profile's bytes), and leaves it
// and the fonts it caches out of what it hashes for the trailer /ID, using their digests.
//
//go:embed icc/sRGB.icc
var srgbProfile []byte

const srgbIdentifier = "sRGB IEC61966-2.1"

// pdfaPart returns the PDF/A part of a document's choice: 2 (PDF/A-2b, the default), 1
// (PDF/A-1b) or 0 (off).
func pdfaPart(p render.PDFA) (int, error) {
	switch p {
	case "", render.PDFA2b:
		return 2, nil
	case render.PDFA1b:
		return 1, nil
	case render.PDFAOff:
		return 0, nil
	}
	return 0, fmt.Errorf("pdfa %q: want off, 1b or 2b", p)
}

// gofpdfSetup returns what renderDoc does to the gofpdf document Maroto creates: the document
// language (/Lang), both dates from the document's own creation date, and PDF/A with the sRGB
// output intent unless part is 0. The gofpdf fork writes the XMP metadata (from the same
// information dictionary), the file identifier, the print flag of links and the CIDSet of each
// font (PDF/A-1); see third_party/gofpdf/pdfa.go.
func gofpdfSetup(lang string, created time.Time, part int) func(*gofpdf.Fpdf) {
	return func(f *gofpdf.Fpdf) {
		f.SetLang(lang)
		f.SetCreationDate(created)
		f.SetModificationDate(created)
		if part == 0 {
			return
		}
		f.SetPDFA(part, "B")
		f.SetOutputIntent(srgbProfile, 3, srgbIdentifier, srgbIdentifier, "http://www.color.org")
	}
}
