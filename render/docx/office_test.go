package docx

import (
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
)

// TestLibreOffice converts rendered letters to PDF with LibreOffice and checks what a reader
// sees: every word, the page footer with the real page count, the table header on every page the
// table spans, list numbers, the page break and the address in the envelope window.
func TestLibreOffice(t *testing.T) {
	tools := testenv.Need(t, "pdftotext", "pdfinfo")
	pdftotext, pdfinfo := tools[0], tools[1]
	if testing.Short() {
		t.Skip("LibreOffice takes seconds to start; skipped in -short mode")
	}
	cases := []namedDoc{{"reference", testdoc.Reference()}, {"long", testdoc.Long(40, 60)}, {"features", features(t)}}
	dir := t.TempDir()
	var paths []string
	for _, c := range cases {
		data, err := Render(c.doc)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, c.name+".docx")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	pdfs := testenv.ConvertToPDF(t, paths...)

	run := func(t *testing.T, name string, args ...string) string {
		t.Helper()
		out, err := exec.Command(name, args...).Output()
		if err != nil {
			t.Fatalf("%s %s: %v", filepath.Base(name), strings.Join(args, " "), err)
		}
		return string(out)
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pdf := pdfs[i]
			m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(run(t, pdfinfo, pdf))
			if m == nil {
				t.Fatalf("pdfinfo %s: no page count", pdf)
			}
			n, _ := strconv.Atoi(m[1])
			t.Logf("%s: %d pages", c.name, n)

			// -layout keeps table rows on one line and does not join words hyphenated at a line end.
			// A line may break after a word's own hyphen ("CPR-" / "registret"): join those again.
			all := lineEndHyphen.ReplaceAllString(run(t, pdftotext, "-enc", "UTF-8", "-layout", pdf, "-"), "-")
			for _, w := range testdoc.Words(c.doc) {
				if !strings.Contains(all, w) {
					t.Errorf("word %q of the document is not in the PDF text", w)
				}
			}
			// From the subject on, the text flows in one column: the words come in order. Table
			// cells wrap onto several lines side by side, so tables are left out of this check.
			flow := &render.Document{Subject: c.doc.Subject, Footer: c.doc.Footer}
			for _, b := range c.doc.Body {
				if _, ok := b.(*render.Table); !ok {
					flow.Body = append(flow.Body, b)
				}
			}
			if miss := missingInOrder(all, testdoc.Words(flow)); miss != "" {
				t.Errorf("body word missing or out of order in the PDF text: %s", miss)
			}

			pages := make([]string, n+1)
			for pg := 1; pg <= n; pg++ {
				pages[pg] = run(t, pdftotext, "-enc", "UTF-8", "-layout", "-f", strconv.Itoa(pg), "-l", strconv.Itoa(pg), pdf, "-")
				if want := fmt.Sprintf("Side %d af %d", pg, n); !strings.Contains(pages[pg], want) {
					t.Errorf("page %d: footer %q missing; page text ends:\n%s", pg, want, tail(pages[pg], 300))
				}
			}
			switch c.name {
			case "long":
				header := regexp.MustCompile(`Periode\s+Beskrivelse\s+Beløb`)
				spans := 0
				for pg := 1; pg <= n; pg++ {
					if !strings.Contains(pages[pg], "(række ") {
						continue
					}
					spans++
					if !header.MatchString(pages[pg]) {
						t.Errorf("page %d holds table rows but not the table header", pg)
					}
				}
				if spans < 2 {
					t.Errorf("the 60-row table spans %d pages, want at least 2 for this test to mean something", spans)
				}
			case "features":
				for _, re := range []string{`3\.\s+Tredje punkt`, `4\.\s+Fjerde punkt`, `•\s+Indrykket punkt`, `1\.\s+Første igen`, `2\.\s+Andet igen`} {
					if !regexp.MustCompile(re).MatchString(all) {
						t.Errorf("list item %s not in the PDF text", re)
					}
				}
				if n != 2 || !strings.Contains(pages[1], "a1") || !strings.Contains(pages[2], "Efter sideskift.") {
					t.Errorf("page break: want the table on page 1 and %q on page 2 of 2, got %d pages", "Efter sideskift.", n)
				}
			case "reference":
				checkWindow(t, run(t, pdftotext, "-enc", "UTF-8", "-bbox", "-f", "1", "-l", "1", pdf, "-"), c.doc)
			}
		})
	}
}

var lineEndHyphen = regexp.MustCompile(`-\n\s*`)

func tail(s string, n int) string { return s[max(len(s)-n, 0):] }

// checkWindow checks on page 1 that the return address lies in the window's return zone, the
// recipient below it inside the window, and the details to the right of the window, within
// detailsEdge of the page's right edge.
func checkWindow(t *testing.T, bbox string, d *render.Document) {
	t.Helper()
	var page struct {
		Words []struct {
			XMin float64 `xml:"xMin,attr"`
			YMin float64 `xml:"yMin,attr"`
			XMax float64 `xml:"xMax,attr"`
			YMax float64 `xml:"yMax,attr"`
			Text string  `xml:",chardata"`
		} `xml:"body>doc>page>word"`
	}
	dec := xml.NewDecoder(strings.NewReader(bbox))
	dec.Strict = false // pdftotext writes an XHTML doctype
	if err := dec.Decode(&page); err != nil {
		t.Fatalf("decode pdftotext -bbox: %v", err)
	}
	const pt = 25.4 / 72 // mm
	inside := func(x0, y0, x1, y1 float64) map[string]int {
		got := map[string]int{}
		for _, w := range page.Words {
			if w.XMin*pt >= x0-0.5 && w.XMax*pt <= x1+0.5 && w.YMin*pt >= y0-0.5 && w.YMax*pt <= y1+0.5 {
				got[w.Text]++
			}
		}
		return got
	}
	win := render.DefaultWindow
	check := func(what string, lines []string, got map[string]int) {
		for _, w := range render.Words(strings.Join(lines, " ")) {
			if got[w] == 0 {
				t.Errorf("%s word %q is not inside its area on page 1; words there: %v", what, w, got)
			}
			got[w]--
		}
	}
	check("return address", []string{d.Letterhead.ReturnAddress()},
		inside(win.X, win.Y, win.X+win.Width, win.Y+render.ReturnZone))
	check("recipient", d.Recipient,
		inside(win.X, win.Y+render.ReturnZone, win.X+win.Width, win.Y+win.Height))
	var details []string
	for _, dt := range d.Details {
		details = append(details, dt.Label+": "+dt.Value)
	}
	// The information block may reach past a wide right margin, to detailsEdge from the page's edge.
	check("details", details,
		inside(win.X+win.Width, win.Y, d.Page.Width-detailsEdge, win.Y+win.Height))
}
