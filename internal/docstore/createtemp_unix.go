//go:build unix

package docstore

import (
	"os"
	"syscall"
)

// createTemp writes data to a new file at path (mode 0666 before the umask, as fileblob's) and
// closes it. It uses the system calls directly: os.OpenFile on Linux also tries to add every
// regular file to the network poller (fcntl, a failing epoll_ctl, fcntl again), system calls that
// buy nothing for a file written once and closed.
func createTemp(path string, data []byte) error {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o666)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	for len(data) > 0 {
		n, werr := syscall.Write(fd, data)
		if werr == syscall.EINTR {
			continue
		}
		if werr == nil && n == 0 {
			werr = syscall.EIO
		}
		if werr != nil {
			err = &os.PathError{Op: "write", Path: path, Err: werr}
			break
		}
		data = data[n:]
	}
	if cerr := syscall.Close(fd); cerr != nil && err == nil {
		err = &os.PathError{Op: "close", Path: path, Err: cerr}
	}
	return err
}
