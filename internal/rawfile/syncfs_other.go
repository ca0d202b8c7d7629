//go:build !linux

package rawfile

import "errors"

// CanSyncFS reports whether SyncFS is available: only on Linux.
const CanSyncFS = false

// SyncFS is syncfs(2), which only Linux has: elsewhere it returns errors.ErrUnsupported, and
// callers fsync each file instead.
func SyncFS(dir string) error { return errors.ErrUnsupported }
