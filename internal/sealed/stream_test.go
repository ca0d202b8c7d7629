package sealed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// sealStream seals plain with NewWriter, writing it in chunks of chunk bytes (all at once when
// chunk is 0), and returns the stream.
func sealStream(t testing.TB, k Key, plain, ad []byte, chunk int) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := NewWriter(k, &out, ad)
	if err != nil {
		t.Fatal(err)
	}
	writeChunks(t, w, plain, chunk)
	return out.Bytes()
}

func writeChunks(t testing.TB, w io.WriteCloser, plain []byte, chunk int) {
	t.Helper()
	if chunk <= 0 {
		chunk = max(1, len(plain))
	}
	for p := plain; len(p) > 0; {
		c := min(chunk, len(p))
		n, err := w.Write(p[:c])
		if err != nil || n != c {
			t.Fatalf("Write = %d, %v; want %d, nil", n, err, c)
		}
		p = p[c:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// openStream reads the whole plaintext of stream, or returns the first error.
func openStream(k Key, stream, ad []byte) ([]byte, error) {
	r, err := NewReader(k, bytes.NewReader(stream), ad)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// small-segment variants, so a stream of many segments is a few hundred bytes.
func sealSmall(t testing.TB, k Key, plain, ad []byte, segSize int) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := newStreamWriter(k, &out, ad, segSize)
	if err != nil {
		t.Fatal(err)
	}
	writeChunks(t, w, plain, 7)
	return out.Bytes()
}

func openSmall(k Key, stream, ad []byte, segSize int) ([]byte, error) {
	r, err := newStreamReader(k, bytes.NewReader(stream), ad, segSize)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestStreamRoundTrip(t *testing.T) {
	k := testKey(1)
	ad := []byte("01JD3YQ2Z8")
	const seg = segmentSize
	sizes := []int{0, 1, seg - 1, seg, seg + 1, 3 * seg, 3*seg + 17}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3 {
		sizes = append(sizes, r.IntN(5*seg))
	}
	for _, size := range sizes {
		for _, chunk := range []int{0, 1000, seg + 3} {
			t.Run(fmt.Sprintf("%d bytes in chunks of %d", size, chunk), func(t *testing.T) {
				plain := randomBytes(uint64(size), size)
				s := sealStream(t, k, plain, ad, chunk)
				if got, want := int64(len(s)), StreamSize(int64(size)); got != want {
					t.Errorf("stream is %d bytes, StreamSize says %d", got, want)
				}
				if s[0] != streamFormat || streamFormat == version {
					t.Errorf("format byte %d, want %d (distinct from Seal's %d)", s[0], streamFormat, version)
				}
				if size > 32 && bytes.Contains(s, plain[:32]) {
					t.Error("stream contains plaintext")
				}
				// Read it back in odd-sized reads too: one byte at a time goes through every path.
				for _, wrap := range []func(io.Reader) io.Reader{
					func(r io.Reader) io.Reader { return r },
					iotest.OneByteReader,
					iotest.HalfReader,
					iotest.DataErrReader,
				} {
					sr, err := NewReader(k, wrap(bytes.NewReader(s)), ad)
					if err != nil {
						t.Fatal(err)
					}
					got, err := io.ReadAll(iotest.OneByteReader(sr))
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(plain, got, cmpEmpty); diff != "" {
						t.Fatalf("read back (-want +got):\n%s", diff)
					}
				}
			})
		}
	}
}

func TestStreamReaderContract(t *testing.T) {
	k := testKey(1)
	plain := randomBytes(3, 2*segmentSize+5)
	s := sealStream(t, k, plain, nil, 0)
	r, err := NewReader(k, bytes.NewReader(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := iotest.TestReader(r, plain); err != nil {
		t.Error(err)
	}
}

func TestStreamSize(t *testing.T) {
	const h, seg = streamHeaderLen, segmentSize
	tests := []struct {
		in, want int64
	}{
		{-1, -1},
		{0, h + 16},
		{1, h + 1 + 16},
		{seg - 1, h + seg - 1 + 16},
		{seg, h + seg + 16},
		{seg + 1, h + seg + 1 + 32},
		{3 * seg, h + 3*seg + 48},
		{50 << 20, h + 50<<20 + 800*16},
		{maxSegments * seg, h + maxSegments*seg + maxSegments*16},
		{maxSegments*seg + 1, -1},
	}
	var got, want []int64
	for _, tt := range tests {
		got = append(got, StreamSize(tt.in))
		want = append(want, tt.want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("StreamSize (-want +got):\n%s", diff)
	}
}

// TestStreamEveryByteFlip flips each byte of a one-segment stream of the real format and of a
// seven-segment stream of small segments: every change is caught.
func TestStreamEveryByteFlip(t *testing.T) {
	k := testKey(1)
	ad := []byte("letter-1")
	tests := []struct {
		name  string
		seal  func() []byte
		open  func([]byte) ([]byte, error)
		plain []byte
	}{
		{
			name:  "one 64 KiB-format segment",
			plain: []byte("Jens Hansen, 0101701234, bilag til afgørelse"),
		},
		{
			name:  "seven 32-byte segments",
			plain: randomBytes(5, 6*32+9),
		},
	}
	tests[0].seal = func() []byte { return sealStream(t, k, tests[0].plain, ad, 0) }
	tests[0].open = func(s []byte) ([]byte, error) { return openStream(k, s, ad) }
	tests[1].seal = func() []byte { return sealSmall(t, k, tests[1].plain, ad, 32) }
	tests[1].open = func(s []byte) ([]byte, error) { return openSmall(k, s, ad, 32) }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.seal()
			if got, err := tt.open(s); err != nil || !bytes.Equal(got, tt.plain) {
				t.Fatalf("unaltered stream: %v", err)
			}
			for i := range s {
				for _, x := range []byte{0x01, 0x80, 0xff} {
					c := bytes.Clone(s)
					c[i] ^= x
					_, err := tt.open(c)
					if !errors.Is(err, ErrOpen) {
						t.Fatalf("byte %d ^ %#x: error %v, want ErrOpen", i, x, err)
					}
				}
			}
		})
	}
}

// TestStreamRejects covers truncation, extension, reordering and splicing, on streams of the real
// segment size.
func TestStreamRejects(t *testing.T) {
	k := testKey(1)
	ad := []byte("letter-1")
	const seg, ct = segmentSize, segmentSize + tagSize
	plain := randomBytes(9, 3*seg+100) // segments: 3 full, 1 of 100 bytes
	s := sealStream(t, k, plain, ad, 0)
	other := sealStream(t, k, plain, ad, 0) // same key, AD and plaintext: another salt
	exact := sealStream(t, k, plain[:3*seg], ad, 0)
	at := func(i int) int { return streamHeaderLen + i*ct } // offset of segment i
	swap := func(b []byte, i, j int) []byte {
		c := bytes.Clone(b)
		copy(c[at(i):at(i+1)], b[at(j):at(j+1)])
		copy(c[at(j):at(j+1)], b[at(i):at(i+1)])
		return c
	}
	splice := func(dst, src []byte, i int) []byte {
		c := bytes.Clone(dst)
		copy(c[at(i):at(i+1)], src[at(i):at(i+1)])
		return c
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name   string
		key    Key
		stream []byte
		ad     []byte
		want   string // substring of the error
	}{
		{"wrong key", testKey(2), s, ad, "segment 0"},
		{"wrong additional data", k, s, []byte("letter-2"), "segment 0"},
		{"missing additional data", k, s, nil, "segment 0"},
		{"empty", k, nil, ad, "0 bytes, shorter than the 40-byte header"},
		{"header cut short", k, s[:streamHeaderLen-1], ad, "shorter than the 40-byte header"},
		{"header only", k, s[:streamHeaderLen], ad, "segment 0 is 0 bytes"},
		{"Seal's format", k, mustSeal(t, k, plain[:100], ad), ad, "unknown format 1"},
		{"cut after segment 1 of 4", k, s[:at(1)], ad, "segment 0"},
		{"cut after segment 2 of 4", k, s[:at(2)], ad, "segment 1"},
		{"cut after segment 3 of 4", k, s[:at(3)], ad, "segment 2"},
		{"cut inside segment 0", k, s[:at(0)+1000], ad, "segment 0"},
		{"cut inside segment 2", k, s[:at(2)+seg/2], ad, "segment 2"},
		{"cut inside the last segment", k, s[:len(s)-1], ad, "segment 3"},
		{"cut to within a tag", k, s[:at(3)+tagSize-1], ad, "shorter than its tag"},
		{"multiple of 64 KiB, last segment dropped", k, exact[:at(2)], ad, "segment 1"},
		{"last segment dropped, another stream's appended", k, cat(s[:at(3)], other[at(3):]), ad, "segment 3"},
		{"one byte appended", k, cat(s, []byte{0}), ad, "segment 3"},
		{"garbage appended", k, cat(s, bytes.Repeat([]byte{0xAB}, 5000)), ad, "segment 3"},
		{"a whole segment appended", k, cat(exact, exact[at(2):]), ad, "segment 2"},
		{"a stream appended to itself", k, cat(s, s), ad, "segment 3"},
		{"segments 0 and 1 swapped", k, swap(s, 0, 1), ad, "segment 0"},
		{"segments 1 and 2 swapped", k, swap(s, 1, 2), ad, "segment 1"},
		{"segment 1 repeated", k, cat(s[:at(2)], s[at(1):]), ad, "segment 2"},
		{"segment 1 dropped", k, cat(s[:at(1)], s[at(2):]), ad, "segment 1"},
		{"segment 1 from another stream", k, splice(s, other, 1), ad, "segment 1"},
		{"other stream's header", k, cat(other[:streamHeaderLen], s[streamHeaderLen:]), ad, "segment 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := openStream(tt.key, tt.stream, tt.ad)
			if err == nil {
				t.Fatalf("stream opened (%d bytes); want an error", len(got))
			}
			if !errors.Is(err, ErrOpen) {
				t.Errorf("error %v does not wrap ErrOpen", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	// Cutting anywhere from the header to one byte short of the end fails, on a small-segment
	// stream where every offset is cheap to try.
	small := sealSmall(t, k, randomBytes(4, 5*16+3), ad, 16)
	for n := range len(small) {
		if _, err := openSmall(k, small[:n], ad, 16); !errors.Is(err, ErrOpen) {
			t.Fatalf("stream cut to %d of %d bytes: error %v, want ErrOpen", n, len(small), err)
		}
	}
}

func mustSeal(t *testing.T, k Key, plain, ad []byte) []byte {
	t.Helper()
	s, err := Seal(k, plain, ad)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStreamErrorsAreSticky checks that after a failed segment no more plaintext comes out, and that
// plaintext before it came only from authenticated segments.
func TestStreamErrorsAreSticky(t *testing.T) {
	k := testKey(1)
	plain := randomBytes(11, 2*segmentSize+10)
	s := sealStream(t, k, plain, nil, 0)
	s[streamHeaderLen+segmentSize+tagSize+5] ^= 1 // inside segment 1
	r, err := NewReader(k, bytes.NewReader(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if !errors.Is(err, ErrOpen) {
		t.Fatalf("error %v, want ErrOpen", err)
	}
	if diff := cmp.Diff(plain[:segmentSize], got); diff != "" {
		t.Errorf("plaintext before the bad segment (-want +got):\n%s", diff)
	}
	for range 3 {
		if n, err := r.Read(make([]byte, 10)); n != 0 || !errors.Is(err, ErrOpen) {
			t.Fatalf("Read after error = %d, %v; want 0, ErrOpen", n, err)
		}
	}
}

type failWriter struct {
	n   int // bytes accepted before failing
	err error
}

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

func TestStreamWriterErrors(t *testing.T) {
	k := testKey(1)
	boom := errors.New("disk full")
	if _, err := NewWriter(k, &failWriter{n: 3, err: boom}, nil); !errors.Is(err, boom) {
		t.Errorf("NewWriter on a failing writer: %v, want %v", err, boom)
	}
	w, err := NewWriter(k, &failWriter{n: streamHeaderLen + 100, err: boom}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The first segment is written once the writer knows it is not the last.
	if _, err := w.Write(make([]byte, segmentSize)); err != nil {
		t.Fatalf("Write of one buffered segment: %v", err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, boom) {
		t.Fatalf("Write needing a segment flush: %v, want %v", err, boom)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, boom) {
		t.Errorf("Write after a failure: %v, want the same error", err)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("Close after a failure: %v, want the same error", err)
	}
	// Close of a good stream twice is fine; Write after Close is not.
	var out bytes.Buffer
	w, _ = NewWriter(k, &out, nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	n := out.Len()
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if out.Len() != n {
		t.Error("second Close wrote again")
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func TestStreamReaderReadErrors(t *testing.T) {
	k := testKey(1)
	s := sealStream(t, k, randomBytes(1, 3*segmentSize), nil, 0)
	boom := errors.New("connection reset")
	// An I/O error is passed on, not taken for tampering.
	for _, cut := range []int{10, streamHeaderLen + 5, streamHeaderLen + segmentSize + tagSize + 1} {
		r := io.MultiReader(bytes.NewReader(s[:cut]), iotest.ErrReader(boom))
		sr, err := NewReader(k, r, nil)
		if err == nil {
			_, err = io.ReadAll(sr)
		}
		if !errors.Is(err, boom) || errors.Is(err, ErrOpen) {
			t.Errorf("read error after %d bytes: got %v, want %v and not ErrOpen", cut, err, boom)
		}
	}
}

// countWriter discards but counts; it stands in for the blob store the stream is written to.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// patternReader yields n bytes of a fixed pattern without allocating.
type patternReader struct {
	pattern []byte
	off, n  int64
}

func (r *patternReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n-r.off)]
	for i := range p {
		p[i] = r.pattern[(r.off+int64(i))%int64(len(r.pattern))]
	}
	r.off += int64(len(p))
	return len(p), nil
}

// TestStreamMemory streams a 50 MB attachment through NewWriter, a pipe and NewReader to
// io.Discard, and checks that it allocates less than 2 MB in all: memory stays at a segment or two,
// not a multiple of the attachment.
func TestStreamMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB stream")
	}
	k := testKey(1)
	const size = 50 << 20
	src := &patternReader{pattern: randomBytes(2, 4099), n: size}
	copyBuf := make([]byte, 32<<10)
	ad := []byte("01JD3YQ2Z8")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		w, err := NewWriter(k, pw, ad)
		if err == nil {
			_, err = io.CopyBuffer(w, src, copyBuf)
		}
		if err == nil {
			err = w.Close()
		}
		pw.CloseWithError(err)
		errc <- err
	}()
	r, err := NewReader(k, pr, ad)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}

	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	if n != size {
		t.Fatalf("read %d bytes, want %d", n, size)
	}
	t.Logf("50 MB through NewWriter→NewReader allocated %d bytes (%.0f KiB) in %d allocations", alloc, float64(alloc)/1024, after.Mallocs-before.Mallocs)
	if alloc >= 2<<20 {
		t.Errorf("50 MB stream allocated %d bytes, want < 2 MiB", alloc)
	}
}

func FuzzReader(f *testing.F) {
	k := testKey(7)
	ad := []byte("ad")
	var b bytes.Buffer
	w, _ := newStreamWriter(k, &b, ad, 16)
	w.Write([]byte("seed plaintext in three segments of sixteen"))
	w.Close()
	f.Add(b.Bytes(), ad, true)
	f.Add(sealStream(f, k, []byte("seed"), ad, 0), ad, false)
	f.Add([]byte{}, []byte{}, false)
	f.Add([]byte{streamFormat}, ad, false)
	f.Add(append([]byte{streamFormat}, make([]byte, 60)...), ad, true)
	f.Fuzz(func(t *testing.T, stream, ad []byte, small bool) {
		var r io.Reader
		var err error
		if small {
			r, err = newStreamReader(k, bytes.NewReader(stream), ad, 16)
		} else {
			r, err = NewReader(k, bytes.NewReader(stream), ad)
		}
		if err != nil {
			if !errors.Is(err, ErrOpen) {
				t.Fatalf("NewReader error %v does not wrap ErrOpen", err)
			}
			return
		}
		plain, err := io.ReadAll(r)
		if err == nil {
			// Only a genuine stream opens: a seed (sealed afresh, with another salt, in each
			// fuzzing process) with its additional data.
			if p := string(plain); !bytes.Equal(ad, []byte("ad")) || p != "seed" && p != "seed plaintext in three segments of sixteen" {
				t.Fatalf("forged stream opened: %q", plain)
			}
		} else if !errors.Is(err, ErrOpen) {
			t.Fatalf("Read error %v does not wrap ErrOpen", err)
		}
	})
}

func BenchmarkStreamWriter(b *testing.B) {
	k := testKey(1)
	src := randomBytes(1, 4<<20) // a 4 MB attachment
	b.SetBytes(int64(len(src)))
	var out countWriter
	for b.Loop() {
		w, err := NewWriter(k, &out, []byte("01JD3YQ2Z8"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(src); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStreamReader(b *testing.B) {
	k := testKey(1)
	s := sealStream(b, k, randomBytes(1, 4<<20), []byte("01JD3YQ2Z8"), 0)
	b.SetBytes(4 << 20)
	for b.Loop() {
		r, err := NewReader(k, bytes.NewReader(s), []byte("01JD3YQ2Z8"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleNewWriter() {
	key, _ := ParseKey("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=")
	letterID := []byte("01JD3YQ2Z8")
	attachment := strings.NewReader("a MeMo attachment of any size")

	var stored bytes.Buffer // in production a docstore.Writer
	w, _ := NewWriter(key, &stored, letterID)
	io.Copy(w, attachment)
	if err := w.Close(); err != nil { // writes the final segment
		fmt.Println(err)
		return
	}
	fmt.Println(int64(stored.Len()) == StreamSize(29))

	r, _ := NewReader(key, &stored, letterID)
	plain, err := io.ReadAll(r) // to Digital Post; abort the upload on error
	fmt.Printf("%s %v\n", plain, err)
	// Output:
	// true
	// a MeMo attachment of any size <nil>
}
