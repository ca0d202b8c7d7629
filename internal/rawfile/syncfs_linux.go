package rawfile

import (
	"os"

	"golang.org/x/sys/unix"
)

// CanSyncFS reports whether SyncFS is available: on Linux, yes.
const CanSyncFS = true

// SyncFS flushes every file and folder of the file system that holds dir to the disk, with one
// syncfs(2): the data and names written there before the call are durable when it returns nil.
// One call serves any number of files, where an fsync per file costs a disk round trip each;
// writers that share a file system share it (group commit, see delivery.Outbox). Since Linux 5.8
// it reports a writeback error of any file of that file system since the last call, so an error
// may concern another program's file: callers treat it as a failed write and try again.
func SyncFS(dir string) error {
	fd, err := openRetry(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: dir, Err: err}
	}
	for {
		if err = unix.Syncfs(fd); err != unix.EINTR {
			break
		}
	}
	if err != nil {
		err = &os.PathError{Op: "syncfs", Path: dir, Err: err}
	}
	if cerr := unix.Close(fd); cerr != nil && err == nil {
		err = &os.PathError{Op: "close", Path: dir, Err: cerr}
	}
	return err
}
