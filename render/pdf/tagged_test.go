package pdf

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
)

// structNode is an element of the structure tree as pdfinfo -struct-text prints it.
type structNode struct {
	tag    string
	attrs  []string // attribute lines, e.g. "/Scope /Column"
	text   []string // its own text strings, in order
	kids   []*structNode
	parent *structNode
	// items are the element's own texts and children in order: a *structNode or a string.
	items []any
}

var (
	structElemRe = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]*)(?: \((?:block|inline)\))?:?$`)
	structTextRe = regexp.MustCompile(`^"(.*)"$`)
)

// structTree parses pdfinfo -struct-text of the PDF at path: two spaces of indentation a level,
// an element's name (with "(block)" or "(inline)", a colon when attributes follow), its
// attributes on lines of their own, its texts in quotes, "Object n g" for an OBJR.
func structTree(t *testing.T, path string) *structNode {
	t.Helper()
	out := run(t, "pdfinfo", "-struct-text", path)
	root := &structNode{tag: "(root)"}
	stack := []*structNode{root} // stack[i] is the open element at depth i-1
	for _, ln := range strings.Split(out, "\n") {
		if strings.TrimSpace(ln) == "" {
			continue
		}
		body := strings.TrimLeft(ln, " ")
		depth := (len(ln) - len(body)) / 2
		if m := structTextRe.FindStringSubmatch(body); m != nil {
			p := stack[min(depth, len(stack)-1)]
			p.text = append(p.text, m[1])
			p.items = append(p.items, m[1])
			continue
		}
		if strings.HasPrefix(body, "/") || strings.HasPrefix(body, "Object ") {
			p := stack[len(stack)-1]
			if strings.HasPrefix(body, "/") {
				p.attrs = append(p.attrs, body)
			}
			continue
		}
		m := structElemRe.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("pdfinfo -struct-text: cannot read line %q", ln)
		}
		if depth+1 > len(stack) {
			t.Fatalf("pdfinfo -struct-text: line %q is nested deeper than its parent", ln)
		}
		stack = stack[:depth+1]
		p := stack[depth]
		n := &structNode{tag: m[1], parent: p}
		p.kids = append(p.kids, n)
		p.items = append(p.items, n)
		stack = append(stack, n)
	}
	if len(root.kids) != 1 || root.kids[0].tag != "Document" {
		t.Fatalf("structure tree has no single Document at its root:\n%s", out)
	}
	return root.kids[0]
}

// all returns the elements of the tree below and including n with the tag, in order.
func (n *structNode) all(tag string) []*structNode {
	var out []*structNode
	var walk func(*structNode)
	walk = func(x *structNode) {
		if x.tag == tag {
			out = append(out, x)
		}
		for _, k := range x.kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

// plain is the text of n and everything in it: its strings in order, an inline element's
// (Link, Span) run on, other elements set apart by a space; white space collapsed.
func (n *structNode) plain() string {
	var b strings.Builder
	var walk func(*structNode)
	walk = func(x *structNode) {
		for _, it := range x.items {
			switch it := it.(type) {
			case string:
				b.WriteString(it)
			case *structNode:
				inline := it.tag == "Link" || it.tag == "Span"
				if !inline {
					b.WriteByte(' ')
				}
				walk(it)
				if !inline {
					b.WriteByte(' ')
				}
			}
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// contentWords is every word of d's rendering that is the letter's content, not an artifact:
// the recipient's address, the details (label with its colon), the subject, and the body with
// list markers, table cells and the signature; not the letterhead, the return address, the
// footer or the page label.
func contentWords(d *render.Document) []string {
	var words []string
	add := func(s string) { words = append(words, render.Words(s)...) }
	for _, r := range d.Recipient {
		add(r)
	}
	for _, dt := range d.Details {
		if strings.TrimSpace(dt.Label) != "" {
			add(dt.Label + ":")
		}
		add(dt.Value)
	}
	add(d.Subject)
	var walk func(bs []render.Block)
	walk = func(bs []render.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *render.Heading:
				add(render.PlainText(b.Runs))
			case *render.Paragraph:
				add(render.PlainText(b.Runs))
			case *render.List:
				start := max(b.Start, 1)
				for i, it := range b.Items {
					if b.Ordered {
						add(strconv.Itoa(start+i) + ".")
					} else {
						add("•")
					}
					walk(it)
				}
			case *render.Table:
				for _, row := range append(append([][]render.Cell{b.Header}, b.Rows...), b.Total) {
					for _, c := range row {
						add(render.PlainText(c.Runs))
					}
				}
			case *render.Signature:
				add(b.Greeting)
				add(b.Name)
				add(b.Title)
			}
		}
	}
	walk(d.Body)
	return words
}

func countWords(ws []string) map[string]int {
	m := map[string]int{}
	for _, w := range ws {
		m[w]++
	}
	return m
}

// pdfString decodes a PDF literal string's body: escapes, and UTF-16BE after a byte order mark.
func pdfString(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		i++
		switch e := s[i]; {
		case e >= '0' && e <= '7':
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i:j], 8, 8)
			b = append(b, byte(v))
			i = j - 1
		case e == 'n':
			b = append(b, '\n')
		case e == 'r':
			b = append(b, '\r')
		case e == 't':
			b = append(b, '\t')
		default:
			b = append(b, e)
		}
	}
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	}
	return string(b)
}

// altTexts returns the /Alt of every structure element of type tag in the PDF, in file order.
func altTexts(b []byte, tag string) []string {
	re := regexp.MustCompile(`/Type /StructElem /S /` + tag + ` [^\n]*?/Alt \(((?:[^()\\]|\\.)*)\)`)
	var out []string
	for _, m := range re.FindAllSubmatch(b, -1) {
		out = append(out, pdfString(string(m[1])))
	}
	return out
}

// taggedDocs are the letters the tagged-PDF tests render: every sample bundle, the reference
// letter, Greek and Cyrillic, and a letter whose table spans pages (its header repeated) with a
// row taller than half a page (drawn line by line across a page break), a nested list and links
// in a list and a table.
func taggedDocs(t *testing.T) []sampleDoc {
	docs := append(sampleDocs(t), sampleDoc{Name: "testdoc-reference", Doc: testdoc.Reference}, sampleDoc{Name: "testdoc-heavy", Doc: testdoc.Heavy})
	docs = append(docs, sampleDoc{Name: "long-table", Doc: longTableDoc})
	return docs
}

// tallRow is the index of the tall row among longTableDoc's table rows.
const tallRow = 40

func longTableDoc() *render.Document {
	d := testdoc.Letter(testdoc.Paragraphs[:1], 60)
	tall := strings.Repeat("Denne række har en meget lang beskrivelse, som fylder mere end en halv side. ", 60)
	for _, b := range d.Body {
		if tb, ok := b.(*render.Table); ok {
			row := []render.Cell{{Runs: []render.Run{{Text: "lang række"}}}, {Runs: []render.Run{{Text: tall}}},
				{Runs: []render.Run{{Text: "Læs mere om reglerne for boligstøtte på "}, {Text: "borger.dk", Link: "https://www.borger.dk/"}}}}
			tb.Rows = append(tb.Rows[:tallRow:tallRow], append([][]render.Cell{row}, tb.Rows[tallRow:]...)...)
		}
	}
	d.Body = append(d.Body, &render.List{Ordered: true, Items: [][]render.Block{
		{&render.Paragraph{Runs: []render.Run{{Text: "Første punkt med et "}, {Text: "link", Link: "https://example.org/"}, {Text: " i teksten."}}}},
		{&render.Paragraph{Runs: []render.Run{{Text: "Andet punkt"}}}, &render.List{Items: [][]render.Block{
			{&render.Paragraph{Runs: []render.Run{{Text: "Indrykket punkt"}}}},
		}}},
		{},
	}})
	return d
}

// TestTaggedStructure renders every sample and test letter and reads its structure tree back
// with poppler: the file is tagged, the tree has the subject as its H1, the tables as Table >
// THead/TBody > TR > TH (scope Column)/TD with the cells' text, a LI for every list item, the
// logo as a Figure whose alt text names the sender, and every word of the letter's content
// exactly as often as the letter has it: none of the footer, page label, letterhead or return
// address, and every other word that pdftotext finds on the pages as often as it finds it.
func TestTaggedStructure(t *testing.T) {
	testenv.Need(t, "pdfinfo", "pdftotext", "qpdf")
	for _, s := range taggedDocs(t) {
		t.Run(s.Name, func(t *testing.T) {
			d := s.Doc()
			b := mustRender(t, d)
			path := writePDF(t, b)
			info := run(t, "pdfinfo", path)
			if !regexp.MustCompile(`(?m)^Tagged:\s+yes$`).MatchString(info) {
				t.Errorf("pdfinfo does not say Tagged: yes:\n%s", info)
			}
			title := d.Meta.Title
			if title == "" {
				title = normLine(d.Subject)
			}
			if !strings.Contains(info, "Title:           "+title+"\n") {
				t.Errorf("pdfinfo shows no title %q:\n%s", title, info)
			}
			for _, want := range []string{"/ViewerPreferences <</DisplayDocTitle true>>", "/MarkInfo <</Marked true>>", "/Lang (" + d.Meta.Language + ")"} {
				if !bytes.Contains(b, []byte(want)) {
					t.Errorf("catalog has no %s", want)
				}
			}
			if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors found") {
				t.Errorf("qpdf --check: %v\n%s", err, out)
			}

			doc := structTree(t, path)
			if h1 := doc.all("H1"); len(h1) != 1 || h1[0].plain() != strings.Join(render.Words(d.Subject), " ") {
				t.Errorf("H1 elements %d, want one with the subject %q", len(h1), d.Subject)
			}
			checkTables(t, d, doc)
			checkLists(t, d, doc)
			checkFigures(t, d, b, doc)
			checkWords(t, d, path, doc)
			if s.Name == "long-table" {
				checkLongTable(t, d, path, doc)
			}
		})
	}
}

func checkTables(t *testing.T, d *render.Document, doc *structNode) {
	t.Helper()
	var tables []*render.Table
	var walk func([]render.Block)
	walk = func(bs []render.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *render.Table:
				tables = append(tables, b)
			case *render.List:
				for _, it := range b.Items {
					walk(it)
				}
			}
		}
	}
	walk(d.Body)
	got := doc.all("Table")
	if len(got) != len(tables) {
		t.Fatalf("%d Table elements, want %d", len(got), len(tables))
	}
	cellText := func(c render.Cell) string { return strings.Join(render.Words(render.PlainText(c.Runs)), " ") }
	for i, tb := range tables {
		el := got[i]
		if len(tb.Header) > 0 {
			heads := el.all("THead")
			if len(heads) != 1 || len(heads[0].all("TR")) != 1 {
				t.Errorf("table %d: want one THead with one TR, have %d THead", i+1, len(heads))
				continue
			}
			th := heads[0].all("TH")
			if len(th) != len(tb.Header) {
				t.Errorf("table %d: %d TH, want %d", i+1, len(th), len(tb.Header))
				continue
			}
			for j, c := range tb.Header {
				if th[j].plain() != cellText(c) {
					t.Errorf("table %d: TH %d is %q, want %q", i+1, j+1, th[j].plain(), cellText(c))
				}
				if strings.Join(th[j].attrs, " ") != "/Scope /Column" {
					t.Errorf("table %d: TH %d has attributes %q, want /Scope /Column", i+1, j+1, th[j].attrs)
				}
			}
		}
		var rows []*structNode
		for _, g := range el.kids {
			if g.tag == "TBody" || g.tag == "TFoot" {
				rows = append(rows, g.all("TR")...)
			}
		}
		want := tb.Rows
		if tb.Total != nil {
			want = append(append([][]render.Cell(nil), want...), tb.Total)
		}
		if len(rows) != len(want) {
			t.Errorf("table %d: %d body and total rows (TR), want %d", i+1, len(rows), len(want))
			continue
		}
		for r, row := range want {
			td := rows[r].all("TD")
			if len(td) < len(row) {
				t.Errorf("table %d row %d: %d TD, want %d", i+1, r+1, len(td), len(row))
				continue
			}
			for j, c := range row {
				if td[j].plain() != cellText(c) {
					t.Errorf("table %d row %d: TD %d is %q, want %q", i+1, r+1, j+1, td[j].plain(), cellText(c))
				}
			}
		}
	}
}

func checkLists(t *testing.T, d *render.Document, doc *structNode) {
	t.Helper()
	items := 0
	var walk func([]render.Block)
	walk = func(bs []render.Block) {
		for _, b := range bs {
			if l, ok := b.(*render.List); ok {
				items += len(l.Items)
				for _, it := range l.Items {
					walk(it)
				}
			}
		}
	}
	walk(d.Body)
	li := doc.all("LI")
	if len(li) != items {
		t.Errorf("%d LI elements, want %d (the list items)", len(li), items)
	}
	for i, x := range li {
		if len(x.kids) != 2 || x.kids[0].tag != "Lbl" || x.kids[1].tag != "LBody" {
			t.Errorf("LI %d holds %v, want Lbl and LBody", i+1, tags(x.kids))
		}
	}
}

func tags(ns []*structNode) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.tag
	}
	return out
}

func checkFigures(t *testing.T, d *render.Document, b []byte, doc *structNode) {
	t.Helper()
	alts := altTexts(b, "Figure")
	figs := doc.all("Figure")
	if len(figs) != len(alts) {
		t.Errorf("%d Figure elements, %d with /Alt: every Figure needs alt text", len(figs), len(alts))
	}
	if d.Letterhead.Logo != nil {
		want := logoAlt(d.Letterhead)
		if d.Letterhead.Name != "" && want != normLine(d.Letterhead.Name)+" logo" && !strings.EqualFold(d.Letterhead.Logo.Alt, want) {
			t.Errorf("logo alt %q says neither the sender's name nor the logo's own alt", want)
		}
		if len(alts) == 0 || alts[0] != want || doc.kids[0].tag != "Figure" {
			t.Errorf("the Document's first element is %s with alt texts %q, want the logo Figure %q", doc.kids[0].tag, alts, want)
		}
		if strings.EqualFold(strings.TrimSpace(want), "logo") {
			t.Errorf("the logo's alt text is %q, which names no sender", want)
		}
	}
}

// checkWords compares the words of the structure tree with the letter's content and with
// what pdftotext finds on the pages.
func checkWords(t *testing.T, d *render.Document, path string, doc *structNode) {
	t.Helper()
	// Reading order: the tree's words are the letter's content in its order (address, details,
	// subject, body, signature), not only the same words.
	if got, want := render.Words(doc.plain()), contentWords(d); !slices.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("the structure tree reads the letter out of order from word %d: tree %q, letter %q",
			i+1, got[i:min(i+8, len(got))], want[i:min(i+8, len(want))])
	}
	tree := countWords(render.Words(doc.plain()))
	want := countWords(contentWords(d))
	for w, n := range want {
		if tree[w] != n {
			t.Errorf("word %q: %d times in the structure tree, %d in the letter", w, tree[w], n)
		}
	}
	for w, n := range tree {
		if want[w] == 0 {
			t.Errorf("word %q: %d times in the structure tree, not in the letter's content", w, n)
		}
	}
	// Artifacts: what pdftotext may find more often than the tree has it.
	n := pageCount(t, path)
	artifact := map[string]bool{}
	addArt := func(s string) {
		for _, w := range render.Words(s) {
			artifact[w] = true
		}
	}
	lh := d.Letterhead
	addArt(lh.Name)
	addArt(lh.Department)
	addArt(strings.Join(lh.Address, " "))
	addArt(strings.Join(lh.Contact, " "))
	addArt(lh.ReturnAddress())
	addArt(d.Footer)
	// The running head of pages 2..n and the mark of a table row continued from a page: both
	// pagination artifacts.
	addArt(headText(d))
	addArt(continued(d.Meta.Language))
	for p := 1; p <= n; p++ {
		addArt(label(d, p, n))
	}
	for _, b := range d.Body {
		if tb, ok := b.(*render.Table); ok {
			for _, c := range tb.Header {
				addArt(render.PlainText(c.Runs))
			}
		}
	}
	text := countWords(render.Words(pdfText(t, path)))
	for w, k := range text {
		switch {
		case k < tree[w]:
			t.Errorf("word %q: %d times in the structure tree, pdftotext finds it %d times", w, tree[w], k)
		case k > tree[w] && !artifact[w]:
			t.Errorf("word %q: pdftotext finds it %d times, the structure tree has it %d times", w, k, tree[w])
		}
	}
	// The footer and the page labels are no part of the tree.
	plain := doc.plain()
	for p := 1; p <= n; p++ {
		if l := strings.Join(render.Words(label(d, p, n)), " "); l != "" && strings.Contains(plain, l) {
			t.Errorf("the page label %q is in the structure tree", l)
		}
	}
	if f := strings.Join(render.Words(d.Footer), " "); f != "" && strings.Contains(plain, f) {
		t.Errorf("the footer %q is in the structure tree", f)
	}
}

// checkLongTable: the header of a table that spans pages is in the tree once (THead), its
// repetitions on later pages are artifacts, and a row drawn line by line across a page break
// (taller than half a page) is one TR whose cells read in order.
func checkLongTable(t *testing.T, d *render.Document, path string, doc *structNode) {
	t.Helper()
	if n := pageCount(t, path); n < 3 {
		t.Fatalf("%d pages, want at least 3", n)
	}
	if got := len(doc.all("THead")); got != 1 {
		t.Errorf("%d THead, want 1", got)
	}
	if got := strings.Count(pdfText(t, path), "Beskrivelse"); got < 3 {
		t.Errorf("the table header is on %d pages, want at least 3", got)
	}
	var tb *render.Table
	for _, b := range d.Body {
		if x, ok := b.(*render.Table); ok {
			tb = x
		}
	}
	rows := doc.all("TBody")[0].all("TR")
	tall := rows[tallRow].all("TD")
	if len(tall) != 3 {
		t.Fatalf("the tall row has %d TD, want 3", len(tall))
	}
	if got, want := tall[1].plain(), strings.Join(render.Words(render.PlainText(tb.Rows[tallRow][1].Runs)), " "); got != want {
		t.Errorf("the tall row's long cell reads %d words, want %d: %.80q...", len(strings.Fields(got)), len(strings.Fields(want)), got)
	}
	// The last cell's link is on a later line of the cell than its first: the cell is resumed
	// after the other cells' first lines, and the Link still follows the text before it.
	if got, want := tall[2].plain(), "Læs mere om reglerne for boligstøtte på borger.dk"; got != want {
		t.Errorf("the tall row's last cell reads %q, want %q", got, want)
	}
	if links := tall[2].all("Link"); len(links) != 1 || links[0].plain() != "borger.dk" {
		t.Errorf("the tall row's last cell holds links %d, want one Link borger.dk", len(links))
	}
}

// TestTaggedLinks: every link annotation is the OBJR of a Link element whose alt text (and the
// annotation's /Contents) is the link's text.
func TestTaggedLinks(t *testing.T) {
	d := longTableDoc()
	b := mustRender(t, d)
	alts := altTexts(b, "Link")
	annots := regexp.MustCompile(`/Subtype /Link[^\n]*`).FindAll(b, -1)
	objr := bytes.Count(b, []byte("/Type /OBJR"))
	if len(annots) == 0 || objr != len(annots) {
		t.Errorf("%d link annotations, %d OBJR", len(annots), objr)
	}
	for _, want := range []string{"borger.dk", "link"} {
		found := false
		for _, a := range alts {
			found = found || a == want
		}
		if !found {
			t.Errorf("no Link element with alt text %q (have %q)", want, alts)
		}
	}
	for _, a := range annots {
		if !bytes.Contains(a, []byte("/StructParent ")) || !bytes.Contains(a, []byte("/Contents (")) {
			t.Errorf("link annotation without /StructParent or /Contents: %s", a)
		}
	}
}

// TestTaggedUntagged: a letter without a language cannot be a tagged PDF (PDF/UA needs one); it
// is rendered untagged, as before.
func TestTaggedUntagged(t *testing.T) {
	d := testdoc.Reference()
	d.Meta.Language = ""
	b := mustRender(t, d)
	for _, bad := range []string{"/StructTreeRoot", "/MarkInfo", " BDC"} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("untagged letter has %s", bad)
		}
	}
	d = testdoc.Reference()
	if b := mustRender(t, d); !bytes.Contains(b, []byte("/StructTreeRoot")) {
		t.Error("the reference letter is not tagged")
	}
}

func TestLogoAlt(t *testing.T) {
	for _, c := range []struct{ name, alt, want string }{
		{"Aarhus Kommune", "Logo", "Aarhus Kommune logo"},
		{"Aarhus Kommune", "", "Aarhus Kommune logo"},
		{"Aarhus Kommune", "Aarhus Kommunes byvåben", "Aarhus Kommunes byvåben"},
		{"", "", "Logo"},
		{"", "Byvåben", "Byvåben"},
	} {
		lh := render.Letterhead{Name: c.name, Logo: &render.Image{Alt: c.alt}}
		if got := logoAlt(lh); got != c.want {
			t.Errorf("logoAlt(%q, %q) = %q, want %q", c.name, c.alt, got, c.want)
		}
	}
	_ = fmt.Sprint
}
