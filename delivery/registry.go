package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// StaticRegistry is a Registry over a fixed list of recipients: for tests, the demo, and agencies
// that keep their own list of who is exempt from digital post. It is safe for concurrent use as
// long as no one changes its fields.
type StaticRegistry struct {
	// Default is the status of a recipient Contacts does not hold; empty means NotFound.
	Default ContactStatus
	// Contacts maps CPR (10 digits) and CVR (8 digits) numbers to their status.
	Contacts map[string]ContactStatus
}

var _ Registry = (*StaticRegistry)(nil)

// Contact returns Contacts[id], else Default, else NotFound. It fails only when ctx is done.
func (r *StaticRegistry) Contact(ctx context.Context, id string) (ContactStatus, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("static registry: contact: %w", err)
	}
	if s, ok := r.Contacts[id]; ok {
		return s, nil
	}
	if r.Default != "" {
		return r.Default, nil
	}
	return NotFound, nil
}

// contactStatuses are the statuses a registry file may name.
var contactStatuses = map[ContactStatus]bool{Registered: true, Exempt: true, Closed: true, Unknown: true, NotFound: true}

// LoadRegistry reads a StaticRegistry from a JSON file:
//
//	{
//	  "default": "REGISTERED",
//	  "contacts": {
//	    "0101901234": "EXEMPT",
//	    "12345678": "CLOSED"
//	  }
//	}
//
// Both fields are optional. "default" is the status of everyone not listed (NOT_FOUND when
// absent); "contacts" maps CPR numbers (10 digits) and CVR numbers (8 digits) to a status. A status
// is one of REGISTERED, EXEMPT, CLOSED, UNKNOWN and NOT_FOUND; only REGISTERED receives digital
// post. Unknown fields, unknown statuses, ids that are not 8 or 10 digits and ids listed twice are
// errors. Errors name the file and the line, and name a contact by its position ("contacts entry
// 3"), never by its id: the ids are personal data.
func LoadRegistry(path string) (*StaticRegistry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load registry: %w", err)
	}
	p := &registryParser{path: path, data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	r, err := p.parse()
	if err != nil {
		return nil, err
	}
	return r, nil
}

type registryParser struct {
	path string
	data []byte
	dec  *json.Decoder
}

// line is the line number of the byte at offset.
func (p *registryParser) line(offset int64) int {
	offset = min(max(offset, 0), int64(len(p.data)))
	return bytes.Count(p.data[:offset], []byte("\n")) + 1
}

// errorf makes an error naming the file and the line of the last token read.
func (p *registryParser) errorf(format string, args ...any) error {
	return fmt.Errorf("load registry %s: line %d: %s", p.path, p.line(p.dec.InputOffset()), fmt.Sprintf(format, args...))
}

// token reads the next token; what is what the file should hold there, for errors.
func (p *registryParser) token(what string) (json.Token, error) {
	tok, err := p.dec.Token()
	if err == nil {
		return tok, nil
	}
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return nil, fmt.Errorf("load registry %s: line %d: %w; fix the JSON", p.path, p.line(syn.Offset), err)
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("load registry %s: line %d: the file ends where %s should be; fix the JSON", p.path, p.line(int64(len(p.data))), what)
	}
	return nil, fmt.Errorf("load registry %s: %w", p.path, err)
}

func (p *registryParser) delim(want json.Delim, what string) error {
	tok, err := p.token(what)
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return p.errorf("want %s, found %s", what, describe(tok))
	}
	return nil
}

func (p *registryParser) parse() (*StaticRegistry, error) {
	r := &StaticRegistry{}
	if err := p.delim('{', `an object {"default": ..., "contacts": {...}}`); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for p.dec.More() {
		tok, err := p.token("a field name")
		if err != nil {
			return nil, err
		}
		key := tok.(string) // the decoder gives only strings as object keys
		if seen[key] {
			return nil, p.errorf("field %q given twice", key)
		}
		seen[key] = true
		switch key {
		case "default":
			s, err := p.status(`the "default" status`)
			if err != nil {
				return nil, err
			}
			r.Default = s
		case "contacts":
			c, err := p.contacts()
			if err != nil {
				return nil, err
			}
			r.Contacts = c
		default:
			name := "an unknown field"
			if safeCode(key) == key && key != "" {
				name = fmt.Sprintf("unknown field %q", key)
			}
			return nil, p.errorf(`%s; the file holds only "default" and "contacts" (are contacts outside "contacts"?)`, name)
		}
	}
	if err := p.delim('}', "the end of the object"); err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, p.errorf("more follows the object; a registry file holds one JSON object")
	}
	return r, nil
}

func (p *registryParser) contacts() (map[string]ContactStatus, error) {
	if err := p.delim('{', `an object of "id": "status" entries`); err != nil {
		return nil, err
	}
	c := map[string]ContactStatus{}
	first := map[string]int{}
	for n := 1; p.dec.More(); n++ {
		tok, err := p.token("an id")
		if err != nil {
			return nil, err
		}
		id := tok.(string)
		if !validID(id) {
			return nil, p.errorf("contacts entry %d: the id is not a CPR number (10 digits) or a CVR number (8 digits)", n)
		}
		if m, dup := first[id]; dup {
			return nil, p.errorf("contacts entry %d has the id of entry %d; list each recipient once", n, m)
		}
		first[id] = n
		s, err := p.status(fmt.Sprintf("contacts entry %d's status", n))
		if err != nil {
			return nil, err
		}
		c[id] = s
	}
	if err := p.delim('}', `the end of "contacts"`); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *registryParser) status(what string) (ContactStatus, error) {
	tok, err := p.token(what)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", p.errorf("%s: want a status string, found %s", what, describe(tok))
	}
	if !contactStatuses[ContactStatus(s)] {
		shown := "an unknown status"
		if safeCode(s) == s && s != "" {
			shown = fmt.Sprintf("unknown status %q", s)
		}
		return "", p.errorf("%s: %s; use REGISTERED, EXEMPT, CLOSED, UNKNOWN or NOT_FOUND", what, shown)
	}
	return ContactStatus(s), nil
}

// validID reports whether id is 8 or 10 ASCII digits.
func validID(id string) bool {
	if len(id) != 8 && len(id) != 10 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// describe names a JSON token's kind without showing its value, which may be personal data.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return fmt.Sprintf("%q", string(t))
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a value"
}
