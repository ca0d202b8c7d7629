package sealed

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testKey is a fixed key whose base64 form is easy to look for in output.
func testKey(fill byte) Key {
	var k Key
	for i := range k {
		k[i] = fill + byte(i)
	}
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := testKey(1)
	tests := []struct {
		name      string
		plaintext []byte
		ad        []byte
	}{
		{"empty plaintext, no AD", nil, nil},
		{"case data with letter id", []byte(`{"cpr":"0101701234","name":"Jens Hansen"}`), []byte("01JD3YQ2Z8")},
		{"one megabyte", bytes.Repeat([]byte("æøå"), 1<<20/6), []byte("x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Seal(k, tt.plaintext, tt.ad)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(s), len(tt.plaintext)+Overhead; got != want {
				t.Errorf("sealed length %d, want %d", got, want)
			}
			if s[0] != version {
				t.Errorf("version byte %d, want %d", s[0], version)
			}
			if len(tt.plaintext) > 8 && bytes.Contains(s, tt.plaintext[:8]) {
				t.Error("sealed message contains plaintext")
			}
			got, err := Open(k, s, tt.ad)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.plaintext, got, cmpEmpty); diff != "" {
				t.Errorf("Open(Seal(p)) (-want +got):\n%s", diff)
			}
		})
	}
}

func testKeyHex(fill byte) string {
	k := testKey(fill)
	return hex.EncodeToString(k[:])
}

var cmpEmpty = cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })

func TestSealUsesFreshNonces(t *testing.T) {
	k := testKey(1)
	seen := map[string]bool{}
	for range 1000 {
		s, err := Seal(k, []byte("same"), []byte("ad"))
		if err != nil {
			t.Fatal(err)
		}
		n := string(s[1 : 1+nonceSize])
		if seen[n] {
			t.Fatal("nonce repeated within 1000 seals")
		}
		seen[n] = true
	}
}

func TestOpenRejects(t *testing.T) {
	k := testKey(1)
	plain, ad := []byte("Jens Hansen, 0101701234"), []byte("letter-1")
	s, err := Seal(k, plain, ad)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		c := bytes.Clone(s)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name   string
		key    Key
		sealed []byte
		ad     []byte
		want   string // substring of the error
	}{
		{"wrong key", testKey(2), s, ad, "failed authentication"},
		{"wrong additional data", k, s, []byte("letter-2"), "failed authentication"},
		{"missing additional data", k, s, nil, "failed authentication"},
		{"flipped nonce byte", k, flip(1), ad, "failed authentication"},
		{"flipped ciphertext byte", k, flip(1 + nonceSize + 3), ad, "failed authentication"},
		{"flipped tag byte", k, flip(len(s) - 1), ad, "failed authentication"},
		{"unknown version", k, flip(0), ad, "unknown format version 0"},
		{"truncated", k, s[:len(s)-1], ad, "failed authentication"},
		{"too short", k, s[:Overhead-1], ad, "shorter than the 29-byte minimum"},
		{"empty", k, nil, ad, "message is 0 bytes"},
		{"appended byte", k, append(bytes.Clone(s), 0), ad, "failed authentication"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Open(tt.key, tt.sealed, tt.ad)
			if err == nil {
				t.Fatalf("Open succeeded with %q; want an error", got)
			}
			if !errors.Is(err, ErrOpen) {
				t.Errorf("error %v does not wrap ErrOpen", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if got != nil {
				t.Errorf("Open returned %d bytes with its error", len(got))
			}
		})
	}
	// Every single-bit change anywhere is caught.
	for i := range s {
		for bit := range 8 {
			c := bytes.Clone(s)
			c[i] ^= 1 << bit
			if _, err := Open(k, c, ad); err == nil {
				t.Fatalf("flipping bit %d of byte %d went unnoticed", bit, i)
			}
		}
	}
}

func TestParseKey(t *testing.T) {
	var k Key
	for i := range k {
		k[i] = [3]byte{0xFB, 0xFF, 0xBF}[i%3] // "+/+/" in the standard alphabet, "-_-_" in the URL one
	}
	raw := k[:]
	tests := []struct {
		name string
		in   string
	}{
		{"standard", base64.StdEncoding.EncodeToString(raw)},
		{"standard without padding", base64.RawStdEncoding.EncodeToString(raw)},
		{"URL", base64.URLEncoding.EncodeToString(raw)},
		{"URL without padding", base64.RawURLEncoding.EncodeToString(raw)},
		{"surrounding white space and newline", "  " + base64.StdEncoding.EncodeToString(raw) + "\n"},
	}
	// The key must hold both '+'/'/' and '-'/'_' forms to tell the alphabets apart.
	if std := base64.StdEncoding.EncodeToString(raw); !strings.ContainsAny(std, "+/") {
		t.Fatalf("test key %s has no alphabet-specific characters", std)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKey(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != k {
				t.Error("ParseKey gave another key")
			}
		})
	}
	if got, err := ParseKey(k.Encode()); err != nil || got != k {
		t.Errorf("ParseKey(k.Encode()) = other key or %v", err)
	}
}

func TestParseKeyErrorsNeverEchoKey(t *testing.T) {
	secret31 := bytes.Repeat([]byte{0xC3, 0x7E, 0x91}, 11)[:31]
	secret33 := append(bytes.Repeat([]byte{0x5A, 0xE1, 0x0F}, 11)[:32], 0x42)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", "key is empty"},
		{"blank", " \n\t", "key is empty"},
		{"31 bytes", base64.StdEncoding.EncodeToString(secret31), "decodes to 31 bytes, want 32"},
		{"33 bytes", base64.StdEncoding.EncodeToString(secret33), "decodes to 33 bytes, want 32"},
		{"hex instead of base64", testKeyHex(0x10), "decodes to 48 bytes, want 32"},
		{"not base64", "Tr0ub4dor&3-correct!horse~battery$staple#9", "not valid base64"},
		{"mixed alphabets", "ab+/cd-_" + strings.Repeat("QUJD", 9), "not valid base64"},
		{"bad padding", testKey(3).Encode() + "==", "not valid base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseKey(tt.in)
			if err == nil {
				t.Fatal("ParseKey succeeded; want an error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not say %q", msg, tt.want)
			}
			assertNoEcho(t, msg, strings.TrimSpace(tt.in))
		})
	}
}

// assertNoEcho fails when msg contains any 6-character run of secret.
func assertNoEcho(t *testing.T, msg, secret string) {
	t.Helper()
	for i := 0; i+6 <= len(secret); i++ {
		if strings.Contains(msg, secret[i:i+6]) {
			t.Fatalf("error %q repeats key material %q", msg, secret[i:i+6])
		}
	}
}

func TestKeyNeverPrinted(t *testing.T) {
	k := testKey(0x41) // bytes 'A', 'B', ... so a raw dump would show letters
	b64, hx := k.Encode(), hex.EncodeToString(k[:])
	var out strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%q"} {
		fmt.Fprintf(&out, verb+"\n", k)
		fmt.Fprintf(&out, verb+"\n", &k)
	}
	fmt.Fprintln(&out, k, []Key{k}, struct{ K Key }{k})
	slog.New(slog.NewJSONHandler(&out, nil)).Info("key", "key", k)
	slog.New(slog.NewTextHandler(&out, nil)).Info("key", "key", k)
	s := out.String()
	for _, secret := range []string{b64[:12], hx[:12], "ABCDEFGH", "65 66 67", "[65"} {
		if strings.Contains(s, secret) {
			t.Fatalf("formatted key shows %q:\n%s", secret, s)
		}
	}
	if !strings.Contains(s, "sealed.Key(redacted)") {
		t.Errorf("formatted key does not say it is redacted:\n%s", s)
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "keys") // missing folders are created
	path := filepath.Join(dir, "postbud.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if k1 == (Key{}) {
		t.Fatal("created key is all zeros")
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if k1 != k2 {
		t.Fatal("second LoadOrCreateKey gave another key")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("key file mode %v, want 0600", got)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := di.Mode().Perm(); got != 0o700 {
		t.Errorf("created key folder mode %v, want 0700", got)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if k, err := ParseKey(string(text)); err != nil || k != k1 {
		t.Errorf("key file does not hold the key as base64 text: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("key folder holds %d entries, want only the key (no temporary files)", len(entries))
	}
	// Someone else's sealed data opens with the reloaded key.
	s, _ := Seal(k1, []byte("x"), nil)
	if _, err := Open(k2, s, nil); err != nil {
		t.Error(err)
	}
}

func TestLoadOrCreateKeyConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "postbud.key")
	const n = 16
	keys := make([]Key, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], errs[i] = LoadOrCreateKey(path) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if keys[i] != keys[0] {
			t.Fatalf("caller %d got another key than caller 0", i)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("key folder holds %d entries, want only the key", len(entries))
	}
}

func TestLoadOrCreateKeyBadFile(t *testing.T) {
	dir := t.TempDir()
	secret := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x9C, 0x3D}, 12)) // 24 bytes
	tests := []struct {
		name, content, want string
	}{
		{"wrong length", secret, "decodes to 24 bytes, want 32"},
		{"empty file", "", "key is empty"},
		{"not base64", "correct horse battery staple " + secret, "not valid base64"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("bad%d.key", i))
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadOrCreateKey(path)
			if err == nil {
				t.Fatal("LoadOrCreateKey accepted a bad key file")
			}
			msg := err.Error()
			for _, want := range []string{path, tt.want, "delete the file"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			assertNoEcho(t, msg, tt.content)
			got, _ := os.ReadFile(path)
			if string(got) != tt.content {
				t.Error("a bad key file was overwritten")
			}
		})
	}
	// A folder where the key should be is an error, not a new key.
	if _, err := LoadOrCreateKey(dir); err == nil {
		t.Error("LoadOrCreateKey on a folder succeeded")
	}
}

func FuzzOpen(f *testing.F) {
	k := testKey(7)
	s, _ := Seal(k, []byte("seed plaintext"), []byte("ad"))
	f.Add(s, []byte("ad"))
	f.Add([]byte{}, []byte{})
	f.Add([]byte{1}, []byte("ad"))
	f.Fuzz(func(t *testing.T, sealed, ad []byte) {
		plain, err := Open(k, sealed, ad)
		if err == nil {
			// Only a genuine message opens: the seed (sealed afresh, with another nonce, in each
			// fuzzing process) with its additional data.
			if !bytes.Equal(ad, []byte("ad")) || string(plain) != "seed plaintext" {
				t.Fatalf("forged message opened: %q", plain)
			}
		}
	})
}

func FuzzParseKey(f *testing.F) {
	f.Add(testKey(1).Encode())
	f.Add("")
	f.Add("====")
	f.Add(strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(testKey(200).Encode()), "="))
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err != nil {
			if k != (Key{}) {
				t.Fatal("ParseKey returned a key with its error")
			}
			assertNoEcho(t, err.Error(), strings.TrimSpace(s))
			return
		}
		if k2, err := ParseKey(k.Encode()); err != nil || k2 != k {
			t.Fatalf("Encode/ParseKey round trip failed: %v", err)
		}
	})
}

func BenchmarkSeal(b *testing.B) {
	k := testKey(1)
	p := bytes.Repeat([]byte("x"), 2048) // a typical case-data payload
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, err := Seal(k, p, []byte("01JD3YQ2Z8")); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	k := testKey(1)
	p := bytes.Repeat([]byte("x"), 2048)
	s, _ := Seal(k, p, []byte("01JD3YQ2Z8"))
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, err := Open(k, s, []byte("01JD3YQ2Z8")); err != nil {
			b.Fatal(err)
		}
	}
}
