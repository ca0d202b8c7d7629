package pdfa

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func check(t *testing.T, pdf []byte, opt Options) []Problem {
	t.Helper()
	ps, err := Check(pdf, opt)
	if err != nil {
		t.Fatalf("Check: %v (problems so far: %v)", err, ps)
	}
	return ps
}

func TestGoodFilePasses(t *testing.T) {
	ps := check(t, goodFixture(t).bytes(), Options{})
	for _, p := range ps {
		t.Errorf("unexpected problem: %s", p)
	}
}

func TestGoodFilePassesPart3(t *testing.T) {
	f := goodFixture(t)
	o := f.objs[10]
	o.stream = xmpPacket("3", "B", "Afgørelse")
	f.objs[10] = o
	for _, p := range check(t, f.bytes(), Options{Part: 3}) {
		t.Errorf("unexpected problem: %s", p)
	}
}

func TestGoodFilePassesPart1(t *testing.T) {
	f := goodFixture(t)
	f.header = "%PDF-1.4"
	o := f.objs[10]
	o.stream = xmpPacket("1", "B", "Afgørelse")
	f.objs[10] = o
	for _, p := range check(t, f.bytes(), Options{Part: 1}) {
		t.Errorf("unexpected problem: %s", p)
	}
}

// Each case breaks one thing in the good file and wants the rule it breaks reported, and no
// other rule (except those listed in also, which follow from the same fault).
func TestBrokenFiles(t *testing.T) {
	tests := []struct {
		name   string
		part   int
		clause string   // the rule that must be reported
		also   []string // rules that may be reported as well
		object string   // a substring of the object named, if set
		msg    string   // a substring of the message
		breakf func(t *testing.T, f *fixture)
	}{
		{name: "no binary comment", clause: "6.1.2", object: "file", msg: "binary comment",
			breakf: func(t *testing.T, f *fixture) { f.comment = nil }},
		{name: "short binary comment", clause: "6.1.2", msg: "2 bytes above 127",
			breakf: func(t *testing.T, f *fixture) { f.comment = []byte{'%', 0xE2, 0xE3, 'a', 'b'} }},
		{name: "header 1.8", clause: "6.1.2", msg: "1.0 to 1.7",
			breakf: func(t *testing.T, f *fixture) { f.header = "%PDF-1.8" }},
		{name: "missing ID", clause: "6.1.3", object: "trailer", msg: "no /ID",
			breakf: func(t *testing.T, f *fixture) { f.trailer = "/Root 1 0 R /Info 15 0 R" }},
		{name: "ID with one string", clause: "6.1.3", msg: "/ID has 1 byte strings",
			breakf: func(t *testing.T, f *fixture) { f.trailer = "/Root 1 0 R /Info 15 0 R /ID [<00>]" }},
		{name: "xref offset wrong", clause: "6.1.4", msg: "object 3 0",
			breakf: func(t *testing.T, f *fixture) { f.xrefFix = func(off []int64) { off[3] += 2 } }},
		{name: "xref points at another object", clause: "6.1.4", msg: "where object 4 0 begins",
			breakf: func(t *testing.T, f *fixture) { f.xrefFix = func(off []int64) { off[3] = off[4] } }},
		{name: "LZW filter", clause: "6.1.7.2", object: "object 9 0 (Image XObject /Im1 on page 1)", msg: "LZWDecode",
			breakf: func(t *testing.T, f *fixture) {
				f.edit(t, 9, "/BitsPerComponent 8", "/BitsPerComponent 8 /Filter /LZWDecode")
			}},
		{name: "no XMP", clause: "6.6.2.1", also: []string{"19005-1 6.7.3"}, object: "object 1 0 (catalog)", msg: "no /Metadata",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 1, "/Metadata 10 0 R ", "") }},
		{name: "XMP not well-formed", clause: "6.6.2.1", also: []string{"19005-1 6.7.3"}, object: "XMP metadata stream", msg: "not well-formed",
			breakf: func(t *testing.T, f *fixture) {
				o := f.objs[10]
				o.stream = []byte(strings.Replace(string(o.stream), "</dc:title>", "", 1))
				f.objs[10] = o
			}},
		{name: "xpacket encoding attribute", clause: "6.6.2.1", msg: "encoding attribute",
			breakf: func(t *testing.T, f *fixture) {
				o := f.objs[10]
				o.stream = []byte(strings.Replace(string(o.stream), `id="W5M0MpCehiHzreSzNTczkc9d"`, `id="W5M0MpCehiHzreSzNTczkc9d" encoding="UTF-8"`, 1))
				f.objs[10] = o
			}},
		{name: "XMP compressed with Flate is fine, with LZW not", clause: "6.6.2.1", also: []string{"6.1.7.2", "19005-1 6.7.3"}, msg: "/LZWDecode",
			breakf: func(t *testing.T, f *fixture) { f.set(10, "<< /Type /Metadata /Subtype /XML /Filter /LZWDecode >>") }},
		{name: "wrong pdfaid part", clause: "6.6.4", object: "XMP metadata stream", msg: `pdfaid:part is "1", want "2"`,
			breakf: func(t *testing.T, f *fixture) { setXMP(f, "1", "B", "Afgørelse") }},
		{name: "lower-case conformance", clause: "6.6.4", msg: `pdfaid:conformance is "b", want "B"`,
			breakf: func(t *testing.T, f *fixture) { setXMP(f, "2", "b", "Afgørelse") }},
		{name: "no pdfaid", clause: "6.6.4", msg: "no PDF/A identification",
			breakf: func(t *testing.T, f *fixture) {
				o := f.objs[10]
				s := string(o.stream)
				i, j := strings.Index(s, "<pdfaid:part>"), strings.Index(s, "</pdfaid:conformance>")
				o.stream = []byte(s[:i] + s[j+len("</pdfaid:conformance>"):])
				f.objs[10] = o
			}},
		{name: "Info title differs from dc:title", clause: "19005-1 6.7.3", object: "document information dictionary", msg: `Info /Title is "Afgørelse" but dc:title is "Brev"`,
			breakf: func(t *testing.T, f *fixture) { setXMP(f, "2", "B", "Brev") }},
		{name: "Info date differs from xmp:ModifyDate", clause: "19005-1 6.7.3", msg: "Info /ModDate",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 15, "D:20261201090000Z", "D:20261201100000Z") }},
		{name: "Info subject without dc:description", clause: "19005-1 6.7.3", msg: "the XMP has no dc:description",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 15, "/Author", "/Subject (Boligstøtte) /Author") }},
		{name: "no OutputIntent", clause: "6.2.3", object: "catalog", msg: "no /OutputIntents",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 1, " /OutputIntents [11 0 R]", "") }},
		{name: "OutputIntent not GTS_PDFA1", clause: "6.2.3", msg: "GTS_PDFA1",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 11, "/GTS_PDFA1", "/GTS_PDFX") }},
		{name: "ICC size field wrong", clause: "6.2.3", object: "ICC profile of output intent 1", msg: "size field says 200",
			breakf: func(t *testing.T, f *fixture) {
				o := f.objs[12]
				o.stream[2], o.stream[3] = 0, 200
				f.objs[12] = o
			}},
		{name: "ICC without acsp", clause: "6.2.3", msg: "'acsp'",
			breakf: func(t *testing.T, f *fixture) { o := f.objs[12]; copy(o.stream[36:], "xxxx"); f.objs[12] = o }},
		{name: "ICC colour space against N", clause: "6.2.3", msg: "/N is 4",
			breakf: func(t *testing.T, f *fixture) { f.set(12, "<< /N 4 >>") }},
		{name: "annotation without F", clause: "6.3.2", object: "object 14 0 (Link annotation on page 1)", msg: "no /F",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 14, " /F 4", "") }},
		{name: "hidden annotation", clause: "6.3.2", msg: "Hidden is set",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 14, "/F 4", "/F 6") }},
		{name: "annotation not printed", clause: "6.3.2", msg: "Print is clear, NoView is set",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 14, "/F 4", "/F 32") }},
		{name: "JavaScript link", clause: "6.5.1", object: "object 14 0", msg: "JavaScript action",
			breakf: func(t *testing.T, f *fixture) {
				f.edit(t, 14, "/S /URI /URI (https://example.org/)", "/S /JavaScript /JS (app.alert(1))")
			}},
		{name: "Launch open action", clause: "6.5.1", object: "catalog", msg: "Launch action",
			breakf: func(t *testing.T, f *fixture) {
				f.edit(t, 1, "/Pages 2 0 R", "/Pages 2 0 R /OpenAction << /S /Launch /F (calc.exe) >>")
			}},
		{name: "JavaScript name tree", clause: "6.5.1", msg: "/JavaScript name tree",
			breakf: func(t *testing.T, f *fixture) {
				f.edit(t, 1, "/Pages 2 0 R", "/Pages 2 0 R /Names << /JavaScript << /Names [] >> >>")
			}},
		{name: "page AA", clause: "6.5.2", object: "page 1", msg: "/AA",
			breakf: func(t *testing.T, f *fixture) {
				f.edit(t, 3, "/Parent 2 0 R", "/Parent 2 0 R /AA << /O << /S /URI /URI (x) >> >>")
			}},
		{name: "SMask image", clause: "6.2.10", object: "object 9 0 (Image XObject /Im1 on page 1)", msg: "soft mask",
			breakf: func(t *testing.T, f *fixture) {
				f.edit(t, 9, "/BitsPerComponent 8", "/BitsPerComponent 8 /SMask 16 0 R")
				f.objs[16] = object{dict: "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 >>", stream: []byte{0x80}}
			}},
		{name: "ExtGState alpha", clause: "6.2.10", object: "ExtGState /GS1 on page 1", msg: "/ca is 0.5",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 13, "/ca 1", "/ca 0.5") }},
		{name: "ExtGState blend mode", clause: "6.2.10", msg: "/BM is /Multiply",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 13, "/BM /Normal", "/BM /Multiply") }},
		{name: "page transparency group", clause: "6.2.10", object: "page 1", msg: "transparency group",
			breakf: func(t *testing.T, f *fixture) {
				f.edit(t, 3, "/Parent 2 0 R", "/Parent 2 0 R /Group << /S /Transparency /CS /DeviceRGB >>")
			}},
		{name: "unembedded font", clause: "6.2.11.4.1", object: "font /F1 on page 1, /Helvetica", msg: "not embedded",
			breakf: func(t *testing.T, f *fixture) {
				f.set(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
			}},
		{name: "CIDFont without FontFile2", clause: "6.2.11.4.1", object: "descendant font of /AAAAAA+GoRegular", msg: "not embedded",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 7, " /FontFile2 8 0 R", "") }},
		{name: "no CIDToGIDMap", clause: "6.2.11.3.2", msg: "no /CIDToGIDMap",
			breakf: func(t *testing.T, f *fixture) { f.edit(t, 6, " /CIDToGIDMap /Identity", "") }},
		{name: "width off by 50", clause: "6.2.11.5", object: "descendant font", msg: "1 widths in /W",
			breakf: func(t *testing.T, f *fixture) {
				d := f.objs[6].dict
				i := strings.Index(d, "/W [") + len("/W [")
				j := i + strings.Index(d[i:], "[") + 1
				k := j + strings.Index(d[j:], "]")
				var w int
				if _, err := fmt.Sscan(d[j:k], &w); err != nil {
					t.Fatal(err)
				}
				f.set(6, d[:j]+strconv.Itoa(w+50)+d[k:])
			}},
		{name: "width off by 1 is tolerated", clause: "",
			breakf: func(t *testing.T, f *fixture) {
				d := f.objs[6].dict
				i := strings.Index(d, "/W [") + len("/W [")
				j := i + strings.Index(d[i:], "[") + 1
				k := j + strings.Index(d[j:], "]")
				var w int
				if _, err := fmt.Sscan(d[j:k], &w); err != nil {
					t.Fatal(err)
				}
				f.set(6, d[:j]+strconv.Itoa(w+1)+d[k:])
			}},
		{name: "embedded file in 2b", clause: "6.8", msg: `embedded file "data.xml"`,
			breakf: func(t *testing.T, f *fixture) { addEmbeddedFile(t, f) }},
		{name: "embedded file in 3b is fine", part: 3, clause: "",
			breakf: func(t *testing.T, f *fixture) { addEmbeddedFile(t, f); setXMP(f, "3", "B", "Afgørelse") }},
		{name: "empty EmbeddedFiles tree in 1b", part: 1, clause: "6.1.11", msg: "not even an empty tree",
			breakf: func(t *testing.T, f *fixture) {
				f.header = "%PDF-1.4"
				setXMP(f, "1", "B", "Afgørelse")
				f.edit(t, 1, "/Pages 2 0 R", "/Pages 2 0 R /Names << /EmbeddedFiles << /Names [] >> >>")
			}},
		{name: "Flate XMP in 1b", part: 1, clause: "6.7.2", msg: "unfiltered",
			breakf: func(t *testing.T, f *fixture) {
				f.header = "%PDF-1.4"
				f.objs[10] = object{dict: "<< /Type /Metadata /Subtype /XML /Filter /FlateDecode >>", stream: flate(xmpPacket("1", "B", "Afgørelse"))}
			}},
		{name: "Flate XMP in 2b is fine", clause: "",
			breakf: func(t *testing.T, f *fixture) {
				f.objs[10] = object{dict: "<< /Type /Metadata /Subtype /XML /Filter /FlateDecode >>", stream: flate(xmpPacket("2", "B", "Afgørelse"))}
			}},
		{name: "ToggleNoView in 1b uses the part-1 clause", part: 1, clause: "6.5.3", msg: "ToggleNoView is set",
			breakf: func(t *testing.T, f *fixture) {
				f.header = "%PDF-1.4"
				setXMP(f, "1", "B", "Afgørelse")
				f.edit(t, 14, "/F 4", "/F 260")
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := goodFixture(t)
			tc.breakf(t, f)
			ps := check(t, f.bytes(), Options{Part: tc.part})
			if tc.clause == "" {
				for _, p := range ps {
					t.Errorf("unexpected problem: %s", p)
				}
				return
			}
			allowed := map[string]bool{tc.clause: true}
			for _, a := range tc.also {
				allowed[a] = true
			}
			found := false
			for _, p := range ps {
				if !allowed[p.Clause] {
					t.Errorf("unexpected problem: %s", p)
				}
				if p.Clause == tc.clause && strings.Contains(p.Object, tc.object) && strings.Contains(p.Message, tc.msg) {
					found = true
				}
			}
			if !found {
				t.Errorf("want a problem %s with object ~%q and message ~%q; got %d problems:\n%s", tc.clause, tc.object, tc.msg, len(ps), list(ps))
			}
		})
	}
}

// TestEveryProblem breaks several rules at once and wants each reported.
func TestEveryProblem(t *testing.T) {
	f := goodFixture(t)
	f.comment = nil
	f.trailer = "/Root 1 0 R /Info 15 0 R"
	f.edit(t, 14, " /F 4", "")
	f.edit(t, 1, " /OutputIntents [11 0 R]", "")
	f.set(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	f.edit(t, 13, "/CA 1", "/CA 0.2")
	setXMP(f, "3", "B", "Afgørelse")
	ps := check(t, f.bytes(), Options{})
	got := map[string]bool{}
	for _, p := range ps {
		got[p.Clause] = true
	}
	for _, want := range []string{"6.1.2", "6.1.3", "6.3.2", "6.2.3", "6.2.11.4.1", "6.2.10", "6.6.4"} {
		if !got[want] {
			t.Errorf("no problem for clause %s; got:\n%s", want, list(ps))
		}
	}
	if len(ps) != 7 {
		t.Errorf("want 7 problems, got %d:\n%s", len(ps), list(ps))
	}
}

func TestProblemString(t *testing.T) {
	p := Problem{Clause: "6.3.2", Object: "object 12 0 (Link annotation on page 2)", Message: "the annotation has no /F"}
	if got, want := p.String(), "6.3.2: object 12 0 (Link annotation on page 2): the annotation has no /F"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNotAPDF(t *testing.T) {
	ps, err := Check([]byte("hello"), Options{})
	if err == nil {
		t.Fatal("no error for a file that is no PDF")
	}
	if len(ps) == 0 || ps[0].Clause != "6.1.2" {
		t.Errorf("want the header problem reported with the error, got %v", ps)
	}
	if _, err := Check(goodFixture(t).bytes(), Options{Part: 4}); err == nil {
		t.Error("no error for part 4")
	}
}

func setXMP(f *fixture, part, conformance, title string) {
	o := f.objs[10]
	o.stream = xmpPacket(part, conformance, title)
	f.objs[10] = o
}

func addEmbeddedFile(t *testing.T, f *fixture) {
	f.edit(t, 1, "/Pages 2 0 R", "/Pages 2 0 R /Names << /EmbeddedFiles << /Names [(data.xml) 16 0 R] >> >>")
	f.objs[16] = object{dict: "<< /Type /Filespec /F (data.xml) /UF (data.xml) /AFRelationship /Data /EF << /F 17 0 R /UF 17 0 R >> >>"}
	f.objs[17] = object{dict: "<< /Type /EmbeddedFile /Subtype /text#2Fxml >>", stream: []byte("<a/>")}
}

func list(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

// An encrypted file is reported from the trailer as written, even when it cannot be read.
func TestEncrypted(t *testing.T) {
	f := goodFixture(t)
	f.trailer += " /Encrypt 16 0 R"
	f.objs[16] = object{dict: "<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"}
	ps, err := Check(f.bytes(), Options{})
	for _, p := range ps {
		if p.Clause == "6.1.3" && strings.Contains(p.Message, "/Encrypt") {
			return
		}
	}
	t.Errorf("no 6.1.3 problem for /Encrypt (err %v):\n%s", err, list(ps))
}
