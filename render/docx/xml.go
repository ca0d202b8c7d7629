package docx

import (
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// buf is an append-only byte buffer for hand-written XML. Text and attribute values go through
// text and attr, which escape markup characters and drop what XML 1.0 forbids, so the result is
// always well-formed whatever the input.
//
// Its methods append by re-slicing b in place (b = b[:n]) and copying, rather than by assigning
// append's result: when there is room, which is nearly always, that stores only the length. A
// slice pointer stored into the heap costs a write barrier while the garbage collector marks, and
// XML is written a few bytes at a time.
type buf struct{ b []byte }

func (w *buf) raw(s string) {
	n := len(w.b)
	if cap(w.b)-n < len(s) {
		w.grow(len(s))
	}
	w.b = w.b[:n+len(s)]
	copy(w.b[n:], s)
}

func (w *buf) bytes(s []byte) {
	n := len(w.b)
	if cap(w.b)-n < len(s) {
		w.grow(len(s))
	}
	w.b = w.b[:n+len(s)]
	copy(w.b[n:], s)
}

// grow makes room for n more bytes. It is kept out of line: the callers' fast path stays short.
//
//go:noinline
func (w *buf) grow(n int) { w.b = slices.Grow(w.b, n) }

func (w *buf) int(n int) { w.int64(int64(n)) }

func (w *buf) int64(n int64) {
	var digits [20]byte
	w.bytes(strconv.AppendInt(digits[:0], n, 10))
}

// text writes s as element content.
func (w *buf) text(s string) { w.escape(s, false) }

// attr writes s as an attribute value (inside double quotes); tabs and line breaks are kept as
// character references so attribute normalisation does not turn them into spaces.
func (w *buf) attr(s string) { w.escape(s, true) }

// escape appends s escaped for XML. Characters XML 1.0 does not allow (C0 controls
// other than tab, line feed and carriage return; U+FFFE, U+FFFF) are dropped and invalid UTF-8 is
// replaced by U+FFFD. In element content tab, line feed and carriage return are written as they
// are; callers that give them a meaning (w:tab, w:br) split them out before.
//
// Runs of bytes that need nothing are copied in one piece. They are found eight bytes at a time
// while the text is plain ASCII, then byte by byte for the next eight, where the common two-byte
// UTF-8 sequences (Latin letters such as æ, ø, å) are checked inline and other non-ASCII
// through utf8.
func (w *buf) escape(s string, attr bool) {
	tab := &escText
	if attr {
		tab = &escAttr
	}
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && plainWord(load64(s, i)) {
			i += 8
		}
		// Byte by byte to the end of these eight (or a little past, within a sequence).
		for end := min(i+8, len(s)); i < end; {
			c := s[i]
			if c < utf8.RuneSelf {
				if e := tab[c]; e != escNone {
					w.raw(s[start:i])
					if e != escDrop {
						w.raw(escapes[e])
					}
					start = i + 1
				}
				i++
				continue
			}
			if c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 { // valid two-byte sequence
				i += 2
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF {
				w.raw(s[start:i])
				if r == utf8.RuneError {
					w.raw("\uFFFD")
				}
				start = i + size
			}
			i += size
		}
	}
	w.raw(s[start:])
}

// plainWord reports whether the 8 bytes of x are all ASCII that needs no escaping: no control
// character, no &, <, > or ", nothing from 0x80 up. It tests all eight at once (SWAR): a byte
// below 0x20 is one that borrows when 0x20 is subtracted from every byte, and a byte equal to c
// one that x^c has zero; setting bit 2 first folds " (0x22) onto & (0x26), and bit 1 < (0x3C)
// onto > (0x3E).
func plainWord(x uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	amp := (x | ones*0x04) ^ (ones * '&')
	gt := (x | ones*0x02) ^ (ones * '>')
	return (x|(x-ones*0x20)&^x|(amp-ones)&^amp|(gt-ones)&^gt)&high == 0
}

// load64 returns the 8 bytes of s from i as a little-endian word (one load on amd64 and arm64).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// What escape does with an ASCII byte: keep it (escNone), drop it (escDrop) or write
// escapes[code].
const (
	escNone = iota
	escDrop
	escAmp
	escLt
	escGt
	escQuot
	escTab
	escLF
	escCR
)

var escapes = [...]string{escAmp: "&amp;", escLt: "&lt;", escGt: "&gt;", escQuot: "&quot;", escTab: "&#9;", escLF: "&#10;", escCR: "&#13;"}

// escText and escAttr map ASCII bytes to their escape code in element content and in attribute
// values.
var escText, escAttr = func() (text, attr [utf8.RuneSelf]uint8) {
	for c := range 0x20 {
		text[c], attr[c] = escDrop, escDrop // forbidden in XML 1.0
	}
	text['\t'], text['\n'], text['\r'] = escNone, escNone, escNone
	attr['\t'], attr['\n'], attr['\r'] = escTab, escLF, escCR
	for _, t := range []*[utf8.RuneSelf]uint8{&text, &attr} {
		t['&'], t['<'], t['>'], t['"'] = escAmp, escLt, escGt, escQuot
	}
	return text, attr
}()

// Units: the model is in millimetres and points; WordprocessingML uses twentieths of a point
// (twips), half-points for font sizes, eighths of a point for borders and EMUs for drawings.

func twips(mm float64) int { return int(math.Round(mm * 1440 / 25.4)) }

func emu(mm float64) int64 { return int64(math.Round(mm * 36000)) }

// halfPoints is pt in the half points WordprocessingML sizes text in, rounded down: a size
// between two half points (render/pdf's 9.9 pt tables at an 11 pt body) is set at the one below,
// so that a line the PDF fits never grows too wide for its column.
func halfPoints(pt float64) int {
	hp := int(math.Floor(pt*2 + 1e-9))
	if hp < 2 {
		hp = 2
	}
	return hp
}

const hexDigits = "0123456789ABCDEF"

// hexColor returns the colour as the six hex digits WordprocessingML expects.
func hexColor(r, g, b uint8) string {
	return string([]byte{
		hexDigits[r>>4], hexDigits[r&15], hexDigits[g>>4], hexDigits[g&15], hexDigits[b>>4], hexDigits[b&15],
	})
}
