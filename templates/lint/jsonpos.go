package lint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/postbud/postbud/internal/jsonpointer"
)

// jsonDoc is a JSON text with the offset of every value in it, by JSON Pointer, for placing
// problems about a value at its line and column.
type jsonDoc struct {
	src []byte
	at  map[string]int // JSON Pointer → byte offset of the value's first character
}

// readJSON indexes src. A text that is not one JSON value gives the position of the syntax error
// and a message saying what is wrong.
func readJSON(src []byte) (*jsonDoc, pos, string) {
	d := &jsonDoc{src: src, at: map[string]int{}}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	// start skips white space and separators from the decoder's offset to the next token.
	start := func() int {
		off := int(dec.InputOffset())
		for off < len(src) && strings.IndexByte(" \t\r\n:,", src[off]) >= 0 {
			off++
		}
		return off
	}
	fail := func(err error) (*jsonDoc, pos, string) {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// json.Unmarshal's Offset is the count of bytes read up to and including the bad
			// one, which the decoder's is not for every error.
			var v any
			if uerr := json.Unmarshal(src, &v); errors.As(uerr, &se) {
				return nil, position(src, int(se.Offset)-1), "invalid JSON: " + se.Error()
			}
		}
		switch {
		case errors.As(err, &se):
			return nil, position(src, int(se.Offset)-1), "invalid JSON: " + se.Error()
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, position(src, len(src)), "invalid JSON: the text ends before the JSON value does"
		}
		return nil, position(src, int(dec.InputOffset())), "invalid JSON: " + err.Error()
	}
	var value func(ptr string) error
	value = func(ptr string) error {
		d.at[ptr] = start()
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, ok := kt.(string)
				if !ok {
					return fmt.Errorf("object key is %v, not a string", kt)
				}
				if err := value(ptr + "/" + escapeToken(k)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := value(ptr + "/" + strconv.Itoa(i)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		return err
	}
	if err := value(""); err != nil {
		return fail(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, position(src, start()), "invalid JSON: text after the JSON value"
	}
	return d, pos{}, ""
}

// escapeToken escapes a key as a JSON Pointer token.
func escapeToken(k string) string {
	return jsonpointer.Escape(k)
}

// splitPointer splits a JSON Pointer into its (still escaped) tokens; nil for the root.
func splitPointer(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(strings.TrimPrefix(p, "/"), "/")
}

// find returns the position of the value at JSON Pointer ptr or, when there is none (a required
// field that is missing), of the closest value that holds it.
func (d *jsonDoc) find(ptr string) pos {
	for {
		if off, ok := d.at[ptr]; ok {
			return position(d.src, off)
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return position(d.src, d.at[""])
		}
		ptr = ptr[:i]
	}
}
