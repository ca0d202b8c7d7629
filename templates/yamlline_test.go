package templates

import (
	"strconv"
	"strings"
	"testing"
)

// TestYAMLErrorLines checks that YAML syntax errors in the front matter name the file line of
// the fault, including the cases the YAML library numbers differently (an unclosed flow list
// or mapping, an error on the first line).
func TestYAMLErrorLines(t *testing.T) {
	for _, tc := range []struct {
		front string
		line  int
	}{
		{"title: a\nblocks: [a, b\nlanguage: da\n", 3},
		{"title: [a\n", 2},
		{"a: 1\nb: 2\ntitle: [a\nx: 1\n", 4},
		{"a: 1\nb: {c: 1\nd: 2\n", 3},
		{"title: a: b\n", 2},
		{"a: 1\ntitle: a: b\n", 3},
	} {
		_, err := Load(mini("da", "body", map[string]string{"templates/t/letter.md": "---\n" + tc.front + "---\nbody\n"}), "t")
		want := "letter.md:" + strconv.Itoa(tc.line) + ": invalid YAML"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("front matter %q: error %v, want %q", tc.front, err, want)
		}
	}
}
