package docstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/postbud/postbud/internal/rawfile"
)

// The template archive keeps every version of a template bundle that a letter was made with:
// each file once, by content, under ".templates/files/<sha256>", and per version an immutable
// manifest under ".templates/versions/<template>/<version>.json". Templates are shared by the
// tenants, and so is the archive. No document key can start with a dot (Key refuses a part that
// does), so the archive and the documents never meet.
const (
	archiveFiles    = ".templates/files/"
	archiveVersions = ".templates/versions/"
)

// ErrCorrupt is returned (wrapped) by ArchiveFile when the stored file no longer has the SHA-256
// it is stored under: it was changed or damaged after it was written.
var ErrCorrupt = errors.New("docstore: archived file does not match its SHA-256")

// ArchiveFileKey returns the key of the archived file of hex SHA-256 sum,
// ".templates/files/<sum>", or an error wrapping ErrInvalidKey when sum is not 64 lowercase hex
// digits.
func ArchiveFileKey(sum string) (string, error) {
	if !isSHA256Hex(sum) {
		return "", fmt.Errorf("%w: archive file hash %q is not 64 lowercase hex digits", ErrInvalidKey, sum)
	}
	return archiveFiles + sum, nil
}

// ManifestKey returns the key of the manifest of a template version,
// ".templates/versions/<template>/<version>.json", or an error wrapping ErrInvalidKey when the
// template is not one folder name (empty, longer than 200 bytes, starting with a dot, holding
// '/', '\' or a control character) or the version is not 1 to 64 lowercase hex digits.
func ManifestKey(template, version string) (string, error) {
	if err := checkTemplate(template); err != nil {
		return "", err
	}
	if len(version) == 0 || len(version) > 64 || strings.Trim(version, "0123456789abcdef") != "" {
		return "", fmt.Errorf("%w: template version %q is not 1 to 64 lowercase hex digits", ErrInvalidKey, version)
	}
	return archiveVersions + template + "/" + version + ".json", nil
}

func checkTemplate(name string) error {
	bad := ""
	switch {
	case name == "":
		bad = "is empty"
	case len(name) > 200:
		bad = "is longer than 200 bytes"
	case name[0] == '.':
		bad = "starts with a dot"
	case strings.ContainsAny(name, `/\`):
		bad = "holds a '/' or '\\'"
	case strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		bad = "holds a control character"
	}
	if bad != "" {
		return fmt.Errorf("%w: template name %q %s", ErrInvalidKey, name, bad)
	}
	return nil
}

func isSHA256Hex(s string) bool {
	return len(s) == 2*sha256.Size && strings.Trim(s, "0123456789abcdef") == ""
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// PutArchiveFile keeps data in the template archive under its SHA-256 and returns the hex hash.
// A file of that hash already there is left alone, unless it no longer matches its hash (see
// ErrCorrupt): then it is replaced by data. The write is atomic, and on a file bucket (see Open)
// it is flushed to disk before PutArchiveFile returns, since a kept version must outlive a crash
// of the machine.
func (s *Store) PutArchiveFile(ctx context.Context, data []byte) (sha256hex string, err error) {
	sum := sha256Hex(data)
	key := archiveFiles + sum
	old, err := s.bucket.ReadAll(ctx, key)
	switch {
	case err == nil && sha256Hex(old) == sum:
		return sum, nil
	case err == nil:
		// Damaged or changed: the content is known, so put it right.
		err = s.writeArchive(ctx, key, data, false)
	case gcerrors.Code(err) == gcerrors.NotFound:
		// Two writers of one hash write the same bytes: whichever lands, the file is right.
		if err = s.writeArchive(ctx, key, data, true); errors.Is(err, fs.ErrExist) {
			err = nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("docstore: keep archive file %s in %s: %w", key, s.url, err)
	}
	return sum, nil
}

// ArchiveFile returns the archived file of hex SHA-256 sum after checking its content against the
// hash: an error wrapping ErrNotFound when there is none, ErrCorrupt when it does not match.
func (s *Store) ArchiveFile(ctx context.Context, sum string) ([]byte, error) {
	key, err := ArchiveFileKey(sum)
	if err != nil {
		return nil, fmt.Errorf("docstore: read archive file: %w", err)
	}
	data, err := s.readKey(ctx, key)
	if err != nil {
		return nil, err
	}
	if got := sha256Hex(data); got != sum {
		return nil, fmt.Errorf("docstore: archive file %s in %s has SHA-256 %s: %w", key, s.url, got, ErrCorrupt)
	}
	return data, nil
}

// CreateManifest stores data as the manifest of a template version unless one is stored there
// already, and returns the manifest that is stored then: data with created true when this call
// wrote it, else the one found with created false. One call wins among concurrent ones, from any
// process: a manifest, once written, is never replaced. On a file bucket it is flushed to disk
// before CreateManifest returns.
func (s *Store) CreateManifest(ctx context.Context, template, version string, data []byte) (stored []byte, created bool, err error) {
	key, err := ManifestKey(template, version)
	if err != nil {
		return nil, false, fmt.Errorf("docstore: create manifest: %w", err)
	}
	err = s.writeArchive(ctx, key, data, true)
	if err == nil {
		return data, true, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, false, fmt.Errorf("docstore: create manifest %s in %s: %w", key, s.url, err)
	}
	stored, err = s.readKey(ctx, key)
	if err != nil {
		return nil, false, err
	}
	return stored, false, nil
}

// Manifest returns the manifest of a template version, or an error wrapping ErrNotFound.
func (s *Store) Manifest(ctx context.Context, template, version string) ([]byte, error) {
	key, err := ManifestKey(template, version)
	if err != nil {
		return nil, fmt.Errorf("docstore: read manifest: %w", err)
	}
	return s.readKey(ctx, key)
}

// ManifestVersions lists the versions of template that have a manifest, sorted; none is an empty
// list, not an error.
func (s *Store) ManifestVersions(ctx context.Context, template string) ([]string, error) {
	if err := checkTemplate(template); err != nil {
		return nil, fmt.Errorf("docstore: list manifests: %w", err)
	}
	prefix := archiveVersions + template + "/"
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix, Delimiter: "/"})
	var out []string
	for {
		obj, err := it.Next(ctx)
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("docstore: list manifests of %s in %s: %w", template, s.url, err)
		}
		v, ok := strings.CutSuffix(strings.TrimPrefix(obj.Key, prefix), ".json")
		if obj.IsDir || !ok {
			continue // a temporary file of a write in progress, or something not ours
		}
		if _, err := ManifestKey(template, v); err == nil {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out, nil
}

// readKey reads the blob under key: an error wrapping ErrNotFound when there is none.
func (s *Store) readKey(ctx context.Context, key string) ([]byte, error) {
	data, err := s.bucket.ReadAll(ctx, key)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, fmt.Errorf("docstore: read %s: %w", key, ErrNotFound)
		}
		return nil, fmt.Errorf("docstore: read %s from %s: %w", key, s.url, err)
	}
	return data, nil
}

// writeArchive writes data under key atomically. With exclusive, a blob already under key is
// left alone and the error wraps fs.ErrExist. File buckets written directly (see Open) flush
// the file and its folder to disk; on them an exclusive write is a hard link of a complete
// temporary file, which is atomic across processes. Other buckets use the driver's conditional
// write (gocloud.dev's IfNotExist).
func (s *Store) writeArchive(ctx context.Context, key string, data []byte, exclusive bool) error {
	if s.dir != "" {
		return s.writeArchiveFile(ctx, key, data, exclusive)
	}
	err := s.bucket.WriteAll(ctx, key, data, &blob.WriterOptions{ContentType: "application/octet-stream", IfNotExist: exclusive})
	if exclusive && gcerrors.Code(err) == gcerrors.FailedPrecondition {
		return fmt.Errorf("%s: %w", key, fs.ErrExist)
	}
	return err
}

func (s *Store) writeArchiveFile(ctx context.Context, key string, data []byte, exclusive bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p := filepath.Join(s.dir, filepath.FromSlash(key))
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := p + "." + hex.EncodeToString(rnd[:]) + ".tmp"
	if err := rawfile.Create(tmp, data, 0o640, true); err != nil {
		os.Remove(tmp)
		return err
	}
	defer os.Remove(tmp)
	var err error
	if exclusive {
		// link(2) fails with EEXIST when the name is taken: no second writer replaces the first.
		err = os.Link(tmp, p)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", key, fs.ErrExist)
		}
	} else {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		return err
	}
	return rawfile.SyncDir(dir)
}
