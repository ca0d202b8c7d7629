package lint

import (
	"encoding/json"
	"testing"
)

func TestReadJSONPositions(t *testing.T) {
	src := []byte("{\n  \"a\": [1, {\"b\": \"ø\"}],\n  \"c~/d\": null\n}\n")
	doc, _, msg := readJSON(src)
	if doc == nil {
		t.Fatal(msg)
	}
	for ptr, want := range map[string]pos{
		"":          {1, 1},
		"/a":        {2, 8},
		"/a/1/b":    {2, 18},
		"/c~0~1d":   {3, 11},
		"/a/1/zz":   {2, 12}, // missing: the object that would hold it
		"/nothing":  {1, 1},
		"/a/7/b/c":  {2, 8},
		"/c~0~1d/x": {3, 11},
	} {
		if got := doc.find(ptr); got != want {
			t.Errorf("find(%q) = %v, want %v", ptr, got, want)
		}
	}
	for _, tc := range []struct {
		src string
		at  pos
	}{
		{"{\n  \"a\": 1\n  \"b\": 2}", pos{3, 3}},
		{"[1, 2", pos{1, 6}},
		{"{} x", pos{1, 4}},
		{"", pos{1, 1}},
	} {
		if doc, at, msg := readJSON([]byte(tc.src)); doc != nil || at != tc.at || msg == "" {
			t.Errorf("readJSON(%q) = %v, %v, %q; want a syntax error at %v", tc.src, doc, at, msg, tc.at)
		}
	}
}

// FuzzReadJSON checks that readJSON never panics, accepts exactly what encoding/json accepts and
// places every value inside the text.
func FuzzReadJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, {"b": "ø"}]}`, `[`, `"x"`, `{"a":1}{`, "{\"\\u00e6\": 1}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, at, msg := readJSON(src)
		if (doc != nil) != json.Valid(src) {
			t.Fatalf("readJSON(%q) accepts %v, json.Valid says %v (%s)", src, doc != nil, json.Valid(src), msg)
		}
		if doc == nil {
			if at.line < 1 || at.col < 1 {
				t.Fatalf("syntax error at %v", at)
			}
			return
		}
		for ptr, off := range doc.at {
			if off < 0 || off >= len(src) {
				t.Fatalf("%q at offset %d of %d", ptr, off, len(src))
			}
		}
	})
}
