package docstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// streamStores is stores with each file bucket's folder (empty for mem://).
func streamStores(t *testing.T) map[string]struct {
	s   *Store
	dir string
} {
	t.Helper()
	ctx := context.Background()
	base := t.TempDir()
	out := map[string]struct {
		s   *Store
		dir string
	}{}
	for name, u := range map[string]struct{ url, dir string }{
		"file URL":  {"file://" + filepath.ToSlash(filepath.Join(base, "url")), filepath.Join(base, "url")},
		"bare path": {filepath.Join(base, "bare"), filepath.Join(base, "bare")},
		"mem":       {"mem://", ""},
	} {
		s, err := Open(ctx, u.url)
		if err != nil {
			t.Fatalf("Open(%q): %v", u.url, err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		})
		out[name] = struct {
			s   *Store
			dir string
		}{s, u.dir}
	}
	return out
}

// filesIn lists the files under dir, relative and slash-separated; nil for "" (a mem bucket).
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	if dir == "" {
		return nil
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// create streams data into a new document in chunks of chunk bytes and closes it.
func create(t *testing.T, s *Store, tenant, id, format string, data []byte, chunk int) (string, int64) {
	t.Helper()
	w, err := s.Create(context.Background(), tenant, id, format)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for p := data; len(p) > 0; {
		c := min(chunk, len(p))
		if n, err := w.Write(p[:c]); err != nil || n != c {
			t.Fatalf("Write = %d, %v", n, err)
		}
		p = p[c:]
	}
	sum, size, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return sum, size
}

func readDoc(s *Store, tenant, id, format string) ([]byte, error) {
	r, err := s.Open(context.Background(), tenant, id, format)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func TestCreateOpen(t *testing.T) {
	sealedMemo := bytes.Repeat([]byte{0x02, 0xA7, 0x11, 0x5C}, 300<<10/4+3) // ~300 KB, odd size
	tests := []struct {
		format string
		data   []byte
	}{
		{"memo", sealedMemo},
		{"attachment-0", []byte("%PDF-1.7 bilag")},
		{"attachment-99", bytes.Repeat([]byte("x"), 1<<20)},
		{"pdf", []byte("%PDF-1.7 brev")},
		{"docx", nil}, // empty: stored and read back as empty, not as absent
	}
	for name, st := range streamStores(t) {
		t.Run(name, func(t *testing.T) {
			for _, tt := range tests {
				sum, size := create(t, st.s, "kommune-a", "01JD3YQ2Z8", tt.format, tt.data, 7000)
				want := sha256.Sum256(tt.data)
				if diff := cmp.Diff([]any{hex.EncodeToString(want[:]), int64(len(tt.data))}, []any{sum, size}); diff != "" {
					t.Errorf("%s: Close sha256, size (-want +got):\n%s", tt.format, diff)
				}
				got, err := readDoc(st.s, "kommune-a", "01JD3YQ2Z8", tt.format)
				if err != nil {
					t.Fatalf("%s: %v", tt.format, err)
				}
				if !bytes.Equal(got, tt.data) {
					t.Errorf("%s: read back %d bytes, want the %d written", tt.format, len(got), len(tt.data))
				}
				// Put/Get and Create/Open are the same documents.
				if got, err := st.s.Get(context.Background(), "kommune-a", "01JD3YQ2Z8", tt.format); err != nil || !bytes.Equal(got, tt.data) {
					t.Errorf("%s: Get after Create: %d bytes, %v", tt.format, len(got), err)
				}
			}
			if _, err := st.s.Put(context.Background(), "kommune-a", "l2", "pdf", []byte("put")); err != nil {
				t.Fatal(err)
			}
			if got, err := readDoc(st.s, "kommune-a", "l2", "pdf"); err != nil || string(got) != "put" {
				t.Errorf("Open after Put = %q, %v", got, err)
			}
			if st.dir != "" {
				want := []string{"kommune-a/01JD3YQ2Z8/attachment-0", "kommune-a/01JD3YQ2Z8/attachment-99", "kommune-a/01JD3YQ2Z8/docx", "kommune-a/01JD3YQ2Z8/memo", "kommune-a/01JD3YQ2Z8/pdf", "kommune-a/l2/pdf"}
				if diff := cmp.Diff(want, filesIn(t, st.dir)); diff != "" {
					t.Errorf("files in the store (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestCreateContentType(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[string]string{}
	for _, f := range []string{"memo", "attachment-0", "attachment-42", "pdf", "docx"} {
		create(t, s, "t", "l", f, []byte("x"), 1)
		a, err := s.bucket.Attributes(ctx, "t/l/"+f)
		if err != nil {
			t.Fatal(err)
		}
		got[f] = a.ContentType
	}
	want := map[string]string{
		"memo":          "application/octet-stream",
		"attachment-0":  "application/octet-stream",
		"attachment-42": "application/octet-stream",
		"pdf":           "application/pdf",
		"docx":          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("content types (-want +got):\n%s", diff)
	}
}

// failAfter passes n bytes to w, then fails: a disk that fills up, a connection that drops.
type failAfter struct {
	w io.Writer
	n int
}

var errDiskFull = errors.New("no space left on device")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) <= f.n {
		f.n -= len(p)
		return f.w.Write(p)
	}
	n, err := f.w.Write(p[:f.n])
	f.n = 0
	if err != nil {
		return n, err
	}
	return n, errDiskFull
}

var tmpFile = regexp.MustCompile(`^kommune-a/l1/memo\.[0-9a-f]+\.tmp$`)

// TestCreateLeavesNothing checks that a write that is aborted, cancelled or fails stores nothing,
// keeps the document stored before, and leaves no file behind; and what fileblob shows meanwhile.
func TestCreateLeavesNothing(t *testing.T) {
	data := bytes.Repeat([]byte("sealed memo "), 50<<10)
	tests := []struct {
		name    string
		end     func(w *Writer, cancel context.CancelFunc) error // ends the write; returns Close's error
		wantErr error                                            // nil: Abort, no Close
	}{
		{"Abort", func(w *Writer, _ context.CancelFunc) error { w.Abort(); return nil }, nil},
		{"context cancelled before Close", func(w *Writer, cancel context.CancelFunc) error {
			cancel()
			_, _, err := w.Close()
			return err
		}, context.Canceled},
		{"Write fails", func(w *Writer, _ context.CancelFunc) error {
			w.dst = &failAfter{w: w.bw, n: 1000}
			if _, err := w.Write(data); !errors.Is(err, errDiskFull) {
				return fmt.Errorf("Write error %v, want %v", err, errDiskFull)
			}
			if _, err := w.Write([]byte("more")); !errors.Is(err, errDiskFull) {
				return fmt.Errorf("Write after failure: %v, want the same error", err)
			}
			_, _, err := w.Close()
			return err
		}, errDiskFull},
	}
	for name, st := range streamStores(t) {
		for _, tt := range tests {
			for _, before := range []string{"", "previous"} {
				t.Run(fmt.Sprintf("%s/%s/stored before %q", name, tt.name, before), func(t *testing.T) {
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					id := "l1"
					st.s.Delete(ctx, "kommune-a", id, "memo")
					if before != "" {
						if _, err := st.s.Put(ctx, "kommune-a", id, "memo", []byte(before)); err != nil {
							t.Fatal(err)
						}
					}
					w, err := st.s.Create(ctx, "kommune-a", id, "memo")
					if err != nil {
						t.Fatal(err)
					}
					if _, err := w.Write(data[:len(data)/2]); err != nil {
						t.Fatal(err)
					}
					if st.dir != "" {
						// Meanwhile fileblob keeps the partial document in a temporary file beside
						// its target; the document itself is untouched.
						var tmps []string
						for _, f := range filesIn(t, st.dir) {
							if tmpFile.MatchString(f) {
								tmps = append(tmps, f)
							}
						}
						if len(tmps) != 1 {
							t.Errorf("during the write the folder holds %q, want one %s", filesIn(t, st.dir), tmpFile)
						}
					}
					if got, err := readDoc(st.s, "kommune-a", id, "memo"); before == "" && !errors.Is(err, ErrNotFound) || before != "" && string(got) != before {
						t.Errorf("during the write Open gives %d bytes, %v", len(got), err)
					}

					err = tt.end(w, cancel)
					if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
						t.Errorf("ending the write: %v, want %v", err, tt.wantErr)
					}
					got, err := readDoc(st.s, "kommune-a", id, "memo")
					if before == "" && !errors.Is(err, ErrNotFound) {
						t.Errorf("after the write Open gives %d bytes, %v; want ErrNotFound", len(got), err)
					}
					if before != "" && (err != nil || string(got) != before) {
						t.Errorf("after the write Open gives %d bytes, %v; want the previous document", len(got), err)
					}
					if st.dir != "" {
						var want []string
						if before != "" {
							want = []string{"kommune-a/l1/memo"}
						}
						if diff := cmp.Diff(want, filesIn(t, st.dir)); diff != "" {
							t.Errorf("files left in the store (-want +got):\n%s", diff)
						}
					}
					// The Writer is finished: nothing more can be written or closed, Abort is harmless.
					if _, err := w.Write([]byte("x")); err == nil {
						t.Error("Write after the end succeeded")
					}
					if _, _, err := w.Close(); err == nil {
						t.Error("Close after the end succeeded")
					}
					w.Abort()
				})
			}
		}
	}
}

func TestWriterCloseTwiceAndAbortAfterClose(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w, err := s.Create(context.Background(), "t", "l", "memo")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("kept"))
	if _, _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.Abort() // safe after Close: the document stays
	if _, _, err := w.Close(); err == nil {
		t.Error("second Close succeeded")
	}
	if got, err := readDoc(s, "t", "l", "memo"); err != nil || string(got) != "kept" {
		t.Errorf("after Close and Abort Open gives %q, %v; want \"kept\"", got, err)
	}
}

// TestCreateAtomicReaders streams two alternating contents into one document in small writes while
// readers read it: a reader finds no document (only before the first Close) or one content whole,
// never a part or a mix.
func TestCreateAtomicReaders(t *testing.T) {
	a, b := bytes.Repeat([]byte{'a'}, 256<<10), bytes.Repeat([]byte{'b'}, 256<<10+7)
	for name, st := range streamStores(t) {
		t.Run(name, func(t *testing.T) {
			var wg sync.WaitGroup
			done := make(chan struct{})
			wg.Go(func() {
				defer close(done)
				for i := range 20 {
					d := a
					if i%2 == 1 {
						d = b
					}
					w, err := st.s.Create(context.Background(), "t", "l", "memo")
					if err != nil {
						t.Error(err)
						return
					}
					for p := d; len(p) > 0; p = p[min(len(p), 4096):] {
						if _, err := w.Write(p[:min(len(p), 4096)]); err != nil {
							t.Error(err)
							w.Abort()
							return
						}
					}
					if i%5 == 4 {
						w.Abort() // aborted writes in between are never seen either
						continue
					}
					if _, _, err := w.Close(); err != nil {
						t.Error(err)
						return
					}
				}
			})
			var seen sync.Map
			for range 4 {
				wg.Go(func() {
					for {
						select {
						case <-done:
							return
						default:
						}
						got, err := readDoc(st.s, "t", "l", "memo")
						switch {
						case errors.Is(err, ErrNotFound):
							seen.Store("none", true)
						case err != nil:
							t.Errorf("Open during overwrite: %v", err)
							return
						case bytes.Equal(got, a):
							seen.Store("a", true)
						case bytes.Equal(got, b):
							seen.Store("b", true)
						default:
							t.Errorf("reader saw a partial or mixed document (%d bytes)", len(got))
							return
						}
					}
				})
			}
			wg.Wait()
			var kinds []string
			seen.Range(func(k, _ any) bool { kinds = append(kinds, k.(string)); return true })
			t.Logf("readers saw %v", kinds)
		})
	}
}

// TestOpenReaderKeepsItsVersion checks that an open reader reads the document it opened, whole,
// while the document is replaced and deleted.
func TestOpenReaderKeepsItsVersion(t *testing.T) {
	ctx := context.Background()
	old := bytes.Repeat([]byte("old "), 100<<10)
	for name, st := range streamStores(t) {
		t.Run(name, func(t *testing.T) {
			create(t, st.s, "t", "l", "memo", old, 1<<16)
			r, err := st.s.Open(ctx, "t", "l", "memo")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			head := make([]byte, 1000)
			if _, err := io.ReadFull(r, head); err != nil {
				t.Fatal(err)
			}
			create(t, st.s, "t", "l", "memo", []byte("new"), 1)
			rest, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if got := append(head, rest...); !bytes.Equal(got, old) {
				t.Errorf("reader opened before a replace read %d bytes, want the old %d", len(got), len(old))
			}
			if err := st.s.Delete(ctx, "t", "l", "memo"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	for name, st := range streamStores(t) {
		t.Run(name, func(t *testing.T) {
			create(t, st.s, "kommune-a", "l1", "memo", []byte("sealed"), 3)
			create(t, st.s, "kommune-a", "l1", "attachment-0", []byte("bilag"), 3)
			tests := []struct {
				name          string
				tenant, id, f string
				wantErr       error
			}{
				{"stored", "kommune-a", "l1", "memo", nil},
				{"deleted already", "kommune-a", "l1", "memo", nil},
				{"never stored", "kommune-b", "l9", "pdf", nil},
				{"invalid key", "kommune-a", "../l1", "memo", ErrInvalidKey},
			}
			for _, tt := range tests {
				err := st.s.Delete(ctx, tt.tenant, tt.id, tt.f)
				if tt.wantErr == nil && err != nil || !errors.Is(err, tt.wantErr) {
					t.Errorf("%s: Delete = %v, want %v", tt.name, err, tt.wantErr)
				}
			}
			if _, err := st.s.Open(ctx, "kommune-a", "l1", "memo"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Open after Delete: %v, want ErrNotFound", err)
			}
			if got, err := readDoc(st.s, "kommune-a", "l1", "attachment-0"); err != nil || string(got) != "bilag" {
				t.Errorf("Delete removed another document: %q, %v", got, err)
			}
		})
	}
}

func TestStreamInvalidKeys(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, k := range [][3]string{{"", "l", "memo"}, {"t", "a/b", "memo"}, {"t", "l", ".memo"}, {"t", "l", "attachment 1"}} {
		if _, err := s.Create(ctx, k[0], k[1], k[2]); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Create(%q) = %v, want ErrInvalidKey", k, err)
		}
		if _, err := s.Open(ctx, k[0], k[1], k[2]); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, want ErrInvalidKey", k, err)
		}
	}
	if _, err := s.Open(ctx, "t", "l", "memo"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "t/l/memo") {
		t.Errorf("Open of a missing document: %v, want ErrNotFound naming the key", err)
	}
}

func BenchmarkCreateFile(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	const size = 4 << 20 // a MeMo message with a few attachments
	b.SetBytes(size)
	i := 0
	for b.Loop() {
		i++
		w, err := s.Create(ctx, "t", fmt.Sprint(i), "memo")
		if err != nil {
			b.Fatal(err)
		}
		for range size / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				b.Fatal(err)
			}
		}
		if _, _, err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
