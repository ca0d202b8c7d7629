package docx

import (
	"math"
	"strings"

	"github.com/postbud/postbud/render"
)

// firstPage writes the letterhead, the envelope window and the details as one borderless table
// at the top of the body, with the PDF's geometry (render/pdf parts.go). Its columns are the
// envelope window (render.Document.Window), a gap, and a right column as wide as render/pdf's
// logo and contact column (the details in it start at detailsX from the page's left edge), with
// a column before the window when the text's left edge is left of it:
//
//	row 1, exactly Window.Y - Page.Top high: the sender's name, department and address from the
//	       text's left edge; in the right column, merged down into row 2, the logo (at most
//	       50 x 20 mm) and the contact lines right-aligned
//	row 2, the return-address zone and 1 mm: the return line (7 pt grey, smaller if it must be, a
//	       thin rule under it) 1 mm above the end of the zone
//	row 3, down to 3 mm below the lowest of window, letterhead and details: the recipient, one
//	       size for every line (smaller, down to 8 pt, only when the wrapped address would not fit
//	       the window), a line wider than the window wrapped in it with its continuation
//	       indented; beside it the details, level with the recipient
//
// The reading order is the PDF's: sender, contact, return address, recipient, details. (When the
// contact lines reach into row 3, the details stay under them in the merged column.) Rows of
// exact height put the window where the envelope needs it whatever the letterhead holds; a table
// in the text flow keeps the body below it in Word and LibreOffice alike, which a frame or a
// floating table does not.
func (w *writer) firstPage() error {
	d := w.d
	lh := d.Letterhead
	if lh.Name == "" && lh.Department == "" && len(lh.Address) == 0 && len(lh.Contact) == 0 &&
		lh.Logo == nil && len(d.Recipient) == 0 && len(d.Details) == 0 {
		return nil
	}
	b := &w.body
	pg, win := w.l.page, w.l.window
	size := w.l.size
	em := func(pt float64) float64 { return pt * ptMM }
	contentW := pg.Width - pg.Left - pg.Right
	right := pg.Width - pg.Right
	wy := win.Y - pg.Top

	// Columns, as x positions on the page: the table's left edge, the window, the right column
	// (as wide as render/pdf's logo and contact column, and at least from the details on).
	x0 := min(pg.Left, win.X)
	winR := win.X + win.Width
	// The details: from detailsX (or detailsGap right of a window reaching further) to the right
	// margin, or as far as detailsW where that is narrower, up to detailsEdge from the page's
	// edge; below the window when that leaves less than minDetailsW.
	dx := max(detailsX, winR+detailsGap)
	dw := right - dx
	if dw < detailsW {
		dw = max(dw, min(detailsW, pg.Width-detailsEdge-dx))
	}
	detailsBelow := len(d.Details) > 0 && dw < minDetailsW
	if detailsBelow {
		dx, dw = max(winR, right-minDetailsW), right-(win.X+windowInset)
	}
	tableR := max(right, dx+dw)
	rightW := contentW - contentW*senderShare - contactGap
	rx := max(min(dx, right-rightW), winR)
	edges := []float64{x0}
	if win.X > x0 {
		edges = append(edges, win.X)
	}
	edges = append(edges, winR, rx, tableR)
	cols := make([]int, len(edges)-1)
	for i := range cols {
		cols[i] = twips(edges[i+1]) - twips(edges[i])
	}
	winCol := len(cols) - 3 // the window's column; the gap and the right column follow
	total := twips(tableR) - twips(x0)
	contactInd := twips(tableR) - twips(right) // the contact lines end at the right margin
	detailsInd := twips(dx) - twips(rx)

	// The right column, from the top: the logo, the contact lines, the details.
	var logoW, logoH float64
	if lh.Logo != nil {
		m, err := w.mediaFor(lh.Logo)
		if err != nil {
			return w.fail("letterhead logo", err)
		}
		logoW, logoH = imageSize(lh.Logo, m, min(logoMaxW, rightW), logoMaxH)
	}
	var contact []string
	for _, s := range lh.Contact {
		if strings.TrimSpace(s) != "" {
			contact = append(contact, s)
		}
	}
	contactLH := em(size*0.85) * 1.25
	rightBottom := float64(len(contact)) * contactLH
	if lh.Logo != nil {
		rightBottom += logoH + 2
	}
	detailSize := size * 0.95
	detailLH := em(detailSize) * detailsLeading
	detailsTop := max(wy+render.ReturnZone+1, rightBottom+4)
	detailsH := 0.0
	for _, dt := range d.Details {
		detailsH += float64(strings.Count(w.breakAt(detailText(dt), false, detailSize, dw), "\n")+1) * detailLH
	}

	// The sender, left.
	leftBottom := 0.0
	if lh.Name != "" {
		leftBottom += em(size*1.8) * 1.15
	}
	if lh.Department != "" {
		leftBottom += em(size*1.1) * 1.25
	}
	if len(lh.Address) > 0 {
		leftBottom += 1 + float64(len(lh.Address))*em(size*0.9)*1.25
	}

	bottom := max(wy+win.Height, leftBottom, rightBottom)
	if !detailsBelow {
		bottom = max(bottom, detailsTop+detailsH)
	}
	row2 := bottom + 3 - wy
	if detailsBelow {
		row2 = bottom - wy
	}

	b.raw(`<w:tbl><w:tblPr><w:tblW w:w="`)
	b.int(total)
	b.raw(`" w:type="dxa"/><w:tblInd w:w="`)
	b.int(twips(x0) - twips(pg.Left))
	b.raw(`" w:type="dxa"/><w:tblLayout w:type="fixed"/>` + zeroCellMargins + `<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, c := range cols {
		b.raw(`<w:gridCol w:w="`)
		b.int(c)
		b.raw(`"/>`)
	}
	b.raw(`</w:tblGrid>`)

	// Row 1: the sender, from the text's left edge; the right column.
	rowOpen(b, wy)
	cellOpen(b, total-cols[len(cols)-1], len(cols)-1, "")
	senderInd := twips(pg.Left) - twips(x0)
	tight := func(pt, leading float64) pPr {
		return pPr{spacing: true, line: lineTwips(pt, leading), indLeft: senderInd}
	}
	lines := 0
	if lh.Name != "" {
		w.pOpen(tight(size*1.8, 1.15))
		w.runText(lh.Name, rPr{bold: true, color: w.l.accent, size: halfPoints(size * 1.8)})
		b.raw(`</w:p>`)
		lines++
	}
	if lh.Department != "" {
		w.pOpen(tight(size*1.1, 1.25))
		w.runText(lh.Department, rPr{size: halfPoints(size * 1.1)})
		b.raw(`</w:p>`)
		lines++
	}
	for i, s := range lh.Address {
		p := tight(size*0.9, 1.25)
		if i == 0 {
			p.before = twips(1)
		}
		w.pOpen(p)
		w.runText(s, rPr{size: halfPoints(size * 0.9), color: greyText})
		b.raw(`</w:p>`)
		lines++
	}
	if lines == 0 {
		emptyPara(b)
	}
	b.raw(`</w:tc>`)
	cellOpen(b, cols[len(cols)-1], 1, "restart")
	if lh.Logo != nil {
		// A 1 pt paragraph mark, so that the line is the logo's height and no font's descent more.
		w.pOpen(pPr{spacing: true, after: twips(2), jc: "right", size: 2, autoLine: true, indRight: contactInd})
		m, _ := w.mediaFor(lh.Logo)
		w.drawing(m, emu(logoW), emu(logoH), lh.Logo.Alt)
		b.raw(`</w:p>`)
	}
	for _, s := range contact {
		w.pOpen(pPr{spacing: true, line: lineTwips(size*0.85, 1.25), jc: "right", indRight: contactInd})
		w.runText(s, rPr{size: halfPoints(size * 0.85), color: greyText})
		b.raw(`</w:p>`)
	}
	// The details follow the recipient in the reading order, in row 3, unless the contact
	// lines reach down into it: then they stay in this column, merged down to the end.
	addrTop := wy + render.ReturnZone + 1
	detailsHere := !detailsBelow && rightBottom > addrTop+1e-9
	if detailsHere {
		w.details(d.Details, detailSize, detailsInd, max(twips(detailsTop-rightBottom), 0), dw)
	}
	if len(contact) == 0 && lh.Logo == nil && (!detailsHere || len(d.Details) == 0) {
		emptyPara(b)
	}
	b.raw(`</w:tc></w:tr>`)

	// Row 2: the return-address zone of the window.
	rowOpen(b, addrTop-wy)
	for i := 0; i < winCol; i++ {
		cellOpen(b, cols[i], 1, "")
		emptyPara(b)
		b.raw(`</w:tc>`)
	}
	cellOpen(b, cols[winCol], 1, "")
	innerW := win.Width - 2*windowInset
	ret := lh.ReturnAddress()
	retSize := returnSizePt
	for retSize > minReturnPt && w.l.m.width(ret, false, retSize) > innerW {
		retSize -= 0.25
	}
	retLH := em(retSize) * 1.2
	// The return line's bottom, and its rule, are 1 mm above the end of the return-address zone.
	if ret != "" {
		textW := min(w.l.m.width(ret, false, retSize)+0.3, innerW)
		w.pOpen(pPr{spacing: true, before: twips(render.ReturnZone - retLH - 1), line: twips(retLH),
			indLeft: twips(windowInset), indRight: max(twips(win.Width-windowInset-textW), 0), border: "bottom"})
		w.runText(ret, rPr{size: halfPoints(retSize), color: greyText})
		b.raw(`</w:p>`)
	} else {
		emptyPara(b)
	}
	b.raw(`</w:tc>`)
	cellOpen(b, cols[winCol+1], 1, "")
	emptyPara(b)
	b.raw(`</w:tc>`)
	cellOpen(b, cols[winCol+2], 1, "continue")
	emptyPara(b)
	b.raw(`</w:tc></w:tr>`)

	// Row 3: the recipient, one size for every line, and the details beside it.
	rowOpen(b, row2-(addrTop-wy))
	for i := 0; i < winCol; i++ {
		cellOpen(b, cols[i], 1, "")
		emptyPara(b)
		b.raw(`</w:tc>`)
	}
	cellOpen(b, cols[winCol], 1, "")
	if len(d.Recipient) == 0 {
		emptyPara(b)
	}
	aSize := w.addressSize(d.Recipient, innerW, win.Height-render.ReturnZone-1)
	for _, s := range d.Recipient {
		w.pOpen(pPr{spacing: true, line: lineTwips(aSize, addressLeading), indLeft: twips(windowInset + addressIndent),
			hanging: twips(addressIndent), indRight: twips(windowInset)})
		// Broken where render/pdf breaks it: at spaces, never after a hyphen as Word and
		// LibreOffice also would.
		// Word sizes text in half points: a size between is set at the half point below
		// (halfPoints), in the PDF's lines and line height.
		w.runText(w.breakIndent(s, false, aSize, innerW, addressIndent), rPr{size: halfPoints(aSize)})
		b.raw(`</w:p>`)
	}
	b.raw(`</w:tc>`)
	cellOpen(b, cols[winCol+1], 1, "")
	emptyPara(b)
	b.raw(`</w:tc>`)
	if detailsHere {
		cellOpen(b, cols[winCol+2], 1, "continue")
		emptyPara(b)
	} else {
		cellOpen(b, cols[winCol+2], 1, "")
		if !detailsBelow && len(d.Details) > 0 {
			w.details(d.Details, detailSize, detailsInd, twips(detailsTop-addrTop), dw)
		} else {
			emptyPara(b)
		}
	}
	b.raw(`</w:tc></w:tr>`)

	if detailsBelow {
		rowOpen(b, 0)
		cellOpen(b, total, len(cols), "")
		w.details(d.Details, detailSize, twips(win.X+windowInset-x0), twips(4), dw)
		spacer(b, twips(3))
		b.raw(`</w:tc></w:tr>`)
	}
	b.raw(`</w:tbl>`)
	w.lastTable = true
	return nil
}

// addressSize is the one size of every address line, as render/pdf chooses it: the body size
// (at least minAddressPt) when the address, each line wrapped to wMM with its continuation
// indented by addressIndent, fits hMM; otherwise the largest size, in steps of addressStep down
// to minAddressPt, at which it does (or minAddressPt, where submission has rejected the letter).
func (w *writer) addressSize(rec []string, wMM, hMM float64) float64 {
	size := max(w.l.size, minAddressPt)
	for ; size-addressStep >= minAddressPt-1e-9; size -= addressStep {
		room := int((hMM + 1e-9) / (size * ptMM * addressLeading))
		n := 0
		for _, r := range rec {
			n += w.wrapCount(r, false, size, wMM, addressIndent)
		}
		if n <= room {
			break
		}
	}
	return size
}

// details writes the details as paragraphs indented ind twips, the first before twips down,
// each broken into lines where render/pdf breaks it (at spaces, to the column's width wMM), so
// that Word and LibreOffice, which would also break after a hyphen ("2026-" / "004711"), show
// the PDF's lines.
func (w *writer) details(ds []render.Detail, sizePt float64, ind, before int, wMM float64) {
	for i, dt := range ds {
		p := pPr{spacing: true, line: lineTwips(sizePt, detailsLeading), indLeft: ind}
		if i == 0 {
			p.before = before
		}
		w.pOpen(p)
		w.detail(dt, sizePt, wMM)
		w.body.raw(`</w:p>`)
	}
}

// detail writes a label in grey and its value, with a line break where breakAt puts one.
func (w *writer) detail(dt render.Detail, sizePt, wMM float64) {
	sz := halfPoints(sizePt)
	text := w.breakAt(detailText(dt), false, sizePt, wMM)
	if strings.TrimSpace(dt.Label) == "" {
		w.runText(text, rPr{size: sz})
		return
	}
	n := len(dt.Label) + 2 // "Label: "
	w.runText(text[:n], rPr{size: sz, color: greyText})
	w.runText(text[n:], rPr{size: sz})
}

// breakAt returns s with the spaces where greedy breaking to wMM ends a line replaced by line
// feeds (which runText writes as w:br).
func (w *writer) breakAt(s string, bold bool, sizePt, wMM float64) string {
	return w.breakIndent(s, bold, sizePt, wMM, 0)
}

// breakIndent is breakAt with the lines after the first indent mm narrower: the lines
// wrapCount counts.
func (w *writer) breakIndent(s string, bold bool, sizePt, wMM, indent float64) string {
	space := w.l.m.width(" ", bold, sizePt)
	out := []byte(s)
	cur := -1.0 // width of the current line; -1 before its first word
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], ' ')
		if j < 0 {
			j = len(s) - i
		}
		ww := w.l.m.width(s[i:i+j], bold, sizePt)
		switch {
		case cur < 0:
			cur = ww
		case cur+space+ww > wMM+1e-9:
			out[i-1] = '\n'
			cur = ww
			wMM, indent = wMM-indent, 0
		default:
			cur += space + ww
		}
		i += j + 1
	}
	return string(out)
}

func detailText(dt render.Detail) string {
	if strings.TrimSpace(dt.Label) == "" {
		return dt.Value
	}
	return dt.Label + ": " + dt.Value
}

// wrapCount estimates how many lines s takes in a column wMM wide at sizePt, the lines after
// the first indent mm narrower: greedy breaking at spaces, as render/pdf breaks.
func (w *writer) wrapCount(s string, bold bool, sizePt, wMM, indent float64) int {
	n, cur := 1, 0.0
	space := w.l.m.width(" ", bold, sizePt)
	for i, word := range strings.Fields(s) {
		ww := w.l.m.width(word, bold, sizePt)
		if i > 0 && cur+space+ww > wMM+1e-9 {
			n++
			cur = ww
			wMM, indent = wMM-indent, 0 // continuation lines are indented
			continue
		}
		if i > 0 {
			cur += space
		}
		cur += ww
	}
	return n
}

// rowOpen opens a table row that does not split across pages, exactly hMM high (any height when
// hMM is zero).
func rowOpen(b *buf, hMM float64) {
	b.raw(`<w:tr><w:trPr><w:cantSplit/>`)
	if hMM > 0 {
		b.raw(`<w:trHeight w:val="`)
		b.int(twips(hMM))
		b.raw(`" w:hRule="exact"/>`)
	}
	b.raw(`</w:trPr>`)
}

// cellOpen opens a cell of width twips spanning span grid columns; vMerge is "", "restart" or
// "continue".
func cellOpen(b *buf, width, span int, vMerge string) {
	b.raw(`<w:tc><w:tcPr><w:tcW w:w="`)
	b.int(width)
	b.raw(`" w:type="dxa"/>`)
	if span > 1 {
		b.raw(`<w:gridSpan w:val="`)
		b.int(span)
		b.raw(`"/>`)
	}
	switch vMerge {
	case "restart":
		b.raw(`<w:vMerge w:val="restart"/>`)
	case "continue":
		b.raw(`<w:vMerge/>`)
	}
	b.raw(`</w:tcPr>`)
}

// emptyPara writes an empty 1 pt paragraph: a cell must end with a paragraph.
func emptyPara(b *buf) { spacer(b, 20) }

// spacer writes an empty paragraph exactly h twips high (at least 2).
func spacer(b *buf, h int) {
	b.raw(`<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="`)
	b.int(max(h, 2))
	b.raw(`" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>`)
}

// lineTwips is the exact line height of text at pt with the leading, in twips.
func lineTwips(pt, leading float64) int { return int(math.Round(pt * leading * 20)) }

// imageSize is the size in mm an image is drawn at: its width (or the natural width at 150 dpi)
// limited to maxW, then its height to maxH when maxH > 0, keeping the aspect ratio. It is the
// rule of render/pdf's imageBox.
func imageSize(im *render.Image, m *media, maxW, maxH float64) (wmm, hmm float64) {
	wmm = im.Width
	if !(wmm > 0) {
		wmm = float64(m.px) / 150 * 25.4
	}
	ratio := float64(m.py) / float64(m.px)
	wmm = min(wmm, maxW)
	hmm = wmm * ratio
	if maxH > 0 && hmm > maxH {
		hmm = maxH
		wmm = hmm / ratio
	}
	return wmm, hmm
}

const zeroCellMargins = `<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>`
