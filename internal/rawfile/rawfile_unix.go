//go:build unix

// Package rawfile writes a file once, whole, with the system calls alone. On Linux os.OpenFile
// also tries to add every regular file to the network poller (fcntl twice, a failing epoll_ctl,
// fcntl again): system calls that buy nothing for a file created, written and closed at once,
// as the document store and the outbox write theirs (about 40 fewer system calls a letter).
// Elsewhere it uses package os.
package rawfile

import (
	"os"
	"syscall"
)

// Create writes data to a new file at path, which must not exist (O_EXCL; mode perm before the
// umask, close-on-exec), and, when sync is set, fsyncs it before closing it. Errors are
// *os.PathError, as package os gives them.
func Create(path string, data []byte, perm uint32, sync bool) error {
	fd, err := openRetry(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, perm)
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	err = writeAll(fd, data)
	if err != nil {
		err = &os.PathError{Op: "write", Path: path, Err: err}
	} else if sync {
		if serr := fsyncRetry(fd); serr != nil {
			err = &os.PathError{Op: "sync", Path: path, Err: serr}
		}
	}
	if cerr := syscall.Close(fd); cerr != nil && err == nil {
		err = &os.PathError{Op: "close", Path: path, Err: cerr}
	}
	return err
}

// SyncDir fsyncs the folder dir, so that the names created in it, renamed into it or out of it
// are durable.
func SyncDir(dir string) error {
	fd, err := openRetry(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: dir, Err: err}
	}
	err = fsyncRetry(fd)
	if err != nil {
		err = &os.PathError{Op: "sync", Path: dir, Err: err}
	}
	if cerr := syscall.Close(fd); cerr != nil && err == nil {
		err = &os.PathError{Op: "close", Path: dir, Err: cerr}
	}
	return err
}

func openRetry(path string, flag int, perm uint32) (int, error) {
	for {
		fd, err := syscall.Open(path, flag, perm)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

func fsyncRetry(fd int) error {
	for {
		if err := syscall.Fsync(fd); err != syscall.EINTR {
			return err
		}
	}
}

// writeAll writes all of data to fd, as os.File.Write does: short writes are continued, EINTR
// retried.
func writeAll(fd int, data []byte) error {
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return syscall.EIO
		}
		data = data[n:]
	}
	return nil
}
