package pdf

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/phpdave11/gofpdf"
	"golang.org/x/text/language"

	"github.com/postbud/postbud/render"
)

func init() {
	// Byte-identical output: gofpdf writes fonts, images and resources in map order unless told
	// otherwise, and this process-wide default reaches every document Maroto creates. The dates
	// (both the document's own creation date), /Lang and PDF/A are set per document through
	// Maroto's gofpdf setup hook (gofpdfSetup).
	gofpdf.SetDefaultCatalogSort(true)
}

// Render turns d into a PDF. It is safe for concurrent use; the same Document always gives the
// same bytes.
func Render(d *render.Document) ([]byte, error) {
	if d == nil {
		return nil, errors.New("render pdf: document is nil")
	}
	out, err := renderDoc(d)
	if err != nil {
		return nil, fmt.Errorf("render pdf %q: %w", d.Meta.Title, err)
	}
	return out, nil
}

func renderDoc(d *render.Document) ([]byte, error) {
	l, err := newLayout(d, nil)
	if err != nil {
		return nil, err
	}
	lang, err := langTag(d.Meta.Language)
	if err != nil {
		return nil, err
	}
	part, err := pdfaPart(d.PDFA)
	if err != nil {
		return nil, err
	}
	l.tags = newTagTree(d, l.ts, lang)
	setup := gofpdfSetup(lang, d.Meta.CreatedOrFixed(), part)
	if l.tags != nil {
		setup = l.tags.setup(d, setup)
	}
	foot, pages, err := l.run()
	if err != nil {
		return nil, err
	}

	fonts, err := l.ts.fonts.customFonts()
	if err != nil {
		return nil, err
	}
	meta := d.Meta
	created := meta.CreatedOrFixed()
	b := config.NewBuilder().
		WithDimensions(l.page.Width, l.page.Height).
		WithLeftMargin(l.page.Left).
		WithTopMargin(l.page.Top).
		WithRightMargin(l.page.Right).
		WithBottomMargin(l.page.Bottom - l.footerH).
		WithDefaultFont(&props.Font{Family: l.ts.fonts.family(regular), Style: fontstyle.Normal, Size: l.size, Color: &props.Color{}}).
		WithCustomFonts(fonts).
		WithCreationDate(created).
		WithGofpdfSetup(setup)
	if meta.Title != "" {
		b = b.WithTitle(meta.Title, true)
	}
	if meta.Author != "" {
		b = b.WithAuthor(meta.Author, true)
	}
	if meta.Subject != "" {
		b = b.WithSubject(meta.Subject, true)
	}
	if meta.Creator != "" {
		b = b.WithCreator(meta.Creator, true)
	}
	if len(meta.Keywords) > 0 {
		b = b.WithKeywords(strings.Join(meta.Keywords, ", "), true)
	}
	m := maroto.New(b.Build())
	if foot != nil {
		if err := m.RegisterFooter(row.New(l.footerH).Add(col.New().Add(foot))); err != nil {
			return nil, fmt.Errorf("register footer: %w", err)
		}
	}
	m.AddRows(l.rows...)
	doc, err := m.Generate()
	if err != nil {
		return nil, fmt.Errorf("generate with maroto: %w", err)
	}
	if foot != nil && foot.page != pages {
		return nil, fmt.Errorf("page count: layout expected %d pages, Maroto made %d", pages, foot.page)
	}
	return doc.GetBytes(), nil
}

// run lays the whole document out, as Render draws it: the letter parts, the subject, the body
// and the footer. It returns the footer (nil when the letter has none) and the page count.
// Render stops at the first problem; a Preflight layout records every one and goes on.
func (l *layout) run() (*footer, int, error) {
	d := l.d
	var foot *footer
	if d.Footer != "" || d.PageLabel != "" {
		foot = &footer{l: l, label: norm(d.PageLabel)}
	}

	parts, err := l.parts()
	if err != nil {
		return nil, 0, err
	}
	l.at = origin{PlaceParts, -1}
	l.tagParts(parts)
	l.place(parts)
	if s := norm(d.Subject); strings.TrimSpace(s) != "" {
		ss := l.text([]span{{text: s, style: bold, color: black}}, l.size*subjectScale, subjectLeading, 0, l.contentW, render.AlignLeft)
		if l.tags != nil {
			l.tagSlices(ss, l.tags.subject)
		}
		at := origin{PlaceSubject, 0}
		l.emit([]unit{{group: ss, keepNext: true, at: at}, {gap: l.em(l.size) * 0.6, at: at}})
	}
	units, err := l.blocks(d.Body, 0, l.contentW, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("body: %w", err)
	}
	l.emit(units)
	l.flushKeep()
	if l.err != nil {
		return nil, 0, l.err
	}
	pages := l.pages + 1
	if foot != nil {
		if err := foot.prepare(pages); err != nil {
			return nil, 0, err
		}
	}
	return foot, pages, nil
}

// newLayout checks the document's page, window, size and characters and chooses its fonts. With
// pf set (Preflight), a character no font has is recorded and the fullest font set chosen anyway.
func newLayout(d *render.Document, pf *preflight) (*layout, error) {
	l := &layout{d: d, page: d.Page, win: d.Window, size: d.FontSize, accent: d.Accent, pf: pf}
	if l.page == (render.Page{}) {
		l.page = render.A4
	}
	p := l.page
	for _, v := range []float64{p.Width, p.Height, p.Top, p.Right, p.Bottom, p.Left} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, fmt.Errorf("page %+v: sizes and margins must be finite and not negative", p)
		}
	}
	l.contentW = p.Width - p.Left - p.Right
	if p.Width <= 0 || p.Height <= 0 || l.contentW < 50 || p.Height-p.Top-p.Bottom < 60 {
		return nil, fmt.Errorf("page %+v leaves no room for a letter: the text area must be at least 50 x 60 mm", p)
	}
	if l.win == (render.Window{}) {
		l.win = render.DefaultWindow
	}
	w := l.win
	// The window may reach into the side margins, as DIN 5008's reaches into the left one, as
	// long as the address inside it starts at the left margin or right of it and the window
	// keeps windowInset from the page's right edge.
	if !(w.X+windowInset >= p.Left && w.Y >= p.Top && w.X+w.Width <= p.Width-windowInset && w.Y+w.Height <= p.Height-p.Bottom &&
		w.Width > 2*windowInset+10 && w.Height > render.ReturnZone+5) {
		return nil, fmt.Errorf("window %+v must lie within the page %+v, its address (%.0f mm inside it) at the left margin or right of it, and be larger than %.0f x %.0f mm",
			w, p, windowInset, 2*windowInset+10, render.ReturnZone+5)
	}
	if l.size == 0 {
		l.size = render.DefaultFontSize
	}
	if math.IsNaN(l.size) || l.size < 6 || l.size > 24 {
		return nil, fmt.Errorf("font size %v pt: use 6 to 24 pt", d.FontSize)
	}
	family := d.Font
	if family == "" {
		family = render.DefaultFont
	}
	texts := collect(d)
	fonts, err := chooseFonts(family, texts)
	var mg *missingGlyphError
	if err != nil && pf != nil && errors.As(err, &mg) {
		fonts, err = pf.glyphs(family, texts)
	}
	if err != nil {
		return nil, err
	}
	l.ts = &typesetter{fonts: fonts, widthsOnly: pf != nil}
	if d.Footer != "" || d.PageLabel != "" {
		l.footerH = min(footerZone, p.Bottom-3)
		if l.footerH < footerTextTop+l.em(footerSizePt)*1.2 {
			return nil, fmt.Errorf("page bottom margin %.0f mm leaves no room for the footer and page number: use at least %.0f mm", p.Bottom, footerTextTop+l.em(footerSizePt)*1.2+3)
		}
	}
	// Maroto's usable height, computed as Maroto computes it (entity.NewRootCell).
	l.bodyH = p.Height - p.Top - (p.Bottom - l.footerH)
	return l, nil
}

// langTag checks a BCP 47 tag for the PDF catalog.
func langTag(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	t, err := language.Parse(s)
	if err != nil {
		return "", fmt.Errorf("meta language %q is not a BCP 47 tag such as \"da\" or \"nb-NO\": %w", s, err)
	}
	return t.String(), nil
}
