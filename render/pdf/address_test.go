package pdf

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render"
)

// Recipient names of the lengths issue 9 names (in characters), made of real name parts.
var (
	name46  = "Anne-Sofie Wąsowicz-Dvořák Kristoffersen-Holme"                                                       // 46
	name62  = "Anne-Sofie Margrethe Wąsowicz-Dvořák Kristoffersen-Vestergaard"                                       // 62
	name100 = "Anne-Sofie Margrethe Wąsowicz-Dvořák Kristoffersen-Vestergaard Frederiksen-Schou og Jens Ole Nielsen" // 100
)

// addressCase is a recipient address and what must become of it.
type addressCase struct {
	name string
	rec  []string
	// For an address that fits: smaller is true when it needs less than the body size, wraps
	// when some address line takes more than one line of the window.
	smaller, wraps bool
	// For an address that cannot fit the window even at 8 pt: the problems Preflight reports.
	refused []where
}

func addressCases() []addressCase {
	street, city := "Åboulevarden 17, 3. th.", "8000 Aarhus C"
	co := "c/o Kristoffersen-Vestergaard, Frederikssundsvej 117B, 2. sal"
	return []addressCase{
		{name: "short", rec: []string{"Søren Ærbø Møller", street, city}},
		{name: "46 characters", rec: []string{name46, street, city}, wraps: true},
		{name: "62 characters", rec: []string{name62, street, city}, wraps: true},
		{name: "100 characters", rec: []string{name100, street, city}, wraps: true},
		{name: "c/o line", rec: []string{"Søren Ærbø Møller", co, street, city}, wraps: true},
		{name: "100-character word", rec: []string{strings.Repeat("Wąsowicz", 12) + "Dvor", city}, wraps: true},
		{name: "six lines", rec: []string{"Søren Ærbø Møller", "c/o Ib Olsen", street, "Postboks 117", city, "DANMARK"}, smaller: true},
		{name: "seven lines", rec: []string{"Søren Ærbø Møller", "Att. Borgerservice", "c/o Ib Olsen", street, "Postboks 117", city, "DANMARK"}, smaller: true},
		{name: "eight lines", rec: []string{"Søren Ærbø Møller", "Att. Borgerservice", "c/o Ib Olsen", street, "Postboks 117", "Bygning 4", city, "DANMARK"},
			refused: []where{{PlaceRecipient, -1, 0}}},
		{name: "name of 400 characters", rec: []string{strings.Repeat(name100[:99]+" ", 4), street, city},
			refused: []where{{PlaceRecipient, 0, 0}}},
		{name: "two long lines in seven", rec: []string{name100, "Att. Borgerservice", co, street, "Postboks 117", city, "DANMARK"},
			refused: []where{{PlaceRecipient, 0, 0}, {PlaceRecipient, 2, 0}}},
	}
}

// TestAddressCases: every address of the table is placed inside the envelope window, all its
// lines at one size (the body size when it fits so, else smaller, never below 8 pt), a line
// wider than the window wrapped with its continuation lines indented; or, only when it cannot
// fit even at 8 pt, Preflight names the lines to shorten and Render refuses it likewise.
// Positions and sizes are read from the PDF with pdftotext -bbox.
func TestAddressCases(t *testing.T) {
	if got := []int{utf8.RuneCountInString(name46), utf8.RuneCountInString(name62), utf8.RuneCountInString(name100)}; got[0] != 46 || got[1] != 62 || got[2] != 100 {
		t.Fatalf("the test names have %v characters, want 46, 62 and 100", got)
	}
	for _, tc := range addressCases() {
		t.Run(tc.name, func(t *testing.T) {
			d := testdoc.Reference()
			d.Recipient = tc.rec
			problems := Preflight(d)
			if tc.refused != nil {
				var got []where
				for _, p := range problems {
					t.Logf("Preflight: %s", p)
					got = append(got, where{p.Place, p.Index, p.Rune})
					if !strings.Contains(p.Message, "use at most") && !strings.Contains(p.Message, "shorten it") {
						t.Errorf("message does not say what to do: %s", p)
					}
					if strings.Contains(p.Message, "Wąsowicz") || strings.Contains(p.Message, "Borgerservice") {
						t.Errorf("message quotes the address: %s", p)
					}
				}
				if !equalWheres(tc.refused, got) {
					t.Errorf("Preflight = %v, want problems at %v", problems, tc.refused)
				}
				if _, err := Render(d); err == nil || !strings.Contains(err.Error(), "recipient") {
					t.Errorf("Render: %v, want an error about the recipient", err)
				}
				if a, err := Address(d); err == nil || !strings.Contains(err.Error(), "recipient") {
					t.Errorf("Address: %v, %v; want an error about the recipient", a, err)
				}
				return
			}
			if problems != nil {
				t.Fatalf("Preflight: %v", problems)
			}
			checkAddress(t, d, tc.smaller, tc.wraps)
		})
	}
}

func equalWheres(a, b []where) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkAddress renders d and checks its recipient address in the PDF: every word inside the
// window below the return address, no character lost or added, one height (size) for all, the
// body size unless smaller, at least 8 pt, each line starting at the address's left edge or,
// continuing a wrapped line, 3 mm right of it.
func checkAddress(t *testing.T, d *render.Document, smaller, wraps bool) {
	t.Helper()
	ws := boxes(t, writePDF(t, mustRender(t, d)))
	w := d.Window
	if w == (render.Window{}) {
		w = render.DefaultWindow
	}
	x0, x1 := w.X*mmPt, (w.X+w.Width)*mmPt
	y0, y1 := (w.Y+render.ReturnZone)*mmPt, (w.Y+w.Height)*mmPt
	var zone []word
	for _, b := range ws {
		cx, cy := (b.xMin+b.xMax)/2, (b.yMin+b.yMax)/2
		if b.page == 1 && cx > x0 && cx < x1 && cy > y0 && cy < y1 {
			zone = append(zone, b)
			if b.xMin < x0 || b.xMax > x1 || b.yMin < y0 || b.yMax > y1 {
				t.Errorf("address word %q at (%.1f,%.1f)-(%.1f,%.1f) pt reaches out of the window (%.1f,%.1f)-(%.1f,%.1f)",
					b.text, b.xMin, b.yMin, b.xMax, b.yMax, x0, y0, x1, y1)
			}
		}
	}
	sort.SliceStable(zone, func(i, j int) bool {
		if math.Abs(zone[i].yMin-zone[j].yMin) > 0.5 {
			return zone[i].yMin < zone[j].yMin
		}
		return zone[i].xMin < zone[j].xMin
	})
	// Every character of the address, in reading order (words broken between characters
	// come out as separate words, so spaces are not compared).
	var got strings.Builder
	for _, b := range zone {
		got.WriteString(b.text)
	}
	if want := strings.ReplaceAll(strings.Join(d.Recipient, ""), " ", ""); got.String() != want {
		t.Errorf("the window holds %q, want the address %q", got.String(), want)
	}

	// One size: every word's box has the same height.
	h := zone[0].yMax - zone[0].yMin
	for _, b := range zone {
		if math.Abs(b.yMax-b.yMin-h) > 0.01 {
			t.Errorf("address word %q is %.2f pt high, %q %.2f pt: not one size", b.text, b.yMax-b.yMin, zone[0].text, h)
		}
	}
	// The size, from the height of a body word at the body size.
	body := d.FontSize
	if body == 0 {
		body = render.DefaultFontSize
	}
	bodyH := 0.0
	for _, b := range ws {
		if b.text == "modtaget" {
			bodyH = b.yMax - b.yMin
			break
		}
	}
	if bodyH == 0 {
		t.Fatal("no body word to compare the address size with")
	}
	size := h / bodyH * body
	switch {
	case size < minRecipientPt-0.01:
		t.Errorf("address set at %.2f pt, below %.0f pt", size, minRecipientPt)
	case !smaller && math.Abs(size-body) > 0.01:
		t.Errorf("address set at %.2f pt, want the body size %.0f pt", size, body)
	case smaller && size > body-0.2:
		t.Errorf("address set at %.2f pt, want it smaller than the body size %.0f pt", size, body)
	}

	// Lines start at the address's left edge or, continued, 3 mm right of it.
	left := (w.X + windowInset) * mmPt
	var starts []float64
	lastY := -1.0
	for _, b := range zone {
		if math.Abs(b.yMin-lastY) > 0.5 {
			starts = append(starts, b.xMin)
			lastY = b.yMin
		}
	}
	continued := 0
	for i, x := range starts {
		switch {
		case math.Abs(x-left) < 0.3:
		case math.Abs(x-left-addressIndent*mmPt) < 0.3 && i > 0:
			continued++
		default:
			t.Errorf("address line %d starts at %.1f pt, want %.1f pt or, continued, %.1f pt", i+1, x, left, left+addressIndent*mmPt)
		}
	}
	// Address, for other renderers, describes these very lines.
	a, err := Address(d)
	if err != nil {
		t.Fatalf("Address: %v", err)
	}
	var lines []string
	lastY = -1
	for _, b := range zone {
		if math.Abs(b.yMin-lastY) > 0.5 {
			lines = append(lines, b.text)
			lastY = b.yMin
		} else {
			lines[len(lines)-1] += " " + b.text
		}
	}
	var want []string
	for i, l := range a.Lines {
		want = append(want, l.Text)
		if i < len(starts) && math.Abs(starts[i]-(a.Left+l.Indent)*mmPt) > 0.3 {
			t.Errorf("Address puts line %d at %.1f mm, the PDF at %.1f mm", i+1, a.Left+l.Indent, starts[i]/mmPt)
		}
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("Address lines (-want) differ from the PDF's (+got):\n%s", diff)
	}
	if math.Abs(a.Size-size) > 0.02 {
		t.Errorf("Address says %.2f pt, the PDF has %.2f pt", a.Size, size)
	}
	if wraps != (continued > 0) {
		t.Errorf("%d continuation lines in %d lines; want wrapping %v", continued, len(starts), wraps)
	}
	if len(starts) < len(d.Recipient) {
		t.Errorf("%d lines in the window for %d address lines", len(starts), len(d.Recipient))
	}
}

// TestAddressOtherWindows: the address wraps and shrinks within a window of another size or
// place, and a body size below 8 pt does not set the address below 8 pt.
func TestAddressOtherWindows(t *testing.T) {
	for _, tc := range []struct {
		name    string
		win     render.Window
		size    float64
		rec     []string
		smaller bool
	}{
		{"narrow window", render.Window{X: 25, Y: 45, Width: 60, Height: 45}, 0, []string{name46, "Åboulevarden 17, 3. th.", "8000 Aarhus C"}, false},
		{"window further right", render.Window{X: 70, Y: 40, Width: 90, Height: 45}, 0, []string{name100, "Åboulevarden 17, 3. th.", "8000 Aarhus C"}, false},
		{"low window", render.Window{X: 25, Y: 45, Width: 85, Height: 40}, 0, []string{name100, "Åboulevarden 17, 3. th.", "8000 Aarhus C"}, true},
		{"body at 7 pt", render.Window{}, 7, []string{"Søren Ærbø Møller", "Åboulevarden 17, 3. th.", "8000 Aarhus C"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testdoc.Reference()
			d.Window, d.FontSize, d.Recipient = tc.win, tc.size, tc.rec
			if tc.win.X > 60 {
				d.Details = d.Details[:1] // they go below the window then; keep the letter short
			}
			if p := Preflight(d); p != nil {
				t.Fatalf("Preflight: %v", p)
			}
			if tc.size != 0 && tc.size < minRecipientPt {
				d2 := *d
				d2.FontSize = minRecipientPt // the address is at 8 pt: compare with a body at 8 pt
				checkAddressSize(t, d, &d2)
				return
			}
			checkAddress(t, d, tc.smaller, true)
		})
	}
}

// checkAddressSize checks that the address of d has the height of the address of ref (a
// letter at 8 pt).
func checkAddressSize(t *testing.T, d, ref *render.Document) {
	t.Helper()
	height := func(d *render.Document) float64 {
		for _, b := range boxes(t, writePDF(t, mustRender(t, d))) {
			if b.text == "Åboulevarden" && b.page == 1 && b.yMin > (render.DefaultWindow.Y+render.ReturnZone)*mmPt {
				return b.yMax - b.yMin
			}
		}
		t.Fatal("no address word in the window")
		return 0
	}
	if got, want := height(d), height(ref); math.Abs(got-want) > 0.01 {
		t.Errorf("address of a letter at %.0f pt is %.2f pt high, at 8 pt %.2f pt: want it at 8 pt", d.FontSize, got, want)
	}
}

// TestInfoBlockPosition: the details start 125 mm from the page's left edge (DIN 5008 form B)
// whatever the left margin, beside the window, each entry on one line, also with a right margin
// that leaves the text area only 37 mm there (the block reaches as far as 200 mm); on a page too
// narrow for them beside the window, below it at the address's left edge.
func TestInfoBlockPosition(t *testing.T) {
	for _, tc := range []struct {
		name  string
		page  render.Page
		x     float64 // mm from the page's left edge
		below bool
	}{
		{"render.A4", render.A4, infoBlockX, false},
		{"A4", render.Page{Width: 210, Height: 297, Top: 15, Right: 20, Bottom: 20, Left: 20}, infoBlockX, false},
		{"A4, 25 mm left margin", render.Page{Width: 210, Height: 297, Top: 15, Right: 20, Bottom: 20, Left: 25}, infoBlockX, false},
		{"A4, 48 mm right margin", render.Page{Width: 210, Height: 297, Top: 15, Right: 48, Bottom: 20, Left: 25}, infoBlockX, false},
		{"narrow page", render.Page{Width: 150, Height: 297, Top: 15, Right: 15, Bottom: 20, Left: 20}, render.DefaultWindow.X + windowInset, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testdoc.Reference()
			d.Page = tc.page
			if tc.page.Left > render.DefaultWindow.X {
				d.Window = render.Window{X: tc.page.Left, Y: 45, Width: 85, Height: 45}
			}
			ws := boxes(t, writePDF(t, mustRender(t, d)))
			found := false
			for _, b := range ws {
				if b.page != 1 || (b.text != "Dato:" && b.text != "Sagsnummer:") {
					continue
				}
				found = true
				if math.Abs(b.xMin-tc.x*mmPt) > 0.3 {
					t.Errorf("%q starts %.1f mm from the page's left edge, want %.1f mm", b.text, b.xMin/mmPt, tc.x)
				}
				winBottom := (render.DefaultWindow.Y + render.DefaultWindow.Height) * mmPt
				if tc.below != (b.yMin > winBottom) {
					t.Errorf("%q at %.1f mm from the top; the window ends at %.1f mm: want below it %v", b.text, b.yMin/mmPt, winBottom/mmPt, tc.below)
				}
			}
			if !found {
				t.Fatal("no details in the PDF")
			}
			// Each entry on one line, within 10 mm of the page's right edge.
			for _, pair := range [][2]string{{"Dato:", "2026"}, {"Sagsnummer:", "2026-004711"}} {
				var label *word
				for i, b := range ws {
					if b.page == 1 && b.text == pair[0] {
						label = &ws[i]
					}
				}
				last := false
				for _, b := range ws {
					if label != nil && b.page == 1 && b.text == pair[1] && b.xMin > label.xMin && math.Abs(b.yMin-label.yMin) < 0.5 {
						last = true
						if b.xMax > (tc.page.Width-infoEdge)*mmPt {
							t.Errorf("%q ends %.1f mm from the page's left edge, past %.0f mm", b.text, b.xMax/mmPt, tc.page.Width-infoEdge)
						}
					}
				}
				if !last {
					t.Errorf("the entry %q does not end on its label's line with %q", pair[0], pair[1])
				}
			}
		})
	}
}

// FuzzAddress: for any recipient lines, layAddress keeps every character but the spaces it
// breaks at, in order; when it says the address fits, every line fits its width (the first of
// an address line the window's, the others 3 mm less) and the block the window's height, at one
// size between 8 pt and the body size; and Preflight and Render agree.
func FuzzAddress(f *testing.F) {
	f.Add(name100, "c/o Ib Olsen", "Åboulevarden 17, 3. th.", uint8(3))
	f.Add(strings.Repeat("Wąsowicz", 12), "-----", "8000 Aarhus C", uint8(2))
	f.Add(strings.Repeat("x-", 90), "a  b   c", "", uint8(9))
	f.Add(" ", "Kristoffersen-Vestergaard-Frederiksen-Schou-Andersen-Wąsowicz-Dvořák-Holmgaard", "\u00a0", uint8(5))
	f.Fuzz(func(t *testing.T, a, b, c string, n uint8) {
		for _, s := range []string{a, b, c} {
			if !utf8.ValidString(s) || len(s) > 2000 || strings.ContainsAny(s, "\n\r\t") {
				t.Skip()
			}
		}
		d := testdoc.Reference()
		d.Recipient = nil
		for i := range int(n%10) + 1 {
			d.Recipient = append(d.Recipient, []string{a, b, c}[i%3])
		}
		l, err := newLayout(d, &preflight{})
		if err != nil {
			t.Skip() // a character no font has: not the address's concern
		}
		w, h := l.win.Width-2*windowInset, l.win.Height-render.ReturnZone-1
		blk := l.layAddress(d.Recipient, w, h)
		if blk.size < minRecipientPt || blk.size > max(l.size, minRecipientPt) {
			t.Fatalf("size %.2f pt", blk.size)
		}
		byLine := make([]string, len(d.Recipient))
		for _, ln := range blk.lines {
			byLine[ln.from] += ln.text
			width := w
			if ln.cont {
				width -= addressIndent
			}
			if blk.fits && ln.w > width+1e-9 {
				t.Errorf("line %q is %.2f mm wide, the room %.2f mm", ln.text, ln.w, width)
			}
			if got := l.ts.measure(ln.text, regular, blk.size); math.Abs(got-ln.w) > 1e-9 {
				t.Errorf("line %q measures %.3f mm, recorded %.3f mm", ln.text, got, ln.w)
			}
		}
		if blk.fits {
			if len(blk.lines) > blk.max || float64(len(blk.lines))*blk.lh > h+1e-9 {
				t.Errorf("%d lines of %.2f mm in %.1f mm", len(blk.lines), blk.lh, h)
			}
			for i, r := range d.Recipient {
				if want := strings.ReplaceAll(r, " ", ""); strings.ReplaceAll(byLine[i], " ", "") != want {
					t.Errorf("address line %d set as %q, want the characters of %q", i+1, byLine[i], r)
				}
			}
		}
		problems := Preflight(d)
		_, rerr := Render(d)
		if (problems == nil) != (rerr == nil) {
			t.Fatalf("Preflight %v, Render %v", problems, rerr)
		}
		if blk.fits && problems != nil {
			for _, p := range problems {
				if p.Place == PlaceRecipient && strings.Contains(p.Message, "envelope window") {
					t.Errorf("the address fits, but Preflight says %v", p)
				}
			}
		}
	})
}

// TestAddressAdvice: the length a refusal advises for an address line is one that fits.
func TestAddressAdvice(t *testing.T) {
	re := regexp.MustCompile(`about (\d+) characters`)
	for _, text := range []string{strings.Repeat(name100+" ", 4), strings.Repeat("Frederikssundsvej 117B, 2. sal ", 12)} {
		d := testdoc.Reference()
		d.Recipient[1] = text
		ps := Preflight(d)
		if len(ps) != 1 || ps[0].Place != PlaceRecipient || ps[0].Index != 1 {
			t.Fatalf("Preflight = %v, want one problem of address line 2", ps)
		}
		m := re.FindStringSubmatch(ps[0].Message)
		if m == nil {
			t.Fatalf("no length advised: %s", ps[0])
		}
		n, _ := strconv.Atoi(m[1])
		d.Recipient[1] = string([]rune(text)[:n])
		if ps := Preflight(d); ps != nil {
			t.Errorf("the line cut to the advised %d characters: %v", n, ps)
		}
		checkAddress(t, d, true, true)
	}
}

// TestAddressSmallestSize: an address that fits only at exactly 8 pt is set at 8 pt, also when
// the body size is no multiple of the step from it (10.3 pt: 8.05 pt is tried, then 8 pt).
func TestAddressSmallestSize(t *testing.T) {
	d := testdoc.Reference()
	d.FontSize = 10.3
	d.Window = render.Window{X: 20, Y: 45, Width: 85, Height: 45}
	l, err := newLayout(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, w, _ := l.addressArea()
	// A line as wide as the window at 8 pt and wider at 8.05 pt, with six more: seven lines
	// fit at 8 pt, eight do not.
	line := ""
	for l.ts.measure(line+"x", regular, minRecipientPt) <= w {
		line += "x"
	}
	if l.ts.measure(line, regular, minRecipientPt+0.05) <= w {
		t.Fatalf("%d x fit %.1f mm at 8.05 pt too", len(line), w)
	}
	d.Recipient = []string{line, "b", "c", "d", "e", "f", "g"}
	if p := Preflight(d); p != nil {
		t.Fatalf("Preflight: %v", p)
	}
	a, err := Address(d)
	if err != nil {
		t.Fatal(err)
	}
	if a.Size != minRecipientPt || len(a.Lines) != 7 {
		t.Errorf("address at %.2f pt in %d lines, want 8 pt in 7", a.Size, len(a.Lines))
	}
	checkAddress(t, d, true, false)
}
