package gofpdf

// Tagged PDF (ISO 32000-1 14.7, 14.8) for PDF/UA-1 (ISO 14289-1): postbud's addition to gofpdf
// (CHANGES.md 23). The document builds its structure tree while it is drawn: BeginStructElem and
// EndStructElem open and close structure elements, BeginMarkedContent and EndMarkedContent wrap
// what is drawn on the current page in a marked-content sequence with an MCID that belongs to the
// innermost open element, and BeginArtifact and EndArtifact wrap what is no part of the content
// (running heads and footers, page numbers, rules). At output the tree, its parent tree and the
// catalog entries of a tagged document are written by the functions here, called from small
// hooks in fpdf.go (AddPageFormat, Close, newLink, write, MultiCell, putpages, putcatalog,
// putheader, enddoc). With tagging off (the default) every call here does nothing and output is
// exactly as before.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// tagState is the structure of a tagged document as it is built.
type tagState struct {
	on    bool
	elems []structElem // elems[0] is the Document, the root's only child
	open  []openElem   // the open elements, innermost last; open[0] is the Document
	mc    []mcSeq      // the open marked-content sequences, innermost last
	mcids [][]int      // per page (1-based), the element each MCID of the page belongs to
	links [][]int      // per page, the Link element of each of the page's link annotations; -1: none
	roles map[string]string

	// Written by putpages for the structure tree.
	pageObj   []int   // object number of each page (1-based)
	annotObj  [][]int // object number of each link annotation, by page and index
	annotKey  [][]int // the annotation's /StructParent
	nextKey   int     // /ParentTreeNextKey
	structObj int     // object number of the StructTreeRoot, once written
}

// structElem is one structure element.
type structElem struct {
	tag    string
	parent int // index in elems; -1 for the Document
	alt    string
	actual string
	lang   string
	title  string
	table  string // entries of the Table attribute object (/O /Table), e.g. " /Scope /Column"
	list   string // entries of the List attribute object
	kids   []structKid
}

// structKid is a child of a structure element: another element, a marked-content sequence on a
// page or a link annotation.
type structKid struct {
	kind byte // kidElem, kidMCID or kidOBJR
	n    int  // the element's index, the MCID, or the annotation's index on its page
	page int
}

const (
	kidElem byte = iota
	kidMCID
	kidOBJR
)

// openElem is an open structure element; resume is set when opening it ended a marked-content
// sequence of its parent, which EndStructElem then continues in a new sequence.
type openElem struct {
	elem   int
	resume bool
}

// mcSeq is an open marked-content sequence: an artifact (props is its property list) or content
// of element elem (props ""). resume is set on an artifact whose beginning ended a sequence of
// element elem, which EndArtifact then continues.
type mcSeq struct {
	props  string
	elem   int
	page   int
	resume bool
}

// standardStructTypes are the standard structure types of ISO 32000-1 14.8.4; other types
// need a role (MapStructRole).
var standardStructTypes = map[string]bool{
	"Document": true, "Part": true, "Art": true, "Sect": true, "Div": true, "BlockQuote": true,
	"Caption": true, "TOC": true, "TOCI": true, "Index": true, "NonStruct": true, "Private": true,
	"H": true, "H1": true, "H2": true, "H3": true, "H4": true, "H5": true, "H6": true,
	"P": true, "L": true, "LI": true, "Lbl": true, "LBody": true,
	"Table": true, "TR": true, "TH": true, "TD": true, "THead": true, "TBody": true, "TFoot": true,
	"Span": true, "Quote": true, "Note": true, "Reference": true, "BibEntry": true, "Code": true,
	"Link": true, "Annot": true, "Ruby": true, "RB": true, "RT": true, "RP": true,
	"Warichu": true, "WT": true, "WP": true, "Figure": true, "Formula": true, "Form": true,
}

// artifactProps are the property lists of the artifact kinds BeginArtifact takes.
var artifactProps = map[string]string{
	"Pagination": "<</Type /Pagination>>",
	"Header":     "<</Type /Pagination /Subtype /Header>>",
	"Footer":     "<</Type /Pagination /Subtype /Footer>>",
	"Watermark":  "<</Type /Pagination /Subtype /Watermark>>",
	"Layout":     "<</Type /Layout>>",
	"Page":       "<</Type /Page>>",
}

// SetTagged makes the document a tagged PDF that claims PDF/UA-1 (on true), or an untagged one
// (false, the default; it drops whatever structure was built). A tagged document gets: a
// structure tree (StructTreeRoot with a Document element, the elements begun with
// BeginStructElem, a parent tree and a RoleMap for MapStructRole), /MarkInfo <</Marked true>>,
// /ViewerPreferences <</DisplayDocTitle true>> and the /Lang of SetLang in the catalog, /Tabs /S
// and /StructParents on its pages, its link annotations as objects of their own with
// /StructParent, /Contents and an OBJR in a Link element, XMP metadata with pdfuaid:part 1 (and,
// with SetPDFA, conformance level A; unless SetXmpMetadata gave metadata, which must then say
// so itself), PDF version 1.7 at least (1.4 in PDF/A-1) and dates with their time zone. Whatever the header and footer functions (SetHeaderFunc, SetFooterFunc)
// draw is an artifact (Pagination, Header or Footer).
//
// The caller draws every piece of real content inside BeginMarkedContent and EndMarkedContent
// and everything else inside BeginArtifact and EndArtifact; gofpdf cannot tell content from
// decoration. Output fails (Error) when the document has no title (SetTitle, shown by viewers
// as DisplayDocTitle asks) or no language (SetLang), uses a core font (not embedded), or when
// elements or sequences are still open.
func (f *Fpdf) SetTagged(on bool) {
	if !on {
		f.tag = tagState{}
		return
	}
	if f.tag.on {
		return
	}
	f.tag = tagState{
		on:    true,
		elems: []structElem{{tag: "Document", parent: -1}},
		open:  []openElem{{elem: 0}},
	}
}

// Tagged reports whether the document is tagged (SetTagged).
func (f *Fpdf) Tagged() bool { return f.tag.on }

// MapStructRole lets BeginStructElem take tag, a structure type of the caller's, as the
// standard structure type standard (an entry of the structure tree's /RoleMap). tag must be a
// name of letters and digits that is no standard type.
func (f *Fpdf) MapStructRole(tag, standard string) {
	if !f.tag.on {
		return
	}
	switch {
	case !plainName(tag):
		f.SetErrorf("MapStructRole(%q, %q): a structure type is a name of ASCII letters and digits", tag, standard)
	case standardStructTypes[tag]:
		f.SetErrorf("MapStructRole(%q, %q): %s is a standard structure type and cannot be mapped", tag, standard, tag)
	case !standardStructTypes[standard]:
		f.SetErrorf("MapStructRole(%q, %q): %s is not a standard structure type (ISO 32000-1 14.8.4)", tag, standard, standard)
	default:
		if f.tag.roles == nil {
			f.tag.roles = make(map[string]string)
		}
		f.tag.roles[tag] = standard
	}
}

func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// role returns the standard structure type of a tag.
func (t *tagState) role(tag string) string {
	if r, ok := t.roles[tag]; ok {
		return r
	}
	return tag
}

// StructOption sets a property of a structure element begun with BeginStructElem.
type StructOption func(e *structElem) error

// StructAlt sets the element's alternate description (/Alt), the text a screen reader says
// instead of the element's content: required for a Figure or Formula; on a Link it is also the
// link annotation's /Contents.
func StructAlt(text string) StructOption {
	return func(e *structElem) error { e.alt = text; return nil }
}

// StructActualText sets the text the element's content stands for (/ActualText), e.g. for a
// glyph drawn as a picture.
func StructActualText(text string) StructOption {
	return func(e *structElem) error { e.actual = text; return nil }
}

// StructLang sets the language of the element's content (/Lang) as a BCP 47 tag, where it
// differs from the document's (SetLang).
func StructLang(tag string) StructOption {
	return func(e *structElem) error { e.lang = tag; return nil }
}

// StructTitle sets the element's title (/T).
func StructTitle(title string) StructOption {
	return func(e *structElem) error { e.title = title; return nil }
}

// StructScope sets the scope of a table header cell (TH): "Column", "Row" or "Both" (the
// Table attribute /Scope), which PDF/UA requires of every TH.
func StructScope(scope string) StructOption {
	return func(e *structElem) error {
		switch scope {
		case "Column", "Row", "Both":
			e.table += " /Scope /" + scope
			return nil
		}
		return fmt.Errorf("scope %q: use Column, Row or Both", scope)
	}
}

// StructSpan sets how many rows and columns a table cell (TH or TD) spans (the Table attributes
// /RowSpan and /ColSpan); 1 is the default and writes nothing.
func StructSpan(rows, cols int) StructOption {
	return func(e *structElem) error {
		if rows < 1 || cols < 1 {
			return fmt.Errorf("span of %d rows and %d columns: both must be at least 1", rows, cols)
		}
		if rows > 1 {
			e.table += " /RowSpan " + strconv.Itoa(rows)
		}
		if cols > 1 {
			e.table += " /ColSpan " + strconv.Itoa(cols)
		}
		return nil
	}
}

// StructListNumbering sets how a list's (L) items are labelled (the List attribute
// /ListNumbering): None, Disc, Circle, Square, Decimal, UpperRoman, LowerRoman, UpperAlpha or
// LowerAlpha.
func StructListNumbering(numbering string) StructOption {
	return func(e *structElem) error {
		switch numbering {
		case "None", "Disc", "Circle", "Square", "Decimal", "UpperRoman", "LowerRoman", "UpperAlpha", "LowerAlpha":
			e.list = " /ListNumbering /" + numbering
			return nil
		}
		return fmt.Errorf("list numbering %q is none of None, Disc, Circle, Square, Decimal, UpperRoman, LowerRoman, UpperAlpha, LowerAlpha", numbering)
	}
}

// where names the current page for error messages.
func (f *Fpdf) where() string {
	if f.page == 0 {
		return "before the first page"
	}
	return "on page " + strconv.Itoa(f.page)
}

// BeginStructElem opens a structure element of type tag (a standard structure type such as P,
// H1, L, LI, Lbl, LBody, Table, THead, TBody, TR, TH, TD, Figure, Link, Span, or a type mapped
// with MapStructRole) as the next child of the innermost open element (at first the Document,
// which SetTagged makes). Elements are children in the order they are begun and their content
// in the order it is drawn, which is the reading order. An element may span pages: its content
// on each page is a marked-content sequence of that page. If a marked-content sequence of the
// parent is open, it is ended here and EndStructElem continues it in a new sequence, so that a
// Link or Span can sit inside the text of a paragraph. A Figure or Formula needs StructAlt, a TH
// StructScope. Does nothing unless the document is tagged.
func (f *Fpdf) BeginStructElem(tag string, opts ...StructOption) {
	t := &f.tag
	if !t.on || f.err != nil {
		return
	}
	fail := func(format string, args ...interface{}) {
		f.SetErrorf("BeginStructElem(%q) %s: "+format, append([]interface{}{tag, f.where()}, args...)...)
	}
	std := t.role(tag)
	switch {
	case tag == "Document":
		fail("the Document element is the root SetTagged makes; begin its children")
		return
	case !standardStructTypes[std]:
		fail("not a standard structure type (ISO 32000-1 14.8.4): map it with MapStructRole")
		return
	case len(t.mc) > 0 && t.mc[len(t.mc)-1].props != "":
		fail("inside an artifact: end it first (EndArtifact)")
		return
	}
	e := structElem{tag: tag, parent: t.open[len(t.open)-1].elem}
	for _, o := range opts {
		if err := o(&e); err != nil {
			fail("%v", err)
			return
		}
	}
	switch {
	case (std == "Figure" || std == "Formula") && e.alt == "":
		fail("a %s needs alternate text (StructAlt) for PDF/UA", std)
		return
	case std == "TH" && !strings.Contains(e.table, "/Scope"):
		fail("a table header cell needs a scope (StructScope) for PDF/UA")
		return
	}
	resume := false
	if len(t.mc) > 0 {
		f.endSeq()
		resume = true
	}
	i := len(t.elems)
	t.elems = append(t.elems, e)
	p := &t.elems[e.parent]
	p.kids = append(p.kids, structKid{kind: kidElem, n: i})
	t.open = append(t.open, openElem{elem: i, resume: resume})
}

// EndStructElem closes the innermost open structure element, ending its marked-content sequence
// if one is open; if beginning it ended a sequence of its parent, the parent's content continues
// in a new sequence. Does nothing unless the document is tagged.
func (f *Fpdf) EndStructElem() {
	t := &f.tag
	if !t.on || f.err != nil {
		return
	}
	if len(t.open) < 2 {
		f.SetErrorf("EndStructElem %s: no structure element is open", f.where())
		return
	}
	o := t.open[len(t.open)-1]
	if len(t.mc) > 0 {
		if s := t.mc[len(t.mc)-1]; s.props != "" {
			f.SetErrorf("EndStructElem %s: %s is still inside an artifact: end it first (EndArtifact)", f.where(), t.elems[o.elem].tag)
			return
		}
		f.EndMarkedContent()
		if f.err != nil {
			return
		}
	}
	t.open = t.open[:len(t.open)-1]
	if o.resume {
		f.BeginMarkedContent()
	}
}

// BeginMarkedContent begins a marked-content sequence on the current page (/Tag <</MCID n>> BDC,
// n numbered from 0 on each page) that belongs to the innermost open structure element: what is
// drawn until EndMarkedContent (Text, Cell, CellFormat, MultiCell, Write, Image, lines) is that
// element's content. A page break (AddPage, or an automatic one in Cell, MultiCell or Write)
// ends the sequence before the footer and continues it, with a new MCID, after the header of
// the new page, so the element gets content on both pages. Does nothing unless the document is
// tagged.
func (f *Fpdf) BeginMarkedContent() {
	t := &f.tag
	if !t.on || f.err != nil {
		return
	}
	switch {
	case f.page == 0 || f.state != 2:
		f.SetErrorf("BeginMarkedContent %s: no page to draw on (AddPage first)", f.where())
		return
	case len(t.open) < 2:
		f.SetErrorf("BeginMarkedContent %s: no structure element is open (BeginStructElem first)", f.where())
		return
	case len(t.mc) > 0 && t.mc[len(t.mc)-1].props != "":
		f.SetErrorf("BeginMarkedContent %s: inside an artifact (%s), which is no content", f.where(), t.mc[len(t.mc)-1].props)
		return
	case len(t.mc) > 0:
		f.SetErrorf("BeginMarkedContent %s: the content of %s is already being marked (EndMarkedContent first)", f.where(), t.elems[t.mc[len(t.mc)-1].elem].tag)
		return
	}
	f.beginSeq(t.open[len(t.open)-1].elem)
}

// beginSeq begins a marked-content sequence of element i on the current page.
func (f *Fpdf) beginSeq(i int) {
	t := &f.tag
	for len(t.mcids) <= f.page {
		t.mcids = append(t.mcids, nil)
	}
	mcid := len(t.mcids[f.page])
	t.mcids[f.page] = append(t.mcids[f.page], i)
	e := &t.elems[i]
	e.kids = append(e.kids, structKid{kind: kidMCID, n: mcid, page: f.page})
	f.out("/" + e.tag + " <</MCID " + strconv.Itoa(mcid) + ">> BDC")
	t.mc = append(t.mc, mcSeq{elem: i, page: f.page})
}

// endSeq ends the innermost marked-content sequence.
func (f *Fpdf) endSeq() {
	t := &f.tag
	s := t.mc[len(t.mc)-1]
	t.mc = t.mc[:len(t.mc)-1]
	if s.page < len(f.pages) {
		f.pages[s.page].WriteString("EMC\n")
	}
}

// EndMarkedContent ends the marked-content sequence BeginMarkedContent began. Does nothing
// unless the document is tagged.
func (f *Fpdf) EndMarkedContent() {
	t := &f.tag
	if !t.on || f.err != nil {
		return
	}
	if len(t.mc) == 0 || t.mc[len(t.mc)-1].props != "" {
		f.SetErrorf("EndMarkedContent %s: no marked-content sequence is open", f.where())
		return
	}
	if s := t.mc[len(t.mc)-1]; s.page != f.page {
		f.SetErrorf("EndMarkedContent %s: the sequence of %s was begun on page %d (SetPage in between)", f.where(), t.elems[s.elem].tag, s.page)
		return
	}
	f.endSeq()
}

// BeginArtifact begins an artifact on the current page: content that is no part of the
// document's text, which assistive technology skips and which is in no structure element
// (/Artifact <<...>> BDC). kind is one of Pagination (running heads, page numbers), Header,
// Footer and Watermark (kinds of Pagination), Layout (rules, boxes, decoration) and Page
// (printer's marks). If a marked-content sequence of an element is open, it is ended here and
// EndArtifact continues it in a new sequence. Artifacts may nest. Does nothing unless the
// document is tagged.
func (f *Fpdf) BeginArtifact(kind string) {
	t := &f.tag
	if !t.on || f.err != nil {
		return
	}
	props, ok := artifactProps[kind]
	switch {
	case !ok:
		f.SetErrorf("BeginArtifact(%q) %s: kind is none of Pagination, Header, Footer, Watermark, Layout, Page", kind, f.where())
		return
	case f.page == 0 || f.state != 2:
		f.SetErrorf("BeginArtifact(%q) %s: no page to draw on (AddPage first)", kind, f.where())
		return
	}
	s := mcSeq{props: props, page: f.page}
	if len(t.mc) > 0 && t.mc[len(t.mc)-1].props == "" {
		s.elem, s.resume = t.mc[len(t.mc)-1].elem, true
		f.endSeq()
	}
	f.out("/Artifact " + props + " BDC")
	t.mc = append(t.mc, s)
}

// EndArtifact ends the innermost artifact begun with BeginArtifact; a marked-content sequence
// that BeginArtifact ended continues in a new sequence. Does nothing unless the document is
// tagged.
func (f *Fpdf) EndArtifact() {
	t := &f.tag
	if !t.on || f.err != nil {
		return
	}
	if len(t.mc) == 0 || t.mc[len(t.mc)-1].props == "" {
		f.SetErrorf("EndArtifact %s: no artifact is open", f.where())
		return
	}
	s := t.mc[len(t.mc)-1]
	if s.page != f.page {
		f.SetErrorf("EndArtifact %s: the artifact was begun on page %d (SetPage in between)", f.where(), s.page)
		return
	}
	f.endSeq()
	if s.resume {
		f.beginSeq(s.elem)
	}
}

// tagPageBreak ends every open marked-content sequence before a page ends (called by
// AddPageFormat before the footer) and returns them for tagResume.
func (f *Fpdf) tagPageBreak() []mcSeq {
	t := &f.tag
	if !t.on || len(t.mc) == 0 || f.page == 0 {
		return nil
	}
	open := append([]mcSeq(nil), t.mc...)
	for len(t.mc) > 0 {
		f.endSeq()
	}
	return open
}

// tagResume continues, on the new page, the sequences tagPageBreak ended (called at the end of
// AddPageFormat, after the header): artifacts as they were, an element's content in a new
// sequence with the page's next MCID.
func (f *Fpdf) tagResume(open []mcSeq) {
	if f.err != nil {
		return
	}
	for _, s := range open {
		if s.props == "" {
			f.beginSeq(s.elem)
			continue
		}
		f.out("/Artifact " + s.props + " BDC")
		s.page = f.page
		f.tag.mc = append(f.tag.mc, s)
	}
}

// tagBeginAuto begins the artifact the header or footer function draws into (kind Header or
// Footer) when there is such a function (has); tagEndAuto ends it.
func (f *Fpdf) tagBeginAuto(kind string, has bool) {
	if has && f.tag.on && f.err == nil && f.state == 2 {
		f.BeginArtifact(kind)
	}
}

func (f *Fpdf) tagEndAuto(has bool) {
	if has && f.tag.on && f.err == nil && f.state == 2 {
		f.EndArtifact()
	}
}

// tagClose checks, when the document is closed, that no structure element or marked-content
// sequence is left open.
func (f *Fpdf) tagClose() {
	t := &f.tag
	if !t.on || f.err != nil {
		return
	}
	if len(t.mc) > 0 {
		s := t.mc[len(t.mc)-1]
		what := "the content of " + t.elems[s.elem].tag
		if s.props != "" {
			what = "an artifact " + s.props
		}
		f.SetErrorf("tagged PDF: %s begun on page %d is not ended (EndMarkedContent or EndArtifact)", what, s.page)
		return
	}
	if len(t.open) > 1 {
		tags := make([]string, 0, len(t.open)-1)
		for _, o := range t.open[1:] {
			tags = append(tags, t.elems[o.elem].tag)
		}
		f.SetErrorf("tagged PDF: structure elements %s are not ended (EndStructElem)", strings.Join(tags, " > "))
	}
}

// tagLink records the link annotation newLink has just added to the current page: it belongs to
// the innermost open element if that is a Link, else to a new Link element made for it there
// (or, for a link drawn in an artifact such as a footer, at the end of the Document): PDF/UA
// wants every annotation in the structure tree.
func (f *Fpdf) tagLink() {
	t := &f.tag
	if !t.on || f.page == 0 {
		return
	}
	for len(t.links) <= f.page {
		t.links = append(t.links, nil)
	}
	idx := len(f.pageLinks[f.page]) - 1
	for len(t.links[f.page]) < idx {
		t.links[f.page] = append(t.links[f.page], -1)
	}
	i := t.open[len(t.open)-1].elem
	if len(t.mc) > 0 && t.mc[len(t.mc)-1].props != "" {
		i = 0
	}
	if t.role(t.elems[i].tag) != "Link" {
		t.elems = append(t.elems, structElem{tag: "Link", parent: i})
		t.elems[i].kids = append(t.elems[i].kids, structKid{kind: kidElem, n: len(t.elems) - 1})
		i = len(t.elems) - 1
	}
	t.elems[i].kids = append(t.elems[i].kids, structKid{kind: kidOBJR, n: idx, page: f.page})
	t.links[f.page] = append(t.links[f.page], i)
}

// tagLineSpace draws, in a tagged document, an invisible space (text rendering mode 3) at the
// end of the line of MultiCell that CellFormat has just drawn (with ln 2, so the position is
// below the line), where MultiCell broke the text at a space or a newline: the structure
// element's text then has a space between the line's last word and the next line's first, as
// a reader that joins the lines (poppler's pdfinfo -struct-text, a screen reader working from
// the tree) needs. Drawn, rather than kept at the end of the line's text, because in a
// justified, centred or right-aligned line a trailing space would move or stretch the line.
func (f *Fpdf) tagLineSpace(w, h float64, line, alignStr string) {
	if !f.tag.on || f.err != nil || f.currentFont.Name == "" {
		return
	}
	var x float64
	switch alignStr {
	case "R", "J":
		x = f.x + w - f.cMargin
	case "C":
		x = f.x + (w+f.GetStringWidth(line))/2
	default:
		x = f.x + f.cMargin + f.GetStringWidth(line)
	}
	baseline := f.y - h + .5*h + .3*f.fontSize // as CellFormat places the line's text
	sp := " "
	if f.isCurrentUTF8 {
		sp = f.escape(utf8toutf16(" ", false))
		f.currentFont.useRunes(" ")
	}
	f.out(sprintf("q BT 3 Tr %.2f %.2f Td (%s) Tj ET Q", x*f.k, (f.h-baseline)*f.k, sp))
}

// tagLinkElem returns the Link element of a page's link annotation, or -1.
func (t *tagState) tagLinkElem(page, idx int) int {
	if !t.on || page >= len(t.links) || idx >= len(t.links[page]) {
		return -1
	}
	return t.links[page][idx]
}

// tagHeader checks what PDF/UA needs of the document and sets the PDF version (at least 1.7,
// ISO 32000-1, outside PDF/A-1); called by putheader after the PDF/A checks.
func (f *Fpdf) tagHeader() {
	t := &f.tag
	if !t.on {
		return
	}
	if f.pdfa.part != 1 && f.pdfVersion < "1.7" {
		f.pdfVersion = "1.7"
	}
	fail := func(format string, args ...interface{}) {
		if f.err == nil {
			f.err = fmt.Errorf("tagged PDF (PDF/UA-1): "+format, args...)
		}
	}
	switch {
	case f.title == "":
		fail("the document has no title: call SetTitle (viewers show it, DisplayDocTitle)")
	case f.pdfa.lang == "":
		fail("the document has no language: call SetLang")
	}
	for _, key := range sortedFontKeys(f.fonts) {
		if f.fonts[key].Tp == "Core" {
			fail("font %s is a core font, which is not embedded: add it with AddUTF8Font", f.fonts[key].Name)
		}
	}
}

// tagPage writes a tagged page's entries (/StructParents, /Tabs /S); called by putpages.
func (f *Fpdf) tagPage(n int) {
	t := &f.tag
	if !t.on {
		return
	}
	if n < len(t.mcids) && len(t.mcids[n]) > 0 {
		f.out("/StructParents " + strconv.Itoa(n-1))
	}
	f.out("/Tabs /S")
}

// tagAnnots writes the /Annots of page n of a tagged document, whose link annotations are
// objects of their own (an OBJR refers to them), numbered after the pages' objects from first;
// it returns the next free number. Attachment annotations stay in the array (untagged).
func (f *Fpdf) tagAnnots(n, nb, first int) int {
	t := &f.tag
	for len(t.annotObj) <= n {
		t.annotObj = append(t.annotObj, nil)
		t.annotKey = append(t.annotKey, nil)
	}
	if len(f.pageLinks[n])+len(f.pageAttachments[n]) == 0 {
		return first
	}
	var annots fmtBuffer
	annots.printf("/Annots [")
	for i := range f.pageLinks[n] {
		t.annotObj[n] = append(t.annotObj[n], first)
		t.annotKey[n] = append(t.annotKey[n], -1)
		if t.tagLinkElem(n, i) >= 0 {
			t.annotKey[n][i] = nb + t.nextKey
			t.nextKey++
		}
		annots.printf("%d 0 R ", first)
		first++
	}
	f.putAttachmentAnnotationLinks(&annots, n)
	annots.printf("]")
	f.out(annots.String())
	return first
}

// tagPutAnnots writes the link annotation objects tagAnnots numbered; called by putpages after
// the pages, with the default page height.
func (f *Fpdf) tagPutAnnots(nb int, hPt float64) {
	t := &f.tag
	if !t.on {
		return
	}
	t.nextKey += nb
	for n := 1; n <= nb; n++ {
		for i, pl := range f.pageLinks[n] {
			f.newobj()
			if f.n != t.annotObj[n][i] {
				f.err = fmt.Errorf("tagged PDF: link annotation %d of page %d is object %d, not %d as numbered", i+1, n, f.n, t.annotObj[n][i])
				return
			}
			var b fmtBuffer
			extra := ""
			if e := t.tagLinkElem(n, i); e >= 0 {
				contents := t.elems[e].alt
				if contents == "" {
					if pl.link == 0 {
						contents = pl.linkStr
					} else {
						contents = "Link to page " + strconv.Itoa(f.links[pl.link].page)
					}
				}
				extra = " /StructParent " + strconv.Itoa(t.annotKey[n][i]) + " /Contents " + f.textstring(utf16String(contents))
			}
			f.linkAnnot(&b, pl, hPt, extra)
			f.out(b.String())
			f.out("endobj")
		}
	}
}

// utf16String returns s as a PDF text string: as it is when it is ASCII, else UTF-16BE with a
// byte order mark (ISO 32000-1 7.9.2.2).
func utf16String(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2, 2+2*len(u))
	b[0], b[1] = 0xFE, 0xFF
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return string(b)
}

// tagPutObjects writes the structure tree: the StructTreeRoot, the parent tree and the
// elements; called by enddoc before the information dictionary.
func (f *Fpdf) tagPutObjects() {
	t := &f.tag
	if !t.on || f.err != nil {
		return
	}
	root := f.n + 1
	ptree := f.n + 2
	first := f.n + 3 // elems[i] is object first+i
	ref := func(i int) string { return strconv.Itoa(first+i) + " 0 R" }
	pageRef := func(p int) string { return strconv.Itoa(t.pageObj[p]) + " 0 R" }

	f.newobj()
	t.structObj = f.n
	s := "<</Type /StructTreeRoot /K [" + ref(0) + "] /ParentTree " + strconv.Itoa(ptree) +
		" 0 R /ParentTreeNextKey " + strconv.Itoa(t.nextKey)
	if len(t.roles) > 0 {
		keys := make([]string, 0, len(t.roles))
		for k := range t.roles {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		s += " /RoleMap <<"
		for i, k := range keys {
			if i > 0 {
				s += " "
			}
			s += "/" + k + " /" + t.roles[k]
		}
		s += ">>"
	}
	f.out(s + ">>")
	f.out("endobj")

	// The parent tree: each page's elements by MCID, then each tagged annotation's Link.
	f.newobj()
	var b strings.Builder
	b.WriteString("<</Nums [")
	for p := 1; p < len(t.mcids) && p < len(t.pageObj); p++ {
		if len(t.mcids[p]) == 0 {
			continue
		}
		b.WriteString(strconv.Itoa(p - 1))
		b.WriteString(" [")
		for j, e := range t.mcids[p] {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(ref(e))
		}
		b.WriteString("] ")
	}
	for p := range t.annotKey {
		for i, key := range t.annotKey[p] {
			if key >= 0 {
				b.WriteString(strconv.Itoa(key) + " " + ref(t.links[p][i]) + " ")
			}
		}
	}
	b.WriteString("]>>")
	f.out(b.String())
	f.out("endobj")

	for i, e := range t.elems {
		f.newobj()
		b.Reset()
		b.WriteString("<</Type /StructElem /S /" + e.tag + " /P ")
		if e.parent < 0 {
			b.WriteString(strconv.Itoa(root) + " 0 R")
		} else {
			b.WriteString(ref(e.parent))
		}
		pg := 0
		for _, k := range e.kids {
			if k.kind == kidMCID {
				pg = k.page
				break
			}
		}
		if pg > 0 {
			b.WriteString(" /Pg " + pageRef(pg))
		}
		for _, a := range []struct{ key, val string }{{"/T", e.title}, {"/Lang", e.lang}, {"/Alt", e.alt}, {"/ActualText", e.actual}} {
			if a.val != "" {
				b.WriteString(" " + a.key + " " + f.textstring(utf16String(a.val)))
			}
		}
		var attrs []string
		if e.table != "" {
			attrs = append(attrs, "<</O /Table"+e.table+">>")
		}
		if e.list != "" {
			attrs = append(attrs, "<</O /List"+e.list+">>")
		}
		switch len(attrs) {
		case 1:
			b.WriteString(" /A " + attrs[0])
		case 2:
			b.WriteString(" /A [" + strings.Join(attrs, " ") + "]")
		}
		if len(e.kids) > 0 {
			b.WriteString(" /K [")
			for j, k := range e.kids {
				if j > 0 {
					b.WriteByte(' ')
				}
				switch k.kind {
				case kidElem:
					b.WriteString(ref(k.n))
				case kidMCID:
					if k.page == pg {
						b.WriteString(strconv.Itoa(k.n))
					} else {
						b.WriteString("<</Type /MCR /Pg " + pageRef(k.page) + " /MCID " + strconv.Itoa(k.n) + ">>")
					}
				case kidOBJR:
					b.WriteString("<</Type /OBJR /Pg " + pageRef(k.page) + " /Obj " + strconv.Itoa(t.annotObj[k.page][k.n]) + " 0 R>>")
				}
			}
			b.WriteByte(']')
		}
		b.WriteString(">>")
		f.out(b.String())
		f.out("endobj")
		if f.n != first+i {
			f.err = fmt.Errorf("tagged PDF: structure element %d is object %d, not %d as numbered", i, f.n, first+i)
			return
		}
	}
}

// tagCatalog writes the catalog entries of a tagged document; called by putcatalog.
func (f *Fpdf) tagCatalog() {
	if !f.tag.on || f.tag.structObj == 0 {
		return
	}
	f.out("/MarkInfo <</Marked true>>")
	f.out("/StructTreeRoot " + strconv.Itoa(f.tag.structObj) + " 0 R")
	f.out("/ViewerPreferences <</DisplayDocTitle true>>")
}
