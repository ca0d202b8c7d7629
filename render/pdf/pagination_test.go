package pdf

import (
	"fmt"
	"html"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render"
)

// The pagination tests build letters whose every line starts with a tag naming its block and
// line ("P3L7": paragraph 3, line 7; "H2L1": heading 2; "R4L2": table row 4; "T0L1": a table
// header, repeated; "S0L1": the signature), lay them out with the filler before the block under test growing line by line so
// that the block meets a page break at every position, and check where the lines land: from the
// layout's own rows (pages counted again with Maroto's rule) and, for some letters, from
// pdftotext -bbox-layout of the rendered PDF.

// tagged is a paragraph of n lines, each a hard line break apart and tagged with p.
func tagged(p string, n int) *render.Paragraph {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("%sL%d ipsum dolor", p, i+1)
	}
	return &render.Paragraph{Runs: []render.Run{{Text: strings.Join(lines, "\n")}}}
}

// paginationDoc is the reference letter's frame with the given body.
func paginationDoc(body ...render.Block) *render.Document {
	d := testdoc.Reference()
	d.Body = body
	return d
}

// placedLine is one tagged line as the layout placed it: its page and its top and bottom in mm
// from the page's top edge.
type placedLine struct {
	tag         string // "P3L7"
	block, line string // "P3", "7"
	page        int
	top, bottom float64
}

// layOut lays d out and returns its tagged lines in reading order and the page count. The pages
// are counted again from the rows the layout makes, with Maroto's own rule (addRow).
func layOut(t *testing.T, d *render.Document) ([]placedLine, int) {
	t.Helper()
	l, err := newLayout(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []placedLine
	page, cur := 1, 0.0
	l.trace = func(s *slice) {
		if s.h+cur+l.footerH <= l.bodyH {
			cur += s.h
		} else {
			page++
			cur = s.h
		}
		top := l.page.Top + cur - s.h
		for _, op := range s.texts {
			tag, _, _ := strings.Cut(op.text, " ")
			m := tagRe.FindStringSubmatch(tag)
			if m == nil {
				continue
			}
			em := op.size * ptMM
			out = append(out, placedLine{tag: tag, block: m[1], line: m[2], page: page,
				top: top + op.y, bottom: top + op.y + em*(1+descent)})
		}
	}
	if _, pages, err := l.run(); err != nil {
		t.Fatal(err)
	} else if pages != page {
		t.Fatalf("the layout counts %d pages, its rows make %d", pages, page)
	}
	return out, page
}

var tagRe = regexp.MustCompile(`^([PHRST]\d+)L(\d+)$`)

// checkPagination checks the pagination rules on placed lines and returns what breaks them.
func checkPagination(lines []placedLine, pages int, footerRule float64) []string {
	var bad []string
	// Lines of each block per page, in order.
	type count struct {
		block string
		page  int
	}
	perPage := map[count]int{}
	total := map[string]int{}
	for _, ln := range lines {
		perPage[count{ln.block, ln.page}]++
		total[ln.block]++
	}
	for k, n := range perPage {
		switch k.block[0] {
		case 'P':
			if n == 1 && total[k.block] > 1 {
				bad = append(bad, fmt.Sprintf("page %d holds 1 line of the %d of paragraph %s", k.page, total[k.block], k.block))
			}
		case 'R', 'S':
			if n != total[k.block] {
				bad = append(bad, fmt.Sprintf("page %d holds %d of the %d lines of %s: it is split", k.page, n, total[k.block], k.block))
			}
		}
	}
	for i, ln := range lines {
		if ln.bottom > footerRule-footerClear+1e-9 {
			bad = append(bad, fmt.Sprintf("%s on page %d ends %.2f mm above the footer rule, less than %.0f mm", ln.tag, ln.page, footerRule-ln.bottom, footerClear))
		}
		// A heading is followed on its page by at least two lines of what comes after it.
		if ln.block[0] == 'H' && (i+1 == len(lines) || lines[i+1].block != ln.block) {
			if i+2 >= len(lines) || lines[i+1].page != ln.page || lines[i+2].page != ln.page {
				bad = append(bad, fmt.Sprintf("heading %s on page %d is not followed by two lines on its page", ln.block, ln.page))
			}
		}
		// The signature is on the page of the closing line before it, and of the line before
		// that too when both are of one paragraph.
		if ln.block[0] == 'S' && ln.line == "1" && i >= 1 {
			if lines[i-1].page != ln.page || i >= 2 && lines[i-2].block == lines[i-1].block && lines[i-2].page != ln.page {
				bad = append(bad, fmt.Sprintf("the signature on page %d is not on the page of the last lines before it (%s)", ln.page, lines[i-1].tag))
			}
		}
	}
	sort.Strings(bad)
	return bad
}

// footerRule is where the reference letter's footer rule lies, in mm from the page's top edge.
func footerRuleOf(d *render.Document) float64 {
	p := d.Page
	return p.Height - p.Bottom + footerRuleY
}

// signature is the tagged closing.
func signatureBlock() *render.Signature {
	return &render.Signature{Greeting: "S0L1 Med venlig hilsen", Name: "S0L2 Mette", Title: "S0L3 Sagsbehandler"}
}

// TestWidowsAndOrphans lays out paragraphs of every length from 1 to 40 lines behind fillers of
// 0 to 80 lines, so that each meets the page break after page 1 and after page 2 at every line:
// no page starts or ends with one line of a paragraph, and 2- and 3-line paragraphs never split.
func TestWidowsAndOrphans(t *testing.T) {
	checked := 0
	for n := 1; n <= 40; n++ {
		for fill := 0; fill <= 80; fill++ {
			d := paginationDoc(tagged("P1", fill), tagged("P2", n), tagged("P3", 2), signatureBlock())
			if fill == 0 {
				d.Body = d.Body[1:]
			}
			lines, pages := layOut(t, d)
			if bad := checkPagination(lines, pages, footerRuleOf(d)); len(bad) > 0 {
				t.Errorf("filler %d lines, paragraph %d lines: %s", fill, n, strings.Join(bad, "; "))
			}
			checked++
		}
	}
	t.Logf("%d letters", checked)
}

// TestWidowsAndOrphansWrapped is TestWidowsAndOrphans with paragraphs broken into lines by
// the typesetter (no hard breaks): every line holds the tag of its paragraph once, where the
// line starts with it, so the test counts the lines of each paragraph per page from the ops.
func TestWidowsAndOrphansWrapped(t *testing.T) {
	// A paragraph of n lines: n words each as wide as a line.
	d0 := testdoc.Reference()
	l, err := newLayout(d0, nil)
	if err != nil {
		t.Fatal(err)
	}
	word := func(tag string) string {
		w := tag
		for l.ts.measure(w+" x", regular, l.size) <= l.contentW {
			w += " x"
		}
		return w
	}
	para := func(p string, n int) *render.Paragraph {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = word(fmt.Sprintf("%sL%d", p, i+1))
		}
		return &render.Paragraph{Runs: []render.Run{{Text: strings.Join(ws, " ")}}}
	}
	for _, n := range []int{1, 2, 3, 4, 5, 7, 12, 25, 40} {
		for fill := 0; fill <= 60; fill++ {
			d := paginationDoc(tagged("P1", max(fill, 1)), para("P2", n), signatureBlock())
			lines, pages := layOut(t, d)
			if got := countBlock(lines, "P2"); got != n {
				t.Fatalf("paragraph of %d lines made %d lines", n, got)
			}
			if bad := checkPagination(lines, pages, footerRuleOf(d)); len(bad) > 0 {
				t.Errorf("filler %d lines, paragraph %d lines: %s", fill, n, strings.Join(bad, "; "))
			}
		}
	}
}

func countBlock(lines []placedLine, block string) int {
	n := 0
	for _, ln := range lines {
		if ln.block == block {
			n++
		}
	}
	return n
}

// TestHeadingKeepsWithNext puts a heading before paragraphs of 1 to 6 lines, a list and a table
// at every position across a page break: the heading never ends a page, and two lines of what
// follows share its page.
func TestHeadingKeepsWithNext(t *testing.T) {
	heading := func(level int) *render.Heading {
		return &render.Heading{Level: level, Runs: []render.Run{{Text: "H1L1 Klagevejledning"}}}
	}
	list := &render.List{Items: [][]render.Block{{tagged("P5", 1)}, {tagged("P6", 3)}}}
	table := &render.Table{
		Header: []render.Cell{{Runs: []render.Run{{Text: "T0L1 Periode"}}}, {Runs: []render.Run{{Text: "Beløb"}}}},
		Rows: [][]render.Cell{
			{{Runs: []render.Run{{Text: "R1L1 december"}}}, {Runs: []render.Run{{Text: "1.234,50 kr."}}}},
			{{Runs: []render.Run{{Text: "R2L1 januar\nR2L2 og februar"}}}, {Runs: []render.Run{{Text: "45,75 kr."}}}},
		},
	}
	for _, level := range []int{1, 2, 3} {
		for n := 1; n <= 6; n++ {
			for fill := 0; fill <= 70; fill++ {
				follow := []render.Block{tagged("P2", n), tagged("P3", 1)}
				switch n {
				case 5:
					follow = []render.Block{list, tagged("P3", 1)}
				case 6:
					follow = []render.Block{table, tagged("P3", 1)}
				}
				body := append([]render.Block{tagged("P1", max(fill, 1)), heading(level)}, follow...)
				d := paginationDoc(append(body, signatureBlock())...)
				lines, pages := layOut(t, d)
				if bad := checkPagination(lines, pages, footerRuleOf(d)); len(bad) > 0 {
					t.Errorf("level %d, filler %d lines, case %d: %s", level, fill, n, strings.Join(bad, "; "))
				}
			}
		}
	}
}

// TestTableRowsStayWhole lays out tables with rows of 1 to 8 lines at every position across a
// page break: no row is split, the header repeats above the rows of each page, and a row taller
// than a page is split with the continuation mark under the header of the next page.
func TestTableRowsStayWhole(t *testing.T) {
	row := func(r, n int) []render.Cell {
		ls := make([]string, n)
		for i := range ls {
			ls[i] = fmt.Sprintf("R%dL%d rad", r, i+1)
		}
		return []render.Cell{{Runs: []render.Run{{Text: strings.Join(ls, "\n")}}}, {Runs: []render.Run{{Text: "45,75 kr."}}}}
	}
	header := []render.Cell{{Runs: []render.Run{{Text: "Periode"}}}, {Runs: []render.Run{{Text: "Beløb"}}}}
	for n := 1; n <= 8; n++ {
		for fill := 0; fill <= 60; fill++ {
			tb := &render.Table{Header: header}
			for r := 1; r <= 12; r++ {
				tb.Rows = append(tb.Rows, row(r, 1+(r*n)%8))
			}
			d := paginationDoc(tagged("P1", max(fill, 1)), tb, tagged("P2", 2), signatureBlock())
			lines, pages := layOut(t, d)
			if bad := checkPagination(lines, pages, footerRuleOf(d)); len(bad) > 0 {
				t.Errorf("filler %d lines, rows of %d lines: %s", fill, n, strings.Join(bad, "; "))
			}
		}
	}

	// A row of 120 lines is taller than a page: it is split, and where it goes on, under the
	// repeated header, stands the continuation mark of the letter's language.
	tb := &render.Table{Header: header, Rows: [][]render.Cell{row(1, 2), row(2, 120), row(3, 1)}}
	d := paginationDoc(tagged("P1", 3), tb, signatureBlock())
	path := writePDF(t, mustRender(t, d))
	pages := pageCount(t, path)
	if pages < 3 {
		t.Fatalf("a 120-line row takes %d pages, want at least 3", pages)
	}
	ws := layoutWords(t, path)
	for p := 2; p <= pages; p++ {
		on := wordsOn(ws, p)
		if !hasWord(on, "Periode") {
			t.Errorf("page %d has no repeated table header: %v", p, on[:min(len(on), 20)])
		}
		if p <= 3 && !hasWord(on, "(fortsat)") {
			t.Errorf("page %d continues the 120-line row without the mark (fortsat): %v", p, on[:min(len(on), 20)])
		}
	}
	if on := wordsOn(ws, 1); hasWord(on, "(fortsat)") {
		t.Errorf("page 1 carries the continuation mark")
	}
}

func hasWord(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// TestSignatureStaysWithClosing: the greeting, name and title stay together and on the page of
// the last two lines of the letter before them, whatever the length of that last paragraph.
func TestSignatureStaysWithClosing(t *testing.T) {
	for n := 1; n <= 8; n++ {
		for fill := 0; fill <= 70; fill++ {
			d := paginationDoc(tagged("P1", max(fill, 1)), tagged("P2", n), signatureBlock())
			lines, pages := layOut(t, d)
			if bad := checkPagination(lines, pages, footerRuleOf(d)); len(bad) > 0 {
				t.Errorf("filler %d lines, last paragraph %d lines: %s", fill, n, strings.Join(bad, "; "))
			}
		}
	}
}

// bboxWord is a word of pdftotext -bbox-layout: its page and box in mm from the top-left corner.
type bboxWord struct {
	page                   int
	xMin, yMin, xMax, yMax float64
	text                   string
}

var layoutWordRe = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// layoutWords reads the words of the PDF at path with pdftotext -bbox-layout.
func layoutWords(t *testing.T, path string) []bboxWord {
	out := pdfText(t, path, "-bbox-layout")
	var ws []bboxWord
	page := 0
	for _, ln := range strings.Split(out, "\n") {
		if strings.Contains(ln, "<page ") {
			page++
			continue
		}
		m := layoutWordRe.FindStringSubmatch(ln)
		if m == nil {
			continue
		}
		f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v / mmPt }
		ws = append(ws, bboxWord{page: page, xMin: f(m[1]), yMin: f(m[2]), xMax: f(m[3]), yMax: f(m[4]), text: html.UnescapeString(m[5])})
	}
	return ws
}

// wordsOn is the words of page p, top to bottom and left to right.
func wordsOn(ws []bboxWord, p int) []string {
	var on []bboxWord
	for _, w := range ws {
		if w.page == p {
			on = append(on, w)
		}
	}
	sort.SliceStable(on, func(i, j int) bool {
		if math.Abs(on[i].yMin-on[j].yMin) > 0.5 {
			return on[i].yMin < on[j].yMin
		}
		return on[i].xMin < on[j].xMin
	})
	out := make([]string, len(on))
	for i, w := range on {
		out[i] = w.text
	}
	return out
}

// TestPaginationInPDF renders some of the letters the layout tests check and checks the same
// rules on the words pdftotext -bbox-layout finds: the tagged lines of each block per page, the
// headings' pages, and that no body word comes within footerClear of the footer rule.
func TestPaginationInPDF(t *testing.T) {
	for _, tc := range []struct{ fill, n int }{{20, 4}, {27, 5}, {28, 9}, {29, 40}, {33, 2}, {34, 3}, {50, 40}, {61, 12}} {
		t.Run(fmt.Sprintf("fill%d_n%d", tc.fill, tc.n), func(t *testing.T) {
			d := paginationDoc(tagged("P1", tc.fill), &render.Heading{Level: 2, Runs: []render.Run{{Text: "H1L1 Begrundelse"}}},
				tagged("P2", tc.n), tagged("P3", 2), signatureBlock())
			want, _ := layOut(t, d)
			path := writePDF(t, mustRender(t, d))
			pages := pageCount(t, path)
			var got []placedLine
			rule := footerRuleOf(d)
			for _, w := range layoutWords(t, path) {
				if m := tagRe.FindStringSubmatch(w.text); m != nil {
					got = append(got, placedLine{tag: w.text, block: m[1], line: m[2], page: w.page, top: w.yMin, bottom: w.yMax})
				}
				// Body words (not the footer's) end footerClear above the rule.
				if w.yMin < rule && w.yMax > rule-footerClear {
					t.Errorf("page %d: %q reaches %.2f mm, within %.0f mm of the footer rule at %.1f mm", w.page, w.text, w.yMax, footerClear, rule)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("pdftotext finds %d tagged lines, the layout placed %d", len(got), len(want))
			}
			for i := range got {
				if got[i].tag != want[i].tag || got[i].page != want[i].page {
					t.Errorf("line %d: PDF has %s on page %d, the layout %s on page %d", i, got[i].tag, got[i].page, want[i].tag, want[i].page)
				}
			}
			if bad := checkPagination(got, pages, rule); len(bad) > 0 {
				t.Errorf("%s", strings.Join(bad, "; "))
			}
		})
	}
}

// TestRunningHead: pages 2..m carry the recipient's name, the case number and "Side n af m" at
// the top of the text area, above the body; page 1 does not.
func TestRunningHead(t *testing.T) {
	d := testdoc.Long(30, 40)
	path := writePDF(t, mustRender(t, d))
	pages := pageCount(t, path)
	if pages < 3 {
		t.Fatalf("letter has %d pages, want at least 3", pages)
	}
	ws := layoutWords(t, path)
	top := d.Page.Top
	for p := 1; p <= pages; p++ {
		var head, body []bboxWord
		for _, w := range ws {
			if w.page != p {
				continue
			}
			if w.yMin < top+l0(t, d) {
				head = append(head, w)
			} else if w.yMin < footerRuleOf(d)-footerRuleY {
				body = append(body, w)
			}
		}
		text := wordsText(head)
		want := fmt.Sprintf("Søren Ærbø Møller · Sagsnummer: 2026-004711 Side %d af %d", p, pages)
		if p == 1 {
			if strings.Contains(text, "Søren") || strings.Contains(text, "2026-004711") || strings.Contains(text, fmt.Sprintf("Side 1 af %d", pages)) {
				t.Errorf("page 1 carries a running head: %q", text)
			}
			continue
		}
		if text != want {
			t.Errorf("page %d running head %q, want %q", p, text, want)
		}
		for _, w := range head {
			if w.yMin < top-0.5 {
				t.Errorf("page %d: running head word %q at %.1f mm, above the top margin %.0f mm", p, w.text, w.yMin, top)
			}
		}
		// The body starts below the head's rule, clear of it.
		for _, b := range body {
			for _, h := range head {
				if b.yMin < h.yMax+headGap-0.5 {
					t.Errorf("page %d: body word %q at %.1f mm crowds the running head ending at %.1f mm", p, b.text, b.yMin, h.yMax)
				}
			}
		}
	}
}

// l0 is the height of the running head of d's layout.
func l0(t *testing.T, d *render.Document) float64 {
	l, err := newLayout(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l.runningHead().h - headGap
}

// wordsText joins words top to bottom and left to right.
func wordsText(ws []bboxWord) string {
	sort.SliceStable(ws, func(i, j int) bool {
		if math.Abs(ws[i].yMin-ws[j].yMin) > 0.5 {
			return ws[i].yMin < ws[j].yMin
		}
		return ws[i].xMin < ws[j].xMin
	})
	var s []string
	for _, w := range ws {
		s = append(s, w.text)
	}
	return strings.Join(s, " ")
}

// TestCaseDetail: the running head names the entry keyed as the case, else the first entry
// the template labelled itself; never the date.
func TestCaseDetail(t *testing.T) {
	for _, tc := range []struct {
		name    string
		details []render.Detail
		want    string
	}{
		{"keyed case", []render.Detail{{Label: "Dato", Value: "1. maj", Key: render.DetailDate}, {Label: "Kundenr.", Value: "7"}, {Label: "Sagsnr.", Value: "42", Key: render.DetailCase}}, "Ib · Sagsnr.: 42"},
		{"labelled entry", []render.Detail{{Label: "Datum", Value: "1 maj", Key: render.DetailDate}, {Label: "Fakturanummer", Value: "F-9"}}, "Ib · Fakturanummer: F-9"},
		{"date only", []render.Detail{{Label: "Dato", Value: "1. maj", Key: render.DetailDate}}, "Ib"},
		{"no label", []render.Detail{{Value: "2026-1", Key: render.DetailCase}}, "Ib · 2026-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &render.Document{Recipient: []string{"Ib", "Vej 1"}, Details: tc.details}
			if got := headText(d); got != tc.want {
				t.Errorf("headText = %q, want %q", got, tc.want)
			}
		})
	}
}
