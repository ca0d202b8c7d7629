package pdf

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/postbud/postbud/render"
)

// The recipient address in the envelope window and the information block beside it.
const (
	addressLeading = 1.25  // line height / size of the address lines
	addressIndent  = 3.0   // mm: the continuation lines of a wrapped address line are indented
	addressStep    = 0.25  // pt: the address block is set smaller by this much at a time
	infoBlockX     = 125.0 // mm from the page's left edge: DIN 5008 form B's information block
	infoBlockW     = 75.0  // mm: its width in DIN 5008 (125 to 200 mm on A4)
	infoEdge       = 10.0  // mm it keeps from the page's right edge at least
	infoGap        = 8.0   // mm at least between the window and the information block
	infoMinW       = 35.0  // mm: a narrower information block goes below the window instead
)

// infoBlock is where the information block (the details) goes beside the envelope window, in
// the content area's coordinates: from infoBlockX mm from the page's left edge, whatever the
// margins (or infoGap right of a window that reaches further), to the text area's right edge;
// where that leaves it less than DIN 5008's infoBlockW, as far as infoBlockW, up to infoEdge from
// the page's right edge (a wide right margin keeps the body's lines short; the information
// block's short entries need not wrap for it). A width below infoMinW means there is no room.
func (l *layout) infoBlock() (x, w float64) {
	x = max(infoBlockX-l.page.Left, l.win.X-l.page.Left+l.win.Width+infoGap)
	w = l.contentW - x
	if w < infoBlockW {
		w = max(w, min(infoBlockW, l.page.Width-infoEdge-l.page.Left-x))
	}
	return x, w
}

// addrLine is one line of the recipient address as set in the envelope window.
type addrLine struct {
	text string
	w    float64 // mm
	from int     // the index of the address line (Document.Recipient) it belongs to
	cont bool    // it continues that line, indented by addressIndent
}

// addressBlock is the recipient address as set in the envelope window: every line at one size.
type addressBlock struct {
	size  float64 // pt
	lh    float64 // line height, mm
	lines []addrLine
	// fits is false when the address does not fit the window even at minRecipientPt; lines is
	// then the address at that size, each address line cut off after max+1 lines.
	fits bool
	max  int // how many lines the window holds at size
	// counts is, when fits is false, how many lines each address line takes (at most max+1).
	counts []int
}

// layAddress sets the recipient lines rec in a w mm wide and h mm high part of the envelope
// window. Each line wider than w wraps: at spaces, and a word wider than a line after a hyphen
// or, as a last resort, between any two characters; its continuation lines are indented by
// addressIndent. All lines have one size: the body size (at least minRecipientPt, the smallest
// size postal sorting machines read) when the wrapped block fits h, else the largest size, in
// steps of addressStep down to minRecipientPt, at which it does. Render and Preflight both place
// the address with it, so that a letter Preflight accepts never fails for its address.
func (l *layout) layAddress(rec []string, w, h float64) addressBlock {
	texts := make([]string, len(rec))
	for i, r := range rec {
		texts[i] = collapseSpaces(normLine(r))
	}
	size := max(l.size, minRecipientPt)
	for {
		b := addressBlock{size: size, lh: l.em(size) * addressLeading}
		b.max = int((h + 1e-9) / b.lh)
		b.fits = len(texts) <= b.max
		for i, t := range texts {
			if !b.fits {
				break
			}
			b.lines, b.fits = l.wrapAddress(b.lines, t, i, size, w, b.max-len(b.lines))
		}
		if b.fits {
			return b
		}
		if size <= minRecipientPt {
			// It does not fit at the smallest size: how many lines each address line takes
			// there, each on its own, for the account of what to shorten.
			b.lines, b.counts = b.lines[:0], make([]int, len(texts))
			for i, t := range texts {
				n := len(b.lines)
				b.lines, _ = l.wrapAddress(b.lines, t, i, size, w, b.max+1)
				b.counts[i] = len(b.lines) - n
			}
			return b
		}
		size = max(size-addressStep, minRecipientPt)
	}
}

// wrapAddress appends to out the lines of the address line s (index i) set at size: the first
// no wider than w, the others no wider than w-addressIndent. It makes at most limit lines; ok is
// false when s needs more (or when a single character is wider than a line, which only a window
// of less than 2 em can make happen). An empty s is one empty line. s has no runs of spaces
// (collapseSpaces).
func (l *layout) wrapAddress(out []addrLine, s string, i int, size, w float64, limit int) (_ []addrLine, ok bool) {
	f, _ := l.ts.fonts.set.face(regular) // loaded and checked by chooseFonts
	const eps = 1e-9
	start, end, units := 0, 0, 0 // the current line: s[start:end], units wide (1/1000 em)
	made := 0
	// fits reports whether u units fit the current line: a continuation line once one is made.
	fits := func(u int) bool {
		if made > 0 {
			return mm(u, size) <= w-addressIndent+eps
		}
		return mm(u, size) <= w+eps
	}
	flush := func() bool {
		if made == limit {
			return false
		}
		out = append(out, addrLine{text: s[start:end], w: mm(units, size), from: i, cont: made > 0})
		made++
		start, units = end, 0
		return true
	}
	space := f.width(" ")
	for pos := 0; pos < len(s); pos++ {
		n := strings.IndexByte(s[pos:], ' ')
		if n < 0 {
			n = len(s) - pos
		}
		word := s[pos : pos+n]
		ww := f.width(word)
		switch {
		case end > start && fits(units+space+ww):
			end, units = pos+n, units+space+ww
		case end == start && fits(ww):
			start, end, units = pos, pos+n, ww
		default:
			if end > start && !flush() {
				return out, false
			}
			start, end, units = pos, pos, 0 // a continuation line, empty
			if fits(ww) {
				end, units = pos+n, ww
				break
			}
			// The word alone is wider than a line: break it after a hyphen or, failing that,
			// between two characters.
			hyphen, hyphenUnits := -1, 0 // the end of the line's last hyphen, and its width there
			for j := 0; j < len(word); {
				r, sz := utf8.DecodeRuneInString(word[j:])
				rw := 0
				if f.has(r) {
					rw = int(f.adv[r])
				}
				at := pos + j
				if end > start && !fits(units+rw) {
					rest := units - hyphenUnits
					if hyphen > start && mm(rest+rw, size) <= w-addressIndent+eps {
						end, units = hyphen, hyphenUnits
						if !flush() {
							return out, false
						}
						units = rest // start is the hyphen's end: what follows it moves down
					} else if !flush() {
						return out, false
					}
					hyphen = -1
				}
				end, units = at+sz, units+rw
				if !fits(units) {
					return out, false // one character wider than a line
				}
				if r == '-' || r == '\u2010' {
					hyphen, hyphenUnits = end, units
				}
				j += sz
			}
		}
		pos += n
	}
	if (end > start || made == 0) && !flush() {
		return out, false
	}
	return out, true
}

// collapseSpaces drops the spaces at the start and end of s and makes each run of spaces one,
// as the line breaking of body text does. Other space characters (no-break spaces) stay.
func collapseSpaces(s string) string {
	s = strings.Trim(s, " ")
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// addressArea is where the recipient address goes, in the content area's coordinates (mm):
// below the window's return-address zone, windowInset from its sides, down to its bottom.
func (l *layout) addressArea() (x, y, w, h float64) {
	x = l.win.X - l.page.Left + windowInset
	y = l.win.Y - l.page.Top + render.ReturnZone + 1
	return x, y, l.win.Width - 2*windowInset, l.win.Height - render.ReturnZone - 1
}

// putAddress places the recipient address in the envelope window (addressArea). A letter whose
// address does not fit there even at minRecipientPt fails, naming the address lines to shorten.
func (l *layout) putAddress(out *slice) error {
	x, y, w, h := l.addressArea()
	b := l.layAddress(l.d.Recipient, w, h)
	if !b.fits {
		if err := l.addressProblems(b, w, h); err != nil {
			return err
		}
	}
	bottom := y + h
	for _, ln := range b.lines {
		x0 := x
		if ln.cont {
			x0 += addressIndent
		}
		sp := []span{{text: ln.text, style: regular, color: black}}
		ss := l.lineSlices([]line{{pieces: []piece{{span: 0, text: ln.text, w: ln.w, end: -1}}, w: ln.w}}, sp, b.size, b.lh, x0, w, render.AlignLeft)
		if y = put(out, ss, y); y > bottom+1e-9 {
			break // an address that does not fit: Preflight goes on with what fits
		}
	}
	return nil
}

// AddressLayout is the recipient address as Render sets it in the envelope window, so that
// another renderer (render/docx) can set it the same way.
type AddressLayout struct {
	// Size is the size of every line, in points: the body size (at least 8 pt) or smaller, down
	// to 8 pt, where the address needs it to fit the window.
	Size float64
	// LineHeight is the distance from line to line, in mm (1.25 × Size).
	LineHeight float64
	// Left and Top are where the first line's box starts, in mm from the page's top-left corner;
	// Width is the width the first line of each address line may take (continuation lines
	// start Indent further right and are that much narrower).
	Left, Top, Width float64
	Lines            []AddressLine
}

// AddressLine is one line of the address in the window.
type AddressLine struct {
	Text string
	// Indent is how far right of AddressLayout.Left the line starts, in mm: 0 for the first line
	// of an address line, 3 mm for the lines it wraps to.
	Indent float64
	// Recipient is the index in Document.Recipient of the address line it is part of.
	Recipient int
}

// Address lays out d's recipient address in its envelope window as Render does: the same
// lines at the same size. The error is Render's for the address (an address that does not fit
// even at 8 pt; Preflight names its lines) or for the document's page, window, size or fonts.
func Address(d *render.Document) (*AddressLayout, error) {
	if d == nil {
		return nil, errors.New("lay out the address: there is no document")
	}
	l, err := newLayout(d, nil)
	if err != nil {
		return nil, err
	}
	x, y, w, h := l.addressArea()
	b := l.layAddress(d.Recipient, w, h)
	if !b.fits {
		if err := l.addressProblems(b, w, h); err != nil {
			return nil, err
		}
	}
	a := &AddressLayout{Size: b.size, LineHeight: b.lh, Left: l.page.Left + x, Top: l.page.Top + y, Width: w}
	for _, ln := range b.lines {
		al := AddressLine{Text: ln.text, Recipient: ln.from}
		if ln.cont {
			al.Indent = addressIndent
		}
		a.Lines = append(a.Lines, al)
	}
	return a, nil
}

// addressProblems reports an address that does not fit the window even at minRecipientPt: more
// lines than the window holds (the address as a whole), or the address lines that wrap (each of
// them: shortening any one may be enough).
func (l *layout) addressProblems(b addressBlock, w, h float64) error {
	n := len(b.counts)
	if n > b.max {
		return l.fail(Problem{Place: PlaceRecipient, Index: -1, Message: fmt.Sprintf(
			"%d address lines need %.1f mm even at %.0f pt, the smallest size sorting machines read, and the envelope window has %.1f mm below the return address: use at most %d lines",
			n, float64(n)*b.lh, b.size, h, b.max)},
			fmt.Errorf("recipient: %d lines need %.0f mm at %.0f pt; the envelope window has %.0f mm below the return address: use at most %d lines",
				n, float64(n)*b.lh, b.size, h, b.max))
	}
	total, more := 0, ""
	for _, c := range b.counts {
		total += c
		if c > b.max {
			more = "at least " // wrapAddress stopped counting at max+1
		}
	}
	for i, c := range b.counts {
		if c < 2 {
			continue
		}
		what := "shorten it and the other address lines that wrap, or use fewer address lines"
		if allowed := b.max - (total - c); allowed >= 1 {
			// Lines broken at spaces are not full: 85 % of the characters a line holds, in tens.
			chars := l.charsPerLine(w, b.size) + (allowed-1)*l.charsPerLine(w-addressIndent, b.size)
			chars = max(10, chars*85/100/10*10)
			what = fmt.Sprintf("shorten it to at most %d %s of the window (about %d characters)", allowed, plural(allowed, "line", "lines"), chars)
		}
		err := l.fail(Problem{Place: PlaceRecipient, Index: i, Message: fmt.Sprintf(
			"wraps to %s%d lines of the envelope window even at %.0f pt, the smallest size sorting machines read; the address then needs %s%d lines, and the window holds %d: %s",
			atLeast(c > b.max), c, b.size, more, total, b.max, what)},
			fmt.Errorf("recipient line %d %q wraps to %s%d lines at %.0f pt; the address needs %s%d lines and the envelope window holds %d: shorten it",
				i+1, l.d.Recipient[i], atLeast(c > b.max), c, b.size, more, total, b.max))
		if err != nil {
			return err
		}
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func atLeast(b bool) string {
	if b {
		return "at least "
	}
	return ""
}

// charsPerLine is about how many characters of ordinary address text fit w mm at size: for
// telling people how long an address line may be.
func (l *layout) charsPerLine(w, size float64) int {
	const sample = "Søren Ærbø Møller, Åboulevarden 17, 3. th., 8000 Aarhus C"
	return int(w / (l.ts.measure(sample, regular, size) / float64(utf8.RuneCountInString(sample))))
}
