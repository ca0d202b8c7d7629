package docx

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/postbud/postbud/render"
)

// table writes t as a w:tbl in the TableGrid style: the header row is marked w:tblHeader so Word
// and LibreOffice repeat it on every page, shaded with a tint of the accent colour and set bold;
// the total row is bold under a heavier rule. Column widths follow Column.Width weights, or the
// content when a column has none (see columnWidths).
func (w *writer) table(t *render.Table) {
	n := len(t.Columns)
	n = max(n, len(t.Header), len(t.Total))
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	if n == 0 {
		return
	}
	if w.lastTable { // two tables in a row would merge into one
		w.pOpen(pPr{})
		w.body.raw(`</w:p>`)
	}
	b := &w.body
	widths := columnWidths(t, n, twips(w.l.textWidth), w.l.size)
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
	b.raw(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="`)
	b.int(twips(w.l.textWidth))
	b.raw(`" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, cw := range widths {
		b.raw(`<w:gridCol w:w="`)
		b.int(cw)
		b.raw(`"/>`)
	}
	b.raw(`</w:tblGrid>`)
	if len(t.Header) > 0 {
		b.raw(`<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
		shade := tint(w.d.Accent)
		for i := range n {
			w.cell(cellAt(t.Header, i), widths[i], jc[i], shade, false, true)
		}
		b.raw(`</w:tr>`)
	}
	for _, row := range t.Rows {
		b.raw(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for i := range n {
			w.cell(cellAt(row, i), widths[i], jc[i], "", false, false)
		}
		b.raw(`</w:tr>`)
	}
	if t.Total != nil {
		b.raw(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for i := range n {
			w.cell(cellAt(t.Total, i), widths[i], jc[i], "", true, true)
		}
		b.raw(`</w:tr>`)
	}
	b.raw(`</w:tbl>`)
	w.lastTable = true
}

func cellAt(row []render.Cell, i int) []render.Run {
	if i < len(row) {
		return row[i].Runs
	}
	return nil
}

func (w *writer) cell(runs []render.Run, width int, jc, shade string, rule, bold bool) {
	b := &w.body
	b.raw(`<w:tc><w:tcPr><w:tcW w:w="`)
	b.int(width)
	b.raw(`" w:type="dxa"/>`)
	if rule {
		b.raw(`<w:tcBorders><w:top w:val="single" w:sz="12" w:space="0" w:color="auto"/></w:tcBorders>`)
	}
	if shade != "" {
		b.raw(`<w:shd w:val="clear" w:color="auto" w:fill="`)
		b.raw(shade)
		b.raw(`"/>`)
	}
	b.raw(`</w:tcPr>`)
	w.pOpen(pPr{jc: jc})
	w.runs(runs, rPr{bold: bold})
	b.raw(`</w:p></w:tc>`)
}

// columnWidths divides total twips among the n columns with render.ColumnWidths, as the PDF
// does. A DOCX carries no font metrics, so content is measured by advance, an estimate of
// Liberation Sans and Arial; a word's minimum gets 10% to spare, since a column narrower than
// its longest word splits that word. The last column takes the rounding.
func columnWidths(t *render.Table, n, total int, sizePt float64) []int {
	ws := render.ColumnWidths(t, n, float64(total), cellMarginTwips, cellMeasure(sizePt))
	widths := make([]int, n)
	used := 0
	for i := range n - 1 {
		widths[i] = int(ws[i])
		used += widths[i]
	}
	widths[n-1] = total - used
	return widths
}

// cellMeasure measures cells set at sizePt for render.ColumnWidths, in twips. One pass over each
// run sums the advance of every line (between hard line breaks) and of every word (between white
// space as strings.Fields has it) rune by rune, in order.
func cellMeasure(sizePt float64) render.CellMeasure {
	em := sizePt * 20 // twips
	width := func(sum float64, bold bool) float64 {
		if bold {
			sum *= 1.08
		}
		return sum * em
	}
	return func(c render.Cell, bold bool) (pref, least float64) {
		line := 0.0
		for _, r := range c.Runs {
			b := bold || r.Bold
			var part, word float64
			inWord := false
			for i, text := 0, r.Text; i < len(text); {
				ch, size := rune(text[i]), 1
				var a float64
				var space bool
				if ch < utf8.RuneSelf {
					m := asciiMetrics[ch]
					a, space = m.advance, m.space
				} else {
					ch, size = utf8.DecodeRuneInString(text[i:])
					a, space = advance(ch), unicode.IsSpace(ch)
				}
				i += size
				if space {
					if inWord {
						least = max(least, 1.1*width(word, b))
						word, inWord = 0, false
					}
					if ch == '\n' { // a hard line break
						line += width(part, b)
						pref, line, part = max(pref, line), 0, 0
						continue
					}
				} else {
					word += a
					inWord = true
				}
				part += a
			}
			if inWord {
				least = max(least, 1.1*width(word, b))
			}
			line += width(part, b)
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
