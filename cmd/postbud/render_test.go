package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postbud/postbud/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const samplesDir = "../../samples"

// sample describes what each sample letter must look like when rendered.
type sample struct {
	name   string
	title  string
	author string
	lang   string
	pages  int
}

var samples = []sample{
	{"boligstoette-afgoerelse", "Afgørelse om boligstøtte", "Aarhus Kommune", "da", 2},
	{"betalningspaminnelse", "Påminnelse om obetald faktura", "Malmö stad", "sv", 1},
	{"uitnodiging-afspraak", "Uitnodiging voor een gesprek", "Gemeente Utrecht", "nl", 1},
	{"waste-collection-information", "Your waste collection in 2027", "Aarhus Kommune", "en", 5},
	{"pysakointilupa-paatos", "Päätös asukaspysäköintitunnuksesta", "Helsingin kaupunki", "fi", 3},
}

// renderSample runs `postbud render` on a sample's own data and returns the PDF and DOCX paths.
func renderSample(t *testing.T, name string) (pdfPath, docxPath string) {
	t.Helper()
	out := t.TempDir()
	bundle := filepath.Join(samplesDir, "templates", name)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"render", bundle, filepath.Join(bundle, "sample.json"), "-o", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("postbud render %s: exit %d\n%s", name, code, stderr.String())
	}
	if !regexp.MustCompile(`(?m)^template ` + name + ` version [0-9a-f]{16}$`).MatchString(stdout.String()) {
		t.Errorf("render output does not print the template version:\n%s", stdout.String())
	}
	return filepath.Join(out, name+"-sample.pdf"), filepath.Join(out, name+"-sample.docx")
}

func TestSamplesGolden(t *testing.T) {
	testenv.Need(t, "pdftotext")
	found, _ := filepath.Glob(filepath.Join(samplesDir, "templates", "*", "letter.md"))
	if len(found) != len(samples) {
		t.Errorf("samples/templates has %d bundles, the test knows %d: add the new ones to samples", len(found), len(samples))
	}
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			pdfPath, docxPath := renderSample(t, s.name)
			golden(t, filepath.Join("testdata", s.name+".pdf.txt"), pdfText(t, pdfPath))
			golden(t, filepath.Join("testdata", s.name+".docx.txt"), docxText(t, docxPath))
		})
	}
}

func TestSamplesMetadataAndFonts(t *testing.T) {
	testenv.Need(t, "pdfinfo", "pdffonts")
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			pdfPath, _ := renderSample(t, s.name)
			info := pdfInfo(t, pdfPath)
			got := map[string]string{"Title": info["Title"], "Author": info["Author"], "Pages": info["Pages"]}
			want := map[string]string{"Title": s.title, "Author": s.author, "Pages": strconv.Itoa(s.pages)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pdfinfo (-want +got):\n%s", diff)
			}
			fonts, err := exec.Command("pdffonts", pdfPath).CombinedOutput()
			if err != nil {
				t.Fatalf("pdffonts: %v\n%s", err, fonts)
			}
			lines := strings.Split(strings.TrimSpace(string(fonts)), "\n")
			if len(lines) < 3 {
				t.Fatalf("pdffonts lists no fonts:\n%s", fonts)
			}
			for _, l := range lines[2:] {
				// columns: name type encoding emb sub uni object ID
				f := strings.Fields(l)
				if len(f) < 7 || f[len(f)-5] != "yes" {
					t.Errorf("font not embedded: %s", l)
				}
			}
			raw, err := os.ReadFile(pdfPath)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(raw, []byte("/Lang ("+s.lang+")")) {
				t.Errorf("PDF carries no /Lang (%s) entry", s.lang)
			}
		})
	}
}

// TestSamplesDOCXRoundTrip converts each sample's DOCX with LibreOffice and checks that the PDF it
// makes has the same words as ours: the DOCX carries the whole letter and opens in a real office suite.
func TestSamplesDOCXRoundTrip(t *testing.T) {
	testenv.Need(t, "pdftotext", "soffice")
	var docxs, ours []string
	for _, s := range samples {
		p, d := renderSample(t, s.name)
		ours = append(ours, p)
		// LibreOffice names its output after the input: give each DOCX its sample's name.
		named := filepath.Join(t.TempDir(), s.name+".docx")
		copyFile(t, d, named)
		docxs = append(docxs, named)
	}
	converted := testenv.ConvertToPDF(t, docxs...)
	for i, s := range samples {
		// The footer repeats on every page, and LibreOffice paginates a little differently.
		b, data := loadSample(t, s.name)
		d, err := b.Document(data)
		if err != nil {
			t.Fatal(err)
		}
		want := wordBag(pdfText(t, ours[i]), d.Footer)
		got := wordBag(pdfText(t, converted[i]), d.Footer)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: words of LibreOffice's PDF of our DOCX differ from our PDF's (-ours +libreoffice):\n%s", s.name, diff)
		}
	}
}

// wordBag counts the words of text, leaving out what repeats with pagination: page labels and
// the footer line.
func wordBag(text, footer string) map[string]int {
	text = pageLabel.ReplaceAllString(strings.Join(strings.Fields(text), " "), " ")
	if footer = strings.Join(strings.Fields(footer), " "); footer != "" {
		text = strings.ReplaceAll(text, footer, " ")
	}
	bag := map[string]int{}
	for _, w := range strings.Fields(text) {
		bag[w]++
	}
	return bag
}

var pageLabel = regexp.MustCompile(`(Side|Sida|Pagina|Page|Seite|Sivu) \d+(/| af | av | van | of | von | sur )\d+`)

func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

func pdfInfo(t *testing.T, path string) map[string]string {
	t.Helper()
	out, err := exec.Command("pdfinfo", "-enc", "UTF-8", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v", path, err)
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// docxText extracts the paragraphs of word/document.xml and the footer, one line each.
func docxText(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer zr.Close()
	var names []string
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" || strings.HasPrefix(f.Name, "word/footer") || strings.HasPrefix(f.Name, "word/header") {
			names = append(names, f.Name)
			parts[f.Name] = f
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		rc, err := parts[n].Open()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s\n", n)
		b.WriteString(wordText(t, rc))
		rc.Close()
	}
	return b.String()
}

func wordText(t *testing.T, r io.Reader) string {
	t.Helper()
	dec := xml.NewDecoder(r)
	var b, para strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("parse WordprocessingML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			switch x.Name.Local {
			case "t", "instrText":
				inText = true
			case "tab":
				para.WriteString("\t")
			case "br":
				para.WriteString(" / ")
			}
		case xml.EndElement:
			switch x.Name.Local {
			case "t", "instrText":
				inText = false
			case "p":
				if s := strings.TrimSpace(para.String()); s != "" {
					b.WriteString(s + "\n")
				}
				para.Reset()
			}
		case xml.CharData:
			if inText {
				para.Write(x)
			}
		}
	}
	return b.String()
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got); run go test ./cmd/postbud -update if the change is intended:\n%s", path, diff)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRenderSamplesIntoOneFolder renders every sample's sample.json into one folder, once with
// one `postbud render` per bundle and once with all bundles in one call: each letter keeps its own
// <bundle>-sample.pdf and .docx (before, every run wrote sample.pdf and only the last letter was
// left), the PDF in each file is the one of its bundle, and both ways write the same bytes.
func TestRenderSamplesIntoOneFolder(t *testing.T) {
	testenv.Need(t, "pdfinfo")
	found, _ := filepath.Glob(filepath.Join(samplesDir, "templates", "*", "sample.json"))
	if len(found) != len(samples) {
		t.Fatalf("samples/templates has %d sample.json files, the test knows %d samples", len(found), len(samples))
	}
	separate, together := t.TempDir(), t.TempDir()
	var all []string
	for _, s := range samples {
		bundle := filepath.Join(samplesDir, "templates", s.name)
		data := filepath.Join(bundle, "sample.json")
		all = append(all, bundle, data)
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"render", bundle, data, "-o", separate}, &stdout, &stderr); code != 0 {
			t.Fatalf("postbud render %s: exit %d\n%s", s.name, code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"render", "-o", together}, all...), &stdout, &stderr); code != 0 {
		t.Fatalf("postbud render with %d bundles: exit %d\n%s", len(samples), code, stderr.String())
	}
	if n := strings.Count(stdout.String(), "\ntemplate ") + 1; !strings.HasPrefix(stdout.String(), "template ") || n != len(samples) {
		t.Errorf("one call printed %d template versions, want %d:\n%s", n, len(samples), stdout.String())
	}

	var want []string
	for _, s := range samples {
		want = append(want, s.name+"-sample.docx", s.name+"-sample.pdf")
	}
	sort.Strings(want)
	for _, dir := range []string{separate, together} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("files in the output folder (-want +got):\n%s", diff)
		}
	}
	for _, s := range samples {
		p := filepath.Join(separate, s.name+"-sample.pdf")
		if title := pdfInfo(t, p)["Title"]; title != s.title {
			t.Errorf("%s holds the letter %q, want %q", p, title, s.title)
		}
		for _, ext := range []string{".pdf", ".docx"} {
			a, _ := os.ReadFile(filepath.Join(separate, s.name+"-sample"+ext))
			b, _ := os.ReadFile(filepath.Join(together, s.name+"-sample"+ext))
			if !bytes.Equal(a, b) {
				t.Errorf("%s-sample%s differs between one call per bundle and one call for all", s.name, ext)
			}
		}
	}
}

// TestRenderRefusesSameOutput: pairs of one call that would write the same file are refused
// before anything is written, naming both pairs; a stray bundle without data is a usage error.
func TestRenderRefusesSameOutput(t *testing.T) {
	bundle := filepath.Join(samplesDir, "templates", "betalningspaminnelse")
	data := filepath.Join(bundle, "sample.json")
	// Another sample.json for the same bundle, in another folder.
	other := filepath.Join(t.TempDir(), "sample.json")
	copyFile(t, data, other)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"same data file of another folder", []string{bundle, data, bundle, other}, 2,
			"would both write betalningspaminnelse-sample.*: render them into different folders (-o) or rename a data file"},
		{"the same pair twice", []string{bundle, data, bundle, data}, 2, "would both write betalningspaminnelse-sample.*"},
		{"a bundle without data", []string{bundle, data, bundle}, 2, "Usage: postbud render BUNDLE_DIR DATA.json [BUNDLE_DIR DATA.json ...]"},
		{"nothing to render", nil, 2, "Usage: postbud render"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"render", "-o", out}, tc.args...), &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr.String(), tc.code, tc.msg)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("the refused call created %s (%v)", out, err)
			}
		})
	}
}

// TestRenderOutputNames: the output name is the bundle's folder name and the data file's name
// without its extension, however the paths are written.
func TestRenderOutputNames(t *testing.T) {
	tests := []struct{ bundle, data, want string }{
		{"samples/templates/boligstoette-afgoerelse", "samples/templates/boligstoette-afgoerelse/sample.json", "boligstoette-afgoerelse-sample"},
		{"samples/templates/boligstoette-afgoerelse/", "case-4711.json", "boligstoette-afgoerelse-case-4711"},
		{"./templates/x/.", "/tmp/data/brev.v2.json", "x-brev.v2"},
		{"templates/x", "data", "x-data"},
	}
	for _, tc := range tests {
		if got := outputBase(tc.bundle, tc.data); got != tc.want {
			t.Errorf("outputBase(%q, %q) = %q, want %q", tc.bundle, tc.data, got, tc.want)
		}
	}
}

// TestRenderStopsAtFirstFailure: with bad data in the second pair, the first pair's letter is
// written, the run exits 1 naming the bad data file, and nothing is written for the second.
func TestRenderStopsAtFirstFailure(t *testing.T) {
	good := filepath.Join(samplesDir, "templates", "uitnodiging-afspraak")
	bad := filepath.Join(samplesDir, "templates", "betalningspaminnelse")
	badData := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(badData, []byte(`{"recipient": 5}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"render", good, filepath.Join(good, "sample.json"), bad, badData, "-o", out}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), badData) {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 naming %s", code, stderr.String(), badData)
	}
	entries, _ := os.ReadDir(out)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff([]string{"uitnodiging-afspraak-sample.docx", "uitnodiging-afspraak-sample.pdf"}, got); diff != "" {
		t.Errorf("files written (-want +got):\n%s", diff)
	}
}
