package gofpdf

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// testProfile is the smallest thing SetOutputIntent takes for an ICC profile: 128 header bytes
// with the "acsp" signature.
func testProfile() []byte {
	p := make([]byte, 128)
	copy(p[36:], "acsp")
	return p
}

func pdfaDoc(t *testing.T, part int, text string) *Fpdf {
	t.Helper()
	f := New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.AddUTF8Font("dejavu", "", "font/DejaVuSansCondensed.ttf")
	f.SetTitle("Afgørelse (A&B)", true)
	f.SetAuthor("Aarhus Kommune", true)
	f.SetSubject("Om <boligstøtte>", true)
	f.SetKeywords("boligstøtte, afgørelse", true)
	f.SetCreator("postbud", true)
	tm := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(tm)
	f.SetModificationDate(tm)
	f.SetLang("da")
	f.SetPDFA(part, "B")
	f.SetOutputIntent(testProfile(), 3, "sRGB IEC61966-2.1", "sRGB", "http://www.color.org")
	f.AddPage()
	f.SetFont("dejavu", "", 12)
	f.CellFormat(40, 10, text, "", 0, "L", false, 0, "https://example.org/")
	return f
}

func output(t *testing.T, f *Fpdf) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPDFA(t *testing.T) {
	for _, part := range []int{1, 2} {
		b := output(t, pdfaDoc(t, part, "Grüße Ωmega"))
		s := string(b)
		version := map[int]string{1: "1.4", 2: "1.7"}[part]
		if !strings.HasPrefix(s, "%PDF-"+version+"\n%\xE2\xE3\xCF\xD3\n") {
			t.Errorf("part %d: header %q", part, s[:16])
		}
		for _, want := range []string{
			"/Type /Catalog\n/Lang (da)\n/Metadata ",
			"/OutputIntents [<</Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB) /RegistryName (http://www.color.org) /DestOutputProfile ",
			"/CreationDate (D:20261123000000+00'00')", "/ModDate (D:20261123000000+00'00')",
			sprintf("<pdfaid:part>%d</pdfaid:part>", part), "<pdfaid:conformance>B</pdfaid:conformance>",
			`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Afgørelse (A&amp;B)</rdf:li></rdf:Alt></dc:title>`,
			"<dc:creator><rdf:Seq><rdf:li>Aarhus Kommune</rdf:li></rdf:Seq></dc:creator>",
			`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Om &lt;boligstøtte&gt;</rdf:li></rdf:Alt></dc:description>`,
			"<xmp:CreatorTool>postbud</xmp:CreatorTool>",
			"<xmp:CreateDate>2026-11-23T00:00:00+00:00</xmp:CreateDate>", "<xmp:ModifyDate>2026-11-23T00:00:00+00:00</xmp:ModifyDate>",
			"<pdf:Producer>FPDF " + cnFpdfVersion + "</pdf:Producer>", "<pdf:Keywords>boligstøtte, afgørelse</pdf:Keywords>",
			"/Border [0 0 0] /F 4 /A <</S /URI",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("part %d: no %q", part, want)
			}
		}
		for _, bad := range []string{"/EmbeddedFiles", "/Group <</Type /Group /S /Transparency"} {
			if strings.Contains(s, bad) {
				t.Errorf("part %d: %s", part, bad)
			}
		}
		if !regexp.MustCompile(`/ID \[<([0-9a-f]{32})> <([0-9a-f]{32})>\]\n>>\nstartxref`).MatchString(s) {
			t.Errorf("part %d: no trailer /ID", part)
		}
		if again := output(t, pdfaDoc(t, part, "Grüße Ωmega")); !bytes.Equal(b, again) {
			t.Errorf("part %d: two outputs differ", part)
		}
		other := output(t, pdfaDoc(t, part, "Grüße Ωmega!"))
		id := regexp.MustCompile(`/ID \[<[0-9a-f]{32}>`)
		if id.FindString(s) == id.FindString(string(other)) {
			t.Errorf("part %d: different documents got the same /ID", part)
		}
		checkOffsets(t, b)
	}
}

// checkOffsets: every cross-reference entry points at its object (the CIDSet moves objects).
func checkOffsets(t *testing.T, b []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref")
	}
	off := 0
	for _, c := range m[1] {
		off = off*10 + int(c-'0')
	}
	if !bytes.HasPrefix(b[off:], []byte("xref\n")) {
		t.Fatalf("startxref %d is not the xref table", off)
	}
	for i, e := range regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(b[off:], -1) {
		o := 0
		for _, c := range e[1] {
			o = o*10 + int(c-'0')
		}
		if want := []byte(sprintf("%d 0 obj", i+1)); !bytes.HasPrefix(b[o:], want) {
			t.Errorf("xref entry %d points at %q", i+1, b[o:o+10])
		}
	}
}

// TestPDFA1CIDSet: PDF/A-1 needs a CIDSet for a subset font ("ABCDEF+Name"); check its bits.
func TestPDFA1CIDSet(t *testing.T) {
	b := output(t, pdfaDoc(t, 1, "AB"))
	m := regexp.MustCompile(`<</Type /FontDescriptor /FontName /[A-Z]{6}\+[^>]* /CIDSet (\d+) 0 R>>\nendobj`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no subset font descriptor with a CIDSet: %s", regexp.MustCompile(`/FontName /\S+`).Find(b))
	}
	if b2 := output(t, pdfaDoc(t, 2, "AB")); bytes.Contains(b2, []byte("/CIDSet")) {
		t.Error("PDF/A-2 output has a CIDSet (optional there, and left out)")
	}
	checkOffsets(t, b)
	obj := regexp.MustCompile(string(m[1]) + ` 0 obj\n<</Length (\d+) /Filter /FlateDecode>>\nstream\n`).FindSubmatchIndex(b)
	if obj == nil {
		t.Fatal("no CIDSet stream object")
	}
	n := 0
	for _, c := range b[obj[2]:obj[3]] {
		n = n*10 + int(c-'0')
	}
	set, err := sliceUncompress(b[obj[1] : obj[1]+n])
	if err != nil {
		t.Fatal(err)
	}
	has := func(cid int) bool { return cid/8 < len(set) && set[cid/8]&(0x80>>uint(cid%8)) != 0 }
	for _, cid := range []int{0, 'A', 'B'} {
		if !has(cid) {
			t.Errorf("CIDSet lacks CID %d", cid)
		}
	}
	if has('C') {
		t.Error("CIDSet has CID 'C', which the subset does not")
	}
}

func TestPDFAForbidden(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(f *Fpdf)
		want string
	}{
		{"alpha", func(f *Fpdf) { f.SetAlpha(0.5, "Normal") }, "transparency"},
		{"core font", func(f *Fpdf) { f.SetFont("Helvetica", "", 10); f.Cell(10, 10, "x") }, "core font"},
		{"no output intent", func(f *Fpdf) { f.pdfa.icc = nil }, "no output intent"},
		{"javascript", func(f *Fpdf) { f.SetJavascript("print()") }, "JavaScript"},
		{"attachment", func(f *Fpdf) {
			f.AddAttachmentAnnotation(&Attachment{Content: []byte("x"), Filename: "x.txt"}, 10, 10, 10, 10)
		}, "attachments"},
	} {
		f := pdfaDoc(t, 2, "x")
		tc.edit(f)
		var buf bytes.Buffer
		if err := f.Output(&buf); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error about %s", tc.name, err, tc.want)
		}
	}
	f := New("P", "mm", "A4", "")
	f.SetPDFA(3, "U")
	if f.Err() == false {
		t.Error("SetPDFA(3, U) accepted")
	}
	f = New("P", "mm", "A4", "")
	f.SetOutputIntent([]byte("not a profile"), 3, "x", "", "")
	if f.Err() == false {
		t.Error("SetOutputIntent took a non-profile")
	}
}

// TestPDFAOffUnchanged: without SetPDFA, SetLang and SetFileID the output has none of it.
func TestPDFAOffUnchanged(t *testing.T) {
	f := New("P", "mm", "A4", "")
	f.AddPage()
	f.SetFont("Helvetica", "", 10)
	f.CellFormat(40, 10, "x", "", 0, "L", false, 0, "https://example.org/")
	s := string(output(t, f))
	for _, bad := range []string{"/Lang", "/Metadata", "/OutputIntents", "/ID [", "/F 4", "%\xE2\xE3"} {
		if strings.Contains(s, bad) {
			t.Errorf("plain output has %q", bad)
		}
	}
	f = New("P", "mm", "A4", "")
	f.AddPage()
	f.SetLang("nb-NO")
	f.SetFileID([]byte{1, 2, 3})
	s = string(output(t, f))
	if !strings.Contains(s, "/Type /Catalog\n/Lang (nb-NO)\n") || !strings.Contains(s, "/ID [<010203> <010203>]") {
		t.Errorf("SetLang and SetFileID not written")
	}
}

// TestPDFAOutputIntentCached: a profile is compressed once per process, keyed by its bytes;
// the stream is what sliceCompress makes of it (so output is unchanged).
func TestPDFAOutputIntentCached(t *testing.T) {
	p := testProfile()
	a := iccStreamFor(p)
	p2 := append([]byte(nil), p...)
	if b := iccStreamFor(p2); b != a {
		t.Error("an equal profile got another cache entry")
	}
	p2[127] = 1
	if b := iccStreamFor(p2); b == a {
		t.Error("a different profile got the same cache entry")
	}
	p[127] = 2 // the caller's slice changes: the cache keeps its copy
	if !bytes.Equal(a.stream().b, sliceCompress(testProfile())) || a.stream().sum != md5.Sum(a.stream().b) {
		t.Error("cached stream or its MD5 is not the profile compressed")
	}
	if a.stream() != a.stream() {
		t.Error("stream made twice")
	}
}

// refFileID is the /ID of a PDF/A document as SetFileID documents it, computed from the output
// alone: the bytes before "/ID [" with each constant part (stream data between "stream\n" and
// "\nendstream", or a line) replaced by its MD5.
func refFileID(b []byte, streams, lines [][]byte) (id string, hashed int) {
	in := b[:bytes.Index(b, []byte("/ID ["))]
	for _, c := range streams {
		sum := md5.Sum(c)
		in = bytes.ReplaceAll(in, append(append([]byte("stream\n"), c...), "\nendstream"...),
			append(append([]byte("stream\n"), sum[:]...), "\nendstream"...))
	}
	for _, c := range lines {
		sum := md5.Sum(c)
		in = bytes.ReplaceAll(in, append(append([]byte("\n"), c...), '\n'), append(append([]byte("\n"), sum[:]...), '\n'))
	}
	sum := md5.Sum(in)
	return hex.EncodeToString(sum[:]), len(in)
}

// TestPDFAFileID: the /ID replaces the per-process constant parts (profile; font data of fonts
// embedded whole or keeping glyph ids) by their MD5s, and still differs when the text, the
// profile or the font's embedding differs.
func TestPDFAFileID(t *testing.T) {
	dejavu, err := os.ReadFile("font/DejaVuSansCondensed.ttf")
	if err != nil {
		t.Fatal(err)
	}
	base, err := utf8FontBaseFor(dejavu, false)
	if err != nil {
		t.Fatal(err)
	}
	idRe := regexp.MustCompile(`/ID \[<([0-9a-f]{32})> <([0-9a-f]{32})>\]`)
	ids := map[string]string{}
	for _, m := range []struct {
		name string
		mode UTF8FontEmbedding
	}{{"subset", UTF8FontSubset}, {"keepgids", UTF8FontSubsetKeepGIDs}, {"whole", UTF8FontWhole}} {
		if err := SetUTF8FontEmbedding(dejavu, m.mode); err != nil {
			t.Fatal(err)
		}
		doc := func(part int, text string, profile []byte) []byte {
			f := New("P", "mm", "A4", "")
			f.SetCatalogSort(true)
			f.AddUTF8FontFromBytes("dejavu", "", dejavu)
			f.SetTitle("Afgørelse", true)
			tm := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
			f.SetCreationDate(tm)
			f.SetModificationDate(tm)
			f.SetPDFA(part, "B")
			f.SetOutputIntent(profile, 3, "sRGB IEC61966-2.1", "sRGB", "")
			f.AddPage()
			f.SetFont("dejavu", "", 12)
			f.Cell(40, 10, text)
			return output(t, f)
		}
		for _, part := range []int{1, 2} {
			b := doc(part, "Grüße Ωmega", testProfile())
			id := idRe.FindSubmatch(b)
			if id == nil || string(id[1]) != string(id[2]) {
				t.Fatalf("%s part %d: trailer /ID %q", m.name, part, id)
			}
			streams := [][]byte{sliceCompress(testProfile())}
			var lines [][]byte
			if m.mode != UTF8FontSubset {
				full := base.fullStreams()
				streams = append(streams, full.cidToGID, full.toUnicode)
				lines = append(lines, []byte(full.w))
			}
			if m.mode == UTF8FontWhole {
				streams = append(streams, base.wholeStream())
			}
			want, hashed := refFileID(b, streams, lines)
			if string(id[1]) != want {
				t.Errorf("%s part %d: /ID %s, want %s", m.name, part, id[1], want)
			}
			if m.mode == UTF8FontWhole && hashed > len(b)-len(base.wholeStream()) {
				t.Errorf("%s part %d: %d of %d bytes hashed", m.name, part, hashed, len(b))
			}
			if !bytes.Equal(b, doc(part, "Grüße Ωmega", testProfile())) {
				t.Errorf("%s part %d: two outputs differ", m.name, part)
			}
			other := testProfile()
			other[127] = 7
			for what, c := range map[string][]byte{
				"text":    doc(part, "Grüße Ωmega!", testProfile()),
				"profile": doc(part, "Grüße Ωmega", other),
			} {
				if o := idRe.FindSubmatch(c); o == nil || string(o[1]) == string(id[1]) {
					t.Errorf("%s part %d: another %s, same /ID", m.name, part, what)
				}
			}
			checkOffsets(t, b)
			key := string(id[1])
			if prev, ok := ids[key]; ok {
				t.Errorf("%s part %d: same /ID as %s", m.name, part, prev)
			}
			ids[key] = sprintf("%s part %d", m.name, part)
		}
	}
	if err := SetUTF8FontEmbedding(dejavu, UTF8FontSubset); err != nil {
		t.Fatal(err)
	}
}

// TestPDFAXMPUnchanged: the XMP built by appending equals what the string-building version
// (kept here as xmpReference) made, for text that needs escaping, Latin-1 and UTF-16 strings
// with surrogate pairs, unpaired surrogates and an odd trailing byte.
func TestPDFAXMPUnchanged(t *testing.T) {
	for i, set := range []func(f *Fpdf){
		func(f *Fpdf) {},
		func(f *Fpdf) {
			f.SetTitle("Afgørelse <om> \"A&B\"\r\n", true)
			f.SetAuthor("Æblet 𝄞 Ωmega", true)
			f.SetSubject("Latin-1: \xe6\xf8\xe5 & <>", false)
			f.SetKeywords("a, b, 😀", true)
			f.SetCreator("postbud", true)
		},
		func(f *Fpdf) {
			f.title = "\xFE\xFF\xD8\x00\x00A"      // unpaired high surrogate
			f.author = "\xFE\xFF\xDC\x00\x00B\x00" // unpaired low surrogate, odd byte
			f.keywords = "\xFE\xFF\xD8\x3D"        // high surrogate at the end
			f.producer = ""
		},
	} {
		for _, part := range []int{1, 2} {
			f := New("P", "mm", "A4", "")
			f.SetPDFA(part, "B")
			set(f)
			tm := time.Date(2026, 11, 23, 10, 4, 5, 0, time.FixedZone("", -(3*3600+30*60)))
			f.SetCreationDate(tm)
			f.SetModificationDate(tm.Add(time.Hour))
			if got, want := string(f.pdfaXMP()), xmpReference(f); got != want {
				t.Errorf("case %d part %d:\n%s\nwant\n%s", i, part, got, want)
			}
		}
	}
}

// xmpReference is pdfaXMP as it was before it appended to one buffer.
func xmpReference(f *Fpdf) string {
	infoText := func(s string) string {
		if strings.HasPrefix(s, "\xFE\xFF") {
			b := []byte(s[2:])
			u := make([]uint16, 0, len(b)/2)
			for i := 0; i+1 < len(b); i += 2 {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			}
			return string(utf16.Decode(u))
		}
		r := make([]rune, 0, len(s))
		for i := 0; i < len(s); i++ {
			r = append(r, rune(s[i]))
		}
		return string(r)
	}
	x := func(s string) string {
		return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;", "\r", "&#13;").Replace(infoText(s))
	}
	date := func(tm time.Time) string { return tm.Format("2006-01-02T15:04:05-07:00") }
	var b strings.Builder
	b.WriteString("<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n")
	b.WriteString("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n")
	b.WriteString("<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n")
	b.WriteString(sprintf("<pdfaid:part>%d</pdfaid:part>\n", f.pdfa.part))
	b.WriteString("<pdfaid:conformance>" + f.pdfa.conformance + "</pdfaid:conformance>\n")
	b.WriteString("</rdf:Description>\n")
	if f.title != "" || f.author != "" || f.subject != "" {
		b.WriteString("<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n")
		b.WriteString("<dc:format>application/pdf</dc:format>\n")
		if f.title != "" {
			b.WriteString("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + x(f.title) + "</rdf:li></rdf:Alt></dc:title>\n")
		}
		if f.author != "" {
			b.WriteString("<dc:creator><rdf:Seq><rdf:li>" + x(f.author) + "</rdf:li></rdf:Seq></dc:creator>\n")
		}
		if f.subject != "" {
			b.WriteString("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + x(f.subject) + "</rdf:li></rdf:Alt></dc:description>\n")
		}
		b.WriteString("</rdf:Description>\n")
	}
	b.WriteString("<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n")
	if f.creator != "" {
		b.WriteString("<xmp:CreatorTool>" + x(f.creator) + "</xmp:CreatorTool>\n")
	}
	b.WriteString("<xmp:CreateDate>" + date(timeOrNow(f.creationDate)) + "</xmp:CreateDate>\n")
	b.WriteString("<xmp:ModifyDate>" + date(timeOrNow(f.modDate)) + "</xmp:ModifyDate>\n")
	b.WriteString("</rdf:Description>\n")
	b.WriteString("<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n")
	if f.producer != "" {
		b.WriteString("<pdf:Producer>" + x(f.producer) + "</pdf:Producer>\n")
	}
	if f.keywords != "" {
		b.WriteString("<pdf:Keywords>" + x(f.keywords) + "</pdf:Keywords>\n")
	}
	b.WriteString("</rdf:Description>\n")
	b.WriteString("</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>")
	return b.String()
}

// TestPDFADate: dates of the information dictionary as the sprintf version wrote them.
func TestPDFADate(t *testing.T) {
	f := New("P", "mm", "A4", "")
	tm := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if got := f.pdfaDate(tm); got != "D:20260102030405" {
		t.Errorf("PDF/A off: %s", got)
	}
	f.SetPDFA(2, "B")
	for _, off := range []int{0, 3600, -(3*3600 + 30*60), 5*3600 + 45*60, -12 * 3600, 14 * 3600} {
		tz := tm.In(time.FixedZone("", off))
		_, o := tz.Zone()
		sign := "+"
		if o < 0 {
			sign, o = "-", -o
		}
		want := "D:" + tz.Format("20060102150405") + sprintf("%s%02d'%02d'", sign, o/3600, o%3600/60)
		if got := f.pdfaDate(tz); got != want {
			t.Errorf("offset %d: %s, want %s", off, got, want)
		}
	}
}
