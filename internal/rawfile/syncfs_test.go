package rawfile

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
)

// TestSyncFS: on Linux a folder's file system is opened and flushed, repeatedly, and a missing
// folder is fs.ErrNotExist; elsewhere OpenFS says it is unsupported, which callers take as the
// cue to fsync each file.
func TestSyncFS(t *testing.T) {
	dir := t.TempDir()
	f, err := OpenFS(dir)
	if !CanSyncFS {
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Fatalf("OpenFS = %v, want errors.ErrUnsupported where CanSyncFS is false", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("OpenFS: %v", err)
	}
	defer f.Close()
	for i := range 3 {
		if err := Create(filepath.Join(dir, string(rune('a'+i))), []byte("x"), 0o640, false); err != nil {
			t.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			t.Fatalf("Sync %d: %v", i+1, err)
		}
	}
	if _, err := OpenFS(filepath.Join(dir, "no")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenFS of a missing folder: %v, want fs.ErrNotExist", err)
	}
}
