package templates

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// memoFS is a root with bundle "t" whose front matter ends with memo: followed by the lines
// memo (indented by the caller); memo's first line is line 7 of letter.md. The schema is
// schema, or any object when "".
func memoFS(title, memo, schema string) fstest.MapFS {
	if schema == "" {
		schema = `{"type": "object"}`
	}
	return fstest.MapFS{
		"templates/t/letter.md":   {Data: []byte("---\ntitle: '" + title + "'\nlanguage: da\nlayout: l\nrecipient: [R]\nmemo:\n" + memo + "---\nTekst\n")},
		"templates/t/schema.json": {Data: []byte(schema)},
		"layouts/l/layout.yaml":   {Data: []byte(miniLayout)},
	}
}

// TestMemoLoadErrors: mistakes in memo: are errors at load naming file:line:col and what to do.
func TestMemoLoadErrors(t *testing.T) {
	const f = "templates/t/letter.md"
	tests := []struct {
		name, memo, want string
	}{{
		name: "unknown key",
		memo: "  label: x\n  lable: y\n",
		want: f + `:8:3: unknown key "lable" in memo; the keys are actions, additional_notification, case_id, case_system, form, kle, label, legal_notification, mandatory, notification, post_type, version`,
	}, {
		name: "not a mapping",
		memo: "  - label\n",
		want: f + `:7:3: memo must be a mapping (key: value), got a list`,
	}, {
		name: "mandatory quoted",
		memo: "  mandatory: \"yes\"\n",
		want: f + `:7:14: memo mandatory must be true or false (without quotes), got "yes"`,
	}, {
		name: "mandatory yes",
		memo: "  mandatory: yes\n",
		want: f + `:7:14: memo mandatory must be true or false (without quotes), got "yes"`,
	}, {
		name: "legal_notification a list",
		memo: "  legal_notification: [true]\n",
		want: f + `:7:23: memo legal_notification must be true or false (without quotes), got a list`,
	}, {
		name: "version",
		memo: "  version: 2\n",
		want: f + `:7:12: memo version must be "1.1" or "1.2", or left out for the channel's default; got "2"`,
	}, {
		name: "post_type lower case",
		memo: "  post_type: myndighedspost\n",
		want: f + `:7:14: memo post_type must be an upper-case word such as MYNDIGHEDSPOST, got "myndighedspost"; write MYNDIGHEDSPOST`,
	}, {
		name: "label template syntax",
		memo: "  label: 'Sag {{ .caseNumber '\n",
		want: f + `:7:`,
	}, {
		name: "label a mapping",
		memo: "  label: {da: x}\n",
		want: f + `:7:10: memo label must be text, got a mapping`,
	}, {
		name: "case_id without case_system",
		memo: "  case_id: '{{ .caseNumber }}'\n",
		want: f + `:7:12: memo case_id needs case_system: too (the name of the system the case number belongs to), or neither`,
	}, {
		name: "case_system without case_id",
		memo: "  case_system: KMD Sag\n",
		want: f + `:7:16: memo case_system needs case_id: too (the case number, e.g. '{{ .caseNumber }}'), or neither`,
	}, {
		name: "kle missing label",
		memo: "  kle: {subject_key: '27.24.00', version: '1'}\n",
		want: f + `:7:8: memo kle needs label: (subject_key:, version: and label: are required, activity_facet: is optional)`,
	}, {
		name: "kle unknown key",
		memo: "  kle: {subject_key: '27.24.00', version: '1', label: x, facet: y}\n",
		want: f + `:7:58: unknown key "facet" in memo kle; the keys are activity_facet, label, subject_key, version`,
	}, {
		name: "form with subject_key",
		memo: "  form:\n    subject_key: '1'\n",
		want: f + `:8:5: unknown key "subject_key" in memo form; the keys are activity_facet, label, task_key, version`,
	}, {
		name: "form missing task_key",
		memo: "  form: {version: '1', label: x}\n",
		want: f + `:7:9: memo form needs task_key: (task_key:, version: and label: are required, activity_facet: is optional)`,
	}, {
		name: "actions not a list",
		memo: "  actions: {label: Betal, code: BETALING, url: 'https://x.dk'}\n",
		want: f + `:7:12: memo actions must be a list of {label: ..., code: ..., url: ...}, got a mapping`,
	}, {
		name: "action not a mapping",
		memo: "  actions: [Betal]\n",
		want: f + `:7:13: memo actions[0] must be a mapping (key: value), got "Betal"`,
	}, {
		name: "action code lower case",
		memo: "  actions:\n    - {label: Betal, code: betaling, url: 'https://x.dk'}\n",
		want: f + `:8:28: memo actions[0].code must be an upper-case word such as BETALING, SELVBETJENING, INFORMATION or AFTALE, got "betaling"; write BETALING`,
	}, {
		name: "action code with a space",
		memo: "  actions:\n    - {label: Betal, code: 'BETAL NU', url: 'https://x.dk'}\n",
		want: f + `:8:28: memo actions[0].code must be an upper-case word such as BETALING, SELVBETJENING, INFORMATION or AFTALE, got "BETAL NU"`,
	}, {
		name: "action code a template",
		memo: "  actions:\n    - {label: Betal, code: '{{ .code }}', url: 'https://x.dk'}\n",
		want: f + `:8:28: memo actions[0].code must be an upper-case word such as BETALING, SELVBETJENING, INFORMATION or AFTALE, got "{{ .code }}"`,
	}, {
		name: "action without url",
		memo: "  actions:\n    - {label: Betal, code: BETALING}\n    - {label: Se, code: INFORMATION, url: 'https://x.dk'}\n",
		want: f + `:8:7: memo actions[0] needs url: (the address the link opens)`,
	}, {
		name: "second action without code",
		memo: "  actions:\n    - {label: Se, code: INFORMATION, url: 'https://x.dk'}\n    - label: Betal\n      url: 'https://x.dk'\n",
		want: f + `:9:7: memo actions[1] needs code: (what the link is for: BETALING, SELVBETJENING, INFORMATION or AFTALE)`,
	}, {
		name: "action unknown key",
		memo: "  actions:\n    - {label: Se, code: INFORMATION, link: 'https://x.dk'}\n",
		want: f + `:8:38: unknown key "link" in memo actions[0]; the keys are code, end, label, start, url`,
	}, {
		name: "constant start not a date",
		memo: "  actions:\n    - {label: Se, code: INFORMATION, url: 'https://x.dk', start: 31.12.2026}\n",
		want: f + `:8:66: memo actions[0].start must be a date ("2026-12-07") or an RFC 3339 date and time ("2026-12-07T10:30:00+01:00"), got "31.12.2026"`,
	}, {
		name: "constant end without zone",
		memo: "  actions:\n    - label: Se\n      code: INFORMATION\n      url: 'https://x.dk'\n      end: '2026-12-07T10:30:00'\n",
		want: f + `:11:12: memo actions[0].end must be a date ("2026-12-07") or an RFC 3339 date and time ("2026-12-07T10:30:00+01:00"), got "2026-12-07T10:30:00"`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(memoFS("T", tc.memo, ""), "t")
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("got %v, want a *TemplateError", err)
			}
			got := te.Error()
			if strings.HasSuffix(tc.want, ":") { // the rest comes from text/template's parser
				got = got[:min(len(got), len(tc.want))]
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// fullMemo sets every memo key; its data is memoData.
const fullMemo = `  version: "1.1"
  label: '{{ .name }}: {{ .subject }}'
  notification: 'Ny post om sag {{ .caseNumber }}'
  additional_notification: Læs brevet i Digital Post
  mandatory: true
  legal_notification: false
  post_type: MYNDIGHEDSPOST
  case_id: '{{ .caseNumber }}'
  case_system: KMD Sag
  kle: {subject_key: '27.24.00', version: '1', activity_facet: G01, label: Boligstøtte}
  form:
    task_key: '{{ .form.key }}'
    version: Opgavenøglen v2.12
    label: '{{ .form.label }}'
  actions:
    - label: 'Betal {{ .amount }}'
      code: BETALING
      url: 'https://betal.aarhus.dk/?sag={{ urlquery .caseNumber }}&navn={{ urlquery .name }}'
      start: '{{ .paymentFrom }}'
      end: '{{ .dueDate }}'
    - label: Læs mere
      code: INFORMATION
      url: https://aarhus.dk/boligstoette
      start: '{{ if has . "from" }}{{ .from }}{{ end }}'
`

const memoData = `{
  "name": "Ærbø <Møller> & \"Co\" *fed* _x_ [a](b) 😀",
  "subject": "Afgørelse\n  om   boligstøtte",
  "caseNumber": "2026-004711",
  "form": {"key": "27.24.00.00", "label": "Ansøgning & afgørelse"},
  "amount": "1.234,50 kr.",
  "paymentFrom": "2026-12-01",
  "dueDate": "2026-12-15T16:00:00+01:00"
}`

// TestExecMemo: every key parses and executes with the case data into plain text: XML
// specials, Markdown characters and emoji come out as they are, white space runs become one
// space, dates become times in UTC.
func TestExecMemo(t *testing.T) {
	b, err := Load(memoFS("Afgørelse", fullMemo, ""), "t")
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.ExecMemo([]byte(memoData))
	if err != nil {
		t.Fatal(err)
	}
	name := `Ærbø <Møller> & "Co" *fed* _x_ [a](b) 😀`
	want := &Memo{
		Version:                "1.1",
		Label:                  name + ": Afgørelse om boligstøtte",
		Notification:           "Ny post om sag 2026-004711",
		AdditionalNotification: "Læs brevet i Digital Post",
		Mandatory:              true,
		PostType:               "MYNDIGHEDSPOST",
		CaseID:                 "2026-004711",
		CaseSystem:             "KMD Sag",
		KLE:                    &MemoClass{Key: "27.24.00", Version: "1", ActivityFacet: "G01", Label: "Boligstøtte"},
		FORM:                   &MemoClass{Key: "27.24.00.00", Version: "Opgavenøglen v2.12", Label: "Ansøgning & afgørelse"},
		Actions: []MemoAction{{
			Label: "Betal 1.234,50 kr.",
			Code:  "BETALING",
			URL:   "https://betal.aarhus.dk/?sag=2026-004711&navn=%C3%86rb%C3%B8+%3CM%C3%B8ller%3E+%26+%22Co%22+%2Afed%2A+_x_+%5Ba%5D%28b%29+%F0%9F%98%80",
			Start: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
			End:   time.Date(2026, 12, 15, 15, 0, 0, 0, time.UTC),
		}, {
			Label: "Læs mere",
			Code:  "INFORMATION",
			URL:   "https://aarhus.dk/boligstoette",
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if loc := got.Actions[0].End.Location(); loc != time.UTC {
		t.Errorf("End is in %v, want UTC", loc)
	}

	// LetterMemo gives the same memo with the document.
	_, lm, err := b.LetterMemo([]byte(memoData))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, lm); diff != "" {
		t.Errorf("LetterMemo (-want +got)\n%s", diff)
	}
}

// TestMemoLabelDefault: without memo label the label is the executed title; with no memo: at
// all the memo is just that label.
func TestMemoLabelDefault(t *testing.T) {
	tests := []struct {
		name, memo string
		want       *Memo
	}{{
		name: "memo without label",
		memo: "  mandatory: true\n",
		want: &Memo{Label: "Afgørelse <sag> 2026-004711", Mandatory: true},
	}, {
		name: "empty label",
		memo: "  label: ''\n",
		want: &Memo{Label: "Afgørelse <sag> 2026-004711"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Load(memoFS("Afgørelse <sag> {{ .caseNumber }}", tc.memo, ""), "t")
			if err != nil {
				t.Fatal(err)
			}
			got, err := b.ExecMemo([]byte(memoData))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ExecMemo (-want +got)\n%s", diff)
			}
			_, lm, err := b.LetterMemo([]byte(memoData))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, lm); diff != "" {
				t.Errorf("LetterMemo (-want +got)\n%s", diff)
			}
		})
	}
	b, err := Load(mini("da", "Tekst\n", nil), "t")
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.ExecMemo([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&Memo{Label: "T"}, got); diff != "" {
		t.Errorf("no memo: (-want +got)\n%s", diff)
	}
}

// TestMemoTimeData: a start or end that the case data makes invalid is a *DataError at the data
// it reads, naming the memo field and the template line.
func TestMemoTimeData(t *testing.T) {
	const f = "templates/t/letter.md"
	memo := `  actions:
    - label: Betal
      code: BETALING
      url: https://x.dk
      start: '{{ .paymentFrom }}'
      end: '{{ .due.date }}T{{ .due.time }}:00+01:00'
`
	b, err := Load(memoFS("T", memo, ""), "t")
	if err != nil {
		t.Fatal(err)
	}
	const form = `a date ("2026-12-07") or an RFC 3339 date and time ("2026-12-07T10:30:00+01:00")`
	tests := []struct {
		name, data string
		want       *DataError
	}{{
		name: "start not a date",
		data: `{"paymentFrom": "1. december 2026", "due": {"date": "2026-12-15", "time": "16:00"}}`,
		want: &DataError{Template: "t", Problems: []Problem{{
			Path:    "/paymentFrom",
			Message: `memo actions[0].start (` + f + `:11) must be ` + form + `, got other text from /paymentFrom`,
			Value:   `"1. december 2026"`,
			Uses:    []string{f + ":11"},
		}}},
	}, {
		name: "end not a date and time",
		data: `{"paymentFrom": "2026-12-01", "due": {"date": "2026-12-15", "time": "16.00"}}`,
		want: &DataError{Template: "t", Problems: []Problem{{
			Path:    "/due/date",
			Message: `memo actions[0].end (` + f + `:12) must be ` + form + `, got other text from /due/date, /due/time`,
			Value:   `"2026-12-15T16.00:00+01:00"`,
			Uses:    []string{f + ":12"},
		}}},
	}, {
		name: "start a month that does not exist",
		data: `{"paymentFrom": "2026-13-01", "due": {"date": "2026-12-15", "time": "16:00"}}`,
		want: &DataError{Template: "t", Problems: []Problem{{
			Path:    "/paymentFrom",
			Message: `memo actions[0].start (` + f + `:11) must be ` + form + `, got other text from /paymentFrom`,
			Value:   `"2026-13-01"`,
			Uses:    []string{f + ":11"},
		}}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.ExecMemo([]byte(tc.data))
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("ExecMemo: %v, want a *DataError", err)
			}
			if diff := cmp.Diff(tc.want, de); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if _, _, err := b.LetterMemo([]byte(tc.data)); !errors.As(err, &de) {
				t.Errorf("LetterMemo: %v, want a *DataError", err)
			}
		})
	}
	got, err := b.ExecMemo([]byte(`{"paymentFrom": "2026-12-01T08:00:00Z", "due": {"date": "2026-12-15", "time": "16:00"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []MemoAction{{Label: "Betal", Code: "BETALING", URL: "https://x.dk",
		Start: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 15, 15, 0, 0, 0, time.UTC)}}
	if diff := cmp.Diff(want, got.Actions); diff != "" {
		t.Errorf("good times (-want +got)\n%s", diff)
	}
	// A field missing from the data is a template error, as everywhere else.
	_, err = b.ExecMemo([]byte(`{"paymentFrom": "2026-12-01"}`))
	var te *TemplateError
	if !errors.As(err, &te) || te.Line != 12 {
		t.Errorf("missing due: %v, want a *TemplateError at line 12", err)
	}
}

// TestMemoSource: each memo value names its line and the data its template reads.
func TestMemoSource(t *testing.T) {
	const f = "templates/t/letter.md"
	b, err := Load(memoFS("Afgørelse {{ .caseNumber }}", fullMemo, ""), "t")
	if err != nil {
		t.Fatal(err)
	}
	noLabel, err := Load(memoFS("Afgørelse {{ .caseNumber }}", "  mandatory: true\n", ""), "t")
	if err != nil {
		t.Fatal(err)
	}
	type source struct {
		Pos   string
		Paths []string
		OK    bool
	}
	tests := []struct {
		b     *Bundle
		field string
		want  source
	}{
		{b, "label", source{f + ":8", []string{"/name", "/subject"}, true}},
		{b, "notification", source{f + ":9", []string{"/caseNumber"}, true}},
		{b, "additional_notification", source{f + ":10", nil, true}},
		{b, "version", source{f + ":7", nil, true}},
		{b, "post_type", source{f + ":13", nil, true}},
		{b, "case_id", source{f + ":14", []string{"/caseNumber"}, true}},
		{b, "case_system", source{f + ":15", nil, true}},
		{b, "kle.subject_key", source{f + ":16", nil, true}},
		{b, "kle.activity_facet", source{f + ":16", nil, true}},
		{b, "form.task_key", source{f + ":18", []string{"/form/key"}, true}},
		{b, "form.label", source{f + ":20", []string{"/form/label"}, true}},
		{b, "form.activity_facet", source{}},
		{b, "actions[0].label", source{f + ":22", []string{"/amount"}, true}},
		{b, "actions[0].code", source{f + ":23", nil, true}},
		{b, "actions[0].url", source{f + ":24", []string{"/caseNumber", "/name"}, true}},
		{b, "actions[0].start", source{f + ":25", []string{"/paymentFrom"}, true}},
		{b, "actions[0].end", source{f + ":26", []string{"/dueDate"}, true}},
		{b, "actions[1].start", source{f + ":30", []string{"/from"}, true}},
		{b, "actions[1].end", source{}},
		{b, "actions[2].label", source{}},
		{b, "mandatory", source{}},
		{b, "subject", source{}},
		{noLabel, "label", source{f + ":2", []string{"/caseNumber"}, true}},
		{noLabel, "kle.label", source{}},
	}
	for _, tc := range tests {
		pos, paths, ok := tc.b.MemoSource(tc.field)
		if diff := cmp.Diff(tc.want, source{pos, paths, ok}); diff != "" {
			t.Errorf("MemoSource(%q) (-want +got)\n%s", tc.field, diff)
		}
	}
	// Array reads are patterns with "*".
	rows, err := Load(memoFS("T", "  label: '{{ range .rows }}{{ .id }}{{ end }}'\n", ""), "t")
	if err != nil {
		t.Fatal(err)
	}
	_, paths, _ := rows.MemoSource("label")
	if diff := cmp.Diff([]string{"/rows", "/rows/*/id"}, paths); diff != "" {
		t.Errorf("range (-want +got)\n%s", diff)
	}
}

// TestMemoUses: data read only by memo values is listed with the memo lines in schema problems.
func TestMemoUses(t *testing.T) {
	const f = "templates/t/letter.md"
	memo := "  case_id: '{{ .caseNumber }}'\n  case_system: KMD Sag\n  actions:\n    - {label: Betal, code: BETALING, url: 'https://x.dk/{{ .caseNumber }}'}\n"
	schema := `{"type": "object", "properties": {"caseNumber": {"type": "string"}}, "required": ["caseNumber"]}`
	b, err := Load(memoFS("T", memo, schema), "t")
	if err != nil {
		t.Fatal(err)
	}
	err = b.Validate([]byte(`{"caseNumber": 4711}`))
	var de *DataError
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a *DataError", err)
	}
	want := []Problem{{Path: "/caseNumber", Message: "expected string, got number", Value: "4711", Uses: []string{f + ":7", f + ":10"}}}
	if diff := cmp.Diff(want, de.Problems); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestSampleMemos: every sample bundle loads and executes its memo with its sample data.
func TestSampleMemos(t *testing.T) {
	tests := map[string]*Memo{
		"betalningspaminnelse": {
			Label:        "Påminnelse: faktura F-2026-118342",
			Notification: "Du har en obetald faktura från Malmö stad.",
			Actions: []MemoAction{{
				Label: "Betala fakturan",
				Code:  "BETALING",
				URL:   "https://malmo.se/betala?faktura=F-2026-118342&ocr=118342504417",
				End:   time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
			}},
		},
		"boligstoette-afgoerelse": {
			Label:             "Afgørelse om boligstøtte",
			Notification:      "Du har fået en afgørelse om boligstøtte fra Aarhus Kommune.",
			Mandatory:         true,
			LegalNotification: true,
			PostType:          "MYNDIGHEDSPOST",
			CaseID:            "2026-004711",
			CaseSystem:        "postbud demo",
			KLE:               &MemoClass{Key: "27.24.00", Version: "1", Label: "Boligstøtte"},
		},
		"uitnodiging-afspraak": {
			Version: "1.2",
			Label:   "Uitnodiging gesprek 08-12-2026",
			Actions: []MemoAction{{
				Label: "Afspraak bekijken of verzetten",
				Code:  "INFORMATION",
				URL:   "https://www.utrecht.nl/afspraak?zaak=WI-2026-08813",
				End:   time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC),
			}},
		},
		"waste-collection-information": {Label: "Your waste collection in 2027"},
		// No memo: in the front matter: the letter's title is the label.
		"pysakointilupa-paatos": {Label: "Päätös asukaspysäköintitunnuksesta"},
	}
	dirs, err := filepath.Glob("../samples/templates/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != len(tests) {
		t.Errorf("samples/templates has %d bundles, the test knows %d", len(dirs), len(tests))
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			b, err := LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			got, err := b.ExecMemo(b.Sample)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tests[name], got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
