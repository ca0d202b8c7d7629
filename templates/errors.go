package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/postbud/postbud/templates/markdown"
)

// TemplateError is a mistake in a template file (letter.md, a shared block or layout.yaml) or a
// failure while executing one: it names the file, the 1-based line and column (in characters)
// and says what is wrong. Line and Col are 0 when the error is about the file as a whole; Col is
// 0 when only the line is known.
//
// Msg never holds a value of the case data (see DataError for the rule): when the case data
// makes a template fail, Msg names the action and the kind of problem ("date: expected a date
// like ..., got other text (in {{ date .d }})") and Value holds an excerpt of the value at fault.
type TemplateError struct {
	File      string
	Line, Col int
	Msg       string
	// Value is an excerpt of the case data value the failure is about (see Problem.Value), or
	// "". Error never prints it.
	Value string
}

func (e *TemplateError) Error() string {
	switch {
	case e.Line == 0:
		return e.File + ": " + e.Msg
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Problem is one way in which case data does not fit a template's schema.
type Problem struct {
	// Path is a JSON Pointer into the data, e.g. "/table/rows/2/amountOre"; "" for the root. A
	// key longer than 64 characters is cut to 63 and "…".
	Path string
	// Message names the kind of problem in plain words, never the value itself:
	// "expected integer, got string", "expected at most 2000 characters, got 2417",
	// "expected text matching ^[0-9]{4}$".
	Message string
	// Value is a short excerpt of the offending value as JSON text, "" when the problem is not
	// about one value (a missing field) or the value is an object or array: a string is quoted,
	// with at most 40 characters of its text and "…" after the closing quote when it was cut
	// (characters that do not print, such as U+202E, are written as \u escapes); a number is
	// the text it was sent as ("1e999999", never expanded), cut to 40 characters. Value is
	// personal data: Error never prints it, String and LogValue leave it out, and it is meant
	// only for the answer to whoever sent the data.
	Value string
	// Uses are the places (file:line) of the template actions that read this field or a value
	// inside it.
	Uses []string
}

// String is the problem as one line of DataError.Error, without its Value.
func (p Problem) String() string {
	var b strings.Builder
	p.write(&b)
	return b.String()
}

// LogValue logs the problem without its Value.
func (p Problem) LogValue() slog.Value { return slog.StringValue(p.String()) }

func (p Problem) write(b *strings.Builder) {
	if p.Path == "" {
		b.WriteString("case data")
	} else {
		b.WriteString(p.Path)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	if len(p.Uses) > 0 {
		b.WriteString(" (used at ")
		b.WriteString(strings.Join(p.Uses, ", "))
		b.WriteByte(')')
	}
}

// DataError reports case data that a template cannot be merged with: data that is not JSON, is
// too large or too deep, holds a number too long or with too large an exponent to check, or
// does not match the template's schema. It is a permanent failure: sending the same data again
// fails the same way.
//
// Problems lists the first 50 problems, by path (fewer when their text passes 16 KiB); when
// there are more, a last Problem with Path "" says how many ("and 1234 more problems"). A
// number longer than 64 characters or with an exponent beyond ±400 is a problem of its own,
// found before the schema runs, so that checking any data costs time in proportion to its size.
//
// Errors and personal data: a value of the case data is never formatted into an error text.
// Problem.Message and TemplateError.Msg, and so Error, name the JSON path (or the template
// action) and the kind of problem only; the offending value, cut to a short excerpt, is in
// Problem.Value and TemplateError.Value alone. The answer to the tenant who sent the data
// (the API's 422, over their own authenticated connection) may show that excerpt; records,
// task errors, batch rejections, logs and every other text get Error() and never a value.
type DataError struct {
	// Template is the name of the bundle the data was checked against.
	Template string
	Problems []Problem
}

// Error has one line per problem:
// "/recipient/name: expected string, got number (used at samples/templates/x/letter.md:14)".
func (e *DataError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		p.write(&b)
	}
	return b.String()
}

// errOutputLimit is returned when a template writes more than maxOutput bytes.
var errOutputLimit = fmt.Errorf("the merged letter is larger than %d MiB; check ranges over large lists", maxOutput>>20)

// execErrRE splits the errors text/template returns while executing:
// `template: NAME:LINE:COL: executing "NAME" at <CONTEXT>: MESSAGE`.
var execErrRE = regexp.MustCompile(`^template: (.*):(\d+):(\d+): executing ".*?" at <(.*?)>: (?s:(.*))$`)

var (
	noEntryRE = regexp.MustCompile(`^map has no entry for key "(.*)"$`)
	nilPtrRE  = regexp.MustCompile(`^nil pointer evaluating interface \{\}\.(.*)$`)
	callRE    = regexp.MustCompile(`^error calling (\w+): (?s:(.*))$`)
	fieldRE   = regexp.MustCompile(`^can't evaluate field (\S+) in type (.*)$`)

	// Messages of text/template that print a value of the data.
	rangeRE     = regexp.MustCompile(`^range can't iterate over (?s:(.*))$`)
	rangeVarsRE = regexp.MustCompile(`^can't use (?s:(.*)) (?:to )?iterate over more than one variable$`)
	ifWithRE    = regexp.MustCompile(`^if/with can't use (?s:(.*))$`)
	indexRE     = regexp.MustCompile(`^index out of range: (-?\d+)$`)
	sliceRE     = regexp.MustCompile(`^invalid slice index: `)
	compareRE   = regexp.MustCompile(`^non-comparable types? `)
)

// ownFuncs are the template functions of package templates; their errors never hold a value.
var ownFuncs = map[string]bool{"date": true, "money": true, "number": true, "plural": true,
	"upper": true, "lower": true, "join": true, "has": true, "include": true}

// execError turns an error of text/template's Execute of tp into a *TemplateError that names
// the action at fault and says in plain words what is wrong with the case data. Its Msg holds
// no value of the data; an excerpt of the value at fault goes to Value.
func (tp *tmpl) execError(err error) error {
	if errors.Is(err, errOutputLimit) {
		return &TemplateError{File: tp.file, Msg: errOutputLimit.Error()}
	}
	var te *TemplateError
	if errors.As(err, &te) { // from an included block
		return te
	}
	m := execErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		msg, value := plainExecMessage("", strings.TrimPrefix(err.Error(), "template: "))
		return &TemplateError{File: tp.file, Msg: msg, Value: value}
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	context, msg := m[4], m[5]
	start, action := enclosingAction(tp.src, line, col)
	if start >= 0 {
		line, col = position(tp.src, start)
	} else {
		col = runeCol(tp.src, line, col)
	}
	msg, value := plainExecMessage(context, msg)
	var ve *valueError
	if errors.As(err, &ve) {
		value = ve.value
	}
	if action != "" {
		msg += " (in " + action + ")"
	}
	e := tp.at(line, col, msg)
	e.Value = value
	return e
}

// isEscaper reports whether fn is one of the escapers parseTemplate appends to prints:
// escapeFunc or plainFunc bound to a description (see rewritePrints).
func isEscaper(fn string) bool {
	for _, e := range []string{escapeFunc, plainFunc} {
		if rest, ok := strings.CutPrefix(fn, e+"_"); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	return fn == escapeFunc || fn == plainFunc
}

// plainExecMessage rewrites text/template's message about the node context in plain words,
// without any value of the data: a value text/template printed comes back as an excerpt.
func plainExecMessage(context, msg string) (string, string) {
	if c := callRE.FindStringSubmatch(msg); c != nil {
		fn, inner := c[1], c[2]
		switch {
		case isEscaper(fn):
			return inner, ""
		case callRE.MatchString(inner): // nested include error
			return callRE.FindStringSubmatch(inner)[2], ""
		case ownFuncs[fn]:
			return fn + ": " + inner, ""
		}
		m, v := plainBuiltinMessage(inner)
		return fn + ": " + m, v
	}
	if e := noEntryRE.FindStringSubmatch(msg); e != nil {
		return fmt.Sprintf("field %q is missing in the case data", chainUpTo(context, e[1])), ""
	}
	if e := nilPtrRE.FindStringSubmatch(msg); e != nil {
		whole := chainUpTo(context, e[1])
		parent := strings.TrimSuffix(strings.TrimSuffix(whole, e[1]), ".")
		if parent == "" {
			return fmt.Sprintf("field %q cannot be read: the value it is in is null", whole), ""
		}
		return fmt.Sprintf("field %q is null in the case data, so %q cannot be read", parent, whole), ""
	}
	if e := fieldRE.FindStringSubmatch(msg); e != nil {
		whole := chainUpTo(context, e[1])
		parent := strings.TrimSuffix(strings.TrimSuffix(whole, e[1]), ".")
		what := "a " + e[2]
		switch e[2] {
		case "string", "json.Number", "bool":
			what = map[string]string{"string": "text", "json.Number": "a number", "bool": "true or false"}[e[2]]
		case "[]interface {}":
			what = "a list"
		}
		if parent == "" {
			return fmt.Sprintf("field %q cannot be read: the current value is %s, not an object", whole, what), ""
		}
		return fmt.Sprintf("field %q cannot be read: %q is %s, not an object", whole, parent, what), ""
	}
	if e := rangeRE.FindStringSubmatch(msg); e != nil {
		return "range needs a list, an object or a whole number; this value is none of them", cutExcerpt(e[1])
	}
	if e := rangeVarsRE.FindStringSubmatch(msg); e != nil {
		return "range over a number takes one variable, not two", cutExcerpt(e[1])
	}
	if e := ifWithRE.FindStringSubmatch(msg); e != nil {
		return "if and with cannot test this value", cutExcerpt(e[1])
	}
	return msg, ""
}

// plainBuiltinMessage rewrites the error of one of text/template's own functions (index, slice,
// eq, lt, ...) without the values it may print.
func plainBuiltinMessage(msg string) (string, string) {
	switch {
	case indexRE.MatchString(msg):
		return "index out of range", indexRE.FindStringSubmatch(msg)[1]
	case sliceRE.MatchString(msg):
		return "invalid slice indexes: the first is larger than the second", ""
	case compareRE.MatchString(msg):
		return "the values cannot be compared: one of them is a list or an object", ""
	}
	return msg, ""
}

// chainUpTo returns the dotted field chain in context (e.g. ".recipient.name" or
// "$r.amount") up to and including key, without the leading dot or variable.
func chainUpTo(context, key string) string {
	ctx := context
	if i := strings.LastIndexAny(ctx, " ("); i >= 0 {
		ctx = ctx[i+1:]
	}
	ctx = strings.TrimRight(ctx, ")")
	parts := strings.Split(ctx, ".")
	if len(parts) > 0 && (parts[0] == "" || strings.HasPrefix(parts[0], "$")) {
		parts = parts[1:]
	}
	for i, p := range parts {
		if p == key {
			return strings.Join(parts[:i+1], ".")
		}
	}
	return key
}

// enclosingAction finds the {{ }} action around the 0-based byte column col of line in src. It
// returns the byte offset of its "{{" and its text with trim markers removed, or -1 and "".
func enclosingAction(src string, line, col int) (int, string) {
	off := lineStart(src, line)
	if off < 0 {
		return -1, ""
	}
	off += col
	if off > len(src) {
		return -1, ""
	}
	start := strings.LastIndex(src[:off], "{{")
	if start < 0 {
		return -1, ""
	}
	end := strings.Index(src[off:], "}}")
	if end < 0 {
		return start, ""
	}
	return start, actionText(src[start : off+end+2])
}

// actionText normalises an action's source to "{{ pipeline }}" on one line.
func actionText(s string) string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{{"), "}}")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "-"), "-")
	return "{{ " + strings.Join(strings.Fields(s), " ") + " }}"
}

// lineStart returns the byte offset of the 1-based line in src, or -1.
func lineStart(src string, line int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	return off
}

// position returns the 1-based line and character column of byte offset off in src.
func position(src string, off int) (line, col int) {
	before := src[:off]
	line = 1 + strings.Count(before, "\n")
	ls := strings.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCountInString(before[ls:]) + 1
}

// runeCol converts a 0-based byte column of line to a 1-based character column.
func runeCol(src string, line, col int) int {
	off := lineStart(src, line)
	if off < 0 || off+col > len(src) {
		return col + 1
	}
	return utf8.RuneCountInString(src[off:off+col]) + 1
}

// maxExcerpt is how many characters of a value an excerpt keeps.
const maxExcerpt = 40

// excerpt returns the excerpt of the JSON value v that Problem.Value holds: a quoted string cut
// to maxExcerpt characters, a number as its text (cut), true, false or null; "" for an object,
// an array or anything else.
func excerpt(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return quoteExcerpt(v)
	case json.Number:
		return cutExcerpt(string(v))
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return cutExcerpt(strconv.FormatFloat(v, 'g', -1, 64))
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return ""
}

// quoteExcerpt writes the first maxExcerpt characters of s as a JSON string literal, with "…"
// after it when s is longer.
func quoteExcerpt(s string) string {
	head, cut := cutRunes(s, maxExcerpt)
	out := `"` + escapeText(head) + `"`
	if cut {
		out += "…"
	}
	return out
}

// cutExcerpt writes the first maxExcerpt characters of s, escaped, with "…" when s is longer.
func cutExcerpt(s string) string {
	head, cut := cutRunes(s, maxExcerpt)
	out := escapeText(head)
	if cut {
		out += "…"
	}
	return out
}

// cutRunes returns the first n characters of s and whether there were more.
func cutRunes(s string, n int) (string, bool) {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos], true
		}
		i++
	}
	return s, false
}

// escapeText escapes s the way a JSON string literal may hold it, so that an excerpt can neither
// end its quotes nor hide or reorder text where it is shown: quotes and backslashes get a
// backslash, control characters and every character that does not print (U+202E, U+2028,
// U+FEFF, ...) become \u escapes (a pair of them beyond U+FFFF). Printable text, non-ASCII
// included, stays as it is.
func escapeText(s string) string {
	return escapeRunes(s, func(r rune) bool { return !(r < 0x80 && r >= 0x20 && r != 0x7f || unicode.IsPrint(r)) })
}

// escapeRunes gives quotes and backslashes a backslash, writes newline, carriage return and tab
// as \n, \r and \t, and every other rune for which escape is true as \u escapes.
func escapeRunes(s string, escape func(rune) bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case escape(r):
			writeUnicodeEscape(&b, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeUnicodeEscape writes r as \uXXXX, or a UTF-16 surrogate pair of them.
func writeUnicodeEscape(b *strings.Builder, r rune) {
	if r > 0xffff {
		r1, r2 := utf16.EncodeRune(r)
		writeUnicodeEscape(b, r1)
		writeUnicodeEscape(b, r2)
		return
	}
	fmt.Fprintf(b, `\u%04x`, r)
}

// Redactor removes the values of one letter's case data, and other personal data given to it,
// from a text: the second line of defence for texts that may quote them, such as errors of
// other packages (render/pdf quotes lines of the letter). The errors of this package need no
// redaction: they never hold a value.
//
// Every string and number of the data and every extra text (three characters or longer), and
// every word of four or more characters in them, is replaced by "[…]" in clear and in each
// escaped form an error text or a log line may show it in: Go-quoted (%q, %+q), JSON-escaped
// (with and without HTML escaping, and with every non-ASCII character as \u escapes),
// Markdown-escaped and escaped as Problem.Value writes it.
type Redactor struct{ forms []string }

// Redacted is what Redactor.Text puts in place of a value.
const Redacted = "[…]"

// NewRedactor returns the Redactor of case data data (JSON text; data that is not JSON adds
// nothing) and extra, e.g. the recipient's id, name and address lines.
func NewRedactor(data []byte, extra ...string) *Redactor {
	set := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) < 3 {
			return
		}
		addForms(set, s)
		// Also each word of a name or address, so "Møller" alone is caught.
		for _, w := range strings.Fields(s) {
			if utf8.RuneCountInString(w) >= 4 {
				addForms(set, w)
			}
		}
	}
	for _, s := range extra {
		add(s)
	}
	if len(data) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			walkValues(v, add)
		}
	}
	forms := make([]string, 0, len(set))
	for s := range set {
		forms = append(forms, s)
	}
	// Longest first, so a full name goes before its parts.
	sort.Slice(forms, func(i, j int) bool {
		if len(forms[i]) != len(forms[j]) {
			return len(forms[i]) > len(forms[j])
		}
		return forms[i] < forms[j]
	})
	return &Redactor{forms: forms}
}

// addForms adds s and each escaped form of it to set.
func addForms(set map[string]bool, s string) {
	inner := func(q string) string { return q[1 : len(q)-1] }
	set[s] = true
	set[inner(strconv.Quote(s))] = true
	set[inner(strconv.QuoteToASCII(s))] = true
	set[inner(strconv.QuoteToGraphic(s))] = true
	var b strings.Builder
	enc := json.NewEncoder(&b)
	_ = enc.Encode(s) // a string always encodes
	set[inner(strings.TrimSuffix(b.String(), "\n"))] = true
	b.Reset()
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	set[inner(strings.TrimSuffix(b.String(), "\n"))] = true
	set[asciiJSON(s)] = true
	set[jsonControls(s)] = true
	set[escapeText(s)] = true
	set[markdown.Escape(s)] = true
}

// asciiJSON escapes s as JSON with every character beyond ASCII as \u escapes.
func asciiJSON(s string) string {
	var b strings.Builder
	for _, r := range escapeText(s) {
		if r < 0x80 {
			b.WriteRune(r)
		} else {
			writeUnicodeEscape(&b, r)
		}
	}
	return b.String()
}

// jsonControls escapes s as log/slog's JSON handler does: quotes and backslashes, control
// characters (as \u00XX but for \n, \r and \t) and U+2028, U+2029; nothing else.
func jsonControls(s string) string {
	return escapeRunes(s, func(r rune) bool { return r < 0x20 || r == '\u2028' || r == '\u2029' })
}

// walkValues calls add with every string and number in v (not the object keys: they are the
// schema's field names, which errors need).
func walkValues(v any, add func(string)) {
	switch v := v.(type) {
	case string:
		add(v)
	case json.Number:
		add(v.String())
	case []any:
		for _, e := range v {
			walkValues(e, add)
		}
	case map[string]any:
		for _, e := range v {
			walkValues(e, add)
		}
	}
}

// Text returns s with every value of the Redactor replaced by Redacted. A nil Redactor returns
// s as it is.
func (r *Redactor) Text(s string) string {
	if r == nil {
		return s
	}
	for _, x := range r.forms {
		if strings.Contains(s, x) {
			s = strings.ReplaceAll(s, x, Redacted)
		}
	}
	return s
}
