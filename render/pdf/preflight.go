package pdf

import (
	"fmt"
	"unicode"

	"github.com/postbud/postbud/render"
)

// The places of a letter a Problem names. Index counts within a place from 0: the line of the
// sender's address or contact lines and of the recipient, the details entry, the body block (top
// level). Places of one text have index 0.
const (
	PlaceSenderName        = "sender.name"
	PlaceSenderDepartment  = "sender.department"
	PlaceSenderAddress     = "sender.address"
	PlaceSenderContact     = "sender.contact"
	PlaceLogo              = "sender.logo"
	PlaceReturnAddress     = "return-address" // the sender's name and address, on one line in the window
	PlaceRecipient         = "recipient"      // Index -1: the address as a whole (more lines than the window holds)
	PlaceDetails           = "details"
	PlaceParts             = "parts" // the letter parts of page 1 as a whole
	PlaceSubject           = "subject"
	PlaceBody              = "body"
	PlaceSignature         = "signature" // the signature as a whole
	PlaceSignatureGreeting = "signature.greeting"
	PlaceSignatureName     = "signature.name"
	PlaceSignatureTitle    = "signature.title"
	PlaceSignatureImage    = "signature.image"
	PlaceFooter            = "footer"
	PlacePageLabel         = "page-label"
	PlaceLayout            = "layout" // page, window, font, size, language
)

// Problem is a reason Render would refuse a document, found by Preflight. Its Message names
// what is wrong by measure (mm, pt, lines) or by character (U+XXXX), never by the text itself,
// so it is safe to show anyone and to log.
type Problem struct {
	// Place is the part of the letter, one of the Place constants.
	Place string
	// Index is the line or entry within the place (see the Place constants); -1 for the place as
	// a whole.
	Index int
	// Rune is the character no font of the letter has, for a problem of glyphs; 0 otherwise.
	Rune rune
	// Message says what is wrong and what to do, without quoting the letter's text.
	Message string
}

func (p Problem) String() string {
	if p.Index > 0 || (p.Index == 0 && isList(p.Place)) {
		return fmt.Sprintf("%s %d: %s", p.Place, p.Index+1, p.Message)
	}
	return p.Place + ": " + p.Message
}

func isList(place string) bool {
	switch place {
	case PlaceSenderAddress, PlaceSenderContact, PlaceRecipient, PlaceDetails, PlaceBody:
		return true
	}
	return false
}

// Preflight reports every reason Render would fail for d, without making a PDF: it runs Render's
// own layout (fonts, line breaking, the letter parts, the envelope window, the page flow, the
// footer) with the same measures and limits, and skips what only draws and writes. nil means
// Render succeeds, short of faults of this package or of the machine.
//
// Unlike Render, which stops at the first problem, Preflight goes on and reports them all: each
// character no font of the letter has (once per place), a recipient address that does not fit
// the envelope window even wrapped and set at the smallest size for sorting machines (8 pt):
// more address lines than the window holds at 8 pt (PlaceRecipient, index -1), else each
// address line that wraps (its index; shortening any of them may be enough); a return address
// too wide at 5 pt, letter parts (letterhead, window, details) taller than a page, and naming
// the entry that makes them so, a subject, heading, table header or signature taller than a
// page, a footer of more lines than the footer zone holds, and the document's page, window,
// font, size or language when they are not usable.
//
// Words never fail: a word wider than its line or table column is broken between characters,
// as Render does; an address line wider than the window wraps within it (layAddress). Preflight
// of the reference letter takes a small fraction of Render's time.
func Preflight(d *render.Document) []Problem {
	if d == nil {
		return []Problem{{Place: PlaceLayout, Index: -1, Message: "there is no document"}}
	}
	pf := &preflight{}
	l, err := newLayout(d, pf)
	if err != nil {
		pf.add(Problem{Place: PlaceLayout, Index: -1, Message: err.Error()})
		return pf.problems
	}
	if _, err := langTag(d.Meta.Language); err != nil {
		pf.add(Problem{Place: PlaceLayout, Index: -1, Message: err.Error()})
	}
	if _, _, err := l.run(); err != nil {
		// Only what Preflight cannot go on from: a nil or unknown body block.
		pf.add(Problem{Place: PlaceBody, Index: -1, Message: "cannot be laid out: " + err.Error()})
	}
	return pf.problems
}

// imageProblem is the Preflight message for an image gofpdf cannot embed. The image comes from
// the template; its alternative text may come from the case data, so it is not quoted.
const imageProblem = "the image cannot be embedded in a PDF: save it as an 8-bit PNG or a baseline JPEG"

// origin is a place of the letter and the index within it.
type origin struct {
	place string
	index int
}

// preflight collects a Preflight's problems, each once.
type preflight struct {
	problems []Problem
	seen     map[Problem]bool
}

func (pf *preflight) add(p Problem) {
	if pf.seen == nil {
		pf.seen = make(map[Problem]bool)
	}
	if !pf.seen[p] {
		pf.seen[p] = true
		pf.problems = append(pf.problems, p)
	}
}

// glyphs records every character of texts that the fullest font set of the family lacks, once
// per place and character, and returns that set so that the layout can go on.
func (pf *preflight) glyphs(familyName string, texts []styledText) (*fonts, error) {
	fam := families[familyName] // chooseFonts has checked the name
	set := fam.sets[len(fam.sets)-1]
	for _, t := range texts {
		f, err := set.face(t.style)
		if err != nil {
			return nil, err
		}
		for _, r := range t.text {
			if r == ' ' || r == '\n' || f.has(r) {
				continue
			}
			what := "character"
			if unicode.IsControl(r) {
				what = "control character"
			}
			pf.add(Problem{Place: t.at.place, Index: t.at.index, Rune: r, Message: fmt.Sprintf(
				"the %s U+%04X cannot be printed: the letter's font (%s) has no glyph for it; remove or replace it",
				what, r, familyName)})
		}
	}
	fs := usedFonts(texts)
	fs.set = set
	return fs, nil
}
