package markdown

import (
	"strings"

	"github.com/postbud/postbud/render"
)

// piece is text in one style as the Markdown gave it, or a hard line break.
type piece struct {
	text string
	st   style
	brk  bool
}

// runs collects the inline text of one block and turns it into render runs: white space
// collapsed as a reader sees it, no white space at the start or end of the block or around a
// hard line break, adjacent runs of the same style merged, no empty runs.
type runs struct {
	pieces []piece
}

// add appends text in style st; "\n" on its own is a hard line break.
func (rs *runs) add(text string, st style) {
	if text == "\n" {
		rs.pieces = append(rs.pieces, piece{st: st, brk: true})
		return
	}
	if text != "" {
		rs.pieces = append(rs.pieces, piece{text: text, st: st})
	}
}

// addRun appends a render run, whose "\n" are hard line breaks.
func (rs *runs) addRun(r render.Run) {
	st := style{bold: r.Bold, italic: r.Italic, link: r.Link}
	for i, part := range strings.Split(r.Text, "\n") {
		if i > 0 {
			rs.add("\n", st)
		}
		rs.add(part, st)
	}
}

func (rs *runs) len() int { return len(rs.pieces) }

// textSince returns the text added since mark, without white space.
func (rs *runs) textSince(mark int) string {
	var b strings.Builder
	for _, p := range rs.pieces[mark:] {
		b.WriteString(strings.Map(func(r rune) rune {
			if isSpace(r) {
				return -1
			}
			return r
		}, p.text))
	}
	return b.String()
}

// spaceLen is the length of the white space at the start of t.
func spaceLen(t string) int {
	i := 0
	for i < len(t) && isSpace(rune(t[i])) {
		i++
	}
	return i
}

// wordLen is the length of the text before the first white space in t.
func wordLen(t string) int {
	i := 0
	for i < len(t) && !isSpace(rune(t[i])) {
		i++
	}
	return i
}

// isSpace reports white space as Markdown knows it; no-break spaces are text.
func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// clean reports whether t is words separated by single spaces, with no other white space: the
// text finish makes of it is then t itself.
func clean(t string) bool {
	if t == "" || isSpace(rune(t[0])) || isSpace(rune(t[len(t)-1])) {
		return false
	}
	for i := 1; i < len(t); i++ {
		if c := t[i]; c != ' ' && isSpace(rune(c)) || c == ' ' && t[i-1] == ' ' {
			return false
		}
	}
	return true
}

func (rs *runs) finish() []render.Run {
	if len(rs.pieces) == 1 && !rs.pieces[0].brk && clean(rs.pieces[0].text) {
		// The common case of a table cell or a one-line paragraph: no copy.
		p := rs.pieces[0]
		return []render.Run{{Text: p.text, Bold: p.st.bold, Italic: p.st.italic, Link: p.st.link}}
	}
	rest := 0 // an upper bound of the length of the text still to come, so that a run grows once
	for _, p := range rs.pieces {
		rest += len(p.text) + 1
	}
	var (
		out      []render.Run
		cur      strings.Builder
		curSt    style
		have     bool // cur holds a run in curSt
		pending  bool // white space seen and not yet written
		pendSt   style
		lineHead = true // nothing written since the start or the last hard break
	)
	flush := func() {
		if have && cur.Len() > 0 {
			out = append(out, render.Run{Text: cur.String(), Bold: curSt.bold, Italic: curSt.italic, Link: curSt.link})
		}
		cur.Reset()
		have = false
	}
	emit := func(s string, st style) {
		if !have || st != curSt {
			flush()
			curSt, have = st, true
		}
		if cur.Cap() == 0 {
			cur.Grow(rest)
		}
		cur.WriteString(s)
	}
	// Hard breaks wait until text follows them, so that none ends a block.
	breaks := 0
	var breakSt style
	for _, p := range rs.pieces {
		if p.brk {
			if !lineHead || breaks > 0 {
				if breaks == 0 {
					breakSt = p.st
				}
				breaks++
			}
			pending, lineHead = false, true
			continue
		}
		t := p.text
		for len(t) > 0 {
			if n := spaceLen(t); n > 0 {
				if !lineHead && (!pending || weight(p.st) < weight(pendSt)) {
					// White space across a change of style goes with the plainest style,
					// so that "**x** y" and "**x **y" both keep the space out of the bold.
					pending, pendSt = true, p.st
				}
				t = t[n:]
				continue
			}
			n := wordLen(t)
			for ; breaks > 0; breaks-- {
				emit("\n", breakSt)
			}
			if pending {
				emit(" ", pendSt)
				pending = false
			}
			emit(t[:n], p.st)
			t = t[n:]
			lineHead = false
		}
		rest -= len(p.text) + 1
	}
	flush()
	return out
}

// weight orders styles from plain to most formatted.
func weight(st style) int {
	w := 0
	if st.link != "" {
		w += 4
	}
	if st.bold {
		w += 2
	}
	if st.italic {
		w++
	}
	return w
}
