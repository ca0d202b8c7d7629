package templates

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlDoc is a YAML text of a file: the file name for errors and the file line of the YAML's
// first line minus one.
type yamlDoc struct {
	file string
	line int
}

// text is a string value with its position in the file.
type text struct {
	s         string
	line, col int
	style     yaml.Style
	set       bool // present in the YAML
}

func (d yamlDoc) err(n *yaml.Node, format string, args ...any) *TemplateError {
	return &TemplateError{File: d.file, Line: n.Line + d.line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
}

var yamlErrRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parse decodes YAML text into its top node, which must be a mapping (an empty text is an empty
// mapping). Syntax errors name the file line.
func (d yamlDoc) parse(src string) (n *yaml.Node, err error) {
	defer func() { // bad input never panics, whatever the YAML library does with it
		if r := recover(); r != nil {
			n, err = nil, &TemplateError{File: d.file, Line: d.line + 1, Msg: fmt.Sprintf("cannot read YAML: %v", r)}
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		line, msg := YAMLError(src, err)
		return nil, &TemplateError{File: d.file, Line: line + d.line, Msg: "invalid YAML: " + msg}
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, d.err(top, "expected keys and values (key: value), got %s", kindName(top))
	}
	return top, nil
}

// YAMLError reads an error gopkg.in/yaml.v3 returned for src: the line of src (from 1) the
// fault is on and the library's message without its "yaml: line N:" prefix. It corrects the
// library's numbering where it is off: an error on the first line comes without a line, and an
// unclosed flow list or mapping is counted from 0. The loader and lint report YAML syntax errors
// with it.
func YAMLError(src string, err error) (line int, msg string) {
	msg, line = strings.TrimPrefix(err.Error(), "yaml: "), 1
	if m := yamlErrRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if strings.HasPrefix(msg, "did not find expected ',' or") {
			line = unclosedFlowLine(src, line)
		}
	}
	return line, msg
}

// unclosedFlowLine is the line of the flow list or mapping that the YAML library found
// unclosed, which it reports as line n: the opening bracket's line counted from 0 (so n+1), or
// from 1 when it is the first line. The line of the two that opens more brackets than it closes
// wins.
func unclosedFlowLine(src string, n int) int {
	lines := strings.Split(src, "\n")
	unclosed := func(l int) bool {
		if l < 1 || l > len(lines) {
			return false
		}
		t := lines[l-1]
		return strings.Count(t, "[")+strings.Count(t, "{") > strings.Count(t, "]")+strings.Count(t, "}")
	}
	if unclosed(n + 1) {
		return n + 1
	}
	return n
}

// fields returns the values of mapping n by key, rejecting keys not in allowed, duplicates,
// aliases and non-mappings.
func (d yamlDoc) fields(n *yaml.Node, what string, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind == yaml.AliasNode {
		return nil, d.err(n, "YAML aliases are not supported in %s", what)
	}
	if n.Kind != yaml.MappingNode {
		return nil, d.err(n, "%s must be a mapping (key: value), got %s", what, kindName(n))
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, d.err(k, "keys of %s must be plain words", what)
		}
		if !contains(allowed, k.Value) {
			sorted := append([]string(nil), allowed...)
			sort.Strings(sorted)
			return nil, d.err(k, "unknown key %q in %s; the keys are %s", k.Value, what, strings.Join(sorted, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, d.err(k, "key %q appears twice in %s", k.Value, what)
		}
		if v.Kind == yaml.AliasNode {
			return nil, d.err(v, "YAML aliases are not supported (%s)", k.Value)
		}
		out[k.Value] = v
	}
	return out, nil
}

// str reads a scalar as text; a null scalar is "".
func (d yamlDoc) str(n *yaml.Node, what string) (text, error) {
	if n == nil {
		return text{}, nil
	}
	if n.Kind != yaml.ScalarNode {
		return text{}, d.err(n, "%s must be text, got %s", what, kindName(n))
	}
	t := text{s: n.Value, line: n.Line + d.line, col: n.Column, style: n.Style, set: true}
	if n.Tag == "!!null" {
		t.s = ""
	}
	return t, nil
}

// boolean reads a YAML true or false; nil is false.
func (d yamlDoc) boolean(n *yaml.Node, what string) (bool, error) {
	if n == nil {
		return false, nil
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return false, d.err(n, "%s must be true or false (without quotes), got %s", what, kindName(n))
	}
	return strings.EqualFold(n.Value, "true"), nil
}

// strs reads a sequence of scalars.
func (d yamlDoc) strs(n *yaml.Node, what string) ([]text, error) {
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return []text{}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, d.err(n, "%s must be a list, e.g. [a, b] or lines starting with \"- \", got %s", what, kindName(n))
	}
	out := make([]text, 0, len(n.Content))
	for _, c := range n.Content {
		t, err := d.str(c, what+" entries")
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// num reads a number scalar.
func (d yamlDoc) num(n *yaml.Node, what string, lo, hi float64) (float64, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, d.err(n, "%s must be a number, got %s", what, kindName(n))
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if err != nil || f < lo || f > hi {
		return 0, d.err(n, "%s must be a number from %g to %g, got %q", what, lo, hi, n.Value)
	}
	return f, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "a YAML document"
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// splitFrontMatter separates letter.md into its front matter YAML and its body, in which the
// front matter lines are blanked (not removed) so that line numbers stay the file's.
func splitFrontMatter(file, src string) (yml, body string, err error) {
	src = strings.TrimPrefix(src, "\ufeff")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	lines := strings.SplitAfter(src, "\n")
	if len(lines) == 0 || strings.TrimRight(lines[0], " \t\n") != "---" {
		return "", "", &TemplateError{File: file, Line: 1, Msg: `letter.md must start with front matter: a line "---", the settings (title:, language:, layout:, recipient:, ...), and another line "---"`}
	}
	for i := 1; i < len(lines); i++ {
		if l := strings.TrimRight(lines[i], " \t\n"); l == "---" || l == "..." {
			yml = strings.Join(lines[1:i], "")
			body = strings.Repeat("\n", i+1) + strings.Join(lines[i+1:], "")
			return yml, body, nil
		}
	}
	return "", "", &TemplateError{File: file, Line: 1, Msg: `the front matter is not closed: add a line "---" after the settings`}
}
