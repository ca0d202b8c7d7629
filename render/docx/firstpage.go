package docx

import (
	"strings"

	"github.com/postbud/postbud/render"
)

// detailsGap is the space between the envelope window and the details column, in mm.
const detailsGap = 10

// firstPage writes the letterhead, the recipient address in the envelope window and the details
// beside it, as one borderless table at the top of the body:
//
//	row 1 (at least Window.Y - Page.Top high): sender name, department, address and contact
//	       lines; the logo at the right
//	row 2 (at least Window.Height high): the window column with a nested table whose first row
//	       is the return-address zone (render.ReturnZone, text at its bottom) and whose second
//	       row holds the recipient; a gap; the details column, starting level with the recipient
//
// The table starts at the top margin and the table indent moves it to Window.X, so the window
// column lands on the window as long as the letterhead fits in row 1 (it grows, and moves the
// window down, only when the letterhead is taller than the space above the window). A table in
// the text flow keeps the body below the window in Word and LibreOffice alike, which a frame or
// a floating table does not.
func (w *writer) firstPage() error {
	d := w.d
	lh := d.Letterhead
	if lh.Name == "" && lh.Department == "" && len(lh.Address) == 0 && len(lh.Contact) == 0 &&
		lh.Logo == nil && len(d.Recipient) == 0 && len(d.Details) == 0 {
		return nil
	}
	b := &w.body
	pg, win := w.l.page, w.l.window
	c1 := max(win.Width, 20)
	c2 := float64(detailsGap)
	c3 := max(pg.Width-pg.Right-(win.X+c1+c2), 30)
	t1, t2, t3 := twips(c1), twips(c2), twips(c3)
	small := halfPoints(w.l.size * 0.85)

	b.raw(`<w:tbl><w:tblPr><w:tblW w:w="`)
	b.int(t1 + t2 + t3)
	b.raw(`" w:type="dxa"/><w:tblInd w:w="`)
	b.int(twips(win.X - pg.Left))
	b.raw(`" w:type="dxa"/><w:tblLayout w:type="fixed"/>` + zeroCellMargins + `<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid><w:gridCol w:w="`)
	b.int(t1)
	b.raw(`"/><w:gridCol w:w="`)
	b.int(t2)
	b.raw(`"/><w:gridCol w:w="`)
	b.int(t3)
	b.raw(`"/></w:tblGrid>`)

	// Row 1: letterhead.
	b.raw(`<w:tr><w:trPr><w:cantSplit/>`)
	if h := win.Y - pg.Top; h > 0 {
		b.raw(`<w:trHeight w:val="`)
		b.int(twips(h))
		b.raw(`" w:hRule="atLeast"/>`)
	}
	b.raw(`</w:trPr><w:tc><w:tcPr><w:tcW w:w="`)
	b.int(t1 + t2)
	b.raw(`" w:type="dxa"/><w:gridSpan w:val="2"/></w:tcPr>`)
	tight := pPr{spacing: true}
	lines := 0
	if lh.Name != "" {
		w.pOpen(tight)
		w.runText(lh.Name, rPr{bold: true, color: w.l.accent, size: halfPoints(w.l.size * 1.6)})
		b.raw(`</w:p>`)
		lines++
	}
	if lh.Department != "" {
		w.pOpen(pPr{spacing: true, after: 60})
		w.runText(lh.Department, rPr{size: halfPoints(w.l.size * 1.1)})
		b.raw(`</w:p>`)
		lines++
	}
	for _, s := range lh.Address {
		if strings.TrimSpace(s) != "" {
			w.pOpen(tight)
			w.runText(s, rPr{size: small})
			b.raw(`</w:p>`)
			lines++
		}
	}
	if lines == 0 {
		w.pOpen(tight)
		b.raw(`</w:p>`)
	}
	b.raw(`</w:tc><w:tc><w:tcPr><w:tcW w:w="`)
	b.int(t3)
	b.raw(`" w:type="dxa"/></w:tcPr>`)
	// The logo, then the contact lines one per line, right-aligned as the PDF sets them; the logo
	// shrinks so that the column still fits in the space above the window.
	var contact []string
	for _, s := range lh.Contact {
		if strings.TrimSpace(s) != "" {
			contact = append(contact, s)
		}
	}
	w.pOpen(pPr{spacing: true, jc: "right"})
	if lh.Logo != nil {
		lineH := w.l.size * 0.85 * 1.15 * 25.4 / 72 // mm per contact line
		maxH := min(max(win.Y-pg.Top-4-float64(len(contact))*lineH, 8), 25)
		if err := w.image(lh.Logo, c3, maxH); err != nil {
			return w.fail("letterhead logo", err)
		}
	}
	b.raw(`</w:p>`)
	for _, s := range contact {
		w.pOpen(pPr{spacing: true, jc: "right"})
		w.runText(s, rPr{size: small})
		b.raw(`</w:p>`)
	}
	b.raw(`</w:tc></w:tr>`)

	// Row 2: window, gap, details.
	b.raw(`<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="`)
	b.int(twips(win.Height))
	b.raw(`" w:hRule="atLeast"/></w:trPr><w:tc><w:tcPr><w:tcW w:w="`)
	b.int(t1)
	b.raw(`" w:type="dxa"/></w:tcPr><w:tbl><w:tblPr><w:tblW w:w="`)
	b.int(t1)
	b.raw(`" w:type="dxa"/><w:tblLayout w:type="fixed"/>` + zeroCellMargins + `<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid><w:gridCol w:w="`)
	b.int(t1)
	b.raw(`"/></w:tblGrid><w:tr><w:trPr><w:trHeight w:val="`)
	b.int(twips(render.ReturnZone))
	b.raw(`" w:hRule="atLeast"/></w:trPr><w:tc><w:tcPr><w:tcW w:w="`)
	b.int(t1)
	b.raw(`" w:type="dxa"/><w:vAlign w:val="bottom"/></w:tcPr>`)
	w.pOpen(pPr{spacing: true, after: twips(1.5)})
	w.runText(lh.ReturnAddress(), rPr{size: halfPoints(7)})
	b.raw(`</w:p></w:tc></w:tr><w:tr><w:trPr><w:trHeight w:val="`)
	b.int(twips(max(win.Height-render.ReturnZone, 0)))
	b.raw(`" w:hRule="atLeast"/></w:trPr><w:tc><w:tcPr><w:tcW w:w="`)
	b.int(t1)
	b.raw(`" w:type="dxa"/></w:tcPr>`)
	if len(d.Recipient) == 0 {
		w.pOpen(tight)
		b.raw(`</w:p>`)
	}
	for _, s := range d.Recipient {
		w.pOpen(tight)
		w.runText(s, rPr{})
		b.raw(`</w:p>`)
	}
	// A cell must end with a paragraph; this one is 1 pt high.
	b.raw(`</w:tc></w:tr></w:tbl><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p></w:tc><w:tc><w:tcPr><w:tcW w:w="`)
	b.int(t2)
	b.raw(`" w:type="dxa"/></w:tcPr><w:p/></w:tc><w:tc><w:tcPr><w:tcW w:w="`)
	b.int(t3)
	b.raw(`" w:type="dxa"/></w:tcPr>`)
	if len(d.Details) == 0 {
		w.pOpen(tight)
		b.raw(`</w:p>`)
	}
	for i, dt := range d.Details {
		p := tight
		if i == 0 {
			p.before = twips(render.ReturnZone)
		}
		w.pOpen(p)
		switch {
		case dt.Label == "":
			w.runText(dt.Value, rPr{})
		case dt.Value == "":
			w.runText(dt.Label, rPr{})
		default:
			w.runText(dt.Label+": "+dt.Value, rPr{})
		}
		b.raw(`</w:p>`)
	}
	b.raw(`</w:tc></w:tr></w:tbl>`)
	w.lastTable = true
	return nil
}

const zeroCellMargins = `<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>`
