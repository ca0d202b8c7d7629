package pdf

import (
	"fmt"
	"strings"

	"github.com/postbud/postbud/render"
)

// put copies the operations of ss into dst, stacked from y down; it returns the y below them.
func put(dst *slice, ss []*slice, y float64) float64 {
	for _, s := range ss {
		for _, t := range s.texts {
			t.y += y
			dst.texts = append(dst.texts, t)
		}
		for _, r := range s.rules {
			r.y += y
			dst.rules = append(dst.rules, r)
		}
		for _, im := range s.images {
			im.y += y
			dst.images = append(dst.images, im)
		}
		y += s.h
	}
	return y
}

// partLine is one entry of a column of the letter parts, for Preflight's account of parts
// that do not fit a page.
type partLine struct {
	at    origin
	h     float64
	lines int
}

// parts lays out the letter parts of page 1 (letterhead, return address and recipient in the
// envelope window, details beside it) as one slice from the top margin down to where the subject
// starts.
func (l *layout) parts() (*slice, error) {
	d := l.d
	lh := d.Letterhead
	out := &slice{}
	single := func(s string, st style, c render.Color) []span {
		return []span{{text: normLine(s), style: st, color: c}}
	}
	var entries []partLine // only for Preflight
	putEntry := func(ss []*slice, y float64, at origin) float64 {
		from := len(out.texts)
		end := put(out, ss, y)
		l.tagEntry(out, from, at)
		if l.pf != nil {
			entries = append(entries, partLine{at: at, h: end - y, lines: len(ss)})
		}
		return end
	}

	// Sender, top left.
	leftW := l.contentW * 0.58
	y := 0.0
	if lh.Name != "" {
		y = putEntry(l.text(single(lh.Name, bold, l.accent), l.size*1.8, 1.15, 0, leftW, render.AlignLeft), y, origin{PlaceSenderName, 0})
	}
	if lh.Department != "" {
		y = putEntry(l.text(single(lh.Department, regular, black), l.size*1.1, 1.25, 0, leftW, render.AlignLeft), y, origin{PlaceSenderDepartment, 0})
	}
	if len(lh.Address) > 0 {
		y += 1
	}
	for i, a := range lh.Address {
		y = putEntry(l.text(single(a, regular, grey), l.size*0.9, 1.25, 0, leftW, render.AlignLeft), y, origin{PlaceSenderAddress, i})
	}
	leftBottom := y

	// Logo and contact lines, top right.
	rightW := l.contentW - leftW - 5
	y = 0
	if lh.Logo != nil {
		s, err := l.imageBox(lh.Logo, min(logoMaxW, rightW), logoMaxH)
		if err != nil {
			if err := l.fail(Problem{Place: PlaceLogo, Message: imageProblem}, fmt.Errorf("letterhead logo: %w", err)); err != nil {
				return nil, err
			}
		} else {
			s.images[0].x = l.contentW - s.images[0].w
			y = put(out, []*slice{s}, y) + 2
		}
	}
	for i, c := range lh.Contact {
		y = putEntry(l.text(single(c, regular, grey), l.size*0.85, 1.25, l.contentW-rightW, rightW, render.AlignRight), y, origin{PlaceSenderContact, i})
	}
	rightBottom := y

	// The envelope window: return address in its top zone, recipient below.
	wx, wy := l.win.X-l.page.Left, l.win.Y-l.page.Top
	innerW := l.win.Width - 2*windowInset
	if ret := normLine(lh.ReturnAddress()); ret != "" {
		size := returnSizePt
		for size > minReturnPt && l.ts.measure(ret, regular, size) > innerW {
			size -= 0.25
		}
		if w := l.ts.measure(ret, regular, size); w > innerW {
			err := l.fail(Problem{Place: PlaceReturnAddress, Message: fmt.Sprintf(
				"the return address (the sender's name and address on one line) is %.0f mm wide even at %.0f pt, the smallest size; the envelope window leaves %.0f mm: shorten the name or address",
				w, size, innerW)},
				fmt.Errorf("letterhead: return address %q is %.0f mm wide at %.0f pt; the envelope window leaves %.0f mm: shorten the name or address", ret, w, size, innerW))
			if err != nil {
				return nil, err
			}
		}
		rl := l.em(size) * 1.2
		put(out, l.text(single(ret, regular, grey), size, 1.2, wx+windowInset, innerW, render.AlignLeft), wy+render.ReturnZone-rl-1)
		out.rules = append(out.rules, ruleOp{x1: wx + windowInset, x2: wx + windowInset + l.ts.measure(ret, regular, size), y: wy + render.ReturnZone - 1, thick: 0.1, color: grey})
	}
	recipientFrom := len(out.texts)
	if err := l.putAddress(out); err != nil {
		return nil, err
	}
	l.tagEntry(out, recipientFrom, origin{PlaceRecipient, 0})
	bottom := max(wy+l.win.Height, leftBottom, rightBottom)

	// Details: the information block right of the window or, when there is no room, below it
	// at the address's left edge.
	if len(d.Details) > 0 {
		dx, dw := l.infoBlock()
		dy := max(wy+render.ReturnZone+1, rightBottom+4)
		if dw < infoMinW {
			dx, dy = max(wx+windowInset, 0), bottom+4
			dw = l.contentW - dx
		}
		for i, dt := range d.Details {
			sp := []span{{text: normLine(dt.Label) + ": ", style: regular, color: grey}, {text: normLine(dt.Value), style: regular, color: black}}
			if strings.TrimSpace(dt.Label) == "" {
				sp = sp[1:]
			}
			dy = putEntry(l.text(sp, l.size*0.95, 1.3, dx, dw, render.AlignLeft), dy, origin{PlaceDetails, i})
		}
		bottom = max(bottom, dy)
	}
	out.h = bottom + 3
	if out.h > l.capacity() {
		p := l.partsProblem(entries, out.h)
		err := l.fail(p, fmt.Errorf("letter parts reach %.0f mm below the top margin; a page holds %.0f mm: shorten the letterhead or details", out.h, l.capacity()))
		if err != nil {
			return nil, err
		}
		out.h = l.capacity()
	}
	return out, nil
}

// partsProblem names the entry that makes the letter parts taller than a page: the tallest one.
// (A column that is too tall pushes the details below it down too, so the lowest column need
// not hold the culprit.)
func (l *layout) partsProblem(entries []partLine, h float64) Problem {
	var worst *partLine
	for i := range entries {
		if e := &entries[i]; worst == nil || e.h > worst.h {
			worst = e
		}
	}
	if worst == nil {
		return Problem{Place: PlaceParts, Index: -1, Message: fmt.Sprintf(
			"the letter parts (letterhead, address window and details) reach %.0f mm below the top margin, and a page holds %.0f mm: shorten the letterhead or details",
			h, l.capacity())}
	}
	lines := "1 line"
	if worst.lines != 1 {
		lines = fmt.Sprintf("%d lines", worst.lines)
	}
	return Problem{Place: worst.at.place, Index: worst.at.index, Message: fmt.Sprintf(
		"takes %.0f mm (%s); with it the letter parts (letterhead, address window and details) reach %.0f mm below the top margin, and a page holds %.0f mm: shorten it",
		worst.h, lines, h, l.capacity())}
}
