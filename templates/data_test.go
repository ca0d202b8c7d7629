package templates

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSchemaProblems(t *testing.T) {
	b := loadFixture(t)
	letter := filepath.Join(fixtureDir, "templates/boligstoette/letter.md")
	at := func(sub string) string { return fmt.Sprintf("%s:%d", letter, lineOf(t, letter, sub)) }
	tests := []struct {
		name string
		edit func(m map[string]any)
		want []Problem
	}{{
		name: "wrong type",
		edit: func(m map[string]any) {
			obj(m, "table")["rows"].([]any)[2].(map[string]any)["amountOre"] = "12,50"
		},
		want: []Problem{{Path: "/table/rows/2/amountOre", Message: `expected integer, got string "12,50"`,
			Uses: []string{at("{{ money .amountOre }}")}}},
	}, {
		name: "missing required",
		edit: func(m map[string]any) { delete(obj(m, "recipient"), "name") },
		want: []Problem{{Path: "/recipient/name", Message: "is required",
			Uses: []string{at("- '{{ .recipient.name }}'"), at("Kære {{ .recipient.name }}")}}},
	}, {
		name: "wrong type of an object",
		edit: func(m map[string]any) { m["recipient"] = "Søren" },
		want: []Problem{{Path: "/recipient", Message: `expected object, got string "Søren"`,
			Uses: []string{at("- '{{ .recipient.name }}'"), at(`has .recipient "co"`), at("{{ .recipient.street }}"),
				at("{{ .recipient.postcode }}"), at("Kære {{ .recipient.name }}")}}},
	}, {
		name: "enum",
		edit: func(m map[string]any) { m["channel"] = "fax" },
		want: []Problem{{Path: "/channel", Message: `expected one of "digital", "print", got string "fax"`}},
	}, {
		name: "pattern",
		edit: func(m map[string]any) { obj(m, "recipient")["postcode"] = "DK-8000" },
		want: []Problem{{Path: "/recipient/postcode", Message: `expected text matching ^[0-9]{4}$, got string "DK-8000"`,
			Uses: []string{at("{{ .recipient.postcode }}")}}},
	}, {
		name: "minimum and a field read in a block",
		edit: func(m map[string]any) {
			m["persons"] = 0
			obj(m, "complaint")["office"] = 7
		},
		want: []Problem{
			{Path: "/complaint/office", Message: "expected string, got number 7",
				Uses: []string{fmt.Sprintf("%s:3", filepath.Join(fixtureDir, "blocks/klagevejledning.da.md"))}},
			{Path: "/persons", Message: "expected at least 1, got 0", Uses: []string{at("der bor {{ .persons }}")}},
		},
	}, {
		name: "several",
		edit: func(m map[string]any) { delete(m, "date"); m["monthlyOre"] = 1234.5 },
		want: []Problem{
			{Path: "/date", Message: "is required", Uses: []string{at("{{ date .date }}")}},
			{Path: "/monthlyOre", Message: "expected integer, got number 1234.5", Uses: []string{at("{{ money .monthlyOre }}")}},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := b.Validate(sampleWith(t, b, tc.edit))
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DataError", err)
			}
			if diff := cmp.Diff(tc.want, de.Problems); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if de.Template != "boligstoette" {
				t.Errorf("Template = %q", de.Template)
			}
			if _, err := b.Document(sampleWith(t, b, tc.edit)); !errors.As(err, &de) {
				t.Errorf("Document: got %v, want a *DataError", err)
			}
		})
	}
}

func TestDataErrorText(t *testing.T) {
	e := &DataError{Template: "x", Problems: []Problem{
		{Path: "/recipient/name", Message: "expected string, got number 5", Uses: []string{"samples/templates/x/letter.md:14"}},
		{Path: "", Message: "case data is not valid JSON"},
		{Path: "/a", Message: "is required", Uses: []string{"a.md:1", "b.md:2"}},
	}}
	want := "/recipient/name: expected string, got number 5 (used at samples/templates/x/letter.md:14)\n" +
		"case data: case data is not valid JSON\n" +
		"/a: is required (used at a.md:1, b.md:2)"
	if diff := cmp.Diff(want, e.Error()); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestDataLimits: data from outside is refused before the schema runs when it is too large,
// too deep, not UTF-8 or not JSON.
func TestDataLimits(t *testing.T) {
	b := loadFixture(t)
	deep := strings.Repeat(`{"a":`, 65) + "1" + strings.Repeat("}", 65)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"too large", []byte(`{"x":"` + strings.Repeat("a", 4<<20) + `"}`), "case data is 4.0 MiB; the limit is 4 MiB"},
		{"too deep", []byte(deep), "case data is nested 65 levels deep; the limit is 64"},
		{"not UTF-8", []byte("{\n\"a\": \"\xff\"}"), "case data is not valid UTF-8 (line 2, column 7); send JSON encoded as UTF-8"},
		{"not JSON", []byte("{\n\"a\": 1,\n}"), "case data is not valid JSON: line 3, column 1: invalid character '}' looking for beginning of object key string"},
		{"truncated", []byte(`{"a": [1, 2`), "case data is not valid JSON: the text ends before the JSON value does"},
		{"trailing", []byte(`{} {}`), "case data has more text after the JSON value"},
		{"empty", nil, "case data is not valid JSON: the text ends before the JSON value does"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := b.Validate(tc.data)
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DataError", err)
			}
			if diff := cmp.Diff([]Problem{{Message: tc.want}}, de.Problems); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	// 64 levels are fine as far as the limit goes (the schema then says what it thinks).
	var de *DataError
	err := b.Validate([]byte(strings.Repeat("[", 64) + strings.Repeat("]", 64)))
	if !errors.As(err, &de) || strings.Contains(de.Error(), "nested") {
		t.Errorf("64 levels: got %v", err)
	}
}

// TestOutputLimit: a template whose output exceeds 2 MiB fails instead of eating memory.
func TestOutputLimit(t *testing.T) {
	b, err := Load(mini("da", `{{ range .rows }}{{ . }}{{ . }}{{ . }}{{ . }}{{ . }}{{ . }}{{ . }}{{ . }}{{ end }}`, nil), "t")
	if err != nil {
		t.Fatal(err)
	}
	row := `"` + strings.Repeat("x", 1000) + `"`
	data := `{"rows": [` + strings.Repeat(row+",", 299) + row + `]}`
	_, err = b.Document([]byte(data))
	var te *TemplateError
	if !errors.As(err, &te) || !strings.Contains(te.Msg, "larger than 2 MiB") {
		t.Errorf("got %v, want the output limit", err)
	}
}

func TestRangeLiteralLimit(t *testing.T) {
	_, err := Load(mini("da", "\n{{ range 100000000 }}{{ end }}", nil), "t")
	want := "load template t: templates/t/letter.md:8:1: range over 100000000 is too large (at most 10000)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}
