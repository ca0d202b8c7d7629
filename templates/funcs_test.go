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
		{"da", `{{ money .neg }}`, "-86,40\u00a0kr."},
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
	const data = `{"frac": 12.5, "text": "12,50", "d": "23/11/2026", "m": {"a": 1}, "opt": null}`
	tests := []struct {
		body, want string
	}{
		{`{{ money .frac }}`, `templates/t/letter.md:7:1: money: expected an integer number of minor units (øre, cent), got 12.5 (in {{ money .frac }})`},
		{`{{ money .text }}`, `templates/t/letter.md:7:1: money: expected an integer number of minor units (øre, cent), got string "12,50" (in {{ money .text }})`},
		{`{{ money 1 "XYZ" }}`, ``},
		{`ab {{ date .d }}`, `templates/t/letter.md:7:4: date: expected a date like "2026-11-23" or "2026-11-23T10:00:00+01:00", got "23/11/2026" (in {{ date .d }})`},
		{`{{ date "2026-11-23" "medium" }}`, ``},
		{`{{ .m }}`, `templates/t/letter.md:7:1: cannot print an object; print one of its fields (in {{ .m }})`},
		{`{{ .opt }}`, `templates/t/letter.md:7:1: field "opt" is null in the case data; print optional fields inside {{ if has . "opt" }} (in {{ .opt }})`},
		{`{{ upper .opt }}`, `templates/t/letter.md:7:1: upper: the value is null (in {{ upper .opt }})`},
		{`{{ has .frac "x" }}`, `templates/t/letter.md:7:1: has: expected an object, got number 12.5 (in {{ has .frac "x" }})`},
		{`{{ join .m ", " }}`, `templates/t/letter.md:7:1: join: expected a list, got object (in {{ join .m ", " }})`},
		{`{{ index .m "b" }}`, `templates/t/letter.md:7:1: the value printed is null (in {{ index .m "b" }})`},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			_, err := run(t, "da", tc.body, data)
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("got %v, want a *TemplateError", err)
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
