package gofpdf

// postbud fork: a process-wide cache of parsed UTF-8 fonts, the choice of how each is embedded,
// and the output of UTF-8 fonts (see CHANGES.md).

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"hash/maphash"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// UTF8FontEmbedding says how a UTF-8 (TrueType) font is embedded in a document.
type UTF8FontEmbedding int32

const (
	// UTF8FontSubset embeds the glyphs the document uses, renumbered from 0, with a CIDToGIDMap
	// and ToUnicode CMap of the characters used: the smallest output, for large fonts. This is
	// the default.
	UTF8FontSubset UTF8FontEmbedding = iota
	// UTF8FontSubsetKeepGIDs embeds the glyphs the document uses at their ids in the original
	// font (the other glyphs empty). The widths, CIDToGIDMap and ToUnicode CMap are then those of
	// the whole font, built and compressed once per process; only the font file is made per
	// document.
	UTF8FontSubsetKeepGIDs
	// UTF8FontWhole embeds the font file unchanged. Every stream of the font (font file, widths,
	// CIDToGIDMap, ToUnicode) is built and compressed once per process and copied into each
	// document, so the font costs a document almost nothing: the fastest, for small fonts.
	UTF8FontWhole
)

var defaultUTF8Embedding atomic.Int32

// SetDefaultUTF8FontEmbedding sets how UTF-8 fonts are embedded unless SetUTF8FontEmbedding
// chose otherwise for a font. The default is UTF8FontSubset. A document embeds a font as set
// when it adds the font.
func SetDefaultUTF8FontEmbedding(mode UTF8FontEmbedding) {
	defaultUTF8Embedding.Store(int32(mode))
}

// SetUTF8FontEmbedding sets how the UTF-8 font with exactly these bytes is embedded, whichever
// document adds it (AddUTF8Font, AddUTF8FontFromBytes) under whatever family name, from then on.
// It parses the font (once per process; the font stays in the cache) and reports a font gofpdf
// cannot read.
func SetUTF8FontEmbedding(fontBytes []byte, mode UTF8FontEmbedding) error {
	b, err := utf8FontBaseFor(fontBytes, true)
	if err != nil {
		return err
	}
	b.mode.Store(int32(mode))
	return nil
}

// utf8FontBase is what a UTF-8 font's bytes determine: its metrics, widths and the tables
// subsetting reads. It is built once per process and font (utf8FontBaseFor) and never changed
// afterwards, so any number of documents share it.
type utf8FontBase struct {
	data   []byte // a private copy of the font file
	pinned bool   // registered by SetUTF8FontEmbedding: never evicted
	mode   atomic.Int32

	desc   FontDescType
	up, ut int
	cw     []int // width by rune, as utf8FontFile.CharWidths
	psName string

	// Subsetting base.
	tables       map[string]*tableDescription
	cmap         map[int]int // rune -> glyph id; nil if the font has no Unicode cmap
	loca         []int       // glyph offsets in glyf, numSymbols+1 of them
	metricsCount int
	numSymbols   int

	ids sync.Map // font key (family + style) -> font id: gofpdf's SHA-1 of the font definition

	fullOnce sync.Once
	full     utf8FullStreams

	wholeOnce sync.Once
	whole     []byte // the font file, compressed
}

// utf8FullStreams are the streams of a font embedded with the original glyph ids, for every
// character the font has.
type utf8FullStreams struct {
	w         string // the CIDFont's /W entry
	cidToGID  []byte // compressed
	toUnicode []byte // compressed
}

func (b *utf8FontBase) embedding() UTF8FontEmbedding {
	if m := b.mode.Load(); m >= 0 {
		return UTF8FontEmbedding(m)
	}
	return UTF8FontEmbedding(defaultUTF8Embedding.Load())
}

// maxCachedFonts caps the fonts the cache keeps besides those registered with
// SetUTF8FontEmbedding; beyond it an arbitrary unregistered font is dropped.
const maxCachedFonts = 32

var fontCache struct {
	mu       sync.Mutex
	seed     maphash.Seed
	byHash   map[uint64][]*utf8FontBase
	unpinned int
}

func init() {
	fontCache.seed = maphash.MakeSeed()
	fontCache.byHash = map[uint64][]*utf8FontBase{}
}

// utf8FontBaseFor returns the shared base of the font with these bytes, parsing it the first
// time. The cache is keyed by a hash of the content and checked byte for byte.
func utf8FontBaseFor(data []byte, pin bool) (*utf8FontBase, error) {
	h := maphash.Bytes(fontCache.seed, data)
	fontCache.mu.Lock()
	for _, b := range fontCache.byHash[h] {
		if bytes.Equal(b.data, data) {
			if pin && !b.pinned {
				b.pinned = true
				fontCache.unpinned--
			}
			fontCache.mu.Unlock()
			return b, nil
		}
	}
	fontCache.mu.Unlock()

	b, err := newUTF8FontBase(bytes.Clone(data), true)
	if err != nil {
		return nil, err
	}
	b.pinned = pin

	fontCache.mu.Lock()
	defer fontCache.mu.Unlock()
	for _, o := range fontCache.byHash[h] { // parsed meanwhile by another document
		if bytes.Equal(o.data, data) {
			if pin && !o.pinned {
				o.pinned = true
				fontCache.unpinned--
			}
			return o, nil
		}
	}
	if !pin && fontCache.unpinned >= maxCachedFonts {
	evict:
		for k, list := range fontCache.byHash {
			for i, o := range list {
				if !o.pinned {
					list = append(list[:i:i], list[i+1:]...)
					if len(list) == 0 {
						delete(fontCache.byHash, k)
					} else {
						fontCache.byHash[k] = list
					}
					fontCache.unpinned--
					break evict
				}
			}
		}
	}
	fontCache.byHash[h] = append(fontCache.byHash[h], b)
	if !pin {
		fontCache.unpinned++
	}
	return b, nil
}

// newUTF8FontBase parses a TrueType font. With metrics it reads the metrics and widths too
// (parseFile); without, only the tables subsetting needs (UTF8CutFont).
func newUTF8FontBase(data []byte, metrics bool) (*utf8FontBase, error) {
	utf := newUTF8Font(&fileReader{array: data})
	b := &utf8FontBase{data: data}
	b.mode.Store(-1)
	if metrics {
		if err := utf.parseFile(); err != nil {
			return nil, err
		}
		b.desc = FontDescType{
			Ascent:       utf.Ascent,
			Descent:      utf.Descent,
			CapHeight:    utf.CapHeight,
			Flags:        utf.Flags,
			FontBBox:     utf.Bbox,
			ItalicAngle:  utf.ItalicAngle,
			StemV:        utf.StemV,
			MissingWidth: round(utf.DefaultWidth),
		}
		b.up = round(utf.UnderlinePosition)
		b.ut = round(utf.UnderlineThickness)
		b.cw = utf.CharWidths
		b.psName = utf.PostScriptName
	} else {
		utf.fileReader.readerPosition = 4
		utf.generateTableDescriptions()
	}
	b.tables = utf.tableDescriptions
	for _, t := range []string{"head", "hhea", "maxp", "loca", "glyf", "hmtx", "cmap"} {
		if b.tables[t] == nil {
			return b, nil // not subsettable: cutFont returns nil, as upstream failed
		}
	}
	utf.SeekTable("head")
	utf.skip(50)
	locaFormat := utf.readUint16()
	utf.SeekTable("hhea")
	utf.skip(34)
	b.metricsCount = utf.readUint16()
	utf.SeekTable("maxp")
	utf.skip(4)
	b.numSymbols = utf.readUint16()
	if utf.generateCMAP() == nil {
		return b, nil
	}
	utf.parseLOCATable(locaFormat, b.numSymbols)
	if len(utf.symbolPosition) != b.numSymbols+1 {
		return b, nil
	}
	b.loca = utf.symbolPosition
	b.cmap = utf.charSymbolDictionary
	return b, nil
}

// fontID returns gofpdf's id of the font definition def (made from this base): the SHA-1 of its
// JSON encoding, which includes the 65,536-entry width table, so it is computed once per base
// and font key rather than per document.
func (b *utf8FontBase) fontID(def fontDefType) string {
	if id, ok := b.ids.Load(def.Name); ok {
		return id.(string)
	}
	id, _ := generateFontID(def)
	b.ids.Store(def.Name, id)
	return id
}

// utf8FontDef returns the definition of a UTF-8 font for a document. Everything but the set of
// runes used is shared with other documents and read-only.
func (f *Fpdf) utf8FontDef(fontKey string, data []byte) (fontDefType, error) {
	b, err := utf8FontBaseFor(data, false)
	if err != nil {
		return fontDefType{}, err
	}
	var sbarr map[int]int
	if f.aliasNbPagesStr == "" {
		sbarr = makeSubsetRange(57)
	} else {
		sbarr = makeSubsetRange(32)
	}
	utf := &utf8FontFile{
		fileReader:         &fileReader{array: b.data},
		base:               b,
		Ascent:             b.desc.Ascent,
		Descent:            b.desc.Descent,
		Bbox:               b.desc.FontBBox,
		CapHeight:          b.desc.CapHeight,
		StemV:              b.desc.StemV,
		ItalicAngle:        b.desc.ItalicAngle,
		Flags:              b.desc.Flags,
		UnderlinePosition:  float64(b.up),
		UnderlineThickness: float64(b.ut),
		CharWidths:         b.cw,
		PostScriptName:     b.psName,
		mode:               b.embedding(),
	}
	def := fontDefType{
		Tp:        "UTF8",
		Name:      fontKey,
		Desc:      b.desc,
		Up:        b.up,
		Ut:        b.ut,
		Cw:        b.cw,
		utf8File:  utf,
		usedRunes: sbarr,
	}
	def.i = b.fontID(def)
	return def, nil
}

// useRunes records the runes of s as used by the document, for its subset. A font embedded whole
// needs no record.
func (font *fontDefType) useRunes(s string) {
	if font.utf8File != nil && font.utf8File.mode == UTF8FontWhole {
		return
	}
	for _, r := range s {
		font.usedRunes[int(r)] = int(r)
	}
}

// wholeStream returns the font file compressed, made once.
func (b *utf8FontBase) wholeStream() []byte {
	b.wholeOnce.Do(func() { b.whole = sliceCompress(b.data) })
	return b.whole
}

// fullStreams returns the widths, CIDToGIDMap and ToUnicode CMap of every character of the font
// at its original glyph id, made once.
func (b *utf8FontBase) fullStreams() *utf8FullStreams {
	b.fullOnce.Do(func() {
		used := make(map[int]int, len(b.cmap))
		gids := make(map[int]int, len(b.cmap))
		last := 0
		for r, g := range b.cmap {
			if g == 0 || r <= 0 || r >= 0xFFFF || (r >= 0xD800 && r < 0xE000) {
				continue
			}
			used[r] = r
			gids[r] = g
			if r > last {
				last = r
			}
		}
		b.full.w = cidWidths(b.cw, used, last)
		b.full.cidToGID = cidToGIDMap(gids)
		b.full.toUnicode = sliceCompress(toUnicodeCMap(gids))
	})
	return &b.full
}

// baseFontName returns the name a font is embedded under: its PostScript name, and for a subset
// a tag of six capital letters derived from the glyphs it holds (ISO 32000-1, 9.6.4), so the same
// glyphs always give the same name.
func baseFontName(b *utf8FontBase, fontKey string, gids []int) string {
	name := b.psName
	if name == "" {
		name = fontKey
	}
	name = pdfNameChars(name)
	if gids == nil {
		return name
	}
	h := sha1.New()
	h.Write([]byte(name))
	var buf [2]byte
	for _, g := range gids {
		binary.BigEndian.PutUint16(buf[:], uint16(g))
		h.Write(buf[:])
	}
	sum := h.Sum(nil)
	tag := make([]byte, 7)
	for i := 0; i < 6; i++ {
		tag[i] = 'A' + sum[i]%26
	}
	tag[6] = '+'
	return string(tag) + name
}

// pdfNameChars writes the characters of a PDF name that must not appear as themselves as #xx.
func pdfNameChars(s string) string {
	const hex = "0123456789ABCDEF"
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || bytes.IndexByte([]byte("()<>[]{}/%#"), c) >= 0 {
			if out == nil {
				out = append([]byte(nil), s[:i]...)
			}
			out = append(out, '#', hex[c>>4], hex[c&15])
		} else if out != nil {
			out = append(out, c)
		}
	}
	if out == nil {
		return s
	}
	return string(out)
}

var cidMapPool = sync.Pool{New: func() any { b := make([]byte, 0, 1<<13); return &b }}

// cidToGIDMap returns the compressed CIDToGIDMap stream of a font whose CIDs are the runes of
// gids, mapped to those glyph ids. It stops at the highest CID used: CIDs beyond the stream map
// to glyph 0 (ISO 32000-1, table 117), so the other 128 KiB upstream wrote are zeros.
func cidToGIDMap(gids map[int]int) []byte {
	last := -1
	for cc := range gids {
		if cc < 0x10000 && cc > last {
			last = cc
		}
	}
	p := cidMapPool.Get().(*[]byte)
	m := (*p)[:0]
	m = append(m, make([]byte, 2*(last+1))...)
	for cc, g := range gids {
		if cc >= 0 && cc < 0x10000 {
			m[cc*2] = byte(g >> 8)
			m[cc*2+1] = byte(g)
		}
	}
	out := sliceCompress(m)
	*p = m
	cidMapPool.Put(p)
	return out
}

const toUnicodeHead = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
const toUnicodeTail = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"

// toUnicodeCMap returns the ToUnicode CMap of a font whose CIDs are Unicode code points (as
// gofpdf writes text): every CID in cids maps to itself. Runs of consecutive CIDs become bfrange
// entries that never cross a multiple of 256, as ISO 32000-1 (9.10.3) and the CMap spec (Adobe
// TN 5411) require, and single CIDs bfchar entries, at most 100 to a block. Upstream wrote one
// range <0000> <FFFF>, which breaks that rule and maps surrogates and unused codes.
func toUnicodeCMap(cids map[int]int) []byte {
	codes := make([]int, 0, len(cids))
	for c := range cids {
		if c > 0 && c < 0xFFFF && (c < 0xD800 || c >= 0xE000) {
			codes = append(codes, c)
		}
	}
	sort.Ints(codes)
	var ranges, chars [][2]int
	for i := 0; i < len(codes); {
		j := i
		for j+1 < len(codes) && codes[j+1] == codes[j]+1 && codes[j+1]>>8 == codes[i]>>8 {
			j++
		}
		if j > i {
			ranges = append(ranges, [2]int{codes[i], codes[j]})
		} else {
			chars = append(chars, [2]int{codes[i], codes[i]})
		}
		i = j + 1
	}
	out := make([]byte, 0, len(toUnicodeHead)+len(toUnicodeTail)+22*len(ranges)+15*len(chars)+64)
	out = append(out, toUnicodeHead...)
	hex4 := func(b []byte, v int) []byte {
		const hex = "0123456789ABCDEF"
		return append(b, '<', hex[v>>12&15], hex[v>>8&15], hex[v>>4&15], hex[v&15], '>')
	}
	for len(ranges) > 0 {
		n := min(len(ranges), 100)
		out = strconv.AppendInt(out, int64(n), 10)
		out = append(out, " beginbfrange\n"...)
		for _, r := range ranges[:n] {
			out = hex4(out, r[0])
			out = append(out, ' ')
			out = hex4(out, r[1])
			out = append(out, ' ')
			out = hex4(out, r[0])
			out = append(out, '\n')
		}
		out = append(out, "endbfrange\n"...)
		ranges = ranges[n:]
	}
	for len(chars) > 0 {
		n := min(len(chars), 100)
		out = strconv.AppendInt(out, int64(n), 10)
		out = append(out, " beginbfchar\n"...)
		for _, c := range chars[:n] {
			out = hex4(out, c[0])
			out = append(out, ' ')
			out = hex4(out, c[0])
			out = append(out, '\n')
		}
		out = append(out, "endbfchar\n"...)
		chars = chars[n:]
	}
	return append(out, toUnicodeTail...)
}

// putUTF8Font writes the objects of a UTF-8 font: Type0 font, CIDFont, ToUnicode CMap,
// CIDSystemInfo, font descriptor, CIDToGIDMap and font file, in that order (as upstream).
func (f *Fpdf) putUTF8Font(font *fontDefType) {
	utf := font.utf8File
	b := utf.base
	usedRunes := font.usedRunes
	delete(usedRunes, 0)

	var fontFile []byte // compressed
	var length1 int
	var name, w string
	var cidMap, toUni []byte // compressed
	switch mode := utf.mode; mode {
	case UTF8FontWhole, UTF8FontSubsetKeepGIDs:
		full := b.fullStreams()
		w, cidMap, toUni = full.w, full.cidToGID, full.toUnicode
		if mode == UTF8FontWhole {
			fontFile, length1 = b.wholeStream(), len(b.data)
			name = baseFontName(b, font.Name, nil)
		} else {
			stream := utf.cutFont(usedRunes, true)
			fontFile, length1 = sliceCompress(stream), len(stream)
			name = baseFontName(b, font.Name, utf.usedGIDs)
		}
	default:
		stream := utf.cutFont(usedRunes, false)
		fontFile, length1 = sliceCompress(stream), len(stream)
		name = baseFontName(b, font.Name, utf.usedGIDs)
		codes := utf.CodeSymbolDictionary
		delete(codes, 0)
		w = cidWidths(font.Cw, usedRunes, utf.LastRune)
		cidMap = cidToGIDMap(codes)
		toUni = sliceCompress(toUnicodeCMap(codes))
	}

	n := strconv.Itoa
	f.newobj()
	f.out("<</Type /Font\n/Subtype /Type0\n/BaseFont /" + name + "\n/Encoding /Identity-H\n/DescendantFonts [" +
		n(f.n+1) + " 0 R]\n/ToUnicode " + n(f.n+2) + " 0 R>>\nendobj")

	f.newobj()
	f.out("<</Type /Font\n/Subtype /CIDFontType2\n/BaseFont /" + name + "\n" +
		"/CIDSystemInfo " + n(f.n+2) + " 0 R\n/FontDescriptor " + n(f.n+3) + " 0 R")
	if font.Desc.MissingWidth != 0 {
		f.out("/DW " + n(font.Desc.MissingWidth))
	}
	f.out(w)
	f.out("/CIDToGIDMap " + n(f.n+4) + " 0 R>>")
	f.out("endobj")

	f.newobj()
	f.out("<</Length " + n(len(toUni)) + "/Filter /FlateDecode>>")
	f.putstream(toUni)
	f.out("endobj")

	// CIDInfo
	f.newobj()
	f.out("<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0>>")
	f.out("endobj")

	// Font descriptor
	f.newobj()
	d := font.Desc
	flags := (d.Flags | 4) &^ 32
	f.out("<</Type /FontDescriptor /FontName /" + name + "\n /Ascent " + n(d.Ascent) +
		" /Descent " + n(d.Descent) + " /CapHeight " + n(d.CapHeight) + " /Flags " + n(flags) +
		"/FontBBox [" + n(d.FontBBox.Xmin) + " " + n(d.FontBBox.Ymin) + " " + n(d.FontBBox.Xmax) + " " + n(d.FontBBox.Ymax) + "] " +
		" /ItalicAngle " + n(d.ItalicAngle) + " /StemV " + n(d.StemV) + " /MissingWidth " + n(d.MissingWidth) +
		"/FontFile2 " + n(f.n+2) + " 0 R>>")
	f.out("endobj")

	f.newobj()
	f.out("<</Length " + n(len(cidMap)) + "/Filter /FlateDecode>>")
	f.putstream(cidMap)
	f.out("endobj")

	// Font file
	f.newobj()
	f.out("<</Length " + n(len(fontFile)) + "\n/Filter /FlateDecode\n/Length1 " + n(length1) + "\n>>")
	f.putstream(fontFile)
	f.out("endobj")
}

// cidWidths returns a CIDFont's /W entry: the widths of the CIDs (runes) up to lastRune that are
// below 256 or in used. Upstream's generateCIDFontMap, writing numbers with strconv.
func cidWidths(cw []int, used map[int]int, lastRune int) string {
	rangeID := 0
	cidArray := make(map[int]*untypedKeyMap)
	cidArrayKeys := make([]int, 0)
	prevCid := -2
	prevWidth := -1
	interval := false
	startCid := 1
	cwLen := min(lastRune+1, len(cw))

	// for each character
	for cid := startCid; cid < cwLen; cid++ {
		if cw[cid] == 0x00 {
			continue
		}
		width := cw[cid]
		if width == 65535 {
			width = 0
		}
		if numb, OK := used[cid]; cid > 255 && (!OK || numb == 0) {
			continue
		}

		if cid == prevCid+1 {
			if width == prevWidth {

				if width == cidArray[rangeID].get(0) {
					cidArray[rangeID].put(nil, width)
				} else {
					cidArray[rangeID].pop()
					rangeID = prevCid
					r := untypedKeyMap{
						valueSet: make([]int, 0),
						keySet:   make([]interface{}, 0),
					}
					cidArray[rangeID] = &r
					cidArrayKeys = append(cidArrayKeys, rangeID)
					cidArray[rangeID].put(nil, prevWidth)
					cidArray[rangeID].put(nil, width)
				}
				interval = true
				cidArray[rangeID].put("interval", 1)
			} else {
				if interval {
					// new range
					rangeID = cid
					r := untypedKeyMap{
						valueSet: make([]int, 0),
						keySet:   make([]interface{}, 0),
					}
					cidArray[rangeID] = &r
					cidArrayKeys = append(cidArrayKeys, rangeID)
					cidArray[rangeID].put(nil, width)
				} else {
					cidArray[rangeID].put(nil, width)
				}
				interval = false
			}
		} else {
			rangeID = cid
			r := untypedKeyMap{
				valueSet: make([]int, 0),
				keySet:   make([]interface{}, 0),
			}
			cidArray[rangeID] = &r
			cidArrayKeys = append(cidArrayKeys, rangeID)
			cidArray[rangeID].put(nil, width)
			interval = false
		}
		prevCid = cid
		prevWidth = width

	}
	previousKey := -1
	nextKey := -1
	isInterval := false
	for g := 0; g < len(cidArrayKeys); {
		key := cidArrayKeys[g]
		ws := *cidArray[key]
		cws := len(ws.keySet)
		if (key == nextKey) && (!isInterval) && (ws.getIndex("interval") < 0 || cws < 4) {
			if cidArray[key].getIndex("interval") >= 0 {
				cidArray[key].delete("interval")
			}
			cidArray[previousKey] = arrayMerge(cidArray[previousKey], cidArray[key])
			cidArrayKeys = remove(cidArrayKeys, key)
		} else {
			g++
			previousKey = key
		}
		nextKey = key + cws
		// ui := ws.getIndex("interval")
		// ui = ui + 1
		if ws.getIndex("interval") >= 0 {
			if cws > 3 {
				isInterval = true
			} else {
				isInterval = false
			}
			cidArray[key].delete("interval")
			nextKey--
		} else {
			isInterval = false
		}
	}
	w := make([]byte, 0, 16*len(cidArrayKeys)+64)
	w = append(w, "/W ["...)
	for _, k := range cidArrayKeys {
		ws := cidArray[k]
		if len(arrayCountValues(ws.valueSet)) == 1 {
			w = append(w, ' ')
			w = strconv.AppendInt(w, int64(k), 10)
			w = append(w, ' ')
			w = strconv.AppendInt(w, int64(k+len(ws.valueSet)-1), 10)
			w = append(w, ' ')
			w = strconv.AppendInt(w, int64(ws.get(0)), 10)
		} else {
			w = append(w, ' ')
			w = strconv.AppendInt(w, int64(k), 10)
			w = append(w, " [ "...)
			w = appendImplode(w, " ", ws.valueSet)
			w = append(w, " ]\n"...)
		}
	}
	w = append(w, " ]"...)
	return string(w)
}

// appendImplode appends the numbers of arr separated by sep.
func appendImplode(b []byte, sep string, arr []int) []byte {
	for i, v := range arr {
		if i > 0 {
			b = append(b, sep...)
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	return b
}

// appendF2 appends v as fmt's %.2f does.
func appendF2(b []byte, v float64) []byte { return strconv.AppendFloat(b, v, 'f', 2, 64) }

// outFontSelect writes "BT /F<id> <size> Tf ET" (upstream: outf with fmt).
func (f *Fpdf) outFontSelect() {
	var a [96]byte
	b := append(a[:0], "BT /F"...)
	b = append(b, f.currentFont.i...)
	b = append(b, ' ')
	b = appendF2(b, f.fontSizePt)
	b = append(b, " Tf ET\n"...)
	if f.state == 2 {
		f.pages[f.page].Write(b)
	} else {
		f.buffer.Write(b)
	}
}

// colorString is rgbColorValue's operator string, as upstream's sprintf("%.3f ...") wrote it.
func colorString(clr colorType, grayStr, fullStr string) string {
	var a [48]byte
	b := strconv.AppendFloat(a[:0], clr.r, 'f', 3, 64)
	if len(grayStr) > 0 && clr.gray {
		b = append(b, ' ')
		b = append(b, grayStr...)
		return string(b)
	}
	b = append(b, ' ')
	b = strconv.AppendFloat(b, clr.g, 'f', 3, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, clr.b, 'f', 3, 64)
	if len(grayStr) > 0 {
		b = append(b, ' ')
		b = append(b, fullStr...)
	}
	return string(b)
}

// textOp returns "BT x y Td (txt) Tj ET" with x and y as %.2f (upstream: sprintf).
func textOp(x, y float64, txt string) string {
	b := make([]byte, 0, 32+len(txt))
	b = append(b, "BT "...)
	b = appendF2(b, x)
	b = append(b, ' ')
	b = appendF2(b, y)
	b = append(b, " Td ("...)
	b = append(b, txt...)
	b = append(b, ") Tj ET"...)
	return string(b)
}

var (
	lowerNames  sync.Map // family name -> strings.ToLower(name), for SetFont
	lowerNamesN atomic.Int32
)

// lowerName is strings.ToLower(s), remembered: SetFont is called for every piece of text, with a
// handful of family names.
func lowerName(s string) string {
	if l, ok := lowerNames.Load(s); ok {
		return l.(string)
	}
	l := strings.ToLower(s)
	if len(s) <= 64 && lowerNamesN.Add(1) <= 256 {
		lowerNames.Store(s, l)
	}
	return l
}
