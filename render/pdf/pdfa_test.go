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
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/postbud/postbud/internal/pdfa"
	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/internal/testdoc/samples"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
)

// sampleDoc is a named letter; sampleDocs are the repository's sample letters.
type sampleDoc = samples.Doc

func sampleDocs(t *testing.T) []sampleDoc {
	return samples.All(t, filepath.Join("..", "..", "samples"))
}

// TestPDFASamples renders every sample as PDF/A-1b and PDF/A-2b and checks what the files must
// carry: header and binary comment, XMP metadata equal to the information dictionary (as
// pdfinfo reads both), the sRGB output intent with the embedded profile, the trailer /ID, /F 4
// on every link, no transparency, embedded fonts (with a CIDSet in PDF/A-1), /Lang, and that
// qpdf finds the file sound. Two renders give the same bytes.
func TestPDFASamples(t *testing.T) {
	testenv.Need(t, "pdfinfo", "pdffonts", "qpdf")
	docs := append(sampleDocs(t),
		// Greek and Cyrillic: the full Liberation Sans, a subset (with a CIDSet in PDF/A-1).
		sampleDoc{Name: "testdoc-heavy", Doc: testdoc.Heavy},
		// Images with transparency, a link and keywords.
		sampleDoc{Name: "testdoc-images", Doc: func() *render.Document {
			d := testdoc.Reference()
			d.Meta.Keywords = []string{"boligstøtte", "afgørelse (A&B)"}
			d.Letterhead.Logo = &render.Image{Data: pngBytes(t, 40, 20, color.NRGBA{R: 200, G: 30, B: 30, A: 128}), Alt: "logo"}
			d.Body = append(d.Body, &render.Image{Data: palettedPNG(t), Alt: "kort"},
				&render.Paragraph{Runs: []render.Run{{Text: "Se "}, {Text: "borger.dk", Link: "https://www.borger.dk/"}, {Text: "."}}})
			return d
		}})
	for _, s := range docs {
		for _, mode := range []render.PDFA{render.PDFA1b, render.PDFA2b} {
			t.Run(s.Name+"/"+string(mode), func(t *testing.T) {
				d := s.Doc()
				d.PDFA = mode
				b := mustRender(t, d)
				d2 := s.Doc()
				d2.PDFA = mode
				if again := mustRender(t, d2); !bytes.Equal(b, again) {
					t.Fatal("two renders of the same document differ")
				}
				if mode == render.DefaultPDFA {
					d3 := s.Doc()
					d3.PDFA = ""
					if def := mustRender(t, d3); !bytes.Equal(b, def) {
						t.Errorf("the default (empty PDFA) differs from %s", mode)
					}
				}
				if os.Getenv("POSTBUD_PDFA_KEEP") != "" { // development: keep the files for other validators
					dir := os.Getenv("POSTBUD_PDFA_KEEP")
					if err := os.WriteFile(filepath.Join(dir, s.Name+"-"+string(mode)+".pdf"), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				checkPDFA(t, d, b, mode)
			})
		}
	}
}

func checkPDFA(t *testing.T, d *render.Document, b []byte, mode render.PDFA) {
	t.Helper()
	path := writePDF(t, b)
	checkXref(t, b)
	part, version := "2", "1.7"
	if mode == render.PDFA1b {
		part, version = "1", "1.4"
	}
	if want := "%PDF-" + version + "\n%\xE2\xE3\xCF\xD3\n"; !bytes.HasPrefix(b, []byte(want)) {
		t.Errorf("file starts %q, want %q", b[:min(len(b), 20)], want)
	}
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	} else if !strings.Contains(string(out), "No syntax or stream encoding errors found") {
		t.Errorf("qpdf --check:\n%s", out)
	}

	// The information dictionary, as pdfinfo reads it, holds the document's metadata.
	info := run(t, "pdfinfo", "-isodates", path)
	field := func(name string) string {
		m := regexp.MustCompile(`(?m)^` + name + `:\s*(.*)$`).FindStringSubmatch(info)
		if m == nil {
			return ""
		}
		return m[1]
	}
	created := d.Meta.CreatedOrFixed().Format("2006-01-02T15:04:05Z")
	for name, want := range map[string]string{
		"Title": d.Meta.Title, "Author": d.Meta.Author, "Subject": d.Meta.Subject,
		"Keywords": strings.Join(d.Meta.Keywords, ", "), "Creator": d.Meta.Creator,
		"CreationDate": created, "ModDate": created, "PDF version": version,
	} {
		if got := field(name); got != want {
			t.Errorf("pdfinfo %s: %q, want %q", name, got, want)
		}
	}
	producer := field("Producer")
	if producer == "" {
		t.Error("pdfinfo shows no Producer")
	}

	// The XMP metadata says the same, entry for entry.
	xmp := run(t, "pdfinfo", "-meta", path)
	xmpField := func(re string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(xmp)
		if m == nil {
			return "(missing)"
		}
		return xmlUnescape(m[1])
	}
	xmpDate := d.Meta.CreatedOrFixed().Format("2006-01-02T15:04:05") + "+00:00"
	for what, c := range map[string]struct{ re, want string }{
		"pdfaid:part":        {`<pdfaid:part>(\d)</pdfaid:part>`, part},
		"pdfaid:conformance": {`<pdfaid:conformance>(\w)</pdfaid:conformance>`, "A"}, // tagged: level A
		"dc:title":           {`(?s)<dc:title>.*?<rdf:li xml:lang="x-default">(.*?)</rdf:li>`, d.Meta.Title},
		"dc:creator":         {`(?s)<dc:creator>.*?<rdf:li>(.*?)</rdf:li>`, d.Meta.Author},
		"dc:description":     {`(?s)<dc:description>.*?<rdf:li xml:lang="x-default">(.*?)</rdf:li>`, d.Meta.Subject},
		"xmp:CreatorTool":    {`<xmp:CreatorTool>(.*?)</xmp:CreatorTool>`, d.Meta.Creator},
		"xmp:CreateDate":     {`<xmp:CreateDate>(.*?)</xmp:CreateDate>`, xmpDate},
		"xmp:ModifyDate":     {`<xmp:ModifyDate>(.*?)</xmp:ModifyDate>`, xmpDate},
		"pdf:Producer":       {`<pdf:Producer>(.*?)</pdf:Producer>`, producer},
		"pdf:Keywords":       {`<pdf:Keywords>(.*?)</pdf:Keywords>`, strings.Join(d.Meta.Keywords, ", ")},
	} {
		if c.want == "" && what == "pdf:Keywords" {
			continue
		}
		if got := xmpField(c.re); got != c.want {
			t.Errorf("XMP %s: %q, want %q (the information dictionary's)", what, got, c.want)
		}
	}
	if !strings.HasPrefix(xmp, "<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>") || !strings.HasSuffix(strings.TrimSpace(xmp), `<?xpacket end="w"?>`) {
		t.Errorf("XMP is not a complete xpacket:\n%s", xmp)
	}
	raw := string(b)
	// The Info dates carry their time zone in PDF/A, so that they compare with the XMP dates.
	if !strings.Contains(raw, "/CreationDate (D:"+d.Meta.CreatedOrFixed().Format("20060102150405")+"+00'00')") {
		t.Error("the information dictionary's /CreationDate has no time zone")
	}

	// Output intent: sRGB, with the embedded profile.
	m := regexp.MustCompile(`/OutputIntents \[<</Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier \(sRGB IEC61966-2.1\)[^\]]*/DestOutputProfile (\d+) 0 R>>\]`).FindStringSubmatch(raw)
	if m == nil {
		t.Fatal("catalog has no sRGB /OutputIntents")
	}
	profile := run(t, "qpdf", "--show-object="+m[1], "--filtered-stream-data", path)
	if profile != string(srgbProfile) {
		t.Errorf("output intent profile (object %s, %d bytes) is not the embedded sRGB profile", m[1], len(profile))
	}
	if !regexp.MustCompile(`<</N 3 /Length \d+ /Filter /FlateDecode>>`).MatchString(raw) {
		t.Error("the ICC profile stream has no /N 3")
	}

	if !regexp.MustCompile(`trailer\n<<\n(?:/\w+ [^\n]*\n)*/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]\n>>`).MatchString(raw) {
		t.Error("trailer has no /ID")
	}
	if !strings.Contains(raw, "/Type /Catalog\n/Lang ("+d.Meta.Language+")\n/Metadata ") {
		t.Errorf("catalog lacks /Lang (%s) and /Metadata", d.Meta.Language)
	}
	if strings.Contains(raw, "/EmbeddedFiles") {
		t.Error("catalog has an /EmbeddedFiles name tree")
	}
	links := strings.Count(raw, "/Subtype /Link")
	if flagged := strings.Count(raw, "/Subtype /Link /Rect"); flagged != links {
		t.Errorf("%d link annotations, %d as gofpdf writes them", links, flagged)
	}
	if got := len(regexp.MustCompile(`/Subtype /Link /Rect \[[^\]]*\] /Border \[0 0 0\] /F 4 `).FindAllString(raw, -1)); got != links {
		t.Errorf("%d of %d link annotations have /F 4 (print)", got, links)
	}
	for _, bad := range []string{"/SMask", "/Transparency", "/Mask [", "/CA ", "/ca ", "/Encrypt", "/JavaScript"} {
		if strings.Contains(raw, bad) {
			t.Errorf("PDF/A file contains %s", bad)
		}
	}
	// PDF/A-1: each font descriptor of a subset ("ABCDEF+Name") has a CIDSet; a font embedded
	// whole needs none (and gets none).
	descriptors := regexp.MustCompile(`<</Type /FontDescriptor /FontName /([^\s/]+)[^>]*(?:>[^>][^>]*)*>>\nendobj`).FindAllStringSubmatch(raw, -1)
	if len(descriptors) == 0 {
		t.Error("no font descriptors")
	}
	for _, m := range descriptors {
		subset := regexp.MustCompile(`^[A-Z]{6}\+`).MatchString(m[1])
		if has := strings.Contains(m[0], "/CIDSet "); has != (subset && mode == render.PDFA1b) {
			t.Errorf("font %s (subset %v): CIDSet %v", m[1], subset, has)
		}
	}
	// Apache PDFBox Preflight (a PDF/A-1b validator) finds the PDF/A-1b file valid.
	if mode == render.PDFA1b {
		testenv.Preflight(t, path)
	}

	// postbud's own PDF/A rule checker agrees.
	n := 2
	if mode == render.PDFA1b {
		n = 1
	}
	problems, err := pdfa.Check(b, pdfa.Options{Part: n, Conformance: "A"}) // tagged: level A
	if err != nil {
		t.Errorf("pdfa.Check: %v", err)
	}
	for _, p := range problems {
		t.Errorf("pdfa.Check: %s", p)
	}

	fonts := run(t, "pdffonts", path)
	for _, r := range strings.Split(strings.TrimSpace(fonts), "\n")[2:] {
		if f := strings.Fields(r); len(f) < 7 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", r)
		}
	}
}

func xmlUnescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#13;", "\r", "&amp;", "&").Replace(s)
}

// TestPDFAOff: with PDF/A off the file is plain PDF 1.3 as before, with /Lang and a /ModDate
// equal to the creation date, now written by gofpdf itself.
func TestPDFAOff(t *testing.T) {
	d := testdoc.Reference()
	d.PDFA = render.PDFAOff
	b := mustRender(t, d)
	checkXref(t, b)
	// Tagged (tags.go), so PDF 1.7 (PDF/UA-1 is based on ISO 32000-1) with XMP metadata that
	// says pdfuaid:part 1, and no PDF/A.
	if !bytes.HasPrefix(b, []byte("%PDF-1.7\n")) {
		t.Errorf("file starts %q", b[:20])
	}
	for _, bad := range []string{"/OutputIntents", "/ID [", "/F 4", "/CIDSet", "pdfaid:"} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("PDF/A off, yet the file has %s", bad)
		}
	}
	date := d.Meta.CreatedOrFixed().Format("20060102150405")
	for _, want := range []string{"/Type /Catalog\n/Lang (da)\n/Metadata ", "/MarkInfo <</Marked true>>", "<pdfuaid:part>1</pdfuaid:part>",
		"/CreationDate (D:" + date + "+00'00')", "/ModDate (D:" + date + "+00'00')"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("no %q", want)
		}
	}
}

// TestPDFAImages: an image with an alpha channel or a transparent colour (tRNS) is flattened
// onto white, so a PDF/A file has no soft mask and no colour-key mask; with PDF/A off a tRNS
// image keeps gofpdf's colour-key mask as before.
func TestPDFAImages(t *testing.T) {
	alpha := pngBytes(t, 40, 20, color.NRGBA{R: 200, G: 30, B: 30, A: 128})
	paletted := palettedPNG(t)
	for _, mode := range []render.PDFA{render.PDFA1b, render.PDFA2b, render.PDFAOff} {
		t.Run(string(mode), func(t *testing.T) {
			d := testdoc.Reference()
			d.PDFA = mode
			d.Letterhead.Logo = &render.Image{Data: alpha, Alt: "logo"}
			d.Body = append(d.Body, &render.Image{Data: paletted, Alt: "kort"})
			b := mustRender(t, d)
			if bytes.Contains(b, []byte("/SMask")) {
				t.Error("the file has a soft mask")
			}
			if got, want := bytes.Contains(b, []byte("/Mask [")), mode == render.PDFAOff; got != want {
				t.Errorf("colour-key mask: %v, want %v", got, want)
			}
			if n := bytes.Count(b, []byte("/Subtype /Image")); n != 2 {
				t.Errorf("%d images, want 2", n)
			}
		})
	}
}

// TestPDFAFileIDAcrossProcesses renders the reference letter in a second process: the bytes,
// the /ID among them, are the same.
func TestPDFAFileIDAcrossProcesses(t *testing.T) {
	if os.Getenv("POSTBUD_PDFA_CHILD") != "" {
		for _, mode := range []render.PDFA{render.PDFA1b, render.PDFA2b} {
			d := testdoc.Reference()
			d.PDFA = mode
			b := mustRender(t, d)
			sum := sha256.Sum256(b)
			fmt.Printf("sum %s %s\n", mode, hex.EncodeToString(sum[:]))
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPDFAFileIDAcrossProcesses$", "-test.count=1")
	cmd.Env = append(os.Environ(), "POSTBUD_PDFA_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	for _, mode := range []render.PDFA{render.PDFA1b, render.PDFA2b} {
		d := testdoc.Reference()
		d.PDFA = mode
		b := mustRender(t, d)
		sum := sha256.Sum256(b)
		if want := fmt.Sprintf("sum %s %s\n", mode, hex.EncodeToString(sum[:])); !strings.Contains(string(out), want) {
			t.Errorf("%s: the other process made different bytes:\n%s", mode, out)
		}
	}
}

func TestPDFABadChoice(t *testing.T) {
	d := testdoc.Reference()
	d.PDFA = "3u"
	if _, err := Render(d); err == nil || !strings.Contains(err.Error(), "pdfa") {
		t.Errorf("Render with pdfa 3u: %v, want an error naming pdfa", err)
	}
}

// palettedPNG is a 30x30 palette PNG whose first colour is transparent (a tRNS chunk).
func palettedPNG(t *testing.T) []byte {
	pal := color.Palette{color.NRGBA{A: 0}, color.NRGBA{R: 0x1f, G: 0x4e, B: 0x79, A: 0xff}}
	img := image.NewPaletted(image.Rect(0, 0, 30, 30), pal)
	for y := range 30 {
		for x := range 30 {
			if (x+y)%3 == 0 {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("tRNS")) {
		t.Fatal("test image has no tRNS chunk")
	}
	return buf.Bytes()
}

// TestPDFACMYKJPEG: a CMYK JPEG is converted to RGB in PDF/A (the output intent is sRGB) and
// kept as it is without PDF/A. The picture is Go's own test image.
func TestPDFACMYKJPEG(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "video-001.cmyk.jpeg"))
	if err != nil {
		t.Skipf("Go's CMYK test JPEG: %v", err)
	}
	for _, mode := range []render.PDFA{render.PDFA2b, render.PDFAOff} {
		d := testdoc.Reference()
		d.PDFA = mode
		d.Body = append(d.Body, &render.Image{Data: data, Alt: "foto"})
		b := mustRender(t, d)
		if got, want := bytes.Contains(b, []byte("/ColorSpace /DeviceCMYK")), mode == render.PDFAOff; got != want {
			t.Errorf("%s: DeviceCMYK image %v, want %v", mode, got, want)
		}
	}
}

// TestPDFAFileIDDistinct: the trailer /ID, which the gofpdf fork hashes from the document's
// varying parts only (fonts and the profile enter by their digests), differs between every
// sample and mode, and when only the text or only an image's pixels differ.
func TestPDFAFileIDDistinct(t *testing.T) {
	idRe := regexp.MustCompile(`/ID \[<([0-9a-f]{32})>`)
	seen := map[string]string{}
	add := func(name string, d *render.Document) {
		t.Helper()
		m := idRe.FindSubmatch(mustRender(t, d))
		if m == nil {
			t.Fatalf("%s: no /ID", name)
		}
		if prev, ok := seen[string(m[1])]; ok {
			t.Errorf("%s has the /ID of %s", name, prev)
		}
		seen[string(m[1])] = name
	}
	for _, s := range sampleDocs(t) {
		for _, mode := range []render.PDFA{render.PDFA1b, render.PDFA2b} {
			d := s.Doc()
			d.PDFA = mode
			add(s.Name+"/"+string(mode), d)
		}
	}
	d := testdoc.Reference()
	add("reference", d)
	d = testdoc.Reference()
	d.Body = append(d.Body, &render.Paragraph{Runs: []render.Run{{Text: "x"}}})
	add("reference + a paragraph", d)
	for i, c := range []color.NRGBA{{R: 200, A: 255}, {R: 201, A: 255}} {
		d = testdoc.Reference()
		d.Letterhead.Logo = &render.Image{Data: pngBytes(t, 40, 20, c), Alt: "logo"}
		add(fmt.Sprintf("reference with logo %d", i), d)
	}
}
