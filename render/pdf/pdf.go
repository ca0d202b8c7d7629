package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

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
	// Byte-identical output: gofpdf writes fonts, images and resources in map order and stamps
	// /ModDate with the clock unless told otherwise. Maroto creates the gofpdf document, so these
	// process-wide defaults are the only way in. Render then replaces the /ModDate with the
	// document's own date.
	gofpdf.SetDefaultCatalogSort(true)
	gofpdf.SetDefaultModificationDate(render.FixedDate)
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
		WithCreationDate(created)
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
	return finish(doc.GetBytes(), lang, created, l.ts.fonts.renames())
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
	l.place(parts)
	if s := norm(d.Subject); strings.TrimSpace(s) != "" {
		ss := l.text([]span{{text: s, style: bold, color: black}}, l.size*1.1, 1.25, 0, l.contentW, render.AlignLeft)
		at := origin{PlaceSubject, 0}
		l.emit([]unit{{group: ss, keepNext: true, at: at}, {gap: l.em(l.size) * 0.4, at: at}})
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
	if !(w.X >= p.Left && w.Y >= p.Top && w.X+w.Width <= p.Width-p.Right && w.Y+w.Height <= p.Height-p.Bottom &&
		w.Width > 2*windowInset+10 && w.Height > render.ReturnZone+5) {
		return nil, fmt.Errorf("window %+v must lie within the page margins %+v and be larger than %.0f x %.0f mm",
			w, p, 2*windowInset+10, render.ReturnZone+5)
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
	fonts, err := chooseFonts(family, texts, pf == nil)
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

// finish adds what gofpdf v1.4.3 cannot write itself: subset font names ("ABCDEF+Name", which
// tell readers the fonts are subsets), the document language (/Lang in the catalog) and a
// /ModDate equal to the creation date. Names and the date are replaced by strings of the same
// length, so no object moves. gofpdf writes the catalog as the last
// object before the cross-reference table, so inserting into it moves only the table, whose
// offset startxref then gives; the date is replaced by one of the same length.
func finish(pdf []byte, lang string, created time.Time, renames [][2]string) ([]byte, error) {
	for _, r := range renames {
		if len(r[0]) != len(r[1]) {
			return nil, fmt.Errorf("finish pdf: font name %s and %s differ in length", r[0], r[1])
		}
		n := 0
		for i := 0; ; {
			j := bytes.Index(pdf[i:], []byte(r[0]))
			if j < 0 {
				break
			}
			copy(pdf[i+j:], r[1])
			i += j + len(r[0])
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("finish pdf: font %s not found", r[0])
		}
	}
	date := []byte("/ModDate (D:" + created.UTC().Format("20060102150405") + ")")
	i := bytes.LastIndex(pdf, []byte("/ModDate (D:"))
	if i < 0 || i+len(date) > len(pdf) {
		return nil, errors.New("finish pdf: no /ModDate in the info dictionary")
	}
	copy(pdf[i:], date)
	if lang == "" {
		return pdf, nil
	}
	const catalog = "/Type /Catalog"
	c := bytes.LastIndex(pdf, []byte(catalog))
	x := bytes.LastIndex(pdf, []byte("\nxref\n"))
	s := bytes.LastIndex(pdf, []byte("startxref\n"))
	if c < 0 || x < c || s < x {
		return nil, errors.New("finish pdf: catalog, xref and startxref not where gofpdf puts them")
	}
	numStart := s + len("startxref\n")
	numEnd := bytes.IndexByte(pdf[numStart:], '\n')
	if numEnd < 0 {
		return nil, errors.New("finish pdf: startxref has no offset")
	}
	off, err := strconv.Atoi(string(pdf[numStart : numStart+numEnd]))
	if err != nil || off != x+1 {
		return nil, fmt.Errorf("finish pdf: startxref %q does not point at the xref table at %d", pdf[numStart:numStart+numEnd], x+1)
	}
	ins := []byte("\n/Lang (" + lang + ")")
	out := make([]byte, 0, len(pdf)+len(ins)+4)
	out = append(out, pdf[:c+len(catalog)]...)
	out = append(out, ins...)
	out = append(out, pdf[c+len(catalog):numStart]...)
	out = strconv.AppendInt(out, int64(off+len(ins)), 10)
	out = append(out, pdf[numStart+numEnd:]...)
	return out, nil
}
