package docx

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"io"
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render"
)

// TestWriteZip checks writeZip against archive/zip: the same entries written with CreateRaw (and
// the same version and time fields) give the same bytes, and archive/zip reads every part back.
func TestWriteZip(t *testing.T) {
	mod := time.Date(2026, 11, 23, 13, 45, 59, 0, time.UTC)
	var entries []entry
	for i, text := range []string{"", "x", strings.Repeat("Aarhus Kommune ", 200), "<w:document/>"} {
		data := []byte(text)
		p := packed{method: zipStore, crc: crc32.ChecksumIEEE(data), size: len(data), data: data}
		if i%2 == 0 {
			p.method, p.data = zipDeflate, deflateAppend(nil, data)
		}
		entries = append(entries, entry{"word/part" + string(rune('a'+i)) + ".xml", p})
	}
	got, err := writeZip(entries, zipTime(mod))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != cap(got) {
		t.Errorf("archive of %d bytes in a buffer of %d: the size estimate is off", len(got), cap(got))
	}

	var want bytes.Buffer
	zw := zip.NewWriter(&want)
	dt := zipTime(mod)
	for _, e := range entries {
		f, err := zw.CreateRaw(&zip.FileHeader{
			Name: e.name, Method: e.method, CRC32: e.crc, CreatorVersion: zipVersion, ReaderVersion: zipVersion,
			ModifiedTime: dt.time, ModifiedDate: dt.date,
			CompressedSize64: uint64(len(e.data)), UncompressedSize64: uint64(e.size),
		})
		if err != nil {
			t.Fatal(err)
		}
		f.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("writeZip differs from archive/zip's CreateRaw:\n got %x\nwant %x", got, want.Bytes())
	}

	zr, err := zip.NewReader(bytes.NewReader(got), int64(len(got)))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range zr.File {
		if f.Name != entries[i].name {
			t.Errorf("entry %d is %s, want %s", i, f.Name, entries[i].name)
		}
		if want := mod.Truncate(2 * time.Second); !f.Modified.Equal(want) { // two-second resolution
			t.Errorf("%s: modified %v, want %v", f.Name, f.Modified, want)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc) // checks the CRC
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if len(data) != entries[i].size {
			t.Errorf("%s: %d bytes, want %d", f.Name, len(data), entries[i].size)
		}
	}
}

func TestZipTime(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want time.Time
	}{
		{time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{time.Date(1980, 1, 1, 0, 0, 1, 0, time.UTC), time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)},
		{time.Date(2107, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)},
		{time.Date(2026, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 7200)), time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)},
		{time.Date(1979, 12, 31, 0, 0, 0, 0, time.UTC), render.FixedDate.UTC().Truncate(2 * time.Second)},
		{time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), render.FixedDate.UTC().Truncate(2 * time.Second)},
	} {
		d := zipTime(tc.in)
		got := time.Date(int(d.date>>9)+1980, time.Month(d.date>>5&15), int(d.date&31),
			int(d.time>>11), int(d.time>>5&63), int(d.time&31)*2, 0, time.UTC)
		if !got.Equal(tc.want) {
			t.Errorf("zipTime(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestCacheNeutral checks that the cache of shared parts changes only the time a render takes:
// cold, warm and after other documents the bytes are the same.
func TestCacheNeutral(t *testing.T) {
	ds := docs(t)
	warm := make([][]byte, len(ds))
	for i, tc := range ds {
		out, err := Render(tc.doc)
		if err != nil {
			t.Fatal(err)
		}
		warm[i] = out
	}
	useCache = false
	defer func() { useCache = true }()
	for i, tc := range ds {
		cold, err := Render(tc.doc)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(cold, warm[i]) {
			t.Errorf("%s: a render without the cache differs from one with it", tc.name)
		}
	}
}

// TestDeflatePooled checks that a pooled deflater compresses as a fresh one does, whatever it
// compressed before.
func TestDeflatePooled(t *testing.T) {
	w := newWriter(testdoc.Long(40, 60), layout{page: render.A4, window: render.DefaultWindow, font: render.DefaultFont, size: render.DefaultFontSize})
	if err := w.document(); err != nil {
		t.Fatal(err)
	}
	long := append([]byte(nil), w.body.b...)
	w.release()
	short := []byte(strings.Repeat("Søren Ærbø Møller, Åboulevarden 17. ", 40))
	first := deflateAppend(nil, short)
	for range 3 {
		deflateAppend(nil, long)
		if again := deflateAppend(nil, short); !bytes.Equal(first, again) {
			t.Fatal("deflating the same bytes after other data gives different output")
		}
	}
}

// TestPlainWord checks the eight-bytes-at-once test against the byte-by-byte rule.
func TestPlainWord(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c < 0x80 && escText[c] == escNone }
	check := func(w [8]byte) {
		want := true
		for _, c := range w {
			want = want && plain(c)
		}
		if got := plainWord(load64(string(w[:]), 0)); got != want {
			t.Fatalf("plainWord(%q) = %v, want %v", w[:], got, want)
		}
	}
	for c := range 256 { // every byte value in every position, among plain and among bad neighbours
		for pos := range 8 {
			for _, fill := range []byte{'a', ' ', 0x00, 0x1f, '&', 0xff, 0x7f, 0x21} {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(c)
				check(w)
			}
		}
	}
	rng := rand.New(rand.NewSource(1))
	for range 200000 {
		var w [8]byte
		for i := range w {
			w[i] = byte(rng.Intn(256))
			if rng.Intn(3) > 0 {
				w[i] = byte(0x20 + rng.Intn(0x60))
			}
		}
		check(w)
	}
}

// TestAdvance checks the ASCII table advance reads from against advanceOf, and the white space
// the column measure uses against unicode.IsSpace.
func TestAdvance(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		if advance(r) != advanceOf(r) {
			t.Errorf("advance(%q) = %v, want %v", r, advance(r), advanceOf(r))
		}
		if r < utf8.RuneSelf && asciiMetrics[r].space != unicode.IsSpace(r) {
			t.Errorf("asciiMetrics[%q].space = %v", r, asciiMetrics[r].space)
		}
	}
	for _, r := range []rune{utf8.RuneError, 0x10FFFF, 'Æ', 'æ', '€'} {
		if advance(r) != advanceOf(r) {
			t.Errorf("advance(%q) = %v, want %v", r, advance(r), advanceOf(r))
		}
	}
}

// TestCellMeasure checks the one-pass column measure against its definition, exactly: the widest
// hard line and the widest word (strings.Fields) of a cell, each summed rune by rune.
func TestCellMeasure(t *testing.T) {
	const size = 10.0
	texts := []string{"", " ", "a", "Periode", "Boligstøtte, løbende ydelse", "1.234,50 kr.", "two\nlines here", "a\u00a0b c\u2003d", "\n\n", "x\t y  z ", "\xff\xc3 ø\n", "Æble\r\nWWW mmm"}
	rng := rand.New(rand.NewSource(2))
	for range 300 {
		var b strings.Builder
		for range rng.Intn(30) {
			b.WriteString([]string{"a", "W", " ", "\n", "\t", "æ", "\u00a0", "\xff", "1", "Møller", "i"}[rng.Intn(11)])
		}
		texts = append(texts, b.String())
	}
	reference := func(c render.Cell, bold bool) (pref, least float64) {
		em := size * 20
		width := func(s string, bold bool) float64 {
			w := 0.0
			for _, r := range s {
				w += advanceOf(r)
			}
			if bold {
				w *= 1.08
			}
			return w * em
		}
		line := 0.0
		for _, r := range c.Runs {
			b := bold || r.Bold
			for i, part := range strings.Split(r.Text, "\n") {
				if i > 0 {
					pref, line = max(pref, line), 0
				}
				line += width(part, b)
				for _, word := range strings.Fields(part) {
					least = max(least, width(word, b))
				}
			}
		}
		return max(pref, line), least
	}
	measure := cellMeasure(size, metrics{}) // the estimate used for fonts postbud does not embed
	for i := range texts {
		for _, bold := range []bool{false, true} {
			c := render.Cell{Runs: []render.Run{{Text: texts[i]}, {Text: texts[(i+1)%len(texts)], Bold: true}, {Text: texts[(i+2)%len(texts)]}}}
			gotPref, gotLeast := measure(c, bold)
			wantPref, wantLeast := reference(c, bold)
			if math.Abs(gotPref-wantPref) > 1e-6 || math.Abs(gotLeast-wantLeast) > 1e-6 {
				t.Fatalf("measure(%+v, bold %v) = %v, %v, want %v, %v", c.Runs, bold, gotPref, gotLeast, wantPref, wantLeast)
			}
		}
	}
}
