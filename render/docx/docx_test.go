package docx

import (
	"bytes"
	"encoding/xml"
	"flag"
	"math"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

type namedDoc struct {
	name string
	doc  *render.Document
}

func docs(t testing.TB) []namedDoc {
	return []namedDoc{
		{"reference", testdoc.Reference()},
		{"long", testdoc.Long(40, 60)},
		{"heavy", testdoc.Heavy()},
		{"features", features(t)},
		{"empty", &render.Document{}},
	}
}

// TestPackage checks that every XML part is well-formed by xmllint, that every part has a content
// type, and that every relationship and every r:id in the document resolves.
func TestPackage(t *testing.T) {
	xmllint := testenv.Need(t, "xmllint")[0]
	for _, tc := range docs(t) {
		t.Run(tc.name, func(t *testing.T) {
			p := render1(t, tc.doc)
			if p.names[0] != "[Content_Types].xml" {
				t.Errorf("first part is %s, want [Content_Types].xml", p.names[0])
			}
			dir := t.TempDir()
			var files []string
			for i, name := range p.names {
				if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") {
					continue
				}
				f := filepath.Join(dir, strconv.Itoa(i)+"-"+path.Base(name))
				if err := os.WriteFile(f, p.parts[name], 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			if len(files) < 11 {
				t.Errorf("%d XML parts, want at least 11: %v", len(files), p.names)
			}
			if out, err := exec.Command(xmllint, append([]string{"--noout"}, files...)...).CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("xmllint --noout: %v\n%s", err, out)
			}

			var types struct {
				Defaults []struct {
					Ext string `xml:"Extension,attr"`
				} `xml:"Default"`
				Overrides []struct {
					Part string `xml:"PartName,attr"`
				} `xml:"Override"`
			}
			if err := xml.Unmarshal(p.parts["[Content_Types].xml"], &types); err != nil {
				t.Fatal(err)
			}
			typed := map[string]bool{}
			for _, d := range types.Defaults {
				typed["ext:"+d.Ext] = true
			}
			for _, o := range types.Overrides {
				typed[o.Part] = true
				if _, ok := p.parts[strings.TrimPrefix(o.Part, "/")]; !ok {
					t.Errorf("content type override for missing part %s", o.Part)
				}
			}
			for _, name := range p.names[1:] {
				if !typed["/"+name] && !typed["ext:"+strings.TrimPrefix(path.Ext(name), ".")] {
					t.Errorf("part %s has no content type", name)
				}
			}

			ids := map[string]bool{}
			for _, name := range p.names {
				if !strings.HasSuffix(name, ".rels") {
					continue
				}
				for _, r := range decodeRels(t, p.parts[name]).Rels {
					if name == "word/_rels/document.xml.rels" {
						ids[r.ID] = true
					}
					if r.TargetMode == "External" {
						continue
					}
					target := path.Join(relsBase(name), r.Target)
					if _, ok := p.parts[target]; !ok {
						t.Errorf("%s: relationship %s targets %s, which is not in the package", name, r.ID, target)
					}
				}
			}
			for _, m := range regexp.MustCompile(`r:(?:id|embed)="([^"]+)"`).FindAllSubmatch(p.parts["word/document.xml"], -1) {
				if !ids[string(m[1])] {
					t.Errorf("word/document.xml refers to relationship %s, which word/_rels/document.xml.rels lacks", m[1])
				}
			}
		})
	}
}

// TestText checks that every word of d.Text() is in document.xml and the footer, in order.
func TestText(t *testing.T) {
	for _, tc := range docs(t) {
		t.Run(tc.name, func(t *testing.T) {
			got := render1(t, tc.doc).text(t)
			if miss := missingInOrder(got, testdoc.Words(tc.doc)); miss != "" {
				t.Errorf("word missing or out of order in the DOCX text: %s", miss)
			}
		})
	}
}

// structure is what TestStructure compares: the features a reader of the DOCX relies on.
type structure struct {
	ParagraphStyles    []string // distinct w:pStyle values in document.xml, sorted
	HeaderRows         int      // rows marked w:tblHeader
	NumberedParagraphs int      // paragraphs with w:numPr
	FooterFields       []string // field instructions in the footer
	Hyperlinks         []string // external relationship targets
	Title, Creator     string   // core.xml
	Language, Created  string   // core.xml
}

func structureOf(t testing.TB, p pkg) structure {
	t.Helper()
	var s structure
	styles := map[string]bool{}
	walk := func(name string, f func(se xml.StartElement, dec *xml.Decoder)) {
		dec := xml.NewDecoder(bytes.NewReader(p.parts[name]))
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			if se, ok := tok.(xml.StartElement); ok {
				f(se, dec)
			}
		}
	}
	walk("word/document.xml", func(se xml.StartElement, _ *xml.Decoder) {
		switch se.Name.Local {
		case "pStyle":
			styles[attr(se, "val")] = true
		case "tblHeader":
			s.HeaderRows++
		case "numPr":
			s.NumberedParagraphs++
		}
	})
	s.ParagraphStyles = slices.Sorted(func(yield func(string) bool) {
		for k := range styles {
			if !yield(k) {
				return
			}
		}
	})
	walk("word/footer1.xml", func(se xml.StartElement, dec *xml.Decoder) {
		if se.Name.Local == "instrText" {
			var v string
			if err := dec.DecodeElement(&v, &se); err != nil {
				t.Fatal(err)
			}
			s.FooterFields = append(s.FooterFields, strings.TrimSpace(v))
		}
	})
	for _, r := range decodeRels(t, p.parts["word/_rels/document.xml.rels"]).Rels {
		if r.TargetMode == "External" {
			s.Hyperlinks = append(s.Hyperlinks, r.Target)
		}
	}
	var core struct {
		Title    string `xml:"title"`
		Creator  string `xml:"creator"`
		Language string `xml:"language"`
		Created  string `xml:"created"`
	}
	if err := xml.Unmarshal(p.parts["docProps/core.xml"], &core); err != nil {
		t.Fatal(err)
	}
	s.Title, s.Creator, s.Language, s.Created = core.Title, core.Creator, core.Language, core.Created
	return s
}

func TestStructure(t *testing.T) {
	fields := []string{`PAGE \* MERGEFORMAT`, `NUMPAGES \* MERGEFORMAT`}
	tests := []struct {
		name string
		doc  *render.Document
		want structure
	}{
		{"reference", testdoc.Reference(), structure{
			ParagraphStyles:    []string{"Heading1", "Heading2", "ListParagraph"},
			HeaderRows:         1,
			NumberedParagraphs: 2,
			FooterFields:       fields,
			Hyperlinks:         []string{"https://www.borger.dk/boligstoette"},
			Title:              "Afgørelse om boligstøtte", Creator: "Aarhus Kommune", Language: "da", Created: "2026-11-23T00:00:00Z",
		}},
		{"features", features(t), structure{
			ParagraphStyles:    []string{"Heading1", "Heading2", "Heading3", "ListParagraph"},
			HeaderRows:         1,
			NumberedParagraphs: 5,
			FooterFields:       fields,
			Hyperlinks:         []string{"https://example.dk/a%20b?x=1&y=%C3%B8"},
			Title:              "Prøvebrev", Creator: "Testkommune", Language: "da", Created: "2000-01-01T00:00:00Z",
		}},
		{"no page label", &render.Document{Footer: "Bund", Meta: render.Meta{Title: "T"}}, structure{
			Title: "T", Created: "2000-01-01T00:00:00Z",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := structureOf(t, render1(t, tc.doc))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("structure (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGolden compares the paragraphs (style and text) of document.xml, the footer, the running
// head and the font table (its parts' XML, which names no text) with testdata/<name>.golden. Run with -update to rewrite them after a deliberate change.
func TestGolden(t *testing.T) {
	for _, tc := range []namedDoc{{"reference", testdoc.Reference()}, {"features", features(t)}} {
		t.Run(tc.name, func(t *testing.T) {
			p := render1(t, tc.doc)
			var b strings.Builder
			for _, name := range []string{"word/document.xml", "word/footer1.xml", "word/header1.xml", "word/header2.xml"} {
				b.WriteString("== " + name + "\n")
				ps, err := paragraphs(p.parts[name])
				if err != nil {
					t.Fatal(err)
				}
				for _, q := range ps {
					b.WriteString(q.Style + "|" + strconv.Quote(q.Text) + "\n")
				}
			}
			b.WriteString("== word/fontTable.xml\n" + string(p.parts["word/fontTable.xml"]) + "\n")
			file := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", file, diff)
			}
		})
	}
}

// TestNumbering checks list instances: each list has its own w:num, ordered lists restart at
// their Start through a start override, and nested lists go one level deeper.
func TestNumbering(t *testing.T) {
	p := render1(t, features(t))
	var numbering struct {
		Abstract []struct {
			ID     string `xml:"abstractNumId,attr"`
			Levels []struct {
				Ilvl int `xml:"ilvl,attr"`
				Fmt  struct {
					Val string `xml:"val,attr"`
				} `xml:"numFmt"`
			} `xml:"lvl"`
		} `xml:"abstractNum"`
		Nums []struct {
			ID       int `xml:"numId,attr"`
			Abstract struct {
				Val string `xml:"val,attr"`
			} `xml:"abstractNumId"`
			Override *struct {
				Ilvl  int `xml:"ilvl,attr"`
				Start struct {
					Val int `xml:"val,attr"`
				} `xml:"startOverride"`
			} `xml:"lvlOverride"`
		} `xml:"num"`
	}
	if err := xml.Unmarshal(p.parts["word/numbering.xml"], &numbering); err != nil {
		t.Fatal(err)
	}
	type num struct {
		ID           int
		Abstract     string
		Level, Start int
		HasOverride  bool
	}
	var got []num
	for _, n := range numbering.Nums {
		g := num{ID: n.ID, Abstract: n.Abstract.Val}
		if n.Override != nil {
			g.HasOverride, g.Level, g.Start = true, n.Override.Ilvl, n.Override.Start.Val
		}
		got = append(got, g)
	}
	want := []num{
		{ID: 1, Abstract: "1", Level: 0, Start: 3, HasOverride: true},
		{ID: 2, Abstract: "0"},
		{ID: 3, Abstract: "1", Level: 0, Start: 1, HasOverride: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("w:num instances (-want +got):\n%s", diff)
	}
	if len(numbering.Abstract) != 2 || len(numbering.Abstract[0].Levels) != 9 || numbering.Abstract[0].Levels[0].Fmt.Val != "bullet" ||
		numbering.Abstract[1].Levels[0].Fmt.Val != "decimal" || numbering.Abstract[1].Levels[1].Fmt.Val != "lowerLetter" {
		t.Errorf("abstract numbering: got %+v, want a 9-level bullet list and a 9-level decimal/lowerLetter list", numbering.Abstract)
	}

	// Which paragraphs carry which number.
	type item struct {
		NumID, Level string
		Text         string
	}
	var items []item
	re := regexp.MustCompile(`<w:numPr><w:ilvl w:val="(\d)"/><w:numId w:val="(\d+)"/></w:numPr>.*?<w:t[^>]*>([^<]*)</w:t>`)
	for _, m := range re.FindAllSubmatch(p.parts["word/document.xml"], -1) {
		items = append(items, item{NumID: string(m[2]), Level: string(m[1]), Text: string(m[3])})
	}
	wantItems := []item{
		{"1", "0", "Tredje punkt"}, {"1", "0", "Fjerde punkt"}, {"2", "1", "Indrykket punkt"},
		{"3", "0", "Første igen"}, {"3", "0", "Andet igen"},
	}
	if diff := cmp.Diff(wantItems, items); diff != "" {
		t.Errorf("numbered paragraphs (-want +got):\n%s", diff)
	}
}

// TestImages checks media parts, picture extents (150 dpi natural size, Image.Width, never wider
// than the text area or the logo's box) and alt texts.
func TestImages(t *testing.T) {
	d := features(t)
	d.Body = append(d.Body, &render.Image{Data: testPNG(t, 40, 20), Width: 500, Alt: "Bred"})
	p := render1(t, d)
	type pic struct {
		CX, CY int64
		Alt    string
	}
	var got []pic
	re := regexp.MustCompile(`<wp:extent cx="(\d+)" cy="(\d+)"/><wp:effectExtent [^>]*/><wp:docPr id="\d+" name="[^"]*" descr="([^"]*)"/>`)
	for _, m := range re.FindAllSubmatch(p.parts["word/document.xml"], -1) {
		cx, _ := strconv.ParseInt(string(m[1]), 10, 64)
		cy, _ := strconv.ParseInt(string(m[2]), 10, 64)
		got = append(got, pic{cx, cy, string(m[3])})
	}
	textW := render.A4.Width - render.A4.Left - render.A4.Right
	want := []pic{
		{1800000, 720000, "Kommunens logo"},  // 300x120 px at 150 dpi = 50.8x20.32 mm, at most 50x20 mm as in the PDF
		{3657600, 1828800, "Et diagram"},     // 600x300 px = 101.6x50.8 mm
		{1463040, 487680, "Underskrift"},     // 240x80 px = 40.64x13.55 mm
		{emu(textW), emu(textW / 2), "Bred"}, // 500 mm asked, limited to the text width
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pictures (-want +got):\n%s", diff)
	}
	var media []string
	for _, n := range p.names {
		if strings.HasPrefix(n, "word/media/") {
			media = append(media, n)
		}
	}
	wantMedia := []string{"word/media/image1.png", "word/media/image2.jpeg", "word/media/image3.png", "word/media/image4.png"}
	if diff := cmp.Diff(wantMedia, media); diff != "" {
		t.Errorf("media parts (-want +got):\n%s", diff)
	}
	if !bytes.Equal(p.parts["word/media/image1.png"], d.Letterhead.Logo.Data) {
		t.Error("word/media/image1.png is not the logo's bytes")
	}
}

func TestErrors(t *testing.T) {
	bad := &render.Image{Data: []byte("GIF89a....")}
	broken := &render.Image{Data: []byte("\x89PNG\r\n\x1a\nbroken")}
	tests := []struct {
		name string
		doc  *render.Document
		want string // substring of the error
	}{
		{"nil", nil, "docx: render: document is nil"},
		{"no text width", &render.Document{Page: render.Page{Width: 100, Height: 100, Left: 50, Right: 45}}, "leaves less than 20 mm for text"},
		{"NaN page", &render.Document{Page: render.Page{Width: 210, Height: 297, Top: math.NaN()}}, "page: size and margins must be finite"},
		{"gif", &render.Document{Body: []render.Block{&render.Paragraph{}, bad}}, "body block 2 (image): image: image of 10 bytes is neither PNG nor JPEG"},
		{"broken png", &render.Document{Body: []render.Block{broken}}, "body block 1 (image): image: read png header"},
		{"logo", &render.Document{Letterhead: render.Letterhead{Logo: bad}}, "letterhead logo: image of 10 bytes"},
		{"signature", &render.Document{Body: []render.Block{&render.Signature{Image: bad}}}, "body block 1 (signature): signature image"},
		{"image in list", &render.Document{Body: []render.Block{&render.List{Items: [][]render.Block{{bad}}}}}, "body block 1 (image): image"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Render(tc.doc)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Render error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, tc := range docs(t) {
		t.Run(tc.name, func(t *testing.T) {
			first, err := Render(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Render(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, again) {
				t.Fatal("two renders of the same document differ")
			}
			var wg sync.WaitGroup
			outs := make([][]byte, 16)
			errs := make([]error, 16)
			for i := range outs {
				wg.Go(func() { outs[i], errs[i] = Render(tc.doc) })
			}
			wg.Wait()
			for i := range outs {
				if errs[i] != nil {
					t.Fatalf("concurrent render %d: %v", i, errs[i])
				}
				if !bytes.Equal(first, outs[i]) {
					t.Errorf("concurrent render %d differs from the first render", i)
				}
			}
		})
	}
}

// TestWindowGeometry checks the first-page table against the window: the table starts at the
// window's left edge (or the text's, whichever is further left), the window column is as wide as
// the window and starts at Window.X, the letterhead row is exactly as high as the space above the
// window, and the details column starts at the information block's 125 mm.
func TestWindowGeometry(t *testing.T) {
	for _, tc := range []struct {
		name   string
		window render.Window
	}{
		{"default", render.Window{}},
		{"moved", render.Window{X: 30, Y: 50, Width: 80, Height: 40}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testdoc.Reference()
			d.Window = tc.window
			win, pg := tc.window, d.Page
			if win == (render.Window{}) {
				win = render.DefaultWindow
			}
			if pg == (render.Page{}) {
				pg = render.A4
			}
			doc := string(render1(t, d).parts["word/document.xml"])
			first := doc[:strings.Index(doc, `w:pStyle w:val="Heading1"`)]
			num := func(re string) []int {
				var out []int
				for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(first, -1) {
					n, _ := strconv.Atoi(m[1])
					out = append(out, n)
				}
				return out
			}
			ind := num(`<w:tblInd w:w="(-?\d+)"`)
			cols := num(`<w:gridCol w:w="(\d+)"`)
			rows := num(`<w:trHeight w:val="(\d+)" w:hRule="exact"`)
			if len(ind) != 1 || len(cols) < 3 || len(rows) < 2 {
				t.Fatalf("first-page table: tblInd %v, gridCol %v, trHeight %v", ind, cols, rows)
			}
			x0 := min(pg.Left, win.X)
			if want := twips(x0) - twips(pg.Left); ind[0] != want {
				t.Errorf("tblInd %d twips, want %d (table from %.0f mm)", ind[0], want, x0)
			}
			// Columns: [text edge..window], window, gap, right column.
			wi := len(cols) - 3
			start := twips(x0)
			for _, c := range cols[:wi] {
				start += c
			}
			if start != twips(win.X) || abs(cols[wi]-twips(win.Width)) > 1 {
				t.Errorf("window column from %d twips, %d wide; want from %d, %d wide", start, cols[wi], twips(win.X), twips(win.Width))
			}
			if want := twips(win.Y - pg.Top); rows[0] != want {
				t.Errorf("letterhead row %d twips high, want %d (down to the window)", rows[0], want)
			}
			if len(rows) < 3 || rows[1] != twips(render.ReturnZone+1) || rows[1]+rows[2] < twips(win.Height) {
				t.Errorf("window rows %v twips high, want the return zone and 1 mm (%d), then together at least the window's %d",
					rows[1:], twips(render.ReturnZone+1), twips(win.Height))
			}
			details := regexp.MustCompile(`<w:ind w:left="(\d+)"/></w:pPr><w:r><w:rPr>(?:<w:(?:color|sz|szCs) [^>]*/>)*</w:rPr><w:t xml:space="preserve">Dato: `).FindStringSubmatch(first)
			if details == nil {
				t.Fatal("no details paragraph (Dato) with its indent in the right column")
			}
			rx := start + cols[wi] + cols[wi+1]
			di, _ := strconv.Atoi(details[1])
			if got, want := rx+di, twips(max(125, win.X+win.Width+8)); abs(got-want) > 1 {
				t.Errorf("details start at %d twips from the page edge, want %d", got, want)
			}
		})
	}
}

func abs(n int) int { return max(n, -n) }

// TestNilBlocks checks that nil blocks, typed or not, are skipped rather than crashing.
func TestNilBlocks(t *testing.T) {
	d := &render.Document{Body: []render.Block{
		nil, (*render.Heading)(nil), (*render.Paragraph)(nil), (*render.List)(nil), (*render.Table)(nil),
		(*render.Image)(nil), (*render.PageBreak)(nil), (*render.Signature)(nil),
		&render.List{Items: [][]render.Block{{nil, (*render.Paragraph)(nil), (*render.List)(nil)}}},
		&render.Paragraph{Runs: []render.Run{{Text: "kept"}}},
	}}
	p := render1(t, d)
	wellFormed(t, p)
	if !strings.Contains(p.text(t), "kept") {
		t.Error(`paragraph "kept" lost among nil blocks`)
	}
}
