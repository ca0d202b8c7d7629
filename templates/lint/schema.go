package lint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"gopkg.in/yaml.v3"

	"github.com/postbud/postbud/internal/jsonpointer"
	"github.com/postbud/postbud/templates"
)

// FrontMatter checks the front matter of a letter file (letter.md or letter.<lang>.md; src is
// the whole file) against templates.LetterSchema. Every problem names the line and column of
// the YAML it is about, counted in the file (the front matter starts on line 2): unknown keys
// (with the nearest known key as a suggestion), values of the wrong type or form, missing
// required keys, duplicate keys and YAML aliases. A YAML syntax error is one problem at its
// line. In letter.<lang>.md, language: must be <lang>. All problems are errors; nil means the
// front matter has the shape the loader accepts.
func FrontMatter(file string, src []byte) []Problem {
	yml, line, p := schemaFrontMatter(file, src)
	if p != nil {
		return []Problem{*p}
	}
	c := &schemaCheck{file: file, offset: line, what: "the front matter", sch: letterSchema}
	ps := c.run(yml)
	if m := letterLangRE.FindStringSubmatch(path.Base(file)); m != nil && c.top != nil {
		if n := c.nodes["/language"]; n != nil && n.Kind == yaml.ScalarNode && strings.TrimSpace(n.Value) != m[1] {
			ps = append(ps, c.problem(n, fmt.Sprintf("language is %q, but the file is %s: write language: %s, or rename the file to letter.%s.md", n.Value, path.Base(file), m[1], strings.TrimSpace(n.Value))))
		}
	}
	return sortProblems(ps)
}

// Layout checks a layout.yaml (src is the whole file) against templates.LayoutSchema, with
// problems placed and worded as FrontMatter's.
func Layout(file string, src []byte) []Problem {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	c := &schemaCheck{file: file, offset: 0, what: "layout.yaml", sch: layoutSchema}
	return sortProblems(c.run(string(src)))
}

// letterLangRE matches the file name of a letter in another language, letter.<lang>.md.
var letterLangRE = regexp.MustCompile(`^letter\.([^.]+)\.md$`)

// schemaFrontMatter returns the YAML between the "---" lines of a letter file and the file line
// before its first line, or the problem that the file has no front matter.
func schemaFrontMatter(file string, src []byte) (string, int, *Problem) {
	s := strings.ReplaceAll(strings.TrimPrefix(string(src), "\ufeff"), "\r\n", "\n")
	lines := strings.SplitAfter(s, "\n")
	if strings.TrimRight(lines[0], " \t\n") != "---" {
		return "", 0, &Problem{File: file, Line: 1, Severity: Error, Msg: `a letter must start with front matter: a line "---", the settings (title:, language:, layout:, recipient:, ...), and another line "---"`}
	}
	for i := 1; i < len(lines); i++ {
		if l := strings.TrimRight(lines[i], " \t\n"); l == "---" || l == "..." {
			return strings.Join(lines[1:i], ""), 1, nil
		}
	}
	return "", 0, &Problem{File: file, Line: 1, Severity: Error, Msg: `the front matter is not closed: add a line "---" after the settings`}
}

// compiledSchema is a schema compiled for validation, with its JSON for looking up the
// keywords a message needs (properties, errorMessage, minimum, ...).
type compiledSchema struct {
	id  string
	sch *jsonschema.Schema
	doc any
	err error
}

var (
	letterSchema = sync.OnceValue(func() *compiledSchema {
		return compileEmbedded(templates.LetterSchemaID, templates.LetterSchema)
	})
	layoutSchema = sync.OnceValue(func() *compiledSchema {
		return compileEmbedded(templates.LayoutSchemaID, templates.LayoutSchema)
	})
)

func compileEmbedded(id string, src []byte) *compiledSchema {
	cs := &compiledSchema{id: id}
	cs.doc, cs.err = jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if cs.err != nil {
		return cs
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if cs.err = c.AddResource(id, cs.doc); cs.err != nil {
		return cs
	}
	cs.sch, cs.err = c.Compile(id)
	return cs
}

// at returns the schema object at the JSON Pointer fragment ptr ("/properties/memo"), nil when
// there is none.
func (cs *compiledSchema) at(ptr string) map[string]any {
	v := cs.doc
	for _, tok := range schemaTokens(ptr) {
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	m, _ := v.(map[string]any)
	return m
}

// schemaCheck is one validation of a YAML text.
type schemaCheck struct {
	file   string
	offset int    // file line of the YAML's line 0
	what   string // the document in messages: "the front matter", "layout.yaml"
	sch    func() *compiledSchema
	top    *yaml.Node
	// nodes and keys hold the value node and the key node at each JSON Pointer of the
	// converted document ("" for the top, "/memo/mandatory", "/details/0/value"); names the
	// same places as people read them ("memo.mandatory", "details[0].value").
	nodes, keys map[string]*yaml.Node
	names       map[string]string
	// skip are the pointers of values the checks already reported (aliases): schema errors at
	// or under them would only repeat the problem.
	skip []string
	out  []Problem
}

// run parses src, reports what the schema does not accept and returns the problems.
func (c *schemaCheck) run(src string) []Problem {
	cs := c.sch()
	if cs.err != nil {
		return []Problem{{File: c.file, Severity: Error, Msg: "cannot check against the schema: " + cs.err.Error()}}
	}
	top, p := c.parse(src)
	if p != nil {
		return []Problem{*p}
	}
	if top.Kind != yaml.MappingNode {
		return []Problem{c.problem(top, fmt.Sprintf("%s must be keys and values (key: value), got %s", c.what, schemaGot(top)))}
	}
	c.top = top
	c.nodes, c.keys, c.names = map[string]*yaml.Node{}, map[string]*yaml.Node{}, map[string]string{}
	v := c.convert(top, "", "")
	err := cs.sch.Validate(v)
	if ve, ok := err.(*jsonschema.ValidationError); ok {
		c.report(cs, ve)
	} else if err != nil {
		c.out = append(c.out, Problem{File: c.file, Line: c.offset + 1, Severity: Error, Msg: "cannot check against the schema: " + err.Error()})
	}
	return c.out
}

// parse decodes src into its top node; an empty text is an empty mapping.
func (c *schemaCheck) parse(src string) (top *yaml.Node, p *Problem) {
	defer func() { // bad input never panics, whatever the YAML library does with it
		if r := recover(); r != nil {
			top, p = nil, &Problem{File: c.file, Line: c.offset + 1, Severity: Error, Msg: fmt.Sprintf("cannot read YAML: %v", r)}
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		line, msg := templates.YAMLError(src, err)
		return nil, &Problem{File: c.file, Line: line + c.offset, Severity: Error, Msg: "invalid YAML: " + msg}
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}, nil
	}
	return doc.Content[0], nil
}

// convert turns n into the JSON value the schema validates (map[string]any, []any, string,
// float64, int64, bool, nil), recording each node's pointer. Aliases, duplicate keys and keys
// that are not plain scalars are reported here, since JSON cannot show them.
func (c *schemaCheck) convert(n *yaml.Node, ptr, name string) any {
	c.nodes[ptr] = n
	c.names[ptr] = name
	switch n.Kind {
	case yaml.AliasNode:
		c.out = append(c.out, c.problem(n, fmt.Sprintf("YAML aliases (*%s) are not supported in %s: write the value out", n.Value, c.what)))
		c.skip = append(c.skip, ptr)
		return nil
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				c.out = append(c.out, c.problem(k, fmt.Sprintf("keys of %s must be plain words, got %s", c.where(ptr), schemaGot(k))))
				continue
			}
			if _, dup := m[k.Value]; dup {
				c.out = append(c.out, c.problem(k, fmt.Sprintf("key %q appears twice in %s", k.Value, c.where(ptr))))
				continue
			}
			p := ptr + "/" + jsonpointer.Escape(k.Value)
			c.keys[p] = k
			child := k.Value
			if name != "" {
				child = name + "." + k.Value
			}
			m[k.Value] = c.convert(v, p, child)
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, e := range n.Content {
			l[i] = c.convert(e, ptr+"/"+strconv.Itoa(i), fmt.Sprintf("%s[%d]", name, i))
		}
		return l
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return c.convert(n.Content[0], ptr, name)
		}
		return nil
	}
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		return strings.EqualFold(n.Value, "true")
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return i
		}
	case "!!float":
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	}
	return n.Value
}

// report turns the leaves of a validation error tree into problems.
func (c *schemaCheck) report(cs *compiledSchema, ve *jsonschema.ValidationError) {
	if len(ve.Causes) > 0 {
		for _, e := range ve.Causes {
			c.report(cs, e)
		}
		return
	}
	ptr := schemaPointer(ve.InstanceLocation)
	for _, s := range c.skip {
		if ptr == s || strings.HasPrefix(ptr, s+"/") {
			return
		}
	}
	// SchemaURL is the schema holding the failing keyword; its errorMessage and
	// patternErrorMessage (as editors read them) word the problem.
	schemaPtr := ""
	if i := strings.IndexByte(ve.SchemaURL, '#'); i >= 0 {
		schemaPtr = ve.SchemaURL[i+1:]
	}
	parent := cs.at(schemaPtr)
	name := c.names[ptr]
	got := c.nodes[ptr]
	custom, _ := parent["errorMessage"].(string)
	at := func(msg string) {
		c.out = append(c.out, c.problem(c.nodeAt(ptr), msg))
	}
	atKey := func(msg string) { // about a mapping as a whole: at its key, or at the top
		n := c.keys[ptr]
		// A rule "if it has X, then it needs Y" is about X: point there.
		if strings.HasSuffix(schemaPtr, "/then") {
			if cond := cs.at(strings.TrimSuffix(schemaPtr, "then") + "if"); cond != nil {
				if req, _ := cond["required"].([]any); len(req) == 1 {
					if s, _ := req[0].(string); c.keys[ptr+"/"+jsonpointer.Escape(s)] != nil {
						n = c.keys[ptr+"/"+jsonpointer.Escape(s)]
					}
				}
			}
		}
		if n == nil {
			n = c.nodeAt(ptr)
		}
		c.out = append(c.out, c.problem(n, msg))
	}
	switch k := ve.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		props, _ := parent["properties"].(map[string]any)
		known := make([]string, 0, len(props))
		for p := range props {
			known = append(known, p)
		}
		sort.Strings(known)
		for _, p := range k.Properties {
			kp := ptr + "/" + jsonpointer.Escape(p)
			msg := fmt.Sprintf("unknown key %q in %s", p, c.where(ptr))
			if s := schemaNearest(p, known); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += "; the keys are " + strings.Join(known, ", ")
			}
			n := c.keys[kp]
			if n == nil {
				n = c.nodeAt(ptr)
			}
			c.out = append(c.out, c.problem(n, msg))
		}
	case *kind.Required:
		for _, m := range k.Missing {
			if custom != "" {
				atKey(c.where(ptr) + " " + custom)
				continue
			}
			atKey(fmt.Sprintf("%s needs %s:", c.where(ptr), m))
		}
	case *kind.DependentRequired:
		if custom != "" {
			atKey(c.where(ptr) + " " + custom)
			return
		}
		for _, m := range k.Missing {
			atKey(fmt.Sprintf("%s needs %s: when it has %s:", c.where(ptr), m, k.Prop))
		}
	case *kind.Pattern:
		msg, _ := parent["patternErrorMessage"].(string)
		if msg == "" {
			msg = "must match " + k.Want
		}
		at(fmt.Sprintf("%s %s, got %s", name, msg, schemaGot(got)))
	case *kind.Type:
		if custom == "" {
			custom, _ = parent["patternErrorMessage"].(string)
		}
		if custom != "" {
			at(fmt.Sprintf("%s %s, got %s", name, custom, schemaGot(got)))
			return
		}
		msg := fmt.Sprintf("%s must be %s, got %s", name, schemaWant(k.Want), schemaGot(got))
		if got != nil && got.Kind == yaml.ScalarNode && slices.Contains(k.Want, "boolean") && (strings.EqualFold(got.Value, "true") || strings.EqualFold(got.Value, "false")) {
			msg += "; write it without quotes"
		}
		at(msg)
	case *kind.Enum:
		if custom != "" {
			at(fmt.Sprintf("%s %s, got %s", name, custom, schemaGot(got)))
			return
		}
		at(fmt.Sprintf("%s must be %s, got %s", name, schemaEnum(k.Want), schemaGot(got)))
	case *kind.MinLength:
		if custom == "" {
			custom = "must not be empty"
			if k.Want > 1 {
				custom = fmt.Sprintf("must have at least %d characters", k.Want)
			}
		}
		at(name + " " + custom)
	case *kind.MinItems:
		if custom == "" {
			custom = fmt.Sprintf("needs at least %d %s", k.Want, schemaPlural(k.Want, "entry", "entries"))
		}
		at(name + " " + custom)
	case *kind.UniqueItems:
		dup := c.nodeAt(ptr + "/" + strconv.Itoa(k.Duplicates[1]))
		c.out = append(c.out, c.problem(dup, fmt.Sprintf("%s lists %s twice", name, schemaGot(dup))))
	case *kind.Minimum, *kind.Maximum:
		lo, hasLo := parent["minimum"]
		hi, hasHi := parent["maximum"]
		switch {
		case hasLo && hasHi:
			at(fmt.Sprintf("%s must be a number from %v to %v, got %s", name, lo, hi, schemaGot(got)))
		case hasLo:
			at(fmt.Sprintf("%s must be at least %v, got %s", name, lo, schemaGot(got)))
		default:
			at(fmt.Sprintf("%s must be at most %v, got %s", name, hi, schemaGot(got)))
		}
	default:
		if custom == "" {
			custom = ve.ErrorKind.LocalizedString(schemaPrinter)
		}
		if ptr == "" {
			at(c.what + " " + custom)
			return
		}
		at(name + " " + custom)
	}
}

var schemaPrinter = message.NewPrinter(language.English)

func schemaPlural(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}

// where names the mapping at ptr for messages: the document itself or its path.
func (c *schemaCheck) where(ptr string) string {
	if ptr == "" {
		return c.what
	}
	return c.names[ptr]
}

// nodeAt returns the node at ptr or, when the document has none there, its nearest ancestor.
func (c *schemaCheck) nodeAt(ptr string) *yaml.Node {
	for {
		if n := c.nodes[ptr]; n != nil {
			return n
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return c.top
		}
		ptr = ptr[:i]
	}
}

// problem is an Error at node n (nil: the document's first line).
func (c *schemaCheck) problem(n *yaml.Node, msg string) Problem {
	if n == nil {
		return Problem{File: c.file, Line: c.offset + 1, Severity: Error, Msg: msg}
	}
	return Problem{File: c.file, Line: n.Line + c.offset, Col: n.Column, Severity: Error, Msg: msg}
}

// schemaGot describes a YAML value in a message: a scalar quoted, else its kind.
func schemaGot(n *yaml.Node) string {
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "keys and values"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.AliasNode:
		return "an alias"
	case n.Tag == "!!null":
		return "nothing"
	case n.Tag == "!!str" || n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0:
		return strconv.Quote(n.Value)
	}
	return n.Value
}

// schemaWant words a list of JSON Schema types.
func schemaWant(types []string) string {
	if slices.Contains(types, "string") {
		return "text"
	}
	var words []string
	for _, t := range types {
		switch t {
		case "boolean":
			words = append(words, "true or false")
		case "number", "integer":
			words = append(words, "a number")
		case "array":
			words = append(words, `a list, e.g. [a, b] or lines starting with "- "`)
		case "object":
			words = append(words, "keys and values (key: value)")
		}
	}
	if len(words) == 0 {
		return "empty"
	}
	return strings.Join(slices.Compact(words), " or ")
}

// schemaEnum words the allowed values of an enum: the texts among them, quoted.
func schemaEnum(want []any) string {
	var words []string
	for _, w := range want {
		if s, ok := w.(string); ok && s != "" {
			words = append(words, strconv.Quote(s))
		}
	}
	if len(words) == 0 {
		b, _ := json.Marshal(want)
		return "one of " + string(b)
	}
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// schemaNearest returns the key of known nearest to key, if it is near enough to be a typing
// mistake (one edit in a short key, two in a longer one), else "".
func schemaNearest(key string, known []string) string {
	best, bestD := "", math.MaxInt
	for _, k := range known {
		if d := schemaDistance(strings.ToLower(key), k); d < bestD {
			best, bestD = k, d
		}
	}
	limit := 1
	if len([]rune(key)) >= 5 {
		limit = 2
	}
	if bestD <= limit {
		return best
	}
	return ""
}

// schemaDistance is the edit distance of a and b in runes, counting an insertion, a deletion,
// a substitution or a swap of two neighbours as one edit (optimal string alignment).
func schemaDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// schemaPointer joins the tokens of an instance location into a JSON Pointer.
func schemaPointer(toks []string) string { return jsonpointer.Join(toks) }

// schemaTokens splits a JSON Pointer into its unescaped tokens.
func schemaTokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range toks {
		toks[i] = jsonpointer.Unescape(t)
	}
	return toks
}
