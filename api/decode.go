package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/postbud/postbud/internal/jsonlimit"
	"github.com/postbud/postbud/internal/jsonpointer"
)

// Limits on what a request may hold, beyond the body size limit.
const (
	maxDepth          = 64  // nesting of JSON arrays and objects
	maxIdempotencyKey = 200 // characters of the Idempotency-Key header
	maxRecipientID    = 64
	maxRecipientText  = 300 // characters of the name and of each address line
	maxAddressLines   = 10
)

// namePattern is what template and channel names look like; nothing else reaches a file or a map.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// Formats and priorities a request may name.
var (
	knownFormats    = []string{"pdf", "docx"}
	knownPriorities = []string{"urgent", "default", "bulk"}
)

// recipientBody is the recipient of a letter as the API takes it.
type recipientBody struct {
	ID      string   `json:"id,omitempty"`
	Name    string   `json:"name,omitempty"`
	Address []string `json:"address,omitempty"`
}

// submission is a decoded, checked POST /v1/letters body. Fields left out are zero.
type submission struct {
	Template    string
	Language    string
	Data        json.RawMessage
	Recipient   recipientBody
	Formats     []string
	Delivery    string
	Priority    string
	Attachments []attachmentBody
}

// attachmentBody is an attachment as the API takes it: {filename, mime_type, content_base64}.
type attachmentBody struct {
	Filename string
	MimeType string
	Content  []byte
}

// decodeSubmission checks and decodes the body of POST /v1/letters: one JSON object in UTF-8,
// nested at most 64 deep, with the fields template (required), data (required), recipient,
// formats, delivery and priority and no others. Every problem with the fields is listed; the
// error is a *requestError with status 400. Values from the body are never echoed in messages,
// since they may be personal data.
func decodeSubmission(body []byte) (submission, error) {
	var s submission
	fields, err := decodeObject(body, "", "the request body")
	if err != nil {
		return s, err
	}
	var problems []Problem
	problems = append(problems, unknownFields(fields, "", "template", "language", "data", "recipient", "formats", "delivery", "priority", "attachments")...)
	if raw, ok := fields.get("template"); ok {
		s.Template, problems = nameField(raw, "/template", "template", problems)
	} else {
		problems = append(problems, Problem{Path: "/template", Message: "required: the name of the template, e.g. \"boligstoette-afgoerelse\" (GET /v1/templates lists them)"})
	}
	if raw, ok := fields.get("language"); ok {
		s.Language, problems = languageField(raw, "/language", problems)
	}
	if raw, ok := fields.get("data"); ok {
		s.Data = raw
	} else {
		problems = append(problems, Problem{Path: "/data", Message: "required: the case data, a JSON value that fits the template's schema (GET /v1/templates/{name} shows it)"})
	}
	if raw, ok := fields.get("recipient"); ok {
		s.Recipient, problems = recipientField(raw, problems)
	}
	if raw, ok := fields.get("formats"); ok {
		s.Formats, problems = formatsField(raw, problems)
	}
	if raw, ok := fields.get("delivery"); ok {
		s.Delivery, problems = nameField(raw, "/delivery", "delivery channel", problems)
	}
	if raw, ok := fields.get("priority"); ok {
		s.Priority, problems = enumField(raw, "/priority", knownPriorities, problems)
	}
	if raw, ok := fields.get("attachments"); ok {
		s.Attachments, problems = attachmentsField(raw, problems)
	}
	if len(problems) > 0 {
		return submission{}, fail(http.StatusBadRequest, "the request body does not follow the API; see problems and /v1/openapi.yaml", problems...)
	}
	return s, nil
}

// decodePreview checks and decodes the body of POST /v1/templates/{name}/preview: empty, or a
// JSON object with the optional fields data and language. It returns nil data when none is
// given, and "" for the bundle's default language.
func decodePreview(body []byte) (data json.RawMessage, lang string, err error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, "", nil
	}
	fields, err := decodeObject(body, "", "the request body")
	if err != nil {
		return nil, "", err
	}
	problems := unknownFields(fields, "", "data", "language")
	if raw, ok := fields.get("language"); ok {
		lang, problems = languageField(raw, "/language", problems)
	}
	if len(problems) > 0 {
		return nil, "", fail(http.StatusBadRequest, "the request body does not follow the API; see problems and /v1/openapi.yaml", problems...)
	}
	raw, _ := fields.get("data")
	return raw, lang, nil
}

// languagePattern is a BCP 47 language tag as bundles name their letters: "da", "en", "nb-NO".
var languagePattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$`)

// languageField decodes raw as a language tag.
func languageField(raw json.RawMessage, path string, problems []Problem) (string, []Problem) {
	s, ok, problems := stringField(raw, path, problems)
	if ok && !languagePattern.MatchString(s) {
		return "", append(problems, Problem{Path: path, Message: "not a language tag: give one like \"da\", \"en\" or \"nb-NO\" (GET /v1/templates/{name} lists the template's languages)"})
	}
	return s, problems
}

// objectFields are the members of a JSON object in the order given.
type objectFields struct {
	names []string
	raw   []json.RawMessage
}

// get returns the value of field name; a JSON null counts as absent.
func (f objectFields) get(name string) (json.RawMessage, bool) {
	for i, n := range f.names {
		if n == name {
			if bytes.Equal(f.raw[i], []byte("null")) {
				return nil, false
			}
			return f.raw[i], true
		}
	}
	return nil, false
}

// decodeObject checks that text (the body, or a value at path inside it) is valid UTF-8, nested
// at most maxDepth deep and exactly one JSON object without repeated names, and returns its
// members. what names the text for messages.
func decodeObject(text []byte, path, what string) (objectFields, error) {
	var f objectFields
	if len(bytes.TrimSpace(text)) == 0 {
		return f, fail(http.StatusBadRequest, what+" is empty; send a JSON object (Content-Type: application/json)")
	}
	if !utf8.Valid(text) {
		i := invalidUTF8(text)
		l, c := position(text, i)
		return f, fail(http.StatusBadRequest, fmt.Sprintf("%s is not valid UTF-8 (line %d, column %d); send JSON encoded as UTF-8", what, l, c))
	}
	if d := jsonlimit.Depth(text); d > maxDepth {
		return f, fail(http.StatusBadRequest, fmt.Sprintf("%s is nested %d levels deep; the limit is %d", what, d, maxDepth))
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	tok, err := dec.Token()
	if err != nil {
		return f, syntaxError(text, what, err)
	}
	if tok != json.Delim('{') {
		return f, fail(http.StatusBadRequest, what+" must be a JSON object, e.g. {\"template\": \"...\", \"data\": {...}}", Problem{Path: path, Message: "expected object, got " + tokenKind(tok)})
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return f, syntaxError(text, what, err)
		}
		name, _ := tok.(string) // inside an object the decoder only yields string keys
		if seen[name] {
			return f, fail(http.StatusBadRequest, what+" names a field twice", Problem{Path: path + "/" + pointerToken(name), Message: "appears more than once; send each field once"})
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return f, syntaxError(text, what, err)
		}
		f.names = append(f.names, name)
		f.raw = append(f.raw, raw)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return f, syntaxError(text, what, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return f, fail(http.StatusBadRequest, what+" has more text after the JSON object; send one object")
	}
	return f, nil
}

// syntaxError turns a JSON decoding error into a 400 naming line and column. The position comes
// from checking all of text again, since a json.Decoder's offsets depend on how it was called.
func syntaxError(text []byte, what string, err error) error {
	var raw json.RawMessage
	if e := json.Unmarshal(text, &raw); e != nil {
		err = e
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se) && se.Offset >= int64(len(text)):
		return fail(http.StatusBadRequest, what+" is not valid JSON: the text ends before the JSON value does")
	case errors.As(err, &se):
		l, c := position(text, min(max(int(se.Offset)-1, 0), len(text)))
		return fail(http.StatusBadRequest, fmt.Sprintf("%s is not valid JSON: line %d, column %d: %s", what, l, c, strings.TrimPrefix(se.Error(), "json: ")))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fail(http.StatusBadRequest, what+" is not valid JSON: the text ends before the JSON value does")
	}
	return fail(http.StatusBadRequest, what+" is not valid JSON: "+strings.TrimPrefix(err.Error(), "json: "))
}

// unknownFields lists the members of f that are not in allowed.
func unknownFields(f objectFields, path string, allowed ...string) []Problem {
	var problems []Problem
	for _, n := range f.names {
		if !contains(allowed, n) {
			problems = append(problems, Problem{
				Path:    path + "/" + pointerToken(shorten(n)),
				Message: "unknown field; the fields here are " + strings.Join(allowed, ", "),
			})
		}
	}
	return problems
}

// stringField decodes raw as a JSON string.
func stringField(raw json.RawMessage, path string, problems []Problem) (string, bool, []Problem) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false, append(problems, Problem{Path: path, Message: "expected string, got " + kind(raw)})
	}
	return s, true, problems
}

// nameField decodes raw as the name of a template or channel.
func nameField(raw json.RawMessage, path, what string, problems []Problem) (string, []Problem) {
	s, ok, problems := stringField(raw, path, problems)
	if ok && !namePattern.MatchString(s) {
		return "", append(problems, Problem{Path: path, Message: "not a " + what + " name: names are 1 to 64 lowercase letters a-z, digits and hyphens, starting with a letter or digit"})
	}
	return s, problems
}

// enumField decodes raw as one of the strings in allowed.
func enumField(raw json.RawMessage, path string, allowed []string, problems []Problem) (string, []Problem) {
	s, ok, problems := stringField(raw, path, problems)
	if ok && !contains(allowed, s) {
		return "", append(problems, Problem{Path: path, Message: "must be one of " + strings.Join(allowed, ", ")})
	}
	return s, problems
}

// formatsField decodes raw as a list of distinct formats.
func formatsField(raw json.RawMessage, problems []Problem) ([]string, []Problem) {
	var items []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return nil, append(problems, Problem{Path: "/formats", Message: "expected array of strings, got " + kind(raw)})
	}
	if len(items) == 0 {
		return nil, append(problems, Problem{Path: "/formats", Message: "empty; name at least one of " + strings.Join(knownFormats, ", ") + ", or leave formats out for both"})
	}
	if len(items) > len(knownFormats) {
		return nil, append(problems, Problem{Path: "/formats", Message: "too many items; the formats are " + strings.Join(knownFormats, ", ")})
	}
	var out []string
	for i, item := range items {
		p := fmt.Sprintf("/formats/%d", i)
		f, more := enumField(item, p, knownFormats, nil)
		problems = append(problems, more...)
		if len(more) > 0 {
			continue
		}
		if contains(out, f) {
			problems = append(problems, Problem{Path: p, Message: "named twice"})
			continue
		}
		out = append(out, f)
	}
	return out, problems
}

// recipientField decodes raw as a recipient object.
func recipientField(raw json.RawMessage, problems []Problem) (recipientBody, []Problem) {
	var r recipientBody
	if len(raw) == 0 || raw[0] != '{' {
		return r, append(problems, Problem{Path: "/recipient", Message: "expected object, got " + kind(raw)})
	}
	fields, err := decodeObject(raw, "/recipient", "recipient")
	if err != nil {
		var re *requestError
		errors.As(err, &re)
		if len(re.problems) > 0 {
			return r, append(problems, re.problems...)
		}
		return r, append(problems, Problem{Path: "/recipient", Message: re.msg})
	}
	problems = append(problems, unknownFields(fields, "/recipient", "id", "name", "address")...)
	if v, ok := fields.get("id"); ok {
		var good bool
		r.ID, good, problems = stringField(v, "/recipient/id", problems)
		if good && (r.ID == "" || utf8.RuneCountInString(r.ID) > maxRecipientID) {
			problems = append(problems, Problem{Path: "/recipient/id", Message: fmt.Sprintf("must be 1 to %d characters: the CPR or CVR number", maxRecipientID)})
		}
	}
	if v, ok := fields.get("name"); ok {
		var good bool
		r.Name, good, problems = stringField(v, "/recipient/name", problems)
		if good && utf8.RuneCountInString(r.Name) > maxRecipientText {
			problems = append(problems, Problem{Path: "/recipient/name", Message: fmt.Sprintf("longer than %d characters", maxRecipientText)})
		}
	}
	if v, ok := fields.get("address"); ok {
		var lines []json.RawMessage
		switch {
		case v[0] != '[' || json.Unmarshal(v, &lines) != nil:
			problems = append(problems, Problem{Path: "/recipient/address", Message: "expected array of strings, got " + kind(v)})
		case len(lines) > maxAddressLines:
			problems = append(problems, Problem{Path: "/recipient/address", Message: fmt.Sprintf("%d lines; the limit is %d", len(lines), maxAddressLines)})
		default:
			for i, l := range lines {
				p := fmt.Sprintf("/recipient/address/%d", i)
				s, good, more := stringField(l, p, nil)
				problems = append(problems, more...)
				if good && utf8.RuneCountInString(s) > maxRecipientText {
					problems = append(problems, Problem{Path: p, Message: fmt.Sprintf("longer than %d characters", maxRecipientText)})
				}
				r.Address = append(r.Address, s)
			}
		}
	}
	return r, problems
}

// maxAttachmentsField is the most attachments a request may list (the worker's limit, which
// also caps their total size).
const maxAttachmentsField = 20

// attachmentsField decodes raw as a list of {filename, mime_type, content_base64}. The
// content is decoded from base64 here; file names and types are checked against Digital Post's
// rules by the worker, which names the same paths.
func attachmentsField(raw json.RawMessage, problems []Problem) ([]attachmentBody, []Problem) {
	var items []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return nil, append(problems, Problem{Path: "/attachments", Message: "expected array of objects {filename, mime_type, content_base64}, got " + kind(raw)})
	}
	if len(items) > maxAttachmentsField {
		return nil, append(problems, Problem{Path: "/attachments", Message: fmt.Sprintf("%d attachments; at most %d", len(items), maxAttachmentsField)})
	}
	out := make([]attachmentBody, 0, len(items))
	for i, item := range items {
		at := fmt.Sprintf("/attachments/%d", i)
		if len(item) == 0 || item[0] != '{' {
			problems = append(problems, Problem{Path: at, Message: "expected object {filename, mime_type, content_base64}, got " + kind(item)})
			continue
		}
		fields, err := decodeObject(item, at, "attachment")
		if err != nil {
			var re *requestError
			errors.As(err, &re)
			problems = append(problems, Problem{Path: at, Message: re.msg})
			continue
		}
		problems = append(problems, unknownFields(fields, at, "filename", "mime_type", "content_base64")...)
		var a attachmentBody
		for _, f := range []struct {
			name string
			dst  *string
		}{{"filename", &a.Filename}, {"mime_type", &a.MimeType}} {
			v, ok := fields.get(f.name)
			if !ok {
				problems = append(problems, Problem{Path: at + "/" + f.name, Message: "required"})
				continue
			}
			*f.dst, _, problems = stringField(v, at+"/"+f.name, problems)
		}
		v, ok := fields.get("content_base64")
		if !ok {
			problems = append(problems, Problem{Path: at + "/content_base64", Message: "required: the file's bytes in standard base64"})
		} else {
			var enc string
			var good bool
			if enc, good, problems = stringField(v, at+"/content_base64", problems); good {
				b, err := base64.StdEncoding.DecodeString(enc)
				if err != nil {
					problems = append(problems, Problem{Path: at + "/content_base64", Message: "not standard base64 (RFC 4648, with padding)"})
				}
				a.Content = b
			}
		}
		out = append(out, a)
	}
	return out, problems
}

// checkIdempotencyKey returns the Idempotency-Key header's value, or a 400 when it is too long
// or holds anything but printable ASCII.
func checkIdempotencyKey(h http.Header) (string, error) {
	v := h.Values("Idempotency-Key")
	if len(v) == 0 {
		return "", nil
	}
	if len(v) > 1 {
		return "", fail(http.StatusBadRequest, "send one Idempotency-Key header")
	}
	k := v[0]
	if k == "" || len(k) > maxIdempotencyKey {
		return "", fail(http.StatusBadRequest, fmt.Sprintf("the Idempotency-Key header must be 1 to %d characters, e.g. a UUID or your case system's letter id", maxIdempotencyKey))
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return "", fail(http.StatusBadRequest, "the Idempotency-Key header may hold printable ASCII characters only")
		}
	}
	return k, nil
}

// kind names the JSON type of raw for messages, without its value.
func kind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// tokenKind names the JSON type of a token from json.Decoder.Token.
func tokenKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "number"
}

// invalidUTF8 returns the offset of the first byte of text that is not valid UTF-8.
func invalidUTF8(text []byte) int {
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return i
}

// position returns the 1-based line and column (in characters) of byte offset off in text.
func position(text []byte, off int) (line, col int) {
	before := text[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCount(before[start:])
}

// pointerToken escapes a name for use in a JSON Pointer.
func pointerToken(s string) string {
	return jsonpointer.Escape(s)
}

// shorten cuts s to 64 characters for a message.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 64 {
		return s
	}
	return string([]rune(s)[:63]) + "…"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
