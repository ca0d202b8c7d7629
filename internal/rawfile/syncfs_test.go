package rawfile

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
)

// TestSyncFS: on Linux a folder's file system is flushed and a missing folder is fs.ErrNotExist;
// elsewhere SyncFS says it is unsupported, which callers take as the cue to fsync each file.
func TestSyncFS(t *testing.T) {
	dir := t.TempDir()
	if err := Create(filepath.Join(dir, "a"), []byte("x"), 0o640, false); err != nil {
		t.Fatal(err)
	}
	err := SyncFS(dir)
	if !CanSyncFS {
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Fatalf("SyncFS = %v, want errors.ErrUnsupported where CanSyncFS is false", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("SyncFS: %v", err)
	}
	if err := SyncFS(filepath.Join(dir, "no")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("SyncFS of a missing folder: %v, want fs.ErrNotExist", err)
	}
}
