package pdf

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/render"
)

// pagesDoc is the reference letter's frame with a tagged subject and a body of tagged lines of
// every kind PageLines counts, n filler paragraph lines first, so that the page breaks fall in
// different places.
func pagesDoc(n int) *render.Document {
	cell := func(s string) render.Cell { return render.Cell{Runs: []render.Run{{Text: s}}} }
	rows := make([][]render.Cell, 30)
	for i := range rows {
		rows[i] = []render.Cell{cell(fmt.Sprintf("R%dL1 periode", i+1)), cell("beløb")}
	}
	d := paginationDoc(
		tagged("P1", n),
		&render.Heading{Level: 1, Runs: []render.Run{{Text: "H1L1 Overskrift"}}},
		tagged("P2", 5),
		&render.List{Items: [][]render.Block{{tagged("P3", 2)}, {tagged("P4", 1)}}},
		&render.Table{Columns: []render.Column{{}, {Align: render.AlignRight}}, Header: []render.Cell{cell("T0L1 Periode"), cell("Beløb")}, Rows: rows},
		tagged("P5", 3),
		&render.Signature{Greeting: "S0L1 Med venlig hilsen", Name: "S0L2 Navn", Title: "S0L3 Titel"},
	)
	d.Subject = "H0L1 Emne"
	return d
}

// TestPageLinesMatchesPDF checks PageLines against the rendered PDF: on each page, the lines
// pdftotext -layout shows that start with a tag are the lines PageLines counts (the letter
// parts, running head and footer carry no tag; a list item may start with its bullet).
func TestPageLinesMatchesPDF(t *testing.T) {
	tag := regexp.MustCompile(`^\s*(\S{1,2}\s+)?[PHRST]\d+L\d+\b`)
	for _, n := range []int{1, 20, 38, 52, 70} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			d := pagesDoc(n)
			got, err := PageLines(d)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, writePDF(t, mustRender(t, d)), "-layout")
			pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
			want := make([]int, len(pages))
			for i, p := range pages {
				for ln := range strings.SplitSeq(p, "\n") {
					if tag.MatchString(ln) {
						want[i]++
					}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("lines per page (-pdftotext +PageLines):\n%s", diff)
			}
			if len(got) < 2 {
				t.Errorf("the letter has %d page; the test needs page breaks", len(got))
			}
		})
	}
}

func TestPageLinesErrors(t *testing.T) {
	if _, err := PageLines(nil); err == nil {
		t.Error("PageLines(nil): no error")
	}
	d := pagesDoc(1)
	d.FontSize = 40
	if _, err := PageLines(d); err == nil || !strings.Contains(err.Error(), "font size") {
		t.Errorf("PageLines with a 40 pt font: error %v, want one about the font size", err)
	}
}
