package render

import "math"

// CellMeasure reports the width a table cell's content prefers (its widest hard line, set
// without wrapping) and the width it needs at the least (its widest word), in the unit of the
// caller's total width. bold is set for header and total cells, which are set bold.
type CellMeasure func(c Cell, bold bool) (preferred, minimum float64)

// ColumnWidths divides total among the n columns of t. When every column has a Width weight,
// by the weights. Otherwise by content, the way browsers lay out automatic tables: every column
// gets its preferred width when all fit, else its minimum plus a share of what is left in
// proportion to how much more it would like, else (not even the minimums fit) a share of total
// in proportion to its minimum. pad is added to both widths of every column (cell padding).
// Both back ends use it, so a table is proportioned alike in the PDF and the DOCX.
func ColumnWidths(t *Table, n int, total, pad float64, measure CellMeasure) []float64 {
	out := make([]float64, n)
	weighted := len(t.Columns) >= n
	var sum float64
	for i := 0; i < n && i < len(t.Columns); i++ {
		c := t.Columns[i]
		if c.Width <= 0 || math.IsNaN(c.Width) || math.IsInf(c.Width, 0) {
			weighted = false
		}
		sum += c.Width
	}
	if weighted {
		for i := range out {
			out[i] = total * t.Columns[i].Width / sum
		}
		return out
	}
	minW := make([]float64, n)
	maxW := make([]float64, n)
	measureRow := func(cells []Cell, bold bool) {
		for i := 0; i < n && i < len(cells); i++ {
			pref, least := measure(cells[i], bold)
			maxW[i] = max(maxW[i], pref)
			minW[i] = max(minW[i], least)
		}
	}
	measureRow(t.Header, true)
	for _, r := range t.Rows {
		measureRow(r, false)
	}
	measureRow(t.Total, true)
	var sumMin, sumMax float64
	for i := range out {
		minW[i] += 2*pad + 0.01
		maxW[i] = max(maxW[i]+2*pad+0.01, minW[i])
		sumMin += minW[i]
		sumMax += maxW[i]
	}
	switch {
	case sumMax <= total:
		for i := range out {
			out[i] = maxW[i] + (total-sumMax)*maxW[i]/sumMax
		}
	case sumMin <= total:
		for i := range out {
			out[i] = minW[i] + (total-sumMin)*(maxW[i]-minW[i])/(sumMax-sumMin)
		}
	default:
		for i := range out {
			out[i] = total * minW[i] / sumMin
		}
	}
	return out
}
