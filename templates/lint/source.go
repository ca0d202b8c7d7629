package lint

import (
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// pos is a 1-based line and column (in characters) in a file.
type pos struct{ line, col int }

// position returns the line and column of byte offset off in src.
func position(src []byte, off int) pos {
	off = min(max(off, 0), len(src))
	before := src[:off]
	line := 1
	ls := 0
	for i, c := range before {
		if c == '\n' {
			line++
			ls = i + 1
		}
	}
	return pos{line, utf8.RuneCount(before[ls:]) + 1}
}

// letterSource is a letter.md (or letter.<lang>.md) split as the loader splits it: its front
// matter YAML, parsed for positions, and its Markdown body.
type letterSource struct {
	file string
	src  string
	// front is the front matter's top mapping, nil when the front matter is missing or is not
	// YAML (the loader reports that).
	front *yaml.Node
	// bodyLine is the 1-based line the body starts on; body is the file from there, and
	// bodyOff the byte offset of that line.
	bodyLine int
	body     string
	bodyOff  int
}

// readLetter splits src like the loader does: a "---" line, the YAML, a "---" (or "...") line.
func readLetter(file string, data []byte) *letterSource {
	src := strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n")
	ls := &letterSource{file: file, src: src, bodyLine: 1, body: src}
	lines := strings.SplitAfter(src, "\n")
	if len(lines) == 0 || strings.TrimRight(lines[0], " \t\n") != "---" {
		return ls
	}
	off := len(lines[0])
	for i := 1; i < len(lines); i++ {
		if l := strings.TrimRight(lines[i], " \t\n"); l == "---" || l == "..." {
			ls.front = parseYAML(strings.Join(lines[1:i], ""))
			ls.bodyOff = off + len(lines[i])
			ls.bodyLine = i + 2
			ls.body = src[ls.bodyOff:]
			return ls
		}
		off += len(lines[i])
	}
	return ls
}

// parseYAML returns the top mapping of src with lines counted from the file's line 2 (the line
// after "---"), or nil.
func parseYAML(src string) (top *yaml.Node) {
	defer func() {
		if recover() != nil {
			top = nil
		}
	}()
	var doc yaml.Node
	if yaml.Unmarshal([]byte(src), &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	shift(doc.Content[0])
	return doc.Content[0]
}

// shift moves the positions of n and everything under it one line down, from lines of the
// YAML to lines of letter.md.
func shift(n *yaml.Node) {
	n.Line++
	for _, c := range n.Content {
		shift(c)
	}
}

// get returns the value of key in mapping n, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// scalar returns the text of n when it is a scalar.
func scalar(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// valueCol is the column of n's text: after the opening quote of a quoted scalar.
func valueCol(n *yaml.Node) int {
	if n.Style == yaml.SingleQuotedStyle || n.Style == yaml.DoubleQuotedStyle {
		return n.Column + 1
	}
	return n.Column
}

// blankActions returns s with every {{ ... }} action replaced by spaces (line breaks kept), so
// that offsets and positions stay those of s.
func blankActions(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	b := []byte(s)
	for i := 0; i+1 < len(b); i++ {
		if b[i] != '{' || b[i+1] != '{' {
			continue
		}
		end := strings.Index(s[i+2:], "}}")
		stop := len(b)
		if end >= 0 {
			stop = i + 2 + end + 2
		}
		for j := i; j < stop; j++ {
			if b[j] != '\n' {
				b[j] = ' '
			}
		}
		i = stop - 1
	}
	return string(b)
}
