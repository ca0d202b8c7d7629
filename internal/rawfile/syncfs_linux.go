package rawfile

import (
	"os"

	"golang.org/x/sys/unix"
)

// CanSyncFS reports whether FS is available: on Linux, yes.
const CanSyncFS = true

// FS is an open handle on the file system that holds a folder, for flushing all of it at once.
// One Sync serves any number of files, where an fsync per file costs a disk round trip each;
// writers that share a file system share its Syncs (group commit, see delivery.Outbox). An FS is
// safe for concurrent use and is meant to live as long as its writers: Sync reports every
// writeback error of that file system since the previous Sync on the same FS (or since OpenFS),
// so a write that failed in the background before a Sync began is reported by that Sync. The
// error may concern another program's file: callers treat it as a failed write and try again.
type FS struct {
	dir string
	fd  int
}

// OpenFS opens the file system that holds the folder dir.
func OpenFS(dir string) (*FS, error) {
	fd, err := openRetry(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return &FS{dir: dir, fd: fd}, nil
}

// Sync flushes every file and folder of the file system to the disk with one syncfs(2): the
// data and names written there before the call are durable when it returns nil.
func (f *FS) Sync() error {
	for {
		err := unix.Syncfs(f.fd)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return &os.PathError{Op: "syncfs", Path: f.dir, Err: err}
		}
		return nil
	}
}

// Close closes the handle.
func (f *FS) Close() error { return unix.Close(f.fd) }
