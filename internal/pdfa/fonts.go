package pdfa

import (
	"fmt"
	"math"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/charmap"
)

// widthTolerance is how far, in 1/1000 em, a width in the PDF may be from the font program's.
const widthTolerance = 1

// checkFont checks the font dictionary d (a simple or Type0 font) found in object nr.
func (c *checker) checkFont(d types.Dict, nr int, path string) {
	sub, _ := c.name(mustFind(d, "Subtype"))
	base, _ := c.name(mustFind(d, "BaseFont"))
	report := func(r rule, objNr int, format string, args ...any) {
		p := path
		if objNr != nr {
			p = ""
		}
		c.addObj(r, objNr, "%s", where(p, fmt.Sprintf(format, args...)))
	}
	switch sub {
	case "Type3":
		return // glyphs are content streams in the file
	case "Type0":
		desc := c.array(mustFind(d, "DescendantFonts"))
		if len(desc) == 0 {
			report(ruleFontEmbed, nr, "Type0 font %s has no /DescendantFonts, so no font program", quoteName(base))
			return
		}
		for _, df := range desc {
			dd, dnr := c.dict(df)
			if dnr == 0 {
				dnr = nr
			}
			if dd == nil {
				report(ruleFontEmbed, nr, "a descendant font of %s is not a dictionary", quoteName(base))
				continue
			}
			dsub, _ := c.name(mustFind(dd, "Subtype"))
			prog, kind := c.fontProgram(dd)
			if prog == nil {
				report(ruleFontEmbed, dnr, "CIDFont %s (descendant of %s) is not embedded: its FontDescriptor has no FontFile, FontFile2 or FontFile3", quoteName(base), quoteName(base))
			}
			if dsub != "CIDFontType2" {
				continue
			}
			m, ok := dd.Find("CIDToGIDMap")
			if !ok {
				report(ruleCIDToGID, dnr, "CIDFontType2 %s has no /CIDToGIDMap (it must be /Identity or a stream)", quoteName(base))
				continue
			}
			var gidMap []byte // nil means Identity
			if n, isName := c.name(m); isName {
				if n != "Identity" {
					report(ruleCIDToGID, dnr, "/CIDToGIDMap is /%s, want /Identity or a stream", n)
					continue
				}
			} else if ms, _ := c.stream(m); ms != nil {
				b, err := decode(ms)
				if err != nil {
					report(ruleCIDToGID, dnr, "cannot decode the CIDToGIDMap stream: %v", err)
					continue
				}
				gidMap = b
				if gidMap == nil {
					gidMap = []byte{}
				}
			} else {
				report(ruleCIDToGID, dnr, "/CIDToGIDMap is neither /Identity nor a stream")
				continue
			}
			if prog != nil && kind == "FontFile2" {
				c.checkCIDWidths(dd, dnr, base, prog, gidMap, report)
			}
		}
	default: // Type1, MMType1, TrueType
		prog, kind := c.fontProgram(d)
		if prog == nil {
			if !d.HasEntry("FontDescriptor") {
				report(ruleFontEmbed, nr, "font %s is not embedded (no FontDescriptor: a standard 14 font used by name)", quoteName(base))
			} else {
				report(ruleFontEmbed, nr, "font %s is not embedded: its FontDescriptor has no FontFile, FontFile2 or FontFile3", quoteName(base))
			}
			return
		}
		if sub == "TrueType" && kind == "FontFile2" {
			c.checkSimpleWidths(d, nr, base, prog, report)
		}
	}
}

// fontProgram returns the decoded embedded font program of a simple font or CIDFont, and the
// FontDescriptor key it is under.
func (c *checker) fontProgram(d types.Dict) ([]byte, string) {
	fd, _ := c.dict(mustFind(d, "FontDescriptor"))
	if fd == nil {
		return nil, ""
	}
	for _, k := range []string{"FontFile", "FontFile2", "FontFile3"} {
		if sd, _ := c.stream(mustFind(fd, k)); sd != nil {
			b, err := decode(sd)
			if err != nil || b == nil {
				b = []byte{} // embedded but unreadable: still embedded
			}
			return b, k
		}
	}
	return nil, ""
}

// fontMetrics gives advance widths in 1/1000 em from an embedded TrueType program.
type fontMetrics struct {
	f    *sfnt.Font
	buf  sfnt.Buffer
	upem int
	n    int
}

func parseFont(b []byte) (*fontMetrics, error) {
	f, err := sfnt.Parse(b)
	if err != nil {
		return nil, err
	}
	return &fontMetrics{f: f, upem: int(f.UnitsPerEm()), n: f.NumGlyphs()}, nil
}

func (m *fontMetrics) advance(gid int) (float64, error) {
	adv, err := m.f.GlyphAdvance(&m.buf, sfnt.GlyphIndex(gid), fixed.I(m.upem), font.HintingNone)
	if err != nil {
		return 0, err
	}
	return float64(adv) / 64 * 1000 / float64(m.upem), nil
}

func (c *checker) checkCIDWidths(dd types.Dict, nr int, base string, prog, gidMap []byte, report func(rule, int, string, ...any)) {
	fm, err := parseFont(prog)
	if err != nil {
		report(ruleFontWidths, nr, "cannot parse the embedded TrueType program of %s to compare widths: %v", quoteName(base), err)
		return
	}
	var bad []string
	total := 0
	check := func(cid int, w float64) {
		gid := cid
		if gidMap != nil {
			if 2*cid+1 >= len(gidMap) {
				return // CID beyond the map: it maps to glyph 0
			}
			gid = int(gidMap[2*cid])<<8 | int(gidMap[2*cid+1])
		}
		if gid == 0 && cid != 0 || gid >= fm.n {
			return
		}
		adv, err := fm.advance(gid)
		if err != nil {
			return
		}
		if math.Abs(adv-w) > widthTolerance {
			total++
			if len(bad) < 5 {
				bad = append(bad, fmt.Sprintf("CID %d (glyph %d): /W %g, font %g", cid, gid, w, math.Round(adv*10)/10))
			}
		}
	}
	w := c.array(mustFind(dd, "W"))
	for i := 0; i < len(w); {
		first, ok := c.integer(w[i])
		if !ok || i+1 >= len(w) {
			report(ruleFontWidths, nr, "malformed /W array at element %d", i)
			return
		}
		if arr := c.array(w[i+1]); arr != nil {
			for k, e := range arr {
				if v, ok := c.number(e); ok {
					check(first+k, v)
				}
			}
			i += 2
			continue
		}
		last, ok1 := c.integer(w[i+1])
		if i+2 >= len(w) || !ok1 {
			report(ruleFontWidths, nr, "malformed /W array at element %d", i)
			return
		}
		v, ok2 := c.number(w[i+2])
		if !ok2 || last-first > 1<<16 {
			report(ruleFontWidths, nr, "malformed /W array at element %d", i)
			return
		}
		for cid := first; cid <= last; cid++ {
			check(cid, v)
		}
		i += 3
	}
	if total > 0 {
		report(ruleFontWidths, nr, "%d widths in /W of %s disagree with the embedded font program by more than %d/1000 em, e.g. %v", total, quoteName(base), widthTolerance, bad)
	}
}

func (c *checker) checkSimpleWidths(d types.Dict, nr int, base string, prog []byte, report func(rule, int, string, ...any)) {
	fm, err := parseFont(prog)
	if err != nil {
		report(ruleFontWidths, nr, "cannot parse the embedded TrueType program of %s to compare widths: %v", quoteName(base), err)
		return
	}
	widths := c.array(mustFind(d, "Widths"))
	first, ok := c.integer(mustFind(d, "FirstChar"))
	if widths == nil || !ok {
		report(ruleFontWidths, nr, "TrueType font %s lacks /FirstChar or /Widths", quoteName(base))
		return
	}
	fd, _ := c.dict(mustFind(d, "FontDescriptor"))
	flags, _ := c.integer(mustFind(fd, "Flags"))
	symbolic := flags&4 != 0
	enc := charmap.Windows1252
	if n, _ := c.name(mustFind(d, "Encoding")); n == "MacRomanEncoding" {
		enc = charmap.Macintosh
	}
	differences := map[int]string{}
	if ed, _ := c.dict(mustFind(d, "Encoding")); ed != nil {
		if n, _ := c.name(mustFind(ed, "BaseEncoding")); n == "MacRomanEncoding" {
			enc = charmap.Macintosh
		}
		code := 0
		for _, e := range c.array(mustFind(ed, "Differences")) {
			if v, ok := c.integer(e); ok {
				code = v
				continue
			}
			if n, ok := c.name(e); ok {
				differences[code] = n
				code++
			}
		}
	}
	var bad []string
	total := 0
	for i, wo := range widths {
		code := first + i
		w, ok := c.number(wo)
		if !ok || code > 255 {
			continue
		}
		var gid sfnt.GlyphIndex
		if symbolic && len(differences) == 0 {
			gid, _ = fm.f.GlyphIndex(&fm.buf, rune(code))
			if gid == 0 {
				gid, _ = fm.f.GlyphIndex(&fm.buf, rune(0xF000+code))
			}
		} else {
			r := enc.DecodeByte(byte(code))
			if name, ok := differences[code]; ok {
				r, ok = glyphNameRune(name)
				if !ok {
					continue // a glyph name this check cannot map
				}
			}
			gid, _ = fm.f.GlyphIndex(&fm.buf, r)
		}
		if gid == 0 {
			continue
		}
		adv, err := fm.advance(int(gid))
		if err != nil {
			continue
		}
		if math.Abs(adv-w) > widthTolerance {
			total++
			if len(bad) < 5 {
				bad = append(bad, fmt.Sprintf("code %d (glyph %d): /Widths %g, font %g", code, gid, w, math.Round(adv*10)/10))
			}
		}
	}
	if total > 0 {
		report(ruleFontWidths, nr, "%d entries of /Widths of %s disagree with the embedded font program by more than %d/1000 em, e.g. %v", total, quoteName(base), widthTolerance, bad)
	}
}

// glyphNameRune maps the glyph names of the forms uniXXXX and uXXXX[XX], and single ASCII letters
// and digits, to their character; other names are not known here.
func glyphNameRune(name string) (rune, bool) {
	var r rune
	switch {
	case len(name) == 7 && name[:3] == "uni":
		if _, err := fmt.Sscanf(name[3:], "%04X", &r); err == nil {
			return r, true
		}
	case len(name) >= 5 && len(name) <= 7 && name[0] == 'u':
		if _, err := fmt.Sscanf(name[1:], "%X", &r); err == nil {
			return r, true
		}
	case len(name) == 1 && (name[0] >= 'A' && name[0] <= 'Z' || name[0] >= 'a' && name[0] <= 'z'):
		return rune(name[0]), true
	}
	switch name {
	case "space":
		return ' ', true
	case "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine":
		return rune('0' + map[string]int{"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}[name]), true
	}
	return 0, false
}
