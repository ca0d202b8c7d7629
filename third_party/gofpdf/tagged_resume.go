package gofpdf

// Resuming a structure element (postbud's addition to tagged.go, CHANGES.md 23): a layout engine
// that draws the cells of a table row line by line (the first line of every cell, then the
// second line of every cell, ...) must give a cell content after it has ended it and begun the
// next cell. BeginStructElem would make a new element; ResumeStructElem opens the same one
// again, so that the cell's content stays one element and reads in order.

// StructElemID returns an identifier of the innermost open structure element (one that
// BeginStructElem has just begun), for ResumeStructElem; -1 when none is open or the document
// is not tagged.
func (f *Fpdf) StructElemID() int {
	t := &f.tag
	if !t.on || len(t.open) < 2 {
		return -1
	}
	return t.open[len(t.open)-1].elem
}

// ResumeStructElem opens again the structure element id (from StructElemID), which has been
// ended: it becomes the innermost open element, what BeginMarkedContent marks is appended to its
// content, and EndStructElem ends it again. Its parent must be the innermost open element and no
// marked-content sequence or artifact may be open. Does nothing unless the document is tagged.
func (f *Fpdf) ResumeStructElem(id int) {
	t := &f.tag
	if !t.on || f.err != nil {
		return
	}
	fail := func(format string, args ...interface{}) {
		f.SetErrorf("ResumeStructElem(%d) %s: "+format, append([]interface{}{id, f.where()}, args...)...)
	}
	switch {
	case id < 1 || id >= len(t.elems):
		fail("no such structure element")
		return
	case t.elems[id].parent != t.open[len(t.open)-1].elem: // also when it is open
		fail("%s is no child of the innermost open element %s", t.elems[id].tag, t.elems[t.open[len(t.open)-1].elem].tag)
		return
	case len(t.mc) > 0:
		fail("a marked-content sequence or artifact is open: end it first")
		return
	}
	t.open = append(t.open, openElem{elem: id})
}
