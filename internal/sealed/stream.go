package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The stream format (STREAM construction, as in Tink's AES-GCM-HKDF streaming AEAD and age):
//
//	header   = streamFormat (1 byte) || salt (32 bytes) || nonce prefix (7 bytes)
//	segments = seg_0 || seg_1 || ... || seg_n   (n >= 0)
//	seg_i    = AES-256-GCM(subkey, nonce_i, plaintext_i, additionalData), plaintext_i 64 KiB for i < n,
//	           0..64 KiB for the final segment seg_n
//	subkey   = HKDF-SHA256(secret = Key, salt = salt, info = streamInfo)
//	nonce_i  = prefix (7) || big-endian uint32 i (4) || 1 if i == n else 0 (1)
//
// The counter in the nonce detects reordering, dropped and repeated segments; the last-segment flag
// detects truncation at a segment boundary and data appended after the end; the per-stream subkey
// (from the random salt) keeps segments of one stream from opening in another and keeps nonces from
// ever repeating under one subkey, however many streams a Key seals (a bare 7-byte random prefix
// under a single key would risk a collision after some 2^28 streams).
const (
	// streamFormat is the first byte of a sealed stream; it differs from version, Seal's first byte,
	// so neither format is mistaken for the other.
	streamFormat byte = 2

	saltSize        = 32
	noncePrefixSize = 7
	streamHeaderLen = 1 + saltSize + noncePrefixSize

	// segmentSize is how many plaintext bytes each segment but the last holds.
	segmentSize = 64 << 10

	// maxSegments is the number of distinct segment counters.
	maxSegments = 1 << 32
)

// streamInfo is the HKDF info string: it ties the subkey to this format.
const streamInfo = "postbud sealed stream v2 AES-256-GCM 64KiB"

// StreamSize returns the exact size of the stream NewWriter writes for plaintext bytes of
// plaintext: the 40-byte header plus a 16-byte tag for every segment of 64 KiB (at least one
// segment, so an empty plaintext gives 56 bytes). It returns -1 for a negative size or one beyond
// the format's limit of 2^32 segments (256 TiB).
func StreamSize(plaintext int64) int64 {
	if plaintext < 0 {
		return -1
	}
	segs := max(1, (plaintext+segmentSize-1)/segmentSize)
	if segs > maxSegments {
		return -1
	}
	return streamHeaderLen + plaintext + segs*tagSize
}

// streamAEAD derives the stream's subkey from k and salt.
func streamAEAD(k Key, salt []byte) (cipher.AEAD, error) {
	sub, err := hkdf.Key(sha256.New, k[:], salt, streamInfo, len(k))
	if err != nil {
		return nil, fmt.Errorf("sealed: derive stream key: %w", err)
	}
	defer clear(sub)
	block, err := aes.NewCipher(sub)
	if err != nil {
		return nil, fmt.Errorf("sealed: %w", err)
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sealed: %w", err)
	}
	return g, nil
}

// segmentNonce fills nonce with prefix || counter || last flag.
func segmentNonce(nonce *[nonceSize]byte, prefix []byte, counter uint32, last bool) {
	copy(nonce[:noncePrefixSize], prefix)
	binary.BigEndian.PutUint32(nonce[noncePrefixSize:], counter)
	nonce[nonceSize-1] = 0
	if last {
		nonce[nonceSize-1] = 1
	}
}

// NewWriter returns a writer that encrypts and authenticates what is written to it with AES-256-GCM
// under k and writes the sealed stream to w: a header, then the plaintext in 64 KiB segments, each
// sealed on its own and bound to additionalData (authenticated, not stored; a letter id, for
// instance), to its position and to whether it is the last. A stream of n plaintext bytes takes
// StreamSize(n) bytes. NewWriter writes the header to w before it returns.
//
// The writer holds at most one segment in memory (about 64 KiB), whatever the stream's size. Close
// must be called: it seals and writes the final segment, without which the stream does not open.
// Close never closes w. After a write to w fails, every later Write and Close return that error and
// the stream is incomplete. The writer is not safe for concurrent use. A stream holds at most 2^32
// segments (256 TiB); a Write beyond that fails.
func NewWriter(k Key, w io.Writer, additionalData []byte) (io.WriteCloser, error) {
	return newStreamWriter(k, w, additionalData, segmentSize)
}

// newStreamWriter is NewWriter with another segment size, so tests can make many-segment streams
// out of a few bytes. Production code always uses segmentSize.
func newStreamWriter(k Key, w io.Writer, additionalData []byte, segSize int) (*streamWriter, error) {
	var header [streamHeaderLen]byte
	header[0] = streamFormat
	if _, err := rand.Read(header[1:]); err != nil {
		return nil, fmt.Errorf("sealed: draw stream salt and nonce: %w", err)
	}
	g, err := streamAEAD(k, header[1:1+saltSize])
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(header[:]); err != nil {
		return nil, fmt.Errorf("sealed: write stream header: %w", err)
	}
	sw := &streamWriter{
		aead:    g,
		w:       w,
		ad:      additionalData,
		segSize: segSize,
		buf:     make([]byte, 0, segSize+tagSize),
	}
	copy(sw.prefix[:], header[1+saltSize:])
	return sw, nil
}

type streamWriter struct {
	aead    cipher.AEAD
	w       io.Writer
	ad      []byte
	prefix  [noncePrefixSize]byte
	segSize int
	counter uint64 // index of the segment being filled
	buf     []byte // plaintext of that segment; capacity segSize+tagSize to seal in place
	nonce   [nonceSize]byte
	err     error // sticky: a failed write to w, or errClosed after Close
	closed  bool
}

var errClosed = errors.New("sealed: write to a closed stream")

// Write implements io.Writer. A full segment is sealed only when more plaintext follows it, since
// the last segment is sealed differently; so Write keeps up to one segment buffered until Close.
func (sw *streamWriter) Write(p []byte) (int, error) {
	if sw.err != nil {
		return 0, sw.err
	}
	n := 0
	for len(p) > 0 {
		if len(sw.buf) == sw.segSize {
			if err := sw.flush(false); err != nil {
				return n, err
			}
		}
		c := copy(sw.buf[len(sw.buf):sw.segSize], p)
		sw.buf = sw.buf[:len(sw.buf)+c]
		p = p[c:]
		n += c
	}
	return n, nil
}

// flush seals the buffered segment and writes it to w.
func (sw *streamWriter) flush(last bool) error {
	if sw.counter >= maxSegments || !last && sw.counter == maxSegments-1 {
		sw.err = errors.New("sealed: stream exceeds 2^32 segments")
		return sw.err
	}
	segmentNonce(&sw.nonce, sw.prefix[:], uint32(sw.counter), last)
	ct := sw.aead.Seal(sw.buf[:0], sw.nonce[:], sw.buf, sw.ad)
	if _, err := sw.w.Write(ct); err != nil {
		sw.err = fmt.Errorf("sealed: write stream segment %d: %w", sw.counter, err)
		return sw.err
	}
	sw.counter++
	sw.buf = sw.buf[:0]
	return nil
}

// Close seals and writes the final segment. It does not close the underlying writer. Calling Close
// again returns the first call's result.
func (sw *streamWriter) Close() error {
	if sw.closed {
		if sw.err == errClosed {
			return nil
		}
		return sw.err
	}
	sw.closed = true
	if sw.err != nil {
		return sw.err
	}
	if err := sw.flush(true); err != nil {
		return err
	}
	sw.err = errClosed
	return nil
}

// NewReader returns a reader of the plaintext of a stream made by NewWriter with the same key and
// additional data. It reads the header from r before it returns.
//
// Read returns plaintext only from segments that passed authentication, one 64 KiB segment at a
// time (the reader holds about 64 KiB whatever the stream's size). A stream that was altered,
// reordered, cut short (at a segment boundary or within one), extended, spliced with segments of
// another stream, or sealed with another key or other additional data gives an error wrapping
// ErrOpen, sticky for every later Read; the causes cannot be told apart, by design. Such an error can
// come after earlier segments' plaintext was returned, at the latest instead of io.EOF: a stream
// missing its final segment is detected only at its end. Treat what was read as unverified until
// Read returned io.EOF. Errors reading r are returned wrapped (io.ErrUnexpectedEOF inside the header
// counts as truncation and wraps ErrOpen). The reader never panics and is not safe for concurrent
// use.
func NewReader(k Key, r io.Reader, additionalData []byte) (io.Reader, error) {
	return newStreamReader(k, r, additionalData, segmentSize)
}

// newStreamReader is NewReader with another segment size; see newStreamWriter.
func newStreamReader(k Key, r io.Reader, additionalData []byte, segSize int) (*streamReader, error) {
	var header [streamHeaderLen]byte
	if n, err := io.ReadFull(r, header[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("sealed: open stream: %d bytes, shorter than the %d-byte header: %w", n, streamHeaderLen, ErrOpen)
		}
		return nil, fmt.Errorf("sealed: open stream: read header: %w", err)
	}
	if header[0] != streamFormat {
		return nil, fmt.Errorf("sealed: open stream: unknown format %d (this build reads stream format %d): %w", header[0], streamFormat, ErrOpen)
	}
	g, err := streamAEAD(k, header[1:1+saltSize])
	if err != nil {
		return nil, err
	}
	sr := &streamReader{
		aead:  g,
		r:     r,
		ad:    additionalData,
		segCT: segSize + tagSize,
		// One sealed segment plus one byte of look-ahead, which tells a full last segment from a
		// full inner one.
		buf: make([]byte, 0, segSize+tagSize+1),
	}
	copy(sr.prefix[:], header[1+saltSize:])
	return sr, nil
}

type streamReader struct {
	aead     cipher.AEAD
	r        io.Reader
	ad       []byte
	prefix   [noncePrefixSize]byte
	segCT    int    // sealed size of a full segment
	counter  uint64 // index of the next segment to open
	buf      []byte // the segment being opened, read from r, plus one byte of look-ahead
	plain    []byte // opened plaintext not yet returned; aliases buf's array
	nonce    [nonceSize]byte
	ahead    byte // first byte of the next segment, read as look-ahead
	hasAhead bool
	done     bool  // the final segment was opened
	err      error // sticky
}

// Read implements io.Reader.
func (sr *streamReader) Read(p []byte) (int, error) {
	for len(sr.plain) == 0 {
		if sr.err != nil {
			return 0, sr.err
		}
		if sr.done {
			return 0, io.EOF
		}
		sr.err = sr.next()
	}
	n := copy(p, sr.plain)
	sr.plain = sr.plain[n:]
	return n, nil
}

// next reads and opens the next segment into sr.plain.
func (sr *streamReader) next() error {
	if sr.counter >= maxSegments {
		return fmt.Errorf("sealed: open stream: more than 2^32 segments: %w", ErrOpen)
	}
	// Fill buf to a full segment plus the look-ahead byte, or to the end of r.
	sr.buf = sr.buf[:cap(sr.buf)]
	n := 0
	if sr.hasAhead {
		sr.buf[0] = sr.ahead
		sr.hasAhead = false
		n = 1
	}
	eof := false
	for n < len(sr.buf) {
		m, err := sr.r.Read(sr.buf[n:])
		n += m
		if err == io.EOF {
			eof = true
			break
		}
		if err != nil {
			sr.buf = sr.buf[:n]
			return fmt.Errorf("sealed: open stream: read segment %d: %w", sr.counter, err)
		}
	}
	sr.buf = sr.buf[:n]
	last := eof // a segment followed by nothing is the last one
	seg := sr.buf
	if !last {
		seg = sr.buf[:sr.segCT]
	}
	if len(seg) < tagSize {
		return fmt.Errorf("sealed: open stream: segment %d is %d bytes, shorter than its tag (stream cut short): %w", sr.counter, len(seg), ErrOpen)
	}
	var ahead byte
	if !last {
		ahead = sr.buf[sr.segCT]
	}
	segmentNonce(&sr.nonce, sr.prefix[:], uint32(sr.counter), last)
	plain, err := sr.aead.Open(seg[:0], sr.nonce[:], seg, sr.ad)
	if err != nil {
		return fmt.Errorf("sealed: open stream: segment %d: %w", sr.counter, ErrOpen)
	}
	sr.counter++
	sr.plain = plain
	if last {
		sr.done = true
		return nil
	}
	// The look-ahead byte starts the next segment. plain occupies the front of buf, which is free
	// only once plain is consumed: keep the byte aside until then.
	sr.ahead, sr.hasAhead = ahead, true
	return nil
}
