package gofpdf

// Tests of the postbud fork's changes (CHANGES.md): UTF-8 font embedding, subsets that strict
// font parsers accept, ToUnicode CMaps, output that external tools accept, reproducible output,
// and fonts shared by concurrent documents.

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// needTool returns the path of an external tool. When it is missing the test is skipped, or fails
// when CI is set (as postbud's internal/testenv does), so a green CI run means the check ran.
func needTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		msg := name + " not found; apt-get install " + pkg
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// needFontTools returns the Python that has fontTools (Debian python3-fonttools).
func needFontTools(t testing.TB) string {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import fontTools.ttLib").Run(); err != nil {
		msg := py + " cannot import fontTools; apt-get install python3-fonttools"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return py
}

// loadWithFontTools loads each font file with fontTools and decompiles every table (TTFont
// reads tables lazily), failing the test with fontTools' message for any it rejects.
func loadWithFontTools(t *testing.T, paths ...string) {
	t.Helper()
	py := needFontTools(t)
	const script = `
import sys
from fontTools.ttLib import TTFont
bad = 0
for path in sys.argv[1:]:
    try:
        f = TTFont(path)
        for tag in f.keys():
            if tag != "GlyphOrder":
                f[tag]
        f.getBestCmap()
    except Exception as e:
        print("%s: %r" % (path, e))
        bad += 1
sys.exit(1 if bad else 0)
`
	out, err := exec.Command(py, append([]string{"-c", script}, paths...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("fontTools rejects fonts: %v\n%s", err, out)
	}
}

func readTestFont(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("font", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// textSamples are texts whose subsets exercise many cmap segment layouts.
var textSamples = []string{
	"Hello, World!",
	"The quick brown fox jumps over the lazy dog 0123456789",
	"Æble Øl Åbenrå smørrebrød æøå ÆØÅ",
	"Grüße aus Köln – „Straße“ «çà» œuvre",
	"Łódź żółć gęślą jaźń Škoda Dvořák",
	"Ελληνικά κείμενα αβγδε",
	"Кириллица: съешь же ещё этих мягких булок",
	"a c e g i k m o q s u w y ~ ¡ £ ¥ § © « ® ° ² ´ ¶ ¸ º ¼ ¾ À",
}

// cmapSubtable returns the first cmap subtable of a TrueType font and its declared length.
func cmapSubtable(t *testing.T, font []byte) (sub []byte, length int) {
	t.Helper()
	n := int(binary.BigEndian.Uint16(font[4:]))
	for i := 0; i < n; i++ {
		rec := font[12+16*i:]
		if string(rec[:4]) != "cmap" {
			continue
		}
		off, size := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		cmap := font[off : off+size]
		subOff := binary.BigEndian.Uint32(cmap[8:])
		sub = cmap[subOff:]
		return sub, int(binary.BigEndian.Uint16(sub[2:]))
	}
	t.Fatal("no cmap table")
	return nil, 0
}

// TestCutFontCmap checks that subsets have a format 4 cmap subtable whose length is even and
// matches the table (upstream wrote an odd or wrong length, which fontTools rejected), that
// fontTools loads them, and that they map every character to a glyph.
func TestCutFontCmap(t *testing.T) {
	src := readTestFont(t, "DejaVuSansCondensed.ttf")
	dir := t.TempDir()
	var paths []string
	for i, text := range textSamples {
		for _, keep := range []bool{false, true} {
			utf := newUTF8Font(&fileReader{array: src})
			runes := map[int]int{}
			for j, r := range text {
				runes[j] = int(r)
			}
			font := utf.cutFont(runes, keep)
			sub, length := cmapSubtable(t, font)
			segX2 := int(binary.BigEndian.Uint16(sub[6:]))
			if want := 16 + 4*segX2; length != want || length%2 != 0 {
				t.Errorf("sample %d keepGIDs=%v: cmap subtable length %d, want %d (even)", i, keep, length, want)
			}
			p := filepath.Join(dir, fmt.Sprintf("cut%d-%v.ttf", i, keep))
			if err := os.WriteFile(p, font, 0o644); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
	}
	loadWithFontTools(t, paths...)

	// Every character of the sample maps to a glyph with an outline in the subset.
	py := needFontTools(t)
	for i, text := range textSamples {
		p := filepath.Join(dir, fmt.Sprintf("cut%d-false.ttf", i))
		script := `
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1]); cmap = f.getBestCmap(); glyf = f["glyf"]
missing = [c for c in sys.argv[2] if not c.isspace() and (ord(c) not in cmap or glyf[cmap[ord(c)]].numberOfContours == 0)]
print("".join(missing))`
		out, err := exec.Command(py, "-c", script, p, text).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "" {
			t.Errorf("sample %d: characters without a glyph in the subset: %q (%v)", i, out, err)
		}
	}
}

// TestToUnicodeByteBoundary checks that no bfrange crosses a multiple of 256 and that every CID
// is mapped once, to itself.
func TestToUnicodeByteBoundary(t *testing.T) {
	cids := map[int]int{}
	for c := 0x20; c <= 0x17F; c++ { // crosses 0x100
		cids[c] = 1
	}
	for _, c := range []int{0x1FF, 0x200, 0x201, 0x2013, 0x2014, 0x20AC, 0xD800, 0xFFFF} {
		cids[c] = 1
	}
	for c := 0x400; c < 0x400+300; c++ { // more than 100 ranges would need several blocks
		if c%3 != 0 {
			cids[c] = 1
		}
	}
	cm := string(toUnicodeCMap(cids))
	got := map[int]int{}
	hex4 := func(s string) int {
		v, err := strconv.ParseUint(strings.Trim(s, "<>"), 16, 16)
		if err != nil {
			t.Fatalf("bad code %q", s)
		}
		return int(v)
	}
	blocks := regexp.MustCompile(`(?s)(\d+) begin(bfrange|bfchar)\n(.*?)end(bfrange|bfchar)\n`).FindAllStringSubmatch(cm, -1)
	for _, b := range blocks {
		lines := strings.Split(strings.TrimSpace(b[3]), "\n")
		if n, _ := strconv.Atoi(b[1]); n != len(lines) || n > 100 {
			t.Errorf("block of %s entries has %d lines (at most 100)", b[1], len(lines))
		}
		for _, l := range lines {
			f := strings.Fields(l)
			switch {
			case b[2] == "bfrange" && len(f) == 3:
				lo, hi, dst := hex4(f[0]), hex4(f[1]), hex4(f[2])
				if lo>>8 != hi>>8 || lo > hi {
					t.Errorf("bfrange %s crosses a byte boundary", l)
				}
				for c := lo; c <= hi; c++ {
					got[c] += 1
					if dst+c-lo != c {
						t.Errorf("bfrange %s maps %04X elsewhere", l, c)
					}
				}
			case b[2] == "bfchar" && len(f) == 2:
				if hex4(f[0]) != hex4(f[1]) {
					t.Errorf("bfchar %s", l)
				}
				got[hex4(f[0])]++
			default:
				t.Errorf("bad %s line %q", b[2], l)
			}
		}
	}
	for c := range cids {
		want := 1
		if c == 0xD800 || c == 0xFFFF {
			want = 0 // a surrogate and a non-character map to nothing
		}
		if got[c] != want {
			t.Errorf("CID %04X mapped %d times, want %d", c, got[c], want)
		}
		delete(got, c)
	}
	if len(got) > 0 {
		t.Errorf("CIDs mapped that the font does not use: %v", got)
	}
	if strings.Contains(cm, "<0000> <FFFF> <0000>") {
		t.Error("the upstream single range is still there")
	}
}

var embeddingModes = []struct {
	name string
	mode UTF8FontEmbedding
}{{"subset", UTF8FontSubset}, {"keepgids", UTF8FontSubsetKeepGIDs}, {"whole", UTF8FontWhole}}

// utf8Doc makes a document of text in the fonts, each added from bytes as family i.
func utf8Doc(t testing.TB, fonts [][]byte, text string) []byte {
	t.Helper()
	pdf := New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(fixedTime)
	pdf.SetModificationDate(fixedTime)
	for i, f := range fonts {
		pdf.AddUTF8FontFromBytes("f"+strconv.Itoa(i), "", f)
	}
	pdf.AddPage()
	for i := range fonts {
		pdf.SetFont("f"+strconv.Itoa(i), "", 12)
		pdf.MultiCell(0, 6, text, "", "L", false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var fixedTime = mustTime("2026-11-23T00:00:00Z")

// fontFiles returns the decompressed FontFile2 streams of a PDF written by gofpdf.
func fontFiles(t *testing.T, pdf []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for _, m := range regexp.MustCompile(`/FontFile2 (\d+) 0 R`).FindAllSubmatch(pdf, -1) {
		obj := bytes.Index(pdf, []byte("\n"+string(m[1])+" 0 obj\n"))
		if obj < 0 {
			t.Fatalf("object %s not found", m[1])
		}
		dict := pdf[obj:]
		s := bytes.Index(dict, []byte("stream\n"))
		lm := regexp.MustCompile(`/Length (\d+)`).FindSubmatch(dict[:s])
		n, _ := strconv.Atoi(string(lm[1]))
		zr, err := zlib.NewReader(bytes.NewReader(dict[s+7 : s+7+n]))
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

// TestUTF8FontOutput renders documents in each embedding mode and checks them with qpdf,
// pdffonts, pdftotext and fontTools, and that the same input gives the same bytes.
func TestUTF8FontOutput(t *testing.T) {
	qpdf := needTool(t, "qpdf", "qpdf")
	pdffonts := needTool(t, "pdffonts", "poppler-utils")
	pdftotext := needTool(t, "pdftotext", "poppler-utils")
	fonts := [][]byte{readTestFont(t, "DejaVuSansCondensed.ttf"), readTestFont(t, "DejaVuSansCondensed-Bold.ttf"), readTestFont(t, "calligra.ttf")}
	text := strings.Join(textSamples[:7], " ")
	latin := strings.Join(textSamples[:5], " ")
	dir := t.TempDir()
	for _, m := range embeddingModes {
		t.Run(m.name, func(t *testing.T) {
			for _, f := range fonts {
				if err := SetUTF8FontEmbedding(f, m.mode); err != nil {
					t.Fatal(err)
				}
				defer SetUTF8FontEmbedding(f, UTF8FontSubset)
			}
			pdf := utf8Doc(t, fonts[:2], text)
			if again := utf8Doc(t, fonts[:2], text); !bytes.Equal(pdf, again) {
				t.Error("two renderings of one document differ")
			}
			p := filepath.Join(dir, m.name+".pdf")
			if err := os.WriteFile(p, pdf, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(qpdf, "--check", p).CombinedOutput(); err != nil {
				t.Errorf("qpdf --check: %v\n%s", err, out)
			}
			out, err := exec.Command(pdffonts, p).CombinedOutput()
			if err != nil {
				t.Fatalf("pdffonts: %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")[2:]
			if len(lines) != 2 {
				t.Errorf("pdffonts lists %d fonts, want 2:\n%s", len(lines), out)
			}
			for _, l := range lines {
				f := strings.Fields(l)
				emb, sub := f[len(f)-5], f[len(f)-4]
				wantSub := "yes"
				if m.mode == UTF8FontWhole {
					wantSub = "no"
				}
				if emb != "yes" || sub != wantSub || f[len(f)-3] != "yes" {
					t.Errorf("pdffonts: %q: want emb yes, sub %s, uni yes", l, wantSub)
				}
				if wantSub == "yes" && !regexp.MustCompile(`^[A-Z]{6}\+DejaVuSansCondensed`).MatchString(f[0]) {
					t.Errorf("subset name %q has no subset tag", f[0])
				}
			}
			txt, err := exec.Command(pdftotext, p, "-").CombinedOutput()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			got := strings.Join(strings.Fields(string(txt)), " ")
			if want := strings.Join(strings.Fields(text), " "); !strings.Contains(got, want) {
				t.Errorf("pdftotext:\n got %q\nwant %q (twice)", got, want)
			}
			var paths []string
			for i, ff := range fontFiles(t, pdf) {
				fp := filepath.Join(dir, fmt.Sprintf("%s-%d.ttf", m.name, i))
				os.WriteFile(fp, ff, 0o644)
				paths = append(paths, fp)
			}
			if len(paths) != 2 {
				t.Fatalf("%d font files, want 2", len(paths))
			}
			loadWithFontTools(t, paths...)

			// A small font with composite-free Latin text, too.
			small := utf8Doc(t, fonts[2:], latin[:40])
			sp := filepath.Join(dir, m.name+"-small.pdf")
			os.WriteFile(sp, small, 0o644)
			if out, err := exec.Command(qpdf, "--check", sp).CombinedOutput(); err != nil {
				t.Errorf("qpdf --check: %v\n%s", err, out)
			}
		})
	}
}

// TestOutputAcrossProcesses checks that another process renders the same bytes: nothing in the
// output depends on map order, addresses, the clock or the font cache's random hash seed.
func TestOutputAcrossProcesses(t *testing.T) {
	if os.Getenv("GOFPDF_HASH_CHILD") != "" {
		t.Skip("child")
	}
	sum := func() string {
		var parts []string
		for _, m := range embeddingModes {
			f := readTestFont(t, "DejaVuSansCondensed.ttf")
			SetUTF8FontEmbedding(f, m.mode)
			s := sha256.Sum256(utf8Doc(t, [][]byte{f}, strings.Join(textSamples, " ")))
			SetUTF8FontEmbedding(f, UTF8FontSubset)
			parts = append(parts, hex.EncodeToString(s[:]))
		}
		return strings.Join(parts, ",")
	}
	want := sum()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPrintOutputHash$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GOFPDF_HASH_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`hash=(\S+)`).FindSubmatch(out)
	if m == nil || string(m[1]) != want {
		t.Fatalf("another process made different PDFs:\n got %s\nwant hash=%s", out, want)
	}
}

// TestPrintOutputHash is TestOutputAcrossProcesses' child.
func TestPrintOutputHash(t *testing.T) {
	if os.Getenv("GOFPDF_HASH_CHILD") == "" {
		t.Skip("run by TestOutputAcrossProcesses")
	}
	var parts []string
	for _, m := range embeddingModes {
		f := readTestFont(t, "DejaVuSansCondensed.ttf")
		SetUTF8FontEmbedding(f, m.mode)
		s := sha256.Sum256(utf8Doc(t, [][]byte{f}, strings.Join(textSamples, " ")))
		parts = append(parts, hex.EncodeToString(s[:]))
	}
	fmt.Printf("hash=%s\n", strings.Join(parts, ","))
}

// TestSharedFontsConcurrent renders documents in 32 goroutines that share the same font bytes
// (run with -race): upstream appended checksum padding into the caller's font bytes. Each
// document must equal the one rendered alone, and the font bytes must not change.
func TestSharedFontsConcurrent(t *testing.T) {
	dejavu := readTestFont(t, "DejaVuSansCondensed.ttf")
	calligra := readTestFont(t, "calligra.ttf")
	SetUTF8FontEmbedding(calligra, UTF8FontWhole)
	defer SetUTF8FontEmbedding(calligra, UTF8FontSubset)
	before := sha256.Sum256(append(append([]byte(nil), dejavu...), calligra...))
	const n = 32
	want := make([][]byte, n)
	for i := range want {
		want[i] = utf8Doc(t, [][]byte{dejavu, calligra}, textSamples[i%len(textSamples)]+strconv.Itoa(i))
	}
	got := make([][]byte, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got[i] = utf8Doc(t, [][]byte{dejavu, calligra}, textSamples[i%len(textSamples)]+strconv.Itoa(i))
		}(i)
	}
	wg.Wait()
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("document %d differs when rendered concurrently", i)
		}
	}
	if after := sha256.Sum256(append(append([]byte(nil), dejavu...), calligra...)); after != before {
		t.Error("rendering changed the caller's font bytes")
	}
}

// BenchmarkUTF8Font measures the per-document font stages.
func BenchmarkUTF8Font(b *testing.B) {
	dejavu := readTestFont(b, "DejaVuSansCondensed.ttf")
	text := strings.Join(textSamples[:5], " ")
	runes := map[int]int{}
	for _, r := range text {
		runes[int(r)] = int(r)
	}
	b.Run("AddUTF8FontFromBytes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			pdf := New("P", "mm", "A4", "")
			pdf.AddUTF8FontFromBytes("dejavu", "", dejavu)
		}
	})
	for _, keep := range []bool{false, true} {
		b.Run("cutFont/keepGIDs="+strconv.FormatBool(keep), func(b *testing.B) {
			utf := newUTF8Font(&fileReader{array: dejavu})
			b.ReportAllocs()
			for b.Loop() {
				utf.cutFont(runes, keep)
			}
		})
	}
	b.Run("sliceCompress/20KiB", func(b *testing.B) {
		data := bytes.Repeat([]byte("BT 10.00 20.00 Td (Hello) Tj ET\n"), 640)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			sliceCompress(data)
		}
	})
	b.Run("toUnicodeCMap", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			toUnicodeCMap(runes)
		}
	})
	for _, m := range embeddingModes {
		b.Run("document/"+m.name, func(b *testing.B) {
			SetUTF8FontEmbedding(dejavu, m.mode)
			defer SetUTF8FontEmbedding(dejavu, UTF8FontSubset)
			b.ReportAllocs()
			for b.Loop() {
				utf8Doc(b, [][]byte{dejavu}, text)
			}
		})
	}
}

func mustTime(s string) time.Time {
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return tm
}

// textOld is Text as it was before CHANGES.md 21, for TestTextDirect.
func textOld(f *Fpdf, x, y float64, txtStr string) {
	var txt2 string
	if f.isCurrentUTF8 {
		txt2 = f.escape(utf8toutf16(txtStr, false))
		f.currentFont.useRunes(txtStr)
	} else {
		txt2 = f.escape(txtStr)
	}
	s := textOp(x*f.k, (f.h-y)*f.k, txt2)
	if f.colorFlag {
		s = sprintf("q %s %s Q", f.color.text.str, s)
	}
	f.out(s)
}

// TestTextDirect checks that Text writes the bytes it wrote before CHANGES.md 21 (converted to
// UTF-16 and escaped, then formatted) for UTF-8 and core fonts, with and without a text colour
// that differs from the fill colour, including characters whose UTF-16 bytes need escaping.
func TestTextDirect(t *testing.T) {
	texts := append([]string{"", "(a) \\b\r", "\u2829\u5c0d\u0d5c\u295c", "\u0128\u0129\u015c"}, textSamples...)
	for _, utf8Font := range []bool{true, false} {
		for _, colour := range []bool{false, true} {
			var outs [2][]byte
			for i, text := range []func(*Fpdf, float64, float64, string){(*Fpdf).Text, textOld} {
				f := New("P", "mm", "A4", "")
				if utf8Font {
					f.AddUTF8FontFromBytes("dejavu", "", readTestFont(t, "DejaVuSansCondensed.ttf"))
					f.SetFont("dejavu", "", 11)
				} else {
					f.SetFont("Helvetica", "", 11)
				}
				f.AddPage()
				if colour {
					f.SetTextColor(200, 20, 20)
				}
				for j, s := range texts {
					if !utf8Font {
						s = strings.Map(func(r rune) rune { return r & 0xFF }, s)
					}
					text(f, 10.5+float64(j), 20.25*float64(j), s)
				}
				if f.Err() {
					t.Fatal(f.Error())
				}
				outs[i] = f.pages[1].Bytes()
			}
			if !bytes.Equal(outs[0], outs[1]) {
				t.Errorf("utf8 %v colour %v: Text wrote\n%q\nbefore:\n%q", utf8Font, colour, outs[0], outs[1])
			}
		}
	}
}

// TestFontIsCurrent checks FontIsCurrent against the font SetFont selects.
func TestFontIsCurrent(t *testing.T) {
	f := New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("Deja Vu", "", readTestFont(t, "DejaVuSansCondensed.ttf"))
	f.AddUTF8FontFromBytes("Deja Vu", "B", readTestFont(t, "DejaVuSansCondensed-Bold.ttf"))
	if f.FontIsCurrent("Deja Vu", "", 11) {
		t.Error("current before any page")
	}
	f.SetFont("Deja Vu", "", 11)
	f.AddPage()
	for _, c := range []struct {
		family, style string
		size          float64
		want          bool
	}{
		{"Deja Vu", "", 11, true},
		{"deja vu", "", 11, true},
		{"DEJA#20VU", "", 0, true},
		{"", "", 11, true},
		{"Deja Vu", "", 11.5, false},
		{"Deja Vu", "B", 11, false},
		{"Deja Vu", "U", 11, false},
		{"Deja", "", 11, false},
		{"Helvetica", "", 11, false},
	} {
		if got := f.FontIsCurrent(c.family, c.style, c.size); got != c.want {
			t.Errorf("FontIsCurrent(%q, %q, %v) = %v, want %v", c.family, c.style, c.size, got, c.want)
		}
	}
	f.SetFont("Deja Vu", "b", 12)
	if !f.FontIsCurrent("deja vu", "B", 12) || f.FontIsCurrent("deja vu", "", 12) {
		t.Error("FontIsCurrent does not follow SetFont")
	}
	f.SetFont("Deja Vu", "BU", 12)
	if f.FontIsCurrent("deja vu", "B", 12) || f.FontIsCurrent("deja vu", "BU", 12) {
		t.Error("FontIsCurrent with underline")
	}
	if f.Err() {
		t.Fatal(f.Error())
	}
}
