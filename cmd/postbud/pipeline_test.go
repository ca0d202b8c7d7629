package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/templates"
)

func loadSample(t testing.TB, name string) (*templates.Bundle, []byte) {
	t.Helper()
	dir := filepath.Join(samplesDir, "templates", name)
	b, err := templates.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b, data
}

// TestHostileDataEndToEnd puts Markdown, HTML and template syntax into the case data of the
// Danish sample and checks that the PDF and DOCX show it literally.
func TestHostileDataEndToEnd(t *testing.T) {
	testenv.Need(t, "pdftotext")
	b, data := loadSample(t, "boligstoette-afgoerelse")
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	name := `*Søren* [Ø](https://evil.example) <b>x</b>` // short enough for the envelope window
	para := "# ikke en overskrift | 1. ikke en liste | - ikke et punkt | `kode` | ![billede](x.png) | *** " +
		"_Ærbø_ [Møller](https://evil.example) <b>fed</b> <script>x</script> {{ .secret }} {{ signature }}"
	v["recipient"].(map[string]any)["name"] = name
	v["paragraphs"] = []any{para}
	v["table"].(map[string]any)["rows"].([]any)[0].(map[string]any)["description"] = "a | b | **c**"
	hostile, _ := json.Marshal(v)

	docs, err := produce(b, hostile, []string{"pdf", "docx"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pdfPath, docxPath := filepath.Join(dir, "x.pdf"), filepath.Join(dir, "x.docx")
	os.WriteFile(pdfPath, docs[0].data, 0o644)
	os.WriteFile(docxPath, docs[1].data, 0o644)
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	pdf, docx := flat(pdfText(t, pdfPath)), flat(docxText(t, docxPath))
	for _, want := range []string{name, para, "a | b | **c**"} {
		if !strings.Contains(pdf, flat(want)) {
			t.Errorf("PDF text lacks %q literally:\n%s", want, pdf)
		}
		if !strings.Contains(docx, flat(want)) {
			t.Errorf("DOCX text lacks %q literally", want)
		}
	}
	if bytes.Contains(docs[0].data, []byte("/URI (https://evil.example")) {
		t.Error("the PDF has a link annotation to a URL from the case data")
	}
	zr, err := zip.NewReader(bytes.NewReader(docs[1].data), int64(len(docs[1].data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".rels") {
			rc, _ := f.Open()
			rels, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Contains(rels, []byte("evil.example")) {
				t.Errorf("%s relates to a URL from the case data", f.Name)
			}
		}
	}
}

// TestConcurrentPipeline renders 16 letters (every sample, four times) at once under -race and
// checks each against a render of the same input made alone: same bytes.
func TestConcurrentPipeline(t *testing.T) {
	type job struct {
		b    *templates.Bundle
		data []byte
		want []document
	}
	var jobs []job
	for _, s := range samples {
		b, data := loadSample(t, s.name)
		want, err := produce(b, data, []string{"pdf", "docx"})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 4; i++ {
			jobs = append(jobs, job{b, data, want})
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(jobs))
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := produce(j.b, j.data, []string{"pdf", "docx"})
			if err != nil {
				errs <- err
				return
			}
			for k := range got {
				if !bytes.Equal(got[k].data, j.want[k].data) {
					errs <- fmt.Errorf("letter %d (%s): concurrent %s differs from the one rendered alone", i, j.b.Name, got[k].format)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestDeterministicAcrossProcesses renders the same sample in two separate processes: the
// files are byte-identical, so a letter can be rendered again exactly as it was sent.
func TestDeterministicAcrossProcesses(t *testing.T) {
	bin := buildBinary(t)
	bundle := filepath.Join(samplesDir, "templates", "boligstoette-afgoerelse")
	var outs [2]string
	for i := range outs {
		outs[i] = t.TempDir()
		if out, err := exec.Command(bin, "render", bundle, filepath.Join(bundle, "sample.json"), "-o", outs[i]).CombinedOutput(); err != nil {
			t.Fatalf("render: %v\n%s", err, out)
		}
	}
	for _, f := range []string{"boligstoette-afgoerelse-sample.pdf", "boligstoette-afgoerelse-sample.docx"} {
		a, _ := os.ReadFile(filepath.Join(outs[0], f))
		b, _ := os.ReadFile(filepath.Join(outs[1], f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two processes (%d and %d bytes)", f, len(a), len(b))
		}
	}
}

// BenchmarkLetter measures merge + render through the boligstoette bundle on the reference letter
// (../shared/bench/peers/letter.json, the sample data) and its long variant (letter-long.json).
func BenchmarkLetter(b *testing.B) {
	bundle, ref := loadSample(b, "boligstoette-afgoerelse")
	long, err := os.ReadFile(filepath.Join("testdata", "letter-long.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, data := range []struct {
		name string
		json []byte
	}{{"reference", ref}, {"long", long}} {
		for _, formats := range [][]string{{"pdf"}, {"docx"}, {"pdf", "docx"}} {
			b.Run(data.name+"/"+strings.Join(formats, "+"), func(b *testing.B) {
				if _, err := produce(bundle, data.json, formats); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := produce(bundle, data.json, formats); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
			})
		}
	}
}
