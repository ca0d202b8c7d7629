package docx

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
)

// TestPythonDocx opens every sample's DOCX with python-docx (Debian python3-docx), a reader of
// the format that shares no code with ours, and checks what it reports: the headings start at
// Heading 1, which is the subject, and go down one level at a time; the subject is the first
// heading; every table's first row is marked as a header row that repeats; every picture has
// its alt text.
func TestPythonDocx(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import docx").Run(); err != nil {
		msg := "python-docx missing: apt-get install python3-docx"
		if testenv.InCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	const script = `
import docx, json, sys
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
heads = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
tables = []
for t in d.tables:
    tr = t.rows[0]._tr
    trPr = tr.find(qn("w:trPr"))
    tables.append(trPr is not None and trPr.find(qn("w:tblHeader")) is not None)
alts = [e.get("descr") for e in d.element.body.iter(qn("wp:docPr"))]
alts += [e.get("descr") for s in d.sections for part in (s.header, s.first_page_header) for e in part._element.iter(qn("wp:docPr"))]
print(json.dumps({"headings": heads, "tables": tables, "alts": alts}))
`
	for _, s := range sampleDocs(t) {
		t.Run(s.Name, func(t *testing.T) {
			d := s.Doc()
			data, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), s.Name+".docx")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(py, "-c", script, path).CombinedOutput()
			if err != nil {
				t.Fatalf("python-docx cannot read the DOCX: %v\n%s", err, out)
			}
			var got struct {
				Headings [][2]string
				Tables   []bool
				Alts     []*string
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if len(got.Headings) == 0 || got.Headings[0][0] != "Heading 1" || got.Headings[0][1] != strings.Join(render.Words(d.Subject), " ") {
				t.Fatalf("first heading %v, want Heading 1 with the subject %q", got.Headings, d.Subject)
			}
			level := 1
			for _, h := range got.Headings[1:] {
				var n int
				if _, err := fmt.Sscan(strings.TrimPrefix(h[0], "Heading "), &n); err != nil || n < 2 || n > level+1 {
					t.Errorf("heading %q is %s after level %d: want Heading 2 or a level at most one deeper", h[1], h[0], level)
				}
				level = n
			}
			// The letter's tables come after the first page's layout table (letterhead, window
			// and details), which python-docx lists first.
			var want int
			for _, b := range d.Body {
				if tb, ok := b.(*render.Table); ok && len(tb.Header) > 0 {
					want++
				}
			}
			if len(got.Tables) < want+1 {
				t.Fatalf("python-docx finds %d tables, want the layout table and the letter's %d", len(got.Tables), want)
			}
			for i, header := range got.Tables[len(got.Tables)-want:] {
				if !header {
					t.Errorf("table %d of the letter: its first row is not marked as a header row (w:tblHeader)", i+1)
				}
			}
			if len(got.Alts) == 0 && d.Letterhead.Logo != nil {
				t.Error("python-docx finds no picture, but the letter has a logo")
			}
			for i, a := range got.Alts {
				if a == nil || strings.TrimSpace(*a) == "" || *a == "Logo" {
					t.Errorf("picture %d has no alt text that says what it shows: %v", i+1, a)
				}
			}
		})
	}
}
