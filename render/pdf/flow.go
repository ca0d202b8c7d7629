package pdf

import (
	"strings"
	"unicode/utf8"

	"github.com/postbud/postbud/render"
)

// ptMM is one typographic point in millimetres.
const ptMM = 25.4 / 72

// Vertical metrics of Liberation Sans (hhea), in em.
const (
	ascent  = 0.905
	descent = 0.212
)

// span is a run of text in one look: the unit line breaking works on.
type span struct {
	text  string
	style style
	color render.Color
	link  string
}

// piece is the part of a span that lands on one line.
type piece struct {
	span int
	text string
	w    float64 // mm
	// end is where text ends in the span's text when text is a substring of it ending there,
	// else -1: a piece that continues there extends text without copying.
	end int
}

// line is one laid-out line: pieces left to right and their total width.
type line struct {
	pieces []piece
	w      float64
}

// typesetter measures and breaks text for one document.
type typesetter struct {
	fonts *fonts
	// widthsOnly leaves the text of pieces empty: Preflight needs the lines' widths only.
	widthsOnly bool

	families [4]string // fonts.family of each style, once made
	word     []piece   // breakLines' word buffer, reused from call to call
}

// family is fonts.family(st), made once per style and document.
func (ts *typesetter) family(st style) string {
	if ts.families[st] == "" {
		ts.families[st] = ts.fonts.family(st)
	}
	return ts.families[st]
}

// measure returns the width of s in mm in the given style and size.
func (ts *typesetter) measure(s string, st style, size float64) float64 {
	f, _ := ts.fonts.set.face(st) // loaded and checked by chooseFonts
	return mm(f.width(s), size)
}

// mm converts a width in 1/1000 em at size points to mm, as measure does.
func mm(w int, size float64) float64 { return float64(w) * size / 1000 * ptMM }

// breakLines breaks spans set at size (points) into lines no wider than maxW mm. Lines break at
// spaces and at "\n"; a word is split only when it alone is wider than a line. Runs of spaces
// count as one, and spaces at the start and end of a line are dropped.
func (ts *typesetter) breakLines(spans []span, size, maxW float64) []line {
	var (
		lines   []line
		cur     line
		spaceAt = -1 // span of a pending space, -1 when none
		spaceOf = 0  // offset of that space in its span's text
		word    = ts.word[:0]
		wordW   float64
		spaceWs [4]float64 // width of a space by style; 0 until measured
	)
	const eps = 1e-9
	flushLine := func() {
		lines = append(lines, cur)
		cur = line{}
	}
	// add appends p to the current line, merging it into the line's last piece when that is of
	// the same span: without a copy when p's text follows the last piece's in the span's text.
	add := func(p piece) {
		if ts.widthsOnly {
			p.text, p.end = "", -1
		}
		n := len(cur.pieces)
		if n > 0 && cur.pieces[n-1].span == p.span {
			last := &cur.pieces[n-1]
			if src := spans[p.span].text; !ts.widthsOnly && last.end >= 0 && p.end >= 0 &&
				last.end+len(p.text) == p.end && last.end >= len(last.text) {
				last.text = src[last.end-len(last.text) : p.end]
				last.end = p.end
			} else {
				last.text += p.text
				last.end = -1
			}
			last.w += p.w
		} else {
			cur.pieces = append(cur.pieces, p)
		}
	}
	// addWord adds the pieces of a word, w wide in all.
	addWord := func(ps []piece, w float64) {
		for _, p := range ps {
			add(p)
		}
		cur.w += w
	}
	// splitWord places a word wider than a line, character by character.
	splitWord := func(ps []piece) {
		for _, p := range ps {
			sp := spans[p.span]
			at := p.end - len(p.text)
			for i, r := range p.text {
				rs := string(r) // U+FFFD for a byte that is not UTF-8
				end := -1
				if r != utf8.RuneError || strings.HasPrefix(p.text[i:], rs) {
					rs = p.text[i : i+utf8.RuneLen(r)]
					if p.end >= 0 {
						end = at + i + len(rs)
					}
				}
				w := ts.measure(rs, sp.style, size)
				if len(cur.pieces) > 0 && cur.w+w > maxW+eps {
					flushLine()
				}
				addWord([]piece{{span: p.span, text: rs, w: w, end: end}}, w)
			}
		}
	}
	spaceWidth := func(sp int) float64 {
		st := spans[sp].style
		if spaceWs[st] == 0 {
			spaceWs[st] = ts.measure(" ", st, size)
		}
		return spaceWs[st]
	}
	endWord := func() {
		if len(word) == 0 {
			return
		}
		var spaceW float64
		if len(cur.pieces) > 0 && spaceAt >= 0 {
			spaceW = spaceWidth(spaceAt)
		}
		switch {
		case len(cur.pieces) == 0 && wordW <= maxW+eps:
			addWord(word, wordW)
		case len(cur.pieces) > 0 && cur.w+spaceW+wordW <= maxW+eps:
			if spaceAt >= 0 {
				addWord([]piece{{span: spaceAt, text: " ", w: spaceW, end: spaceOf + 1}}, spaceW)
			}
			addWord(word, wordW)
		default:
			if len(cur.pieces) > 0 {
				flushLine()
			}
			if wordW <= maxW+eps {
				addWord(word, wordW)
			} else {
				splitWord(word)
			}
		}
		word, wordW, spaceAt = word[:0], 0, -1
	}
	for i, sp := range spans {
		text := sp.text
		f, _ := ts.fonts.set.face(sp.style) // loaded and checked by chooseFonts
		for len(text) > 0 {
			// The text up to the next space or line break and its width, in one pass.
			j, wu := f.wordWidth(text)
			if j != 0 {
				chunk := text[:j]
				w := mm(wu, size)
				word = append(word, piece{span: i, text: chunk, w: w, end: len(sp.text) - len(text) + len(chunk)})
				wordW += w
				if j == len(text) {
					break
				}
				text = text[j:]
				continue
			}
			r, n := utf8.DecodeRuneInString(text)
			at := len(sp.text) - len(text)
			text = text[n:]
			endWord()
			if r == '\n' {
				flushLine() // an empty line when the break follows another
				spaceAt = -1
				continue
			}
			if spaceAt < 0 {
				spaceAt, spaceOf = i, at
			}
		}
	}
	endWord()
	if len(cur.pieces) > 0 {
		flushLine()
	}
	ts.word = word[:0]
	return lines
}

// widestLine is the width of the widest line breakLines(spans, size, +Inf) makes: the same
// sums in the same order (so the very same number), without building the lines.
func (ts *typesetter) widestLine(spans []span, size float64) float64 {
	var (
		widest, curW, wordW float64
		curHas, inWord      bool // the line has a piece; a word is pending
		spaceAt             = -1
	)
	endWord := func() {
		if !inWord {
			return
		}
		if curHas && spaceAt >= 0 {
			curW += ts.measure(" ", spans[spaceAt].style, size)
		}
		curW += wordW
		curHas = true
		inWord, wordW, spaceAt = false, 0, -1
	}
	flushLine := func() {
		widest = max(widest, curW)
		curW, curHas = 0, false
	}
	for i, sp := range spans {
		text := sp.text
		f, _ := ts.fonts.set.face(sp.style) // loaded and checked by chooseFonts
		for len(text) > 0 {
			j, wu := f.wordWidth(text)
			if j != 0 {
				wordW += mm(wu, size)
				inWord = true
				if j == len(text) {
					break
				}
				text = text[j:]
				continue
			}
			r, n := utf8.DecodeRuneInString(text)
			text = text[n:]
			endWord()
			if r == '\n' {
				flushLine()
				spaceAt = -1
				continue
			}
			if spaceAt < 0 {
				spaceAt = i
			}
		}
	}
	endWord()
	if curHas {
		flushLine()
	}
	return widest
}
