package templates

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TemplateError is a mistake in a template file (letter.md, a shared block or layout.yaml) or a
// failure while executing one: it names the file, the 1-based line and column (in characters)
// and says what is wrong. Line and Col are 0 when the error is about the file as a whole; Col is
// 0 when only the line is known.
type TemplateError struct {
	File      string
	Line, Col int
	Msg       string
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
	// Path is a JSON Pointer into the data, e.g. "/table/rows/2/amountOre"; "" for the root.
	Path string
	// Message says what was expected, in plain words: `expected integer, got string "12,50"`.
	Message string
	// Uses are the places (file:line) of the template actions that read this field or a value
	// inside it.
	Uses []string
}

// DataError reports case data that a template cannot be merged with: data that is not JSON, is
// too large or too deep, or does not match the template's schema. It is a permanent failure:
// sending the same data again fails the same way.
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
)

// execError turns an error of text/template's Execute of tp into a *TemplateError that names
// the action at fault and says in plain words what is wrong with the case data.
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
		return &TemplateError{File: tp.file, Msg: strings.TrimPrefix(err.Error(), "template: ")}
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
	msg = plainExecMessage(context, msg)
	if action != "" {
		msg += " (in " + action + ")"
	}
	return tp.at(line, col, msg)
}

// plainExecMessage rewrites text/template's message about the node context in plain words.
func plainExecMessage(context, msg string) string {
	if c := callRE.FindStringSubmatch(msg); c != nil {
		if c[1] == escapeFunc {
			return c[2]
		}
		if inner := callRE.FindStringSubmatch(c[2]); inner != nil { // nested include error
			return inner[2]
		}
		return c[1] + ": " + c[2]
	}
	if e := noEntryRE.FindStringSubmatch(msg); e != nil {
		return fmt.Sprintf("field %q is missing in the case data", chainUpTo(context, e[1]))
	}
	if e := nilPtrRE.FindStringSubmatch(msg); e != nil {
		whole := chainUpTo(context, e[1])
		parent := strings.TrimSuffix(strings.TrimSuffix(whole, e[1]), ".")
		if parent == "" {
			return fmt.Sprintf("field %q cannot be read: the value it is in is null", whole)
		}
		return fmt.Sprintf("field %q is null in the case data, so %q cannot be read", parent, whole)
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
			return fmt.Sprintf("field %q cannot be read: the current value is %s, not an object", whole, what)
		}
		return fmt.Sprintf("field %q cannot be read: %q is %s, not an object", whole, parent, what)
	}
	return msg
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
