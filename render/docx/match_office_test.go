package docx

import (
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/internal/testdoc/samples"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/pdf"
)

// matchDoc is a letter the DOCX must lay out as the PDF does.
type matchDoc = samples.Doc

// sampleDocs returns every sample letter (samples/templates/<name>/sample.json merged into its
// bundle), as the PDF tests render them.
func sampleDocs(t *testing.T) []matchDoc {
	return samples.All(t, filepath.Join("..", "..", "samples"))
}

// TestMatchesPDF renders every sample letter, long letters (one with a 300-row table, others of
// every length with headings every few blocks) and letters with long addresses, both as PDF and
// as DOCX, converts the DOCX to PDF with LibreOffice and checks that the two have the same
// number of pages, that the recipient address sits in the same place on page 1 (every edge of
// its bounding box, as pdftotext -bbox gives it, within 2 mm), that the details start within
// 2 mm of the PDF's, and that the footer's text and page label stand on one line where the
// PDF's do.
func TestMatchesPDF(t *testing.T) {
	tools := testenv.Need(t, "pdftotext", "pdfinfo")
	pdftotext, pdfinfo := tools[0], tools[1]
	if testing.Short() {
		t.Skip("LibreOffice takes seconds to start; skipped in -short mode")
	}
	cases := sampleDocs(t)
	cases = append(cases,
		matchDoc{Name: "reference", Doc: testdoc.Reference},
		matchDoc{Name: "long-300", Doc: func() *render.Document { return testdoc.Long(5, 300) }},
		matchDoc{Name: "long-40-60", Doc: func() *render.Document { return testdoc.Long(40, 60) }},
		matchDoc{Name: "features", Doc: func() *render.Document { return features(t) }},
		matchDoc{Name: "long-contact", Doc: func() *render.Document {
			d := testdoc.Reference()
			for i := range 8 {
				d.Letterhead.Contact = append(d.Letterhead.Contact, fmt.Sprintf("Kontaktlinje %d", i+1))
			}
			return d
		}},
	)
	// Letters of every length, with headings, the list and the signature falling at every place
	// across page breaks.
	for n := 3; n <= 45; n += 6 {
		for _, rows := range []int{0, 25} {
			cases = append(cases, matchDoc{Name: fmt.Sprintf("sweep-%d-%d", n, rows), Doc: func() *render.Document {
				d := testdoc.Long(n, rows)
				var body []render.Block
				for i, b := range d.Body {
					if i%4 == 0 {
						body = append(body, &render.Heading{Level: 2, Runs: []render.Run{{Text: fmt.Sprintf("Afsnit %d", i/4+1)}}})
					}
					body = append(body, b)
				}
				d.Body = body
				return d
			}})
		}
	}
	// Addresses that wrap in the window, or are set smaller to fit it.
	for _, a := range []struct {
		name string
		rec  []string
	}{
		{"address-46", []string{"Marie-Louise Østergaard-Christensen Bækgaard", "Åboulevarden 17, 3. th.", "8000 Aarhus C"}},
		{"address-62", []string{"Anne-Sophie Margrethe Kristensen-Vestergaard Holm-Bækgaard", "Åboulevarden 17, 3. th.", "8000 Aarhus C"}},
		{"address-100", []string{"Anne-Sophie Margrethe Kristensen-Vestergaard Holm-Bækgaard og Jens Peter Christian Møller-Østergaard", "Åboulevarden 17, 3. th.", "8000 Aarhus C"}},
		{"address-co", []string{"Søren Ærbø Møller", "c/o Margrethe Kristensen-Vestergaard Holm", "Åboulevarden 17, 3. th.", "8000 Aarhus C"}},
		{"address-six", []string{"Søren Ærbø Møller", "c/o Ida Holm", "Boligforeningen Østjylland", "Åboulevarden 17, 3. th.", "Postboks 12", "8000 Aarhus C"}},
	} {
		cases = append(cases, matchDoc{Name: a.name, Doc: func() *render.Document {
			d := testdoc.Reference()
			d.Recipient = append([]string(nil), a.rec...)
			return d
		}})
	}
	dir := t.TempDir()
	var docxPaths, pdfPaths []string
	for _, c := range cases {
		d := c.Doc()
		x, err := Render(d)
		if err != nil {
			t.Fatalf("%s: docx: %v", c.Name, err)
		}
		p, err := pdf.Render(c.Doc())
		if err != nil {
			t.Fatalf("%s: pdf: %v", c.Name, err)
		}
		dp := filepath.Join(dir, c.Name+".docx")
		pp := filepath.Join(dir, c.Name+"-direct.pdf")
		if err := os.WriteFile(dp, x, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pp, p, 0o644); err != nil {
			t.Fatal(err)
		}
		docxPaths, pdfPaths = append(docxPaths, dp), append(pdfPaths, pp)
	}
	converted := testenv.ConvertToPDF(t, docxPaths...)
	if dst := os.Getenv("POSTBUD_KEEP_MATCH"); dst != "" { // for looking at the files by hand
		for i := range cases {
			for _, p := range []string{docxPaths[i], pdfPaths[i], converted[i]} {
				if b, err := os.ReadFile(p); err == nil {
					os.WriteFile(filepath.Join(dst, filepath.Base(p)), b, 0o644)
				}
			}
		}
	}
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			d := c.Doc()
			want, got := pageCount(t, pdfinfo, pdfPaths[i]), pageCount(t, pdfinfo, converted[i])
			if got != want {
				t.Errorf("DOCX converted by LibreOffice has %d pages, the PDF %d", got, want)
			}
			if d.Footer != "" && d.PageLabel != "" {
				checkFooter(t, pdftotext, pdfPaths[i], converted[i], d)
			}
			if len(d.Details) > 0 {
				checkDetails(t, pdftotext, pdfPaths[i], converted[i], d)
			}
			if len(d.Recipient) == 0 {
				return
			}
			wantBox := addressBox(t, pdftotext, pdfPaths[i], d)
			gotBox := addressBox(t, pdftotext, converted[i], d)
			t.Logf("pages %d/%d; address PDF %v, DOCX %v", want, got, wantBox, gotBox)
			for k, what := range []string{"left", "top", "right", "bottom"} {
				if diff := math.Abs(wantBox[k] - gotBox[k]); diff > 2 {
					t.Errorf("address block %s edge at %.1f mm in the DOCX, %.1f mm in the PDF (%.1f mm apart, want at most 2)",
						what, gotBox[k], wantBox[k], diff)
				}
			}
		})
	}
}

func pageCount(t *testing.T, pdfinfo, file string) int {
	t.Helper()
	out, err := exec.Command(pdfinfo, file).Output()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v", file, err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count in\n%s", file, out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// bboxWord is a word as pdftotext -bbox gives it, in millimetres from the top-left corner.
type bboxWord struct {
	x0, y0, x1, y1 float64
	text           string
}

// pageWords returns the words of one page of a PDF with their boxes.
func pageWords(t *testing.T, pdftotext, file string, page int) []bboxWord {
	t.Helper()
	n := strconv.Itoa(page)
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", "-bbox", "-f", n, "-l", n, file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox %s: %v", file, err)
	}
	var doc struct {
		Words []struct {
			XMin float64 `xml:"xMin,attr"`
			YMin float64 `xml:"yMin,attr"`
			XMax float64 `xml:"xMax,attr"`
			YMax float64 `xml:"yMax,attr"`
			Text string  `xml:",chardata"`
		} `xml:"body>doc>page>word"`
	}
	dec := xml.NewDecoder(strings.NewReader(string(out)))
	dec.Strict = false // pdftotext writes an XHTML doctype
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decode pdftotext -bbox of %s: %v", file, err)
	}
	const pt = 25.4 / 72
	ws := make([]bboxWord, len(doc.Words))
	for i, w := range doc.Words {
		ws[i] = bboxWord{w.XMin * pt, w.YMin * pt, w.XMax * pt, w.YMax * pt, w.Text}
	}
	return ws
}

// addressBox returns the bounding box (left, top, right, bottom in mm) of the recipient's words
// on page 1, looking in the envelope window below its return-address zone (with 10 mm to spare
// on every side, so that a misplaced address is measured rather than missed). Every word of the
// address must be found.
func addressBox(t *testing.T, pdftotext, file string, d *render.Document) [4]float64 {
	t.Helper()
	win := d.Window
	if win == (render.Window{}) {
		win = render.DefaultWindow
	}
	want := map[string]int{}
	for _, w := range render.Words(strings.Join(d.Recipient, " ")) {
		want[w]++
	}
	box := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	found := 0
	for _, w := range pageWords(t, pdftotext, file, 1) {
		if want[w.text] == 0 || w.x0 < win.X-10 || w.x1 > win.X+win.Width+10 ||
			w.y0 < win.Y+render.ReturnZone-3 || w.y1 > win.Y+win.Height+10 {
			continue
		}
		want[w.text]--
		found++
		box = [4]float64{min(box[0], w.x0), min(box[1], w.y0), max(box[2], w.x1), max(box[3], w.y1)}
	}
	var missing []string
	for w, n := range want {
		for range n {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%s: address words %q not found in or near the envelope window on page 1 (found %d)", filepath.Base(file), missing, found)
	}
	return box
}

// checkFooter checks that on page 1 of the converted DOCX the footer text and the page label
// stand on one line, as in the PDF, and within 1 mm of the PDF's footer line.
func checkFooter(t *testing.T, pdftotext, pdfFile, docxPDF string, d *render.Document) {
	t.Helper()
	first := render.Words(d.Footer)[0]
	label := render.Words(strings.Split(d.PageLabel, "{")[0])
	if len(label) == 0 {
		return
	}
	find := func(file string) (text, lbl float64) {
		text, lbl = math.NaN(), math.NaN()
		for _, w := range pageWords(t, pdftotext, file, 1) { // the lowest of each on the page
			if w.text == first && !(w.y0 <= text) {
				text = w.y0
			}
			if w.text == label[0] && !(w.y0 <= lbl) {
				lbl = w.y0
			}
		}
		if math.IsNaN(text) || math.IsNaN(lbl) {
			t.Fatalf("%s: footer text %q or page label %q not found at the foot of page 1", filepath.Base(file), first, label[0])
		}
		return text, lbl
	}
	pt, pl := find(pdfFile)
	dt, dl := find(docxPDF)
	if math.Abs(dt-dl) > 0.5 {
		t.Errorf("DOCX footer: text at %.1f mm, page label at %.1f mm: not on one line", dt, dl)
	}
	if math.Abs(dt-pt) > 1 || math.Abs(dl-pl) > 1 {
		t.Errorf("DOCX footer line at %.1f mm (label %.1f), the PDF's at %.1f mm (label %.1f)", dt, dl, pt, pl)
	}
}

// TestEmbeddedFontsUsed checks that LibreOffice reads the embedded fonts: with fontconfig
// showing it one font only, not Liberation Sans, the reference letter converts to a PDF set in
// Postbud Sans Latin regular, bold and italic, and the letter with Greek and Cyrillic in Liberation
// Sans, which can only have come from the DOCX; the reference letter with the embedding taken
// out (the control) is set in something else.
func TestEmbeddedFontsUsed(t *testing.T) {
	tools := testenv.Need(t, "pdffonts", "fc-list")
	pdffonts, fclist := tools[0], tools[1]
	if testing.Short() {
		t.Skip("LibreOffice takes seconds to start; skipped in -short mode")
	}
	// LibreOffice needs one font to start: any the system has but Liberation Sans, DejaVu Sans
	// where there is one.
	out, err := exec.Command(fclist, ":", "file").Output()
	if err != nil {
		t.Fatalf("fc-list: %v", err)
	}
	other := ""
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.TrimSuffix(strings.TrimSpace(l), ":")
		if (strings.HasSuffix(f, ".ttf") || strings.HasSuffix(f, ".otf")) && !strings.Contains(strings.ToLower(f), "liberation") &&
			(other == "" || strings.HasSuffix(f, "/DejaVuSans.ttf")) {
			other = f
		}
	}
	if other == "" {
		t.Fatalf("fc-list lists no font but Liberation; LibreOffice needs another to start:\n%s", out)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "fonts.conf")
	empty := filepath.Join(dir, "fonts")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(other); err != nil {
		t.Fatal(err)
	} else if err := os.WriteFile(filepath.Join(empty, filepath.Base(other)), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte(`<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>`+empty+`</dir><cachedir>`+filepath.Join(dir, "cache")+`</cachedir></fontconfig>`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FONTCONFIG_FILE", conf)

	data, err := Render(testdoc.Reference())
	if err != nil {
		t.Fatal(err)
	}
	greek, err := Render(greekLetter())
	if err != nil {
		t.Fatal(err)
	}
	p := unpack(t, data)
	// The control: no w:embed* elements, font relationships or font parts.
	var entries []entry
	for _, n := range p.names {
		b := p.parts[n]
		switch {
		case strings.HasSuffix(n, ".odttf"):
			continue
		case n == "word/fontTable.xml":
			b = regexp.MustCompile(`<w:embed\w+ [^>]*/>`).ReplaceAll(b, nil)
		case n == "word/_rels/fontTable.xml.rels":
			b = regexp.MustCompile(`<Relationship [^>]*/>`).ReplaceAll(b, nil)
		}
		entries = append(entries, entry{n, packShared(b)})
	}
	control, err := writeZip(entries, zipTime(render.FixedDate))
	if err != nil {
		t.Fatal(err)
	}
	embedded, stripped, full := filepath.Join(dir, "embedded.docx"), filepath.Join(dir, "stripped.docx"), filepath.Join(dir, "greek.docx")
	for _, f := range []struct {
		name string
		data []byte
	}{{embedded, data}, {stripped, control}, {full, greek}} {
		if err := os.WriteFile(f.name, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// One soffice run each: fonts embedded in one document stay loaded for the next.
	pdfs := []string{testenv.ConvertToPDF(t, embedded)[0], testenv.ConvertToPDF(t, stripped)[0], testenv.ConvertToPDF(t, full)[0]}
	fonts := func(file string) string {
		out, err := exec.Command(pdffonts, file).Output()
		if err != nil {
			t.Fatalf("pdffonts %s: %v", file, err)
		}
		return string(out)
	}
	got := fonts(pdfs[0])
	for _, want := range []string{"+PostbudSansLatin-Regular ", "+PostbudSansLatin-Bold ", "+PostbudSansLatin-Italic "} {
		if !strings.Contains(got, want) {
			t.Errorf("the converted letter is not set in the embedded %s:\n%s", strings.TrimSpace(want[1:]), got)
		}
	}
	if c := fonts(pdfs[1]); strings.Contains(c, "PostbudSansLatin") || strings.Contains(c, "LiberationSans") {
		t.Errorf("the control without embedded fonts is set in Postbud Sans Latin or Liberation Sans too, so the test proves nothing:\n%s", c)
	}
	got = fonts(pdfs[2])
	for _, want := range []string{"+LiberationSans ", "+LiberationSans-Bold ", "+LiberationSans-Italic "} {
		if !strings.Contains(got, want) {
			t.Errorf("the Greek letter is not set in the embedded %s:\n%s", strings.TrimSpace(want[1:]), got)
		}
	}
}

// checkDetails checks that the first word of the details (the information block) starts within
// 2 mm of where it starts in the PDF, right of the envelope window on page 1.
func checkDetails(t *testing.T, pdftotext, pdfFile, docxPDF string, d *render.Document) {
	t.Helper()
	win := d.Window
	if win == (render.Window{}) {
		win = render.DefaultWindow
	}
	first := render.Words(detailText(d.Details[0]))[0]
	find := func(file string) (x, y float64) {
		for _, w := range pageWords(t, pdftotext, file, 1) {
			if w.text == first && w.x0 > win.X+win.Width && w.y0 > win.Y && w.y0 < win.Y+win.Height {
				return w.x0, w.y0
			}
		}
		t.Fatalf("%s: details word %q not found right of the window on page 1", filepath.Base(file), first)
		return 0, 0
	}
	px, py := find(pdfFile)
	dx, dy := find(docxPDF)
	if math.Abs(px-dx) > 2 || math.Abs(py-dy) > 2 {
		t.Errorf("details start at (%.1f, %.1f) mm in the DOCX, (%.1f, %.1f) mm in the PDF", dx, dy, px, py)
	}
}
