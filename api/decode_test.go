package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/postbud/postbud/internal/jsonlimit"
)

func TestDecodeSubmission(t *testing.T) {
	tests := []struct {
		name string
		body string
		want submission
	}{
		{
			name: "minimal",
			body: `{"template":"boligstoette-afgoerelse","data":{"a":1}}`,
			want: submission{Template: "boligstoette-afgoerelse", Data: json.RawMessage(`{"a":1}`)},
		},
		{
			name: "every field",
			body: `{"template":"x","data":[1,{"b":null}],"recipient":{"id":"0102031234","name":"Åse","address":["Vej 1","8000 Aarhus C"]},"formats":["docx","pdf"],"delivery":"outbox","priority":"bulk"}`,
			want: submission{
				Template: "x", Data: json.RawMessage(`[1,{"b":null}]`),
				Recipient: recipientBody{ID: "0102031234", Name: "Åse", Address: []string{"Vej 1", "8000 Aarhus C"}},
				Formats:   []string{"docx", "pdf"}, Delivery: "outbox", Priority: "bulk",
			},
		},
		{
			name: "null optional fields count as absent",
			body: ` {"template":"x","data":"text","recipient":null,"formats":null,"delivery":null,"priority":null} `,
			want: submission{Template: "x", Data: json.RawMessage(`"text"`)},
		},
		{
			name: "nesting of exactly 64",
			body: `{"template":"x","data":` + strings.Repeat("[", 63) + strings.Repeat("]", 63) + `}`,
			want: submission{Template: "x", Data: json.RawMessage(strings.Repeat("[", 63) + strings.Repeat("]", 63))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeSubmission([]byte(tt.body))
			if err != nil {
				t.Fatalf("decodeSubmission: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decodeSubmission (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeSubmissionErrors(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		msg      string // a part of the message
		problems []Problem
	}{
		{name: "empty", body: "  ", msg: "the request body is empty"},
		{name: "not JSON", body: `{"template": x}`, msg: "not valid JSON: line 1, column 14"},
		{name: "cut short", body: `{"template":"x","data":{`, msg: "ends before the JSON value does"},
		{name: "syntax error on line 3", body: "{\n\"template\": \"x\",\n\"data\": [1,,2]}", msg: "line 3, column 12"},
		{name: "array", body: `[1]`, msg: "must be a JSON object", problems: []Problem{{Path: "", Message: "expected object, got array"}}},
		{name: "two objects", body: `{"template":"x","data":1} {}`, msg: "more text after the JSON object"},
		{name: "invalid UTF-8", body: "{\"template\":\"x\",\n\"data\":\"\xff\"}", msg: "not valid UTF-8 (line 2, column 9)"},
		{name: "too deep", body: `{"template":"x","data":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`, msg: "nested 65 levels deep; the limit is 64"},
		{name: "field twice", body: `{"template":"x","template":"y","data":1}`, msg: "names a field twice", problems: []Problem{{Path: "/template", Message: "appears more than once; send each field once"}}},
		{
			name: "missing fields", body: `{}`, msg: "does not follow the API",
			problems: []Problem{
				{Path: "/template", Message: `required: the name of the template, e.g. "boligstoette-afgoerelse" (GET /v1/templates lists them)`},
				{Path: "/data", Message: "required: the case data, a JSON value that fits the template's schema (GET /v1/templates/{name} shows it)"},
			},
		},
		{
			name: "unknown and mistyped fields, every one listed",
			body: `{"template":5,"data":{},"recipeint":{},"formats":"pdf","priority":"high","delivery":"Out Box","recipient":{"id":102031234,"address":"Vej 1","extra":1}}`,
			msg:  "does not follow the API",
			problems: []Problem{
				{Path: "/recipeint", Message: "unknown field; the fields here are template, language, data, recipient, formats, delivery, priority, attachments"},
				{Path: "/template", Message: "expected string, got number"},
				{Path: "/recipient/extra", Message: "unknown field; the fields here are id, name, address"},
				{Path: "/recipient/id", Message: "expected string, got number"},
				{Path: "/recipient/address", Message: "expected array of strings, got string"},
				{Path: "/formats", Message: "expected array of strings, got string"},
				{Path: "/delivery", Message: "not a delivery channel name: names are 1 to 64 lowercase letters a-z, digits and hyphens, starting with a letter or digit"},
				{Path: "/priority", Message: "must be one of urgent, default, bulk"},
			},
		},
		{
			name: "template names that reach for files",
			body: `{"template":"../../etc/passwd","data":{}}`, msg: "does not follow the API",
			problems: []Problem{{Path: "/template", Message: "not a template name: names are 1 to 64 lowercase letters a-z, digits and hyphens, starting with a letter or digit"}},
		},
		{
			name: "bad formats",
			body: `{"template":"x","data":{},"formats":["pdf","pdf"]}`, msg: "does not follow the API",
			problems: []Problem{{Path: "/formats/1", Message: "named twice"}},
		},
		{
			name: "unknown format",
			body: `{"template":"x","data":{},"formats":["odt"]}`, msg: "does not follow the API",
			problems: []Problem{{Path: "/formats/0", Message: "must be one of pdf, docx"}},
		},
		{
			name: "empty formats",
			body: `{"template":"x","data":{},"formats":[]}`, msg: "does not follow the API",
			problems: []Problem{{Path: "/formats", Message: "empty; name at least one of pdf, docx, or leave formats out for both"}},
		},
		{
			name: "recipient too long",
			body: `{"template":"x","data":{},"recipient":{"id":"` + strings.Repeat("1", 65) + `","name":"` + strings.Repeat("ø", 301) + `","address":["` + strings.Repeat("a\",\"", 10) + `a"]}}`,
			msg:  "does not follow the API",
			problems: []Problem{
				{Path: "/recipient/id", Message: "must be 1 to 64 characters: the CPR or CVR number"},
				{Path: "/recipient/name", Message: "longer than 300 characters"},
				{Path: "/recipient/address", Message: "11 lines; the limit is 10"},
			},
		},
		{
			name: "field names are escaped as JSON Pointer tokens",
			body: `{"template":"x","data":{},"a/b~c":1}`, msg: "does not follow the API",
			problems: []Problem{{Path: "/a~1b~0c", Message: "unknown field; the fields here are template, language, data, recipient, formats, delivery, priority, attachments"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeSubmission([]byte(tt.body))
			var re *requestError
			if !errors.As(err, &re) {
				t.Fatalf("decodeSubmission = %v, want a *requestError", err)
			}
			if re.status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", re.status)
			}
			if !strings.Contains(re.msg, tt.msg) {
				t.Errorf("message %q does not say %q", re.msg, tt.msg)
			}
			if diff := cmp.Diff(tt.problems, re.problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeSubmissionNeverEchoesValues(t *testing.T) {
	const cpr = "0102031234"
	bodies := []string{
		`{"template":"` + cpr + `x!","data":{}}`,
		`{"template":"x","data":{},"priority":"` + cpr + `"}`,
		`{"template":"x","data":{},"formats":["` + cpr + `"]}`,
		`{"template":"x","data":{},"recipient":{"id":"` + cpr + strings.Repeat("9", 60) + `"}}`,
		`{"template":"x","data":{"cpr":"` + cpr + `"},"delivery":"` + cpr + `/"}`,
		`{"template":"x","data":{"cpr":"` + cpr + `"} "` + cpr + `"`,
	}
	for _, b := range bodies {
		_, err := decodeSubmission([]byte(b))
		if err == nil {
			t.Fatalf("decodeSubmission(%s) accepted it", b)
		}
		var re *requestError
		errors.As(err, &re)
		text, _ := json.Marshal(re.problems)
		if strings.Contains(re.msg, cpr) || bytes.Contains(text, []byte(cpr)) {
			t.Errorf("decodeSubmission(%s) echoes the value: %s %s", b, re.msg, text)
		}
	}
}

func TestDecodePreview(t *testing.T) {
	tests := []struct {
		body    string
		want    json.RawMessage
		lang    string
		wantErr string
	}{
		{body: "", want: nil},
		{body: "{}", want: nil},
		{body: `{"data":null}`, want: nil},
		{body: `{"data":{"a":[1]}}`, want: json.RawMessage(`{"a":[1]}`)},
		{body: `{"data":{},"template":"x"}`, wantErr: "does not follow the API"},
		{body: `{"data":`, wantErr: "not valid JSON"},
		{body: `{"language":"en"}`, want: nil, lang: "en"},
		{body: `{"language":"nb-NO","data":{}}`, want: json.RawMessage(`{}`), lang: "nb-NO"},
		{body: `{"language":"english please"}`, wantErr: "does not follow the API"},
		{body: `{"language":7}`, wantErr: "does not follow the API"},
	}
	for _, tt := range tests {
		got, lang, err := decodePreview([]byte(tt.body))
		if err == nil && lang != tt.lang {
			t.Errorf("decodePreview(%q) language = %q, want %q", tt.body, lang, tt.lang)
		}
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("decodePreview(%q) error = %v, want %q", tt.body, err, tt.wantErr)
		case tt.wantErr == "" && err != nil:
			t.Errorf("decodePreview(%q): %v", tt.body, err)
		case tt.wantErr == "" && !bytes.Equal(got, tt.want):
			t.Errorf("decodePreview(%q) = %s, want %s", tt.body, got, tt.want)
		}
	}
}

func TestIdempotencyKeyHeader(t *testing.T) {
	tests := []struct {
		values []string
		want   string
		ok     bool
	}{
		{values: nil, want: "", ok: true},
		{values: []string{"4f1c-case-2026/118342"}, want: "4f1c-case-2026/118342", ok: true},
		{values: []string{strings.Repeat("k", 200)}, want: strings.Repeat("k", 200), ok: true},
		{values: []string{strings.Repeat("k", 201)}},
		{values: []string{""}},
		{values: []string{"nøgle"}},
		{values: []string{"a", "b"}},
	}
	for _, tt := range tests {
		h := http.Header{}
		for _, v := range tt.values {
			h.Add("Idempotency-Key", v)
		}
		got, err := checkIdempotencyKey(h)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("checkIdempotencyKey(%q) = %q, %v; want %q, ok %v", tt.values, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzDecodeSubmission checks that no body makes the decoder panic, that every refusal is a
// 400 with a message, and that what it accepts holds: valid names, known formats and
// priorities, and data that is valid JSON taken verbatim from the body.
func FuzzDecodeSubmission(f *testing.F) {
	seeds := []string{
		`{"template":"boligstoette-afgoerelse","data":{"a":1}}`,
		`{"template":"x","data":[1,{"b":null}],"recipient":{"id":"0102031234","name":"Åse","address":["Vej 1"]},"formats":["docx","pdf"],"delivery":"outbox","priority":"bulk"}`,
		`{"template":"../x","data":{}}`,
		`{"template":"x","template":"y"}`,
		`{"template":"x","data":"\ud800"}`,
		"{\"template\":\"x\",\"data\":\"\xff\"}",
		`[[[[[[[[[[]]]]]]]]]]`,
		`{"recipient":{"address":[1,"x",null]}}`,
		`{"template":"x","data":1}{}`,
		`{"formats":["pdf","docx","pdf"]}`,
		``,
		`null`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := decodeSubmission(body)
		if err != nil {
			var re *requestError
			if !errors.As(err, &re) || re.status != http.StatusBadRequest || re.msg == "" {
				t.Fatalf("refusal is not a 400 with a message: %#v", err)
			}
			for _, p := range re.problems {
				if !utf8.ValidString(p.Message) || !utf8.ValidString(p.Path) {
					t.Fatalf("problem is not UTF-8: %#v", p)
				}
			}
			return
		}
		if !namePattern.MatchString(s.Template) {
			t.Fatalf("accepted template name %q", s.Template)
		}
		if !json.Valid(s.Data) || !bytes.Contains(body, s.Data) {
			t.Fatalf("data %q is not valid JSON from the body", s.Data)
		}
		if s.Delivery != "" && !namePattern.MatchString(s.Delivery) {
			t.Fatalf("accepted delivery %q", s.Delivery)
		}
		if s.Priority != "" && !contains(knownPriorities, s.Priority) {
			t.Fatalf("accepted priority %q", s.Priority)
		}
		seen := map[string]bool{}
		for _, f := range s.Formats {
			if !contains(knownFormats, f) || seen[f] {
				t.Fatalf("accepted formats %q", s.Formats)
			}
			seen[f] = true
		}
		if jsonlimit.Depth(body) > maxDepth || !utf8.Valid(body) {
			t.Fatalf("accepted a body nested %d deep or not UTF-8", jsonlimit.Depth(body))
		}
	})
}
