package docx

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// buf is an append-only byte buffer for hand-written XML. Text and attribute values go through
// text and attr, which escape markup characters and drop what XML 1.0 forbids, so the result is
// always well-formed whatever the input.
type buf struct{ b []byte }

func (w *buf) raw(s string) { w.b = append(w.b, s...) }
func (w *buf) int(n int)    { w.b = strconv.AppendInt(w.b, int64(n), 10) }
func (w *buf) int64(n int64) {
	w.b = strconv.AppendInt(w.b, n, 10)
}

// text writes s as element content.
func (w *buf) text(s string) { w.b = appendEscaped(w.b, s, false) }

// attr writes s as an attribute value (inside double quotes); tabs and line breaks are kept as
// character references so attribute normalisation does not turn them into spaces.
func (w *buf) attr(s string) { w.b = appendEscaped(w.b, s, true) }

// appendEscaped appends s to b escaped for XML. Characters XML 1.0 does not allow (C0 controls
// other than tab, line feed and carriage return; U+FFFE, U+FFFF) are dropped and invalid UTF-8 is
// replaced by U+FFFD. In element content tab, line feed and carriage return are written as they
// are; callers that give them a meaning (w:tab, w:br) split them out before.
func appendEscaped(b []byte, s string, attr bool) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF {
				b = append(b, s[start:i]...)
				if r == utf8.RuneError {
					b = append(b, "\uFFFD"...)
				}
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		var esc string
		switch c {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\t':
			if attr {
				esc = "&#9;"
			}
		case '\n':
			if attr {
				esc = "&#10;"
			}
		case '\r':
			if attr {
				esc = "&#13;"
			}
		default:
			if c < 0x20 {
				esc = "" // forbidden in XML 1.0: drop
				b = append(b, s[start:i]...)
				i++
				start = i
				continue
			}
		}
		if esc != "" {
			b = append(b, s[start:i]...)
			b = append(b, esc...)
			start = i + 1
		}
		i++
	}
	return append(b, s[start:]...)
}

// Units: the model is in millimetres and points; WordprocessingML uses twentieths of a point
// (twips), half-points for font sizes, eighths of a point for borders and EMUs for drawings.

func twips(mm float64) int { return int(math.Round(mm * 1440 / 25.4)) }

func emu(mm float64) int64 { return int64(math.Round(mm * 36000)) }

func halfPoints(pt float64) int {
	hp := int(math.Round(pt * 2))
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
