package templates

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/postbud/postbud/internal/jsonlimit"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Limits on case data, which arrives from outside, and on what a template may produce.
const (
	maxData   = 4 << 20 // bytes of JSON
	maxDepth  = 64      // nesting of arrays and objects
	maxOutput = 2 << 20 // bytes written by one template execution
)

// limitedBuffer is a bytes.Buffer that refuses to grow beyond maxOutput.
type limitedBuffer struct{ bytes.Buffer }

func (w *limitedBuffer) Write(p []byte) (int, error) {
	if w.Len()+len(p) > maxOutput {
		return 0, errOutputLimit
	}
	return w.Buffer.Write(p)
}

// compileSchema compiles schema.json (draft 2020-12 unless it names another). References to
// other files or URLs are not followed: a bundle's schema is self-contained.
func compileSchema(file string, src []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		return nil, &TemplateError{File: file, Msg: "invalid JSON: " + jsonErrorText(src, err)}
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	const url = "postbud:///schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, &TemplateError{File: file, Msg: "cannot use schema: " + err.Error()}
	}
	sch, err := c.Compile(url)
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), url, "schema.json")
		return nil, &TemplateError{File: file, Msg: "not a valid JSON Schema: " + msg}
	}
	return sch, nil
}

// noLoader refuses to load schemas from anywhere.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s: a template's schema.json must be self-contained; use $defs instead of references to other files", url)
}

// jsonErrorText describes a JSON decoding error with the line and column in src.
func jsonErrorText(src []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := min(max(int(se.Offset)-1, 0), len(src))
		l, c := position(string(src), off)
		return fmt.Sprintf("line %d, column %d: %v", l, c, se)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the text ends before the JSON value does"
	}
	return err.Error()
}

// decode checks the limits on case data, decodes it (numbers as json.Number) and validates it
// against the schema. Every failure is a *DataError.
func (b *Bundle) decode(data []byte) (any, error) {
	v, msg := decodeJSON(data)
	if msg != "" {
		return nil, &DataError{Template: b.Name, Problems: []Problem{{Message: msg}}}
	}
	err := b.schema.Validate(v)
	if err == nil {
		return v, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, &DataError{Template: b.Name, Problems: []Problem{{Message: "cannot check case data against the schema: " + err.Error()}}}
	}
	return nil, &DataError{Template: b.Name, Problems: b.problems(ve, v)}
}

// decodeJSON checks the limits on case data and decodes it with numbers as json.Number. A
// problem comes back as a message for people.
func decodeJSON(data []byte) (any, string) {
	if len(data) > maxData {
		return nil, fmt.Sprintf("case data is %.1f MiB; the limit is %d MiB", float64(len(data))/(1<<20), maxData>>20)
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		l, c := position(string(data[:i]), i)
		return nil, fmt.Sprintf("case data is not valid UTF-8 (line %d, column %d); send JSON encoded as UTF-8", l, c)
	}
	if depth := jsonlimit.Depth(data); depth > maxDepth {
		return nil, fmt.Sprintf("case data is nested %d levels deep; the limit is %d", depth, maxDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, "case data is not valid JSON: " + jsonErrorText(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, "case data has more text after the JSON value"
	}
	return v, ""
}

var printer = message.NewPrinter(language.English)

// problems flattens a validation error tree to its leaves, in plain words.
func (b *Bundle) problems(ve *jsonschema.ValidationError, data any) []Problem {
	var out []Problem
	add := func(path, msg string) {
		out = append(out, Problem{Path: path, Message: msg, Uses: b.usesOf(path)})
	}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		path := joinPointer(e.InstanceLocation)
		got := valueAt(data, e.InstanceLocation)
		switch k := e.ErrorKind.(type) {
		case *kind.Required:
			for _, m := range k.Missing {
				add(joinPointer(append(append([]string(nil), e.InstanceLocation...), m)), "is required")
			}
		case *kind.AdditionalProperties:
			for _, p := range k.Properties {
				add(joinPointer(append(append([]string(nil), e.InstanceLocation...), p)), "is not allowed here; the schema does not know this property")
			}
		case *kind.Type:
			add(path, fmt.Sprintf("expected %s, got %s", strings.Join(k.Want, " or "), describeValue(got)))
		case *kind.Enum:
			want := make([]string, len(k.Want))
			for i, w := range k.Want {
				want[i] = jsonText(w)
			}
			add(path, fmt.Sprintf("expected one of %s, got %s", strings.Join(want, ", "), describeValue(got)))
		case *kind.Const:
			add(path, fmt.Sprintf("expected %s, got %s", jsonText(k.Want), describeValue(got)))
		case *kind.Pattern:
			add(path, fmt.Sprintf("expected text matching %s, got %s", k.Want, describeValue(got)))
		case *kind.Format:
			add(path, fmt.Sprintf("expected %s, got %s", k.Want, describeValue(got)))
		case *kind.MinLength:
			add(path, fmt.Sprintf("expected at least %d characters, got %d", k.Want, k.Got))
		case *kind.MaxLength:
			add(path, fmt.Sprintf("expected at most %d characters, got %d", k.Want, k.Got))
		case *kind.MinItems:
			add(path, fmt.Sprintf("expected at least %d items, got %d", k.Want, k.Got))
		case *kind.MaxItems:
			add(path, fmt.Sprintf("expected at most %d items, got %d", k.Want, k.Got))
		case *kind.Minimum:
			add(path, fmt.Sprintf("expected at least %s, got %s", ratText(k.Want), ratText(k.Got)))
		case *kind.Maximum:
			add(path, fmt.Sprintf("expected at most %s, got %s", ratText(k.Want), ratText(k.Got)))
		case *kind.ExclusiveMinimum:
			add(path, fmt.Sprintf("expected more than %s, got %s", ratText(k.Want), ratText(k.Got)))
		case *kind.ExclusiveMaximum:
			add(path, fmt.Sprintf("expected less than %s, got %s", ratText(k.Want), ratText(k.Got)))
		case *kind.FalseSchema:
			add(path, "is not allowed here")
		default:
			add(path, e.ErrorKind.LocalizedString(printer))
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	// The same leaf can be reached through several branches (anyOf, $ref): keep one.
	uniq := out[:0]
	for i, p := range out {
		if i > 0 && p.Path == out[i-1].Path && p.Message == out[i-1].Message {
			continue
		}
		uniq = append(uniq, p)
	}
	return uniq
}

// ratText writes a schema number as a short decimal.
func ratText(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// valueAt returns the value at the pointer tokens in data, or nil.
func valueAt(data any, tokens []string) any {
	for _, t := range tokens {
		switch d := data.(type) {
		case map[string]any:
			data = d[t]
		case []any:
			var i int
			if _, err := fmt.Sscan(t, &i); err != nil || i < 0 || i >= len(d) {
				return nil
			}
			data = d[i]
		default:
			return nil
		}
	}
	return data
}

// jsonText writes a schema value as JSON.
func jsonText(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}
