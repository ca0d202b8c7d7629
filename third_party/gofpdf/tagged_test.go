package gofpdf

// Tests of tagged PDF (CHANGES.md 23): the structure tree as poppler's pdfinfo -struct-text
// reads it, the objects PDF/UA asks for, every piece of content marked, PDF/A-1 output that
// PDFBox Preflight accepts, errors for misuse, and unchanged output without tagging.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// taggedDoc builds a tagged letter: a heading, paragraphs, a list, a table with a header row, a
// figure, a link inside a paragraph, a footer with the page number, and a paragraph that runs
// over a page break. part is the PDF/A part (0: off).
func taggedDoc(t *testing.T, part int) *Fpdf {
	t.Helper()
	f := New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	tm := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(tm)
	f.SetModificationDate(tm)
	f.SetTitle("Afgørelse om boligstøtte", true)
	f.SetLang("da")
	f.SetTagged(true)
	if part != 0 {
		f.SetPDFA(part, "B")
		icc, err := os.ReadFile("testdata/sRGB.icc")
		if err != nil {
			t.Fatal(err)
		}
		f.SetOutputIntent(icc, 3, "sRGB IEC61966-2.1", "sRGB IEC61966-2.1", "http://www.color.org")
	}
	f.AddUTF8Font("dejavu", "", "font/DejaVuSansCondensed.ttf")
	f.AddUTF8Font("dejavu", "B", "font/DejaVuSansCondensed-Bold.ttf")
	f.SetFooterFunc(func() {
		f.SetFont("dejavu", "", 8)
		f.Text(20, 287, sprintf("Footer text, side %d", f.PageNo()))
	})
	f.AddPage()
	// A decoration drawn as an artifact.
	f.BeginArtifact("Layout")
	f.Line(20, 15, 190, 15)
	f.EndArtifact()

	f.SetFont("dejavu", "B", 16)
	f.BeginStructElem("H1")
	f.BeginMarkedContent()
	f.Cell(0, 10, "Afgørelse om boligstøtte")
	f.EndMarkedContent()
	f.EndStructElem()
	f.Ln(12)

	f.SetFont("dejavu", "", 11)
	f.BeginStructElem("P")
	f.BeginMarkedContent()
	f.Write(6, "Vi har behandlet din ansøgning. Læs mere på ")
	f.BeginStructElem("Link", StructAlt("Boligstøtte på borger.dk"))
	f.BeginMarkedContent()
	f.WriteLinkString(6, "borger.dk", "https://www.borger.dk/")
	f.EndMarkedContent()
	f.EndStructElem()
	f.Write(6, " eller ring til os.")
	f.EndMarkedContent()
	f.EndStructElem()
	f.Ln(10)

	f.BeginStructElem("H2")
	f.BeginMarkedContent()
	f.SetFont("dejavu", "B", 13)
	f.Cell(0, 8, "Det skal du gøre")
	f.EndMarkedContent()
	f.EndStructElem()
	f.Ln(9)

	f.SetFont("dejavu", "", 11)
	f.BeginStructElem("L", StructListNumbering("Disc"))
	for _, item := range []string{"Send lønsedler", "Svar inden fristen"} {
		f.BeginStructElem("LI")
		f.BeginStructElem("Lbl")
		f.BeginMarkedContent()
		f.Text(22, f.GetY()+4, "•")
		f.EndMarkedContent()
		f.EndStructElem()
		f.BeginStructElem("LBody")
		f.BeginMarkedContent()
		f.Text(27, f.GetY()+4, item)
		f.EndMarkedContent()
		f.EndStructElem()
		f.EndStructElem()
		f.Ln(6)
	}
	f.EndStructElem()
	f.Ln(4)

	f.BeginStructElem("Table")
	f.BeginStructElem("THead")
	f.BeginStructElem("TR")
	for _, h := range []string{"Måned", "Beløb"} {
		f.BeginStructElem("TH", StructScope("Column"))
		f.BeginMarkedContent()
		f.SetFont("dejavu", "B", 11)
		f.CellFormat(40, 7, h, "B", 0, "L", false, 0, "")
		f.EndMarkedContent()
		f.EndStructElem()
	}
	f.EndStructElem()
	f.EndStructElem()
	f.Ln(7)
	f.SetFont("dejavu", "", 11)
	f.BeginStructElem("TBody")
	for _, row := range [][2]string{{"Januar", "1.200,00 kr."}, {"Februar", "−86,40 kr."}} {
		f.BeginStructElem("TR")
		for _, c := range row {
			f.BeginStructElem("TD")
			f.BeginMarkedContent()
			f.CellFormat(40, 7, c, "", 0, "L", false, 0, "")
			f.EndMarkedContent()
			f.EndStructElem()
		}
		f.EndStructElem()
		f.Ln(7)
	}
	f.EndStructElem()
	f.EndStructElem()
	f.Ln(4)

	f.BeginStructElem("Figure", StructAlt("Aarhus Kommunes våbenskjold"))
	f.BeginMarkedContent()
	f.ImageOptions("image/logo.jpg", 20, f.GetY(), 20, 0, true, ImageOptions{ImageType: "JPG"}, 0, "")
	f.EndMarkedContent()
	f.EndStructElem()

	// A paragraph long enough to run over the page break.
	f.BeginStructElem("P")
	f.BeginMarkedContent()
	f.Write(6, longParagraph)
	f.EndMarkedContent()
	f.EndStructElem()
	f.Ln(8)
	f.BeginStructElem("P")
	f.BeginMarkedContent()
	f.MultiCell(0, 6, "Med venlig hilsen", "", "L", false)
	f.EndMarkedContent()
	f.EndStructElem()
	return f
}

// longParagraph runs from page 1 over the page break to page 2 (in taggedDoc).
var longParagraph = func() string {
	var b strings.Builder
	for i := 1; i <= 150; i++ {
		b.WriteString(sprintf("Sætning %d af det lange afsnit. ", i))
	}
	return b.String()
}()

// wantStructText is taggedDoc's tree as pdfinfo -struct-text prints it, normalised by
// structText: element types, attributes, and the text of each element's content in order.
var wantStructText = `Document
  H1
    "Afgørelse om boligstøtte"
  P
    "Vi har behandlet din ansøgning. Læs mere på "
    Link
      "borger.dk"
      Object
    " eller ring til os."
  H2
    "Det skal du gøre"
  L /ListNumbering /Disc
    LI
      Lbl
        "•"
      LBody
        "Send lønsedler"
    LI
      Lbl
        "•"
      LBody
        "Svar inden fristen"
  Table
    THead
      TR
        TH /Scope /Column
          "Måned"
        TH /Scope /Column
          "Beløb"
    TBody
      TR
        TD
          "Januar"
        TD
          "1.200,00 kr."
      TR
        TD
          "Februar"
        TD
          "−86,40 kr."
  Figure
    ""
  P
    "` + longParagraph + `"
  P
    "Med venlig hilsen"
`

var (
	reStructElem = regexp.MustCompile(`^(\s*)([A-Za-z0-9]+)(?: \((?:block|inline)\))?(:?)$`)
	reStructAttr = regexp.MustCompile(`^\s+(/.*)$`)
	reStructText = regexp.MustCompile(`^(\s*)"(.*)"$`)
	reStructObj  = regexp.MustCompile(`^(\s*)Object \d+ \d+$`)
)

// structText normalises pdfinfo -struct-text's output: without "(block)" and "(inline)", an
// element's attributes on its line, an object reference as "Object", and the text strings that
// follow each other in one element (its content on several pages or around a child) as one.
// It also returns every text string, in order.
func structText(t *testing.T, out string) (tree string, texts []string) {
	t.Helper()
	var lines []string
	lastText := -1 // index in lines of a text line that the next text line continues
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		switch {
		case reStructText.MatchString(line):
			m := reStructText.FindStringSubmatch(line)
			texts = append(texts, m[2])
			if lastText >= 0 && strings.HasPrefix(lines[lastText], m[1]+`"`) && len(lines)-1 == lastText {
				l := lines[lastText]
				lines[lastText] = l[:len(l)-1] + m[2] + `"`
				continue
			}
			lines = append(lines, m[1]+`"`+m[2]+`"`)
			lastText = len(lines) - 1
		case reStructObj.MatchString(line):
			lines = append(lines, reStructObj.FindStringSubmatch(line)[1]+"Object")
		case reStructElem.MatchString(line):
			m := reStructElem.FindStringSubmatch(line)
			lines = append(lines, m[1]+m[2])
		case reStructAttr.MatchString(line) && len(lines) > 0:
			lines[len(lines)-1] += " " + reStructAttr.FindStringSubmatch(line)[1]
		default:
			t.Fatalf("pdfinfo -struct-text: unexpected line %q in\n%s", line, out)
		}
	}
	return strings.Join(lines, "\n") + "\n", texts
}

// words splits text into words and counts them.
func words(s string) map[string]int {
	m := map[string]int{}
	for _, w := range strings.Fields(s) {
		m[w]++
	}
	return m
}

// diffLines returns the first line where want and got differ, with some context.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return sprintf("line %d:\n-want %q\n+got  %q", i+1, a, b)
		}
	}
	return ""
}

// pdfObject returns the dictionary of object n of a PDF gofpdf wrote (objects are not in
// object streams).
func pdfObject(t *testing.T, b []byte, n int) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)\n` + strconv.Itoa(n) + ` 0 obj\n(.*?)\nendobj\n`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no object %d", n)
	}
	return string(m[1])
}

// pdfText decodes a PDF literal string's content as gofpdf writes it: UTF-16BE after a byte
// order mark, else ASCII; escapes are undone.
func pdfText(s string) string {
	s = strings.NewReplacer(`\\`, `\`, `\(`, `(`, `\)`, `)`, `\r`, "\r").Replace(s)
	if !strings.HasPrefix(s, "\xFE\xFF") {
		return s
	}
	u := make([]uint16, 0, len(s)/2)
	for i := 2; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return string(utf16.Decode(u))
}

// TestTaggedStructure: the structure tree of a tagged letter (headings, paragraphs, a link in a
// paragraph, a list, a table with a header row, a figure, a paragraph over a page break, a footer)
// read back by poppler, with and without PDF/A: the elements and their text in reading order,
// every word of the body text in exactly one element and the footer in none; pdfinfo says
// Tagged: yes, qpdf --check passes; and the objects PDF/UA asks for.
func TestTaggedStructure(t *testing.T) {
	pdfinfo := "/usr/bin/pdfinfo"
	if _, err := os.Stat(pdfinfo); err != nil {
		needTool(t, "pdfinfo", "poppler-utils")
		pdfinfo, _ = exec.LookPath("pdfinfo")
	}
	pdftotext := needTool(t, "pdftotext", "poppler-utils")
	qpdf := needTool(t, "qpdf", "qpdf")
	dir := t.TempDir()
	for _, part := range []int{0, 1, 2} {
		b := output(t, taggedDoc(t, part))
		name := sprintf("part %d", part)
		path := filepath.Join(dir, sprintf("tagged-%d.pdf", part))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if again := output(t, taggedDoc(t, part)); !bytes.Equal(b, again) {
			t.Errorf("%s: two outputs differ", name)
		}
		checkOffsets(t, b)
		if out, err := exec.Command(qpdf, "--check", path).CombinedOutput(); err != nil || bytes.Contains(out, []byte("WARNING")) {
			t.Errorf("%s: qpdf --check: %v\n%s", name, err, out)
		}
		info, err := exec.Command(pdfinfo, path).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: pdfinfo: %v\n%s", name, err, info)
		}
		for _, want := range []string{"Tagged:          yes", "Pages:           2", "Title:           Afgørelse om boligstøtte"} {
			if !strings.Contains(string(info), want) {
				t.Errorf("%s: pdfinfo lacks %q:\n%s", name, want, info)
			}
		}
		out, err := exec.Command(pdfinfo, "-struct-text", path).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: pdfinfo -struct-text: %v\n%s", name, err, out)
		}
		tree, texts := structText(t, string(out))
		if tree != wantStructText {
			t.Errorf("%s: structure tree differs at %s\ngot:\n%s", name, diffLines(wantStructText, tree), tree)
		}
		// Every word on the pages is in the tree exactly as often, except the footer's, which
		// is in no element (an artifact).
		page, err := exec.Command(pdftotext, path, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("%s: pdftotext: %v", name, err)
		}
		var body []string
		footers := 0
		for _, line := range strings.Split(string(page), "\n") {
			if strings.HasPrefix(line, "Footer text, side ") {
				footers++
				continue
			}
			body = append(body, line)
		}
		if footers != 2 {
			t.Errorf("%s: %d footers on the pages, want 2", name, footers)
		}
		if strings.Contains(string(out), "Footer") || strings.Contains(string(out), "side") {
			t.Errorf("%s: the footer is in the structure tree", name)
		}
		inPages, inTree := words(strings.Join(body, " ")), words(strings.Join(texts, " "))
		for w, n := range inPages {
			if inTree[w] != n {
				t.Errorf("%s: %q %d times on the pages, %d times in the tree", name, w, n, inTree[w])
			}
		}
		for w, n := range inTree {
			if inPages[w] == 0 {
				t.Errorf("%s: %q %d times in the tree, not on the pages", name, w, n)
			}
		}
		checkTaggedObjects(t, name, b, part)
		checkMarkedContent(t, name, b)
	}
}

// checkTaggedObjects checks the objects of taggedDoc's output: catalog, pages, the link
// annotation and its Link element, the figure's alternate text, the parent tree, the split
// paragraph's content on both pages, and the XMP.
func checkTaggedObjects(t *testing.T, name string, b []byte, part int) {
	t.Helper()
	s := string(b)
	catalog := regexp.MustCompile(`(?s)<<\n/Type /Catalog\n(.*?)\n>>\nendobj`).FindStringSubmatch(s)
	if catalog == nil {
		t.Fatalf("%s: no catalog", name)
	}
	for _, want := range []string{"/Lang (da)", "/MarkInfo <</Marked true>>", "/ViewerPreferences <</DisplayDocTitle true>>", "/Metadata "} {
		if !strings.Contains(catalog[1], want) {
			t.Errorf("%s: catalog lacks %s:\n%s", name, want, catalog[1])
		}
	}
	m := regexp.MustCompile(`/StructTreeRoot (\d+) 0 R`).FindStringSubmatch(catalog[1])
	if m == nil {
		t.Fatalf("%s: catalog has no /StructTreeRoot", name)
	}
	rootN, _ := strconv.Atoi(m[1])
	root := pdfObject(t, b, rootN)
	rm := regexp.MustCompile(`^<</Type /StructTreeRoot /K \[(\d+) 0 R\] /ParentTree (\d+) 0 R /ParentTreeNextKey (\d+)>>$`).FindStringSubmatch(root)
	if rm == nil {
		t.Fatalf("%s: StructTreeRoot %q", name, root)
	}
	if doc := pdfObject(t, b, atoi(rm[1])); !strings.HasPrefix(doc, "<</Type /StructElem /S /Document /P "+m[1]+" 0 R") {
		t.Errorf("%s: root's child %q", name, doc)
	}
	// Pages: /StructParents 0 and 1, /Tabs /S; the link annotation of page 1 is an object.
	pages := regexp.MustCompile(`(?s)\n(\d+) 0 obj\n<</Type /Page\n(.*?)>>\nendobj`).FindAllStringSubmatch(s, -1)
	if len(pages) != 2 {
		t.Fatalf("%s: %d pages", name, len(pages))
	}
	for i, p := range pages {
		for _, want := range []string{sprintf("/StructParents %d\n", i), "/Tabs /S\n"} {
			if !strings.Contains(p[2], want) {
				t.Errorf("%s: page %d lacks %q:\n%s", name, i+1, want, p[2])
			}
		}
	}
	am := regexp.MustCompile(`/Annots \[(\d+) 0 R \]`).FindStringSubmatch(pages[0][2])
	if am == nil {
		t.Fatalf("%s: page 1 has no annotation object: %s", name, pages[0][2])
	}
	annot := pdfObject(t, b, atoi(am[1]))
	an := regexp.MustCompile(`/URI \(https://www\.borger\.dk/\)>> /StructParent (\d+) /Contents \((.*)\)>>$`).FindStringSubmatch(annot)
	if an == nil {
		t.Fatalf("%s: link annotation %q", name, annot)
	}
	if c := pdfText(an[2]); c != "Boligstøtte på borger.dk" {
		t.Errorf("%s: link /Contents %q", name, c)
	}
	if part != 0 && !strings.Contains(annot, "/F 4 ") {
		t.Errorf("%s: PDF/A link annotation without /F 4: %s", name, annot)
	}
	// The parent tree: each page's elements by MCID, and the annotation's Link.
	nums := pdfObject(t, b, atoi(rm[2]))
	key := an[1]
	lm := regexp.MustCompile(` ` + key + ` (\d+) 0 R `).FindStringSubmatch(nums)
	if lm == nil {
		t.Fatalf("%s: parent tree %q has no key %s", name, nums, key)
	}
	if next := atoi(rm[3]); next != atoi(key)+1 {
		t.Errorf("%s: /ParentTreeNextKey %d, want %d", name, next, atoi(key)+1)
	}
	link := pdfObject(t, b, atoi(lm[1]))
	if !strings.HasPrefix(link, "<</Type /StructElem /S /Link ") || !strings.Contains(link, "<</Type /OBJR /Pg "+pages[0][1]+" 0 R /Obj "+am[1]+" 0 R>>") {
		t.Errorf("%s: Link element %q has no OBJR of annotation %s", name, link, am[1])
	}
	pm := regexp.MustCompile(`<</Nums \[0 \[([^\]]*)\] 1 \[([^\]]*)\] `).FindStringSubmatch(nums)
	if pm == nil {
		t.Fatalf("%s: parent tree %q", name, nums)
	}
	// The long paragraph has MCIDs on both pages: the last of page 1, the first of page 2.
	p1, p2 := strings.Fields(pm[1]), strings.Fields(pm[2])
	if p1[len(p1)-3] != p2[0] {
		t.Errorf("%s: the last MCID of page 1 (%s) and the first of page 2 (%s) are not one element", name, p1[len(p1)-3], p2[0])
	}
	split := pdfObject(t, b, atoi(p2[0]))
	if !strings.Contains(split, "<</Type /MCR /Pg "+pages[1][1]+" 0 R /MCID 0>>") || !strings.Contains(split, "/Pg "+pages[0][1]+" 0 R") {
		t.Errorf("%s: the split paragraph %q has no content on both pages", name, split)
	}
	fm := regexp.MustCompile(`<</Type /StructElem /S /Figure [^\n]*/Alt \(((?:[^\\)]|\\.)*)\)`).FindStringSubmatch(s)
	if fm == nil || pdfText(fm[1]) != "Aarhus Kommunes våbenskjold" {
		t.Errorf("%s: Figure without its /Alt: %q", name, fm)
	}
	if !strings.Contains(s, "<pdfuaid:part>1</pdfuaid:part>") {
		t.Errorf("%s: XMP without pdfuaid:part 1", name)
	}
	if !strings.Contains(s, `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Afgørelse om boligstøtte</rdf:li></rdf:Alt></dc:title>`) {
		t.Errorf("%s: XMP without dc:title", name)
	}
	version := map[int]string{0: "1.7", 1: "1.4", 2: "1.7"}[part]
	if !strings.HasPrefix(s, "%PDF-"+version+"\n") {
		t.Errorf("%s: header %q, want PDF %s", name, s[:9], version)
	}
	if part != 0 {
		if !strings.Contains(s, sprintf("<pdfaid:part>%d</pdfaid:part>\n<pdfaid:conformance>A</pdfaid:conformance>", part)) {
			t.Errorf("%s: XMP does not claim PDF/A-%da", name, part)
		}
		if !strings.Contains(s, "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>") {
			t.Errorf("%s: XMP without the extension schema of pdfuaid", name)
		}
	} else if strings.Contains(s, "pdfaid:") || strings.Contains(s, "pdfaExtension") {
		t.Errorf("%s: PDF/A entries outside PDF/A", name)
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

// contentStreams returns the decompressed content stream of each page, in page order.
func contentStreams(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var streams [][]byte
	for _, m := range regexp.MustCompile(`/Contents (\d+) 0 R>>`).FindAllSubmatch(b, -1) {
		obj := regexp.MustCompile(`\n` + string(m[1]) + ` 0 obj\n<<(/Filter /FlateDecode )?/Length (\d+)>>\nstream\n`).FindSubmatchIndex(b)
		if obj == nil {
			t.Fatalf("content stream %s not found", m[1])
		}
		n := atoi(string(b[obj[4]:obj[5]]))
		data := b[obj[1] : obj[1]+n]
		if obj[2] >= 0 {
			var err error
			if data, err = sliceUncompress(data); err != nil {
				t.Fatal(err)
			}
		}
		streams = append(streams, data)
	}
	return streams
}

// contentOp is an operator of a content stream and its marked-content context.
type contentOp struct {
	op       string
	artifact bool // inside an /Artifact sequence
	mcid     int  // the MCID of the innermost MCID sequence, or -1
}

// scanContent tokenises a content stream as gofpdf writes it and returns its operators with
// their marked-content context; it fails on unbalanced BDC/EMC.
func scanContent(t *testing.T, name string, c []byte) []contentOp {
	t.Helper()
	type frame struct {
		artifact bool
		mcid     int
	}
	var stack []frame
	var operands []string
	var ops []contentOp
	reMCID := regexp.MustCompile(`^<</MCID (\d+)>>$`)
	for i := 0; i < len(c); {
		ch := c[i]
		switch {
		case ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t':
			i++
		case ch == '(':
			depth, j := 0, i
			for ; j < len(c); j++ {
				if c[j] == '\\' {
					j++
					continue
				}
				if c[j] == '(' {
					depth++
				} else if c[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			operands = append(operands, string(c[i:j+1]))
			i = j + 1
		case ch == '<' && i+1 < len(c) && c[i+1] == '<':
			j := bytes.Index(c[i:], []byte(">>"))
			operands = append(operands, string(c[i:i+j+2]))
			i += j + 2
		case ch == '<':
			j := bytes.IndexByte(c[i:], '>')
			operands = append(operands, string(c[i:i+j+1]))
			i += j + 1
		case ch == '[' || ch == ']':
			operands = append(operands, string(ch))
			i++
		default:
			j := i + 1
			for j < len(c) && !strings.ContainsRune(" \n\r\t()<>[]/", rune(c[j])) {
				j++
			}
			tok := string(c[i:j])
			i = j
			if ch == '/' || ch == '-' || ch == '.' || ch >= '0' && ch <= '9' {
				operands = append(operands, tok)
				continue
			}
			cur := frame{mcid: -1}
			if len(stack) > 0 {
				cur = stack[len(stack)-1]
			}
			switch tok {
			case "BDC":
				if len(operands) < 2 {
					t.Fatalf("%s: BDC with operands %q", name, operands)
				}
				f := frame{artifact: cur.artifact || operands[len(operands)-2] == "/Artifact", mcid: cur.mcid}
				if m := reMCID.FindStringSubmatch(operands[len(operands)-1]); m != nil {
					f.mcid = atoi(m[1])
				}
				stack = append(stack, f)
			case "EMC":
				if len(stack) == 0 {
					t.Fatalf("%s: EMC without BDC", name)
				}
				stack = stack[:len(stack)-1]
			}
			ops = append(ops, contentOp{op: tok, artifact: cur.artifact, mcid: cur.mcid})
			operands = operands[:0]
		}
	}
	if len(stack) != 0 {
		t.Fatalf("%s: %d marked-content sequences not ended", name, len(stack))
	}
	return ops
}

// paintOps are the operators that put marks on the page, which a tagged document must have in
// an MCID sequence or an artifact.
var paintOps = map[string]bool{"Tj": true, "TJ": true, "'": true, "\"": true, "Do": true, "S": true, "s": true,
	"f": true, "F": true, "f*": true, "B": true, "B*": true, "b": true, "b*": true, "sh": true}

// checkMarkedContent checks every page's content: sequences balanced, every painting operator in
// an MCID sequence or an artifact, and the MCIDs of each page numbered 0, 1, 2, … in order.
func checkMarkedContent(t *testing.T, name string, b []byte) {
	t.Helper()
	for p, c := range contentStreams(t, b) {
		next := 0
		seen := map[int]bool{}
		for _, op := range scanContent(t, sprintf("%s page %d", name, p+1), c) {
			if paintOps[op.op] && op.mcid < 0 && !op.artifact {
				t.Errorf("%s page %d: %s outside marked content and artifacts", name, p+1, op.op)
			}
			if op.op == "BDC" || op.mcid < 0 || seen[op.mcid] {
				continue
			}
			seen[op.mcid] = true
			if op.mcid != next {
				t.Errorf("%s page %d: MCID %d where %d was next", name, p+1, op.mcid, next)
			}
			next = op.mcid + 1
		}
		if next == 0 {
			t.Errorf("%s page %d: no marked content", name, p+1)
		}
	}
}

// needPreflight returns the java binary and the class path of Apache PDFBox Preflight as
// Debian installs it (the packages postbud's internal/testenv names), skipping the test when
// they are missing, or failing it when CI is set.
func needPreflight(t *testing.T) (java, classPath string) {
	t.Helper()
	const pkgs = "default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java"
	java = needTool(t, "java", pkgs)
	var paths []string
	for _, jar := range []string{"preflight", "pdfbox2", "xmpbox", "fontbox2", "commons-logging", "javax.activation", "jaxb-api"} {
		p := "/usr/share/java/" + jar + ".jar"
		if _, err := os.Stat(p); err != nil {
			msg := p + " not found; apt-get install " + pkgs
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		paths = append(paths, p)
	}
	return java, strings.Join(paths, ":")
}

// preflight runs PDFBox Preflight (a PDF/A-1b validator) on a file and returns its verdict
// and output.
func preflight(t *testing.T, path string) (valid bool, out string) {
	t.Helper()
	java, cp := needPreflight(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, "-Djava.awt.headless=true", "-Dpdfbox.fontcache="+t.TempDir(),
		"-cp", cp, "org.apache.pdfbox.preflight.Validator_A1b", path)
	b, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("Preflight %s: %v\n%s", path, err, b)
	}
	switch {
	case err == nil && bytes.Contains(b, []byte("is a valid PDF/A-1b file")):
		return true, string(b)
	case bytes.Contains(b, []byte("is not a valid PDF/A-1b file")):
		return false, string(b)
	}
	t.Fatalf("Preflight %s gave no verdict (%v):\n%s", path, err, b)
	return false, ""
}

// TestTaggedPDFA1Preflight: a tagged PDF/A-1 document (written as PDF/A-1a) passes Preflight's
// PDF/A-1b checks, which include the extension schema of the pdfuaid namespace: without it
// Preflight rejects the file.
func TestTaggedPDFA1Preflight(t *testing.T) {
	b := output(t, taggedDoc(t, 1))
	dir := t.TempDir()
	path := filepath.Join(dir, "tagged-1.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if ok, out := preflight(t, path); !ok {
		t.Errorf("Preflight rejects the tagged PDF/A-1 document:\n%s", out)
	}
	// The same file with the extension schema blanked out (same length, offsets unchanged).
	i := bytes.Index(b, []byte(`<rdf:Description rdf:about="" xmlns:pdfaExtension=`))
	j := bytes.Index(b[i:], []byte("</rdf:Description>\n"))
	if i < 0 || j < 0 {
		t.Fatal("no extension schema in the XMP")
	}
	blank := append([]byte(nil), b...)
	copy(blank[i:], bytes.Repeat([]byte(" "), j+len("</rdf:Description>\n")))
	path = filepath.Join(dir, "no-schema.pdf")
	if err := os.WriteFile(path, blank, 0o644); err != nil {
		t.Fatal(err)
	}
	if ok, out := preflight(t, path); ok || !strings.Contains(out, "http://www.aiim.org/pdfua/ns/id/") {
		t.Errorf("Preflight without the pdfuaid extension schema: valid %v\n%s", ok, out)
	}
}

// untaggedRefDoc is a document using what tagging touches (pages, header and footer functions,
// links to a URL and to a page, text by Text, Cell, MultiCell and Write, an image, automatic page
// breaks), PDF/A part 0, 1 or 2. With drive set it also calls the tagging functions, which do
// nothing in an untagged document; tagged makes it a tagged document.
func untaggedRefDoc(t *testing.T, part int, drive, tagged bool) *Fpdf {
	t.Helper()
	f := New("P", "mm", "A4", "")
	if tagged {
		f.SetTagged(true)
		f.SetLang("en")
	}
	f.SetCatalogSort(true)
	tm := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(tm)
	f.SetModificationDate(tm)
	f.SetTitle("Reference", true)
	f.AddUTF8Font("dejavu", "", "font/DejaVuSansCondensed.ttf")
	if part != 0 {
		f.SetLang("da")
		f.SetPDFA(part, "B")
		f.SetOutputIntent(testProfile(), 3, "sRGB IEC61966-2.1", "sRGB", "")
	}
	begin := func(tag string, opts ...StructOption) {
		if drive {
			f.BeginStructElem(tag, opts...)
			f.BeginMarkedContent()
		}
	}
	end := func() {
		if drive {
			f.EndMarkedContent()
			f.EndStructElem()
		}
	}
	if drive {
		f.MapStructRole("Subject", "H1")
	}
	f.SetHeaderFunc(func() {
		f.SetFont("dejavu", "", 8)
		f.Text(20, 10, "Header")
	})
	f.SetFooterFunc(func() {
		if drive {
			f.BeginArtifact("Footer")
		}
		f.SetFont("dejavu", "", 8)
		f.Text(20, 290, sprintf("Page %d", f.PageNo()))
		if drive {
			f.EndArtifact()
		}
	})
	f.AddPage()
	f.SetFont("dejavu", "", 12)
	begin("Subject")
	f.Cell(40, 10, "Cell")
	end()
	f.Ln(10)
	page2 := f.AddLink()
	begin("Link", StructAlt("to page 2"))
	f.CellFormat(40, 10, "to page 2", "", 1, "L", false, page2, "")
	end()
	begin("Link")
	f.CellFormat(40, 10, "to a URL", "1", 1, "L", false, 0, "https://example.org/")
	end()
	begin("Link")
	f.WriteLinkString(6, "written link", "https://example.org/w")
	end()
	f.Ln(8)
	begin("Figure", StructAlt("logo"))
	f.ImageOptions("image/logo.jpg", 20, 80, 30, 0, false, ImageOptions{ImageType: "JPG"}, 0, "")
	end()
	f.SetY(120)
	begin("P")
	for i := 0; i < 30; i++ {
		f.MultiCell(0, 6, sprintf("Paragraph %d: Grüße Ωmega, lorem ipsum dolor sit amet.", i), "", "L", false)
	}
	end()
	f.SetLink(page2, 0, 2)
	begin("P")
	f.Write(6, "Write at the end, long enough to wrap over the right margin of the page once at least.")
	end()
	return f
}

// untaggedRefSums are the SHA-256 sums of untaggedRefDoc's output for PDF/A parts 0, 1 and 2,
// recorded with the fork before tagged PDF was added (CHANGES.md 23).
var untaggedRefSums = map[int]string{
	0: "fb58feae0693f89e8aa57838fe3bb47fbda0ad9376cedbb8a06bb1b4e67b756d",
	1: "2b6f5dc1339496f6dbc90f18f60e26578ea05410c016f1101d6d641dbbcb4ae8",
	2: "6b7cb66e880926ab49cb1c6f546421f19f75111fb467bcddc69dc809d2d73245",
}

// TestUntaggedUnchanged: without SetTagged the output is byte for byte what the fork wrote
// before tagged PDF existed, also when the tagging functions are called (they do nothing).
func TestUntaggedUnchanged(t *testing.T) {
	for _, part := range []int{0, 1, 2} {
		for _, drive := range []bool{false, true} {
			f := untaggedRefDoc(t, part, drive, false)
			b := output(t, f)
			sum := sha256.Sum256(b)
			if got := hex.EncodeToString(sum[:]); got != untaggedRefSums[part] {
				t.Errorf("part %d, tagging functions called %v: SHA-256 %s, want %s", part, drive, got, untaggedRefSums[part])
			}
			if f.Tagged() || bytes.Contains(b, []byte("BDC")) || bytes.Contains(b, []byte("/StructTreeRoot")) {
				t.Errorf("part %d: untagged output has tagging", part)
			}
		}
	}
	// The same document tagged does differ (so the sums above can tell).
	b := output(t, untaggedRefDoc(t, 0, true, true))
	if !bytes.Contains(b, []byte("/RoleMap <</Subject /H1>>")) || !bytes.Contains(b, []byte("/S /Subject ")) {
		t.Error("tagged document without its RoleMap")
	}
	checkMarkedContent(t, "tagged reference", b)
}

// TestTaggedErrors: misuse of the tagging functions and what PDF/UA-1 needs of the document
// fail the output with an error that says what is wrong and where.
func TestTaggedErrors(t *testing.T) {
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
	for _, tc := range []struct {
		name string
		edit func(f *Fpdf)
		want string
	}{
		{"figure without alt", func(f *Fpdf) { f.BeginStructElem("Figure") }, `BeginStructElem("Figure") on page 1: a Figure needs alternate text (StructAlt)`},
		{"TH without scope", func(f *Fpdf) { f.BeginStructElem("TH") }, "needs a scope (StructScope)"},
		{"bad scope", func(f *Fpdf) { f.BeginStructElem("TH", StructScope("Col")) }, `scope "Col": use Column, Row or Both`},
		{"bad span", func(f *Fpdf) { f.BeginStructElem("TD", StructSpan(0, 2)) }, "span of 0 rows and 2 columns"},
		{"bad numbering", func(f *Fpdf) { f.BeginStructElem("L", StructListNumbering("Bullet")) }, `list numbering "Bullet"`},
		{"unknown type", func(f *Fpdf) { f.BeginStructElem("Subject") }, `BeginStructElem("Subject") on page 1: not a standard structure type`},
		{"Document", func(f *Fpdf) { f.BeginStructElem("Document") }, "the Document element is the root SetTagged makes"},
		{"bad role", func(f *Fpdf) { f.MapStructRole("Subject", "Heading") }, "Heading is not a standard structure type"},
		{"role of a standard type", func(f *Fpdf) { f.MapStructRole("P", "H1") }, "P is a standard structure type"},
		{"end without begin", func(f *Fpdf) { f.EndStructElem() }, "EndStructElem on page 1: no structure element is open"},
		{"content outside an element", func(f *Fpdf) { f.BeginMarkedContent() }, "BeginMarkedContent on page 1: no structure element is open"},
		{"content twice", func(f *Fpdf) {
			f.BeginStructElem("P")
			f.BeginMarkedContent()
			f.BeginMarkedContent()
		}, "the content of P is already being marked"},
		{"content in an artifact", func(f *Fpdf) {
			f.BeginStructElem("P")
			f.BeginArtifact("Layout")
			f.BeginMarkedContent()
		}, "BeginMarkedContent on page 1: inside an artifact (<</Type /Layout>>)"},
		{"element in an artifact", func(f *Fpdf) {
			f.BeginArtifact("Layout")
			f.BeginStructElem("P")
		}, "inside an artifact: end it first"},
		{"end element in an artifact", func(f *Fpdf) {
			f.BeginStructElem("P")
			f.BeginArtifact("Layout")
			f.EndStructElem()
		}, "P is still inside an artifact"},
		{"end content without begin", func(f *Fpdf) { f.EndMarkedContent() }, "EndMarkedContent on page 1: no marked-content sequence is open"},
		{"end artifact without begin", func(f *Fpdf) { f.EndArtifact() }, "EndArtifact on page 1: no artifact is open"},
		{"bad artifact kind", func(f *Fpdf) { f.BeginArtifact("Background") }, `BeginArtifact("Background") on page 1: kind is none of`},
		{"content ended on another page", func(f *Fpdf) {
			f.BeginStructElem("P")
			f.AddPage()
			f.SetPage(1)
			f.BeginMarkedContent()
			f.SetPage(2)
			f.EndMarkedContent()
		}, "EndMarkedContent on page 2: the sequence of P was begun on page 1"},
		{"element left open", func(f *Fpdf) {
			f.BeginStructElem("Table")
			f.BeginStructElem("TR")
		}, "structure elements Table > TR are not ended"},
		{"content left open", func(f *Fpdf) {
			f.BeginStructElem("P")
			f.AddPage()
			f.BeginMarkedContent()
		}, "the content of P begun on page 2 is not ended"},
		{"no title", func(f *Fpdf) { f.title = "" }, "PDF/UA-1): the document has no title: call SetTitle"},
		{"no language", func(f *Fpdf) { f.SetLang("") }, "the document has no language: call SetLang"},
		{"core font", func(f *Fpdf) { f.SetFont("Helvetica", "", 10) }, "font Helvetica is a core font"},
	} {
		f := base()
		tc.edit(f)
		var buf bytes.Buffer
		if err := f.Output(&buf); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	// Level A of PDF/A needs tagging.
	f := New("P", "mm", "A4", "")
	f.SetPDFA(2, "A")
	f.SetOutputIntent(testProfile(), 3, "sRGB", "", "")
	f.AddPage()
	var buf bytes.Buffer
	if err := f.Output(&buf); err == nil || !strings.Contains(err.Error(), "PDF/A-2a: level A needs a tagged document") {
		t.Errorf("PDF/A-2a untagged: %v", err)
	}
	f = base()
	if f.SetPDFA(2, "C"); !f.Err() {
		t.Error("SetPDFA(2, C) accepted")
	}
}

// TestTaggedPageBreaks: sequences open at a page break (an element's content, an artifact, a
// Link inside a paragraph) end before the footer and continue after the header of the new page,
// so every page's sequences balance, every mark is tagged, the element has content on each page
// and the header and footer are artifacts.
func TestTaggedPageBreaks(t *testing.T) {
	f := New("P", "mm", "A4", "")
	f.SetTitle("Page breaks", true)
	f.SetLang("en")
	f.SetTagged(true)
	f.AddUTF8Font("dejavu", "", "font/DejaVuSansCondensed.ttf")
	f.SetHeaderFunc(func() { f.SetFont("dejavu", "", 8); f.Text(20, 10, "running head") })
	f.SetFooterFunc(func() { f.Text(20, 290, "running foot") })
	f.AddPage()
	f.SetFont("dejavu", "", 12)
	f.BeginStructElem("P")
	f.BeginMarkedContent()
	f.Write(6, strings.Repeat("words in a paragraph ", 150))
	f.BeginStructElem("Link")
	f.BeginMarkedContent()
	f.WriteLinkString(6, strings.Repeat("link text ", 250), "https://example.org/")
	f.EndMarkedContent()
	f.EndStructElem()
	f.Write(6, "the end.")
	f.EndMarkedContent()
	f.BeginArtifact("Layout")
	f.Line(20, f.GetY(), 190, f.GetY())
	f.AddPage()
	f.Line(20, 30, 190, 30)
	f.EndArtifact()
	f.BeginMarkedContent()
	f.Write(6, " After the rule.")
	f.EndMarkedContent()
	f.EndStructElem()
	b := output(t, f)
	checkMarkedContent(t, "page breaks", b)
	streams := contentStreams(t, b)
	if len(streams) != 3 {
		t.Fatalf("%d pages, want 3", len(streams))
	}
	for i, c := range streams {
		for _, want := range []string{"/Artifact <</Type /Pagination /Subtype /Header>> BDC", "/Artifact <</Type /Pagination /Subtype /Footer>> BDC"} {
			if i == 0 && strings.Contains(want, "Header") {
				continue // the header function was set after the first page had begun
			}
			if !bytes.Contains(c, []byte(want)) {
				t.Errorf("page %d lacks %s", i+1, want)
			}
		}
	}
	if !bytes.Contains(streams[len(streams)-1], []byte("/Artifact <</Type /Layout>> BDC")) {
		t.Error("the artifact open at the last page break does not continue on the new page")
	}
	// The Link element's content: on two pages at least, and an OBJR for each line's annotation.
	link := regexp.MustCompile(`<</Type /StructElem /S /Link [^\n]*`).Find(b)
	if n := bytes.Count(link, []byte("/Type /MCR")); n < 1 {
		t.Errorf("Link element has content on one page only: %s", link)
	}
	if n, want := bytes.Count(link, []byte("/Type /OBJR")), bytes.Count(b, []byte("/Subtype /Link")); n != want || n < 10 {
		t.Errorf("Link element has %d OBJRs, the document %d link annotations", n, want)
	}
	pdfinfo := needTool(t, "pdfinfo", "poppler-utils")
	path := filepath.Join(t.TempDir(), "breaks.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdfinfo, "-struct-text", path).CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	_, texts := structText(t, string(out))
	got := strings.Join(texts, "")
	want := strings.Repeat("words in a paragraph ", 150) + strings.Repeat("link text ", 250) + "the end." + " After the rule."
	if got != want {
		t.Errorf("text in the tree:\n%q\nwant\n%q", got, want)
	}
}

// TestTaggedLinksOutsideLink: a link annotation drawn outside a Link element gets one of its
// own, in the innermost element (a link in a paragraph) or, drawn in an artifact (a footer), at
// the end of the Document, so every annotation is in the tree with /StructParent and /Contents.
func TestTaggedLinksOutsideLink(t *testing.T) {
	f := New("P", "mm", "A4", "")
	f.SetTitle("Links", true)
	f.SetLang("en")
	f.SetTagged(true)
	f.AddUTF8Font("dejavu", "", "font/DejaVuSansCondensed.ttf")
	f.SetFooterFunc(func() { f.CellFormat(40, 6, "footer link", "", 0, "L", false, 0, "https://example.org/footer") })
	f.AddPage()
	f.SetFont("dejavu", "", 12)
	f.BeginStructElem("P")
	f.BeginMarkedContent()
	f.CellFormat(40, 6, "inline link", "", 1, "L", false, 0, "https://example.org/inline")
	f.EndMarkedContent()
	f.EndStructElem()
	b := output(t, f)
	s := string(b)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`/URI \(https://example\.org/inline\)>> /StructParent 1 /Contents \(https://example\.org/inline\)>>`),
		regexp.MustCompile(`/URI \(https://example\.org/footer\)>> /StructParent 2 /Contents \(https://example\.org/footer\)>>`),
		regexp.MustCompile(`<</Type /StructElem /S /Document /P \d+ 0 R /K \[(\d+) 0 R (\d+) 0 R\]>>`),
		regexp.MustCompile(`<</Type /StructElem /S /P /P \d+ 0 R /Pg \d+ 0 R /K \[0 \d+ 0 R\]>>`),
		regexp.MustCompile(`<</Nums \[0 \[\d+ 0 R\] 1 \d+ 0 R 2 \d+ 0 R \]>>`),
	} {
		if !want.MatchString(s) {
			t.Errorf("no %s", want)
		}
	}
	if n := strings.Count(s, "/S /Link /P "); n != 2 {
		t.Errorf("%d Link elements, want 2", n)
	}
	checkMarkedContent(t, "links", b)
}

// TestTaggedLineEnds: text that MultiCell (left-aligned, justified, centred) and Write break
// into lines, at the right margin or at "\n", keeps a space for every line break in the tree, so no two words run
// together: the words of each element are the words drawn on the page.
func TestTaggedLineEnds(t *testing.T) {
	pdfinfo := needTool(t, "pdfinfo", "poppler-utils")
	pdftotext := needTool(t, "pdftotext", "poppler-utils")
	address := "Jens Hansen\nAllé 104, 2. tv.\n8000 Aarhus C"
	long := strings.Repeat("ord i et afsnit der brydes ", 30)
	f := New("P", "mm", "A4", "")
	f.SetTitle("Line ends", true)
	f.SetLang("da")
	f.SetTagged(true)
	f.AddUTF8Font("dejavu", "", "font/DejaVuSansCondensed.ttf")
	f.AddPage()
	f.SetFont("dejavu", "", 11)
	for _, draw := range []func(){
		func() { f.MultiCell(80, 5, address, "", "L", false) },
		func() { f.MultiCell(0, 5, long, "", "", false) }, // justified
		func() { f.MultiCell(0, 5, address+"\n"+long, "", "C", false) },
		func() { f.Write(5, address+"\n"+long) },
	} {
		f.BeginStructElem("P")
		f.BeginMarkedContent()
		draw()
		f.EndMarkedContent()
		f.EndStructElem()
		f.Ln(8)
	}
	b := output(t, f)
	checkMarkedContent(t, "line ends", b)
	path := filepath.Join(t.TempDir(), "lines.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdfinfo, "-struct-text", path).CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	_, texts := structText(t, string(out))
	if len(texts) != 4 {
		t.Fatalf("%d texts in the tree, want 4:\n%s", len(texts), out)
	}
	for i, want := range []string{address, long, address + "\n" + long, address + "\n" + long} {
		if got, w := strings.Join(strings.Fields(texts[i]), " "), strings.Join(strings.Fields(want), " "); got != w {
			t.Errorf("paragraph %d in the tree:\n%q\nwant\n%q", i+1, got, w)
		}
	}
	page, err := exec.Command(pdftotext, path, "-").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Fields(string(page)), strings.Fields(strings.Join(texts, " ")); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("words on the page and in the tree differ:\n%q\n%q", got, want)
	}
}
