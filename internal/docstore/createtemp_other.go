//go:build !unix

package docstore

import "os"

// createTemp writes data to a new file at path (mode 0666 before the umask, as fileblob's) and
// closes it.
func createTemp(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
