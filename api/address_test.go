package api

import (
	"html"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/worker"
)

// Recipient names of 62 and 100 characters: real names are that long.
const (
	addressName62  = "Anne-Sofie Margrethe Wąsowicz-Dvořák Kristoffersen-Vestergaard"
	addressName100 = "Anne-Sofie Margrethe Wąsowicz-Dvořák Kristoffersen-Vestergaard Frederiksen-Schou og Jens Ole Nielsen"
)

// TestSubmitAddress: through POST /v1/letters, a recipient address that cannot fit the envelope
// window even wrapped at 8 pt is a 422 naming the case data field to shorten and saying how,
// and queues nothing; names of 62 and 100 characters are accepted (202), and the worker's PDF
// has the whole address inside the window, at one size (pdftotext -bbox).
func TestSubmitAddress(t *testing.T) {
	pdftotext := testenv.Need(t, "pdftotext")[0]
	if utf8.RuneCountInString(addressName62) != 62 || utf8.RuneCountInString(addressName100) != 100 {
		t.Fatal("the test names are not of 62 and 100 characters")
	}
	e := newEnv(t)
	e.runWorker(t)
	const tmpl = "boligstoette-afgoerelse"
	letter := func(data string) string {
		return `{"template":"` + tmpl + `","formats":["pdf"],"data":` + data +
			`,"recipient":{"id":"0102031234","name":"Søren Ærbø Møller","address":["Åboulevarden 17","8000 Aarhus C"]}}`
	}

	t.Run("impossible", func(t *testing.T) {
		for _, tc := range []struct {
			name, field string
			edit        func(m map[string]any)
		}{
			{"name of 400 characters", "/data/recipient/name", func(m map[string]any) {
				sub(m, "recipient")["name"] = strings.Repeat(addressName100[:99]+" ", 4)
			}},
			{"street of 300 characters", "/data/recipient/street", func(m map[string]any) {
				sub(m, "recipient")["street"] = strings.Repeat("Frederikssundsvej 117B, 2. sal ", 10)
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.taskCount(t)
				r := e.post(t, "/v1/letters", letter(sampleData(t, tc.edit)), nil)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("POST: %d %s, want 422", r.status, r.body)
				}
				ae := r.apiError(t)
				found := false
				for _, p := range ae.Problems {
					if p.Path != tc.field {
						t.Errorf("problem at %s, want only %s: %s", p.Path, tc.field, p.Message)
						continue
					}
					found = true
					t.Logf("422: %s: %s", p.Path, p.Message)
					for _, want := range []string{"envelope window", "8 pt", "shorten it"} {
						if !strings.Contains(p.Message, want) {
							t.Errorf("message %q does not say %q", p.Message, want)
						}
					}
				}
				if !found {
					t.Errorf("no problem at %s: %s", tc.field, r.body)
				}
				if n := e.taskCount(t); n != before {
					t.Errorf("%d tasks queued by a refused letter", n-before)
				}
			})
		}
	})

	for _, name := range []string{addressName62, addressName100} {
		t.Run(strconv.Itoa(utf8.RuneCountInString(name))+" characters", func(t *testing.T) {
			data := sampleData(t, func(m map[string]any) { sub(m, "recipient")["name"] = name })
			r := e.post(t, "/v1/letters", letter(data), nil)
			if r.status != http.StatusAccepted {
				t.Fatalf("POST: %d %s, want 202", r.status, r.body)
			}
			var l letterBody
			r.json(t, &l)
			done := e.waitFinal(t, l.ID, tokenAarhus)
			if done.Status != worker.StatusDelivered {
				t.Fatalf("letter %s: %s %q", l.ID, done.Status, done.LastError)
			}
			pdf := e.get(t, "/v1/letters/"+l.ID+"/documents/pdf", tokenAarhus)
			if pdf.status != http.StatusOK {
				t.Fatalf("GET pdf: %d %s", pdf.status, pdf.body)
			}
			b, err := e.opts.Templates.Bundle("aarhus", tmpl)
			if err != nil {
				t.Fatal(err)
			}
			d, err := b.Document([]byte(data))
			if err != nil {
				t.Fatal(err)
			}
			checkWindow(t, pdftotext, pdf.body, d)
		})
	}
}

var (
	bboxPage = regexp.MustCompile(`<page width=`)
	bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// checkWindow checks that every word of d's recipient address is on page 1 of the PDF inside
// the envelope window, below the return address, and that all of them have one height.
func checkWindow(t *testing.T, pdftotext string, pdf []byte, d *render.Document) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-bbox", "-f", "1", "-l", "1", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	if len(bboxPage.FindAll(out, -1)) != 1 {
		t.Fatal("pdftotext -bbox shows no page")
	}
	w := d.Window
	if w == (render.Window{}) {
		w = render.DefaultWindow
	}
	const mmPt = 72 / 25.4
	x0, x1 := w.X*mmPt, (w.X+w.Width)*mmPt
	y0, y1 := (w.Y+render.ReturnZone)*mmPt, (w.Y+w.Height)*mmPt
	type box struct{ xMin, yMin, xMax, yMax float64 }
	inside := map[string][]box{}
	for _, m := range bboxWord.FindAllStringSubmatch(string(out), -1) {
		v := func(i int) float64 { f, _ := strconv.ParseFloat(m[i], 64); return f }
		b := box{v(1), v(2), v(3), v(4)}
		if b.xMin >= x0 && b.xMax <= x1 && b.yMin >= y0 && b.yMax <= y1 {
			text := html.UnescapeString(m[5])
			inside[text] = append(inside[text], b)
		}
	}
	var height float64
	for _, line := range d.Recipient {
		for _, word := range strings.Fields(line) {
			bs := inside[word]
			if len(bs) == 0 {
				t.Errorf("address word %q is not inside the window's address zone (%.0f,%.0f)-(%.0f,%.0f) pt", word, x0, y0, x1, y1)
				continue
			}
			h := bs[0].yMax - bs[0].yMin
			if height == 0 {
				height = h
			} else if math.Abs(h-height) > 0.01 {
				t.Errorf("address word %q is %.2f pt high, the first %.2f pt: the address is not at one size", word, h, height)
			}
		}
	}
}
