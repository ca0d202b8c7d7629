package pdf

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phpdave11/gofpdf"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
)

// europeanWords are words of Danish, Norwegian, Swedish, German, French, Polish, Czech,
// Romanian and other languages the Latin subset fonts cover; variedLetter draws on them.
var europeanWords = strings.Fields(`ansøgning boligstøtte afgørelse Ærø Åbenrå
	smörgåsbord Göteborg Ängelholm Straße Grüße Fußgänger Übermaß Öffnungszeiten
	garçon français élève Noël œuvre cœur déjà naïve Œdipe façade
	Łódź źdźbło żółć gęślą jaźń Kraków Gdańsk Wrocław
	příliš žluťoučký kůň úpěl ďábelské ódy Brno Plzeň
	Timișoara București Brașov știință țară
	Þingvellir Reykjavík Ísafjörður mañana pingüino España
	Kärnten Österreich Zürich Liège Malmö Tromsø
	1.234,50 kr. € 45,75 „citat“ «guillemets» – — … ™ −`)

// variedLetter returns the reference letter with five paragraphs of random European text, so
// that each letter uses a different set of characters.
func variedLetter(rng *rand.Rand) *render.Document {
	ps := make([]string, 5)
	for i := range ps {
		var b strings.Builder
		for range 60 + rng.IntN(20) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(europeanWords[rng.IntN(len(europeanWords))])
		}
		ps[i] = b.String()
	}
	return testdoc.Letter(ps, 6)
}

// setLatinEmbedding makes gofpdf embed the Latin subset fonts in mode, until the test ends.
func setLatinEmbedding(tb testing.TB, mode gofpdf.UTF8FontEmbedding) {
	set := families[render.DefaultFont].sets[0]
	for s := regular; s <= boldItalic; s++ {
		f, err := set.face(s)
		if err != nil {
			tb.Fatal(err)
		}
		if err := gofpdf.SetUTF8FontEmbedding(f.data, mode); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { _ = gofpdf.SetUTF8FontEmbedding(f.data, set.embed) })
	}
}

// BenchmarkRenderVaried renders letters of random European text, a different one each time, with
// each way gofpdf can embed the Latin subset fonts (postbud's choice is whole).
func BenchmarkRenderVaried(b *testing.B) {
	for _, m := range []struct {
		name string
		mode gofpdf.UTF8FontEmbedding
	}{{"whole", gofpdf.UTF8FontWhole}, {"keepgids", gofpdf.UTF8FontSubsetKeepGIDs}, {"subset", gofpdf.UTF8FontSubset}} {
		b.Run(m.name, func(b *testing.B) {
			setLatinEmbedding(b, m.mode)
			rng := rand.New(rand.NewPCG(1, 2))
			docs := make([]*render.Document, 64)
			for i := range docs {
				docs[i] = variedLetter(rng)
			}
			if _, err := Render(docs[0]); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			size := 0
			i := 0
			for b.Loop() {
				out, err := Render(docs[i%len(docs)])
				if err != nil {
					b.Fatal(err)
				}
				size += len(out)
				i++
			}
			b.ReportMetric(float64(size)/float64(i), "bytes/letter")
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(b.N)/cpu.Seconds(), "letters/cpu-s")
			}
		})
	}
}

// fontStreams returns the decompressed FontFile2 streams of a PDF.
func fontStreams(t testing.TB, pdf []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for _, m := range regexp.MustCompile(`/FontFile2 (\d+) 0 R`).FindAllSubmatch(pdf, -1) {
		obj := bytes.Index(pdf, []byte("\n"+string(m[1])+" 0 obj\n"))
		if obj < 0 {
			t.Fatalf("font file object %s not found", m[1])
		}
		rest := pdf[obj:]
		s := bytes.Index(rest, []byte("stream\n"))
		lm := regexp.MustCompile(`/Length (\d+)`).FindSubmatch(rest[:s])
		if lm == nil {
			t.Fatalf("font file object %s has no /Length", m[1])
		}
		n, _ := strconv.Atoi(string(lm[1]))
		zr, err := zlib.NewReader(bytes.NewReader(rest[s+7 : s+7+n]))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// checkFontTools loads every embedded font with fontTools, decompiling all its tables.
func checkFontTools(t *testing.T, pdf []byte) {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import fontTools.ttLib").Run(); err != nil {
		msg := "fontTools missing: apt-get install python3-fonttools"
		if testenv.InCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	args := []string{"-c", `
import sys
from fontTools.ttLib import TTFont
for p in sys.argv[1:]:
    f = TTFont(p)
    for tag in f.keys():
        if tag != "GlyphOrder":
            f[tag]
    f.getBestCmap()
`}
	streams := fontStreams(t, pdf)
	if len(streams) == 0 {
		t.Fatal("no embedded font files")
	}
	for i, s := range streams {
		p := filepath.Join(dir, fmt.Sprintf("font%d.ttf", i))
		if err := os.WriteFile(p, s, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	if out, err := exec.Command(py, args...).CombinedOutput(); err != nil {
		t.Errorf("fontTools rejects an embedded font: %v\n%s", err, out)
	}
}

// TestVariedLetters renders letters of random European text and a letter with Greek and
// Cyrillic (full Liberation Sans, subset per document) and checks each with qpdf, pdffonts,
// pdftotext and fontTools.
func TestVariedLetters(t *testing.T) {
	testenv.Need(t, "qpdf")
	rng := rand.New(rand.NewPCG(7, 8))
	docs := []*render.Document{testdoc.Heavy(), testdoc.Reference()}
	for range 4 {
		docs = append(docs, variedLetter(rng))
	}
	for i, d := range docs {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			b := mustRender(t, d)
			path := writePDF(t, b)
			run(t, "qpdf", "--check", path)
			fonts := run(t, "pdffonts", path)
			rows := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
			if len(rows) == 0 {
				t.Fatal("no fonts")
			}
			for _, r := range rows {
				f := strings.Fields(r)
				if emb, uni := f[len(f)-5], f[len(f)-3]; emb != "yes" || uni != "yes" {
					t.Errorf("font %s: emb=%s uni=%s, want embedded with ToUnicode", f[0], emb, uni)
				}
			}
			text := pdfText(t, path)
			if diff := cmp.Diff(sorted(expectedWords(d, pageCount(t, path))), sorted(render.Words(text))); diff != "" {
				t.Errorf("words (-want +got):\n%s", diff)
			}
			checkFontTools(t, b)
		})
	}
}

// TestOutputAcrossProcesses checks that another process renders the same bytes for varied
// letters, whole-embedded and subset fonts alike.
func TestOutputAcrossProcesses(t *testing.T) {
	if os.Getenv("POSTBUD_PDF_HASH_CHILD") != "" {
		fmt.Printf("hash=%s\n", variedHash(t))
		return
	}
	want := variedHash(t)
	if again := variedHash(t); again != want {
		t.Fatalf("two runs in one process differ: %s, %s", want, again)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOutputAcrossProcesses$", "-test.count=1")
	cmd.Env = append(os.Environ(), "POSTBUD_PDF_HASH_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if m := regexp.MustCompile(`hash=(\S+)`).FindSubmatch(out); m == nil || string(m[1]) != want {
		t.Fatalf("another process made different PDFs:\n%s\nwant hash=%s", out, want)
	}
}

func variedHash(t testing.TB) string {
	rng := rand.New(rand.NewPCG(3, 4))
	h := sha256.New()
	for _, d := range []*render.Document{variedLetter(rng), variedLetter(rng), testdoc.Heavy()} {
		h.Write(mustRender(t, d))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestConcurrentSharedFonts renders varied letters in 32 goroutines that share the embedded font
// bytes (customFonts no longer copies them); run with -race. Each must equal its sequential
// rendering.
func TestConcurrentSharedFonts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 32
	docs := make([]*render.Document, n)
	want := make([][]byte, n)
	for i := range docs {
		if i%4 == 3 {
			docs[i] = testdoc.Heavy()
		} else {
			docs[i] = variedLetter(rng)
		}
		want[i] = mustRender(t, docs[i])
	}
	got := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = Render(docs[i])
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("render %d: %v", i, errs[i])
		}
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("letter %d differs when rendered concurrently", i)
		}
	}
}

// firstMissingOld checks texts character by character against set, for TestChooseFontsSets:
// the first character set has no glyph for (characters that are not drawn need none), or nil.
func firstMissingOld(set *fontSet, texts []styledText) (*missingGlyphError, error) {
	for _, t := range texts {
		f, err := set.face(t.style)
		if err != nil {
			return nil, err
		}
		for _, r := range t.text {
			switch r {
			case ' ', '\n', '\t', '\r', '\u00ad', '\u200b', '\ufeff':
				continue
			}
			if !f.has(r) {
				return &missingGlyphError{r: r, text: t.text, where: t.where, family: set.key}, nil
			}
		}
	}
	return nil, nil
}

// TestNorm compares norm with the replacer it avoids calling.
func TestNorm(t *testing.T) {
	for _, s := range []string{"", "plain text – €²", "a\r\nb", "a\rb", "a\tb", "soft\u00adhyphen", "zero\u200bwidth",
		"\ufeffbom", "\u00ac\u200c\ufefe", "²€–"} {
		if got, want := norm(s), cleaner.Replace(s); got != want {
			t.Errorf("norm(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestWordWidth compares face.wordWidth with strings.IndexAny and face.width, which it replaces
// in breakLines.
func TestWordWidth(t *testing.T) {
	f, err := families[render.DefaultFont].sets[0].face(regular)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"", " ", "\n", "word", "word rest", "ord\nrest", "æøå€ x", "\xff\xe2 x", "α中 b", "a\tb c"} {
		want := strings.IndexAny(s, " \n")
		if want < 0 {
			want = len(s)
		}
		end, w := f.wordWidth(s)
		if end != want || w != f.width(s[:want]) {
			t.Errorf("wordWidth(%q) = %d, %d; want %d, %d", s, end, w, want, f.width(s[:want]))
		}
	}
}

// TestChooseFontsSets compares chooseFonts with checking each font set text by text
// (firstMissingOld), on random texts that the first, a later or no set covers.
func TestChooseFontsSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "Z", " ", "\n", "\t", "\x01", "~", "æ", "€", "–", "ŉ", "α", "中", "😀", "\xff", "Hej med dig. "}
	fam := families[render.DefaultFont]
	for i := 0; i < 3000; i++ {
		var texts []styledText
		for j := rng.IntN(5); j >= 0; j-- {
			var b strings.Builder
			for k := rng.IntN(8); k >= 0; k-- {
				p := pieces[len(pieces)-1]
				if rng.IntN(4) == 0 {
					p = pieces[rng.IntN(len(pieces))]
				}
				b.WriteString(p)
			}
			texts = append(texts, styledText{text: b.String(), style: style(rng.IntN(4)), where: fmt.Sprint(j)})
		}
		var wantSet *fontSet
		var wantErr error
		for _, set := range fam.sets {
			m, err := firstMissingOld(set, texts)
			if err != nil {
				t.Fatal(err)
			}
			if m == nil {
				wantSet, wantErr = set, nil
				break
			}
			wantErr = m
		}
		got, err := chooseFonts(render.DefaultFont, texts)
		switch {
		case wantSet != nil && (err != nil || got.set != wantSet):
			t.Fatalf("%+v: chooseFonts = %v, %v; want set %s", texts, got, err, wantSet.key)
		case wantSet == nil && (err == nil || err.Error() != wantErr.Error()):
			t.Fatalf("%+v: chooseFonts error %v; want %v", texts, err, wantErr)
		}
	}
}
