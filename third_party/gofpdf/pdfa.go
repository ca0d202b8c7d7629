package gofpdf

// PDF/A (ISO 19005) output, the document language and the trailer file identifier: postbud's
// additions to gofpdf (see CHANGES.md). Everything PDF/A needs is written by the functions here,
// called from small hooks in putheader, putpages, putfonts, putxmp, putinfo, putcatalog and
// puttrailer. With PDF/A off (the default) and no language or file identifier set, output is
// exactly upstream's.

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// pdfaType holds the settings of this file.
type pdfaType struct {
	part        int    // 0 (off), 1 (PDF/A-1) or 2 (PDF/A-2)
	conformance string // "B"
	lang        string // /Lang of the catalog; "" writes none
	fileID      []byte // both halves of the trailer /ID; nil derives it from the file (PDF/A only)

	// Output intent: the ICC profile of the output condition (shared, compressed once per
	// process) and its names.
	icc        *iccStream
	iccN       int // colour components of the profile: 1, 3 or 4
	intentID   string
	intentInfo string
	intentReg  string
	iccObj     int // object number of the profile stream, once written
	xmpObj     int // object number of the metadata stream, once written
}

// SetPDFA makes the document conform to PDF/A part 1 (ISO 19005-1, PDF 1.4) or 2 (ISO
// 19005-2, PDF 1.7), conformance level "B" (visual appearance) or "A" (accessible: level B and
// a tagged document, SetTagged; a tagged document is written as level A whichever level is
// set here); part 0 turns PDF/A off. The
// document then gets: the PDF version of the part, a binary comment after the header, XMP
// metadata built from the document information (title, author, subject, keywords, creator,
// producer, dates, pdfaid) unless SetXmpMetadata gave one, the output intent of
// SetOutputIntent (required), a trailer /ID (see SetFileID), /F 4 (print) on every link
// annotation, no page transparency group, dates with their time zone, no empty /EmbeddedFiles
// name tree, and a CIDSet for every embedded UTF-8 font (PDF/A-1). Output fails (Error) when
// the document uses what PDF/A forbids or gofpdf cannot make conform: encryption, alpha
// transparency or blend modes, images with a soft mask (alpha channel), attachments,
// JavaScript, fonts that are not embedded, layers in PDF/A-1, no output intent, or level A
// without tagging.
func (f *Fpdf) SetPDFA(part int, conformance string) {
	switch {
	case part == 0:
		f.pdfa.part, f.pdfa.conformance = 0, ""
	case (part == 1 || part == 2) && (conformance == "B" || conformance == "A"):
		f.pdfa.part, f.pdfa.conformance = part, conformance
	default:
		f.SetErrorf("PDF/A-%d%s is not supported: use part 1 or 2, conformance B or A", part, strings.ToLower(conformance))
	}
}

// PDFA returns the PDF/A part and conformance set with SetPDFA; part 0 means PDF/A is off. (A
// tagged document is written as level A, see pdfaLevel.)
func (f *Fpdf) PDFA() (part int, conformance string) { return f.pdfa.part, f.pdfa.conformance }

// pdfaLevel returns the conformance level the document is written as: A when it is tagged
// (postbud CHANGES.md 23: PDF/A-1a and PDF/A-2a are level B plus the logical structure, the
// Unicode mapping of every character, which every embedded UTF-8 font has, and the language),
// else the level set with SetPDFA.
func (f *Fpdf) pdfaLevel() string {
	if f.tag.on && f.pdfa.part != 0 {
		return "A"
	}
	return f.pdfa.conformance
}

// SetOutputIntent sets the output intent (/S /GTS_PDFA1) that PDF/A requires: the ICC profile
// of the colour space device colours are meant in, its number of colour components (3 for an
// RGB profile such as sRGB), the output condition identifier (e.g. "sRGB IEC61966-2.1"), a
// description and the registry the identifier is from (e.g. "http://www.color.org"; may be
// empty). The profile is embedded compressed; the compressed stream is made once per process
// for each distinct profile (the cache is keyed by the profile's bytes, so the caller may reuse
// or change its slice afterwards).
func (f *Fpdf) SetOutputIntent(iccProfile []byte, components int, identifier, info, registry string) {
	if len(iccProfile) < 128 || string(iccProfile[36:40]) != "acsp" {
		f.SetErrorf("output intent %q: the profile is not an ICC profile", identifier)
		return
	}
	if components != 1 && components != 3 && components != 4 {
		f.SetErrorf("output intent %q: an ICC profile has 1, 3 or 4 colour components, not %d", identifier, components)
		return
	}
	f.pdfa.icc = iccStreamFor(iccProfile)
	f.pdfa.iccN = components
	f.pdfa.intentID, f.pdfa.intentInfo, f.pdfa.intentReg = identifier, info, registry
}

// SetLang sets the natural language of the document's text, /Lang in the catalog, as a BCP 47
// tag such as "da" or "nb-NO". An empty tag writes none.
func (f *Fpdf) SetLang(tag string) { f.pdfa.lang = tag }

// SetFileID sets both parts of the file identifier in the trailer (/ID). Without it a PDF/A
// document gets an MD5 of its own bytes before the trailer, except that each stream (or /W
// array) that is the same in every document of the process, the output intent's profile and
// the font data made once per process (see UTF8FontWhole and UTF8FontSubsetKeepGIDs),
// contributes its own MD5, computed once, instead of its bytes (see pdfaFileID): the same
// document always gives the same identifier in every run and process, so output stays
// reproducible, and any other difference gives a different one. Outside PDF/A, /ID is written
// only when set here.
func (f *Fpdf) SetFileID(id []byte) { f.pdfa.fileID = append([]byte(nil), id...) }

// pdfaHeader sets the PDF version of the PDF/A part and checks what the document uses; called
// by putheader before it writes the header.
func (f *Fpdf) pdfaHeader() {
	p := &f.pdfa
	if p.part == 0 {
		return
	}
	fail := func(format string, args ...interface{}) {
		if f.err == nil {
			f.err = fmt.Errorf("PDF/A-%d%s: "+format, append([]interface{}{p.part, strings.ToLower(f.pdfaLevel())}, args...)...)
		}
	}
	if p.part == 1 {
		if f.pdfVersion > "1.4" {
			fail("PDF version %s needed (layers or a two-page layout), PDF/A-1 allows 1.4 at most", f.pdfVersion)
		}
		f.pdfVersion = "1.4"
	} else {
		f.pdfVersion = "1.7"
	}
	switch {
	case p.conformance == "A" && !f.tag.on:
		fail("level A needs a tagged document: call SetTagged(true) and tag the content")
	case p.icc == nil:
		fail("no output intent: call SetOutputIntent with an ICC profile")
	case f.protect.encrypted:
		fail("encryption is not allowed")
	case len(f.blendMap) > 0:
		fail("transparency (SetAlpha) is not allowed")
	case len(f.attachments) > 0 || f.pageAttachmentCount() > 0:
		fail("file attachments are not allowed")
	case f.javascript != nil:
		fail("JavaScript is not allowed")
	}
	for _, key := range sortedKeys(f.images) {
		if len(f.images[key].smask) > 0 {
			fail("image %s has an alpha channel (soft mask): flatten it before adding it", key)
		}
	}
	for _, key := range sortedFontKeys(f.fonts) {
		if f.fonts[key].Tp == "Core" {
			fail("font %s is a core font, which is not embedded: add it with AddUTF8Font", f.fonts[key].Name)
		}
	}
}

func (f *Fpdf) pageAttachmentCount() int {
	n := 0
	for _, l := range f.pageAttachments {
		n += len(l)
	}
	return n
}

func sortedKeys(m map[string]*ImageInfoType) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedFontKeys(m map[string]fontDefType) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pdfaBinaryComment writes the comment of four bytes above 127 that PDF/A requires on the line
// after the header (so that tools treat the file as binary); called by putheader.
func (f *Fpdf) pdfaBinaryComment() {
	if f.pdfa.part != 0 {
		f.out("%\xE2\xE3\xCF\xD3")
	}
}

// pdfaPageGroup reports whether a page may get the transparency group gofpdf gives every page
// of a PDF 1.4 or later file: not in PDF/A, which forbids (PDF/A-1) or needs no transparency.
func (f *Fpdf) pdfaPageGroup() bool { return f.pdfa.part == 0 }

// pdfaAnnotFlags returns the flags entry of an annotation: /F 4 (print) in PDF/A, which
// requires it, else nothing.
func (f *Fpdf) pdfaAnnotFlags() string {
	if f.pdfa.part != 0 {
		return "/F 4 "
	}
	return ""
}

// pdfaCIDSet writes, for PDF/A-1, the CIDSet stream of the UTF-8 font whose objects putfonts
// has just written (its font descriptor is the first after the font's first object) and adds
// it to that descriptor. PDF/A-1 requires a CIDSet for every embedded CID font subset (a font named
// "ABCDEF+Name"); a font embedded whole gets none. The CIDs are the runes the subset maps to its
// glyphs (CodeSymbolDictionary), and CID 0 (.notdef), which every font program has. Called by
// putfonts after a UTF-8 font.
func (f *Fpdf) pdfaCIDSet(font *fontDefType) {
	if f.pdfa.part != 1 || f.err != nil || font.utf8File == nil {
		return
	}
	// The descriptor: the first "/Type /FontDescriptor" after the font's first object (font.N),
	// which is the font's. The reference goes before the ">>" that closes it, and the objects
	// after it move.
	buf := f.buffer.Bytes()
	from := 0
	if font.N > 0 && font.N < len(f.offsets) && f.offsets[font.N] <= len(buf) {
		from = f.offsets[font.N]
	}
	at := bytes.Index(buf[from:], []byte("<</Type /FontDescriptor /FontName /"))
	if at >= 0 {
		at += from
	}
	end := -1
	if at >= 0 {
		if e := bytes.Index(buf[at:], []byte(">>\nendobj\n")); e >= 0 {
			end = at + e
		}
	}
	if end < 0 {
		f.err = fmt.Errorf("PDF/A-1: no font descriptor for the CIDSet of font %s", font.Name)
		return
	}
	name := buf[at+len("<</Type /FontDescriptor /FontName /") : end]
	if i := bytes.IndexAny(name, " \n/"); i >= 0 {
		name = name[:i]
	}
	if !bytes.Contains(name, []byte("+")) {
		return // embedded whole
	}
	last := 0
	for cid := range font.utf8File.CodeSymbolDictionary {
		if cid > last {
			last = cid
		}
	}
	set := make([]byte, last/8+1)
	set[0] |= 0x80 // CID 0
	for cid := range font.utf8File.CodeSymbolDictionary {
		if cid > 0 {
			set[cid/8] |= 0x80 >> uint(cid%8)
		}
	}
	// Inserted in place: the buffer grows by the reference and only what follows the descriptor
	// (this font's CIDToGIDMap and font file) moves, rather than copying the whole file.
	ref := []byte(" /CIDSet " + strconv.Itoa(f.n+1) + " 0 R")
	n := len(buf)
	f.buffer.Write(ref)
	buf = f.buffer.Bytes()
	copy(buf[end+len(ref):], buf[end:n])
	copy(buf[end:], ref)
	for j := 1; j < len(f.offsets); j++ {
		if f.offsets[j] > end {
			f.offsets[j] += len(ref)
		}
	}
	data := sliceCompress(set)
	f.newobj()
	f.outf("<</Length %d /Filter /FlateDecode>>", len(data))
	f.putstream(data)
	f.out("endobj")
}

// pdfaPutObjects writes the ICC profile of the output intent and, in PDF/A or a tagged
// document (PDF/UA), generates the XMP metadata when SetXmpMetadata gave none; called by putxmp
// before it writes the metadata.
func (f *Fpdf) pdfaPutObjects() {
	p := &f.pdfa
	if p.part == 0 && !f.tag.on {
		return
	}
	if p.icc != nil && p.part != 0 {
		data := p.icc.stream().b
		f.newobj()
		p.iccObj = f.n
		f.outf("<</N %d /Length %d /Filter /FlateDecode>>", p.iccN, len(data))
		f.putstream(data)
		f.out("endobj")
	}
	// One clock reading for the information dictionary and the XMP, which must agree.
	if f.creationDate.IsZero() {
		f.creationDate = time.Now()
	}
	if f.modDate.IsZero() {
		f.modDate = f.creationDate
	}
	if len(f.xmp) == 0 {
		f.xmp = f.pdfaXMP()
	}
}

// pdfaXMPObj records the object number of the metadata stream, which the catalog refers to.
func (f *Fpdf) pdfaXMPObj(n int) { f.pdfa.xmpObj = n }

// pdfaDate formats a date of the document information dictionary: as upstream does
// (D:YYYYMMDDHHmmSS), and in PDF/A or a tagged document (which has XMP) with the time zone
// (D:YYYYMMDDHHmmSS+HH'mm'), which the XMP dates must equal.
func (f *Fpdf) pdfaDate(tm time.Time) string {
	b := make([]byte, 0, len("D:YYYYMMDDHHmmSS+HH'mm'"))
	b = tm.AppendFormat(append(b, "D:"...), "20060102150405")
	if f.pdfa.part != 0 || f.tag.on {
		_, off := tm.Zone()
		sign := byte('+')
		if off < 0 {
			sign, off = '-', -off
		}
		h, m := off/3600, off%3600/60
		b = append(b, sign, byte('0'+h/10%10), byte('0'+h%10), '\'', byte('0'+m/10), byte('0'+m%10), '\'')
	}
	return string(b)
}

// pdfaCatalog writes the catalog entries of this file: /Lang, and in PDF/A /Metadata and
// /OutputIntents; called by putcatalog after /Type.
func (f *Fpdf) pdfaCatalog() {
	p := &f.pdfa
	if p.lang != "" {
		f.outf("/Lang %s", f.textstring(p.lang))
	}
	if p.xmpObj > 0 {
		f.out("/Metadata " + strconv.Itoa(p.xmpObj) + " 0 R")
	}
	if p.part != 0 && p.iccObj > 0 {
		s := "/OutputIntents [<</Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier " + f.textstring(p.intentID)
		if p.intentInfo != "" {
			s += " /Info " + f.textstring(p.intentInfo)
		}
		if p.intentReg != "" {
			s += " /RegistryName " + f.textstring(p.intentReg)
		}
		f.out(s + " /DestOutputProfile " + strconv.Itoa(p.iccObj) + " 0 R>>]")
	}
}

// pdfaNames reports whether putcatalog writes the /Names dictionary: always outside PDF/A;
// in PDF/A only when it has something in it (PDF/A-1 forbids /EmbeddedFiles).
func (f *Fpdf) pdfaNames() bool {
	return f.pdfa.part == 0 || f.javascript != nil || len(f.attachments) > 0
}

// pdfaTrailer writes the trailer's /ID: the one SetFileID gave, or in PDF/A the MD5 of the
// file so far with its per-process constant parts replaced by their MD5s (pdfaFileID). Called by puttrailer; an encrypted file keeps upstream's.
func (f *Fpdf) pdfaTrailer() {
	if f.protect.encrypted {
		return
	}
	id := f.pdfa.fileID
	if id == nil && f.pdfa.part != 0 {
		id = f.pdfaFileID()
	}
	if id == nil {
		return
	}
	h := hex.EncodeToString(id)
	f.outf("/ID [<%s> <%s>]", h, h)
}

// appendInfoXML appends a document information string as gofpdf keeps it (UTF-16BE with a
// byte order mark when set as UTF-8, else Latin-1), decoded to UTF-8 and escaped for XML
// character data and attribute values (&, <, >, " and CR); an unpaired surrogate becomes
// U+FFFD, as utf16.Decode makes it.
func appendInfoXML(b []byte, s string) []byte {
	if strings.HasPrefix(s, "\xFE\xFF") {
		for i := 2; i+1 < len(s); i += 2 {
			r := rune(s[i])<<8 | rune(s[i+1])
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if i+3 < len(s) {
					r2 = utf16.DecodeRune(r, rune(s[i+2])<<8|rune(s[i+3]))
				}
				if r2 != utf8.RuneError {
					i += 2
				}
				r = r2
			}
			b = appendXMLRune(b, r)
		}
		return b
	}
	for i := 0; i < len(s); i++ {
		b = appendXMLRune(b, rune(s[i]))
	}
	return b
}

func appendXMLRune(b []byte, r rune) []byte {
	switch r {
	case '&':
		return append(b, "&amp;"...)
	case '<':
		return append(b, "&lt;"...)
	case '>':
		return append(b, "&gt;"...)
	case '"':
		return append(b, "&quot;"...)
	case '\r':
		return append(b, "&#13;"...)
	}
	if r < utf8.RuneSelf {
		return append(b, byte(r))
	}
	return utf8.AppendRune(b, r)
}

// xmpDateLayout formats a date as XMP wants it, with the time zone.
const xmpDateLayout = "2006-01-02T15:04:05-07:00"

// pdfaXMP builds the XMP metadata of a PDF/A or tagged (PDF/UA) document from its document
// information, entry for entry equal to what putinfo writes (validators compare them): the
// pdfaid part and conformance in PDF/A, pdfuaid:part 1 when tagged (in PDF/A with the PDF/A
// extension schema that describes the pdfuaid namespace, which PDF/A requires of a schema it
// does not predefine), dc, xmp and pdf properties. Appended to one buffer (it was a tenth of
// the PDF/A work with string concatenation and conversions).
func (f *Fpdf) pdfaXMP() []byte {
	b := make([]byte, 0, 1024+2*(len(f.title)+len(f.author)+len(f.subject)+len(f.creator)+len(f.producer)+len(f.keywords)))
	b = append(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"+
		"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"+
		"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"...)
	if f.pdfa.part != 0 {
		b = append(b, "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"+
			"<pdfaid:part>"...)
		b = strconv.AppendInt(b, int64(f.pdfa.part), 10)
		b = append(b, "</pdfaid:part>\n<pdfaid:conformance>"...)
		b = append(b, f.pdfaLevel()...)
		b = append(b, "</pdfaid:conformance>\n</rdf:Description>\n"...)
	}
	if f.tag.on {
		b = append(b, "<rdf:Description rdf:about=\"\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"+
			"<pdfuaid:part>1</pdfuaid:part>\n</rdf:Description>\n"...)
		if f.pdfa.part != 0 {
			b = append(b, pdfuaExtensionSchema...)
		}
	}
	if f.title != "" || f.author != "" || f.subject != "" {
		b = append(b, "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"+
			"<dc:format>application/pdf</dc:format>\n"...)
		if f.title != "" {
			b = append(b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">"...)
			b = appendInfoXML(b, f.title)
			b = append(b, "</rdf:li></rdf:Alt></dc:title>\n"...)
		}
		if f.author != "" {
			b = append(b, "<dc:creator><rdf:Seq><rdf:li>"...)
			b = appendInfoXML(b, f.author)
			b = append(b, "</rdf:li></rdf:Seq></dc:creator>\n"...)
		}
		if f.subject != "" {
			b = append(b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"...)
			b = appendInfoXML(b, f.subject)
			b = append(b, "</rdf:li></rdf:Alt></dc:description>\n"...)
		}
		b = append(b, "</rdf:Description>\n"...)
	}
	b = append(b, "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"...)
	if f.creator != "" {
		b = append(b, "<xmp:CreatorTool>"...)
		b = appendInfoXML(b, f.creator)
		b = append(b, "</xmp:CreatorTool>\n"...)
	}
	b = append(b, "<xmp:CreateDate>"...)
	b = timeOrNow(f.creationDate).AppendFormat(b, xmpDateLayout)
	b = append(b, "</xmp:CreateDate>\n<xmp:ModifyDate>"...)
	b = timeOrNow(f.modDate).AppendFormat(b, xmpDateLayout)
	b = append(b, "</xmp:ModifyDate>\n</rdf:Description>\n"+
		"<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"...)
	if f.producer != "" {
		b = append(b, "<pdf:Producer>"...)
		b = appendInfoXML(b, f.producer)
		b = append(b, "</pdf:Producer>\n"...)
	}
	if f.keywords != "" {
		b = append(b, "<pdf:Keywords>"...)
		b = appendInfoXML(b, f.keywords)
		b = append(b, "</pdf:Keywords>\n"...)
	}
	b = append(b, "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>"...)
	return b
}

// pdfuaExtensionSchema describes the pdfuaid namespace for PDF/A (ISO 19005-1 6.7.8, ISO
// 19005-2 6.6.2.3.2), as ISO 14289-1 5 defines its one property.
const pdfuaExtensionSchema = "<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"" +
	" xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n" +
	"<pdfaExtension:schemas>\n<rdf:Bag>\n<rdf:li rdf:parseType=\"Resource\">\n" +
	"<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n" +
	"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n" +
	"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n" +
	"<pdfaSchema:property>\n<rdf:Seq>\n<rdf:li rdf:parseType=\"Resource\">\n" +
	"<pdfaProperty:name>part</pdfaProperty:name>\n" +
	"<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n" +
	"<pdfaProperty:category>internal</pdfaProperty:category>\n" +
	"<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\n" +
	"</rdf:li>\n</rdf:Seq>\n</pdfaSchema:property>\n</rdf:li>\n</rdf:Bag>\n</pdfaExtension:schemas>\n</rdf:Description>\n"

// iccStream is an output-intent profile and its compressed stream, shared by every document
// of the process that uses the profile: compressing it was a tenth of a letter's CPU.
type iccStream struct {
	profile []byte // a copy of the caller's
	once    sync.Once
	part    constPart // the profile compressed with sliceCompress, as every document writes it
}

// stream returns the compressed profile and its MD5, made the first time.
func (s *iccStream) stream() *constPart {
	s.once.Do(func() {
		data := sliceCompress(s.profile)
		s.part = constPart{b: data, sum: md5.Sum(data)}
	})
	return &s.part
}

// maxCachedProfiles caps the profiles iccStreamFor keeps; beyond it the cache starts afresh
// (documents that hold an entry keep it).
const maxCachedProfiles = 16

var iccCache struct {
	sync.Mutex
	m map[string]*iccStream // by profile content
}

// iccStreamFor returns the shared stream of the profile with these bytes.
func iccStreamFor(profile []byte) *iccStream {
	iccCache.Lock()
	defer iccCache.Unlock()
	if s := iccCache.m[string(profile)]; s != nil {
		return s
	}
	if iccCache.m == nil || len(iccCache.m) >= maxCachedProfiles {
		iccCache.m = make(map[string]*iccStream)
	}
	s := &iccStream{profile: append([]byte(nil), profile...)}
	iccCache.m[string(s.profile)] = s
	return s
}

// constPart is a piece of a document that is the same in every document of the process that
// has it, and its MD5: a stream's data (isLine false) or a line of a dictionary (the /W array
// of a CIDFont, isLine true).
type constPart struct {
	b      []byte
	sum    [16]byte
	isLine bool
}

// fontConstParts are the constant parts of a UTF-8 font embedded whole or keeping its glyph
// ids: its font file (whole only), CIDToGIDMap, ToUnicode and /W, all made once per process
// by the font cache (fontcache.go) and never changed.
type fontConstParts struct {
	whole, cidToGID, toUnicode, w constPart
}

// maxCachedFontParts caps the fonts fontSums keeps; beyond it the cache starts afresh.
const maxCachedFontParts = 64

var fontSums struct {
	sync.Mutex
	m map[*utf8FontBase]*fontConstParts
}

// fontConstPartsFor returns the constant parts of a font base embedded in this mode, their MD5s
// computed once per process. Only what putUTF8Font has already made for the mode is asked
// for.
func fontConstPartsFor(b *utf8FontBase, mode UTF8FontEmbedding) *fontConstParts {
	fontSums.Lock()
	defer fontSums.Unlock()
	p := fontSums.m[b]
	if p == nil {
		if fontSums.m == nil || len(fontSums.m) >= maxCachedFontParts {
			fontSums.m = make(map[*utf8FontBase]*fontConstParts)
		}
		full := b.fullStreams()
		p = &fontConstParts{
			cidToGID:  constPart{b: full.cidToGID, sum: md5.Sum(full.cidToGID)},
			toUnicode: constPart{b: full.toUnicode, sum: md5.Sum(full.toUnicode)},
			w:         constPart{b: []byte(full.w), isLine: true},
		}
		p.w.sum = md5.Sum(p.w.b)
		fontSums.m[b] = p
	}
	if mode == UTF8FontWhole && p.whole.b == nil {
		data := b.wholeStream()
		p.whole = constPart{b: data, sum: md5.Sum(data)}
	}
	return p
}

// pdfaConstParts returns the parts of this document that are the same in every document of
// the process: the output intent's profile stream and the cached data of its UTF-8 fonts
// embedded whole or keeping their glyph ids. (A subset's data is made for the document and
// is not among them.)
func (f *Fpdf) pdfaConstParts() []*constPart {
	var parts []*constPart
	if p := f.pdfa.icc; p != nil {
		parts = append(parts, p.stream())
	}
	for _, font := range f.fonts {
		u := font.utf8File
		if font.Tp != "UTF8" || u == nil || u.base == nil {
			continue
		}
		switch u.mode {
		case UTF8FontWhole, UTF8FontSubsetKeepGIDs:
			c := fontConstPartsFor(u.base, u.mode)
			parts = append(parts, &c.cidToGID, &c.toUnicode, &c.w)
			if u.mode == UTF8FontWhole {
				parts = append(parts, &c.whole)
			}
		}
	}
	return parts
}

// pdfaFileID returns the file identifier of a PDF/A document: the MD5 of the file so far (up
// to the trailer's /ID) in which every part that is the same in every document of the process
// (pdfaConstParts) found in it is replaced by that part's MD5, made once per process. A part
// is looked for where putstream puts a stream's data (between "stream\n" and
// "\nendstream\nendobj\n" at the end of an object) or, for a /W array, in a dictionary
// object, and replaced only where the file's bytes equal it, so the identifier is a function
// of the file's bytes alone: deterministic, and different when anything in the file differs
// (short of an MD5 collision). What is hashed per document is then mostly the page content,
// the information dictionary and the XMP metadata; the fonts and the profile cost a
// comparison of their bytes.
//
// MD5 because ISO 32000-1 (14.4) suggests it for the identifier and its 128 bits are the
// usual /ID length; the identifier is not a security feature (anyone can write any /ID), so
// MD5's weakness against deliberate collisions does not matter.
func (f *Fpdf) pdfaFileID() []byte {
	buf := f.buffer.Bytes()
	parts := f.pdfaConstParts()
	type span struct {
		at, end int
		sum     *[16]byte
	}
	var spans []span
	if len(parts) > 0 {
		starts := make([]int, 0, f.n)
		for j := 1; j <= f.n && j < len(f.offsets); j++ {
			if o := f.offsets[j]; o > 0 && o < len(buf) {
				starts = append(starts, o)
			}
		}
		sort.Ints(starts)
		const head, tail = "stream\n", "\nendstream\nendobj\n"
		for i, at := range starts {
			end := len(buf)
			if i+1 < len(starts) {
				end = starts[i+1]
			}
			obj := buf[at:end]
			isStream := bytes.HasSuffix(obj, []byte(tail))
			for _, p := range parts {
				if p.isLine {
					if isStream || len(obj) < len(p.b) {
						continue
					}
					if k := bytes.Index(obj, p.b); k >= 0 {
						spans = append(spans, span{at + k, at + k + len(p.b), &p.sum})
						break
					}
					continue
				}
				d := len(obj) - len(tail) - len(p.b)
				if !isStream || d < len(head) || string(obj[d-len(head):d]) != head ||
					!bytes.Equal(obj[d:d+len(p.b)], p.b) {
					continue
				}
				spans = append(spans, span{at + d, at + d + len(p.b), &p.sum})
				break
			}
		}
	}
	h := md5.New()
	pos := 0
	for _, s := range spans {
		h.Write(buf[pos:s.at])
		h.Write(s.sum[:])
		pos = s.end
	}
	h.Write(buf[pos:])
	return h.Sum(nil)
}
