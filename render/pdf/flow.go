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
}

// measure returns the width of s in mm in the given style and size.
func (ts *typesetter) measure(s string, st style, size float64) float64 {
	f, _ := ts.fonts.set.face(st) // loaded and checked by chooseFonts
	return float64(f.width(s)) * size / 1000 * ptMM
}

// breakLines breaks spans set at size (points) into lines no wider than maxW mm. Lines break at
// spaces and at "\n"; a word is split only when it alone is wider than a line. Runs of spaces
// count as one, and spaces at the start and end of a line are dropped.
func (ts *typesetter) breakLines(spans []span, size, maxW float64) []line {
	var (
		lines   []line
		cur     line
		spaceAt = -1 // span of a pending space, -1 when none
		word    []piece
		wordW   float64
	)
	const eps = 1e-9
	flushLine := func() {
		lines = append(lines, cur)
		cur = line{}
	}
	addPieces := func(ps []piece, w float64) {
		for _, p := range ps {
			n := len(cur.pieces)
			if ts.widthsOnly {
				p.text = ""
			}
			if n > 0 && cur.pieces[n-1].span == p.span {
				cur.pieces[n-1].text += p.text
				cur.pieces[n-1].w += p.w
			} else {
				cur.pieces = append(cur.pieces, p)
			}
		}
		cur.w += w
	}
	// splitWord places a word wider than a line, character by character.
	splitWord := func(ps []piece) {
		for _, p := range ps {
			sp := spans[p.span]
			for _, r := range p.text {
				rs := string(r)
				w := ts.measure(rs, sp.style, size)
				if len(cur.pieces) > 0 && cur.w+w > maxW+eps {
					flushLine()
				}
				addPieces([]piece{{span: p.span, text: rs, w: w}}, w)
			}
		}
	}
	endWord := func() {
		if len(word) == 0 {
			return
		}
		var spaceW float64
		if len(cur.pieces) > 0 && spaceAt >= 0 {
			spaceW = ts.measure(" ", spans[spaceAt].style, size)
		}
		switch {
		case len(cur.pieces) == 0 && wordW <= maxW+eps:
			addPieces(word, wordW)
		case len(cur.pieces) > 0 && cur.w+spaceW+wordW <= maxW+eps:
			if spaceAt >= 0 {
				addPieces([]piece{{span: spaceAt, text: " ", w: spaceW}}, spaceW)
			}
			addPieces(word, wordW)
		default:
			if len(cur.pieces) > 0 {
				flushLine()
			}
			if wordW <= maxW+eps {
				addPieces(word, wordW)
			} else {
				splitWord(word)
			}
		}
		word, wordW, spaceAt = word[:0], 0, -1
	}
	for i, sp := range spans {
		text := sp.text
		for len(text) > 0 {
			j := strings.IndexAny(text, " \n")
			if j != 0 {
				chunk := text
				if j > 0 {
					chunk = text[:j]
				}
				w := ts.measure(chunk, sp.style, size)
				word = append(word, piece{span: i, text: chunk, w: w})
				wordW += w
				if j < 0 {
					break
				}
				text = text[j:]
				continue
			}
			r, n := utf8.DecodeRuneInString(text)
			text = text[n:]
			endWord()
			if r == '\n' {
				flushLine() // an empty line when the break follows another
				spaceAt = -1
				continue
			}
			if spaceAt < 0 {
				spaceAt = i
			}
		}
	}
	endWord()
	if len(cur.pieces) > 0 {
		flushLine()
	}
	return lines
}
