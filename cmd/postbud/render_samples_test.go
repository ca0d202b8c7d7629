package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

// pageText is the text of page n of a PDF, white space runs made one space.
func pageText(t *testing.T, path string, n int) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-f", fmt.Sprint(n), "-l", fmt.Sprint(n), path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext page %d of %s: %v", n, path, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// doubledStop is a full stop right after an abbreviation's own full stop ("2. tv.."), not an
// ellipsis.
var doubledStop = regexp.MustCompile(`(^|[^.])\.\.($|[^.])`)

// TestSampleTexts checks the sample letters' wording as a reader sees it in the PDF.
func TestSampleTexts(t *testing.T) {
	testenv.Need(t, "pdftotext")
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			p, _ := renderSample(t, s.name)
			text := strings.Join(strings.Fields(pdfText(t, p)), " ")
			if m := doubledStop.FindStringIndex(text); m != nil {
				t.Errorf("doubled full stop: %q", text[max(0, m[0]-40):min(len(text), m[1]+10)])
			}
		})
	}
	t.Run("street ending in an abbreviation", func(t *testing.T) {
		p, _ := renderSample(t, "waste-collection-information")
		if got, want := pageText(t, p, 1), "It applies to your home at Frederiks Allé 104, 2. tv., 8000 Aarhus C. This letter"; !strings.Contains(got, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, got)
		}
	})
	// Swedish writes one as a word: "en avgift", and other counts as numerals.
	for _, tc := range []struct {
		count int
		want  string
	}{{1, "tillkommer en avgift enligt lagen"}, {2, "tillkommer 2 avgifter enligt lagen"}, {3, "tillkommer 3 avgifter enligt lagen"}} {
		t.Run(fmt.Sprintf("collection fees %d", tc.count), func(t *testing.T) {
			text := sampleWithData(t, "betalningspaminnelse", func(v map[string]any) { v["collectionFeeCount"] = tc.count })
			if !strings.Contains(text, tc.want) {
				t.Errorf("letter lacks %q:\n%s", tc.want, text)
			}
		})
	}
	t.Run("Finnish instalments", func(t *testing.T) {
		// Table cells are checked one by one: pdftotext's reading order of a table is not the
		// letter's concern.
		text := sampleWithData(t, "pysakointilupa-paatos", func(v map[string]any) {})
		for _, want := range []string{
			"Päivämäärä: 23. marraskuuta 2026", "Asianumero: HEL 2026-014382",
			"Olet hakenut 2. marraskuuta 2026 asukaspysäköintitunnusta",
			"1.1.2027–31.12.2027", "12 kuukautta",
			"Tunnuksen hinta on yhteensä 360,00 €. Laskutamme sen kahdessa erässä:",
			"Oikaisuvaatimusohje", "14 päivän kuluessa",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("letter lacks %q:\n%s", want, text)
			}
		}
		one := sampleWithData(t, "pysakointilupa-paatos", func(v map[string]any) {
			inst := v["instalments"].([]any)
			v["instalments"] = inst[:1]
			v["permit"].(map[string]any)["months"] = 1
		})
		for _, want := range []string{"Laskutamme sen yhdessä erässä:", "1 kuukausi"} {
			if !strings.Contains(one, want) {
				t.Errorf("letter with one instalment lacks %q:\n%s", want, one)
			}
		}
	})
}

// sampleWithData renders a sample with its sample.json changed by edit and returns the PDF's
// text, white space runs made one space.
func sampleWithData(t *testing.T, name string, edit func(map[string]any)) string {
	t.Helper()
	b, raw := loadSample(t, name)
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	edit(v)
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.Document(data)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pdf.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(pdfText(t, p)), " ")
}

// TestSampleLogos: every sample carries its own sender's logo, the one of its layout folder,
// in the document and in the DOCX it renders, and no two senders share one (the Swedish and
// Dutch letters used to carry Aarhus's).
func TestSampleLogos(t *testing.T) {
	layoutOf := map[string]string{
		"boligstoette-afgoerelse": "kommune", "waste-collection-information": "kommune",
		"betalningspaminnelse": "malmo", "uitnodiging-afspraak": "utrecht", "pysakointilupa-paatos": "helsinki",
	}
	bySender := map[string][32]byte{}
	senderOf := map[[32]byte]string{}
	for _, s := range samples {
		b, data := loadSample(t, s.name)
		d, err := b.Document(data)
		if err != nil {
			t.Fatal(err)
		}
		if d.Letterhead.Logo == nil {
			t.Errorf("%s has no logo", s.name)
			continue
		}
		sum := sha256.Sum256(d.Letterhead.Logo.Data)
		file, err := os.ReadFile(filepath.Join(samplesDir, "layouts", layoutOf[s.name], "logo.png"))
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if sha256.Sum256(file) != sum {
			t.Errorf("%s does not carry samples/layouts/%s/logo.png", s.name, layoutOf[s.name])
		}
		docs, err := renderFormats(d, []string{"docx"})
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(docs[0].data), int64(len(docs[0].data)))
		if err != nil {
			t.Fatal(err)
		}
		var media [][32]byte
		for _, f := range zr.File {
			if strings.HasPrefix(f.Name, "word/media/") {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				img, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				media = append(media, sha256.Sum256(img))
			}
		}
		if len(media) != 1 || media[0] != sum {
			t.Errorf("%s: the DOCX has %d images, want 1: its layout's logo", s.name, len(media))
		}
		sender := d.Letterhead.Name
		if sender != s.author {
			t.Errorf("%s: sender %q, want %q", s.name, sender, s.author)
		}
		if prev, ok := bySender[sender]; ok && prev != sum {
			t.Errorf("%s: %s has two logos", s.name, sender)
		}
		if other, ok := senderOf[sum]; ok && other != sender {
			t.Errorf("%s: %s carries the logo of %s", s.name, sender, other)
		}
		bySender[sender], senderOf[sum] = sum, sender
	}
	if len(bySender) != 4 {
		t.Errorf("the samples have %d senders, want 4 (Aarhus, Malmö, Utrecht, Helsinki)", len(bySender))
	}
}

// TestSampleComplaintGuidance: the complaint guidance block exists in every language a sample
// is written in, and every shared block renders in its language: a one-block letter with it
// shows the block's heading.
func TestSampleComplaintGuidance(t *testing.T) {
	testenv.Need(t, "pdftotext")
	for _, s := range samples {
		p := filepath.Join(samplesDir, "blocks", "klagevejledning."+s.lang+".md")
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s is written in %s but there is no complaint guidance %s", s.name, s.lang, p)
		}
	}
	blocks, err := filepath.Glob(filepath.Join(samplesDir, "blocks", "*.*.md"))
	if err != nil || len(blocks) == 0 {
		t.Fatalf("no blocks in %s/blocks (%v)", samplesDir, err)
	}
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "layouts"), os.DirFS(filepath.Join(samplesDir, "layouts"))); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(root, "blocks"), os.DirFS(filepath.Join(samplesDir, "blocks"))); err != nil {
		t.Fatal(err)
	}
	for _, p := range blocks {
		name, lang, _ := strings.Cut(strings.TrimSuffix(filepath.Base(p), ".md"), ".")
		t.Run(name+"."+lang, func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			heading, _, _ := strings.Cut(string(src), "\n")
			if !strings.HasPrefix(heading, "## ") {
				t.Fatalf("%s starts with %q, want a heading \"## ...\"", p, heading)
			}
			dir := filepath.Join(root, "templates", name+"-"+lang)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			letter := fmt.Sprintf("---\ntitle: %s\nlanguage: %s\nlayout: kommune\nblocks: [%s]\nrecipient: [Test]\n---\n{{ include %q }}\n", name, lang, name, name)
			if err := os.WriteFile(filepath.Join(dir, "letter.md"), []byte(letter), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "schema.json"), []byte(`{"type": "object"}`), 0o644); err != nil {
				t.Fatal(err)
			}
			b, err := templates.LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			d, err := b.Document([]byte(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			out, err := pdf.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			pp := filepath.Join(dir, "letter.pdf")
			if err := os.WriteFile(pp, out, 0o644); err != nil {
				t.Fatal(err)
			}
			if text := pdfText(t, pp); !strings.Contains(text, strings.TrimPrefix(heading, "## ")) {
				t.Errorf("the letter with %s lacks its heading %q:\n%s", p, heading, text)
			}
		})
	}
}

// TestSampleRunningHead: a sample letter of more than one page gives the renderer what the
// running head of pages 2..n shows: the recipient's name first and a case number detail; and
// page 2 of the PDF shows them.
func TestSampleRunningHead(t *testing.T) {
	testenv.Need(t, "pdftotext")
	for _, tc := range []struct{ name, recipient, caseNumber string }{
		{"boligstoette-afgoerelse", "Søren Ærbø Møller", "Sagsnummer: 2026-004711"},
		{"pysakointilupa-paatos", "Eeva-Liisa Mäkäräinen", "Asianumero: HEL 2026-014382"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := renderSample(t, tc.name)
			if got := pageText(t, p, 2); !strings.Contains(got, tc.recipient) || !strings.Contains(got, tc.caseNumber) {
				t.Errorf("page 2 lacks %q or %q:\n%s", tc.recipient, tc.caseNumber, got)
			}
			if got := pageText(t, p, 1); !strings.Contains(got, tc.recipient) {
				t.Errorf("page 1 lacks the recipient %q", tc.recipient)
			}
		})
	}
}

// TestSampleLayoutsAgree: the layouts of the sample municipalities differ in sender, footer,
// accent and logo only: every sample letter has the same page, margins, font, type size and
// envelope window. (The malmo, utrecht and helsinki layouts leave those to the renderer's
// defaults; this fails when the kommune layout sets them otherwise.)
func TestSampleLayoutsAgree(t *testing.T) {
	type frame struct {
		Page     render.Page
		Font     string
		FontSize float64
		Window   render.Window
	}
	frameOf := func(d *render.Document) frame {
		f := frame{d.Page, d.Font, d.FontSize, d.Window}
		if f.Font == "" {
			f.Font = render.DefaultFont
		}
		if f.FontSize == 0 {
			f.FontSize = render.DefaultFontSize
		}
		if f.Window == (render.Window{}) {
			f.Window = render.DefaultWindow
		}
		return f
	}
	var first frame
	for i, s := range samples {
		b, data := loadSample(t, s.name)
		d, err := b.Document(data)
		if err != nil {
			t.Fatal(err)
		}
		got := frameOf(d)
		if i == 0 {
			first = got
			continue
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("%s is laid out unlike %s (-%s +%s):\n%s", s.name, samples[0].name, samples[0].name, s.name, diff)
		}
	}
}
