package pdfa

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fixture is a small PDF/A-2b letter page assembled object by object, so that each test can
// break exactly one thing: a Type0 font embedding Go Regular, a link annotation, an image, an
// ExtGState, an XMP packet and an sRGB-like output intent.
type fixture struct {
	header  string         // first line
	comment []byte         // second line, nil for none
	objs    map[int]object // by object number
	trailer string         // trailer entries besides /Size
	xrefFix func(off []int64)
}

type object struct {
	dict   string // "<< ... >>"; for streams without /Length, which bytes() adds
	stream []byte // nil: not a stream
}

const xmpTemplate = `<?xpacket begin="%s" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>%s</pdfaid:part>
   <pdfaid:conformance>%s</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>Kommune</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="postbud">
   <xmp:CreateDate>2026-12-01T10:00:00+01:00</xmp:CreateDate>
   <xmp:ModifyDate>2026-12-01T10:00:00+01:00</xmp:ModifyDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>postbud</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`

func xmpPacket(part, conformance, title string) []byte {
	return fmt.Appendf(nil, xmpTemplate, "\ufeff", part, conformance, title)
}

// iccProfile is an ICC header with no tags: enough for the header checks.
func iccProfile(class, space string) []byte {
	b := make([]byte, 132)
	binary.BigEndian.PutUint32(b[0:], uint32(len(b)))
	copy(b[4:], "none")
	b[8] = 2
	b[9] = 0x10
	copy(b[12:], class)
	copy(b[16:], space)
	copy(b[20:], "XYZ ")
	copy(b[36:], "acsp")
	return b
}

func flate(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// goWidths returns a /W array for the glyphs of s in Go Regular, and the glyph ids as a hex
// string for Tj.
func goWidths(t testing.TB, s string) (w, hex string) {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	upem := int(f.UnitsPerEm())
	seen := map[sfnt.GlyphIndex]bool{}
	var gids []int
	var hb strings.Builder
	for _, r := range s {
		g, err := f.GlyphIndex(&buf, r)
		if err != nil || g == 0 {
			t.Fatalf("Go Regular lacks %q", r)
		}
		fmt.Fprintf(&hb, "%04X", int(g))
		if !seen[g] {
			seen[g] = true
			gids = append(gids, int(g))
		}
	}
	sort.Ints(gids)
	var wb strings.Builder
	wb.WriteString("[")
	for _, g := range gids {
		adv, err := f.GlyphAdvance(&buf, sfnt.GlyphIndex(g), fixed.I(upem), font.HintingNone)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&wb, " %d [%d]", g, int(float64(adv)/64*1000/float64(upem)+0.5))
	}
	wb.WriteString(" ]")
	return wb.String(), hb.String()
}

func goodFixture(t testing.TB) *fixture {
	w, hex := goWidths(t, "Hello")
	content := fmt.Sprintf("BT /F1 12 Tf 72 720 Td <%s> Tj ET q 10 0 0 10 72 600 cm /Im1 Do Q /GS1 gs", hex)
	return &fixture{
		header:  "%PDF-1.7",
		comment: []byte{'%', 0xE2, 0xE3, 0xCF, 0xD3},
		trailer: "/Root 1 0 R /Info 15 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]",
		objs: map[int]object{
			1:  {dict: "<< /Type /Catalog /Pages 2 0 R /Metadata 10 0 R /OutputIntents [11 0 R] >>"},
			2:  {dict: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
			3:  {dict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 9 0 R >> /ExtGState << /GS1 13 0 R >> >> /Contents 4 0 R /Annots [14 0 R] >>"},
			4:  {dict: "<< /Filter /FlateDecode >>", stream: flate([]byte(content))},
			5:  {dict: "<< /Type /Font /Subtype /Type0 /BaseFont /AAAAAA+GoRegular /Encoding /Identity-H /DescendantFonts [6 0 R] >>"},
			6:  {dict: "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /AAAAAA+GoRegular /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 /W " + w + " /CIDToGIDMap /Identity >>"},
			7:  {dict: "<< /Type /FontDescriptor /FontName /AAAAAA+GoRegular /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>"},
			8:  {dict: fmt.Sprintf("<< /Filter /FlateDecode /Length1 %d >>", len(goregular.TTF)), stream: flate(goregular.TTF)},
			9:  {dict: "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 8 >>", stream: []byte{0x80, 0x80, 0x80}},
			10: {dict: "<< /Type /Metadata /Subtype /XML >>", stream: xmpPacket("2", "B", "Afgørelse")},
			11: {dict: "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /DestOutputProfile 12 0 R >>"},
			12: {dict: "<< /N 3 >>", stream: iccProfile("mntr", "RGB ")},
			13: {dict: "<< /Type /ExtGState /CA 1 /ca 1 /BM /Normal >>"},
			14: {dict: "<< /Type /Annot /Subtype /Link /Rect [72 700 200 720] /Border [0 0 0] /F 4 /A << /S /URI /URI (https://example.org/) >> >>"},
			15: {dict: "<< /Title " + utf16Hex("Afgørelse") + " /Author (Kommune) /Creator (postbud) /Producer (postbud) /CreationDate (D:20261201100000+01'00') /ModDate (D:20261201090000Z) >>"},
		},
	}
}

// utf16Hex writes s as a PDF hex string in UTF-16BE with a byte order mark.
func utf16Hex(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String() + ">"
}

func (f *fixture) set(nr int, dict string) { o := f.objs[nr]; o.dict = dict; f.objs[nr] = o }

// edit replaces old by new in object nr's dictionary, failing the test if old is not there.
func (f *fixture) edit(t testing.TB, nr int, old, new string) {
	t.Helper()
	o := f.objs[nr]
	if !strings.Contains(o.dict, old) {
		t.Fatalf("object %d has no %q: %s", nr, old, o.dict)
	}
	o.dict = strings.Replace(o.dict, old, new, 1)
	f.objs[nr] = o
}

func (f *fixture) bytes() []byte {
	var b bytes.Buffer
	b.WriteString(f.header + "\n")
	if f.comment != nil {
		b.Write(f.comment)
		b.WriteString("\n")
	}
	maxNr := 0
	for nr := range f.objs {
		maxNr = max(maxNr, nr)
	}
	offs := make([]int64, maxNr+1)
	for nr := 1; nr <= maxNr; nr++ {
		o, ok := f.objs[nr]
		if !ok {
			continue
		}
		offs[nr] = int64(b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n", nr)
		if o.stream == nil {
			b.WriteString(o.dict + "\nendobj\n")
			continue
		}
		d := strings.TrimSuffix(strings.TrimSpace(o.dict), ">>")
		fmt.Fprintf(&b, "%s /Length %d >>\nstream\n", d, len(o.stream))
		b.Write(o.stream)
		b.WriteString("\nendstream\nendobj\n")
	}
	if f.xrefFix != nil {
		f.xrefFix(offs)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", maxNr+1)
	for nr := 1; nr <= maxNr; nr++ {
		if _, ok := f.objs[nr]; !ok {
			b.WriteString("0000000000 65535 f\r\n")
			continue
		}
		fmt.Fprintf(&b, "%010d 00000 n\r\n", offs[nr])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", maxNr+1, f.trailer, xref)
	return b.Bytes()
}
