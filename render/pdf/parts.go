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

	// Sender, top left.
	leftW := l.contentW * 0.58
	y := 0.0
	if lh.Name != "" {
		y = put(out, l.text(single(lh.Name, bold, l.accent), l.size*1.8, 1.15, 0, leftW, render.AlignLeft), y)
	}
	if lh.Department != "" {
		y = put(out, l.text(single(lh.Department, regular, black), l.size*1.1, 1.25, 0, leftW, render.AlignLeft), y)
	}
	if len(lh.Address) > 0 {
		y += 1
	}
	for _, a := range lh.Address {
		y = put(out, l.text(single(a, regular, grey), l.size*0.9, 1.25, 0, leftW, render.AlignLeft), y)
	}
	leftBottom := y

	// Logo and contact lines, top right.
	rightW := l.contentW - leftW - 5
	y = 0
	if lh.Logo != nil {
		s, err := l.imageBox(lh.Logo, min(logoMaxW, rightW), logoMaxH)
		if err != nil {
			return nil, fmt.Errorf("letterhead logo: %w", err)
		}
		s.images[0].x = l.contentW - s.images[0].w
		y = put(out, []*slice{s}, y) + 2
	}
	for _, c := range lh.Contact {
		y = put(out, l.text(single(c, regular, grey), l.size*0.85, 1.25, l.contentW-rightW, rightW, render.AlignRight), y)
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
			return nil, fmt.Errorf("letterhead: return address %q is %.0f mm wide at %.0f pt; the envelope window leaves %.0f mm: shorten the name or address", ret, w, size, innerW)
		}
		rl := l.em(size) * 1.2
		put(out, l.text(single(ret, regular, grey), size, 1.2, wx+windowInset, innerW, render.AlignLeft), wy+render.ReturnZone-rl-1)
		out.rules = append(out.rules, ruleOp{x1: wx + windowInset, x2: wx + windowInset + l.ts.measure(ret, regular, size), y: wy + render.ReturnZone - 1, thick: 0.1, color: grey})
	}
	y = wy + render.ReturnZone + 1
	for i, r := range d.Recipient {
		r = normLine(r)
		// A long line (a long street name, a c/o line) is set smaller rather than failing the
		// letter, down to the smallest size sorting machines read; the line spacing stays.
		size := l.size
		for size > minRecipientPt && l.ts.measure(r, regular, size) > innerW {
			size -= 0.25
		}
		if w := l.ts.measure(r, regular, size); w > innerW {
			return nil, fmt.Errorf("recipient line %d %q is %.0f mm wide even at %.0f pt; the envelope window leaves %.0f mm: shorten it", i+1, r, w, size, innerW)
		}
		lineH := l.em(l.size) * 1.25
		put(out, l.text(single(r, regular, black), size, 1.25, wx+windowInset, innerW, render.AlignLeft), y+l.em(l.size-size))
		y += lineH
	}
	if y > wy+l.win.Height+1e-9 {
		return nil, fmt.Errorf("recipient: %d lines need %.0f mm below the return address; the envelope window has %.0f mm: use fewer lines",
			len(d.Recipient), y-(wy+render.ReturnZone), l.win.Height-render.ReturnZone)
	}
	bottom := max(wy+l.win.Height, leftBottom, rightBottom)

	// Details, right of the window or, when there is no room, below it.
	if len(d.Details) > 0 {
		dx := wx + l.win.Width + 8
		dy := max(wy+render.ReturnZone+1, rightBottom+4)
		if l.contentW-dx < 35 {
			dx, dy = max(wx+windowInset, 0), bottom+4
		}
		dw := l.contentW - dx
		for _, dt := range d.Details {
			sp := []span{{text: normLine(dt.Label) + ": ", style: regular, color: grey}, {text: normLine(dt.Value), style: regular, color: black}}
			if strings.TrimSpace(dt.Label) == "" {
				sp = sp[1:]
			}
			dy = put(out, l.text(sp, l.size*0.95, 1.3, dx, dw, render.AlignLeft), dy)
		}
		bottom = max(bottom, dy)
	}
	out.h = bottom + 3
	if out.h > l.capacity() {
		return nil, fmt.Errorf("letter parts reach %.0f mm below the top margin; a page holds %.0f mm: shorten the letterhead or details", out.h, l.capacity())
	}
	return out, nil
}
