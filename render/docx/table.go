package docx

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/postbud/postbud/render"
)

// table writes t as a w:tbl in the LetterTable style, ruled as render/pdf rules it: no grid, a
// thin grey rule under each body row, the header row shaded with a tint of the accent colour, set
// bold and ruled in the accent colour, marked w:tblHeader so that Word and LibreOffice repeat it
// on every page; the total row bold under a black rule. No row splits across pages
// (w:cantSplit). Text is set at the PDF's table size and leading, and a rule's width is taken
// from the cell's padding so that rows are as high as the PDF's. Column widths follow
// Column.Width weights, or the content when a column has none (see columnWidths).
func (w *writer) table(t *render.Table) {
	n := len(t.Columns)
	n = max(n, len(t.Header), len(t.Total))
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	if n == 0 {
		return
	}
	if w.pendingBreak { // a table cannot carry w:pageBreakBefore
		w.pendingBreak = false
		w.body.raw(`<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr><w:r><w:br w:type="page"/></w:r></w:p>`)
	}
	if w.lastTable { // two tables in a row would merge into one
		emptyPara(&w.body)
	}
	b := &w.body
	w.tableSize = halfPoints(w.l.size * tableScale)
	w.tableLine = lineTwips(w.l.size*tableScale, tableLeading)
	widths := columnWidths(t, n, twips(w.l.textWidth), w.l.size*tableScale, w.l.m)
	jc := make([]string, n)
	for i := range jc {
		if i < len(t.Columns) {
			switch t.Columns[i].Align {
			case render.AlignCenter:
				jc[i] = "center"
			case render.AlignRight:
				jc[i] = "right"
			}
		}
	}
	b.raw(`<w:tbl><w:tblPr><w:tblStyle w:val="LetterTable"/><w:tblW w:w="`)
	b.int(twips(w.l.textWidth))
	b.raw(`" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, cw := range widths {
		b.raw(`<w:gridCol w:w="`)
		b.int(cw)
		b.raw(`"/>`)
	}
	b.raw(`</w:tblGrid>`)
	if len(t.Header) > 0 {
		b.raw(`<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
		c := cellStyle{shade: tint(w.d.Accent), bold: true, bottom: w.l.accent, bottomSz: 6}
		for i := range n {
			c.width, c.jc = widths[i], jc[i]
			w.cell(cellAt(t.Header, i), c)
		}
		b.raw(`</w:tr>`)
	}
	for k, row := range t.Rows {
		b.raw(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		c := cellStyle{}
		if k < len(t.Rows)-1 || t.Total == nil {
			c.bottom, c.bottomSz = ruleGrey, 2
		}
		for i := range n {
			c.width, c.jc = widths[i], jc[i]
			w.cell(cellAt(row, i), c)
		}
		b.raw(`</w:tr>`)
	}
	if t.Total != nil {
		b.raw(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		c := cellStyle{bold: true, top: "000000", topSz: 6}
		for i := range n {
			c.width, c.jc = widths[i], jc[i]
			w.cell(cellAt(t.Total, i), c)
		}
		b.raw(`</w:tr>`)
	}
	b.raw(`</w:tbl>`)
	// The PDF's space after a table: 1.5 paragraph gaps.
	spacer(b, twipsPt(w.l.size*paraGapEm*1.5))
	w.lastTable = false
}

func cellAt(row []render.Cell, i int) []render.Run {
	if i < len(row) {
		return row[i].Runs
	}
	return nil
}

// cellStyle is how one cell is drawn: its width in twips, alignment, shading, rules (colour and
// w:sz in eighths of a point) and weight.
type cellStyle struct {
	width           int
	jc, shade       string
	top, bottom     string
	topSz, bottomSz int
	bold            bool
}

// cellPadTwips is the PDF's vertical cell padding.
var cellPadTwips = twips(cellPadY)

func (w *writer) cell(runs []render.Run, c cellStyle) {
	b := &w.body
	b.raw(`<w:tc><w:tcPr><w:tcW w:w="`)
	b.int(c.width)
	b.raw(`" w:type="dxa"/>`)
	if c.top != "" || c.bottom != "" {
		b.raw(`<w:tcBorders>`)
		for _, r := range [2]struct {
			side, color string
			sz          int
		}{{"top", c.top, c.topSz}, {"bottom", c.bottom, c.bottomSz}} {
			if r.color == "" {
				continue
			}
			b.raw(`<w:` + r.side + ` w:val="single" w:sz="`)
			b.int(r.sz)
			b.raw(`" w:space="0" w:color="`)
			b.raw(r.color)
			b.raw(`"/>`)
		}
		b.raw(`</w:tcBorders>`)
	}
	if c.shade != "" {
		b.raw(`<w:shd w:val="clear" w:color="auto" w:fill="`)
		b.raw(c.shade)
		b.raw(`"/>`)
	}
	if c.top != "" || c.bottom != "" {
		// A rule takes its width (sz/8 pt, 20 twips a point) from the padding it borders.
		b.raw(`<w:tcMar><w:top w:w="`)
		b.int(max(cellPadTwips-c.topSz*20/8, 0))
		b.raw(`" w:type="dxa"/><w:bottom w:w="`)
		b.int(max(cellPadTwips-c.bottomSz*20/8, 0))
		b.raw(`" w:type="dxa"/></w:tcMar>`)
	}
	b.raw(`</w:tcPr>`)
	// Direct formatting: Normal's spacing and leading would otherwise win over the table style's.
	w.pOpen(pPr{jc: c.jc, spacing: true, line: w.tableLine, size: w.tableSize})
	w.runs(runs, rPr{bold: c.bold, size: w.tableSize})
	b.raw(`</w:p></w:tc>`)
}

// columnWidths divides total twips among the n columns with render.ColumnWidths, measuring
// cells at sizePt with m, as render/pdf does with the same font's metrics (so that both give
// the same widths when the letter is set in the embedded font). The last column takes the
// rounding.
func columnWidths(t *render.Table, n, total int, sizePt float64, m metrics) []int {
	ws := render.ColumnWidths(t, n, float64(total), cellMarginTwips, cellMeasure(sizePt, m))
	widths := make([]int, n)
	used := 0
	for i := range n - 1 {
		widths[i] = int(ws[i])
		used += widths[i]
	}
	widths[n-1] = total - used
	return widths
}

// cellMeasure measures cells set at sizePt for render.ColumnWidths, in twips: the widest line
// (between hard line breaks) and the widest word (between white space), as render/pdf measures
// them.
func cellMeasure(sizePt float64, m metrics) render.CellMeasure {
	const twipsPerMM = 1440 / 25.4
	return func(c render.Cell, bold bool) (pref, least float64) {
		line := 0.0
		for _, r := range c.Runs {
			b := bold || r.Bold
			parts := strings.Split(r.Text, "\n")
			for i, part := range parts {
				if i > 0 {
					pref, line = max(pref, line), 0
				}
				line += m.width(part, b, sizePt) * twipsPerMM
				for _, word := range strings.Fields(part) {
					least = max(least, m.width(word, b, sizePt)*twipsPerMM)
				}
			}
		}
		return max(pref, line), least
	}
}

// advance estimates the width of r in em in Liberation Sans Regular (metric-compatible with Arial).
func advance(r rune) float64 {
	if r < utf8.RuneSelf {
		return asciiMetrics[r].advance
	}
	if r == 'Æ' || r == 'æ' {
		return 0.944
	}
	return 0.556
}

// asciiMetrics holds advanceOf and unicode.IsSpace of every ASCII character.
var asciiMetrics = func() (t [utf8.RuneSelf]struct {
	advance float64
	space   bool
}) {
	for r := range t {
		t[r].advance, t[r].space = advanceOf(rune(r)), unicode.IsSpace(rune(r))
	}
	return t
}()

// advanceOf is the definition advance follows, by rune (advance is a table lookup for ASCII).
func advanceOf(r rune) float64 {
	switch {
	case r == ' ' || strings.ContainsRune("ijl.,:;!|'", r):
		return 0.278
	case strings.ContainsRune("frtI()[]-/", r):
		return 0.333
	case r == 'm' || r == 'w':
		return 0.833
	case r == 'M' || r == 'W' || r == 'Æ' || r == 'æ':
		return 0.944
	case r >= 'A' && r <= 'Z':
		return 0.667
	case r >= '0' && r <= '9':
		return 0.556
	}
	return 0.556
}

// cellMarginTwips is the left and right cell margin of the TableGrid style.
const cellMarginTwips = 85

// tint mixes c with 85% white for the table header's shading; black gives a light grey.
func tint(c render.Color) string {
	mix := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*0.85 + 0.5) }
	return hexColor(mix(c.R), mix(c.G), mix(c.B))
}
