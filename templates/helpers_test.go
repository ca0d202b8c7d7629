package templates

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/postbud/postbud/render"
)

// fixtureDir is the sample root used by most tests: a Danish municipal decision letter.
const fixtureDir = "testdata/root"

// fixture copies testdata/root to a temporary folder, so a test can change files in it.
func fixture(t testing.TB) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(fixtureDir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(fixtureDir, p)
		if e.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func writeFile(t testing.TB, root, rel, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, rel), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// lineOf returns the 1-based line of the first occurrence of sub in the file.
func lineOf(t testing.TB, file, sub string) int {
	t.Helper()
	src := readFile(t, file)
	i := strings.Index(src, sub)
	if i < 0 {
		t.Fatalf("%q not in %s", sub, file)
	}
	return 1 + strings.Count(src[:i], "\n")
}

// loadFixture loads the fixture bundle.
func loadFixture(t testing.TB) *Bundle {
	t.Helper()
	b, err := LoadDir(fixtureDir + "/templates/boligstoette")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sampleWith returns the fixture's sample data changed by edit.
func sampleWith(t testing.TB, b *Bundle, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b.Sample, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// obj walks nested maps of decoded JSON.
func obj(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

// miniLayout is the smallest layout a letter can use.
const miniLayout = "sender: {name: Testkommune}\n"

// mini builds a root with one bundle "t" in language lang whose body is body, plus the given
// extra files (path → content).
func mini(lang, body string, extra map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"templates/t/letter.md":   {Data: []byte("---\ntitle: T\nlanguage: " + lang + "\nlayout: l\nrecipient: [R]\n---\n" + body)},
		"templates/t/schema.json": {Data: []byte(`{"type": "object"}`)},
		"layouts/l/layout.yaml":   {Data: []byte(miniLayout)},
	}
	for p, c := range extra {
		fsys[p] = &fstest.MapFile{Data: []byte(c)}
	}
	return fsys
}

// bodyText is the text of a document's body, one line per block.
func bodyText(d *render.Document) string {
	return (&render.Document{Body: d.Body}).Text()
}

// allRuns returns every run of the body, in table cells and list items too.
func allRuns(bs []render.Block) []render.Run {
	var out []render.Run
	for _, b := range bs {
		switch b := b.(type) {
		case *render.Paragraph:
			out = append(out, b.Runs...)
		case *render.Heading:
			out = append(out, b.Runs...)
		case *render.List:
			for _, it := range b.Items {
				out = append(out, allRuns(it)...)
			}
		case *render.Table:
			for _, row := range append(append([][]render.Cell{b.Header}, b.Rows...), b.Total) {
				for _, c := range row {
					out = append(out, c.Runs...)
				}
			}
		}
	}
	return out
}

func osDirFS(dir string) fs.FS { return os.DirFS(dir) }

// pngBytes is the fixture's small PNG.
func pngBytes(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, "templates/boligstoette/plan.png"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
