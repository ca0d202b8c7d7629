package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
)

// Key is a 32-byte AES-256 key. Printing a Key with any fmt verb or logging it with slog shows
// "sealed.Key(redacted)", never the bytes.
type Key [32]byte

// version is the first byte of every sealed message; it names the format that follows.
const version byte = 1

const (
	nonceSize = 12
	tagSize   = 16
	// Overhead is how many bytes Seal adds to the plaintext: version byte, nonce and GCM tag.
	Overhead = 1 + nonceSize + tagSize
)

// ErrOpen is returned (wrapped) by Open when a message fails authentication: it was altered, sealed
// with another key, or sealed with other additional data. The causes cannot be told apart, by design.
var ErrOpen = errors.New("sealed: message failed authentication (altered, other key, or other additional data)")

// NewKey returns a fresh random key.
func NewKey() (Key, error) {
	var k Key
	if _, err := rand.Read(k[:]); err != nil {
		return Key{}, fmt.Errorf("sealed: generate key: %w", err)
	}
	return k, nil
}

// ParseKey reads a key written as base64 (standard or URL alphabet, with or without padding) of
// exactly 32 bytes. Surrounding white space is ignored. The error says what is wrong (not base64,
// wrong length) but never repeats the input.
func ParseKey(s string) (Key, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Key{}, errors.New("sealed: key is empty; want base64 of 32 random bytes (e.g. `openssl rand -base64 32`)")
	}
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		raw, err = enc.DecodeString(s)
		if err == nil {
			break
		}
	}
	if err != nil {
		// Do not wrap the decoder's error: keep the message free of anything derived from the key
		// beyond its length.
		return Key{}, fmt.Errorf("sealed: key (%d characters) is not valid base64 in the standard or URL alphabet; want base64 of 32 random bytes (e.g. `openssl rand -base64 32`)", len(s))
	}
	if len(raw) != len(Key{}) {
		clear(raw)
		return Key{}, fmt.Errorf("sealed: key decodes to %d bytes, want 32 (AES-256); generate one with `openssl rand -base64 32`", len(raw))
	}
	var k Key
	copy(k[:], raw)
	clear(raw)
	return k, nil
}

// Encode returns k as standard base64 with padding, the form ParseKey reads and LoadOrCreateKey
// writes. It is the only way to get the key's bytes as text; keep its result out of logs.
func (k Key) Encode() string { return base64.StdEncoding.EncodeToString(k[:]) }

// Format implements fmt.Formatter so that no verb prints the key's bytes.
func (k Key) Format(f fmt.State, verb rune) { f.Write([]byte("sealed.Key(redacted)")) }

// LogValue implements slog.LogValuer so that a logged key shows as redacted.
func (k Key) LogValue() slog.Value { return slog.StringValue("sealed.Key(redacted)") }

// lastAEAD caches the AEAD of the last key used: a process seals and opens with one key, and
// setting up AES-GCM for every message costs more than sealing a small one. cipher.AEAD values
// from cipher.NewGCM are safe for concurrent use.
var lastAEAD atomic.Pointer[keyedAEAD]

type keyedAEAD struct {
	k Key
	a cipher.AEAD
}

func (k Key) aead() (cipher.AEAD, error) {
	if c := lastAEAD.Load(); c != nil && subtle.ConstantTimeCompare(c.k[:], k[:]) == 1 {
		return c.a, nil
	}
	g, err := k.newAEAD()
	if err != nil {
		return nil, err
	}
	lastAEAD.Store(&keyedAEAD{k: k, a: g})
	return g, nil
}

func (k Key) newAEAD() (cipher.AEAD, error) {
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, fmt.Errorf("sealed: %w", err)
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sealed: %w", err)
	}
	return g, nil
}

// Seal encrypts and authenticates plaintext with AES-256-GCM under k, binding additionalData (which
// is authenticated, not stored). The result is a version byte, a random 12-byte nonce and the
// ciphertext with its tag: len(plaintext)+Overhead bytes. Random nonces are safe for up to 2^32
// messages per key.
func Seal(k Key, plaintext, additionalData []byte) ([]byte, error) {
	g, err := k.aead()
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+nonceSize, len(plaintext)+Overhead)
	out[0] = version
	if _, err := rand.Read(out[1 : 1+nonceSize]); err != nil {
		return nil, fmt.Errorf("sealed: draw nonce: %w", err)
	}
	return g.Seal(out, out[1:1+nonceSize], plaintext, additionalData), nil
}

// Open checks and decrypts a message made by Seal with the same key and additional data. A message
// that was altered, sealed with another key or with other additional data gives an error wrapping
// ErrOpen; a message too short or of an unknown version gives a descriptive error. Open never panics.
func Open(k Key, sealed, additionalData []byte) ([]byte, error) {
	if len(sealed) < Overhead {
		return nil, fmt.Errorf("sealed: open: message is %d bytes, shorter than the %d-byte minimum: %w", len(sealed), Overhead, ErrOpen)
	}
	if sealed[0] != version {
		return nil, fmt.Errorf("sealed: open: unknown format version %d (this build reads version %d): %w", sealed[0], version, ErrOpen)
	}
	g, err := k.aead()
	if err != nil {
		return nil, err
	}
	plain, err := g.Open(nil, sealed[1:1+nonceSize], sealed[1+nonceSize:], additionalData)
	if err != nil {
		return nil, fmt.Errorf("sealed: open: %w", ErrOpen)
	}
	return plain, nil
}
