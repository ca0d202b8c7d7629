package pdf

import (
	"math"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render"
)

// pdfLine is a line of words pdftotext -bbox-layout reports, in mm from the page's top-left.
type pdfLine struct {
	page             int
	xMin, yMin, yMax float64
	text             string
}

// linesOf groups words into lines by page and top edge, top to bottom.
func linesOf(ws []bboxWord) []pdfLine {
	sort.SliceStable(ws, func(i, j int) bool {
		if ws[i].page != ws[j].page {
			return ws[i].page < ws[j].page
		}
		if math.Abs(ws[i].yMin-ws[j].yMin) > 0.3 {
			return ws[i].yMin < ws[j].yMin
		}
		return ws[i].xMin < ws[j].xMin
	})
	var out []pdfLine
	for _, w := range ws {
		if n := len(out); n > 0 && out[n-1].page == w.page && math.Abs(out[n-1].yMin-w.yMin) <= 0.3 {
			out[n-1].text += " " + w.text
			out[n-1].yMax = max(out[n-1].yMax, w.yMax)
			continue
		}
		out = append(out, pdfLine{page: w.page, xMin: w.xMin, yMin: w.yMin, yMax: w.yMax, text: w.text})
	}
	return out
}

// TestTypography checks issue 9's typography in the reference letter as pdftotext reads it:
// one left edge at 25 mm for letterhead, address, subject and body; body lines 11 pt apart
// times 1.3; paragraphs 0.6 em apart; at most 80 characters a line on average; the subject
// larger than the section heading.
func TestTypography(t *testing.T) {
	d := testdoc.Reference()
	if d.Page != render.A4 {
		t.Fatalf("the reference letter's page is %+v, not render.A4", d.Page)
	}
	ws := layoutWords(t, writePDF(t, mustRender(t, d)))
	lines := linesOf(ws)
	find := func(prefix string) pdfLine {
		t.Helper()
		for _, ln := range lines {
			if strings.HasPrefix(ln.text, prefix) {
				return ln
			}
		}
		t.Fatalf("no line starts with %q", prefix)
		return pdfLine{}
	}
	const edge = 25.0
	for _, prefix := range []string{"Aarhus Kommune", "Søren Ærbø Møller", "Afgørelse om boligstøtte", "Kære Søren", "Oversigt over"} {
		if ln := find(prefix); math.Abs(ln.xMin-edge) > 0.5 {
			t.Errorf("%q starts at %.1f mm, want the one left edge at %.0f mm", prefix, ln.xMin, edge)
		}
	}

	// Body lines: the first paragraph (six lines on the measure).
	first := find("Aarhus Kommune har modtaget")
	var para []pdfLine
	for _, ln := range lines {
		if ln.page == first.page && ln.yMin >= first.yMin-0.1 && ln.yMin < first.yMin+30 {
			para = append(para, ln)
		}
	}
	pitch := render.DefaultFontSize * bodyLeading * ptMM
	for i := 1; i < len(para) && !strings.HasPrefix(para[i].text, "Vi har beregnet"); i++ {
		if got := para[i].yMin - para[i-1].yMin; math.Abs(got-pitch) > 0.05 {
			t.Errorf("body line %d is %.2f mm below the one before, want %.2f mm (11 pt x 1.3)", i, got, pitch)
		}
	}
	next := find("Vi har beregnet din boligstøtte")
	prev := para[0]
	for _, ln := range para {
		if ln.yMin < next.yMin-0.1 {
			prev = ln
		}
	}
	if got, want := next.yMin-prev.yMin, pitch+paraGapEm*render.DefaultFontSize*ptMM; math.Abs(got-want) > 0.05 {
		t.Errorf("paragraphs are %.2f mm apart (line to line), want %.2f mm (a line and 0.6 em)", got, want)
	}

	// The measure: full lines of the body paragraphs (not their last lines) hold at most 80
	// characters on average.
	var chars, full int
	for _, p := range d.Body {
		par, ok := p.(*render.Paragraph)
		if !ok {
			continue
		}
		l, err := newLayout(d, nil)
		if err != nil {
			t.Fatal(err)
		}
		sp := spans(par.Runs, regular, black)
		ls := l.ts.breakLines(sp, l.size, l.contentW)
		for _, ln := range lineTexts(ls[:max(len(ls)-1, 0)]) {
			chars += utf8.RuneCountInString(ln)
			full++
		}
	}
	if full < 10 {
		t.Fatalf("only %d full lines to measure", full)
	}
	avg := float64(chars) / float64(full)
	if avg > 80 || avg < 65 {
		t.Errorf("full body lines hold %.1f characters on average, want 65 to 80", avg)
	}
	t.Logf("%d full body lines, %.1f characters on average", full, avg)

	// The subject is the strongest heading: taller type than the section heading.
	subj, head := find("Afgørelse om boligstøtte"), find("Oversigt over udbetalinger")
	if sh, hh := subj.yMax-subj.yMin, head.yMax-head.yMin; sh <= hh*1.1 {
		t.Errorf("the subject's type is %.2f mm tall, the section heading's %.2f mm: the subject must be the larger", sh, hh)
	}
	if subjectScale <= headingScale[0] {
		t.Errorf("subjectScale %.2f is not above the largest heading's %.2f", subjectScale, headingScale[0])
	}
}
