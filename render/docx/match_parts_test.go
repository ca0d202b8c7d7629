package docx

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/image/font/sfnt"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/fonts"
	"github.com/postbud/postbud/render/pdf"
)

// allDocs is every sample letter and the test letters of docs, fresh.
func allDocs(t *testing.T) []namedDoc {
	t.Helper()
	out := docs(t)
	for _, s := range sampleDocs(t) {
		out = append(out, namedDoc{s.Name, s.Doc()})
	}
	return out
}

// fontTableXML is word/fontTable.xml as the test reads it.
type fontTableXML struct {
	Fonts []struct {
		Name    string `xml:"name,attr"`
		AltName struct {
			Val string `xml:"val,attr"`
		} `xml:"altName"`
		Panose struct {
			Val string `xml:"val,attr"`
		} `xml:"panose1"`
		Family struct {
			Val string `xml:"val,attr"`
		} `xml:"family"`
		Pitch struct {
			Val string `xml:"val,attr"`
		} `xml:"pitch"`
		Embeds []struct {
			XMLName xml.Name
			ID      string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
			Key     string `xml:"fontKey,attr"`
		} `xml:",any"`
	} `xml:"font"`
}

// deobfuscate undoes the font obfuscation of ECMA-376 Part 1, 17.8.1, written here from the
// standard rather than from the package's code: the GUID's 32 hex digits, read as 16 bytes from
// the last pair to the first, XORed over the first 32 bytes of the part.
func deobfuscate(t *testing.T, part []byte, guid string) []byte {
	t.Helper()
	if !regexp.MustCompile(`^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$`).MatchString(guid) {
		t.Fatalf("w:fontKey %q is not a braced GUID", guid)
	}
	hex := strings.NewReplacer("{", "", "}", "", "-", "").Replace(guid)
	var key [16]byte
	for i := range key {
		v, err := strconv.ParseUint(hex[30-2*i:32-2*i], 16, 8)
		if err != nil {
			t.Fatal(err)
		}
		key[i] = byte(v)
	}
	out := append([]byte(nil), part...)
	for i := 0; i < 32 && i < len(out); i++ {
		out[i] ^= key[i%16]
	}
	return out
}

// TestFontEmbedding checks, for every sample and test letter, that word/fontTable.xml names the
// letter's font (Postbud Sans Latin for letters of Latin text) with its alternative names,
// panose number, family class and pitch, and that every style it embeds (w:embedRegular,
// w:embedBold, ...) is a font part, typed as an obfuscated font, whose relationship resolves
// and which deobfuscates, with the GUID of its w:fontKey, to exactly the bytes of that style of
// the render/fonts set of that name. The styles embedded are the ones the letter uses: regular
// and bold, and italic where a run is italic (TestFontsMatchPDF compares them with the PDF's).
func TestFontEmbedding(t *testing.T) {
	tags := map[string]fontStyle{"embedRegular": styleRegular, "embedBold": styleBold, "embedItalic": styleItalic, "embedBoldItalic": styleBoldItalic}
	for _, tc := range allDocs(t) {
		t.Run(tc.name, func(t *testing.T) {
			p := render1(t, tc.doc)
			ft, ok := p.parts["word/fontTable.xml"]
			if !ok {
				t.Fatal("no word/fontTable.xml")
			}
			var table fontTableXML
			if err := xml.Unmarshal(ft, &table); err != nil {
				t.Fatalf("decode word/fontTable.xml: %v", err)
			}
			if len(table.Fonts) != 1 {
				t.Fatalf("word/fontTable.xml lists %d fonts, want 1", len(table.Fonts))
			}
			f := table.Fonts[0]
			var set *fonts.Set
			for _, s := range fonts.Sets(render.DefaultFont) {
				if s.Family == f.Name {
					set = s
				}
			}
			if set == nil {
				t.Fatalf("word/fontTable.xml names %q, not a set of %s", f.Name, render.DefaultFont)
			}
			wantAlt := "Liberation Sans, Arial"
			if f.Name == "Liberation Sans" {
				wantAlt = "Arial"
			}
			if f.AltName.Val != wantAlt || f.Panose.Val != "020B0604020202020204" || f.Family.Val != "swiss" || f.Pitch.Val != "variable" {
				t.Errorf("font %q altName %q panose %q family %q pitch %q, want altName %q 020B0604020202020204 swiss variable",
					f.Name, f.AltName.Val, f.Panose.Val, f.Family.Val, f.Pitch.Val, wantAlt)
			}
			if !bytes.Contains(p.parts["word/styles.xml"], []byte(`<w:rFonts w:ascii="`+f.Name+`" w:eastAsia="`+f.Name+`" w:hAnsi="`+f.Name+`" w:cs="`+f.Name+`"/>`)) {
				t.Errorf("word/styles.xml does not set the text in %s", f.Name)
			}
			if !bytes.Contains(p.parts["word/settings.xml"], []byte("<w:embedTrueTypeFonts/>")) {
				t.Error("word/settings.xml lacks w:embedTrueTypeFonts")
			}
			if !bytes.Contains(p.parts["[Content_Types].xml"], []byte(`<Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/>`)) {
				t.Error("[Content_Types].xml gives .odttf no obfuscated-font type")
			}
			rels := map[string]string{}
			for _, r := range decodeRels(t, p.parts["word/_rels/fontTable.xml.rels"]).Rels {
				if r.Type != "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font" {
					t.Errorf("fontTable relationship %s has type %s", r.ID, r.Type)
				}
				rels[r.ID] = path.Join("word", r.Target)
			}
			var embedded [nStyles]bool
			for _, e := range f.Embeds {
				style, ok := tags[e.XMLName.Local]
				if !ok {
					continue
				}
				embedded[style] = true
				name, ok := rels[e.ID]
				if !ok {
					t.Errorf("%s r:id %q has no relationship", e.XMLName.Local, e.ID)
					continue
				}
				part, ok := p.parts[name]
				if !ok || !strings.HasSuffix(name, ".odttf") {
					t.Errorf("%s: part %s missing or not .odttf", e.XMLName.Local, name)
					continue
				}
				want := fontFile(t, set, style)
				if bytes.Equal(part[:32], want[:32]) {
					t.Errorf("%s: %s is not obfuscated", e.XMLName.Local, name)
				}
				plain := deobfuscate(t, part, e.Key)
				if !bytes.Equal(plain, want) {
					t.Errorf("%s: %s deobfuscated with %s is not %s-%s.ttf (%d bytes, want %d)", e.XMLName.Local, name, e.Key, set.Name, styleFiles[style], len(plain), len(want))
					continue
				}
				if _, err := sfnt.Parse(plain); err != nil {
					t.Errorf("%s: deobfuscated font does not parse: %v", e.XMLName.Local, err)
				}
			}
			_, used, err := chooseFonts(tc.doc, render.DefaultFont)
			if err != nil {
				t.Fatal(err)
			}
			if used != embedded {
				t.Errorf("styles used %v, embedded %v", used, embedded)
			}
			if !embedded[styleRegular] {
				t.Error("the regular style is not embedded")
			}
		})
	}
}

// fontFile reads style st of set from render/fonts' directory, not through the package.
func fontFile(t *testing.T, set *fonts.Set, st fontStyle) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "fonts", set.Name+"-"+styleFiles[st]+".ttf"))
	if err != nil {
		t.Fatalf("render/fonts' file: %v", err)
	}
	return b
}

// TestFontItalic checks that a letter with italic text embeds the italic styles as well.
func TestFontItalic(t *testing.T) {
	d := testdoc.Reference()
	d.Body = append(d.Body, &render.Paragraph{Runs: []render.Run{{Text: "skrå", Italic: true}, {Text: " og fed skrå", Italic: true, Bold: true}}})
	ft := string(render1(t, d).parts["word/fontTable.xml"])
	for _, tag := range []string{"w:embedRegular", "w:embedBold", "w:embedItalic", "w:embedBoldItalic"} {
		if !strings.Contains(ft, "<"+tag+" ") {
			t.Errorf("word/fontTable.xml lacks %s:\n%s", tag, ft)
		}
	}
}

// greekLetter is the reference letter with a Greek name in body and subject, which only the full
// Liberation Sans has, so that render/pdf and the DOCX set it in the full set.
func greekLetter() *render.Document {
	d := testdoc.Reference()
	d.Subject += " (Γιώργος)"
	d.Body = append(d.Body, &render.Paragraph{Runs: []render.Run{{Text: "Kære Γιώργος Παπαδόπουλος, "}, {Text: "Здравствуйте", Italic: true}}})
	return d
}

// TestFontsMatchPDF checks, for every sample and test letter and for letters with Greek and
// Cyrillic, that the DOCX embeds the fonts the PDF embeds: the PostScript names of the
// deobfuscated font parts are the names pdffonts lists for the PDF (without the subset tag),
// so the same set (Postbud Sans Latin or the full Liberation Sans) in the same styles.
func TestFontsMatchPDF(t *testing.T) {
	pdffonts := testenv.Need(t, "pdffonts")[0]
	cases := allDocs(t)
	cases = append(cases, namedDoc{"greek", greekLetter()})
	d := greekLetter()
	d.Subject = "Afgørelse"
	d.Body = append(d.Body[:len(d.Body)-1], &render.Table{Header: []render.Cell{{Runs: []render.Run{{Text: "Ελληνικά"}}}}, Rows: [][]render.Cell{{{Runs: []render.Run{{Text: "1"}}}}}})
	cases = append(cases, namedDoc{"greek-table-header", d})
	dir := t.TempDir()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pdfData, err := pdf.Render(tc.doc)
			if err != nil {
				t.Fatalf("render/pdf: %v", err)
			}
			file := filepath.Join(dir, strconv.Itoa(i)+".pdf")
			if err := os.WriteFile(file, pdfData, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(pdffonts, file).Output()
			if err != nil {
				t.Fatalf("pdffonts: %v", err)
			}
			var want []string
			for _, row := range strings.Split(strings.TrimSpace(string(out)), "\n")[2:] {
				name := strings.Fields(row)[0]
				if i := strings.IndexByte(name, '+'); i == 6 {
					name = name[i+1:]
				}
				want = append(want, name)
			}
			got := embeddedNames(t, render1(t, tc.doc))
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fonts (-PDF +DOCX):\n%s", diff)
			}
		})
	}
}

// embeddedNames returns the PostScript names of the fonts a DOCX embeds, sorted, read from the
// deobfuscated font parts.
func embeddedNames(t *testing.T, p pkg) []string {
	t.Helper()
	var table fontTableXML
	if err := xml.Unmarshal(p.parts["word/fontTable.xml"], &table); err != nil {
		t.Fatalf("decode word/fontTable.xml: %v", err)
	}
	rels := map[string]string{}
	for _, r := range decodeRels(t, p.parts["word/_rels/fontTable.xml.rels"]).Rels {
		rels[r.ID] = path.Join("word", r.Target)
	}
	var names []string
	for _, f := range table.Fonts {
		for _, e := range f.Embeds {
			if !strings.HasPrefix(e.XMLName.Local, "embed") {
				continue
			}
			fnt, err := sfnt.Parse(deobfuscate(t, p.parts[rels[e.ID]], e.Key))
			if err != nil {
				t.Fatalf("%s: %v", e.XMLName.Local, err)
			}
			var buf sfnt.Buffer
			n, err := fnt.Name(&buf, sfnt.NameIDPostScript)
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// TestObfuscateRoundTrip checks the package's obfuscation against the test's reading of the
// standard for a few keys, including one in lower case.
func TestObfuscateRoundTrip(t *testing.T) {
	data := make([]byte, 100)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, key := range []string{fontKey(data), "{00112233-4455-6677-8899-AABBCCDDEEFF}"} {
		obf := obfuscate(data, key)
		if bytes.Equal(obf[:32], data[:32]) || !bytes.Equal(obf[32:], data[32:]) {
			t.Errorf("key %s: obfuscation must change exactly the first 32 bytes", key)
		}
		if got := deobfuscate(t, obf, key); !bytes.Equal(got, data) {
			t.Errorf("key %s: deobfuscated bytes differ from the original", key)
		}
	}
	// The first key byte is the GUID's last pair: 0xFF ^ data[0] (0).
	if got := obfuscate(data, "{00112233-4455-6677-8899-AABBCCDDEEFF}")[0]; got != 0xFF {
		t.Errorf("first byte %#x, want 0xff (the GUID's last hex pair)", got)
	}
	if _, err := keyBytes("{0011}"); err == nil {
		t.Error("keyBytes accepts a short key")
	}
}

// TestOutline checks the heading outline of every sample and test letter: the subject, where
// there is one (every sample has one), is the first heading and Heading1, no heading level is
// skipped after it, and every heading style is an outline
// level in styles.xml (Heading n at w:outlineLvl n-1) kept with the next paragraph.
func TestOutline(t *testing.T) {
	for _, tc := range allDocs(t) {
		t.Run(tc.name, func(t *testing.T) {
			p := render1(t, tc.doc)
			ps, err := paragraphs(p.parts["word/document.xml"])
			if err != nil {
				t.Fatal(err)
			}
			styles := string(p.parts["word/styles.xml"])
			prev := 0
			for _, q := range ps {
				if !strings.HasPrefix(q.Style, "Heading") {
					continue
				}
				n, err := strconv.Atoi(strings.TrimPrefix(q.Style, "Heading"))
				if err != nil {
					t.Fatalf("paragraph style %q", q.Style)
				}
				if prev == 0 && tc.doc.Subject != "" {
					if n != 1 || q.Text != tc.doc.Subject {
						t.Errorf("first heading is %s %q, want Heading1 %q (the subject)", q.Style, q.Text, tc.doc.Subject)
					}
				} else if n > prev+1 {
					t.Errorf("%s %q follows Heading%d: a level is skipped", q.Style, q.Text, prev)
				}
				prev = n
				def := regexp.MustCompile(`<w:style w:type="paragraph" w:styleId="` + q.Style + `">.*?</w:style>`).FindString(styles)
				if !strings.Contains(def, `<w:outlineLvl w:val="`+strconv.Itoa(n-1)+`"/>`) || !strings.Contains(def, "<w:keepNext/>") {
					t.Errorf("style %s lacks outline level %d or keepNext: %s", q.Style, n-1, def)
				}
			}
			if tc.doc.Subject != "" && prev == 0 {
				t.Error("no heading: the subject is not Heading1")
			}
		})
	}
}

// TestTableRules checks every body table of every sample and test letter: in the LetterTable
// style, which has no grid; the header row marked w:tblHeader; no row that may split across
// pages; no vertical rules at all.
func TestTableRules(t *testing.T) {
	tables := 0
	for _, tc := range allDocs(t) {
		t.Run(tc.name, func(t *testing.T) {
			p := render1(t, tc.doc)
			doc := string(p.parts["word/document.xml"])
			want := 0
			for _, b := range tc.doc.Body {
				if tb, ok := b.(*render.Table); ok && tb != nil {
					want++
				}
			}
			got := regexp.MustCompile(`(?s)<w:tbl><w:tblPr><w:tblStyle w:val="LetterTable"/>.*?</w:tbl>`).FindAllString(doc, -1)
			if len(got) != want {
				t.Fatalf("%d LetterTable tables, the document has %d", len(got), want)
			}
			for i, tbl := range got {
				tables++
				rows := regexp.MustCompile(`(?s)<w:tr>.*?</w:tr>`).FindAllString(tbl, -1)
				for k, r := range rows {
					if !strings.Contains(r, "<w:cantSplit/>") {
						t.Errorf("table %d row %d may split across pages (no w:cantSplit)", i+1, k+1)
					}
					if strings.Contains(r, "<w:tblHeader/>") != (k == 0) {
						t.Errorf("table %d row %d: w:tblHeader %v, want only on the header row", i+1, k+1, k != 0)
					}
				}
				for _, side := range []string{"left", "right", "insideV", "insideH"} {
					if strings.Contains(tbl, `<w:`+side+` w:val="single"`) {
						t.Errorf("table %d has a %s rule; the PDF has none", i+1, side)
					}
				}
			}
			def := regexp.MustCompile(`<w:style w:type="table" w:styleId="LetterTable">.*?</w:style>`).FindString(string(p.parts["word/styles.xml"]))
			for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
				if want != 0 && !strings.Contains(def, `<w:`+side+` w:val="nil"/>`) {
					t.Errorf("LetterTable style does not turn the %s border off", side)
				}
			}
		})
	}
	if tables == 0 {
		t.Error("no letter has a table: the test checks nothing")
	}
}

// TestKeepRules checks the pagination properties: widow control in Normal, the greeting of the
// signature kept with the name (so that "Med venlig hilsen" never stands alone), the paragraph
// before the signature kept with it, and no fixed gap for a handwritten signature.
func TestKeepRules(t *testing.T) {
	d := testdoc.Reference()
	p := render1(t, d)
	if !regexp.MustCompile(`<w:style w:type="paragraph" w:default="1" w:styleId="Normal">.*?<w:widowControl/>`).Match(p.parts["word/styles.xml"]) {
		t.Error("Normal lacks w:widowControl")
	}
	doc := string(p.parts["word/document.xml"])
	var sig *render.Signature
	for _, b := range d.Body {
		if s, ok := b.(*render.Signature); ok {
			sig = s
		}
	}
	if sig == nil || sig.Greeting == "" || sig.Name == "" {
		t.Fatal("the reference letter has no signature with greeting and name")
	}
	g := regexp.MustCompile(`<w:p><w:pPr>([^>]*>)*?</w:pPr><w:r><w:t>` + regexp.QuoteMeta(sig.Greeting) + `</w:t>`).FindString(doc)
	if !strings.Contains(g, "<w:keepNext/>") {
		t.Errorf("the greeting %q is not kept with the name: %s", sig.Greeting, g)
	}
	i := strings.Index(doc, sig.Greeting)
	between := doc[i : i+strings.Index(doc[i:], sig.Name)]
	if strings.Count(between, "<w:p>") != 1 {
		t.Errorf("paragraphs between the greeting and the name: %s", between)
	}
	before := doc[:strings.LastIndex(doc[:i], "<w:p>")] // up to the greeting's paragraph
	prev := before[strings.LastIndex(before, "<w:p>"):]
	if !strings.Contains(prev, "<w:keepNext/>") {
		t.Errorf("the paragraph before the signature is not kept with it: %s", prev)
	}
}

// TestFontNotEmbedded checks a letter in a family postbud has no file for: fontTable.xml names it
// and nothing is embedded or promised.
func TestFontNotEmbedded(t *testing.T) {
	d := testdoc.Reference()
	d.Font = "Verdana"
	p := render1(t, d)
	ft := string(p.parts["word/fontTable.xml"])
	if !strings.Contains(ft, `<w:font w:name="Verdana">`) || strings.Contains(ft, "embed") {
		t.Errorf("word/fontTable.xml of a Verdana letter:\n%s", ft)
	}
	for _, n := range p.names {
		if strings.HasSuffix(n, ".odttf") {
			t.Errorf("part %s in a letter whose font is not embedded", n)
		}
	}
	if strings.Contains(string(p.parts["word/settings.xml"]), "embedTrueTypeFonts") {
		t.Error("settings.xml promises embedded fonts")
	}
}

// TestDetailsUnderLongContact checks a letterhead whose contact lines reach down beside the
// recipient: the details then follow the contact lines in the right column (4 mm below them, as
// in the PDF) instead of overlapping them, and the package stays well-formed.
func TestDetailsUnderLongContact(t *testing.T) {
	d := testdoc.Reference()
	for i := range 8 { // 12 lines of 4.1 mm from the top margin: past the window's top at 48.7 mm
		d.Letterhead.Contact = append(d.Letterhead.Contact, "Kontaktlinje "+strconv.Itoa(i+1))
	}
	p := render1(t, d)
	wellFormed(t, p)
	doc := string(p.parts["word/document.xml"])
	last := strings.Index(doc, "Kontaktlinje 8")
	dato := strings.Index(doc, "Dato: ")
	rec := strings.Index(doc, d.Recipient[0])
	if last < 0 || dato < last || rec < dato {
		t.Fatalf("order: last contact line at %d, details at %d, recipient at %d; want contact, details, recipient", last, dato, rec)
	}
	m := regexp.MustCompile(`<w:spacing w:before="(\d+)"[^>]*/><w:ind w:left="\d+"/></w:pPr><w:r><w:rPr>(?:<w:(?:color|sz|szCs) [^>]*/>)*</w:rPr><w:t xml:space="preserve">Dato: `).FindStringSubmatch(doc)
	if m == nil || m[1] != strconv.Itoa(twips(4)) {
		t.Errorf("details 4 mm (%d twips) below the contact lines: got %v", twips(4), m)
	}
}
