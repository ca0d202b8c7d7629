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

// decode checks the limits on case data, decodes it (numbers as json.Number), checks that its
// numbers are of a size that can be checked, validates it against the schema and normalises
// integer-valued numbers ("1.0e2" → "100"). Every failure is a *DataError, with at most
// maxProblems problems.
func (b *Bundle) decode(data []byte) (any, error) {
	v, msg := decodeJSON(data)
	if msg != "" {
		return nil, &DataError{Template: b.Name, Problems: []Problem{{Message: msg}}}
	}
	if ps := numberProblems(v); len(ps) > 0 {
		return nil, &DataError{Template: b.Name, Problems: b.withUses(ps)}
	}
	err := b.schema.Validate(v)
	if err == nil {
		return normalizeNumbers(v), nil
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

// Limits on what a DataError lists, so that its size does not grow with the data.
const (
	maxProblems     = 50       // problems listed; a last one counts the rest
	maxProblemBytes = 16 << 10 // bytes of paths, messages and values listed
	maxPathToken    = 64       // characters of a key in a Problem's Path
)

// Limits on the numbers of case data. A number's value is only ever computed (by the schema's
// integer, minimum or multipleOf checks, by number and money) once its text has passed them,
// so that "1e999999" costs no more than "1".
const (
	maxNumberText = 64  // characters
	maxExponent   = 400 // of the power of ten, either sign
)

// numberProblem says what is wrong with JSON number text n for case data, or "".
func numberProblem(n string) string {
	if len(n) > maxNumberText {
		return fmt.Sprintf("number is written with %d characters; the limit is %d", len(n), maxNumberText)
	}
	i := strings.IndexAny(n, "eE")
	if i < 0 {
		return ""
	}
	exp := strings.TrimLeft(strings.TrimLeft(n[i+1:], "+-"), "0")
	if e, err := strconv.Atoi(exp); exp != "" && (err != nil || e > maxExponent) {
		return fmt.Sprintf("number has an exponent beyond ±%d; write it with a smaller exponent or none", maxExponent)
	}
	return ""
}

// numberProblems checks every number in v against numberProblem, before the schema computes
// any of them.
func numberProblems(v any) []Problem {
	var out []Problem
	var tokens []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case json.Number:
			if msg := numberProblem(string(v)); msg != "" {
				out = append(out, Problem{Path: problemPath(tokens), Message: msg, Value: excerpt(v)})
			}
		case []any:
			for i, e := range v {
				tokens = append(tokens, strconv.Itoa(i))
				walk(e)
				tokens = tokens[:len(tokens)-1]
			}
		case map[string]any:
			for k, e := range v {
				tokens = append(tokens, k)
				walk(e)
				tokens = tokens[:len(tokens)-1]
			}
		}
	}
	walk(v)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return capProblems(out)
}

// integerText returns the decimal digits of JSON number text n when its value is an integer,
// also when written in another form ("1.0e2", "100.0", "1E2" → "100"); ok is false for other
// numbers and for text numberProblem refuses.
func integerText(n string) (digits string, ok bool) {
	if numberProblem(n) != "" {
		return "", false
	}
	if !strings.ContainsAny(n, ".eE") {
		return n, true
	}
	r, ok := new(big.Rat).SetString(n)
	if !ok || !r.IsInt() {
		return "", false
	}
	return r.Num().String(), true
}

// normalizeNumbers rewrites, in place, every integer-valued number of v that is written in
// another form as its digits, so that a template prints 1.0e2 as "100" and money, number and
// plural read it as the integer JSON Schema took it for. It returns v.
func normalizeNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if !strings.ContainsAny(string(v), ".eE") {
			return v
		}
		if digits, ok := integerText(string(v)); ok {
			return json.Number(digits)
		}
	case []any:
		for i, e := range v {
			if n, ok := normalized(e); ok {
				v[i] = n
			}
		}
	case map[string]any:
		for k, e := range v {
			if n, ok := normalized(e); ok { // no map write for the values that stay
				v[k] = n
			}
		}
	}
	return v
}

// normalized is normalizeNumbers(e), and whether that is a new value to store in e's place:
// lists and objects are rewritten in place.
func normalized(e any) (any, bool) {
	switch n := e.(type) {
	case json.Number:
		if !strings.ContainsAny(string(n), ".eE") {
			return nil, false
		}
		if digits, ok := integerText(string(n)); ok {
			return json.Number(digits), true
		}
	case []any, map[string]any:
		normalizeNumbers(e)
	}
	return nil, false
}

// problemPath builds the Path of a Problem from pointer tokens, keys longer than maxPathToken
// characters cut.
func problemPath(tokens []string) string {
	cut, copied := tokens, false
	for i, t := range tokens {
		if utf8.RuneCountInString(t) <= maxPathToken {
			continue
		}
		if !copied {
			cut, copied = append([]string(nil), tokens...), true
		}
		head, _ := cutRunes(t, maxPathToken-1)
		cut[i] = head + "…"
	}
	return joinPointer(cut)
}

// capProblems keeps the first maxProblems problems, fewer when their text passes
// maxProblemBytes, and adds one that counts the rest.
func capProblems(ps []Problem) []Problem {
	size := 0
	for i, p := range ps {
		size += len(p.Path) + len(p.Message) + len(p.Value)
		if i == maxProblems || (i > 0 && size > maxProblemBytes) {
			rest := len(ps) - i
			more := fmt.Sprintf("and %d more problems", rest)
			if rest == 1 {
				more = "and 1 more problem"
			}
			return append(ps[:i:i], Problem{Message: more})
		}
	}
	return ps
}

// withUses fills in the Uses of each problem.
func (b *Bundle) withUses(ps []Problem) []Problem {
	for i := range ps {
		ps[i].Uses = b.usesOf(ps[i].Path)
	}
	return ps
}

// jsonKind names the JSON type of a decoded value for messages: "string", "number", ...
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64, int, int64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// problems flattens a validation error tree to its leaves, in plain words: each names the kind
// of problem and puts an excerpt of the value in Value, never in Message.
func (b *Bundle) problems(ve *jsonschema.ValidationError, data any) []Problem {
	var out []Problem
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		path := problemPath(e.InstanceLocation)
		got := valueAt(data, e.InstanceLocation)
		add := func(msg string) {
			out = append(out, Problem{Path: path, Message: msg, Value: excerpt(got)})
		}
		switch k := e.ErrorKind.(type) {
		case *kind.Required:
			for _, m := range k.Missing {
				out = append(out, Problem{Path: problemPath(append(append([]string(nil), e.InstanceLocation...), m)), Message: "is required"})
			}
		case *kind.AdditionalProperties:
			for _, p := range k.Properties {
				out = append(out, Problem{Path: problemPath(append(append([]string(nil), e.InstanceLocation...), p)),
					Message: "is not allowed here; the schema does not know this property"})
			}
		case *kind.Type:
			add(fmt.Sprintf("expected %s, got %s", strings.Join(k.Want, " or "), jsonKind(got)))
		case *kind.Enum:
			want := make([]string, len(k.Want))
			for i, w := range k.Want {
				want[i] = jsonText(w)
			}
			add(fmt.Sprintf("expected one of %s, got %s", shortList(want), jsonKind(got)))
		case *kind.Const:
			add(fmt.Sprintf("expected %s, got %s", shortList([]string{jsonText(k.Want)}), jsonKind(got)))
		case *kind.Pattern:
			add(fmt.Sprintf("expected text matching %s", k.Want))
		case *kind.Format:
			add(fmt.Sprintf("expected text in %s format", k.Want))
		case *kind.MinLength:
			add(fmt.Sprintf("expected at least %d characters, got %d", k.Want, k.Got))
		case *kind.MaxLength:
			add(fmt.Sprintf("expected at most %d characters, got %d", k.Want, k.Got))
		case *kind.MinItems:
			add(fmt.Sprintf("expected at least %d items, got %d", k.Want, k.Got))
		case *kind.MaxItems:
			add(fmt.Sprintf("expected at most %d items, got %d", k.Want, k.Got))
		case *kind.Minimum:
			add("expected at least " + ratText(k.Want))
		case *kind.Maximum:
			add("expected at most " + ratText(k.Want))
		case *kind.ExclusiveMinimum:
			add("expected more than " + ratText(k.Want))
		case *kind.ExclusiveMaximum:
			add("expected less than " + ratText(k.Want))
		case *kind.MultipleOf:
			add("expected a multiple of " + ratText(k.Want))
		case *kind.PropertyNames:
			add("has a property whose name the schema does not allow")
		case *kind.ContentEncoding:
			add(fmt.Sprintf("expected %s-encoded text", k.Want))
		case *kind.ContentMediaType:
			add(fmt.Sprintf("expected text of media type %s", k.Want))
		case *kind.FalseSchema:
			add("is not allowed here")
		default:
			// The other kinds name counts, indices and schema locations, never a value.
			add(e.ErrorKind.LocalizedString(printer))
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
	return b.withUses(capProblems(uniq))
}

// shortList joins schema values for a message, cut after 200 characters.
func shortList(items []string) string {
	s := strings.Join(items, ", ")
	if head, cut := cutRunes(s, 200); cut {
		return head + "…"
	}
	return s
}

// ratText writes a schema number as a short decimal.
func ratText(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	f, _ := r.Float64()
	if r.IsInt() {
		if s := r.Num().String(); len(s) <= maxNumberText {
			return s
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
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
