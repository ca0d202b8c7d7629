package templates

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/render"
)

func TestVersion(t *testing.T) {
	root := fixture(t)
	dir := filepath.Join(root, "templates/boligstoette")
	load := func() string {
		t.Helper()
		b, err := LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		return b.Version
	}
	base := load()
	if len(base) != 16 || strings.Trim(base, "0123456789abcdef") != "" {
		t.Fatalf("Version %q is not 16 hex digits", base)
	}
	if again := load(); again != base {
		t.Fatalf("Version changed across loads: %s, %s", base, again)
	}
	tests := []struct {
		file    string
		changed bool
	}{
		{"templates/boligstoette/sample.json", false},
		{"templates/boligstoette/letter.md", true},
		{"templates/boligstoette/schema.json", true},
		{"templates/boligstoette/plan.png", true},
		{"blocks/klagevejledning.da.md", true},
		{"blocks/kontakt.md", true},
		{"blocks/klagevejledning.sv.md", false}, // another language: not included by this letter
		{"layouts/kommune/layout.yaml", true},
		{"layouts/kommune/logo.png", true},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p := filepath.Join(root, tc.file)
			orig := readFile(t, p)
			edited := orig + "\n"
			if strings.HasSuffix(tc.file, ".png") {
				edited = orig + "\x00" // bytes after IEND: still a PNG by its magic
			}
			if strings.HasSuffix(tc.file, ".json") {
				edited = " " + orig
			}
			writeFile(t, root, tc.file, edited)
			defer writeFile(t, root, tc.file, orig)
			if got := load(); (got != base) != tc.changed {
				t.Errorf("after changing %s: version %s, before %s; want changed=%v", tc.file, got, base, tc.changed)
			}
		})
	}
	// Load (fs.FS) and LoadDir hash the same files the same way.
	b, err := Load(osDirFS(root), "boligstoette")
	if err != nil {
		t.Fatal(err)
	}
	if b.Version != base {
		t.Errorf("Load: %s, LoadDir: %s", b.Version, base)
	}
}

func TestDocument(t *testing.T) {
	b := loadFixture(t)
	d, err := b.Document(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	wantMeta := render.Meta{
		Title: "Afgørelse om boligstøtte", Author: "Aarhus Kommune", Subject: "Afgørelse om boligstøtte",
		Keywords: []string{"boligstøtte", "afgørelse"}, Language: "da",
		Creator: "postbud boligstoette " + b.Version,
		Created: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
	}
	if diff := cmp.Diff(wantMeta, d.Meta); diff != "" {
		t.Errorf("Meta (-want +got)\n%s", diff)
	}
	got := struct {
		Page      render.Page
		Font      string
		Size      float64
		Accent    render.Color
		Window    render.Window
		Recipient []string
		Details   []render.Detail
		Subject   string
		Footer    string
		PageLabel string
		Dept      string
		Logo      bool
		Last      render.Block
	}{d.Page, d.Font, d.FontSize, d.Accent, d.Window, d.Recipient, d.Details, d.Subject, d.Footer, d.PageLabel,
		d.Letterhead.Department, d.Letterhead.Logo != nil && d.Letterhead.Logo.Format() == "png", d.Body[len(d.Body)-1]}
	want := got
	// The fixture's layout sets its own margins and size (older than render.A4's defaults).
	want.Page = render.Page{Width: 210, Height: 297, Top: 15, Right: 20, Bottom: 20, Left: 20}
	want.Font, want.Size = "Liberation Sans", 10
	want.Accent = render.Color{R: 0x1f, G: 0x4e, B: 0x79}
	want.Window = render.DefaultWindow
	want.Recipient = []string{"Søren Ærbø Møller", "Åboulevarden 17, 3. th.", "8000 Aarhus C"}
	want.Details = []render.Detail{{Label: "Dato", Value: "23. november 2026", Key: render.DetailDate}, {Label: "Sagsnummer", Value: "2026-004711", Key: render.DetailCase}}
	want.Subject = "Afgørelse om boligstøtte"
	want.Footer = "Aarhus Kommune · Borgerservice · Rådhuspladsen 2 · 8000 Aarhus C · CVR 55133018"
	want.PageLabel = "Side {page} af {pages}"
	want.Dept = "Borgerservice"
	want.Logo = true
	want.Last = &render.Signature{Greeting: "Med venlig hilsen", Name: "Mette Søgaard Østergård", Title: "Sagsbehandler, Boligstøtte og Pension"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	// An optional address line appears only when the data has it.
	d, err = b.Document(sampleWith(t, b, func(m map[string]any) { obj(m, "recipient")["co"] = "Ib Hansen" }))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Søren Ærbø Møller", "c/o Ib Hansen", "Åboulevarden 17, 3. th.", "8000 Aarhus C"}, d.Recipient); diff != "" {
		t.Errorf("Recipient with c/o (-want +got)\n%s", diff)
	}
	memo, err := b.ExecMemo(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&Memo{Label: "Afgørelse om boligstøtte 2026-004711"}, memo); diff != "" {
		t.Errorf("ExecMemo (-want +got)\n%s", diff)
	}
	// LetterMemo gives both from one decode, exactly as the two calls do; Letter the label.
	ld, lmemo, err := b.LetterMemo(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := b.Document(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sd.Text(), ld.Text()); diff != "" {
		t.Errorf("LetterMemo's document differs from Document's (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff(memo, lmemo); diff != "" {
		t.Errorf("LetterMemo's memo differs from ExecMemo's (-want +got)\n%s", diff)
	}
	var de *DataError
	if _, _, err := b.LetterMemo([]byte(`{"recipient": 1}`)); !errors.As(err, &de) {
		t.Errorf("LetterMemo on bad data: %v, want a *DataError", err)
	}
}

// TestBlockLanguage: a block is taken in the letter's language, else the neutral file.
func TestBlockLanguage(t *testing.T) {
	root := fixture(t)
	p := filepath.Join(root, "templates/boligstoette/letter.md")
	writeFile(t, root, "templates/boligstoette/letter.md", strings.Replace(readFile(t, p), "language: da", "language: sv", 1))
	b, err := LoadDir(filepath.Join(root, "templates/boligstoette"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.Document(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	text := d.Text()
	for _, want := range []string{"Hur man överklagar", "Ange ärendenummer 2026-004711.", "Skriv til os via Digital Post.", "Med vänliga hälsningar", "23 november 2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("Swedish letter lacks %q:\n%s", want, text)
		}
	}
	if d.PageLabel == "Side {page} af {pages}" || d.Meta.Language != "sv" {
		t.Errorf("PageLabel %q, Language %q: want the Swedish ones", d.PageLabel, d.Meta.Language)
	}
}

// TestConcurrentDocument: one Bundle serves many goroutines (run with -race).
func TestConcurrentDocument(t *testing.T) {
	b := loadFixture(t)
	want, err := b.Document(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				d, err := b.Document(b.Sample)
				if err != nil {
					errs <- err.Error()
					return
				}
				if d.Text() != want.Text() {
					errs <- "documents differ"
					return
				}
				d.Letterhead.Logo.Data[0] = 0 // each document owns its bytes
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// BenchmarkDocument merges the reference-like letter; reported in letters per second.
func BenchmarkDocument(b *testing.B) {
	bd := loadFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bd.Document(bd.Sample); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		loadFixture(b)
	}
}
