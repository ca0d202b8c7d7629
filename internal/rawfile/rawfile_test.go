//go:build unix

package rawfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestCreate: the bytes land whole, with the mode asked for (less the umask); an existing file is
// refused and left alone; a missing folder is fs.ErrNotExist, which callers use to make it.
func TestCreate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	path := filepath.Join(dir, "a.pdf")
	data := make([]byte, 3<<20) // larger than one write may take
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, sync := range []bool{false, true} {
		os.Remove(path)
		if err := Create(path, data, 0o640, sync); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != string(data) {
			t.Fatalf("sync %v: read back %d bytes, %v; want the %d written", sync, len(got), err, len(data))
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
			t.Errorf("sync %v: mode %v, want 0640", sync, st.Mode().Perm())
		}
	}
	err := Create(path, []byte("other"), 0o640, false)
	var pe *os.PathError
	if !errors.Is(err, fs.ErrExist) || !errors.As(err, &pe) || pe.Path != path {
		t.Errorf("existing file: %v, want a *PathError for %s that is fs.ErrExist", err, path)
	}
	if got, _ := os.ReadFile(path); string(got) != string(data) {
		t.Error("existing file was changed")
	}
	if err := Create(filepath.Join(dir, "no", "b.pdf"), data, 0o640, false); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing folder: %v, want fs.ErrNotExist", err)
	}
	if err := SyncDir(dir); err != nil {
		t.Errorf("SyncDir: %v", err)
	}
	if err := SyncDir(filepath.Join(dir, "no")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("SyncDir of a missing folder: %v, want fs.ErrNotExist", err)
	}
}
