package docstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stores opens one Store per kind of URL the tests cover; fileDir is the folder of the file ones.
func stores(t *testing.T) map[string]*Store {
	t.Helper()
	ctx := context.Background()
	base := t.TempDir()
	out := map[string]*Store{}
	for name, u := range map[string]string{
		"file URL":  "file://" + filepath.ToSlash(filepath.Join(base, "url", "docs")),
		"bare path": filepath.Join(base, "bare", "docs"),
		"mem":       "mem://",
	} {
		s, err := Open(ctx, u)
		if err != nil {
			t.Fatalf("Open(%q): %v", u, err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		})
		out[name] = s
	}
	return out
}

func TestPutGet(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			pdf := []byte("%PDF-1.7 brev til Jens Hansen")
			docx := []byte("PK\x03\x04 docx")
			for _, d := range []struct {
				format string
				data   []byte
			}{{"pdf", pdf}, {"docx", docx}} {
				sum, err := s.Put(ctx, "kommune-a", "01JD3YQ2Z8", d.format, d.data)
				if err != nil {
					t.Fatal(err)
				}
				want := sha256.Sum256(d.data)
				if sum != hex.EncodeToString(want[:]) {
					t.Errorf("Put %s returned sha256 %s, want %x", d.format, sum, want)
				}
			}
			got, err := s.Get(ctx, "kommune-a", "01JD3YQ2Z8", "pdf")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(pdf, got); diff != "" {
				t.Errorf("Get pdf (-want +got):\n%s", diff)
			}
			// Rendering again after a crash replaces the document.
			if _, err := s.Put(ctx, "kommune-a", "01JD3YQ2Z8", "pdf", []byte("second")); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Get(ctx, "kommune-a", "01JD3YQ2Z8", "pdf"); string(got) != "second" {
				t.Errorf("after overwrite Get gives %q, want \"second\"", got)
			}
			// An empty document is stored and read back as empty, not as absent.
			if _, err := s.Put(ctx, "kommune-a", "empty", "pdf", nil); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Get(ctx, "kommune-a", "empty", "pdf"); err != nil || len(got) != 0 {
				t.Errorf("Get empty = %q, %v", got, err)
			}
		})
	}
}

func TestGetNotFound(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Put(ctx, "kommune-a", "l1", "pdf", []byte("x")); err != nil {
				t.Fatal(err)
			}
			for _, k := range [][3]string{
				{"kommune-a", "l1", "docx"}, // other format
				{"kommune-a", "l2", "pdf"},  // other letter
				{"kommune-b", "l1", "pdf"},  // other tenant's view of the same id
			} {
				_, err := s.Get(ctx, k[0], k[1], k[2])
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("Get(%q) error = %v, want ErrNotFound", k, err)
				}
			}
		})
	}
}

func TestInvalidKeys(t *testing.T) {
	ctx := context.Background()
	s := stores(t)["file URL"]
	tests := []struct {
		tenant, id, format, want string
	}{
		{"", "l1", "pdf", `tenant "" is empty`},
		{"kommune-a", "", "pdf", `letter id "" is empty`},
		{"kommune-a", "l1", "", `format "" is empty`},
		{"..", "l1", "pdf", "starts with a dot"},
		{"kommune-a", "../../etc", "pdf", "starts with a dot"},
		{"kommune-a", "a/b", "pdf", `holds '/' at byte 1`},
		{"kommune-a", `a\b`, "pdf", `holds '\\' at byte 1`},
		{"kommune-a", "l1", "pdf\x00", `holds '\x00' at byte 3`},
		{"kommune-a", strings.Repeat("x", 201), "pdf", "longer than 200 bytes"},
		{"kommune-æ", "l1", "pdf", "holds"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q/%q/%q", tt.tenant, tt.id, tt.format), func(t *testing.T) {
			_, err := s.Put(ctx, tt.tenant, tt.id, tt.format, []byte("x"))
			if !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Put error = %v, want ErrInvalidKey saying %q", err, tt.want)
			}
			_, err = s.Get(ctx, tt.tenant, tt.id, tt.format)
			if !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Get error = %v, want ErrInvalidKey", err)
			}
		})
	}
}

func TestFileLayoutAndAttributes(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "new", "docs") // Open creates it
	s, err := Open(ctx, "file://"+filepath.ToSlash(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data := bytes.Repeat([]byte("%PDF"), 1000)
	_, err = s.Put(ctx, "kommune-a", "l1", "pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "kommune-a", "l1", "docx", []byte("PK")); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "kommune-a", "l1", "pdf")); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("file at <dir>/kommune-a/l1/pdf: %v", err)
	}
	// No temporary files are left beside the documents.
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	want := []string{"kommune-a/l1/docx", "kommune-a/l1/pdf"} // no temporary or sidecar files
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("files in the store (-want +got):\n%s", diff)
	}
	fi, err := os.Stat(filepath.Join(dir, "kommune-a"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o750 {
		t.Errorf("tenant folder mode %v, want 0750", got)
	}
}

// TestAttributes checks that a bucket keeping attributes (mem://, like s3/gs/azblob) stores the
// content type and checksum with each document.
func TestAttributes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sum, err := s.Put(ctx, "kommune-a", "l1", "pdf", []byte("%PDF"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "kommune-a", "l1", "docx", []byte("PK")); err != nil {
		t.Fatal(err)
	}
	b := s.bucket
	for format, ct := range map[string]string{
		"pdf":  "application/pdf",
		"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	} {
		a, err := b.Attributes(ctx, "kommune-a/l1/"+format)
		if err != nil {
			t.Fatal(err)
		}
		if a.ContentType != ct {
			t.Errorf("%s content type %q, want %q", format, a.ContentType, ct)
		}
		if format == "pdf" && a.Metadata["sha256"] != sum {
			t.Errorf("pdf metadata sha256 %q, want %q", a.Metadata["sha256"], sum)
		}
	}
}

// TestPutAtomic overwrites one document with two alternating contents while readers read it: a
// reader sees one content whole or the other, never a mix or a part.
func TestPutAtomic(t *testing.T) {
	ctx := context.Background()
	a, b := bytes.Repeat([]byte{'a'}, 256<<10), bytes.Repeat([]byte{'b'}, 256<<10+7)
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Put(ctx, "t", "l", "pdf", a); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			done := make(chan struct{})
			wg.Go(func() {
				defer close(done)
				for i := range 30 {
					d := a
					if i%2 == 0 {
						d = b
					}
					if _, err := s.Put(ctx, "t", "l", "pdf", d); err != nil {
						t.Error(err)
						return
					}
				}
			})
			for range 4 {
				wg.Go(func() {
					for {
						select {
						case <-done:
							return
						default:
						}
						got, err := s.Get(ctx, "t", "l", "pdf")
						if err != nil {
							t.Errorf("Get during overwrite: %v", err)
							return
						}
						if !bytes.Equal(got, a) && !bytes.Equal(got, b) {
							t.Errorf("reader saw a partial or mixed document (%d bytes)", len(got))
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, want string
	}{
		{"empty", "", "empty URL"},
		{"unknown scheme", "ftp://example.com/docs", `no driver registered for "ftp"`},
		{"file URL with host", "file://docs/letters", "needs an absolute path with three slashes"},
		{"file URL on a file", "file://" + filepath.ToSlash(file), "plain-file"},
		{"bad query", "file:///tmp/x?colour=blue", "colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(ctx, tt.url)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded", tt.url)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	// Credentials in a URL's query never reach an error message.
	_, err := Open(ctx, "ftp://user:hunter2@example.com/docs?secret=s3cr3t")
	if err == nil || strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v shows credentials", err)
	}
}

func TestContentType(t *testing.T) {
	got := map[string]string{}
	for _, f := range []string{"pdf", "docx", "xml", "json", "bin"} {
		got[f] = ContentType(f)
	}
	want := map[string]string{
		"pdf":  "application/pdf",
		"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"xml":  "application/xml",
		"json": "application/json",
		"bin":  "application/octet-stream",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ContentType (-want +got):\n%s", diff)
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"kommune-a", "..", "a/b", "", ".x", "l1.v2"} {
		f.Add(s, "01JD3YQ2Z8", "pdf")
	}
	f.Fuzz(func(t *testing.T, tenant, id, format string) {
		k, err := Key(tenant, id, format)
		if err != nil {
			if !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("error %v does not wrap ErrInvalidKey", err)
			}
			return
		}
		parts := strings.Split(k, "/")
		if len(parts) != 3 || parts[0] != tenant || parts[1] != id || parts[2] != format {
			t.Fatalf("Key(%q, %q, %q) = %q: not three parts", tenant, id, format, k)
		}
		for _, p := range parts {
			if p == "" || strings.HasPrefix(p, ".") || strings.ContainsAny(p, "\\\x00") {
				t.Fatalf("Key accepted part %q", p)
			}
		}
	})
}

func BenchmarkPutFile(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := bytes.Repeat([]byte("x"), 30<<10) // a one-page letter PDF
	b.SetBytes(int64(len(data)))
	i := 0
	for b.Loop() {
		i++
		if _, err := s.Put(ctx, "t", fmt.Sprint(i), "pdf", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPut stores a rendered document (50 KB, the reference letter's PDF and DOCX are 54 KB
// together) in a file bucket with Open's defaults, a new letter each time.
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := bytes.Repeat([]byte("postbud "), 50<<10/8)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	i := 0
	for b.Loop() {
		i++
		if _, err := s.Put(ctx, "bench", fmt.Sprintf("letter%08d", i), "pdf", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPutFileFolders: Put makes the letter's folder only when it is missing (the tenant folder
// exists, or neither does), and a Put that cannot rename leaves no temporary file behind.
func TestPutFileFolders(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Put(ctx, "kommune-a", "l1", "pdf", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "kommune-a", "l2", "pdf", []byte("two")); err != nil { // tenant folder exists
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "kommune-a", "l2", "pdf"); err != nil || string(got) != "two" {
		t.Fatalf("Get l2 = %q, %v", got, err)
	}
	fi, err := os.Stat(filepath.Join(dir, "kommune-a", "l2"))
	if err != nil || fi.Mode().Perm() != 0o750 {
		t.Fatalf("letter folder: %v, %v; want mode 0750", fi, err)
	}
	// A folder where the document goes: the rename fails, and the temporary file goes.
	if err := os.MkdirAll(filepath.Join(dir, "kommune-a", "l3", "pdf", "x"), 0o750); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "kommune-a", "l3", "pdf", []byte("three")); err == nil {
		t.Fatal("Put onto a folder succeeded")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "kommune-a", "l3"))
	if len(entries) != 1 || entries[0].Name() != "pdf" {
		t.Errorf("l3 holds %v, want only the folder pdf", entries)
	}
}
