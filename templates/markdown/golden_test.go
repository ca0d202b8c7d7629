package markdown

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// typed wraps blocks with their type name so that the golden JSON shows what each block is.
func typed(bs []render.Block) []any {
	out := make([]any, 0, len(bs))
	for _, b := range bs {
		v := any(b)
		if l, ok := b.(*render.List); ok {
			items := make([][]any, len(l.Items))
			for i, it := range l.Items {
				items[i] = typed(it)
			}
			v = struct {
				Ordered bool
				Start   int
				Items   [][]any
			}{l.Ordered, l.Start, items}
		}
		out = append(out, map[string]any{fmt.Sprintf("%T", b)[len("*render."):]: v})
	}
	return out
}

// TestGolden compares the blocks of a whole letter body with testdata/letter.json.
func TestGolden(t *testing.T) {
	bs, err := Blocks([]byte(letterBody), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(typed(bs), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "letter.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Blocks(letterBody) differs from %s (-want +got):\n%s\nrun go test -update if the change is right", path, diff)
	}
}
