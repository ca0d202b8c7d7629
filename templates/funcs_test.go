package templates

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// run merges data into a one-line body in language lang and returns the body's text.
func run(t *testing.T, lang, body, data string) (string, error) {
	t.Helper()
	b, err := Load(mini(lang, body, nil), "t")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	d, err := b.Document([]byte(data))
	if err != nil {
		return "", err
	}
	return bodyText(d), nil
}

func TestFunctions(t *testing.T) {
	const data = `{"d": "2026-11-23", "ts": "2026-01-02T23:30:00+01:00", "ore": 123450, "neg": -8640,
		"n": 1, "many": 3, "area": 68.25, "name": "Åse", "list": ["a", "b", "c"], "opt": null,
		"r": {"co": "Ib", "none": null}}`
	tests := []struct {
		lang, body, want string
	}{
		{"da", `{{ date .d }}`, "23. november 2026"},
		{"da", `{{ date .d "short" }}`, "23.11.2026"},
		{"da", `{{ date .ts }}`, "2. januar 2026"},
		{"sv", `{{ date .d }}`, "23 november 2026"},
		{"sv", `{{ date .d "short" }}`, "2026-11-23"},
		{"de", `{{ date .d }}`, "23. November 2026"},
		{"en-US", `{{ date .d }}`, "November 23, 2026"},
		{"fi", `{{ date .d "short" }}`, "23.11.2026"},
		{"da", `{{ money .ore }}`, "1.234,50\u00a0kr."},
		{"da", `{{ money .neg }}`, "\u221286,40\u00a0kr."},
		{"da", `{{ money .ore "EUR" }}`, "1.234,50\u00a0EUR"},
		{"da", `{{ money 995 }}`, "9,95\u00a0kr."},
		{"sv", `{{ money .ore }}`, "1\u00a0234,50\u00a0kr"},
		{"nb", `{{ money .ore }}`, "kr\u00a01\u00a0234,50"},
		{"de", `{{ money .ore }}`, "1.234,50\u00a0€"},
		{"en", `{{ money .ore "GBP" }}`, "£1,234.50"},
		{"da", `{{ number .area }}`, "68,25"},
		{"da", `{{ number .area 1 }}`, "68,3"},
		{"en", `{{ number .area 1 }}`, "68.3"},
		{"da", `{{ number 1234567 }}`, "1.234.567"},
		{"da", `{{ .n }} {{ plural .n "dag" "dage" }}`, "1 dag"},
		{"da", `{{ .many }} {{ plural .many "dag" "dage" }}`, "3 dage"},
		{"fr", `{{ plural 0 "jour" "jours" }}`, "jour"},
		{"da", `{{ upper .name }} {{ lower "ÆØÅ" }}`, "ÅSE æøå"},
		{"da", `{{ join .list " / " }}`, "a / b / c"},
		{"da", `{{ .list }}`, "a, b, c"},
		{"da", `{{ if has .r "co" }}c/o {{ .r.co }}{{ end }}`, "c/o Ib"},
		{"da", `{{ if has .r "none" }}x{{ else }}none is null{{ end }}`, "none is null"},
		{"da", `{{ if has .r "nope" }}x{{ else }}nope is missing{{ end }}`, "nope is missing"},
		{"da", `{{ if has . "opt" }}x{{ else }}no opt{{ end }}`, "no opt"},
		{"da", `{{ printf "%s-%s" .name .name }}`, "Åse-Åse"},
		{"da", `{{ range $i, $x := .list }}{{ $i }}={{ $x }} {{ end }}`, "0=a 1=b 2=c"},
	}
	for _, tc := range tests {
		t.Run(tc.lang+" "+tc.body, func(t *testing.T) {
			got, err := run(t, tc.lang, tc.body, data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestFunctionErrors(t *testing.T) {
	const data = `{"frac": 12.5, "text": "12,50", "d": "23/11/2026", "m": {"a": 1}, "opt": null, "cur": "XYZ",
		"list": [1, 2], "word": "abc", "big": 1e30, "dec": 50}`
	tests := []struct {
		body, want, value string
	}{
		{`{{ money .frac }}`, `templates/t/letter.md:7:1: money: expected an integer number of minor units (øre, cent), got a number with decimals (in {{ money .frac }})`, "12.5"},
		{`{{ money .text }}`, `templates/t/letter.md:7:1: money: expected an integer number of minor units (øre, cent), got text (in {{ money .text }})`, `"12,50"`},
		{`{{ money .big }}`, `templates/t/letter.md:7:1: money: expected an integer number of minor units (øre, cent), got a number too large for it (in {{ money .big }})`, "1000000000000000000000000000000"},
		{`{{ money 1 "XYZ" }}`, ``, `"XYZ"`},
		{`{{ money 1 .cur }}`, `templates/t/letter.md:7:1: money: unsupported currency; use one of DKK, SEK, NOK, EUR, GBP, USD, CHF, ISK, PLN (in {{ money 1 .cur }})`, `"XYZ"`},
		{`ab {{ date .d }}`, `templates/t/letter.md:7:4: date: expected a date like "2026-11-23" or "2026-11-23T10:00:00+01:00", got other text (in {{ date .d }})`, `"23/11/2026"`},
		{`{{ date .frac }}`, `templates/t/letter.md:7:1: date: expected a date as text ("2026-11-23"), got a number (in {{ date .frac }})`, "12.5"},
		{`{{ date "2026-11-23" "medium" }}`, ``, ``},
		{`{{ number .text }}`, `templates/t/letter.md:7:1: number: expected a number, got text (in {{ number .text }})`, `"12,50"`},
		{`{{ number 1.5 .dec }}`, `templates/t/letter.md:7:1: number: decimals must be between 0 and 20 (in {{ number 1.5 .dec }})`, "50"},
		{`{{ .m }}`, `templates/t/letter.md:7:1: cannot print an object; print one of its fields (in {{ .m }})`, ``},
		{`{{ .opt }}`, `templates/t/letter.md:7:1: field "opt" is null in the case data; print optional fields inside {{ if has . "opt" }} (in {{ .opt }})`, ``},
		{`{{ upper .opt }}`, `templates/t/letter.md:7:1: upper: the value is null (in {{ upper .opt }})`, ``},
		{`{{ has .frac "x" }}`, `templates/t/letter.md:7:1: has: expected an object, got a number (in {{ has .frac "x" }})`, "12.5"},
		{`{{ join .m ", " }}`, `templates/t/letter.md:7:1: join: expected a list, got an object (in {{ join .m ", " }})`, ``},
		{`{{ join .text ", " }}`, `templates/t/letter.md:7:1: join: expected a list, got text (in {{ join .text ", " }})`, `"12,50"`},
		{`{{ index .m "b" }}`, `templates/t/letter.md:7:1: the value printed is null (in {{ index .m "b" }})`, ``},
		// text/template's own messages that print a value of the data.
		{`{{ range .word }}x{{ end }}`, `templates/t/letter.md:7:1: range needs a list, an object or a whole number; this value is none of them (in {{ range .word }})`, "abc"},
		{`{{ index .list 5 }}`, `templates/t/letter.md:7:1: index: index out of range (in {{ index .list 5 }})`, "5"},
		{`{{ if eq .list .m }}x{{ end }}`, `templates/t/letter.md:7:1: eq: the values cannot be compared: one of them is a list or an object (in {{ if eq .list .m }})`, ``},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			_, err := run(t, "da", tc.body, data)
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("got %v, want a *TemplateError", err)
			}
			if diff := cmp.Diff(tc.value, te.Value); diff != "" {
				t.Errorf("Value (-want +got)\n%s", diff)
			}
			if tc.want == "" { // message from package locale: only the place is checked
				if te.File != "templates/t/letter.md" || te.Line != 7 || te.Col != 1 {
					t.Errorf("got %v, want templates/t/letter.md:7:1", te)
				}
				return
			}
			if diff := cmp.Diff(tc.want, te.Error()); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
