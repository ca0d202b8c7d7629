package memo_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"runtime"
	"testing"

	"github.com/postbud/postbud/delivery/memo"
)

// generator is an io.Reader of n pseudo-random bytes made as they are read, never held.
type generator struct {
	n     int64
	state uint64
}

func (g *generator) Read(p []byte) (int, error) {
	if g.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.n {
		p = p[:g.n]
	}
	for i := range p {
		g.state = g.state*6364136223846793005 + 1442695040888963407
		p[i] = byte(g.state >> 56)
	}
	g.n -= int64(len(p))
	return len(p), nil
}

// countingSink counts and discards what is written to it. It has no ReadFrom, so the writer
// under test gets no help.
type countingSink struct{ n int64 }

func (c *countingSink) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

const size50MB = 50 << 20

// messageWith returns the minimal message with one main file of content.
func messageWith(content io.Reader) *memo.Message {
	m := minimalMessage()
	m.Main.Files[0].Content = content
	return m
}

// TestWrite50MBMemory streams a 50 MB attachment and checks that writing it allocates far less
// than its size (under 4 MB in all), and that exactly its base64 form was written.
func TestWrite50MBMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 67 MB of base64")
	}
	var empty countingSink
	if _, err := messageWith(bytes.NewReader(nil)).Write(&empty); err != nil {
		t.Fatal(err)
	}

	m := messageWith(&generator{n: size50MB, state: 1})
	var sink countingSink
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n, err := m.Write(&sink)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("a 50 MB attachment: %d bytes written, %d bytes (%.1f KB) allocated", n, alloc, float64(alloc)/1024)
	if alloc >= 4<<20 {
		t.Errorf("writing a 50 MB attachment allocated %d bytes; want under 4 MB", alloc)
	}
	if n != sink.n {
		t.Errorf("Write returned %d bytes, the sink got %d", n, sink.n)
	}
	if want := empty.n + int64(base64.StdEncoding.EncodedLen(size50MB)); sink.n != want {
		t.Errorf("wrote %d bytes, want %d (the empty message plus 50 MB in base64)", sink.n, want)
	}
}

// BenchmarkWrite writes a reference-letter-sized message: one ~40 KB PDF-like main document.
func BenchmarkWrite(b *testing.B) {
	pdf := append([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), payload(9, 40<<10)...)
	m := fullMessage()
	m.Additional = nil
	m.Main.Files = m.Main.Files[:1]
	r := bytes.NewReader(pdf)
	m.Main.Files[0].Content = r
	var sink countingSink
	b.ReportAllocs()
	b.SetBytes(int64(len(pdf)))
	for b.Loop() {
		r.Reset(pdf)
		if _, err := m.Write(&sink); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// BenchmarkWrite50MB writes a message with a 50 MB attachment made on the fly.
func BenchmarkWrite50MB(b *testing.B) {
	var sink countingSink
	b.ReportAllocs()
	b.SetBytes(size50MB)
	for b.Loop() {
		if _, err := messageWith(&generator{n: size50MB, state: 1}).Write(&sink); err != nil {
			b.Fatal(err)
		}
	}
}
