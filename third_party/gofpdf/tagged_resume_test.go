package gofpdf

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestResumeStructElem draws a table row line by line (the first line of both cells, then the
// second line of the first cell): the first cell, resumed, stays one element whose content is
// both its lines; misuse is an error naming the call.
func TestResumeStructElem(t *testing.T) {
	base := func() *Fpdf {
		f := New("P", "mm", "A4", "")
		f.SetTitle("Title", true)
		f.SetLang("da")
		f.SetTagged(true)
		f.AddUTF8Font("dejavu", "", "font/DejaVuSansCondensed.ttf")
		f.AddPage()
		f.SetFont("dejavu", "", 12)
		return f
	}
	f := base()
	f.BeginStructElem("Table")
	f.BeginStructElem("TR")
	f.BeginStructElem("TD")
	first := f.StructElemID()
	f.BeginMarkedContent()
	f.Text(20, 20, "first line ")
	f.EndMarkedContent()
	f.EndStructElem()
	f.BeginStructElem("TD")
	f.BeginMarkedContent()
	f.Text(100, 20, "other cell")
	f.EndMarkedContent()
	f.EndStructElem()
	f.ResumeStructElem(first)
	f.BeginMarkedContent()
	f.Text(20, 26, "second line")
	f.EndMarkedContent()
	f.EndStructElem()
	f.EndStructElem()
	f.EndStructElem()
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if n := bytes.Count(b, []byte("/S /TD ")); n != 2 {
		t.Errorf("%d TD elements, want 2", n)
	}
	if !bytes.Contains(b, []byte("/S /TD ")) || !regexp.MustCompile(`/S /TD [^\n]*/K \[0 2\]`).Match(b) {
		t.Errorf("the resumed TD does not hold MCIDs 0 and 2:\n%s", b[bytes.Index(b, []byte("/Type /StructTreeRoot")):])
	}
	if id := base().StructElemID(); id != -1 {
		t.Errorf("StructElemID with no element open = %d, want -1", id)
	}

	for _, tc := range []struct {
		name string
		edit func(f *Fpdf)
		want string
	}{
		{"unknown element", func(f *Fpdf) { f.ResumeStructElem(7) }, "ResumeStructElem(7) on page 1: no such structure element"},
		{"not a child", func(f *Fpdf) {
			f.BeginStructElem("P")
			id := f.StructElemID()
			f.EndStructElem()
			f.BeginStructElem("Div")
			f.ResumeStructElem(id)
		}, "P is no child of the innermost open element Div"},
		{"in content", func(f *Fpdf) {
			f.BeginStructElem("P")
			id := f.StructElemID()
			f.EndStructElem()
			f.BeginArtifact("Layout")
			f.ResumeStructElem(id)
		}, "a marked-content sequence or artifact is open"},
		{"open already", func(f *Fpdf) {
			f.BeginStructElem("P")
			f.ResumeStructElem(f.StructElemID())
		}, "is no child of the innermost open element P"},
	} {
		f := base()
		tc.edit(f)
		if err := f.Error(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
