package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/templates/markdown"
)

// TestMissingField: a field missing from the data names the file, line and column of the
// action and the field, in the body, the front matter and a shared block.
func TestMissingField(t *testing.T) {
	b := loadFixture(t)
	letter := filepath.Join(fixtureDir, "templates/boligstoette/letter.md")
	block := filepath.Join(fixtureDir, "blocks/klagevejledning.da.md")
	tests := []struct {
		name string
		edit func(m map[string]any)
		want TemplateError
	}{{
		name: "body",
		edit: func(m map[string]any) { delete(m, "applicationDate") },
		want: TemplateError{File: letter, Line: lineOf(t, letter, "modtaget din"), Col: 62,
			Msg: `field "applicationDate" is missing in the case data (in {{ date .applicationDate }})`},
	}, {
		name: "nested in range",
		edit: func(m map[string]any) {
			delete(obj(m, "table")["rows"].([]any)[1].(map[string]any), "amountOre")
		},
		want: TemplateError{File: letter, Line: lineOf(t, letter, "| {{ .period }}"), Col: 33,
			Msg: `field "amountOre" is missing in the case data (in {{ money .amountOre }})`},
	}, {
		name: "front matter",
		edit: func(m map[string]any) { delete(obj(m, "recipient"), "city") },
		want: TemplateError{File: letter, Line: lineOf(t, letter, ".recipient.city"), Col: 32,
			Msg: `field "recipient.city" is missing in the case data (in {{ .recipient.city }})`},
	}, {
		name: "object missing",
		edit: func(m map[string]any) { delete(m, "signature") },
		want: TemplateError{File: letter, Line: lineOf(t, letter, ".signature.name"), Col: 10,
			Msg: `field "signature" is missing in the case data (in {{ .signature.name }})`},
	}, {
		name: "block",
		edit: func(m map[string]any) { delete(obj(m, "complaint"), "office") },
		want: TemplateError{File: block, Line: lineOf(t, block, "{{ .complaint.office }}"), Col: 53,
			Msg: `field "complaint.office" is missing in the case data (in {{ .complaint.office }})`},
	}}
	// The schema would catch these first; merge without it to reach the template.
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := decodeNoSchema(sampleWith(t, b, tc.edit))
			if err != nil {
				t.Fatal(err)
			}
			_, err = b.document(v)
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("got %v, want a *TemplateError", err)
			}
			if diff := cmp.Diff(tc.want, *te); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func decodeNoSchema(data []byte) (any, error) {
	v, msg := decodeJSON(data)
	if msg != "" {
		return nil, errors.New(msg)
	}
	return v, nil
}

// TestLoadErrors: mistakes in a bundle are errors at load, naming file:line(:col).
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // changed files of the fixture root
		want  string            // error text after the fixture root
	}{{
		name:  "unknown front matter key",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nrecipeint: [x]\nrecipient: [x]\n---\nBody\n"},
		want:  `templates/boligstoette/letter.md:5:1: unknown key "recipeint" in the front matter; the keys are blocks, description, details, footer, keywords, language, layout, memo, recipient, requires, sender, signature, subject, title`,
	}, {
		name:  "unknown nested key",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nrecipient: [x]\nsignature:\n  navn: x\n---\nBody\n"},
		want:  `templates/boligstoette/letter.md:7:3: unknown key "navn" in signature; the keys are greeting, image, name, title`,
	}, {
		name:  "missing title",
		files: map[string]string{"templates/boligstoette/letter.md": "---\nlanguage: da\nlayout: kommune\nrecipient: [x]\n---\nBody\n"},
		want:  `templates/boligstoette/letter.md:1: the front matter needs title:`,
	}, {
		name:  "no front matter",
		files: map[string]string{"templates/boligstoette/letter.md": "Kære {{ .name }}\n"},
		want:  `templates/boligstoette/letter.md:1: letter.md must start with front matter: a line "---", the settings (title:, language:, layout:, recipient:, ...), and another line "---"`,
	}, {
		name:  "bad YAML",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: [da\n---\nBody\n"},
		want:  `templates/boligstoette/letter.md:3: invalid YAML: did not find expected ',' or ']'`,
	}, {
		name:  "unknown language",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: xx\nlayout: kommune\nrecipient: [x]\n---\nBody\n"},
		want:  `templates/boligstoette/letter.md:3:11: `,
	}, {
		name:  "define",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nrecipient: [x]\n---\nKære\n\nx {{define \"x\"}}y{{end}}\n"},
		want:  `templates/boligstoette/letter.md:9:3: {{define}} is not supported: reuse text through shared blocks (blocks/<name>.md and {{ include "name" }})`,
	}, {
		name:  "template",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nrecipient: [x]\n---\n{{- template \"x\" . }}\n"},
		want:  `templates/boligstoette/letter.md:7:1: {{template}} is not supported: reuse text through shared blocks (blocks/<name>.md and {{ include "name" }})`,
	}, {
		name:  "block",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nrecipient: [x]\n---\n\n  {{block \"x\" .}}y{{end}}\n"},
		want:  `templates/boligstoette/letter.md:8:3: {{block}} is not supported: reuse text through shared blocks (blocks/<name>.md and {{ include "name" }})`,
	}, {
		name:  "define in front matter",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nrecipient: ['{{define \"a\"}}{{end}}']\n---\nx\n"},
		want:  `templates/boligstoette/letter.md:5:14: {{define}} is not supported: reuse text through shared blocks (blocks/<name>.md and {{ include "name" }})`,
	}, {
		name:  "unknown function",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nrecipient: [x]\n---\n\n{{ now }}\n"},
		want:  `templates/boligstoette/letter.md:8:4: function "now" not defined; the functions are date, money, number, plural, upper, lower, join, has, include and signature`,
	}, {
		name:  "unclosed action",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nrecipient: [x]\n---\n\n{{ if .x }}\n"},
		want:  `templates/boligstoette/letter.md:9: the text ends inside an action or block: an {{ if }}, {{ range }} or {{ with }} needs its {{ end }}, and every {{ needs }}`,
	}, {
		name:  "include not listed",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nblocks: [kontakt]\nrecipient: [x]\n---\n\nSe {{ include \"klagevejledning\" }}\n"},
		want:  `templates/boligstoette/letter.md:9:4: block "klagevejledning" is not listed in the front matter of ROOT/templates/boligstoette/letter.md; add it to blocks: [...]`,
	}, {
		name:  "include in listed block not listed",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nblocks: [klagevejledning]\nrecipient: [x]\n---\nx\n"},
		want:  `blocks/klagevejledning.da.md:6:1: block "kontakt" is not listed in the front matter of ROOT/templates/boligstoette/letter.md; add it to blocks: [...]`,
	}, {
		name: "include cycle",
		files: map[string]string{
			"blocks/kontakt.md": "Ring til os.\n\n{{ include \"klagevejledning\" }}\n",
		},
		want: `blocks/kontakt.md:3:1: shared blocks include each other in a circle: klagevejledning → kontakt → klagevejledning`,
	}, {
		name:  "include with a computed name",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nblocks: [kontakt]\nrecipient: [x]\n---\n{{ include .block }}\n"},
		want:  `templates/boligstoette/letter.md:8:4: include takes one quoted block name, e.g. {{ include "klagevejledning" }}`,
	}, {
		name:  "block file missing",
		files: map[string]string{"templates/boligstoette/letter.md": "---\ntitle: T\nlanguage: da\nlayout: kommune\nblocks: [kontakt, fortrydelse]\nrecipient: [x]\n---\nx\n"},
		want:  `templates/boligstoette/letter.md:5:19: shared block "fortrydelse" not found: add ROOT/blocks/fortrydelse.da.md or ROOT/blocks/fortrydelse.md`,
	}, {
		name:  "unknown layout key",
		files: map[string]string{"layouts/kommune/layout.yaml": "font: Liberation Sans\nsender: {name: X}\nmargin: 3\n"},
		want:  `layouts/kommune/layout.yaml:3:1: unknown key "margin" in layout.yaml; the keys are accent, font, footer, logo, logo_alt, page, page_label, pdfa, sender, size, window`,
	}, {
		name:  "bad pdfa",
		files: map[string]string{"layouts/kommune/layout.yaml": "sender: {name: X}\npdfa: 3u\n"},
		want:  `layouts/kommune/layout.yaml:2:7: pdfa must be off, 1b or 2b (PDF/A-1b, PDF/A-2b), got "3u"`,
	}, {
		name:  "bad accent",
		files: map[string]string{"layouts/kommune/layout.yaml": "accent: blue\n"},
		want:  `layouts/kommune/layout.yaml:1:9: accent must be a colour like "#1f4e79", got "blue"`,
	}, {
		name:  "page size",
		files: map[string]string{"layouts/kommune/layout.yaml": "page: {size: A5}\n"},
		want:  `layouts/kommune/layout.yaml:1:14: page size must be A4 (the only size supported for now)`,
	}, {
		name:  "broken schema",
		files: map[string]string{"templates/boligstoette/schema.json": `{"type": "object", "properties": {"a": {"type": "strin"}}}`},
		want:  `templates/boligstoette/schema.json: not a valid JSON Schema: `,
	}, {
		name:  "schema not JSON",
		files: map[string]string{"templates/boligstoette/schema.json": "{\n  \"type\": \"object\",\n}"},
		want:  `templates/boligstoette/schema.json: invalid JSON: line 3, column 1: invalid character '}' looking for beginning of object key string`,
	}, {
		name:  "schema reference to a file",
		files: map[string]string{"templates/boligstoette/schema.json": `{"$ref": "other.json"}`},
		want:  `templates/boligstoette/schema.json: not a valid JSON Schema: `,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := fixture(t)
			for p, c := range tc.files {
				writeFile(t, root, p, c)
			}
			_, err := LoadDir(filepath.Join(root, "templates/boligstoette"))
			if err == nil {
				t.Fatal("no error")
			}
			want := "load template boligstoette: " + root + "/" + strings.ReplaceAll(tc.want, "ROOT", root)
			got := err.Error()
			if strings.HasSuffix(want, ": ") { // the rest of the message comes from a library
				got = got[:min(len(got), len(want))]
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Errorf("%v is not a *TemplateError", err)
			}
		})
	}
}

// TestNullPrinted: a null value printed is an error, never "<no value>" or "<nil>".
func TestNullPrinted(t *testing.T) {
	b := loadFixture(t)
	letter := filepath.Join(fixtureDir, "templates/boligstoette/letter.md")
	data := sampleWith(t, b, func(m map[string]any) { m["note"] = nil })
	_, err := b.Document(data)
	want := fmt.Sprintf(`%s:%d:25: field "note" is null in the case data; print optional fields inside {{ if has . "note" }} (in {{ .note }})`,
		letter, lineOf(t, letter, "{{ .note }}"))
	// has . "note" is false for null, so the fixture never prints it: add a line that does.
	if err != nil {
		t.Fatalf("has should hide a null note: %v", err)
	}
	root := fixture(t)
	p := filepath.Join(root, "templates/boligstoette/letter.md")
	src := readFile(t, p)
	writeFile(t, root, "templates/boligstoette/letter.md", strings.Replace(src, `{{ if has . "note" }}{{ .note }}{{ end }}`, `Bemærk: {{ if true }}{{ .note }}{{ end }}`, 1))
	b, err = LoadDir(filepath.Join(root, "templates/boligstoette"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Document(data)
	var te *TemplateError
	if !errors.As(err, &te) {
		t.Fatalf("got %v, want *TemplateError", err)
	}
	want = fmt.Sprintf(`%s:%d:22: field "note" is null in the case data; print optional fields inside {{ if has . "note" }} (in {{ .note }})`, p, lineOf(t, p, "{{ .note }}"))
	if diff := cmp.Diff(want, te.Error()); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// secretValue has a character of every escape class: control characters, quotes, a backslash,
// HTML's <>&, characters beyond the BMP, an escape sequence as text, the RTL override and a CPR
// number.
const secretValue = "Åse \a\b\x1b\"'\\<>&😀𝔘\\u0000\u202e 010190-1234"

// renderings are the forms in which error texts and log lines may show s.
func renderings(t *testing.T, s string) map[string]string {
	t.Helper()
	jsonOf := func(s string, html bool) string {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	var jsonLog, textLog strings.Builder
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("m", slog.String("error", "line "+s))
	slog.New(slog.NewTextHandler(&textLog, nil)).Info("m", slog.String("error", "line "+s))
	return map[string]string{
		"raw":             s,
		"%q":              fmt.Sprintf("%q", s),
		"%+q":             fmt.Sprintf("%+q", s),
		"%#q":             fmt.Sprintf("%#q", s),
		"JSON":            jsonOf(s, true),
		"JSON plain":      jsonOf(s, false),
		"ASCII JSON":      `"` + asciiJSON(s) + `"`,
		"slog JSON value": `"` + jsonControls(s) + `"`,
		"excerpt":         quoteExcerpt(s),
		"Markdown":        markdown.Escape(s),
		"slog JSON":       jsonLog.String(),
		"slog text":       textLog.String(),
	}
}

// TestRedactorEscapedForms: the Redactor finds a value in every form an error or a log line may
// quote it in.
func TestRedactorEscapedForms(t *testing.T) {
	data, _ := json.Marshal(map[string]any{"name": secretValue, "n": json.Number("123456"), "short": "ab"})
	r := NewRedactor(data, "Søren Ærbø Møller")
	for name, form := range renderings(t, secretValue) {
		t.Run(name, func(t *testing.T) {
			got := r.Text("recipient line 1 " + form + " is too wide")
			for n, f := range renderings(t, secretValue) {
				inner := strings.Trim(f, `"`)
				if n != "slog JSON" && n != "slog text" && strings.Contains(got, inner) {
					t.Errorf("the %s form is left: %s", n, got)
				}
			}
			if strings.Contains(got, "010190-1234") || strings.Contains(got, "Åse") {
				t.Errorf("left in clear: %s", got)
			}
			if !strings.Contains(got, Redacted) {
				t.Errorf("nothing redacted: %s", got)
			}
		})
	}
	tests := []struct{ in, want string }{
		{`only Møller here`, `only […] here`},
		{`amount 123456 and ab`, `amount […] and ab`},
		{`name "Søren Ærbø Møller"`, `name "[…]"`},
	}
	for _, tc := range tests {
		if got := r.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := (*Redactor)(nil).Text("x"); got != "x" {
		t.Errorf("nil Redactor: %q", got)
	}
}

// TestExecErrorsHoldNoValue: when the case data makes a template fail, the error names the
// action and the kind of problem; the value is only in Value, as an excerpt.
func TestExecErrorsHoldNoValue(t *testing.T) {
	long := strings.Repeat("x", 100) + secretValue
	tests := []struct {
		name, body, data, value string
	}{
		{"date", `{{ date .v }}`, secretValue, `"Åse \u0007\u0008\u001b\"'\\<>&😀𝔘\\u0000\u202e 010190-1234"`},
		{"money", `{{ money .v }}`, secretValue, `"Åse \u0007\u0008\u001b\"'\\<>&😀𝔘\\u0000\u202e 010190-1234"`},
		{"long date", `{{ date .v }}`, long, `"` + strings.Repeat("x", 40) + `"…`},
		{"range", `{{ range .v }}{{ end }}`, secretValue, `Åse \u0007\u0008\u001b\"'\\<>&😀𝔘\\u0000\u202e 010190-1234`},
		{"front matter", `x`, secretValue, `"Åse \u0007\u0008\u001b\"'\\<>&😀𝔘\\u0000\u202e 010190-1234"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := mini("da", tc.body, nil)
			if tc.name == "front matter" {
				fsys["templates/t/letter.md"].Data = []byte("---\ntitle: T\nlanguage: da\nlayout: l\nrecipient: ['{{ date .v }}']\n---\nx")
			}
			b, err := Load(fsys, "t")
			if err != nil {
				t.Fatal(err)
			}
			data, _ := json.Marshal(map[string]string{"v": tc.data})
			_, err = b.Document(data)
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("got %v, want a *TemplateError", err)
			}
			if diff := cmp.Diff(tc.value, te.Value); diff != "" {
				t.Errorf("Value (-want +got)\n%s", diff)
			}
			for name, form := range renderings(t, secretValue) {
				inner := strings.Trim(form, `"`)
				if name != "slog JSON" && name != "slog text" && strings.Contains(err.Error(), inner) {
					t.Errorf("Error() holds the %s form: %s", name, err)
				}
			}
			if strings.Contains(err.Error(), "010190-1234") || strings.Contains(err.Error(), "Åse") {
				t.Errorf("Error() holds the value: %s", err)
			}
		})
	}
}

// FuzzExcerpt: an excerpt is a JSON string literal of at most 40 characters of the value, that
// decodes back to them, and shows no character that does not print.
func FuzzExcerpt(f *testing.F) {
	f.Add(secretValue)
	f.Add(strings.Repeat("ø", 50))
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		e := quoteExcerpt(s)
		lit := strings.TrimSuffix(e, "…")
		var back string
		if err := json.Unmarshal([]byte(lit), &back); err != nil {
			t.Fatalf("excerpt %s of %q is not a JSON string: %v", e, s, err)
		}
		head, cut := cutRunes(s, maxExcerpt)
		if back != head || cut != strings.HasSuffix(e, "…") || utf8.RuneCountInString(back) > maxExcerpt {
			t.Fatalf("excerpt %s of %q decodes to %q", e, s, back)
		}
		for _, r := range lit {
			if !unicode.IsPrint(r) {
				t.Fatalf("excerpt %s of %q shows %U", e, s, r)
			}
		}
	})
}
