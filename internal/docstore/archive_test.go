package docstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestArchiveFile(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			data := []byte("---\ntitle: Afgørelse\n---\nKære {{ .name }}\n")
			sum, err := s.PutArchiveFile(ctx, data)
			if err != nil {
				t.Fatal(err)
			}
			if sum != sha256Hex(data) {
				t.Fatalf("PutArchiveFile = %s, want the SHA-256 %s", sum, sha256Hex(data))
			}
			// Once more: nothing changes.
			if again, err := s.PutArchiveFile(ctx, data); err != nil || again != sum {
				t.Fatalf("second PutArchiveFile = %s, %v", again, err)
			}
			got, err := s.ArchiveFile(ctx, sum)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(data, got); diff != "" {
				t.Errorf("ArchiveFile (-want +got):\n%s", diff)
			}
			missing := sha256Hex([]byte("never stored"))
			if _, err := s.ArchiveFile(ctx, missing); !errors.Is(err, ErrNotFound) {
				t.Errorf("ArchiveFile of a hash never stored: %v, want ErrNotFound", err)
			}
			for _, bad := range []string{"", "ABC", strings.Repeat("g", 64), "../" + sum[3:]} {
				if _, err := s.ArchiveFile(ctx, bad); !errors.Is(err, ErrInvalidKey) {
					t.Errorf("ArchiveFile(%q): %v, want ErrInvalidKey", bad, err)
				}
			}
			// A document key can never name an archive file.
			if _, err := Key(".templates", "files", sum); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Key(.templates, ...) = %v, want ErrInvalidKey", err)
			}
		})
	}
}

// TestArchiveFileCorrupt: a file changed in the archive is refused on reading, and put right by
// the next PutArchiveFile of its content.
func TestArchiveFileCorrupt(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "docs")
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data := []byte("layout: a4\n")
	sum, err := s.PutArchiveFile(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, ".templates", "files", sum)
	if err := os.WriteFile(p, []byte("layout: a5\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArchiveFile(ctx, sum); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), sum) {
		t.Errorf("ArchiveFile of a changed file: %v, want ErrCorrupt naming the key", err)
	}
	if _, err := s.PutArchiveFile(ctx, data); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ArchiveFile(ctx, sum); err != nil || string(got) != string(data) {
		t.Errorf("after putting it again: %q, %v", got, err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".templates", "files", "*.tmp")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestCreateManifest(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			first := []byte(`{"first_used":"2026-12-01T10:00:00Z"}`)
			stored, created, err := s.CreateManifest(ctx, "boligstoette-afgoerelse", "0123456789abcdef", first)
			if err != nil || !created || string(stored) != string(first) {
				t.Fatalf("first CreateManifest = %q, %v, %v", stored, created, err)
			}
			stored, created, err = s.CreateManifest(ctx, "boligstoette-afgoerelse", "0123456789abcdef", []byte(`{"first_used":"2027-01-01T10:00:00Z"}`))
			if err != nil || created || string(stored) != string(first) {
				t.Fatalf("second CreateManifest = %q, %v, %v; want the first one kept", stored, created, err)
			}
			if _, _, err := s.CreateManifest(ctx, "boligstoette-afgoerelse", "fedcba9876543210", []byte(`{}`)); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.CreateManifest(ctx, "other", "00000000000000aa", []byte(`{}`)); err != nil {
				t.Fatal(err)
			}
			got, err := s.ManifestVersions(ctx, "boligstoette-afgoerelse")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"0123456789abcdef", "fedcba9876543210"}, got); diff != "" {
				t.Errorf("ManifestVersions (-want +got):\n%s", diff)
			}
			if got, err := s.ManifestVersions(ctx, "none-kept"); err != nil || len(got) != 0 {
				t.Errorf("ManifestVersions of a template with none = %v, %v", got, err)
			}
			if m, err := s.Manifest(ctx, "boligstoette-afgoerelse", "0123456789abcdef"); err != nil || string(m) != string(first) {
				t.Errorf("Manifest = %q, %v", m, err)
			}
			if _, err := s.Manifest(ctx, "boligstoette-afgoerelse", "00000000000000ff"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Manifest of a version never kept: %v, want ErrNotFound", err)
			}
			for _, bad := range [][2]string{{"", "00"}, {".hidden", "00"}, {"a/b", "00"}, {"a\x00b", "00"}, {"a", ""}, {"a", "0G"}, {"a", strings.Repeat("0", 65)}} {
				if _, _, err := s.CreateManifest(ctx, bad[0], bad[1], []byte("{}")); !errors.Is(err, ErrInvalidKey) {
					t.Errorf("CreateManifest(%q, %q): %v, want ErrInvalidKey", bad[0], bad[1], err)
				}
			}
		})
	}
}

// TestCreateManifestRace: writers through separate Stores on one folder (as separate processes
// are) create one manifest: exactly one of them wins, and every one gets the winner's.
func TestCreateManifestRace(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "docs")
	const n = 16
	var wg sync.WaitGroup
	stored := make([]string, n)
	created := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		s, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		wg.Go(func() {
			var b []byte
			b, created[i], errs[i] = s.CreateManifest(ctx, "x", "00000000000000ab", fmt.Appendf(nil, `{"writer":%d}`, i))
			stored[i] = string(b)
		})
	}
	wg.Wait()
	winners := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v", i, errs[i])
		}
		if created[i] {
			winners++
			if stored[i] != fmt.Sprintf(`{"writer":%d}`, i) {
				t.Errorf("winner %d got %s", i, stored[i])
			}
		}
		if stored[i] != stored[0] {
			t.Errorf("writer %d sees %s, writer 0 %s", i, stored[i], stored[0])
		}
	}
	if winners != 1 {
		t.Errorf("%d writers created the manifest, want 1", winners)
	}
}
