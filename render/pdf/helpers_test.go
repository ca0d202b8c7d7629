package pdf

import (
	"bytes"
	"flag"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// mmPt converts millimetres to PDF points.
const mmPt = 72 / 25.4

func mustRender(t testing.TB, d *render.Document) []byte {
	t.Helper()
	b, err := Render(d)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b
}

func writePDF(t testing.TB, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	testenv.Need(t, name)
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("%s %v complained: %s", name, args, stderr.String())
	}
	return string(out)
}

// pdfText is pdftotext's text of the PDF at path (all pages, or the range args give).
func pdfText(t testing.TB, path string, args ...string) string {
	return run(t, "pdftotext", append(append(args, path), "-")...)
}

func pageCount(t testing.TB, path string) int {
	info := run(t, "pdfinfo", path)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo shows no page count:\n%s", info)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// word is one word box from pdftotext -bbox, in points from the page's top-left corner.
type word struct {
	page                   int
	xMin, yMin, xMax, yMax float64
	text                   string
}

var (
	pageRe = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	wordRe = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

func boxes(t testing.TB, path string) []word {
	out := pdfText(t, path, "-bbox")
	var words []word
	page := 0
	for _, ln := range strings.Split(out, "\n") {
		if pageRe.MatchString(ln) {
			page++
			continue
		}
		m := wordRe.FindStringSubmatch(ln)
		if m == nil {
			continue
		}
		f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
		words = append(words, word{page: page, xMin: f(m[1]), yMin: f(m[2]), xMax: f(m[3]), yMax: f(m[4]), text: html.UnescapeString(m[5])})
	}
	return words
}

func sorted(ws []string) []string {
	out := append([]string(nil), ws...)
	sort.Strings(out)
	return out
}

// expectedWords is every word a reader sees in the rendering of d over n pages: the document's
// text (d.Text) with what the PDF adds to it: the return address in the window, the colon after
// each detail's label, list markers, and the footer and page label on every page.
func expectedWords(d *render.Document, n int) []string {
	text := d.Text()
	for _, dt := range d.Details {
		text = strings.Replace(text, dt.Label+" "+dt.Value, dt.Label+": "+dt.Value, 1)
	}
	words := render.Words(text)
	words = append(words, render.Words(d.Letterhead.ReturnAddress())...)
	var markers func(bs []render.Block)
	markers = func(bs []render.Block) {
		for _, b := range bs {
			if l, ok := b.(*render.List); ok {
				start := l.Start
				if start == 0 {
					start = 1
				}
				for i, it := range l.Items {
					if l.Ordered {
						words = append(words, strconv.Itoa(start+i)+".")
					} else {
						words = append(words, "•")
					}
					markers(it)
				}
			}
		}
	}
	markers(d.Body)
	for p := 1; p <= n; p++ {
		if p > 1 {
			words = append(words, render.Words(d.Footer)...)
			// The running head: name and case number, and the page label again.
			words = append(words, render.Words(headText(d))...)
			words = append(words, render.Words(label(d, p, n))...)
		}
		words = append(words, render.Words(label(d, p, n))...)
	}
	return words
}

func label(d *render.Document, page, pages int) string {
	return strings.NewReplacer("{page}", strconv.Itoa(page), "{pages}", strconv.Itoa(pages)).Replace(d.PageLabel)
}

// checkXref verifies that startxref points at the cross-reference table and every entry at its
// object, which the fork's PDF/A additions (the CIDSet inserted after a font is written) must
// keep true.
func checkXref(t testing.TB, b []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref at the end of the file")
	}
	off, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[off:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table: %q", off, b[off:min(len(b), off+20)])
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(b[off:], -1)
	if len(entries) == 0 {
		t.Fatal("xref table has no entries")
	}
	for i, e := range entries {
		o, _ := strconv.Atoi(string(e[1]))
		want := fmt.Sprintf("%d 0 obj", i+1)
		if !bytes.HasPrefix(b[o:], []byte(want)) {
			t.Errorf("xref entry %d points at %q, want %q", i+1, b[o:min(len(b), o+12)], want)
		}
	}
}

// dropRepeats removes from got the extra copies of the words of a repeated table header, so that
// the rest can be compared with the document's words; it returns how many copies it dropped.
func dropRepeats(got, want, header []string) ([]string, int) {
	count := func(ws []string, w string) int {
		n := 0
		for _, x := range ws {
			if x == w {
				n++
			}
		}
		return n
	}
	extra := map[string]int{}
	copies := 0
	for _, h := range header {
		extra[h] = count(got, h) - count(want, h)
		copies = extra[h]
	}
	var out []string
	for _, w := range got {
		if extra[w] > 0 {
			extra[w]--
			continue
		}
		out = append(out, w)
	}
	return out, copies
}
