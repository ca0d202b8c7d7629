package markdown

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// escapeRuneByRune is Escape as first written, one rune at a time: the reference the faster
// Escape (which copies runs of plain ASCII at once) must agree with.
func escapeRuneByRune(s string) string {
	s = sanitize(s)
	var b strings.Builder
	space := false
	last := len(strings.TrimRightFunc(s, isSpace))
	for i, r := range s {
		if isSpace(r) {
			space = true
			continue
		}
		if space {
			if b.Len() == 0 {
				b.WriteString("&#32;")
			} else {
				b.WriteByte(' ')
			}
			space = false
		}
		switch {
		case r < 0x80 && util.IsPunct(byte(r)):
			b.WriteByte('\\')
			b.WriteRune(r)
		case (b.Len() == 0 || i+utf8.RuneLen(r) == last) && unicode.IsSpace(r):
			b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
		default:
			b.WriteRune(r)
		}
	}
	if space {
		b.WriteString("&#32;")
	}
	return b.String()
}

func TestEscapeAgreesRuneByRune(t *testing.T) {
	inputs := []string{"", " ", "a", " a ", "\u00a0x\u00a0", "x\u2028", "Søren Ærbø-Møller, 2. th.", "**x** [y](z) `c` <b> &amp; #1",
		"a\x00b\xffc", "tab\there\r\nnew  line\v\f", "\u00a0", "é", "1.234,50 kr.", "\x01\x7f"}
	alphabet := []string{"a", "Z", "9", " ", "\t", "\n", ".", "\\", "*", "_", "&", "#", "ø", "\u00a0", "\u202f", "\u2028", "\x00", "\xff", "\xc3", "€", "\x01"}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for n := rng.Intn(12); n > 0; n-- {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	for _, s := range inputs {
		if got, want := Escape(s), escapeRuneByRune(s); got != want {
			t.Errorf("Escape(%q) = %q, rune by rune %q", s, got, want)
		}
	}
}

// decodeBytewise is decode as it was, byte by byte, for TestDecodeSameAsBytewise.
func decodeBytewise(v []byte) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		ch := v[i]
		switch {
		case ch == '\\' && i+1 < len(v) && util.IsPunct(v[i+1]):
			b.WriteByte(v[i+1])
			i++
			continue
		case ch == '&':
			if r, n, ok := charRef(v[i:]); ok {
				b.WriteString(r)
				i += n - 1
				continue
			}
		}
		b.WriteByte(ch)
	}
	return sanitize(b.String())
}

// TestDecodeSameAsBytewise compares decode with the byte-by-byte loop it replaced on every text
// of up to 6 characters from an alphabet of backslashes, ampersands, references and text.
func TestDecodeSameAsBytewise(t *testing.T) {
	parts := []string{`\`, `&`, `a`, `*`, `&amp;`, `&#65;`, `&#x1F;`, `;`, `#`, "\x00", "æ"}
	var walk func(s string, n int)
	walk = func(s string, n int) {
		if got, want := decode([]byte(s)), decodeBytewise([]byte(s)); got != want {
			t.Fatalf("decode(%q) = %q, byte by byte %q", s, got, want)
		}
		if n == 6 {
			return
		}
		for _, p := range parts {
			walk(s+p, n+1)
		}
	}
	walk("", 0)
}
