package docstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // azblob://
	_ "gocloud.dev/blob/fileblob"  // file://
	_ "gocloud.dev/blob/gcsblob"   // gs://
	_ "gocloud.dev/blob/memblob"   // mem://
	_ "gocloud.dev/blob/s3blob"    // s3://

	"github.com/postbud/postbud/internal/rawfile"
)

// ErrNotFound is returned (wrapped) by Get and Store.Open when no document is stored under the key.
var ErrNotFound = errors.New("docstore: not found")

// ErrInvalidKey is returned (wrapped) when a tenant, letter id or format cannot be part of a key.
var ErrInvalidKey = errors.New("docstore: invalid key part")

// Store keeps rendered documents in a blob bucket, keyed "<tenant>/<letter id>/<format>".
// A Store is safe for concurrent use.
type Store struct {
	bucket *blob.Bucket
	url    string // for messages; without query or credentials
	// dir is the folder of a file bucket opened with the defaults of Open (temporary files next
	// to their targets, no metadata sidecars), which Put writes to directly: the same files, in
	// the same places, as the fileblob driver writes, without its per-write overhead (MD5,
	// writer setup). "" for every other bucket.
	dir string
}

// Open opens the bucket at rawURL: file:///abs/dir (the folder is created, mode 0750), mem://,
// s3://bucket?region=..., gs://bucket, azblob://container, with the query parameters gocloud.dev
// documents for each driver. A string without "://" is a folder path (made absolute) and means
// file://. For file buckets, unless the URL says otherwise, temporary files are kept next to their
// targets (so the final rename never crosses file systems) and no metadata sidecar files are
// written: fileblob rewrites a sidecar in place, so a reader racing a rewrite would fail. File
// buckets therefore keep neither content type nor metadata; ContentType gives the type by format.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	if strings.TrimSpace(rawURL) == "" {
		return nil, errors.New("docstore: open: empty URL; give a folder path, file:///abs/dir, mem://, s3://, gs:// or azblob://")
	}
	u, err := bucketURL(rawURL)
	if err != nil {
		return nil, err
	}
	b, err := blob.OpenBucket(ctx, u.String())
	if err != nil {
		// gocloud.dev repeats the URL, query (credentials) included: keep only the safe form.
		return nil, fmt.Errorf("docstore: open %s: %w", safeURL(u), &redactedError{
			msg: strings.ReplaceAll(err.Error(), u.String(), safeURL(u)), err: err})
	}
	return &Store{bucket: b, url: safeURL(u), dir: directDir(u)}, nil
}

// directDir is the folder of file bucket u when Put may write its files itself: the URL asks
// for nothing but Open's defaults (see bucketURL) and create_dir.
func directDir(u *url.URL) string {
	if u.Scheme != "file" {
		return ""
	}
	for k, v := range u.Query() {
		want := directDefaults[k]
		if want == "" || len(v) != 1 || v[0] != want {
			return ""
		}
	}
	return filepath.FromSlash(u.Path)
}

// directDefaults are the file bucket parameters under which Put writes files itself.
var directDefaults = map[string]string{"create_dir": "1", "no_tmp_dir": "1", "dir_file_mode": "0750", "metadata": "skip"}

// redactedError is err with a message that leaves out secrets.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// bucketURL turns rawURL into the URL handed to gocloud.dev, adding file bucket defaults.
func bucketURL(rawURL string) (*url.URL, error) {
	if !strings.Contains(rawURL, "://") {
		abs, err := filepath.Abs(rawURL)
		if err != nil {
			return nil, fmt.Errorf("docstore: open %s: %w", rawURL, err)
		}
		rawURL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("docstore: open: bad URL: %w", err)
	}
	if u.Scheme != "file" {
		return u, nil
	}
	if u.Host != "" && u.Host != "localhost" && u.Host != "." {
		return nil, fmt.Errorf("docstore: open %s: a file URL needs an absolute path with three slashes, e.g. file:///var/lib/postbud/documents", safeURL(u))
	}
	q := u.Query()
	for k, v := range map[string]string{"create_dir": "1", "no_tmp_dir": "1", "dir_file_mode": "0750", "metadata": "skip"} {
		if _, set := q[k]; !set {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u, nil
}

// safeURL is u without query (which may hold credentials) or user info, for messages.
func safeURL(u *url.URL) string {
	c := *u
	c.RawQuery, c.User = "", nil
	return c.String()
}

// Key returns the blob key of a document, "<tenant>/<letter id>/<format>", or an error wrapping
// ErrInvalidKey when a part is empty, longer than 200 bytes, ".", "..", starts with a dot, or holds
// anything but ASCII letters, digits, '-', '_' and '.'.
func Key(tenant, letterID, format string) (string, error) {
	for _, p := range [...]struct{ name, v string }{{"tenant", tenant}, {"letter id", letterID}, {"format", format}} {
		if err := checkPart(p.v); err != nil {
			return "", fmt.Errorf("%w: %s %q %s", ErrInvalidKey, p.name, p.v, err)
		}
	}
	return tenant + "/" + letterID + "/" + format, nil
}

func checkPart(s string) error {
	switch {
	case s == "":
		return errors.New("is empty")
	case len(s) > 200:
		return errors.New("is longer than 200 bytes")
	case s[0] == '.':
		return errors.New("starts with a dot")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("holds %q at byte %d; use letters, digits, '-', '_' and '.'", c, i)
		}
	}
	return nil
}

// ContentType returns the media type stored with a document of the given format. Formats other
// than those below, such as the "attachment-0".."attachment-99" of a MeMo message, are
// application/octet-stream; so is "memo", the MeMo message itself, since it is stored sealed (see
// package sealed) and is no XML in the store.
func ContentType(format string) string {
	switch format {
	case "memo":
		return "application/octet-stream"
	case "pdf":
		return "application/pdf"
	case "docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case "xml":
		return "application/xml"
	case "json":
		return "application/json"
	}
	return "application/octet-stream"
}

// Put stores data under "<tenant>/<letter id>/<format>", replacing what was there, and returns the
// hex SHA-256 of data. The write is atomic: readers see the old document or the new one, never a
// part. The store checks the bytes against their MD5; where the bucket keeps attributes (all but
// file buckets, see Open) the blob carries its content type (see ContentType) and the SHA-256 in its
// metadata.
func (s *Store) Put(ctx context.Context, tenant, letterID, format string, data []byte) (sha256hex string, err error) {
	key, err := Key(tenant, letterID, format)
	if err != nil {
		return "", fmt.Errorf("docstore: put: %w", err)
	}
	sum := sha256.Sum256(data)
	sha256hex = hex.EncodeToString(sum[:])
	if s.dir != "" {
		if err := s.putFile(ctx, key, data); err != nil {
			return "", fmt.Errorf("docstore: put %s in %s: %w", key, s.url, err)
		}
		return sha256hex, nil
	}
	opts := &blob.WriterOptions{
		ContentType: ContentType(format),
		Metadata:    map[string]string{"sha256": sha256hex},
	}
	if err := s.bucket.WriteAll(ctx, key, data, opts); err != nil {
		return "", fmt.Errorf("docstore: put %s in %s: %w", key, s.url, err)
	}
	return sha256hex, nil
}

// putFile writes data to the file of key in a file bucket as the fileblob driver does with
// Open's defaults: into a temporary file next to the target, then renamed onto it, so that
// readers see the old document or the new one whole. Like the driver, it does not fsync. Keys
// passed Key's checks, so they need none of the driver's escaping. The temporary file is
// opened first and the letter's folder made only when it is missing (once a letter, not a
// stat a document), with the system calls themselves (internal/rawfile).
func (s *Store) putFile(ctx context.Context, key string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path := filepath.Join(s.dir, filepath.FromSlash(key))
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := path + "." + hex.EncodeToString(rnd[:]) + ".tmp"
	err := rawfile.Create(tmp, data, 0o666, false)
	if errors.Is(err, fs.ErrNotExist) {
		dir := filepath.Dir(path)
		if err = os.Mkdir(dir, 0o750); errors.Is(err, fs.ErrNotExist) {
			err = os.MkdirAll(dir, 0o750)
		} else if errors.Is(err, fs.ErrExist) {
			err = nil // made meanwhile by a Put of another format
		}
		if err == nil {
			err = rawfile.Create(tmp, data, 0o666, false)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return err // nothing was created
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		// rename(2) itself: os.Rename first stats the target to refuse a folder there, which
		// rename(2) refuses too (EISDIR) for a file.
		rerr := syscall.Rename(tmp, path)
		for rerr == syscall.EINTR {
			rerr = syscall.Rename(tmp, path)
		}
		if rerr != nil {
			err = &os.LinkError{Op: "rename", Old: tmp, New: path, Err: rerr}
		}
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// Get returns the document stored under "<tenant>/<letter id>/<format>", or an error wrapping
// ErrNotFound when there is none.
func (s *Store) Get(ctx context.Context, tenant, letterID, format string) ([]byte, error) {
	key, err := Key(tenant, letterID, format)
	if err != nil {
		return nil, fmt.Errorf("docstore: get: %w", err)
	}
	return s.readKey(ctx, key)
}

// Close releases the bucket. The Store must not be used afterwards.
func (s *Store) Close() error {
	if err := s.bucket.Close(); err != nil {
		return fmt.Errorf("docstore: close %s: %w", s.url, err)
	}
	return nil
}

// URL is the bucket's URL as messages show it: without query or credentials.
func (s *Store) URL() string { return s.url }
