package docstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Writer streams one document into the store; see Store.Create. A Writer is not safe for
// concurrent use: to abort from another goroutine, cancel the context given to Create.
type Writer struct {
	bw     *blob.Writer
	dst    io.Writer // bw, but for tests that make writes fail
	cancel context.CancelFunc
	key    string
	url    string
	sum    hash.Hash
	size   int64
	err    error // sticky: a failed Write
	done   bool  // Close or Abort was called
}

// errWriterDone is returned by Write after Close or Abort.
var errWriterDone = errors.New("docstore: write after Close or Abort")

// Create opens a writer for "<tenant>/<letter id>/<format>". The document appears atomically when
// Close succeeds, replacing what was stored under the key: readers see the previous document (or
// none) until then, and the new one whole afterwards. Nothing is stored when a Write fails, when
// ctx is cancelled before Close returns, or when Abort is called. Every Writer must end with Close or
// Abort (defer w.Abort() right after Create is safe); until then a file bucket holds the partial
// document as a temporary file "<format>.<hex>.tmp" beside its target, which Close and Abort remove.
//
// The blob carries the content type of its format (see ContentType) where the bucket keeps
// attributes. Unlike Put, it carries no "sha256" metadata, since the hash is known only at the
// end; Close returns it.
func (s *Store) Create(ctx context.Context, tenant, letterID, format string) (*Writer, error) {
	key, err := Key(tenant, letterID, format)
	if err != nil {
		return nil, fmt.Errorf("docstore: create: %w", err)
	}
	// Cancelling the writer's context before Close aborts the write on every gocloud.dev driver.
	wctx, cancel := context.WithCancel(ctx)
	bw, err := s.bucket.NewWriter(wctx, key, &blob.WriterOptions{ContentType: ContentType(format)})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("docstore: create %s in %s: %w", key, s.url, err)
	}
	return &Writer{bw: bw, dst: bw, cancel: cancel, key: key, url: s.url, sum: sha256.New()}, nil
}

// Write writes p to the document. After an error every later Write fails too and Close stores
// nothing.
func (w *Writer) Write(p []byte) (int, error) {
	if w.done {
		return 0, errWriterDone
	}
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.dst.Write(p)
	w.sum.Write(p[:n])
	w.size += int64(n)
	if err != nil {
		w.err = fmt.Errorf("docstore: write %s to %s: %w", w.key, w.url, err)
		return n, w.err
	}
	return n, nil
}

// Close finishes the document and makes it visible, and returns the hex SHA-256 and the size of the
// bytes written. When a Write failed, or the context given to Create is done, Close stores nothing
// and returns an error (wrapping the context's error in the second case). Close after Close or
// Abort returns an error and does nothing.
func (w *Writer) Close() (sha256hex string, size int64, err error) {
	if w.done {
		return "", 0, errWriterDone
	}
	w.done = true
	defer w.cancel()
	if w.err != nil {
		w.cancel() // before the driver's Close: the write is aborted, not committed
		w.bw.Close()
		return "", 0, w.err
	}
	if err := w.bw.Close(); err != nil {
		return "", 0, fmt.Errorf("docstore: store %s in %s: %w", w.key, w.url, err)
	}
	return hex.EncodeToString(w.sum.Sum(nil)), w.size, nil
}

// Abort discards the document: nothing is stored and what was stored under the key before stays.
// Abort after Close or Abort does nothing, so `defer w.Abort()` is safe.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.cancel()
	w.bw.Close() // with the context cancelled, the driver removes what was written
}

// Open returns a reader of the document stored under "<tenant>/<letter id>/<format>", or an error
// wrapping ErrNotFound when there is none. The reader sees the document as it was when Open was
// called, whole, even if it is replaced or deleted while being read. The caller must close it.
func (s *Store) Open(ctx context.Context, tenant, letterID, format string) (io.ReadCloser, error) {
	key, err := Key(tenant, letterID, format)
	if err != nil {
		return nil, fmt.Errorf("docstore: open: %w", err)
	}
	r, err := s.bucket.NewReader(ctx, key, nil)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, fmt.Errorf("docstore: open %s: %w", key, ErrNotFound)
		}
		return nil, fmt.Errorf("docstore: open %s in %s: %w", key, s.url, err)
	}
	return r, nil
}

// Delete removes the document stored under "<tenant>/<letter id>/<format>". A document that is not
// there is not an error, so Delete can be retried.
func (s *Store) Delete(ctx context.Context, tenant, letterID, format string) error {
	key, err := Key(tenant, letterID, format)
	if err != nil {
		return fmt.Errorf("docstore: delete: %w", err)
	}
	if err := s.bucket.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("docstore: delete %s from %s: %w", key, s.url, err)
	}
	return nil
}
