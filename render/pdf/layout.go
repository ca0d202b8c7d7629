package pdf

import (
	"crypto/sha256"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/core"

	"github.com/postbud/postbud/render"
)

// Typographic choices, relative to the body size where they scale with it.
//
// The body is set at render.DefaultFontSize (11 pt) with a leading of 1.3 and 0.6 em between
// paragraphs, on the measure render.A4 gives (see there: at most 80 characters a line). The
// subject is the strongest heading: larger than any section heading (subjectScale against
// headingScale) and bold.
//
// Tables need no code for tabular figures: every digit of Liberation Sans (and of the Postbud
// Sans subsets made from it) has the same advance, 1139/2048 em, so figures already line up.
const (
	bodyLeading    = 1.3  // line height / font size for body text
	tableLeading   = 1.2  // line height / font size in tables
	paraGapEm      = 0.6  // space after a paragraph, in body ems
	itemGapEm      = 0.3  // space between list items
	subjectScale   = 1.45 // subject size / body size
	subjectLeading = 1.2
	listIndent     = 6.0 // mm per list level
	cellPadX       = 1.5 // mm
	cellPadY       = 0.5 // mm
	windowInset    = 5.0 // mm from the window's left edge to the address
	// footerZone is the height of the footer zone at the top of the bottom margin: the rule at
	// footerRuleY, then the footer text and page label.
	footerZone  = 10.0 // mm
	footerRuleY = 0.8  // mm below the top of the footer zone
	// footerClear is the least distance from the bottom of the body text to the footer rule.
	footerClear    = 4.0 // mm
	footerSizePt   = 7.5
	headSizePt     = 8.0 // running head on pages 2..n
	headGap        = 4.0 // mm from the running head's rule to the body text
	returnSizePt   = 7.0
	minReturnPt    = 5.0
	minRecipientPt = 8.0  // smallest address size for postal sorting machines
	logoMaxW       = 50.0 // mm
	logoMaxH       = 20.0 // mm
	signatureMaxH  = 25.0 // mm
	naturalDPI     = 150.0
	// keepLines is how many lines of what follows a heading (or a paragraph leading into a list
	// or the signature) stays on the page of: the heading never ends a page.
	keepLines = 2
)

// headingScale is the size of a body heading of level 1, 2 and 3 (and below) relative to the
// body size; all are smaller than subjectScale.
var headingScale = [3]float64{1.3, 1.15, 1.05}

var (
	black     = render.Color{}
	grey      = render.Color{R: 0x59, G: 0x59, B: 0x59}
	ruleGrey  = render.Color{R: 0xBF, G: 0xBF, B: 0xBF}
	linkBlue  = render.Color{B: 0xFF} // Maroto draws every link in this blue
	linkThick = 0.05                  // em
)

// unit is one step of the body flow, produced by laying out blocks and consumed by the emitter,
// which knows where pages end.
type unit struct {
	group    []*slice // slices that must stay on one page, stacked in order
	keepNext bool     // group stays on the page of the next keepLines lines (headings)
	lines    int      // lines of text the group counts as for a keep; 0 means len(group)
	gap      float64  // vertical space, dropped at the end of a page
	brk      bool     // page break
	table    *tableUnit
	at       origin // the part of the letter the unit comes from, for Preflight
}

// count is how many lines u's group counts as for a keep.
func (u unit) count() int {
	if u.lines > 0 {
		return u.lines
	}
	return len(u.group)
}

// tableUnit is a laid-out table: header slices repeated on each page and body rows.
type tableUnit struct {
	header []*slice
	rows   [][]*slice
	// more marks the continuation of a row split across pages: one line, in the first column.
	more   *slice
	x0     float64   // the table's left edge, for tagging (tags.go)
	widths []float64 // its column widths
}

// layout turns a Document into Maroto rows and tracks where Maroto will end pages, using the
// very rule and arithmetic of Maroto's addRow so that both agree to the last bit.
//
// Pages end earlier than Maroto would end them in two cases, and the layout then fills the page
// with an empty row so that Maroto ends it too: body text keeps footerClear from the footer rule,
// and a page break (a PageBreak block, or the next slice not fitting) starts the next page with
// the running head above the slice.
type layout struct {
	d        *render.Document
	ts       *typesetter
	size     float64 // body size, pt
	page     render.Page
	win      render.Window
	contentW float64
	bodyH    float64 // Maroto's usable page height: page height minus its top and bottom margins
	footerH  float64 // height of the registered footer row
	accent   render.Color

	// imageWidths maps each pixel width used by an image of this document to that image's hash;
	// see (*layout).distinctWidth.
	imageWidths map[int][sha256.Size]byte

	rows      []core.Row
	keep      []*slice
	keepAt    []origin // where each slice of keep comes from
	keepNeed  int      // lines still to join keep before it may be placed
	cur       float64
	pages     int
	breakNext bool // the next slice starts a new page (a PageBreak)
	err       error

	head     *slice // the running head of pages 2..n, made once by runningHead
	headDone bool

	// trace, when set (by tests), sees every slice made a Maroto row, in order.
	trace func(*slice)

	// pf is set for Preflight: problems are recorded there and the layout goes on; no Maroto
	// rows are made. at is the part of the letter being placed.
	pf *preflight
	at origin

	tags *tagTree // the structure tree of a tagged PDF (tags.go); nil when untagged
}

func (l *layout) em(size float64) float64 { return size * ptMM }

// clearance is the space kept free above the footer rule: footerClear less the part of it the
// footer zone itself provides above its rule. Zero when there is no footer.
func (l *layout) clearance() float64 {
	if l.footerH == 0 {
		return 0
	}
	return footerClear - footerRuleY
}

// capacity is the height available to body rows on a page after the first, the smallest a page
// gives: the page less the footer, its clearance and the running head.
func (l *layout) capacity() float64 {
	c := l.bodyH - l.footerH - l.clearance()
	if h := l.runningHead(); h != nil {
		c -= h.h
	}
	return c
}

// fits reports whether h fits below what the current page holds, clear of the footer.
func (l *layout) fits(h float64) bool {
	return !l.breakNext && h+l.cur+l.footerH+l.clearance() <= l.bodyH
}

// fail reports a reason the document cannot be rendered: p for Preflight, err for Render. Render
// stops at err, which fail returns; Preflight records p, fail returns nil and the layout goes on,
// so that one run finds every problem.
func (l *layout) fail(p Problem, err error) error {
	if l.pf != nil {
		l.pf.add(p)
		return nil
	}
	return err
}

// place appends s as a Maroto row and advances the page tracker exactly as Maroto's addRow does.
// When s does not fit (fits), it goes to a new page under the running head.
func (l *layout) place(s *slice) {
	if s.h > l.capacity()+1e-9 {
		if l.pf != nil {
			l.pf.add(Problem{Place: l.at.place, Index: l.at.index, Message: fmt.Sprintf(
				"takes %.0f mm that must stay on one page (a heading, the subject, a table header or the signature), and a page holds %.0f mm: shorten it",
				s.h, l.capacity())})
		} else if l.err == nil {
			l.err = fmt.Errorf("lay out page %d: a %.1f mm block is taller than the %.1f mm a page holds", l.pages, s.h, l.capacity())
		}
	}
	if s.h == 0 && !l.breakNext || l.fits(s.h) {
		l.cur += s.h
		l.appendRow(s)
		return
	}
	l.breakNext = false
	top := s
	if h := l.runningHead(); h != nil {
		top = stack([]*slice{h, s})
	}
	// Maroto ends the page only when top does not fit by its rule; where it would, an empty
	// row fills the page first.
	if rem := l.bodyH - l.cur - l.footerH; rem > 2e-6 && top.h+l.cur+l.footerH <= l.bodyH {
		l.cur += rem - 1e-6
		l.appendRow(&slice{h: rem - 1e-6})
	}
	l.pages++
	l.cur = top.h
	l.appendRow(top)
}

// appendRow makes s the next Maroto row.
func (l *layout) appendRow(s *slice) {
	if l.trace != nil {
		l.trace(s)
	}
	if l.pf == nil {
		l.tagSlice(s)
		l.rows = append(l.rows, s.row())
	}
}

// add places s together with any kept slices before it (a heading stays with what follows).
func (l *layout) add(s *slice) {
	if len(l.keep) > 0 {
		all := append(l.keep, s)
		at := l.keepAt
		l.keep, l.keepAt, l.keepNeed = nil, nil, 0
		if k := stack(all); k.h <= l.capacity() {
			s = k
		} else {
			cur := l.at
			for j, k := range all[:len(all)-1] {
				l.at = at[j]
				l.place(k)
			}
			l.at = cur
		}
	}
	l.place(s)
}

// flushKeep places the kept slices on their own.
func (l *layout) flushKeep() {
	if len(l.keep) == 0 {
		return
	}
	l.at = l.keepAt[0]
	l.place(stack(l.keep))
	l.keep, l.keepAt, l.keepNeed = nil, nil, 0
}

// emit sends the units to the page.
func (l *layout) emit(units []unit) {
	for _, u := range units {
		l.at = u.at
		switch {
		case u.brk:
			l.flushKeep()
			if l.cur > 0 || l.pages > 0 {
				l.breakNext = true
			}
		case u.table != nil:
			l.emitTable(u.table)
		case u.gap > 0:
			if len(l.keep) > 0 {
				l.keep = append(l.keep, &slice{h: u.gap})
				l.keepAt = append(l.keepAt, u.at)
			} else if l.fits(u.gap) {
				l.place(&slice{h: u.gap})
			}
		case len(u.group) > 0:
			s := stack(u.group)
			switch {
			case u.keepNext:
				l.keep = append(l.keep, s)
				l.keepAt = append(l.keepAt, u.at)
				l.keepNeed = keepLines
			case len(l.keep) > 0 && l.keepNeed > u.count():
				l.keep = append(l.keep, s)
				l.keepAt = append(l.keepAt, u.at)
				l.keepNeed -= u.count()
			default:
				l.add(s)
			}
		}
	}
}

// emitTable places a table's rows, putting the header above the first row of every page the
// table spans. A row moves to the next page whole; only a row that does not fit on a page with
// the header flows line by line, and where it goes on on a new page the continuation mark
// (tableUnit.more) stands under the header.
func (l *layout) emitTable(t *tableUnit) {
	first := true
	headerH := stackHeight(t.header)
	for _, r := range t.rows {
		groups := [][]*slice{r}
		split := len(r) > 1 && stackHeight(r)+headerH > l.capacity()
		if split {
			groups = groups[:0]
			for _, s := range r {
				groups = append(groups, []*slice{s})
			}
		}
		for i, g := range groups {
			s := stack(g)
			if first || !l.fits(s.h) {
				top := append([]*slice(nil), t.header...)
				if split && i > 0 && t.more != nil {
					top = append(top, t.more)
				}
				withHeader := stack(append(top, s))
				if withHeader.h <= l.capacity() {
					s = withHeader
				} else if first {
					l.add(stack(t.header))
				}
				first = false
			}
			l.add(s)
		}
	}
	if first && len(t.header) > 0 { // a table with no body rows
		l.add(stack(t.header))
	}
}

// runningHead is the head of pages 2..n, laid out once: the recipient's name and the case number
// (Document.CaseDetail) on the left in small grey type above a hairline rule, with room on the right for
// the page label, which the footer draws there because only it knows the page number. It is nil
// when the letter has neither a recipient, a case number nor a page label.
func (l *layout) runningHead() *slice {
	if l.headDone {
		return l.head
	}
	l.headDone = true
	text := headText(l.d)
	label := norm(l.d.PageLabel)
	if text == "" && label == "" {
		return nil
	}
	lh := l.em(headSizePt) * 1.2
	w := l.contentW
	if label != "" {
		// Every digit of the font is as wide as every other, so three-digit numbers give the
		// widest label of any letter shorter than 1000 pages.
		w -= l.ts.measure(pageLabel(label, 888, 888), regular, headSizePt) + 5
	}
	s := &slice{}
	y := 0.0
	if text != "" && w > 10 {
		y = put(s, l.text([]span{{text: l.headFit(text, w), color: grey}}, headSizePt, 1.2, 0, w, render.AlignLeft), 0)
	}
	y = max(y, lh)
	s.rules = append(s.rules, ruleOp{x1: 0, x2: l.contentW, y: y + 0.8, thick: 0.1, color: ruleGrey})
	s.h = y + 0.8 + headGap
	l.head = s
	return s
}

// headLines is the most lines the running head's name and case number take: a longer text
// (page 1 has it whole) is cut at a word and ends in "…".
const headLines = 2

// headFit returns text, or the longest run of its first words that with " …" fits headLines
// lines of w mm.
func (l *layout) headFit(text string, w float64) string {
	fits := func(t string) bool {
		return len(l.ts.breakLines([]span{{text: t}}, headSizePt, w)) <= headLines
	}
	if fits(text) {
		return text
	}
	words := strings.Fields(text)
	lo, hi := 0, len(words) // words[:lo] fits, words[:hi] does not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if fits(strings.Join(words[:mid], " ") + " …") {
			lo = mid
		} else {
			hi = mid
		}
	}
	return strings.TrimSpace(strings.Join(words[:lo], " ") + " …")
}

// headText is the left part of the running head: the first recipient line and the case number,
// joined by " · ".
func headText(d *render.Document) string {
	var parts []string
	if len(d.Recipient) > 0 {
		if n := normLine(d.Recipient[0]); strings.TrimSpace(n) != "" {
			parts = append(parts, n)
		}
	}
	if dt, ok := d.CaseDetail(); ok {
		v := normLine(dt.Value)
		if lb := normLine(dt.Label); strings.TrimSpace(lb) != "" {
			v = lb + ": " + v
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, " · ")
}

// pageLabel fills a page label pattern with the page number and the page count.
func pageLabel(pattern string, page, pages int) string {
	return strings.NewReplacer("{page}", strconv.Itoa(page), "{pages}", strconv.Itoa(pages)).Replace(pattern)
}

// continued is the mark of a table row continued from the previous page, in the letter's
// language (its primary subtag); English for a language not listed.
func continued(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	switch base {
	case "da":
		return "(fortsat)"
	case "sv", "nb", "nn", "no":
		return "(forts.)"
	case "de":
		return "(Fortsetzung)"
	case "nl":
		return "(vervolg)"
	case "fi":
		return "(jatkuu)"
	case "fr":
		return "(suite)"
	}
	return "(continued)"
}

// lineSlices turns lines into one slice each, with every piece positioned. x0 and w are the
// column the lines are set in, lh the line height in mm.
func (l *layout) lineSlices(lines []line, spans []span, size, lh, x0, w float64, al render.Align) []*slice {
	out := make([]*slice, len(lines))
	block := make([]slice, len(lines))
	for i, ln := range lines {
		s := &block[i]
		s.h = lh
		if l.pf == nil { // Preflight measures; it draws nothing
			s.texts = make([]textOp, 0, len(ln.pieces))
			l.putLine(s, ln, spans, size, lh, x0, w, al)
		}
		out[i] = s
	}
	return out
}

// putLine appends the pieces of ln to s, positioned as lineSlices positions them.
func (l *layout) putLine(s *slice, ln line, spans []span, size, lh, x0, w float64, al render.Align) {
	em := l.em(size)
	top := (lh-(ascent+descent)*em)/2 + ascent*em - em
	x := x0
	switch al {
	case render.AlignRight:
		x = x0 + w - ln.w
	case render.AlignCenter:
		x = x0 + (w-ln.w)/2
	}
	for _, p := range ln.pieces {
		sp := spans[p.span]
		s.texts = append(s.texts, textOp{x: x, y: top, text: p.text, font: l.ts.family(sp.style), style: sp.style, size: size, color: sp.color, link: sp.link})
		if sp.link != "" {
			s.rules = append(s.rules, ruleOp{x1: x, x2: x + p.w, y: top + em*1.1, thick: em * linkThick, color: linkBlue})
		}
		x += p.w
	}
}

// spans converts runs to spans in base style and colour.
func spans(runs []render.Run, base style, c render.Color) []span {
	return appendSpans(make([]span, 0, len(runs)), runs, base, c)
}

// appendSpans appends the spans of runs to out.
func appendSpans(out []span, runs []render.Run, base style, c render.Color) []span {
	for _, r := range runs {
		st := base
		if r.Bold {
			st |= bold
		}
		if r.Italic {
			st |= italic
		}
		out = append(out, span{text: norm(r.Text), style: st, color: c, link: r.Link})
	}
	return out
}

// text typesets runs as a paragraph into slices.
func (l *layout) text(sp []span, size, leading, x0, w float64, al render.Align) []*slice {
	lines := l.ts.breakLines(sp, size, w)
	return l.lineSlices(lines, sp, size, l.em(size)*leading, x0, w, al)
}

// paragraphUnits groups a paragraph's lines so that no page starts or ends with a single line of
// it (no orphans or widows).
func paragraphUnits(ss []*slice) []unit {
	n := len(ss)
	if n == 0 {
		return nil
	}
	if n <= 3 {
		return []unit{{group: ss}}
	}
	units := []unit{{group: ss[:2:2]}}
	for i := 2; i < n-2; i++ {
		units = append(units, unit{group: ss[i : i+1 : i+1]})
	}
	return append(units, unit{group: ss[n-2:]})
}

// blocks lays out body blocks into units, in the column x0, w.
func (l *layout) blocks(bs []render.Block, x0, w float64, level int) ([]unit, error) {
	var units []unit
	bodyEm := l.em(l.size)
	for i, b := range bs {
		last := i == len(bs)-1
		from := len(units)
		if level == 0 {
			l.at = origin{PlaceBody, i}
		}
		switch b := b.(type) {
		case *render.Heading:
			size := l.size * headingScale[clamp(b.Level, 1, 3)-1]
			ss := l.text(spans(b.Runs, bold, l.accent), size, 1.15, x0, w, render.AlignLeft)
			if len(ss) > 0 {
				units = append(units, unit{gap: bodyEm * 0.5})
				units = append(units, unit{group: ss, keepNext: true}, unit{gap: bodyEm * 0.3})
			}
		case *render.Paragraph:
			ss := l.text(spans(b.Runs, regular, black), l.size, bodyLeading, x0, w, render.AlignLeft)
			pu := paragraphUnits(ss)
			if len(pu) > 0 && i+1 < len(bs) {
				// A paragraph leading into a list or the closing stays with it.
				switch bs[i+1].(type) {
				case *render.List, *render.Signature:
					pu[len(pu)-1].keepNext = true
				}
			}
			units = append(units, pu...)
			if !last || level == 0 {
				units = append(units, unit{gap: bodyEm * paraGapEm})
			}
		case *render.List:
			us, err := l.list(b, x0, w, level)
			if err != nil {
				return nil, err
			}
			units = append(units, us...)
			if level == 0 {
				units = append(units, unit{gap: bodyEm * paraGapEm})
			}
		case *render.Table:
			tu, err := l.table(b, x0, w)
			if err != nil {
				return nil, err
			}
			units = append(units, unit{table: tu}, unit{gap: bodyEm * paraGapEm * 1.5})
		case *render.Image:
			s, err := l.image(b, x0, w, l.capacity())
			if err != nil {
				if err := l.fail(Problem{Place: l.at.place, Index: l.at.index, Message: imageProblem}, err); err != nil {
					return nil, err
				}
				s = &slice{}
			}
			// An image is enough for a heading above it to keep with.
			units = append(units, unit{group: []*slice{s}, lines: keepLines}, unit{gap: bodyEm * paraGapEm})
		case *render.PageBreak:
			units = append(units, unit{brk: true})
		case *render.Signature:
			s, err := l.signature(b, x0, w)
			if err != nil {
				return nil, err
			}
			units = append(units, unit{gap: bodyEm * paraGapEm}, unit{group: []*slice{s}, lines: keepLines})
		case nil:
			return nil, fmt.Errorf("block %d is nil", i+1)
		default:
			return nil, fmt.Errorf("block %d: unknown block type %T", i+1, b)
		}
		l.tagBlock(b, units[from:], level)
		if level == 0 {
			for k := from; k < len(units); k++ {
				units[k].at = origin{PlaceBody, i}
			}
		}
	}
	return units, nil
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }

// list lays out a list: a marker in the indent, then each item's blocks indented.
func (l *layout) list(b *render.List, x0, w float64, level int) ([]unit, error) {
	var units []unit
	start := b.Start
	if start == 0 {
		start = 1
	}
	indent := listIndent
	if w-indent < 20 {
		indent = 0
	}
	for i, item := range b.Items {
		us, err := l.blocks(item, x0+indent, w-indent, level+1)
		if err != nil {
			return nil, fmt.Errorf("list item %d: %w", i+1, err)
		}
		marker := "•"
		if b.Ordered {
			marker = strconv.Itoa(start+i) + "."
		}
		mw := l.ts.measure(marker, regular, l.size)
		op := textOp{x: x0 + indent - 1.5 - mw, text: marker, font: l.ts.family(regular), size: l.size, color: black}
		if s := firstSlice(us); s != nil {
			op.y = (s.h-(ascent+descent)*l.em(l.size))/2 + ascent*l.em(l.size) - l.em(l.size)
			if len(s.texts) > 0 {
				op.y = s.texts[0].y + (l.em(s.texts[0].size) - l.em(l.size))
			}
			s.texts = append(s.texts, op)
		} else {
			lh := l.em(l.size) * bodyLeading
			op.y = (lh-(ascent+descent)*l.em(l.size))/2 + ascent*l.em(l.size) - l.em(l.size)
			us = []unit{{group: []*slice{{h: lh, texts: []textOp{op}}}}}
		}
		units = append(units, us...)
		if i < len(b.Items)-1 {
			units = append(units, unit{gap: l.em(l.size) * itemGapEm})
		}
	}
	return units, nil
}

// firstSlice returns the slice an item's first line is drawn in.
func firstSlice(us []unit) *slice {
	for _, u := range us {
		switch {
		case len(u.group) > 0:
			return u.group[0]
		case u.table != nil:
			if len(u.table.header) > 0 {
				return u.table.header[0]
			}
			if len(u.table.rows) > 0 && len(u.table.rows[0]) > 0 {
				return u.table.rows[0][0]
			}
		}
	}
	return nil
}

// table lays out a table in the column x0, w.
func (l *layout) table(t *render.Table, x0, w float64) (*tableUnit, error) {
	n := max(len(t.Columns), len(t.Header), len(t.Total))
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	if n == 0 {
		return &tableUnit{}, nil
	}
	cols := make([]render.Column, n)
	copy(cols, t.Columns)
	size := l.size * 0.9
	lh := l.em(size) * tableLeading

	widths := l.columnWidths(t, n, size, w)

	// rowSlices lays out one table row as one slice per line. The spans and lines of its cells
	// are needed only while it runs, so their storage is reused from row to row.
	sps := make([][]span, n)
	lines := make([][]line, n)
	rowSlices := func(cells []render.Cell, base style) []*slice {
		nl := 1
		for i := 0; i < n; i++ {
			sps[i] = sps[i][:0]
			if i < len(cells) {
				sps[i] = appendSpans(sps[i], cells[i].Runs, base, black)
			}
			lines[i] = l.ts.breakLines(sps[i], size, widths[i]-2*cellPadX)
			nl = max(nl, len(lines[i]))
		}
		out := make([]*slice, nl)
		block := make([]slice, nl)
		for k := range out {
			s := &block[k]
			s.h = lh
			if l.pf == nil {
				s.texts = make([]textOp, 0, n)
			}
			x := x0
			for i := 0; i < n; i++ {
				if k < len(lines[i]) && l.pf == nil {
					l.putLine(s, lines[i][k], sps[i], size, lh, x+cellPadX, widths[i]-2*cellPadX, cols[i].Align)
				}
				x += widths[i]
			}
			out[k] = s
		}
		out[0].h += cellPadY
		out[0].shift(cellPadY)
		out[nl-1].h += cellPadY
		return out
	}

	tu := &tableUnit{x0: x0, widths: widths}
	if len(t.Header) > 0 {
		tu.header = rowSlices(t.Header, bold)
		fill := tint(l.accent, 0.85)
		for _, s := range tu.header {
			s.rules = append([]ruleOp{{x1: x0, x2: x0 + w, y: s.h / 2, thick: s.h + 0.02, color: fill}}, s.rules...)
		}
		last := tu.header[len(tu.header)-1]
		last.rules = append(last.rules, ruleOp{x1: x0, x2: x0 + w, y: last.h - 0.15, thick: 0.3, color: l.accent})
	}
	if len(t.Rows) > 0 {
		// The continuation mark of a row split across pages, set like a cell of the first column.
		mark := continued(l.d.Meta.Language)
		ml := l.ts.breakLines([]span{{text: mark, color: grey}}, size, widths[0]-2*cellPadX)
		tu.more = stack(l.lineSlices(ml, []span{{text: mark, color: grey}}, size, lh, x0+cellPadX, widths[0]-2*cellPadX, render.AlignLeft))
	}
	for i, r := range t.Rows {
		ss := rowSlices(r, regular)
		last := ss[len(ss)-1]
		if i < len(t.Rows)-1 || t.Total == nil {
			last.rules = append(last.rules, ruleOp{x1: x0, x2: x0 + w, y: last.h - 0.05, thick: 0.1, color: ruleGrey})
		}
		tu.rows = append(tu.rows, ss)
	}
	if t.Total != nil {
		ss := rowSlices(t.Total, bold)
		ss[0].rules = append(ss[0].rules, ruleOp{x1: x0, x2: x0 + w, y: 0.15, thick: 0.3, color: black})
		tu.rows = append(tu.rows, ss)
	}
	return tu, nil
}

// columnWidths divides w among the columns with render.ColumnWidths, measuring cells with the
// font's real metrics at size.
func (l *layout) columnWidths(t *render.Table, n int, size, w float64) []float64 {
	var sp []span
	return render.ColumnWidths(t, n, w, cellPadX, func(c render.Cell, isBold bool) (pref, least float64) {
		base := regular
		if isBold {
			base = bold
		}
		sp = appendSpans(sp[:0], c.Runs, base, black)
		pref = l.ts.widestLine(sp, size)
		for _, s := range sp {
			for word := range strings.FieldsSeq(s.text) {
				least = max(least, l.ts.measure(word, s.style, size))
			}
		}
		return pref, least
	})
}

// tint mixes c with white; f is the share of white.
func tint(c render.Color, f float64) render.Color {
	mix := func(v uint8) uint8 { return uint8(math.Round(float64(v)*(1-f) + 255*f)) }
	return render.Color{R: mix(c.R), G: mix(c.G), B: mix(c.B)}
}

// signature lays out the closing: greeting, optional image, name in bold and title.
func (l *layout) signature(b *render.Signature, x0, w float64) (*slice, error) {
	var parts []*slice
	if g := norm(b.Greeting); g != "" {
		parts = append(parts, l.text([]span{{text: g, color: black}}, l.size, bodyLeading, x0, w, render.AlignLeft)...)
	}
	if b.Image != nil {
		s, err := l.image(b.Image, x0, w, signatureMaxH)
		if err != nil {
			if err := l.fail(Problem{Place: PlaceSignatureImage, Message: imageProblem}, fmt.Errorf("signature image: %w", err)); err != nil {
				return nil, err
			}
			s = &slice{}
		}
		parts = append(parts, &slice{h: 1}, s)
	} else if len(parts) > 0 {
		parts = append(parts, &slice{h: l.em(l.size) * 0.3})
	}
	if n := norm(b.Name); n != "" {
		parts = append(parts, l.text([]span{{text: n, style: bold, color: black}}, l.size, bodyLeading, x0, w, render.AlignLeft)...)
	}
	if t := norm(b.Title); t != "" {
		parts = append(parts, l.text([]span{{text: t, color: black}}, l.size, bodyLeading, x0, w, render.AlignLeft)...)
	}
	if len(parts) == 0 {
		return &slice{}, nil
	}
	s := stack(parts)
	if s.h > l.capacity() {
		err := l.fail(Problem{Place: PlaceSignature, Message: fmt.Sprintf("the signature (greeting, name and title) takes %.0f mm, and a page holds %.0f mm: shorten it", s.h, l.capacity())},
			fmt.Errorf("signature is %.0f mm tall; a page holds %.0f mm: shorten it", s.h, l.capacity()))
		if err != nil {
			return nil, err
		}
		return &slice{}, nil
	}
	return s, nil
}
