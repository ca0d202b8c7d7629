package render

import (
	"fmt"
	"strings"
	"time"
)

// Document is one letter, laid out in letter parts and a body of blocks. Both back ends render the
// same Document to the same text: render/pdf and render/docx. A Document holds no template syntax
// and no references to files: images carry their bytes.
type Document struct {
	Meta Meta
	Page Page

	// Font is the family the letter is set in, e.g. "Liberation Sans". Empty means DefaultFont.
	Font string
	// FontSize is the body text size in points. Zero means DefaultFontSize.
	FontSize float64
	// Accent colours the sender's name, headings and the table header rule. Zero is black.
	Accent Color

	Letterhead Letterhead
	// Window is where the recipient address goes so that it shows through an envelope window.
	// The zero value means DefaultWindow (DIN 5008 form B, fits C5/DL window envelopes).
	Window Window
	// Recipient holds the address lines shown in the envelope window, name first.
	Recipient []string
	// Details are the label/value pairs printed beside the address: date, case number, ...
	Details []Detail
	// Subject is the letter's subject line, set bold above the body. May be empty.
	Subject string

	Body []Block

	// Footer is a line of text repeated at the bottom of every page. May be empty.
	Footer string
	// PageLabel is the page number pattern in the letter's language, with {page} and {pages}
	// placeholders, e.g. "Side {page} af {pages}". Empty means no page numbers.
	PageLabel string

	// PDFA is the PDF/A conformance of the PDF rendering. Empty means DefaultPDFA.
	PDFA PDFA
}

// PDFA is a PDF/A (ISO 19005) conformance level of the PDF rendering: PDFA2b, PDFA1b or PDFAOff.
// The empty value means DefaultPDFA.
type PDFA string

// The PDF/A choices, as layouts (pdfa:) and tenants spell them.
const (
	PDFAOff PDFA = "off"
	PDFA1b  PDFA = "1b"
	PDFA2b  PDFA = "2b"
	// DefaultPDFA is what an empty PDFA means: PDF/A-2b.
	DefaultPDFA = PDFA2b
)

// ParsePDFA reads "off", "1b" or "2b" (any case; "" gives "").
func ParsePDFA(s string) (PDFA, error) {
	switch p := PDFA(strings.ToLower(strings.TrimSpace(s))); p {
	case "", PDFAOff, PDFA1b, PDFA2b:
		return p, nil
	}
	return "", fmt.Errorf("pdfa %q: want off, 1b or 2b", s)
}

// Meta is the document metadata written into the PDF info dictionary and the DOCX core properties.
type Meta struct {
	Title    string
	Author   string
	Subject  string
	Keywords []string
	// Language is a BCP 47 tag, e.g. "da" or "nb-NO".
	Language string
	// Creator names the producing software and template version, e.g. "postbud (boligstoette 1a2b...)".
	Creator string
	// Created is the creation date recorded in the file. Renderers never use the clock: the zero
	// value is written as FixedDate, so output depends only on the Document.
	Created time.Time
}

// FixedDate stands in for a zero Meta.Created so that output is reproducible.
var FixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// CreatedOrFixed returns m.Created, or FixedDate when it is zero.
func (m Meta) CreatedOrFixed() time.Time {
	if m.Created.IsZero() {
		return FixedDate
	}
	return m.Created.UTC()
}

// Page is the paper size and margins, all in millimetres.
type Page struct {
	Width, Height            float64
	Top, Right, Bottom, Left float64
}

// A4 is an A4 page with the margins of a Nordic municipal letter. The left margin is 25 mm, the
// left edge of the address in a DIN 5008 form B window (DefaultWindow plus its 5 mm inset), so
// that letterhead, address and body share one left edge. The right margin of 48 mm keeps the
// body at 80 characters a line or fewer: real letter text (the sample letters and blocks) in
// Liberation Sans averages 0.443 em a character, spaces included, which at 11 pt is 1.72 mm, so
// the 137 mm measure holds 79.6 characters on average. (A 20 mm margin would give 96.)
var A4 = Page{Width: 210, Height: 297, Top: 15, Right: 48, Bottom: 20, Left: 25}

// Defaults used where a Document leaves a field zero.
const (
	DefaultFont = "Liberation Sans"
	// DefaultFontSize is 11 pt: body text a citizen reads without strain (see A4 for the measure).
	DefaultFontSize = 11.0
)

// DefaultWindow is the address field of DIN 5008 form B: 20 mm from the left edge, 45 mm from the
// top, 85 x 45 mm. Its top 17.7 mm hold the return address; the recipient starts below that. It
// matches the window of C5 and DL window envelopes used in Denmark, Sweden, Norway and Germany.
var DefaultWindow = Window{X: 20, Y: 45, Width: 85, Height: 45}

// Window is an envelope window in millimetres from the page's top-left corner.
type Window struct{ X, Y, Width, Height float64 }

// ReturnZone is the height of the return-address zone at the top of a window (DIN 5008).
const ReturnZone = 17.7

// Color is an sRGB colour.
type Color struct{ R, G, B uint8 }

// Letterhead is the sender block at the top of the first page.
type Letterhead struct {
	// Name is the sending authority, e.g. "Aarhus Kommune".
	Name string
	// Department is the unit under it, e.g. "Borgerservice". May be empty.
	Department string
	// Address lines of the sender, e.g. "Rådhuspladsen 2", "8000 Aarhus C".
	Address []string
	// Contact lines: phone, e-mail, web, CVR/organisation number.
	Contact []string
	// Logo, drawn at the top right when present.
	Logo *Image
}

// ReturnAddress is the one-line sender address printed small at the top of the envelope window.
func (l Letterhead) ReturnAddress() string {
	parts := make([]string, 0, 1+len(l.Address))
	if l.Name != "" {
		parts = append(parts, l.Name)
	}
	parts = append(parts, l.Address...)
	return strings.Join(parts, " · ")
}

// Detail is a label/value pair such as "Dato" / "23. november 2026".
type Detail struct {
	Label, Value string
	// Key says what the entry is, where the template said so (a details entry with key:):
	// DetailDate, DetailCase, or "" for an entry the template labelled itself. The PDF's running
	// head on pages 2..n names the entry keyed DetailCase as the letter's case number.
	Key string
}

// Detail keys, as a template's details entries spell them (key: date, key: case).
const (
	DetailDate = "date"
	DetailCase = "case"
)

// CaseDetail is the details entry that names the letter's case number, as both renderers' running
// heads show it: the one with Key DetailCase, or else the first with no Key (an entry the
// template labelled itself: an invoice or customer number), when there is one and no entry is
// keyed as the case. Entries with an empty value do not count.
func (d *Document) CaseDetail() (Detail, bool) {
	for _, dt := range d.Details {
		if dt.Key == DetailCase && strings.TrimSpace(dt.Value) != "" {
			return dt, true
		}
	}
	for _, dt := range d.Details {
		if dt.Key == "" && strings.TrimSpace(dt.Value) != "" {
			return dt, true
		}
	}
	return Detail{}, false
}

// Block is a part of the letter body: *Heading, *Paragraph, *List, *Table, *Image, *PageBreak or
// *Signature.
type Block interface{ block() }

// Heading is a section heading; Level 1 is the largest.
type Heading struct {
	Level int
	Runs  []Run
}

// Paragraph is a flow of inline runs, broken into lines by the renderer.
type Paragraph struct {
	Runs []Run
}

// List is an ordered or unordered list. Each item is a sequence of blocks (usually one paragraph,
// possibly a nested list).
type List struct {
	Ordered bool
	// Start is the number of the first item of an ordered list (1 when zero).
	Start int
	Items [][]Block
}

// Table has a header row that repeats on every page it spans, body rows and an optional total row.
type Table struct {
	Columns []Column
	Header  []Cell
	Rows    [][]Cell
	// Total is the closing sum row, set bold above a rule. Nil when the table has none.
	Total []Cell
}

// Column describes one table column.
type Column struct {
	Align Align
	// Width is a relative weight; zero means the renderer chooses from the content.
	Width float64
}

// Cell is one table cell.
type Cell struct {
	Runs []Run
}

// Align is the horizontal alignment of a table column.
type Align int

const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// Image is a PNG or JPEG picture, carried as bytes.
type Image struct {
	Data []byte
	// Alt is the text alternative, used for accessibility and in DOCX.
	Alt string
	// Width in millimetres; zero means the natural size at 150 dpi, limited to the text width.
	Width float64
}

// Format reports "png" or "jpeg" from the image's magic bytes, or "" when it is neither.
func (im *Image) Format() string {
	switch {
	case len(im.Data) >= 8 && string(im.Data[:8]) == "\x89PNG\r\n\x1a\n":
		return "png"
	case len(im.Data) >= 3 && im.Data[0] == 0xFF && im.Data[1] == 0xD8 && im.Data[2] == 0xFF:
		return "jpeg"
	}
	return ""
}

// PageBreak starts a new page.
type PageBreak struct{}

// Signature closes the letter: greeting, an optional signature image, name and title.
type Signature struct {
	Greeting string
	Image    *Image
	Name     string
	Title    string
}

// Run is a piece of text in one style. Link, when set, makes the run a hyperlink to that URL.
// A "\n" in Text is a hard line break; renderers break lines everywhere else themselves.
type Run struct {
	Text   string
	Bold   bool
	Italic bool
	Link   string
}

func (*Heading) block()   {}
func (*Paragraph) block() {}
func (*List) block()      {}
func (*Table) block()     {}
func (*Image) block()     {}
func (*PageBreak) block() {}
func (*Signature) block() {}
