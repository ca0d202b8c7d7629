package pdf

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/phpdave11/gofpdf"

	"github.com/postbud/postbud/render"
)

func testTypesetter(t testing.TB) *typesetter {
	t.Helper()
	fs, err := chooseFonts(render.DefaultFont, []styledText{{text: "a", style: bold}})
	if err != nil {
		t.Fatal(err)
	}
	return &typesetter{fonts: fs}
}

func lineTexts(ls []line) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		for _, p := range l.pieces {
			out[i] += p.text
		}
	}
	return out
}

func TestBreakLines(t *testing.T) {
	ts := testTypesetter(t)
	wide := ts.measure("aaaa bbbb", regular, 10) + 0.01
	for _, tc := range []struct {
		name  string
		spans []span
		maxW  float64
		want  []string
	}{
		{"fits", []span{{text: "aaaa bbbb"}}, wide, []string{"aaaa bbbb"}},
		{"breaks at space", []span{{text: "aaaa bbbb cccc"}}, wide, []string{"aaaa bbbb", "cccc"}},
		{"spaces collapse and trim", []span{{text: "  aaaa    bbbb  "}}, wide, []string{"aaaa bbbb"}},
		{"hard break", []span{{text: "aa\nbb"}}, wide, []string{"aa", "bb"}},
		{"blank line", []span{{text: "aa\n\nbb"}}, wide, []string{"aa", "", "bb"}},
		{"word across runs stays whole", []span{{text: "aaaa bb"}, {text: "bb", style: bold}, {text: "b"}}, wide, []string{"aaaa", "bbbbb"}},
		{"long word split", []span{{text: strings.Repeat("x", 30)}}, ts.measure("xxxxxxxxxx", regular, 10) + 0.01,
			[]string{"xxxxxxxxxx", "xxxxxxxxxx", "xxxxxxxxxx"}},
		{"empty", []span{{text: ""}}, wide, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls := ts.breakLines(tc.spans, 10, tc.maxW)
			if diff := cmp.Diff(tc.want, lineTexts(ls)); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			for i, l := range ls {
				if l.w > tc.maxW+1e-9 {
					t.Errorf("line %d is %.3f mm wide, max %.3f", i, l.w, tc.maxW)
				}
			}
		})
	}
}

// TestWidthsMatchGofpdf checks that our advance widths are the ones gofpdf uses to place glyphs,
// so that pieces of a line drawn separately join without gaps or overlaps.
func TestWidthsMatchGofpdf(t *testing.T) {
	const text = "Søren Ærbø Møller, Wąsowicz-Dvořák: 1.234,50 kr. – «Γιώργος» €"
	for _, set := range families[render.DefaultFont].sets[1:] {
		for s := regular; s <= boldItalic; s++ {
			f, err := set.face(s)
			if err != nil {
				t.Fatal(err)
			}
			pdf := gofpdf.New("P", "mm", "A4", "")
			pdf.AddUTF8FontFromBytes("x", "", bytes.Clone(f.data))
			pdf.SetFont("x", "", 10)
			want := pdf.GetStringWidth(text)
			got := float64(f.width(text)) * 10 / 1000 * ptMM
			if d := want - got; d > 1e-9 || d < -1e-9 {
				t.Errorf("%s: width %.6f mm, gofpdf %.6f mm", f.file, got, want)
			}
		}
	}
}

// FuzzRender feeds arbitrary text to every part of a letter: Render must return a PDF or an
// error, never panic, and a PDF must contain every word that the fonts can draw.
func FuzzRender(f *testing.F) {
	f.Add("Kære Søren", "fed\ntekst", "https://borger.dk", 3)
	f.Add("Γιώργος 😀", "", "", 0)
	f.Add(strings.Repeat("x", 500), "a\r\nb\tc\u00ad", "", 40)
	f.Fuzz(func(t *testing.T, a, b, link string, rows int) {
		rows = max(0, min(rows, 30))
		tbl := &render.Table{Header: []render.Cell{{Runs: []render.Run{{Text: a}}}}}
		for range rows {
			tbl.Rows = append(tbl.Rows, []render.Cell{{Runs: []render.Run{{Text: b}}}, {Runs: []render.Run{{Text: a, Bold: true}}}})
		}
		d := &render.Document{
			Recipient: []string{a},
			Subject:   b,
			Footer:    a,
			PageLabel: "{page}/{pages}",
			Body: []render.Block{
				&render.Heading{Level: rows - 3, Runs: []render.Run{{Text: a}}},
				&render.Paragraph{Runs: []render.Run{{Text: a}, {Text: b, Italic: true}, {Text: a, Link: link}}},
				&render.List{Ordered: rows%2 == 0, Start: rows, Items: [][]render.Block{{&render.Paragraph{Runs: []render.Run{{Text: b}}}}}},
				tbl,
			},
		}
		out, err := Render(d)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(out, []byte("%PDF-")) {
			t.Fatalf("output does not start with %%PDF-: %q", out[:min(len(out), 10)])
		}
	})
}

// TestBreakLinesPieces checks what the copy-free merging of pieces must keep: each piece's text
// is what the old concatenation gave (words, single spaces between, of one span), its width
// the sum of its parts, and widestLine equals the widest line breakLines makes without a limit.
func TestBreakLinesPieces(t *testing.T) {
	ts := testTypesetter(t)
	cases := [][]span{
		{{text: "Aarhus Kommune har modtaget din ansøgning om boligstøtte den 2. november 2026."}},
		{{text: "two  spaces   and\nnew\n\nlines  "}, {text: " bold  part", style: bold}, {text: "tail"}},
		{{text: "glued"}, {text: "Together", style: bold}, {text: " and  apart "}},
		{{text: "Supercalifragilisticexpialidociousandthensome øæå words"}},
		{{text: " "}, {text: "\n"}, {text: ""}},
	}
	for _, sp := range cases {
		for _, maxW := range []float64{8, 20, 60, 1e9} {
			lines := ts.breakLines(sp, 10, maxW)
			for _, ln := range lines {
				var w float64
				for _, p := range ln.pieces {
					w += p.w
					src := sp[p.span].text
					if p.end >= 0 && src[p.end-len(p.text):p.end] != p.text {
						t.Errorf("piece %q claims to end at %d of %q", p.text, p.end, src)
					}
					if strings.Contains(p.text, "  ") || strings.Contains(p.text, "\n") {
						t.Errorf("piece %q holds a run of spaces or a line break", p.text)
					}
				}
				if d := w - ln.w; d > 1e-9 || d < -1e-9 {
					t.Errorf("line %v: pieces are %v wide, the line %v", lineTexts([]line{ln}), w, ln.w)
				}
			}
		}
		var widest float64
		for _, ln := range ts.breakLines(sp, 10, math.Inf(1)) {
			widest = max(widest, ln.w)
		}
		if got := ts.widestLine(sp, 10); got != widest {
			t.Errorf("widestLine(%q) = %v, breakLines gives %v", sp, got, widest)
		}
	}
}
