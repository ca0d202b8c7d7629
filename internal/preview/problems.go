package preview

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/internal/jsonpointer"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

// Item is one line of the page's problems panel: an error that stopped the letter or a warning
// beside it.
type Item struct {
	// Severity is "error" or "warning".
	Severity string
	// Where is the template position, "templates/x/letter.md:12:3", or "" when not known.
	Where string
	// Path is the JSON Pointer of the case data the problem is about ("" when it is not about
	// the data); DataLine and DataCol place it in the case data text (1-based, in characters),
	// 0 when not found.
	Path              string
	DataLine, DataCol int
	// Msg says what is wrong.
	Msg string
	// Uses are the template positions that read the field at Path.
	Uses []string
}

// errorItems turns an error of loading or merging a bundle into problem lines: a *DataError
// gives one per problem, placed in data; a *TemplateError its file:line:col.
func errorItems(err error, data []byte) []Item {
	var de *templates.DataError
	if errors.As(err, &de) {
		items := make([]Item, 0, len(de.Problems))
		for _, p := range de.Problems {
			path := p.Path
			if path == "" {
				path = "/"
			}
			it := Item{Severity: "error", Path: path, Msg: p.Message, Uses: p.Uses}
			it.DataLine, it.DataCol, _ = pointerPos(data, p.Path)
			items = append(items, it)
		}
		return items
	}
	var te *templates.TemplateError
	if errors.As(err, &te) {
		return []Item{{Severity: "error", Where: position(te.File, te.Line, te.Col), Msg: te.Msg}}
	}
	return []Item{{Severity: "error", Msg: err.Error()}}
}

// position writes file:line:col, leaving out what is 0.
func position(file string, line, col int) string {
	switch {
	case line == 0:
		return file
	case col == 0:
		return file + ":" + strconv.Itoa(line)
	}
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// preflightItems names the problems render/pdf found with the letter by the template place they
// come from.
func preflightItems(m *templates.Merged, ps []pdf.Problem) []Item {
	items := make([]Item, 0, len(ps))
	for _, p := range ps {
		it := Item{Severity: "error", Msg: p.Message}
		if pos, _, ok := m.Source(p.Place, p.Index); ok {
			it.Where = pos
		}
		items = append(items, it)
	}
	return items
}

// memoItems names the problems Digital Post would have with the letter's MeMo message by the
// memo front matter key they come from, as warnings: the letter itself is fine.
func memoItems(b *templates.Bundle, err error) []Item {
	var me *memo.Error
	if !errors.As(err, &me) {
		return []Item{{Severity: "warning", Msg: "MeMo message: " + err.Error()}}
	}
	var items []Item
	for _, p := range me.Problems {
		it := Item{Severity: "warning", Msg: "MeMo " + p.Field + ": " + p.Message}
		if pos, _, ok := b.MemoSource(memoField(p.Field)); ok {
			it.Where = pos
		}
		items = append(items, it)
	}
	return items
}

// memoField maps a memo.Problem field ("main.actions[0].url", "additionalNotification") to the
// memo front matter key it comes from ("actions[0].url", "additional_notification").
func memoField(f string) string {
	f = strings.TrimPrefix(f, "main.")
	switch f {
	case "caseId.id":
		return "case_id"
	case "caseId.system":
		return "case_system"
	case "kle.key":
		return "kle.subject_key"
	case "form.key":
		return "form.task_key"
	case "main.label":
		return "label"
	}
	var b strings.Builder
	for _, r := range f {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pointerPos finds the value that JSON Pointer ptr names in the JSON text data and returns its
// 1-based line and column (in characters). ok is false when data is not JSON up to there or the
// pointer names nothing in it; for a missing member it places the object that lacks it.
func pointerPos(data []byte, ptr string) (line, col int, ok bool) {
	if ptr != "" && !strings.HasPrefix(ptr, "/") {
		return 0, 0, false
	}
	var tokens []string
	if ptr != "" {
		for _, t := range strings.Split(ptr[1:], "/") {
			tokens = append(tokens, jsonpointer.Unescape(t))
		}
	}
	s := &scanner{data: data}
	s.space()
	at := s.pos
	for _, tok := range tokens {
		next, found := s.member(tok)
		if !found {
			break
		}
		at = next
	}
	if at >= len(data) {
		return 0, 0, false
	}
	line, col = 1, 1
	for _, r := range string(data[:at]) {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col, true
}

// scanner walks JSON text just far enough to find a member: it never builds values.
type scanner struct {
	data []byte
	pos  int
}

func (s *scanner) space() {
	for s.pos < len(s.data) && strings.IndexByte(" \t\r\n", s.data[s.pos]) >= 0 {
		s.pos++
	}
}

// member moves from the start of an object or array to the start of its member tok (an object
// key or an array index) and returns that offset.
func (s *scanner) member(tok string) (int, bool) {
	if s.pos >= len(s.data) {
		return 0, false
	}
	switch s.data[s.pos] {
	case '{':
		s.pos++
		for {
			s.space()
			if s.pos >= len(s.data) || s.data[s.pos] != '"' {
				return 0, false
			}
			key, ok := s.str()
			if !ok {
				return 0, false
			}
			s.space()
			if s.pos >= len(s.data) || s.data[s.pos] != ':' {
				return 0, false
			}
			s.pos++
			s.space()
			if key == tok {
				return s.pos, true
			}
			if !s.skip() || !s.comma() {
				return 0, false
			}
		}
	case '[':
		want, err := strconv.Atoi(tok)
		if err != nil || want < 0 {
			return 0, false
		}
		s.pos++
		for i := 0; ; i++ {
			s.space()
			if i == want {
				return s.pos, s.pos < len(s.data) && s.data[s.pos] != ']'
			}
			if !s.skip() || !s.comma() {
				return 0, false
			}
		}
	}
	return 0, false
}

// comma moves past the "," after a member; it fails at the container's end (or anything else).
func (s *scanner) comma() bool {
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == ',' {
		s.pos++
		return true
	}
	return false
}

// str reads a string starting at its opening quote and returns its decoded text.
func (s *scanner) str() (string, bool) {
	var b strings.Builder
	s.pos++
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return b.String(), true
		case c == '\\' && s.pos+1 < len(s.data):
			e := s.data[s.pos+1]
			s.pos += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if s.pos+4 > len(s.data) {
					return "", false
				}
				n, err := strconv.ParseUint(string(s.data[s.pos:s.pos+4]), 16, 32)
				if err != nil {
					return "", false
				}
				b.WriteRune(rune(n))
				s.pos += 4
			default:
				b.WriteByte(e)
			}
		default:
			r, size := utf8.DecodeRune(s.data[s.pos:])
			b.WriteRune(r)
			s.pos += size
		}
	}
	return "", false
}

// skip moves past one value.
func (s *scanner) skip() bool {
	if s.pos >= len(s.data) {
		return false
	}
	switch s.data[s.pos] {
	case '"':
		_, ok := s.str()
		return ok
	case '{', '[':
		depth := 0
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case '"':
				if _, ok := s.str(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.pos++
					return true
				}
			}
			s.pos++
		}
		return false
	}
	for s.pos < len(s.data) && strings.IndexByte(",}] \t\r\n", s.data[s.pos]) < 0 {
		s.pos++
	}
	return true
}
