package markdown

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// Escape returns s such that Blocks renders it as exactly that text (any run of white space,
// including newlines, becomes one space), wherever it is inserted: a paragraph, a heading,
// a list item, a table cell, between ** markers, at the start of a line.
//
// Every ASCII punctuation character is backslash-escaped, as CommonMark allows, so that no
// character of s can start emphasis, a link, an image, HTML, a heading, a list, a table cell,
// a code span or a character reference. Runs of white space (space, tab, CR, LF, VT, FF) become
// one space; a run at the very start or end of s is written as the character reference &#32;,
// so that "**" + Escape(" x") + "**" is still bold and a value ending a line never makes a hard
// line break. As at any block boundary, a space at the start or end of a paragraph, heading,
// list item or table cell is not shown. No-break spaces (U+00A0, U+202F) are kept. Invalid
// UTF-8 and NUL become U+FFFD. Escape("") is "".
//
// Other Unicode white space at the start or end of s, such as U+00A0 or U+2028, is written as a
// numeric character reference, for the same reason as &#32;.
func Escape(s string) string {
	s = sanitize(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	space := false
	last := len(strings.TrimRightFunc(s, isSpace)) // where the trailing white space starts
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && isSpace(rune(c)) {
			space = true
			i++
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
		if c < utf8.RuneSelf {
			if util.IsPunct(c) {
				b.WriteByte('\\')
				b.WriteByte(c)
				i++
				continue
			}
			// A run of ASCII letters, digits and control characters is written as it is. (ASCII
			// white space is isSpace's, so the edge rule below never applies to ASCII.)
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && !isSpace(rune(s[j])) && !util.IsPunct(s[j]) {
				j++
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (b.Len() == 0 || i+n == last) && unicode.IsSpace(r) {
			// Other white space at an edge, such as a no-break space, would stop "**" next
			// to it from making bold; a character reference does not.
			b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
		} else {
			b.WriteString(s[i : i+n]) // valid UTF-8 after sanitize: the rune's own bytes
		}
		i += n
	}
	if space {
		b.WriteString("&#32;")
	}
	return b.String()
}
