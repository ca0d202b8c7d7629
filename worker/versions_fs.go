package worker

import (
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// fileFS is a read-only fs.FS over files held in memory (path → content), with the folders their
// paths imply: the templates root a kept version is loaded from.
type fileFS struct {
	files map[string][]byte
	dirs  map[string][]fs.DirEntry // folder → its entries, sorted by name
}

var (
	_ fs.ReadFileFS = (*fileFS)(nil)
	_ fs.ReadDirFS  = (*fileFS)(nil)
	_ fs.StatFS     = (*fileFS)(nil)
)

// newFileFS makes the fs.FS of files, whose keys are slash-separated paths without "." or ".."
// elements (fs.ValidPath); other keys are left out.
func newFileFS(files map[string][]byte) *fileFS {
	f := &fileFS{files: map[string][]byte{}, dirs: map[string][]fs.DirEntry{".": nil}}
	seen := map[string]bool{}
	for p, data := range files {
		if !fs.ValidPath(p) || p == "." {
			continue
		}
		f.files[p] = data
		child := fs.FileInfoToDirEntry(fileInfo{name: path.Base(p), size: int64(len(data))})
		for dir := path.Dir(p); ; dir = path.Dir(dir) {
			f.dirs[dir] = append(f.dirs[dir], child)
			if dir == "." || seen[dir] {
				break
			}
			seen[dir] = true
			child = fs.FileInfoToDirEntry(fileInfo{name: path.Base(dir), dir: true})
		}
	}
	for _, entries := range f.dirs {
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	}
	return f
}

func (f *fileFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if data, ok := f.files[name]; ok {
		return &memFile{info: fileInfo{name: path.Base(name), size: int64(len(data))}, r: strings.NewReader(string(data))}, nil
	}
	if entries, ok := f.dirs[name]; ok {
		return &memDir{info: fileInfo{name: path.Base(name), dir: true}, entries: entries}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadFile returns a copy of the file's content.
func (f *fileFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	data, ok := f.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return append([]byte(nil), data...), nil
}

func (f *fileFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	entries, ok := f.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return append([]fs.DirEntry(nil), entries...), nil
}

func (f *fileFS) Stat(name string) (fs.FileInfo, error) {
	file, err := f.Open(name)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return file.Stat()
}

// fileInfo describes a file or folder of a fileFS.
type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return nil }

type memFile struct {
	info fileInfo
	r    *strings.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }

type memDir struct {
	info    fileInfo
	entries []fs.DirEntry
	next    int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: fs.ErrInvalid}
}
func (d *memDir) Close() error { return nil }

// ReadDir reads the folder's entries as fs.ReadDirFile documents.
func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.next:]
	if n <= 0 {
		d.next = len(d.entries)
		return append([]fs.DirEntry(nil), rest...), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.next += n
	return append([]fs.DirEntry(nil), rest[:n]...), nil
}
