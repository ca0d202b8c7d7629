package docx

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"image/png"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/postbud/postbud/render"
)

// Relationship ids of the parts every package has; images and hyperlinks count on from firstRel.
const (
	relStyles    = "rId1"
	relNumbering = "rId2"
	relSettings  = "rId3"
	relHeader    = "rId4"
	relFooter    = "rId5"
	relFontTable = "rId6"
	// relHeaderFirst is the header of page 1, which has none of the running head.
	relHeaderFirst = "rId7"
	firstRel       = 8
)

const (
	relTypeImage     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
	relTypeHyperlink = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
)

// rel is a relationship of word/document.xml beyond the fixed ones.
type rel struct {
	id, typ, target string
	url             string // of a hyperlink, as the document has it
	external        bool
}

// media is one image part with its pixel size.
type media struct {
	rid, name string
	data      []byte
	px, py    int
}

// num is one w:num instance: a list, numbered from start at level lvl.
type num struct {
	ordered    bool
	start, lvl int
}

// writer builds word/document.xml and collects what the other parts need (relationships, media,
// list instances). It is used for one Render call only.
type writer struct {
	d *render.Document
	l layout

	body      buf
	pooled    *[]byte // where body's buffer came from and goes back to
	rels      []rel
	links     map[string]string // URL -> relationship id, once there are many
	media     []*media
	mediaOf   map[*render.Image]*media
	nums      []num
	docPr     int  // last drawing id handed out
	lastTable bool // the last thing written to body was a table: Word needs a paragraph between
	block     int  // index of the top-level body block being written, for error messages
	blockKind string
	// pendingBreak: a page break comes before the next paragraph (w:pageBreakBefore), so that
	// no empty line is left at the top of the new page.
	pendingBreak bool
	// leadsIn: the top-level block being written is followed by a list or the signature, which
	// a paragraph keeps with (w:keepNext), as render/pdf keeps it.
	leadsIn bool
	// tableSize and tableLine are the half-point size and exact line height of table text.
	tableSize, tableLine int
	// carry is space (twips) the block being written adds before itself, taken from the space
	// after the block before it; nextCarry is what the block being written hands on.
	carry, nextCarry int
	// embedded holds the styles of the letter's family embedded in the package (nil: not
	// embedded); fontTable.xml lists them.
	embedded [nStyles]*embeddedFace
}

func newWriter(d *render.Document, l layout) *writer {
	w := &writer{d: d, l: l, pooled: bodies.Get().(*[]byte)}
	b := (*w.pooled)[:0]
	if n := estimate(d); cap(b) < n {
		b = make([]byte, 0, n)
	}
	w.body.b = b
	return w
}

// release hands the document.xml buffer back for the next letter; w must not be used after.
func (w *writer) release() {
	if cap(w.body.b) <= maxPooledBody {
		*w.pooled = w.body.b[:0]
		bodies.Put(w.pooled)
	}
	w.body.b, w.pooled = nil, nil
}

// bodies reuses the buffers document.xml is written into, so that a letter does not allocate
// (and clear) tens of kilobytes; one that grew past maxPooledBody for an unusually long letter
// is left to the garbage collector.
var bodies = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledBody = 1 << 20

// estimate guesses the size of document.xml so that the buffer is allocated once.
func estimate(d *render.Document) int {
	n := 8192
	var walk func([]render.Block)
	walk = func(bs []render.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *render.Paragraph:
				if b != nil {
					n += 160 + 150*len(b.Runs)
					for _, r := range b.Runs {
						n += len(r.Text)
					}
				}
			case *render.List:
				if b != nil {
					for _, it := range b.Items {
						n += 200
						walk(it)
					}
				}
			case *render.Table:
				if b != nil {
					cols := len(b.Columns) + len(b.Header)
					n += (len(b.Rows) + 2) * (120 + cols*260)
				}
			default:
				n += 1200
			}
		}
	}
	walk(d.Body)
	return n
}

func (w *writer) nextRel() string {
	if n := firstRel + len(w.rels); n < len(relIDs) {
		return relIDs[n]
	}
	return "rId" + strconv.Itoa(firstRel+len(w.rels))
}

// relIDs are the first relationship ids, written out.
var relIDs = func() (ids [64]string) {
	for i := range ids {
		ids[i] = "rId" + strconv.Itoa(i)
	}
	return ids
}()

func (w *writer) fail(what string, err error) error {
	if w.blockKind == "" {
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("body block %d (%s): %s: %w", w.block+1, w.blockKind, what, err)
}

const documentStart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>`

// document writes word/document.xml into w.body.
func (w *writer) document() error {
	b := &w.body
	b.raw(documentStart)
	if err := w.firstPage(); err != nil {
		return err
	}
	// Word and LibreOffice do not agree on whether a paragraph's space after and the next one's
	// space before add up (LibreOffice takes the larger); render/pdf adds them. Where a heading
	// or the signature, which have space before, follows a block with space after, the block is
	// written without it and the heading or signature carries it (w.carry).
	para := twipsPt(w.l.size * paraGapEm)
	if w.d.Subject != "" {
		p := pPr{style: "Heading1"}
		if len(w.d.Body) > 0 {
			switch w.d.Body[0].(type) {
			case *render.Heading, *render.Signature:
				p.spacing, p.before, p.after = true, -1, 0
				w.carry = twipsPt(w.l.size * subjectGapEm)
			}
		}
		w.pOpen(p)
		w.runText(w.d.Subject, rPr{})
		b.raw(`</w:p>`)
	}
	for i, blk := range w.d.Body {
		w.block = i
		w.leadsIn = false
		after := -1
		if i+1 < len(w.d.Body) {
			switch w.d.Body[i+1].(type) {
			case *render.List, *render.Signature:
				w.leadsIn = true
			}
			switch w.d.Body[i+1].(type) {
			case *render.Heading, *render.Signature:
				switch blk.(type) {
				case *render.Paragraph, *render.List, *render.Image:
					after, w.nextCarry = 0, para
				case *render.Heading:
					after, w.nextCarry = 0, twipsPt(w.l.size*headingAfter)
				}
			}
		}
		if err := w.blockAfter(blk, after); err != nil {
			return err
		}
		w.carry, w.nextCarry = w.nextCarry, 0
	}
	w.blockKind = ""
	if w.lastTable || len(b.b) == len(documentStart) {
		w.pOpen(pPr{})
		b.raw(`</w:p>`)
	}
	w.sectPr()
	b.raw(`</w:body></w:document>`)
	return nil
}

// sectPr writes the section properties: the page size and margins, the running head from page
// 2 on (w:titlePg gives page 1 the empty first header) and the footer. The bottom margin holds
// the footer zone and render/pdf's clearance between the body text and the footer rule.
func (w *writer) sectPr() {
	b := &w.body
	p := w.l.page
	b.raw(`<w:sectPr><w:headerReference w:type="default" r:id="` + relHeader + `"/><w:headerReference w:type="first" r:id="` + relHeaderFirst + `"/><w:footerReference w:type="default" r:id="` + relFooter + `"/><w:footerReference w:type="first" r:id="` + relFooter + `"/><w:pgSz w:w="`)
	b.int(twips(p.Width))
	b.raw(`" w:h="`)
	b.int(twips(p.Height))
	if p.Width > p.Height {
		b.raw(`" w:orient="landscape`)
	}
	footer := w.d.Footer != "" || w.d.PageLabel != ""
	bottom, footerAt := p.Bottom, min(p.Bottom/2, 10)
	if footer {
		// Word and LibreOffice put the footer's last line at the footer distance from the page's
		// bottom edge: that is where the PDF's one line of footer ends, below its rule at
		// footerRuleAt under the body area.
		bottom = p.Bottom + footerClear - footerRuleAt
		content := footerTextTop - footerRuleAt + footerSizePt*1.2*ptMM + 1*ptMM // padding, line, 1 pt paragraph
		footerAt = max(p.Bottom-footerRuleAt-content, 0)
	}
	b.raw(`"/><w:pgMar w:top="`)
	b.int(twips(p.Top))
	b.raw(`" w:right="`)
	b.int(twips(p.Right))
	b.raw(`" w:bottom="`)
	b.int(twips(bottom))
	b.raw(`" w:left="`)
	b.int(twips(p.Left))
	b.raw(`" w:header="`)
	b.int(twips(max(p.Top-headTop, 0)))
	b.raw(`" w:footer="`)
	b.int(twips(footerAt))
	b.raw(`" w:gutter="0"/><w:cols w:space="708"/><w:titlePg/><w:docGrid w:linePitch="360"/></w:sectPr>`)
}

// pPr holds the paragraph properties the writer uses; zero values are left out.
type pPr struct {
	style              string
	keepNext, keepLine bool
	pageBreakBefore    bool
	numID, ilvl        int  // numID 0: not a list item
	spacing            bool // write before and after (a negative value leaves the style's)
	before, after      int  // spacing in twips
	line               int  // exact line height in twips; 0 leaves the style's
	autoLine           bool // single line spacing, for a line that holds a picture
	indLeft, indRight  int
	hanging            int
	border             string // "bottom": a thin grey rule under the paragraph
	jc                 string
	size               int // half-points for the paragraph mark
}

func (w *writer) pOpen(p pPr) {
	w.lastTable = false
	if w.pendingBreak {
		p.pageBreakBefore, w.pendingBreak = true, false
	}
	writePPr(&w.body, p)
}

// writePPr opens a w:p with its properties, in the order the schema requires.
func writePPr(b *buf, p pPr) {
	if p == (pPr{}) {
		b.raw(`<w:p>`)
		return
	}
	b.raw(`<w:p><w:pPr>`)
	if p.style != "" {
		b.raw(`<w:pStyle w:val="`)
		b.raw(p.style)
		b.raw(`"/>`)
	}
	if p.keepNext {
		b.raw(`<w:keepNext/>`)
	}
	if p.keepLine {
		b.raw(`<w:keepLines/>`)
	}
	if p.pageBreakBefore {
		b.raw(`<w:pageBreakBefore/>`)
	}
	if p.numID > 0 {
		b.raw(`<w:numPr><w:ilvl w:val="`)
		b.int(p.ilvl)
		b.raw(`"/><w:numId w:val="`)
		b.int(p.numID)
		b.raw(`"/></w:numPr>`)
	}
	if p.border == "bottom" {
		b.raw(`<w:pBdr><w:bottom w:val="single" w:sz="2" w:space="0" w:color="` + greyText + `"/></w:pBdr>`)
	}
	if p.spacing || p.line > 0 || p.autoLine {
		b.raw(`<w:spacing`)
		if p.spacing && p.before >= 0 {
			b.raw(` w:before="`)
			b.int(p.before)
			b.raw(`"`)
		}
		if p.spacing && p.after >= 0 {
			b.raw(` w:after="`)
			b.int(p.after)
			b.raw(`"`)
		}
		if p.line > 0 {
			b.raw(` w:line="`)
			b.int(p.line)
			b.raw(`" w:lineRule="exact"`)
		} else if p.autoLine {
			b.raw(` w:line="240" w:lineRule="auto"`)
		}
		b.raw(`/>`)
	}
	if p.indLeft > 0 || p.indRight > 0 || p.hanging > 0 {
		b.raw(`<w:ind`)
		if p.indLeft > 0 {
			b.raw(` w:left="`)
			b.int(p.indLeft)
			b.raw(`"`)
		}
		if p.indRight > 0 {
			b.raw(` w:right="`)
			b.int(p.indRight)
			b.raw(`"`)
		}
		if p.hanging > 0 {
			b.raw(` w:hanging="`)
			b.int(p.hanging)
			b.raw(`"`)
		}
		b.raw(`/>`)
	}
	if p.jc != "" {
		b.raw(`<w:jc w:val="`)
		b.raw(p.jc)
		b.raw(`"/>`)
	}
	if p.size > 0 {
		b.raw(`<w:rPr><w:sz w:val="`)
		b.int(p.size)
		b.raw(`"/><w:szCs w:val="`)
		b.int(p.size)
		b.raw(`"/></w:rPr>`)
	}
	b.raw(`</w:pPr>`)
}

// rPr holds the run properties the writer uses; zero values are left out.
type rPr struct {
	style        string
	bold, italic bool
	color        string
	size         int // half-points
}

func writeRPr(b *buf, r rPr) {
	if r == (rPr{}) {
		return
	}
	b.raw(`<w:rPr>`)
	if r.style != "" {
		b.raw(`<w:rStyle w:val="`)
		b.raw(r.style)
		b.raw(`"/>`)
	}
	if r.bold {
		b.raw(`<w:b/><w:bCs/>`)
	}
	if r.italic {
		b.raw(`<w:i/><w:iCs/>`)
	}
	if r.color != "" {
		b.raw(`<w:color w:val="`)
		b.raw(r.color)
		b.raw(`"/>`)
	}
	if r.size > 0 {
		b.raw(`<w:sz w:val="`)
		b.int(r.size)
		b.raw(`"/><w:szCs w:val="`)
		b.int(r.size)
		b.raw(`"/>`)
	}
	b.raw(`</w:rPr>`)
}

// runText writes one w:r holding s, with "\n" as w:br and "\t" as w:tab. Empty text writes nothing.
func (w *writer) runText(s string, r rPr) { writeRun(&w.body, s, r) }

func writeRun(b *buf, s string, r rPr) {
	if s == "" {
		return
	}
	b.raw(`<w:r>`)
	writeRPr(b, r)
	// The next line feed, tab and carriage return at or after pos (len(s): none), each searched
	// for again only once passed, so that a run with many breaks is still scanned in linear time.
	nl, tab, cr := nextByte(s, 0, '\n'), nextByte(s, 0, '\t'), nextByte(s, 0, '\r')
	for pos := 0; pos < len(s); {
		i := min(nl, tab, cr)
		if seg := s[pos:i]; seg != "" {
			if seg[0] == ' ' || seg[len(seg)-1] == ' ' {
				b.raw(`<w:t xml:space="preserve">`)
			} else {
				b.raw(`<w:t>`)
			}
			b.text(seg)
			b.raw(`</w:t>`)
		}
		if i == len(s) {
			break
		}
		switch s[i] {
		case '\n':
			b.raw(`<w:br/>`)
			nl = nextByte(s, i+1, '\n')
		case '\t':
			b.raw(`<w:tab/>`)
			tab = nextByte(s, i+1, '\t')
		default: // '\r'
			cr = nextByte(s, i+1, '\r')
		}
		pos = i + 1
	}
	b.raw(`</w:r>`)
}

// nextByte returns the index of the first c in s at or after from, or len(s) if there is none.
func nextByte(s string, from int, c byte) int {
	if j := strings.IndexByte(s[from:], c); j >= 0 {
		return from + j
	}
	return len(s)
}

// runs writes inline runs; base is added to each run's own style. Runs with a link become
// w:hyperlink elements pointing at an external relationship.
func (w *writer) runs(rs []render.Run, base rPr) {
	for _, r := range rs {
		p := base
		p.bold = p.bold || r.Bold
		p.italic = p.italic || r.Italic
		if r.Link == "" || r.Text == "" {
			w.runText(r.Text, p)
			continue
		}
		p.style = "Hyperlink"
		w.body.raw(`<w:hyperlink r:id="`)
		w.body.raw(w.link(r.Link))
		w.body.raw(`" w:history="1">`)
		w.runText(r.Text, p)
		w.body.raw(`</w:hyperlink>`)
	}
}

// link returns the relationship id of an external hyperlink, adding it the first time.
func (w *writer) link(url string) string {
	if w.links != nil {
		if id, ok := w.links[url]; ok {
			return id
		}
	} else {
		for _, r := range w.rels { // few: a map only once there are many
			if r.external && r.url == url {
				return r.id
			}
		}
	}
	id := w.nextRel()
	w.rels = append(w.rels, rel{id: id, typ: relTypeHyperlink, target: uriEscape(url), url: url, external: true})
	if w.links == nil && len(w.rels) > 16 {
		w.links = make(map[string]string, 2*len(w.rels))
		for _, r := range w.rels {
			if r.external {
				w.links[r.url] = r.id
			}
		}
	}
	if w.links != nil {
		w.links[url] = id
	}
	return id
}

// uriEscape percent-encodes the bytes a URI may not contain (spaces, controls, non-ASCII, and
// "<>\"{}|\\^`") so that Word accepts the relationship target; everything else is kept as it is.
func uriEscape(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if needsEscape(s[i]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if needsEscape(c) {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func needsEscape(c byte) bool {
	return c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0
}

func (w *writer) blockXML(blk render.Block) error {
	return w.blockAfter(blk, -1)
}

// blockAfter writes one block; after, when not negative, is the space after it in twips (the
// list item and list gaps), in place of the style's.
func (w *writer) blockAfter(blk render.Block, after int) error {
	b := &w.body
	switch blk := blk.(type) {
	case *render.Heading:
		if blk == nil {
			return nil
		}
		// The subject is Heading1; the body's headings are Heading2 (levels 1 and 2) and Heading3.
		lvl := min(max(blk.Level, 1), 3)
		p := pPr{style: headingStyles[max(lvl, 2)-1]}
		r := rPr{}
		if lvl == 1 { // set larger, as render/pdf sets a level 1 heading
			hs := w.l.size * headingScale[0]
			p.line = lineTwips(hs, headingLeading)
			r.size = halfPoints(hs)
		}
		if w.carry > 0 || after >= 0 {
			p.spacing, p.before, p.after = true, twipsPt(w.l.size*headingBefore)+w.carry, after
		}
		w.pOpen(p)
		w.runs(blk.Runs, r)
		b.raw(`</w:p>`)
	case *render.Paragraph:
		if blk == nil {
			return nil
		}
		p := pPr{keepNext: w.leadsIn}
		if after >= 0 {
			p.spacing, p.before, p.after = true, -1, after
		}
		w.pOpen(p)
		w.runs(blk.Runs, rPr{})
		b.raw(`</w:p>`)
	case *render.List:
		if blk == nil {
			return nil
		}
		w.blockKind = "list"
		if after < 0 {
			after = twipsPt(w.l.size * paraGapEm)
		}
		return w.list(blk, 0, after)
	case *render.Table:
		if blk == nil {
			return nil
		}
		w.table(blk)
	case *render.Image:
		if blk == nil {
			return nil
		}
		w.blockKind = "image"
		p := pPr{autoLine: true, size: 2}
		if after >= 0 {
			p.spacing, p.before, p.after = true, -1, after
		}
		w.pOpen(p)
		if err := w.image(blk, w.l.textWidth, 0); err != nil {
			return w.fail("image", err)
		}
		b.raw(`</w:p>`)
	case *render.PageBreak:
		w.pendingBreak = true
	case *render.Signature:
		if blk == nil {
			return nil
		}
		w.blockKind = "signature"
		// As render/pdf sets it, on one page: a paragraph gap, the greeting, a gap of 0.3 em (or
		// the signature image), the name in bold and the title. The greeting keeps with the name,
		// so it never stands alone at the foot of a page.
		gap := twipsPt(w.l.size*paraGapEm) + w.carry
		hasName := blk.Name != "" || blk.Title != ""
		if blk.Greeting != "" {
			after := twipsPt(w.l.size * 0.3)
			if blk.Image != nil {
				after = twips(1)
			}
			w.pOpen(pPr{keepNext: hasName || blk.Image != nil, keepLine: true, spacing: true, before: gap, after: after})
			w.runText(blk.Greeting, rPr{})
			b.raw(`</w:p>`)
			gap = 0
		}
		if blk.Image != nil {
			w.pOpen(pPr{keepNext: hasName, spacing: true, before: gap, after: 0, autoLine: true, size: 2})
			if err := w.image(blk.Image, min(w.l.textWidth, 70), signatureMaxH); err != nil {
				return w.fail("signature image", err)
			}
			b.raw(`</w:p>`)
			gap = 0
		}
		if blk.Name != "" {
			w.pOpen(pPr{keepNext: blk.Title != "", keepLine: true, spacing: true, before: gap, after: 0})
			w.runText(blk.Name, rPr{bold: true})
			b.raw(`</w:p>`)
			gap = 0
		}
		if blk.Title != "" {
			w.pOpen(pPr{keepLine: true, spacing: true, before: gap, after: 0})
			w.runText(blk.Title, rPr{})
			b.raw(`</w:p>`)
		}
	}
	w.blockKind = ""
	return nil
}

// twipsPt converts points to twips.
func twipsPt(pt float64) int { return int(math.Round(pt * 20)) }

var headingStyles = [...]string{"Heading1", "Heading2", "Heading3"}

// Lists indent listIndentMM per level, as render/pdf does; numbering.xml uses the same steps.
var listIndent = twips(listIndentMM)

// maxListLevel is the deepest level WordprocessingML numbering has (levels 0-8).
const maxListLevel = 8

// list writes a list at depth; tail is the space after its last paragraph in twips. Between
// items there is itemGapEm, between the blocks of an item the paragraph gap, as in render/pdf.
func (w *writer) list(l *render.List, depth, tail int) error {
	depth = min(depth, maxListLevel)
	start := l.Start
	if start <= 0 {
		start = 1
	}
	w.nums = append(w.nums, num{ordered: l.Ordered, start: start, lvl: depth})
	id := len(w.nums)
	para := twipsPt(w.l.size * paraGapEm)
	item := twipsPt(w.l.size * itemGapEm)
	for k, it := range l.Items {
		numbered := false
		end := item
		if k == len(l.Items)-1 {
			end = tail
		}
		last := len(it) - 1
		for last >= 0 && it[last] == nil {
			last--
		}
		for j, blk := range it {
			after := para
			if j == last {
				after = end
			}
			switch blk := blk.(type) {
			case *render.Paragraph:
				if blk == nil {
					continue
				}
				p := pPr{style: "ListParagraph", spacing: true, before: -1, after: after}
				if numbered {
					p.indLeft = listIndent * (depth + 1)
				} else {
					p.numID, p.ilvl = id, depth
					numbered = true
				}
				w.pOpen(p)
				w.runs(blk.Runs, rPr{})
				w.body.raw(`</w:p>`)
			case *render.List:
				if blk == nil {
					continue
				}
				sub := 0 // a nested list has no gap after it, unless it ends the item
				if j == last {
					sub = end
				}
				if err := w.list(blk, depth+1, sub); err != nil {
					return err
				}
				numbered = true // a nested list first: the item has no text of its own
			default:
				if !numbered {
					w.pOpen(pPr{style: "ListParagraph", numID: id, ilvl: depth, spacing: true, before: -1, after: 0})
					w.body.raw(`</w:p>`)
					numbered = true
				}
				if err := w.blockAfter(blk, after); err != nil {
					return err
				}
				w.blockKind = "list"
			}
		}
		if !numbered {
			w.pOpen(pPr{style: "ListParagraph", numID: id, ilvl: depth, spacing: true, before: -1, after: end})
			w.body.raw(`</w:p>`)
		}
	}
	return nil
}

// image writes a w:r with an inline picture no wider than maxW mm (and no taller than maxH mm
// when maxH > 0), sized as render/pdf sizes it.
func (w *writer) image(im *render.Image, maxW, maxH float64) error {
	m, err := w.mediaFor(im)
	if err != nil {
		return err
	}
	wmm, hmm := imageSize(im, m, maxW, maxH)
	w.drawing(m, emu(wmm), emu(hmm), im.Alt)
	return nil
}

func (w *writer) mediaFor(im *render.Image) (*media, error) {
	if m, ok := w.mediaOf[im]; ok {
		return m, nil
	}
	format := im.Format()
	if format == "" {
		return nil, fmt.Errorf("image of %d bytes is neither PNG nor JPEG; convert it to PNG", len(im.Data))
	}
	decodeConfig := png.DecodeConfig // only the header is read: no format sniffing, no bufio
	if format == "jpeg" {
		decodeConfig = jpeg.DecodeConfig
	}
	cfg, err := decodeConfig(bytes.NewReader(im.Data))
	if err != nil {
		return nil, fmt.Errorf("read %s header: %w", format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%s image has no pixels (%dx%d)", format, cfg.Width, cfg.Height)
	}
	m := &media{rid: w.nextRel(), data: im.Data, px: cfg.Width, py: cfg.Height}
	m.name = "media/image" + strconv.Itoa(len(w.media)+1) + "." + format
	w.rels = append(w.rels, rel{id: m.rid, typ: relTypeImage, target: m.name})
	w.media = append(w.media, m)
	if w.mediaOf == nil {
		w.mediaOf = make(map[*render.Image]*media)
	}
	w.mediaOf[im] = m
	return m, nil
}

func (w *writer) drawing(m *media, cx, cy int64, alt string) {
	b := &w.body
	w.docPr++
	b.raw(`<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="`)
	b.int64(cx)
	b.raw(`" cy="`)
	b.int64(cy)
	b.raw(`"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="`)
	b.int(w.docPr)
	b.raw(`" name="Picture `)
	b.int(w.docPr)
	b.raw(`" descr="`)
	b.attr(alt)
	b.raw(`"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="`)
	b.int(w.docPr)
	b.raw(`" name="`)
	b.raw(m.name[len("media/"):])
	b.raw(`" descr="`)
	b.attr(alt)
	b.raw(`"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="`)
	b.raw(m.rid)
	b.raw(`"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="`)
	b.int64(cx)
	b.raw(`" cy="`)
	b.int64(cy)
	b.raw(`"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`)
}
