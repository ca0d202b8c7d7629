package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render"
)

func TestReferenceLetter(t *testing.T) {
	d := testdoc.Reference()
	b := mustRender(t, d)
	path := writePDF(t, b)
	// Two pages at 11 pt on the 80-character measure: the table, the list and the signature
	// go on page 2, under the running head.
	if n := pageCount(t, path); n != 2 {
		t.Fatalf("reference letter has %d pages, want 2", n)
	}
	text := pdfText(t, path)
	if !strings.Contains(text, "Side 1 af 2") || !strings.Contains(text, "Side 2 af 2") {
		t.Errorf("page labels %q, %q missing from:\n%s", "Side 1 af 2", "Side 2 af 2", text)
	}
	if diff := cmp.Diff(sorted(expectedWords(d, 2)), sorted(render.Words(text))); diff != "" {
		t.Errorf("words (-want +got):\n%s", diff)
	}
	golden := filepath.Join("testdata", "reference.txt")
	layout := pdfText(t, path, "-layout")
	if *update {
		if err := os.WriteFile(golden, []byte(layout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), layout); diff != "" {
		t.Errorf("pdftotext -layout differs from %s (-want +got); if intended, run go test -update:\n%s", golden, diff)
	}
}

func TestRecipientInWindow(t *testing.T) {
	for _, tc := range []struct {
		name string
		win  render.Window
		long bool // a street line wider than the window at body size: set smaller, not lost
	}{
		{"default window", render.Window{}, false},
		{"window further right", render.Window{X: 100, Y: 40, Width: 90, Height: 45}, false},
		{"long street line", render.Window{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testdoc.Reference()
			d.Window = tc.win
			if tc.long {
				d.Recipient[1] = "c/o Wąsowicz-Dvořák, Frederikssundsvej 117B, 2. sal"
			}
			w := tc.win
			if w == (render.Window{}) {
				w = render.DefaultWindow
			}
			if w.X > 60 { // the details go below the window then; keep the letter on one page
				d.Details = d.Details[:1]
			}
			ws := boxes(t, writePDF(t, mustRender(t, d)))
			// The recipient zone: the window below the return address.
			x0, x1 := w.X*mmPt, (w.X+w.Width)*mmPt
			y0, y1 := (w.Y+render.ReturnZone)*mmPt, (w.Y+w.Height)*mmPt
			for _, line := range d.Recipient {
				for _, want := range strings.Fields(line) {
					found := false
					for _, b := range ws {
						if b.page == 1 && b.text == want && b.xMin >= x0 && b.xMax <= x1 && b.yMin >= y0 && b.yMax <= y1 {
							found = true
							break
						}
					}
					if !found {
						t.Errorf("recipient word %q not inside the window's address zone (%.0f,%.0f)-(%.0f,%.0f) pt", want, x0, y0, x1, y1)
					}
				}
			}
			// The return address sits in the top zone of the window.
			for _, b := range ws {
				if b.text == "Rådhuspladsen" && b.yMax <= (w.Y+render.ReturnZone)*mmPt && b.yMin >= w.Y*mmPt {
					return
				}
			}
			t.Errorf("return address not in the window's top %.1f mm", render.ReturnZone)
		})
	}
}

// TestLongLetterFlows renders a letter of about 40 pages and checks that no word is lost, that
// every page has its label, and that body text stays within the margins, clear of the footer.
func TestLongLetterFlows(t *testing.T) {
	d := testdoc.Long(500, 150)
	path := writePDF(t, mustRender(t, d))
	n := pageCount(t, path)
	if n < 35 {
		t.Fatalf("long letter has %d pages, want about 40", n)
	}
	want := expectedWords(d, n)
	got, _ := dropRepeats(render.Words(pdfText(t, path)), want, []string{"Periode", "Beskrivelse", "Beløb"})
	if diff := cmp.Diff(sorted(want), sorted(got)); diff != "" {
		t.Errorf("words (-want +got):\n%s", diff)
	}
	p := d.Page
	left, right := p.Left*mmPt-0.5, (p.Width-p.Right)*mmPt+0.5
	top, limit := p.Top*mmPt-0.5, (p.Height-p.Bottom)*mmPt
	footer := map[int][]string{}
	for _, b := range boxes(t, path) {
		right := right
		if w := render.DefaultWindow; b.page == 1 && b.xMin >= infoBlockX*mmPt-0.5 && b.yMax <= (w.Y+w.Height)*mmPt {
			right = (p.Width-infoEdge)*mmPt + 0.5 // the information block: DIN 5008's 125 to 200 mm
		}
		if b.xMin < left || b.xMax > right || b.yMin < top {
			t.Errorf("page %d: word %q at (%.1f,%.1f)-(%.1f,%.1f) pt lies outside the margins", b.page, b.text, b.xMin, b.yMin, b.xMax, b.yMax)
		}
		if b.yMax > limit {
			footer[b.page] = append(footer[b.page], b.text)
		}
	}
	for page := 1; page <= n; page++ {
		want := append(render.Words(d.Footer), render.Words(label(d, page, n))...)
		if diff := cmp.Diff(want, footer[page]); diff != "" {
			t.Errorf("page %d: words below the text area (-want footer +got):\n%s", page, diff)
		}
	}
}

func TestTableHeaderRepeats(t *testing.T) {
	d := testdoc.Letter(testdoc.Paragraphs[:1], 500)
	path := writePDF(t, mustRender(t, d))
	n := pageCount(t, path)
	if n < 5 {
		t.Fatalf("500-row table letter has %d pages, want more", n)
	}
	header := regexp.MustCompile(`Periode\s+Beskrivelse\s+Beløb`)
	first, last := 0, 0
	for page := 1; page <= n; page++ {
		text := pdfText(t, path, "-layout", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page))
		if strings.Contains(text, "(række ") {
			if first == 0 {
				first = page
			}
			last = page
			if !header.MatchString(text) {
				t.Errorf("page %d holds table rows but no header:\n%s", page, text)
			}
			if got := len(header.FindAllString(text, -1)); got != 1 {
				t.Errorf("page %d has the header %d times, want 1", page, got)
			}
		}
	}
	if first != 1 || last < n-1 {
		t.Errorf("table spans pages %d-%d of %d, want 1 to at least %d", first, last, n, n-1)
	}
	want := expectedWords(d, n)
	got, copies := dropRepeats(render.Words(pdfText(t, path)), want, []string{"Periode", "Beskrivelse", "Beløb"})
	if copies != last-first {
		t.Errorf("header repeated %d times on %d continuation pages", copies, last-first)
	}
	if diff := cmp.Diff(sorted(want), sorted(got)); diff != "" {
		t.Errorf("words (-want +got):\n%s", diff)
	}
}

func TestFontsAndMetadata(t *testing.T) {
	d := testdoc.Reference()
	d.Meta.Keywords = []string{"boligstøtte", "afgørelse"}
	b := mustRender(t, d)
	checkXref(t, b)
	path := writePDF(t, b)

	fonts := run(t, "pdffonts", path)
	rows := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
	var names []string
	for _, r := range rows {
		f := strings.Fields(r)
		names = append(names, f[0])
		// name type(2 words) encoding emb sub uni object ID. The Latin subset fonts are embedded
		// whole (fonts.go), under their PostScript names.
		if emb, sub, uni := f[len(f)-5], f[len(f)-4], f[len(f)-3]; emb != "yes" || sub != "no" || uni != "yes" {
			t.Errorf("font %s: emb=%s sub=%s uni=%s, want embedded whole with ToUnicode", f[0], emb, sub, uni)
		}
	}
	for _, want := range []string{"PostbudSansLatin-Regular", "PostbudSansLatin-Bold", "PostbudSansLatin-Italic"} {
		if !slices.Contains(names, want) {
			t.Errorf("pdffonts lists no %s:\n%s", want, fonts)
		}
	}
	if len(names) != 3 {
		t.Errorf("fonts %v, want regular, bold and italic only", names)
	}

	info := run(t, "pdfinfo", "-isodates", path)
	for _, want := range []string{
		"Title:           Afgørelse om boligstøtte",
		"Subject:         Afgørelse om boligstøtte",
		"Keywords:        boligstøtte, afgørelse",
		"Author:          Aarhus Kommune",
		"Creator:         postbud test",
		"CreationDate:    2026-11-23T00:00:00Z",
		"ModDate:         2026-11-23T00:00:00Z",
		"Pages:           2",
		"Page size:       595.28 x 841.89 pts (A4)",
	} {
		if !strings.Contains(info, want+"\n") {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if !bytes.Contains(b, []byte("/Type /Catalog\n/Lang (da)")) {
		t.Error("catalog has no /Lang (da)")
	}
}

func TestInlineRuns(t *testing.T) {
	d := &render.Document{
		Recipient: []string{"Test Testesen"},
		Body: []render.Block{&render.Paragraph{Runs: []render.Run{
			{Text: "Plain, "}, {Text: "fed", Bold: true}, {Text: " and "},
			{Text: "kursiv fed", Bold: true, Italic: true}, {Text: ", see "},
			{Text: "borger.dk", Link: "https://www.borger.dk/x?a=1&b=(2)"}, {Text: ".\nNew line."},
		}}},
	}
	b := mustRender(t, d)
	path := writePDF(t, b)
	fonts := run(t, "pdffonts", path)
	for _, want := range []string{"-Regular ", "-Bold ", "-BoldItalic "} {
		if !strings.Contains(fonts, want) {
			t.Errorf("pdffonts lacks a font named *%s:\n%s", want, fonts)
		}
	}
	if strings.Contains(fonts, "-Italic ") {
		t.Errorf("the italic style is embedded though no run uses it:\n%s", fonts)
	}
	if !regexp.MustCompile(`/Subtype /Link[^>]*/A <</S /URI /URI \(https://www.borger.dk/x\?a=1&b=\\\(2\\\)\)>>`).Match(b) &&
		!bytes.Contains(b, []byte(`/URI (https://www.borger.dk/x?a=1&b=\(2\))`)) {
		t.Errorf("no /URI link annotation for the link run")
	}
	var lines []string
	for _, ln := range strings.Split(pdfText(t, path), "\n") {
		if strings.Contains(ln, "Plain") || strings.Contains(ln, "New line") {
			lines = append(lines, ln)
		}
	}
	want := []string{"Plain, fed and kursiv fed, see borger.dk.", "New line."}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("paragraph lines (-want +got):\n%s", diff)
	}
}

func TestHeavyLetter(t *testing.T) {
	d := testdoc.Heavy()
	path := writePDF(t, mustRender(t, d))
	text := pdfText(t, path)
	for _, want := range []string{"Łukasz", "Wąsowicz-Dvořák", "Šťastná", "Γιώργος", "Παπαδόπουλος", "ěščřžýáíé", "ŁŚŻŹĆŃ."} {
		if !strings.Contains(text, want) {
			t.Errorf("%q missing from the extracted text", want)
		}
	}
	n := pageCount(t, path)
	if diff := cmp.Diff(sorted(expectedWords(d, n)), sorted(render.Words(text))); diff != "" {
		t.Errorf("words (-want +got):\n%s", diff)
	}
	if fonts := run(t, "pdffonts", path); !regexp.MustCompile(`(?m)^[A-Z]{6}\+LiberationSans `).MatchString(fonts) {
		t.Errorf("a letter with Greek must use the full Liberation Sans:\n%s", fonts)
	}
}

func TestMissingGlyph(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"emoji", "Tak for din henvendelse 😀", "U+1F600"},
		{"CJK", "中文", "U+4E2D"},
		{"control character", "bell\x07", "U+0007"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testdoc.Reference()
			d.Body = append(d.Body, &render.Paragraph{Runs: []render.Run{{Text: tc.text}}})
			_, err := Render(d)
			if err == nil {
				t.Fatalf("Render succeeded; want an error naming %s", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "paragraph") {
				t.Errorf("error %q does not name %s and where it is", err, tc.want)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	d := testdoc.Reference()
	first := mustRender(t, d)
	if again := mustRender(t, testdoc.Reference()); !bytes.Equal(first, again) {
		t.Fatal("two renders of the same document differ")
	}
	const n = 16
	outs := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc := testdoc.Reference()
			if i%2 == 1 {
				doc = testdoc.Heavy()
			}
			outs[i], errs[i] = Render(doc)
		}()
	}
	wg.Wait()
	heavy := mustRender(t, testdoc.Heavy())
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("render %d: %v", i, errs[i])
		}
		want := first
		if i%2 == 1 {
			want = heavy
		}
		if !bytes.Equal(outs[i], want) {
			t.Errorf("concurrent render %d differs from a sequential one", i)
		}
	}
	// Across processes and machines: the bytes are pinned in testdata.
	sum := sha256.Sum256(first)
	got := hex.EncodeToString(sum[:]) + "\n"
	golden := filepath.Join("testdata", "reference.sha256")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("reference PDF hash %s, pinned %s: output changed; if intended, run go test -update", got, want)
	}
}

func pngBytes(t testing.TB, w, h int, c color.Color) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(d *render.Document)
		want   string
	}{
		{"unknown font", func(d *render.Document) { d.Font = "Comic Sans" }, `font "Comic Sans" is not available`},
		{"not an image", func(d *render.Document) {
			d.Body = append(d.Body, &render.Image{Data: []byte("GIF89a......"), Alt: "kort"})
		}, `image "kort" is neither PNG nor JPEG`},
		{"truncated PNG", func(d *render.Document) {
			d.Body = append(d.Body, &render.Image{Data: pngBytes(t, 3, 3, color.Black)[:20], Alt: "halv"})
		}, `image "halv"`},
		{"font size", func(d *render.Document) { d.FontSize = -3 }, "font size"},
		{"window off the page", func(d *render.Document) { d.Window = render.Window{X: 150, Y: 45, Width: 85, Height: 45} }, "window"},
		{"language", func(d *render.Document) { d.Meta.Language = "not a language!" }, "BCP 47"},
		{"nil block", func(d *render.Document) { d.Body = append(d.Body, nil) }, "is nil"},
		{"too many recipient lines", func(d *render.Document) {
			d.Recipient = append(d.Recipient, "a", "b", "c", "d", "e", "f")
		}, "recipient"},
		{"recipient too long for the window even wrapped at 8 pt", func(d *render.Document) {
			d.Recipient[0] = strings.Repeat("Wąsowicz-Dvořák ", 30)
		}, "recipient line 1"},
		{"tiny page", func(d *render.Document) { d.Page = render.Page{Width: 50, Height: 50} }, "no room"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testdoc.Reference()
			tc.modify(d)
			b, err := Render(d)
			if err == nil {
				t.Fatalf("Render succeeded (%d bytes); want an error containing %q", len(b), tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
	if _, err := Render(nil); err == nil {
		t.Error("Render(nil) succeeded")
	}
}

func TestBlocks(t *testing.T) {
	logo := pngBytes(t, 300, 90, color.NRGBA{R: 0x1f, G: 0x4e, B: 0x79, A: 0xff})
	photo := pngBytes(t, 2000, 1000, color.NRGBA{R: 200, G: 30, B: 30, A: 128})
	d := testdoc.Reference()
	d.Letterhead.Logo = &render.Image{Data: logo, Alt: "Aarhus Kommune logo"}
	d.Body = []render.Block{
		&render.Heading{Level: 1, Runs: []render.Run{{Text: "Overskrift et"}}},
		&render.Heading{Level: 3, Runs: []render.Run{{Text: "Overskrift tre"}}},
		&render.List{Ordered: true, Start: 7, Items: [][]render.Block{
			{&render.Paragraph{Runs: []render.Run{{Text: "syvende punkt"}}}},
			{&render.Paragraph{Runs: []render.Run{{Text: "ottende punkt"}}},
				&render.List{Items: [][]render.Block{{&render.Paragraph{Runs: []render.Run{{Text: "indrykket punkt"}}}}}}},
		}},
		&render.Image{Data: photo, Alt: "foto"},
		&render.PageBreak{},
		&render.Paragraph{Runs: []render.Run{{Text: "Efter sideskiftet " + strings.Repeat("x", 300)}}},
		&render.Table{Header: []render.Cell{{Runs: []render.Run{{Text: "A"}}}, {Runs: []render.Run{{Text: "Bred kolonne"}}}},
			Columns: []render.Column{{}, {Align: render.AlignCenter}},
			Rows:    [][]render.Cell{{{Runs: []render.Run{{Text: "1"}}}, {Runs: []render.Run{{Text: strings.Repeat("lang celle ", 40)}}}}}},
		&render.Signature{Greeting: "Venlig hilsen", Name: "Mette", Title: "Sagsbehandler", Image: &render.Image{Data: logo}},
	}
	b := mustRender(t, d)
	if !bytes.Contains(b, []byte("/Subtype /Image")) {
		t.Error("no image XObject in the PDF")
	}
	path := writePDF(t, b)
	if n := pageCount(t, path); n != 2 {
		t.Errorf("%d pages, want 2 (one page break)", n)
	}
	page1 := pdfText(t, path, "-layout", "-l", "1")
	page2 := pdfText(t, path, "-layout", "-f", "2")
	for _, want := range []string{"7. syvende punkt", "8. ottende punkt", "• indrykket punkt", "Overskrift et", "Side 1 af 2"} {
		if !strings.Contains(page1, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, page1)
		}
	}
	for _, want := range []string{"Efter sideskiftet", strings.Repeat("x", 40), "Bred kolonne", "Venlig hilsen", "Mette", "Side 2 af 2"} {
		if !strings.Contains(page2, want) {
			t.Errorf("page 2 lacks %q:\n%s", want, page2)
		}
	}
	if diff := cmp.Diff(sorted(expectedWords(d, 2)), sorted(render.Words(strings.ReplaceAll(pdfText(t, path), "x\n", "x")))); diff != "" {
		t.Logf("words (-want +got) (a 300-letter word is split over lines):\n%s", diff)
	}
}
