package pdf

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/phpdave11/gofpdf"

	"github.com/postbud/postbud/render"
)

// Tagged PDF (PDF/UA-1): the structure tree of a letter, made from the render.Document while it
// is laid out and written through the gofpdf fork's tagging API (third_party/gofpdf/tagged.go)
// while Maroto draws it.
//
// The tree: Document > Figure (the logo) > P (the recipient's address) > Div (the details, a P
// each) > H1 (the subject) > the body: H2, H3, H4 for headings of level 1, 2, 3; P; L > LI > Lbl,
// LBody (a list item's blocks); Table > THead > TR > TH (scope Column), TBody > TR > TD, TFoot >
// TR > TD (the total row); Figure with the image's Alt; Link (with the link annotation's OBJR) in
// the element whose text it is; Div > P, Figure, P, P (the signature's greeting, image, name and
// title). Everything else is an artifact: the letterhead and the return address (Pagination),
// rules, fills and link underlines (Layout), a table header where it is repeated on a later page
// (Pagination), the footer and the page label (Pagination, Footer), images without alt text.
//
// How: the layout hooks (tagBlock, tagParts, tagEntry, tagSlices) give every text and image
// operation the tagNode whose content it is; the node tree is numbered in reading order before
// anything is drawn. Drawing a slice (tagTree.render) draws its rules as an artifact, then its
// texts and images in reading order, each in a marked-content sequence of its node, after
// opening the node's elements in gofpdf and closing those it is not in (tagTree.sync). Elements
// stay open across slices and pages; an element whose content resumes after it was closed (a
// table cell of a row drawn line by line) is resumed, not made twice. Every line of an element
// but its last ends in a space, so that the element's text has its words apart. After the last
// slice every element is closed.

// tagNode is a structure element of the letter.
type tagNode struct {
	tag    string
	alt    string // Figure and Link: the alternate description
	scope  bool   // TH: scope Column
	list   string // L: the list numbering
	parent *tagNode
	kids   []*tagNode
	tree   *tagTree
	order  int  // position in reading order (preorder), set by tagTree.number
	id     int  // the gofpdf element, once begun
	state  int8 // tagUnopened, tagOpen, tagClosed
	repeat bool // THead: drawn again on later pages, then as an artifact
	filled bool // it or an element in it has content to draw (tagTree.number makes it so for the ancestors)
}

const (
	tagUnopened int8 = iota
	tagOpen
	tagClosed
)

// tagTree is the structure of one document.
type tagTree struct {
	f    *gofpdf.Fpdf // set by the gofpdf setup hook; nil until then
	ts   *typesetter
	root *tagNode // the Document, which gofpdf makes itself

	logo, address, info, subject *tagNode
	details                      []*tagNode

	orphans  []*tagNode // nodes of nested blocks, until their list adopts them
	open     []*tagNode // the open elements, outermost first
	last     *slice     // the slice placed last: after drawing it the tree is closed
	numbered bool
	artifact int // depth of artifacts begun by beginArtifact
}

// newTagTree returns the tree of d's letter parts, or nil when d cannot be a tagged PDF: it has
// neither a title nor a subject to stand for one (a tagged PDF shows its title), or no language.
func newTagTree(d *render.Document, ts *typesetter, lang string) *tagTree {
	if lang == "" || tagTitle(d) == "" {
		return nil
	}
	t := &tagTree{ts: ts}
	t.root = &tagNode{tag: "Document", tree: t, state: tagOpen}
	if lh := d.Letterhead; lh.Logo != nil {
		t.logo = t.node("Figure", t.root)
		t.logo.alt = logoAlt(lh)
	}
	if len(d.Recipient) > 0 {
		t.address = t.node("P", t.root)
	}
	if len(d.Details) > 0 {
		t.info = t.node("Div", t.root)
		for range d.Details {
			t.details = append(t.details, t.node("P", t.info))
		}
	}
	if strings.TrimSpace(norm(d.Subject)) != "" {
		t.subject = t.node("H1", t.root)
	}
	return t
}

// tagTitle is the document's title: its own, else its subject.
func tagTitle(d *render.Document) string {
	if d.Meta.Title != "" {
		return d.Meta.Title
	}
	return strings.TrimSpace(normLine(d.Subject))
}

// logoAlt is the alternate text of the letterhead logo: its own, unless that only says "logo",
// then the sender's name and "logo".
func logoAlt(lh render.Letterhead) string {
	alt := strings.TrimSpace(normLine(lh.Logo.Alt))
	name := strings.TrimSpace(normLine(lh.Name))
	switch {
	case name != "" && (alt == "" || strings.EqualFold(alt, "logo")):
		return name + " logo"
	case alt == "":
		return "Logo"
	}
	return alt
}

// node makes a node of type tag, the last child of parent, or an orphan when parent is nil.
func (t *tagTree) node(tag string, parent *tagNode) *tagNode {
	n := &tagNode{tag: tag, parent: parent, tree: t, id: -1}
	if parent != nil {
		parent.kids = append(parent.kids, n)
	} else {
		t.orphans = append(t.orphans, n)
	}
	return n
}

// adopt makes the orphan n the last child of parent.
func (n *tagNode) adopt(parent *tagNode) {
	n.parent = parent
	parent.kids = append(parent.kids, n)
}

// top is n's outermost ancestor (n itself when it has no parent).
func (n *tagNode) top() *tagNode {
	for n.parent != nil {
		n = n.parent
	}
	return n
}

// setup is the gofpdf setup hook of a tagged document: setup, then tagging, the title when the
// document has none of its own.
func (t *tagTree) setup(d *render.Document, setup func(*gofpdf.Fpdf)) func(*gofpdf.Fpdf) {
	return func(f *gofpdf.Fpdf) {
		setup(f)
		f.SetTagged(true)
		if d.Meta.Title == "" {
			f.SetTitle(tagTitle(d), true)
		}
		t.f = f
	}
}

// tagSlices makes n the node of every text and image of ss that has none yet.
func (l *layout) tagSlices(ss []*slice, n *tagNode) {
	if l.tags == nil || n == nil {
		return
	}
	l.tags.assign(ss, 0, n, nil)
	for _, s := range ss {
		for i := range s.images {
			if s.images[i].tag == nil {
				s.images[i].tag = n
				n.filled = true
			}
		}
	}
}

// assign makes n the node of the texts of ss without one (from the text from of ss[0] on, and
// only those pick takes when it is set): a text with a link gets a Link child of n. Every line
// but the last (a line: the texts of one slice at one height) ends with a space.
func (t *tagTree) assign(ss []*slice, from int, n *tagNode, pick func(*textOp) bool) {
	var (
		lastS   *slice
		lastI   = -1
		lastY   float64
		link    *tagNode
		linkURL string
	)
	for k, s := range ss {
		start := 0
		if k == 0 {
			start = from
		}
		for i, end := start, len(s.texts); i < end; i++ {
			if op := &s.texts[i]; op.tag != nil || pick != nil && !pick(op) {
				continue
			}
			if lastI >= 0 && (s != lastS || s.texts[i].y != lastY) {
				t.endLine(lastS, lastI)
				if link != nil {
					link.alt += " "
				}
			}
			op := &s.texts[i] // endLine may have grown s.texts
			node := n
			if op.link == "" {
				link = nil
			} else {
				if link == nil || linkURL != op.link {
					link, linkURL = t.node("Link", n), op.link
				}
				link.alt += op.text
				node = link
			}
			op.tag = node
			node.filled = true
			lastS, lastI, lastY = s, i, op.y
		}
	}
	for _, k := range n.kids {
		if k.tag == "Link" {
			k.alt = strings.Join(strings.Fields(k.alt), " ")
		}
	}
}

// endLine ends the line whose last text is s.texts[i] with a space: a reader of the structure
// tree joins an element's lines without one. A link's text keeps its width (the annotation is
// as wide as the text), so its space is a text of its own.
func (t *tagTree) endLine(s *slice, i int) {
	op := &s.texts[i]
	if strings.HasSuffix(op.text, " ") {
		return
	}
	if op.link == "" {
		op.text += " "
		return
	}
	sp := *op
	sp.x += t.ts.measure(op.text, op.style, op.size)
	sp.text, sp.link = " ", ""
	s.texts = append(s.texts, sp)
}

// tagParts gives the logo of the letter parts its Figure; the parts' other texts got their
// nodes from tagEntry, and what has none (the letterhead, the return address) is an artifact.
func (l *layout) tagParts(parts *slice) {
	if l.tags == nil || l.tags.logo == nil {
		return
	}
	for i := range parts.images {
		if parts.images[i].tag == nil {
			parts.images[i].tag = l.tags.logo
			l.tags.logo.filled = true
		}
	}
}

// tagEntry gives the texts of out from the text from on the node of the letter part at: the
// recipient's address or a detail; other parts are artifacts.
func (l *layout) tagEntry(out *slice, from int, at origin) {
	t := l.tags
	if t == nil {
		return
	}
	var n *tagNode
	switch {
	case at.place == PlaceRecipient:
		n = t.address
	case at.place == PlaceDetails && at.index >= 0 && at.index < len(t.details):
		n = t.details[at.index]
	}
	if n != nil {
		t.assign([]*slice{out}, from, n, nil)
	}
}

// tagBlock gives the texts and images of the units of body block b (laid out at list level
// level) their nodes: the block's, below the Document at level 0, else an orphan that the
// enclosing list item adopts.
func (l *layout) tagBlock(b render.Block, units []unit, level int) {
	t := l.tags
	if t == nil {
		return
	}
	var parent *tagNode
	if level == 0 {
		parent = t.root
	}
	groups := func() []*slice {
		var ss []*slice
		for _, u := range units {
			ss = append(ss, u.group...)
		}
		return ss
	}
	switch b := b.(type) {
	case *render.Heading:
		l.tagSlices(groups(), t.node("H"+strconv.Itoa(clamp(b.Level, 1, 3)+1), parent))
	case *render.Paragraph:
		l.tagSlices(groups(), t.node("P", parent))
	case *render.Image:
		if alt := strings.TrimSpace(normLine(b.Alt)); alt != "" {
			n := t.node("Figure", parent)
			n.alt = alt
			l.tagSlices(groups(), n)
		}
	case *render.List:
		t.tagList(b, units, parent)
	case *render.Table:
		for _, u := range units {
			if u.table != nil {
				t.tagTable(b, u.table, parent)
			}
		}
	case *render.Signature:
		t.tagSignature(b, groups(), parent)
	}
}

// tagList makes the list's L: an LI for each item, whose Lbl is the marker (the one text of the
// item's first slice without a node) and whose LBody adopts the nodes of the item's blocks.
func (t *tagTree) tagList(b *render.List, units []unit, parent *tagNode) {
	list := t.node("L", parent)
	list.list = "Disc"
	if b.Ordered {
		list.list = "Decimal"
	}
	var body *tagNode
	visit := func(s *slice) {
		for i := range s.texts {
			if s.texts[i].tag == nil { // the marker: a new item
				item := t.node("LI", list)
				lbl := t.node("Lbl", item)
				lbl.filled = true
				s.texts[i].tag = lbl
				body = t.node("LBody", item)
			}
		}
		if body == nil {
			return
		}
		adopt := func(n *tagNode) {
			if n == nil {
				return
			}
			if top := n.top(); top != list && top != t.root && top.parent == nil {
				top.adopt(body)
			}
		}
		for i := range s.texts {
			adopt(s.texts[i].tag)
		}
		for i := range s.images {
			adopt(s.images[i].tag)
		}
	}
	for _, u := range units {
		for _, s := range u.group {
			visit(s)
		}
		if u.table != nil {
			for _, s := range u.table.header {
				visit(s)
			}
			for _, r := range u.table.rows {
				for _, s := range r {
					visit(s)
				}
			}
		}
	}
}

// tagTable makes the table's Table: THead with the header row of TH (scope Column), TBody with
// a TR of TD for each row, TFoot with the total row. A text belongs to the cell of the column
// it starts in.
func (t *tagTree) tagTable(b *render.Table, tu *tableUnit, parent *tagNode) {
	n := len(tu.widths)
	if n == 0 {
		return
	}
	table := t.node("Table", parent)
	bounds := make([]float64, n)
	x := tu.x0
	for i, w := range tu.widths {
		bounds[i] = x
		x += w
	}
	column := func(op *textOp) int {
		c := 0
		for c+1 < n && op.x >= bounds[c+1]-1e-6 {
			c++
		}
		return c
	}
	row := func(group *tagNode, ss []*slice, cell string) {
		tr := t.node("TR", group)
		for c := 0; c < n; c++ {
			td := t.node(cell, tr)
			td.scope = cell == "TH"
			t.assign(ss, 0, td, func(op *textOp) bool { return column(op) == c })
		}
	}
	if len(tu.header) > 0 {
		head := t.node("THead", table)
		head.repeat = true
		row(head, tu.header, "TH")
	}
	rows := tu.rows
	var total []*slice
	if b.Total != nil && len(rows) > 0 {
		rows, total = rows[:len(rows)-1], rows[len(rows)-1]
	}
	if len(rows) > 0 {
		body := t.node("TBody", table)
		for _, r := range rows {
			row(body, r, "TD")
		}
	}
	if total != nil {
		row(t.node("TFoot", table), total, "TD")
	}
}

// tagSignature makes the signature's Div: a P for the greeting, the name and the title, and a
// Figure for the image when it has alt text or the signature a name (else it is an artifact).
// The texts of the stacked signature are in that order; each part is as many characters other
// than spaces long as its text.
func (t *tagTree) tagSignature(b *render.Signature, ss []*slice, parent *tagNode) {
	div := t.node("Div", parent)
	type part struct {
		n     *tagNode
		chars int
	}
	var parts []part
	addPart := func(s string) {
		if c := visibleChars(s); c > 0 {
			parts = append(parts, part{t.node("P", div), c})
		}
	}
	addPart(norm(b.Greeting))
	var fig *tagNode
	if b.Image != nil {
		alt := strings.TrimSpace(normLine(b.Image.Alt))
		if alt == "" {
			alt = strings.TrimSpace(normLine(b.Name))
		}
		if alt != "" {
			fig = t.node("Figure", div)
			fig.alt = alt
		}
	}
	addPart(norm(b.Name))
	addPart(norm(b.Title))
	for _, pt := range parts {
		used := 0
		t.assign(ss, 0, pt.n, func(op *textOp) bool {
			if used >= pt.chars {
				return false
			}
			used += visibleChars(op.text)
			return true
		})
	}
	if fig != nil {
		for _, s := range ss {
			for i := range s.images {
				if s.images[i].tag == nil {
					s.images[i].tag = fig
					fig.filled = true
				}
			}
		}
	}
}

// visibleChars counts the characters of s that line breaking keeps: all but spaces and line
// breaks.
func visibleChars(s string) int {
	n := 0
	for _, r := range s {
		if r != ' ' && r != '\n' {
			n++
		}
	}
	return n
}

// tagSlice records the slice placed as a row: it is drawn tagged, and the last one closes the
// tree.
func (l *layout) tagSlice(s *slice) {
	if l.tags != nil {
		s.tree = l.tags
		l.tags.last = s
	}
}

// number orders the tree in reading order (preorder); orphans no list adopted (none should be)
// join the Document at the end.
func (t *tagTree) number() {
	for _, o := range t.orphans {
		if o.parent == nil {
			o.adopt(t.root)
		}
	}
	t.orphans = nil
	n := 0
	var walk func(*tagNode)
	walk = func(x *tagNode) {
		x.order = n
		n++
		for _, k := range x.kids {
			walk(k)
			x.filled = x.filled || k.filled
		}
	}
	walk(t.root)
	t.numbered = true
}

// drawItem is a text or an image of a slice, in the order tagTree.render draws them.
type drawItem struct {
	n   *tagNode // nil: an artifact
	txt *textOp
	img *imageOp
	i   int
}

// render draws the slice s of a tagged document into cell: its rules as a Layout artifact, then
// its texts and images in reading order, each in a marked-content sequence of its node (or as an
// artifact when it has none). After the last slice it closes every element.
func (t *tagTree) render(s *slice, p core.Provider, cell *entity.Cell) {
	if !t.numbered {
		t.number()
	}
	f := t.f
	sc := scratchPool.Get().(*drawScratch)
	if len(s.rules) > 0 {
		t.beginArtifact("Layout")
		for i := range s.rules {
			r := &s.rules[i]
			sc.drawRule(p, cell.X+r.x1, cell.Y+r.y, r.x2-r.x1, r.thick, r.color)
		}
		t.endArtifact()
	}
	items := make([]drawItem, 0, len(s.texts)+len(s.images))
	for i := range s.images {
		items = append(items, drawItem{n: t.content(s.images[i].tag), img: &s.images[i], i: i})
	}
	for i := range s.texts {
		items = append(items, drawItem{n: t.content(s.texts[i].tag), txt: &s.texts[i], i: len(s.images) + i})
	}
	key := func(it drawItem) int { // inline elements (Link) keep their place in their parent's text
		n := it.n
		if n == nil {
			return -1
		}
		for n.tag == "Link" && n.parent != nil {
			n = n.parent
		}
		return n.order
	}
	slices.SortStableFunc(items, func(a, b drawItem) int { return cmp.Compare(key(a), key(b)) })
	inArtifact := false
	var marked *tagNode // the node whose marked-content sequence is open
	for _, it := range items {
		if it.n != marked && marked != nil {
			f.EndMarkedContent()
			marked = nil
		}
		if it.n == nil {
			if !inArtifact {
				t.beginArtifact("Pagination")
				inArtifact = true
			}
		} else {
			if inArtifact {
				t.endArtifact()
				inArtifact = false
			}
			if t.artifact == 0 && marked == nil {
				t.sync(it.n)
				f.BeginMarkedContent()
				marked = it.n
			}
		}
		if it.img != nil {
			im := it.img
			p.AddImageFromBytes(im.data, &entity.Cell{X: cell.X + im.x, Y: cell.Y + im.y, Width: im.w, Height: im.h},
				&props.Rect{Percent: 100}, im.ext)
		} else {
			sc.drawText(p, cell.X+it.txt.x, cell.Y+it.txt.y, it.txt)
		}
	}
	if marked != nil {
		f.EndMarkedContent()
	}
	if inArtifact {
		t.endArtifact()
	}
	scratchPool.Put(sc)
	if s == t.last {
		t.finish()
	}
}

// content is the node whose content a text or image of node n is: n, or nil (an artifact) when
// n is nil or in a table header that has been drawn and closed already (its repetition on a
// later page).
func (t *tagTree) content(n *tagNode) *tagNode {
	for x := n; x != nil; x = x.parent {
		if x.repeat && x.state == tagClosed {
			return nil
		}
	}
	return n
}

// beginArtifact begins an artifact of kind, unless one is open (artifacts need not nest).
func (t *tagTree) beginArtifact(kind string) {
	if t.artifact == 0 {
		t.f.BeginArtifact(kind)
	}
	t.artifact++
}

func (t *tagTree) endArtifact() {
	t.artifact--
	if t.artifact == 0 {
		t.f.EndArtifact()
	}
}

// sync makes n the innermost open element: it closes the open elements n is not in, then opens
// (begins, or resumes when it was closed) n and its ancestors, beginning and ending first the
// elements before them that have no content of their own yet.
func (t *tagTree) sync(n *tagNode) {
	for len(t.open) > 0 && !t.open[len(t.open)-1].contains(n) {
		t.close(false)
	}
	var path []*tagNode
	for x := n; x != nil && x != t.root && x.state != tagOpen; x = x.parent {
		path = append(path, x)
	}
	for i := len(path) - 1; i >= 0; i-- {
		x := path[i]
		for _, sib := range x.parent.kids {
			if sib == x {
				break
			}
			if sib.state == tagUnopened && !sib.filled {
				t.empty(sib)
			}
		}
		if x.state == tagUnopened {
			t.begin(x)
		} else {
			t.f.ResumeStructElem(x.id)
		}
		x.state = tagOpen
		t.open = append(t.open, x)
	}
}

// contains reports whether n is x or inside it.
func (x *tagNode) contains(n *tagNode) bool {
	for ; n != nil; n = n.parent {
		if n == x {
			return true
		}
	}
	return false
}

// begin begins n's element in gofpdf.
func (t *tagTree) begin(n *tagNode) {
	var opts []gofpdf.StructOption
	if n.alt != "" {
		opts = append(opts, gofpdf.StructAlt(n.alt))
	}
	if n.scope {
		opts = append(opts, gofpdf.StructScope("Column"))
	}
	if n.list != "" {
		opts = append(opts, gofpdf.StructListNumbering(n.list))
	}
	t.f.BeginStructElem(n.tag, opts...)
	n.id = t.f.StructElemID()
}

// empty begins and ends n, which has no content (yet), and its children.
func (t *tagTree) empty(n *tagNode) {
	t.begin(n)
	for _, k := range n.kids {
		if k.state == tagUnopened {
			t.empty(k)
		}
	}
	t.f.EndStructElem()
	n.state = tagClosed
}

// close ends the innermost open element, after the children it has not begun that have no
// content (with final: all of them); a child with content to come is begun when it comes, after
// the element is resumed.
func (t *tagTree) close(final bool) {
	x := t.open[len(t.open)-1]
	for _, k := range x.kids {
		if k.state == tagUnopened && (final || !k.filled) {
			t.empty(k)
		}
	}
	t.f.EndStructElem()
	x.state = tagClosed
	t.open = t.open[:len(t.open)-1]
}

// finish closes every open element and writes those never begun: nothing of the tree is left
// open when gofpdf closes the document.
func (t *tagTree) finish() {
	for len(t.open) > 0 {
		t.close(true)
	}
	for _, k := range t.root.kids {
		if k.state == tagUnopened {
			t.empty(k)
		}
	}
}

// tagFooter begins (begin) or ends the Footer artifact the footer of a page is drawn in.
func (l *layout) tagFooter(begin bool) {
	t := l.tags
	if t == nil || t.f == nil {
		return
	}
	if begin {
		t.artifact++
		if t.artifact == 1 {
			t.f.BeginArtifact("Footer")
		}
		return
	}
	t.endArtifact()
}
