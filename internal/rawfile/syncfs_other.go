//go:build !linux

package rawfile

import "errors"

// CanSyncFS reports whether FS is available: only on Linux, which has syncfs(2); elsewhere
// callers fsync each file instead.
const CanSyncFS = false

// FS stands for a file system handle where there is no syncfs(2); OpenFS always fails.
type FS struct{}

// OpenFS returns errors.ErrUnsupported: only Linux has syncfs(2).
func OpenFS(dir string) (*FS, error) { return nil, errors.ErrUnsupported }

// Sync returns errors.ErrUnsupported.
func (f *FS) Sync() error { return errors.ErrUnsupported }

// Close does nothing.
func (f *FS) Close() error { return nil }
