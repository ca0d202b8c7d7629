package lint

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/postbud/postbud/internal/jsonpointer"
	"github.com/postbud/postbud/templates"
)

// schemaURL is the name the schema is compiled under, as the loader compiles it.
const schemaURL = "postbud:///schema.json"

// checkSchema checks schema.json: that it is JSON (at the line and column of a syntax error) and
// a valid JSON Schema of draft 2020-12 (at the keyword the metaschema refuses). It returns the
// indexed text for positions, nil when it is not JSON.
func checkSchema(file string, src []byte) ([]Problem, *jsonDoc, any) {
	doc, at, msg := readJSON(src)
	if doc == nil {
		return []Problem{{File: file, Line: at.line, Col: at.col, Severity: Error, Msg: msg}}, nil, nil
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		return []Problem{{File: file, Line: 1, Col: 1, Severity: Error, Msg: "invalid JSON: " + err.Error()}}, nil, nil
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(refuseLoader{})
	if err := c.AddResource(schemaURL, v); err != nil {
		return []Problem{{File: file, Line: 1, Col: 1, Severity: Error, Msg: "cannot use schema: " + err.Error()}}, doc, v
	}
	_, err = c.Compile(schemaURL)
	if err == nil {
		return nil, doc, v
	}
	return schemaProblems(file, doc, err), doc, v
}

// refuseLoader refuses schemas from anywhere but schema.json itself, as the loader does.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s: a template's schema.json must be self-contained; use $defs instead of references to other files", url)
}

var enPrinter = message.NewPrinter(language.English)

// pointerRE finds a JSON Pointer into schema.json in a compiler error's text.
var pointerRE = regexp.MustCompile(`schema\.json#(/[^\s'"]*)?`)

// schemaProblems places the problems of a schema that does not compile: each keyword the
// metaschema refuses at its value; other errors at the pointer their text names, else at the
// top of the file.
func schemaProblems(file string, doc *jsonDoc, err error) []Problem {
	var sve *jsonschema.SchemaValidationError
	var ve *jsonschema.ValidationError
	if errors.As(err, &sve) && errors.As(sve.Err, &ve) {
		type leaf struct {
			ptr string
			msg string
		}
		var leaves []leaf
		var walk func(e *jsonschema.ValidationError)
		walk = func(e *jsonschema.ValidationError) {
			if len(e.Causes) == 0 {
				ptr := ""
				for _, t := range e.InstanceLocation {
					ptr += "/" + escapeToken(t)
				}
				leaves = append(leaves, leaf{ptr, e.ErrorKind.LocalizedString(enPrinter)})
				return
			}
			for _, c := range e.Causes {
				walk(c)
			}
		}
		walk(ve)
		var out []Problem
		seen := map[string]bool{}
		for _, l := range leaves {
			if seen[l.ptr] { // alternatives of one keyword: its first reason is enough
				continue
			}
			seen[l.ptr] = true
			at := doc.find(l.ptr)
			where := l.ptr
			if where == "" {
				where = "the top level"
			}
			out = append(out, Problem{File: file, Line: at.line, Col: at.col, Severity: Error,
				Msg: fmt.Sprintf("not a valid JSON Schema (draft 2020-12): %s: %s", where, l.msg)})
		}
		return out
	}
	msg := strings.ReplaceAll(err.Error(), schemaURL, "schema.json")
	at := pos{1, 1}
	if m := pointerRE.FindStringSubmatch(msg); m != nil {
		at = doc.find(m[1])
	}
	return []Problem{{File: file, Line: at.line, Col: at.col, Severity: Error, Msg: "not a valid JSON Schema: " + msg}}
}

// checkSample places each problem of the sample against the schema at the value it is about in
// sample.json (for a missing field, at the object that lacks it).
func checkSample(b *templates.Bundle, file string, doc *jsonDoc) []Problem {
	err := b.Validate(b.Sample)
	var de *templates.DataError
	if err == nil || !errors.As(err, &de) {
		if err != nil {
			return []Problem{{File: file, Severity: Error, Msg: "sample data: " + err.Error()}}
		}
		return nil
	}
	var out []Problem
	for _, p := range de.Problems {
		at := doc.find(p.Path)
		where := p.Path
		if where == "" {
			where = "the case data"
		}
		out = append(out, Problem{File: file, Line: at.line, Col: at.col, Severity: Error,
			Msg: fmt.Sprintf("sample data does not match schema.json: %s: %s", where, p.Message)})
	}
	return out
}

// schemaNode is a schema (object or boolean) as decoded JSON, with the JSON Pointer of where it
// is in schema.json.
type schemaNode struct {
	v   any
	ptr string
}

// schemaWalker resolves the parts of a decoded schema.json that declare data.
type schemaWalker struct {
	root any
}

// ref resolves a local $ref ("#/$defs/text"); ok is false for any other.
func (w schemaWalker) ref(r string) (schemaNode, bool) {
	p, ok := strings.CutPrefix(r, "#")
	if !ok {
		return schemaNode{}, false
	}
	v := w.root
	for _, t := range splitPointer(p) {
		t = jsonpointer.Unescape(t)
		switch x := v.(type) {
		case map[string]any:
			if v, ok = x[t]; !ok {
				return schemaNode{}, false
			}
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) {
				return schemaNode{}, false
			}
			v = x[i]
		default:
			return schemaNode{}, false
		}
	}
	return schemaNode{v, p}, true
}

// parts returns n and the schemas that apply to the same value with it: $ref targets and the
// subschemas of allOf and, unless always is set (only what applies to every valid value),
// anyOf, oneOf, if/then/else and dependentSchemas, recursively.
func (w schemaWalker) parts(n schemaNode, always bool) []schemaNode {
	var out []schemaNode
	seen := map[string]bool{}
	var add func(n schemaNode, depth int)
	add = func(n schemaNode, depth int) {
		if seen[n.ptr] || depth > 64 {
			return
		}
		seen[n.ptr] = true
		out = append(out, n)
		m, ok := n.v.(map[string]any)
		if !ok {
			return
		}
		if r, ok := m["$ref"].(string); ok {
			if t, ok := w.ref(r); ok {
				add(t, depth+1)
			}
		}
		alts := []string{"allOf", "anyOf", "oneOf"}
		if always {
			alts = alts[:1]
		}
		for _, k := range alts {
			if list, ok := m[k].([]any); ok {
				for i, s := range list {
					add(schemaNode{s, fmt.Sprintf("%s/%s/%d", n.ptr, k, i)}, depth+1)
				}
			}
		}
		if always {
			return
		}
		for _, k := range []string{"if", "then", "else"} {
			if s, ok := m[k]; ok {
				add(schemaNode{s, n.ptr + "/" + k}, depth+1)
			}
		}
		if ds, ok := m["dependentSchemas"].(map[string]any); ok {
			for _, k := range sortedKeys(ds) {
				add(schemaNode{ds[k], n.ptr + "/dependentSchemas/" + escapeToken(k)}, depth+1)
			}
		}
	}
	add(n, 0)
	return out
}

// children returns the schemas that declare the member token of a value n describes: its
// properties, patternProperties and additionalProperties (an object), or items and prefixItems
// (an array, for "*" or an index). declaredAny is true when one of them allows any member (the
// boolean schema true, or additionalProperties: true).
func (w schemaWalker) children(n schemaNode, token string) (out []schemaNode, declaredAny bool) {
	key := jsonpointer.Unescape(token)
	_, numErr := strconv.Atoi(token)
	index := token == "*" || numErr == nil
	for _, p := range w.parts(n, false) {
		switch m := p.v.(type) {
		case bool:
			if m {
				declaredAny = true
			}
		case map[string]any:
			if props, ok := m["properties"].(map[string]any); ok {
				if s, ok := props[key]; ok {
					out = append(out, schemaNode{s, p.ptr + "/properties/" + escapeToken(key)})
				}
			}
			if pp, ok := m["patternProperties"].(map[string]any); ok {
				for _, pat := range sortedKeys(pp) {
					if re, err := regexp.Compile(pat); err == nil && re.MatchString(key) {
						out = append(out, schemaNode{pp[pat], p.ptr + "/patternProperties/" + escapeToken(pat)})
					}
				}
			}
			for _, k := range []string{"additionalProperties", "unevaluatedProperties"} {
				switch a := m[k].(type) {
				case bool:
					declaredAny = declaredAny || a
				case map[string]any:
					out = append(out, schemaNode{a, p.ptr + "/" + k})
				}
			}
			if index {
				if it, ok := m["items"]; ok {
					if b, ok := it.(bool); ok {
						declaredAny = declaredAny || b
					} else {
						out = append(out, schemaNode{it, p.ptr + "/items"})
					}
				}
				if pi, ok := m["prefixItems"].([]any); ok {
					for i, s := range pi {
						if token == "*" || token == strconv.Itoa(i) {
							out = append(out, schemaNode{s, fmt.Sprintf("%s/prefixItems/%d", p.ptr, i)})
						}
					}
				}
			}
		}
	}
	return out, declaredAny
}

// declared reports whether the schema declares the data at pointer pattern tokens.
func (w schemaWalker) declared(tokens []string) bool {
	level := []schemaNode{{w.root, ""}}
	for _, t := range tokens {
		var next []schemaNode
		for _, n := range level {
			c, any := w.children(n, t)
			if any {
				return true
			}
			next = append(next, c...)
		}
		if len(next) == 0 {
			return false
		}
		level = next
	}
	return true
}

// required is one entry of a "required" list: the pointer pattern of the field it requires and
// the JSON Pointer of the entry in schema.json.
type required struct {
	field, entry string
}

// requiredFields lists every field the schema requires, with "*" for array items. A schema that
// refers to itself ($ref to a schema it is inside) is followed once along each path.
func (w schemaWalker) requiredFields() []required {
	var out []required
	onPath := map[string]bool{}
	budget := 10000 // schema nodes visited, so that no schema.json makes this slow
	var walk func(n schemaNode, field string)
	walk = func(n schemaNode, field string) {
		var here []string
		for _, p := range w.parts(n, true) {
			if onPath[p.ptr] || budget <= 0 {
				continue
			}
			budget--
			onPath[p.ptr] = true
			here = append(here, p.ptr)
			m, ok := p.v.(map[string]any)
			if !ok {
				continue
			}
			if req, ok := m["required"].([]any); ok {
				for i, r := range req {
					if name, ok := r.(string); ok {
						out = append(out, required{field + "/" + escapeToken(name), fmt.Sprintf("%s/required/%d", p.ptr, i)})
					}
				}
			}
			if props, ok := m["properties"].(map[string]any); ok {
				for _, k := range sortedKeys(props) {
					walk(schemaNode{props[k], p.ptr + "/properties/" + escapeToken(k)}, field+"/"+escapeToken(k))
				}
			}
			if it, ok := m["items"]; ok {
				walk(schemaNode{it, p.ptr + "/items"}, field+"/*")
			}
		}
		for _, p := range here {
			delete(onPath, p)
		}
	}
	walk(schemaNode{w.root, ""}, "")
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checkFields checks the reads of case data of the bundle's letters (every language) against
// the schema: each field read but not declared, at the action that reads it; each field the
// schema requires that no letter reads, at its entry in the schema's required list.
func checkFields(letters []*templates.Bundle, schemaFile string, doc *jsonDoc, schema any) []Problem {
	w := schemaWalker{root: schema}
	var out []Problem
	var uses []templates.FieldUse
	for _, v := range letters {
		uses = append(uses, v.Uses()...)
	}
	known := map[string]bool{}
	done := map[string]bool{} // pointer and file:line, reported once
	for _, u := range uses {
		ok, seen := known[u.Pointer]
		if !seen {
			ok = w.declared(splitPointer(u.Pointer))
			known[u.Pointer] = ok
		}
		key := fmt.Sprintf("%s %s:%d", u.Pointer, u.File, u.Line)
		if !ok && !done[key] {
			done[key] = true
			out = append(out, Problem{File: u.File, Line: u.Line, Col: u.Col, Severity: Error,
				Msg: fmt.Sprintf("field %s is not declared in schema.json: add it to the schema's properties (to required too, unless the template tests it with has)", u.Pointer)})
		}
	}
	for _, r := range w.requiredFields() {
		if usedField(uses, r.field) {
			continue
		}
		at := doc.find(r.entry)
		out = append(out, Problem{File: schemaFile, Line: at.line, Col: at.col, Severity: Error,
			Msg: fmt.Sprintf("required field %s is never used by the template: use it in the letter or drop it from required", r.field)})
	}
	return out
}

// usedField reports whether an action reads the field with pointer pattern field or a value
// inside it.
func usedField(uses []templates.FieldUse, field string) bool {
	want := splitPointer(field)
	for _, u := range uses {
		got := splitPointer(u.Pointer)
		if len(got) < len(want) {
			continue
		}
		match := true
		for i, t := range want {
			if got[i] != t && got[i] != "*" && t != "*" {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
