package docx

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"

	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/fonts"
)

// fontStyle is one of the four styles of a family, in the order of w:embedRegular, w:embedBold,
// w:embedItalic and w:embedBoldItalic (render/fonts' order).
type fontStyle = fonts.Style

const (
	styleRegular    = fonts.Regular
	styleBold       = fonts.Bold
	styleItalic     = fonts.Italic
	styleBoldItalic = fonts.BoldItalic
	nStyles         = 4
)

var (
	styleFiles = fonts.StyleNames
	embedTags  = [nStyles]string{"w:embedRegular", "w:embedBold", "w:embedItalic", "w:embedBoldItalic"}
)

func styleOf(bold, italic bool) fontStyle {
	s := styleRegular
	if bold {
		s |= styleBold
	}
	if italic {
		s |= styleItalic
	}
	return s
}

// embeddedFace is one style of a render/fonts set as a DOCX embeds it: the font, its
// obfuscated part packed for the archive, the key it is obfuscated with, and the OS/2 fields
// fontTable.xml repeats.
type embeddedFace struct {
	face *fonts.Face
	key  string // the GUID of w:fontKey, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"
	part packed // the obfuscated font, deflated once per process
	// From the OS/2 table: panose, the IBM family class (sFamilyClass's high byte) and the
	// Unicode and code page ranges.
	panose        [10]byte
	familyClass   uint8
	unicodeRange  [4]uint32
	codePageRange [2]uint32
}

// embeddedSet holds the embedded faces of one font set, each made on first use, and its
// w:altName.
type embeddedSet struct {
	alt   string
	once  [nStyles]sync.Once
	faces [nStyles]*embeddedFace
	errs  [nStyles]error
}

// embeddedSets has an entry for every set of every family render/fonts has files for; it is
// only read after init.
var embeddedSets = func() map[*fonts.Set]*embeddedSet {
	out := map[*fonts.Set]*embeddedSet{}
	for _, fam := range fonts.Families() {
		for _, set := range fonts.Sets(fam) {
			out[set] = &embeddedSet{alt: altNames(set)}
		}
	}
	return out
}()

// embed returns style s of set as the DOCX embeds it, obfuscating and deflating it on first use.
func embed(set *fonts.Set, s fontStyle) (*embeddedFace, error) {
	es := embeddedSets[set]
	es.once[s].Do(func() { es.faces[s], es.errs[s] = loadEmbedded(set, s) })
	return es.faces[s], es.errs[s]
}

func loadEmbedded(set *fonts.Set, s fontStyle) (*embeddedFace, error) {
	f, err := set.Face(s)
	if err != nil {
		return nil, err
	}
	fc := &embeddedFace{face: f}
	if err := fc.readOS2(f.Data); err != nil {
		return nil, fmt.Errorf("embedded font %s: %w", f.File, err)
	}
	fc.key = fontKey(f.Data)
	obf := obfuscate(f.Data, fc.key)
	fc.part, err = packFont(obf)
	if err != nil {
		return nil, fmt.Errorf("embedded font %s: %w", f.File, err)
	}
	return fc, nil
}

// packFont deflates an obfuscated font at the best compression: it is done once per process and
// saves some 30 KB in every letter over the level of the other parts.
func packFont(data []byte) (packed, error) {
	var out buf
	fw, err := flate.NewWriter(&out, flate.BestCompression)
	if err != nil {
		return packed{}, err
	}
	if _, err := fw.Write(data); err != nil {
		return packed{}, err
	}
	if err := fw.Close(); err != nil {
		return packed{}, err
	}
	return packed{method: zipDeflate, crc: crc32.ChecksumIEEE(data), size: len(data), data: out.b}, nil
}

// readOS2 reads sFamilyClass, panose, ulUnicodeRange1-4 and ulCodePageRange1-2 from the OS/2
// table.
func (fc *embeddedFace) readOS2(data []byte) error {
	be := binary.BigEndian
	if len(data) < 12 {
		return fmt.Errorf("%d bytes is too short for a font", len(data))
	}
	n := int(be.Uint16(data[4:]))
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(data) {
			break
		}
		if string(data[rec:rec+4]) != "OS/2" {
			continue
		}
		off := int(be.Uint32(data[rec+8:]))
		if off+86 > len(data) {
			return fmt.Errorf("OS/2 table at %d runs past the end of the file", off)
		}
		t := data[off:]
		fc.familyClass = t[30]
		copy(fc.panose[:], t[32:42])
		for k := range 4 {
			fc.unicodeRange[k] = be.Uint32(t[42+4*k:])
		}
		fc.codePageRange[0], fc.codePageRange[1] = be.Uint32(t[78:]), be.Uint32(t[82:])
		return nil
	}
	return fmt.Errorf("no OS/2 table")
}

// fontKey returns the GUID a font is obfuscated with: the first 16 bytes of its SHA-256, as a
// version 4 / RFC 4122 variant GUID, so that the same font always gets the same key (output
// depends only on the Document) and its obfuscated part is the same in every letter.
func fontKey(data []byte) string {
	h := sha256.Sum256(data)
	h[6] = h[6]&0x0F | 0x40
	h[8] = h[8]&0x3F | 0x80
	const hex = hexDigits
	out := make([]byte, 0, 38)
	out = append(out, '{')
	for i, c := range h[:16] {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&15])
	}
	return string(append(out, '}'))
}

// keyBytes returns the 16 bytes the font obfuscation of ECMA-376 Part 1, 17.8.1 XORs with: the
// GUID's 32 hex digits read as bytes from the last to the first.
func keyBytes(guid string) ([16]byte, error) {
	var digits []byte
	for i := 0; i < len(guid); i++ {
		switch c := guid[i]; {
		case c == '{' || c == '}' || c == '-':
		case c >= '0' && c <= '9', c >= 'A' && c <= 'F', c >= 'a' && c <= 'f':
			digits = append(digits, c)
		default:
			return [16]byte{}, fmt.Errorf("font key %q: %q is not a hex digit", guid, c)
		}
	}
	var key [16]byte
	if len(digits) != 32 {
		return key, fmt.Errorf("font key %q has %d hex digits, want 32", guid, len(digits))
	}
	val := func(c byte) byte {
		switch {
		case c <= '9':
			return c - '0'
		case c >= 'a':
			return c - 'a' + 10
		}
		return c - 'A' + 10
	}
	for i := range 16 {
		j := 30 - 2*i
		key[i] = val(digits[j])<<4 | val(digits[j+1])
	}
	return key, nil
}

// obfuscate returns a copy of data with its first 32 bytes XORed with the key of guid, which
// must be one fontKey made. The operation is its own inverse.
func obfuscate(data []byte, guid string) []byte {
	key, err := keyBytes(guid)
	if err != nil {
		panic(err) // fontKey makes only valid keys
	}
	out := append([]byte(nil), data...)
	for i := 0; i < 32 && i < len(out); i++ {
		out[i] ^= key[i%16]
	}
	return out
}

// metrics measures text for a layout: with the advances render/pdf measures with when the
// letter is set in a family postbud has files for, otherwise with estimateAdvance.
type metrics struct {
	faces [2]*fonts.Face // regular, bold; nil when the letter's family is not embedded
}

func newMetrics(set *fonts.Set) (metrics, error) {
	var m metrics
	if set == nil {
		return m, nil
	}
	for i, s := range []fontStyle{styleRegular, styleBold} {
		f, err := set.Face(s)
		if err != nil {
			return m, err
		}
		m.faces[i] = f
	}
	return m, nil
}

// width returns the width of s in mm at sizePt: with the letter's font, exactly as render/pdf
// measures it (the sum of the glyphs' advances in 1/1000 em, characters the font lacks as zero).
func (m metrics) width(s string, bold bool, sizePt float64) float64 {
	i := 0
	if bold {
		i = 1
	}
	if f := m.faces[i]; f != nil {
		return float64(f.Width(s)) * sizePt / 1000 * ptMM
	}
	sum := 0.0
	for _, r := range s {
		sum += advance(r)
	}
	if bold {
		sum *= 1.08
	}
	return sum * sizePt * 25.4 / 72
}

// panoseHex and sig are the w:panose1 and w:sig values of a face.
func (fc *embeddedFace) panoseHex() string {
	out := make([]byte, 0, 20)
	for _, c := range fc.panose {
		out = append(out, hexDigits[c>>4], hexDigits[c&15])
	}
	return string(out)
}

func hex32(v uint32) string {
	var b [8]byte
	for i := range 8 {
		b[7-i] = hexDigits[v&15]
		v >>= 4
	}
	return string(b[:])
}

// fontTable writes word/fontTable.xml: the letter's font with its panose, character set,
// family class, pitch and Unicode and code page ranges (so that Word picks a close substitute
// where it cannot use the font), its alternative names (the family's fuller sets and a
// metric-compatible font) and the embedded styles with their keys.
func (w *writer) fontTable(b *buf) {
	b.raw(xmlHeader + `<w:fonts ` + wordNS + `><w:font w:name="`)
	b.attr(w.l.font)
	b.raw(`">`)
	f := w.embedded[styleRegular]
	if f == nil {
		b.raw(`<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font></w:fonts>`)
		return
	}
	if alt := embeddedSets[w.l.set].alt; alt != "" {
		b.raw(`<w:altName w:val="`)
		b.attr(alt)
		b.raw(`"/>`)
	}
	b.raw(`<w:panose1 w:val="`)
	b.raw(f.panoseHex())
	b.raw(`"/><w:charset w:val="00"/><w:family w:val="`)
	b.raw(f.family())
	b.raw(`"/><w:pitch w:val="`)
	b.raw(f.pitch())
	b.raw(`"/><w:sig w:usb0="`)
	b.raw(hex32(f.unicodeRange[0]))
	b.raw(`" w:usb1="`)
	b.raw(hex32(f.unicodeRange[1]))
	b.raw(`" w:usb2="`)
	b.raw(hex32(f.unicodeRange[2]))
	b.raw(`" w:usb3="`)
	b.raw(hex32(f.unicodeRange[3]))
	b.raw(`" w:csb0="`)
	b.raw(hex32(f.codePageRange[0]))
	b.raw(`" w:csb1="`)
	b.raw(hex32(f.codePageRange[1]))
	b.raw(`"/>`)
	for s, fc := range w.embedded {
		if fc == nil {
			continue
		}
		b.raw(`<`)
		b.raw(embedTags[s])
		b.raw(` r:id="`)
		b.raw(relIDs[1+s])
		b.raw(`" w:fontKey="`)
		b.raw(fc.key)
		b.raw(`"/>`)
	}
	b.raw(`</w:font></w:fonts>`)
}

// metricCompatible names, for a family postbud has files for, a widely installed font with the
// same advance widths, which Word may use where it does not take the embedded font.
var metricCompatible = map[string]string{render.DefaultFont: "Arial"}

// altNames is w:altName for a letter set in set: the family names of the fuller sets of its
// family (Liberation Sans for Postbud Sans Latin, whose glyphs are Liberation Sans's) and the
// family's metric-compatible font, comma-separated as ECMA-376 Part 1, 17.8.3.1 has it.
func altNames(set *fonts.Set) string {
	for _, fam := range fonts.Families() {
		sets := fonts.Sets(fam)
		for i, s := range sets {
			if s != set {
				continue
			}
			var names []string
			for _, fuller := range sets[i+1:] {
				names = append(names, fuller.Family)
			}
			if m := metricCompatible[fam]; m != "" {
				names = append(names, m)
			}
			return strings.Join(names, ", ")
		}
	}
	return ""
}

// family is w:family from the font's OS/2 table: its IBM family class (serif classes roman, sans
// serif swiss, scripts script, ornamentals and symbols decorative), or modern when its panose
// says it is monospaced, as Word classes fixed-pitch fonts.
func (fc *embeddedFace) family() string {
	if fc.panose[0] == 2 && fc.panose[3] == 9 {
		return "modern"
	}
	switch c := fc.familyClass; {
	case c >= 1 && c <= 7:
		return "roman"
	case c == 8:
		return "swiss"
	case c == 10:
		return "script"
	case c == 9 || c == 12:
		return "decorative"
	}
	return "auto"
}

// pitch is w:pitch: fixed when the font's panose (Latin text) says monospaced.
func (fc *embeddedFace) pitch() string {
	if fc.panose[0] == 2 && fc.panose[3] == 9 {
		return "fixed"
	}
	return "variable"
}

// fontTableRels writes word/_rels/fontTable.xml.rels: relationship rId<1+style> for each
// embedded style, to word/fonts/font<1+style>.odttf.
func (w *writer) fontTableRels(b *buf) {
	b.raw(xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for s, fc := range w.embedded {
		if fc == nil {
			continue
		}
		b.raw(`<Relationship Id="`)
		b.raw(relIDs[1+s])
		b.raw(`" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/font" Target="`)
		b.raw(fontPartName(fontStyle(s))[len("word/"):])
		b.raw(`"/>`)
	}
	b.raw(`</Relationships>`)
}

// fontPartName is the part an embedded style is stored in.
func fontPartName(s fontStyle) string { return fontParts[s] }

var fontParts = [nStyles]string{"word/fonts/font1.odttf", "word/fonts/font2.odttf", "word/fonts/font3.odttf", "word/fonts/font4.odttf"}

// letterText is a text the DOCX prints and the style it is set in.
type letterText struct {
	text  string
	style fontStyle
}

// letterTexts lists what a letter's DOCX prints, as fonts.Choose reads it.
type letterTexts []letterText

func (l letterTexts) Len() int                       { return len(l) }
func (l letterTexts) At(i int) (string, fonts.Style) { return l[i].text, l[i].style }

// texts lists the text d's DOCX prints in the style each is set in: the fields render/pdf lists
// to choose the letter's fonts (render/pdf collect), so that the DOCX gets the PDF's font set,
// and the list markers and page numbers, which are in every set.
func texts(d *render.Document) letterTexts {
	out := make(letterTexts, 0, 32)
	add := func(s string, st fontStyle) {
		if s != "" {
			out = append(out, letterText{s, st})
		}
	}
	runs := func(rs []render.Run, bold bool) {
		for _, r := range rs {
			add(r.Text, styleOf(bold || r.Bold, r.Italic))
		}
	}
	lh := d.Letterhead
	add(lh.Name, styleBold)
	add(lh.Department, styleRegular)
	for _, s := range lh.Address {
		add(s, styleRegular)
	}
	for _, s := range lh.Contact {
		add(s, styleRegular)
	}
	add(lh.ReturnAddress(), styleRegular)
	for _, s := range d.Recipient {
		add(s, styleRegular)
	}
	for _, dt := range d.Details {
		add(dt.Label, styleRegular)
		add(dt.Value, styleRegular)
	}
	add(d.Subject, styleBold)
	add(d.Footer, styleRegular)
	if d.PageLabel != "" {
		add(d.PageLabel, styleRegular)
		add("0123456789", styleRegular)
	}
	var walk func([]render.Block)
	walk = func(bs []render.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *render.Heading:
				if b != nil {
					runs(b.Runs, true)
				}
			case *render.Paragraph:
				if b != nil {
					runs(b.Runs, false)
				}
			case *render.List:
				if b != nil {
					add("•0123456789.", styleRegular)
					for _, it := range b.Items {
						walk(it)
					}
				}
			case *render.Table:
				if b == nil {
					continue
				}
				for _, c := range b.Header {
					runs(c.Runs, true)
				}
				for _, r := range b.Rows {
					for _, c := range r {
						runs(c.Runs, false)
					}
				}
				for _, c := range b.Total {
					runs(c.Runs, true)
				}
			case *render.Signature:
				if b != nil {
					add(b.Greeting, styleRegular)
					add(b.Name, styleBold)
					add(b.Title, styleRegular)
				}
			}
		}
	}
	walk(d.Body)
	return out
}

// chooseFonts returns the font set d is set in, as render/pdf chooses it (fonts.Choose on the
// same text), and the styles d uses: regular always (empty paragraphs and fields use it), the
// others as its texts need them. A letter with a character no set has gets the fullest set,
// as render/pdf's Preflight lays it out (Word shows a substitute for that character). The set
// is nil when postbud has no files for family.
func chooseFonts(d *render.Document, family string) (*fonts.Set, [nStyles]bool, error) {
	var used [nStyles]bool
	sets := fonts.Sets(family)
	if sets == nil {
		return nil, used, nil
	}
	ts := texts(d)
	used[styleRegular] = true
	for _, t := range ts {
		used[t.style] = true
	}
	set, err := fonts.Choose(family, ts)
	if m := (*fonts.MissingError)(nil); errors.As(err, &m) {
		return sets[len(sets)-1], used, nil
	}
	return set, used, err
}
