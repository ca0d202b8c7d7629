package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
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
		want: []Problem{{Path: "/table/rows/2/amountOre", Message: "expected integer, got string", Value: `"12,50"`,
			Uses: []string{at("{{ money .amountOre }}")}}},
	}, {
		name: "missing required",
		edit: func(m map[string]any) { delete(obj(m, "recipient"), "name") },
		want: []Problem{{Path: "/recipient/name", Message: "is required",
			Uses: []string{at("- '{{ .recipient.name }}'"), at("Kære {{ .recipient.name }}")}}},
	}, {
		name: "wrong type of an object",
		edit: func(m map[string]any) { m["recipient"] = "Søren" },
		want: []Problem{{Path: "/recipient", Message: "expected object, got string", Value: `"Søren"`,
			Uses: []string{at("- '{{ .recipient.name }}'"), at(`has .recipient "co"`), at("{{ .recipient.street }}"),
				at("{{ .recipient.postcode }}"), at("Kære {{ .recipient.name }}")}}},
	}, {
		name: "enum",
		edit: func(m map[string]any) { m["channel"] = "fax" },
		want: []Problem{{Path: "/channel", Message: `expected one of "digital", "print", got string`, Value: `"fax"`}},
	}, {
		name: "pattern",
		edit: func(m map[string]any) { obj(m, "recipient")["postcode"] = "DK-8000" },
		want: []Problem{{Path: "/recipient/postcode", Message: "expected text matching ^[0-9]{4}$", Value: `"DK-8000"`,
			Uses: []string{at("{{ .recipient.postcode }}")}}},
	}, {
		name: "minimum and a field read in a block",
		edit: func(m map[string]any) {
			m["persons"] = 0
			obj(m, "complaint")["office"] = 7
		},
		want: []Problem{
			{Path: "/complaint/office", Message: "expected string, got number", Value: "7",
				Uses: []string{fmt.Sprintf("%s:3", filepath.Join(fixtureDir, "blocks/klagevejledning.da.md"))}},
			{Path: "/persons", Message: "expected at least 1", Value: "0", Uses: []string{at("der bor {{ .persons }}")}},
		},
	}, {
		name: "several",
		edit: func(m map[string]any) { delete(m, "date"); m["monthlyOre"] = 1234.5 },
		want: []Problem{
			{Path: "/date", Message: "is required", Uses: []string{at("{{ date .date }}")}},
			{Path: "/monthlyOre", Message: "expected integer, got number", Value: "1234.5", Uses: []string{at("{{ money .monthlyOre }}")}},
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

// TestNumberLimits: numbers whose text is too long or whose exponent is out of range are
// problems of their own, found before the schema computes them (1e999999 would take 10^999999
// to check "integer" or "minimum"), listed with their text as sent, never expanded.
func TestNumberLimits(t *testing.T) {
	b := loadFixture(t)
	row := func(n string) func(m map[string]any) {
		return func(m map[string]any) {
			obj(m, "table")["rows"].([]any)[0].(map[string]any)["amountOre"] = json.Number(n)
		}
	}
	long := "1" + strings.Repeat("0", 64)
	tests := []struct {
		n    string
		want Problem // Uses left out
	}{
		{"1e999999", Problem{Path: "/table/rows/0/amountOre", Message: "number has an exponent beyond ±400; write it with a smaller exponent or none", Value: "1e999999"}},
		{"-1e-999999", Problem{Path: "/table/rows/0/amountOre", Message: "number has an exponent beyond ±400; write it with a smaller exponent or none", Value: "-1e-999999"}},
		{"123456789e999999999", Problem{Path: "/table/rows/0/amountOre", Message: "number has an exponent beyond ±400; write it with a smaller exponent or none", Value: "123456789e999999999"}},
		{"1E+00000000000000000401", Problem{Path: "/table/rows/0/amountOre", Message: "number has an exponent beyond ±400; write it with a smaller exponent or none", Value: "1E+00000000000000000401"}},
		{long, Problem{Path: "/table/rows/0/amountOre", Message: "number is written with 65 characters; the limit is 64", Value: long[:40] + "…"}},
	}
	for _, tc := range tests {
		t.Run(tc.n, func(t *testing.T) {
			err := b.Validate(sampleWith(t, b, row(tc.n)))
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DataError", err)
			}
			for i := range de.Problems {
				de.Problems[i].Uses = nil
			}
			if diff := cmp.Diff([]Problem{tc.want}, de.Problems); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if strings.Contains(err.Error(), tc.n[:6]) {
				t.Errorf("Error() quotes the number: %s", err)
			}
		})
	}
	// At the limits the schema decides: 1e400 is an integer beyond the maximum.
	ref := loadSample(t)
	err := ref.Validate(sampleWith(t, ref, row("1e400")))
	var de *DataError
	if !errors.As(err, &de) || len(de.Problems) != 1 || de.Problems[0].Message != "expected at most 100000000" || de.Problems[0].Value != "1e400" {
		t.Errorf("1e400: got %#v", err)
	}
}

// TestProblemsCapped: however many problems the data has, a DataError lists 50 and counts the
// rest, and its text stays small.
func TestProblemsCapped(t *testing.T) {
	b := loadFixture(t)
	tests := []struct {
		name     string
		value    string
		wantMsg  string
		wantMore string
	}{
		{"huge numbers", `1e999999`, "number has an exponent beyond ±400; write it with a smaller exponent or none", "and 950 more problems"},
		{"schema", `"x"`, "expected integer, got string", "and 950 more problems"},
		{"one more", `"x"`, "expected integer, got string", "and 1 more problem"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := 1000
			if tc.wantMore == "and 1 more problem" {
				n = 51
			}
			err := b.Validate(sampleWith(t, b, func(m map[string]any) {
				rows := make([]any, n)
				for i := range rows {
					rows[i] = map[string]any{"period": "p", "text": "d", "amountOre": json.RawMessage(tc.value)}
				}
				obj(m, "table")["rows"] = rows
			}))
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DataError", err)
			}
			if len(de.Problems) != 51 {
				t.Fatalf("%d problems, want 50 and a count", len(de.Problems))
			}
			if got := de.Problems[0].Message; got != tc.wantMsg {
				t.Errorf("first problem %q, want %q", got, tc.wantMsg)
			}
			if diff := cmp.Diff(Problem{Message: tc.wantMore}, de.Problems[50]); diff != "" {
				t.Errorf("last problem (-want +got)\n%s", diff)
			}
			if len(err.Error()) > 16<<10 {
				t.Errorf("Error() is %d bytes", len(err.Error()))
			}
		})
	}
}

// TestLongKeysCut: a key longer than 64 characters is cut in a Problem's Path, so that a long
// key repeated in many paths cannot blow up the error.
func TestLongKeysCut(t *testing.T) {
	b, err := Load(mini("da", "x", map[string]string{
		"templates/t/schema.json": `{"type": "object", "additionalProperties": {"type": "array", "items": {"type": "integer"}}}`,
	}), "t")
	if err != nil {
		t.Fatal(err)
	}
	key := strings.Repeat("k", 10000)
	err = b.Validate([]byte(`{"` + key + `": ["a", "b"]}`))
	var de *DataError
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a *DataError", err)
	}
	cut := "/" + strings.Repeat("k", 63) + "…"
	want := []Problem{
		{Path: cut + "/0", Message: "expected integer, got string", Value: `"a"`},
		{Path: cut + "/1", Message: "expected integer, got string", Value: `"b"`},
	}
	if diff := cmp.Diff(want, de.Problems); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestNoValueInErrorText: whatever the value, Error() of a DataError holds the path and the kind
// of problem only; the value is in Problem.Value, cut to 40 characters.
func TestNoValueInErrorText(t *testing.T) {
	b := loadSample(t)
	const secret = "Åse \a\b\x1b\"'\\<>&😀𝔘\\u0000\u202e 010190-1234"
	tests := []struct {
		name  string
		edit  func(m map[string]any)
		want  Problem // Uses left out
		value string
	}{{
		name: "type",
		edit: func(m map[string]any) { obj(m, "table")["rows"].([]any)[0].(map[string]any)["amountOre"] = secret },
		want: Problem{Path: "/table/rows/0/amountOre", Message: "expected integer, got string",
			Value: `"Åse \u0007\u0008\u001b\"'\\<>&😀𝔘\\u0000\u202e 010190-1234"`},
	}, {
		name: "pattern",
		edit: func(m map[string]any) { obj(m, "recipient")["postcode"] = secret },
		want: Problem{Path: "/recipient/postcode", Message: "expected text matching ^[0-9]{4}$",
			Value: `"Åse \u0007\u0008\u001b\"'\\<>&😀𝔘\\u0000\u202e 010190-1234"`},
	}, {
		name: "maxLength",
		edit: func(m map[string]any) { obj(m, "recipient")["name"] = strings.Repeat(secret, 100) },
		want: Problem{Path: "/recipient/name", Message: "expected at most 2000 characters, got 3400",
			// 40 characters: the secret's 34 and 6 more.
			Value: `"Åse \u0007\u0008\u001b\"'\\<>&😀𝔘\\u0000\u202e 010190-1234Åse \u0007\u0008"…`},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := b.Validate(sampleWith(t, b, tc.edit))
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DataError", err)
			}
			for i := range de.Problems {
				de.Problems[i].Uses = nil
			}
			if diff := cmp.Diff([]Problem{tc.want}, de.Problems); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			for _, text := range []string{err.Error(), de.Problems[0].String(), fmt.Sprint(de.Problems), fmt.Sprintf("%+v", de.Problems[0])} {
				if strings.Contains(text, "010190-1234") || strings.Contains(text, "Åse") {
					t.Errorf("text holds the value: %s", text)
				}
			}
		})
	}
}

// TestIntegerValuedNumbers: 1.0e2, 100.0 and 1E2 are integers to JSON Schema 2020-12, so they
// pass "type": "integer" and print as 100 wherever a template prints them.
func TestIntegerValuedNumbers(t *testing.T) {
	const schema = `{"type": "object", "properties": {"n": {"type": "integer"}}}`
	const body = `{{ .n }} | {{ number .n }} | {{ money .n }} | {{ plural .n "dag" "dage" }} | {{ range .list }}{{ . }};{{ end }}`
	tests := []struct {
		data, want string
	}{
		{`{"n": 100, "list": [1]}`, "100 | 100 | 1,00\u00a0kr. | dage | 1;"},
		{`{"n": 1.0e2, "list": [1.0]}`, "100 | 100 | 1,00\u00a0kr. | dage | 1;"},
		{`{"n": 100.0, "list": [10E-1]}`, "100 | 100 | 1,00\u00a0kr. | dage | 1;"},
		{`{"n": 1E2, "list": [0.1e1]}`, "100 | 100 | 1,00\u00a0kr. | dage | 1;"},
		{`{"n": 1.00e0, "list": [-0.0]}`, "1 | 1 | 0,01\u00a0kr. | dag | 0;"},
		{`{"n": -12345.6e1, "list": [2.5]}`, "-123456 | \u2212123.456 | \u22121.234,56\u00a0kr. | dage | 2.5;"},
	}
	b, err := Load(mini("da", body, map[string]string{"templates/t/schema.json": schema}), "t")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.data, func(t *testing.T) {
			d, err := b.Document([]byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, bodyText(d)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	// A number that is not integer-valued is still not an integer.
	err = b.Validate([]byte(`{"n": 1.05e1}`))
	var de *DataError
	if !errors.As(err, &de) || len(de.Problems) != 1 || de.Problems[0].Message != "expected integer, got number" || de.Problems[0].Value != "1.05e1" {
		t.Errorf("1.05e1: got %v", err)
	}
}

// TestSampleWithExponents: the reference sample with every øre amount written in another
// integer form (1.2345e5, 4575.0, ...) makes the same letter as the sample itself.
func TestSampleWithExponents(t *testing.T) {
	b := loadSample(t)
	forms := []func(n int64) string{
		func(n int64) string { return fmt.Sprintf("%d.0", n) },
		func(n int64) string { return fmt.Sprintf("%de0", n) },
		func(n int64) string { // 123450 → 1.2345e5
			s := strconv.FormatInt(n, 10)
			neg := strings.HasPrefix(s, "-")
			s = strings.TrimPrefix(s, "-")
			out := s[:1] + "." + s[1:] + "e" + strconv.Itoa(len(s)-1)
			if neg {
				out = "-" + out
			}
			return out
		},
		func(n int64) string { return fmt.Sprintf("%d00E-2", n) },
		func(n int64) string { return fmt.Sprintf("%d.000e+0", n) },
	}
	re := regexp.MustCompile(`("amountOre":\s*)(-?\d+)`)
	i := 0
	rewritten := re.ReplaceAllStringFunc(string(b.Sample), func(m string) string {
		sub := re.FindStringSubmatch(m)
		n, err := strconv.ParseInt(sub[2], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		i++
		return sub[1] + forms[i%len(forms)](n)
	})
	if i < 5 {
		t.Fatalf("rewrote %d amounts; the sample has more", i)
	}
	if rewritten == string(b.Sample) {
		t.Fatal("nothing rewritten")
	}
	want, err := b.Document(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Document([]byte(rewritten))
	if err != nil {
		t.Fatalf("rewritten sample: %v", err)
	}
	if diff := cmp.Diff(want.Text(), got.Text()); diff != "" {
		t.Errorf("(-sample +rewritten)\n%s", diff)
	}
	if !strings.Contains(got.Text(), "1.234,50") {
		t.Errorf("the letter does not show the amounts:\n%s", got.Text())
	}
}

// loadSample loads the reference sample bundle, boligstoette-afgoerelse.
func loadSample(t testing.TB) *Bundle {
	t.Helper()
	b, err := LoadDir("../samples/templates/boligstoette-afgoerelse")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
