package pdf

import (
	"errors"
	"fmt"
	"math"

	"github.com/postbud/postbud/render"
)

// PageLines returns, for each page Render would make of d, how many lines of text the letter's
// flow puts on it: the subject and the body (headings, lines of paragraphs and list items, each
// line of a table row, a table header repeated on a later page, the signature's lines). The
// letter parts of page 1 (letterhead, addresses, details), the running head and the footer are
// not counted. Lines set side by side, such as the cells of a table row, count once.
//
// It runs the very layout Render runs, so its pages are Render's, and it is for tools that judge
// a letter's layout (a last page holding only a line or two). Errors are Render's.
func PageLines(d *render.Document) ([]int, error) {
	if d == nil {
		return nil, errors.New("page lines: document is nil")
	}
	l, err := newLayout(d, nil)
	if err != nil {
		return nil, fmt.Errorf("page lines %q: %w", d.Meta.Title, err)
	}
	var counts []int
	l.trace = func(s *slice) {
		for len(counts) <= l.pages {
			counts = append(counts, 0)
		}
		if l.at.place == PlaceParts {
			return
		}
		texts := s.texts
		if h := l.head; h != nil && len(h.texts) > 0 && len(texts) >= len(h.texts) && sameTexts(texts[:len(h.texts)], h.texts) {
			texts = texts[len(h.texts):]
		}
		counts[l.pages] += distinctLines(texts)
	}
	_, pages, err := l.run()
	if err != nil {
		return nil, fmt.Errorf("page lines %q: %w", d.Meta.Title, err)
	}
	for len(counts) < pages {
		counts = append(counts, 0)
	}
	return counts[:pages], nil
}

// sameTexts reports whether a and b draw the same pieces at the same places.
func sameTexts(a, b []textOp) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// distinctLines counts the lines the texts are set on: pieces whose tops lie within a tenth of a
// millimetre of each other are on one line.
func distinctLines(texts []textOp) int {
	var tops []float64
next:
	for _, t := range texts {
		for _, y := range tops {
			if math.Abs(y-t.y) < 0.1 {
				continue next
			}
		}
		tops = append(tops, t.y)
	}
	return len(tops)
}
