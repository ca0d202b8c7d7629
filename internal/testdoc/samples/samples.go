// Package samples gives the renderers' tests the sample letters of the repository as
// Documents: each bundle under samples/templates merged with its sample.json. It lives apart
// from package testdoc, whose letters are built without templates.
package samples

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/templates"
)

// Doc is a named letter for a test; Doc returns a fresh Document each call, since renderers may
// change the one they are given.
type Doc struct {
	Name string
	Doc  func() *render.Document
}

// All returns every sample letter of root (the folder holding templates/, layouts/ and blocks/):
// root/templates/<name>/sample.json merged into its bundle, named <name>. A bundle that does not
// load or merge fails the test.
func All(t testing.TB, root string) []Doc {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(root, "templates", "*", "sample.json"))
	if err != nil || len(found) == 0 {
		t.Fatalf("no %s/templates/*/sample.json (%v)", root, err)
	}
	var out []Doc
	for _, f := range found {
		dir := filepath.Dir(f)
		b, err := templates.LoadDir(dir)
		if err != nil {
			t.Fatalf("load %s: %v", dir, err)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Document(data); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, Doc{Name: filepath.Base(dir), Doc: func() *render.Document {
			d, err := b.Document(data)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			return d
		}})
	}
	return out
}
