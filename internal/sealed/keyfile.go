package sealed

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadOrCreateKey reads the key stored at path, or, when no file is there, creates one: a fresh
// random key written as base64 text with mode 0600, in a folder created with mode 0700 when missing.
// Creation is atomic and safe against concurrent callers (other processes included): the key is
// written to a temporary file, synced, and hard-linked into place only if path is still free, so
// every caller ends up with the same key and no reader ever sees a partial file. Errors name path
// and never contain key material.
func LoadOrCreateKey(path string) (Key, error) {
	if k, err := readKey(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Key{}, fmt.Errorf("create key file %s: %w", path, err)
	}
	k, err := NewKey()
	if err != nil {
		return Key{}, err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // CreateTemp uses mode 0600
	if err != nil {
		return Key{}, fmt.Errorf("create key file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(k.Encode() + "\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Key{}, fmt.Errorf("create key file %s: %w", path, err)
	}
	// Link fails when path exists: another caller created the key first, and its key wins.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKey(path)
		}
		return Key{}, fmt.Errorf("create key file %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return k, nil
}

func readKey(path string) (Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Key{}, fmt.Errorf("read key file %s: %w", path, err)
	}
	k, err := ParseKey(string(b))
	clear(b)
	if err != nil {
		return Key{}, fmt.Errorf("read key file %s: %w; delete the file to have a new key made (letters queued under the old key can then not be opened)", path, err)
	}
	return k, nil
}
