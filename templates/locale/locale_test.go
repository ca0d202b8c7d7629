package locale

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Spaces spelled out so that a reader of the tests sees which one is meant.
const (
	NB  = "\u00a0"
	NNB = "\u202f"
	M   = "\u2212" // the minus sign
)

func mustLookup(t testing.TB, tag string) *Locale {
	t.Helper()
	l, err := Lookup(tag)
	if err != nil {
		t.Fatalf("Lookup(%q): %v", tag, err)
	}
	return l
}

func TestLookup(t *testing.T) {
	tests := []struct {
		in, tag, currency string
	}{
		{"da", "da", "DKK"},
		{"da-DK", "da", "DKK"},
		{"DA_dk", "da", "DKK"},
		{"da-GL", "da", "DKK"},
		{"sv", "sv", "SEK"},
		{"sv-SE", "sv", "SEK"},
		{"sv-FI", "sv-FI", "EUR"},
		{"nb", "nb", "NOK"},
		{"nb-NO", "nb", "NOK"},
		{"no", "nb", "NOK"},
		{"no-NO", "nb", "NOK"},
		{"nn", "nn", "NOK"},
		{"nn-NO", "nn", "NOK"},
		{"nl", "nl", "EUR"},
		{"nl-NL", "nl", "EUR"},
		{"nl-BE", "nl-BE", "EUR"},
		{"fi", "fi", "EUR"},
		{"fi-FI", "fi", "EUR"},
		{"de", "de", "EUR"},
		{"de-DE", "de", "EUR"},
		{"de-AT", "de-AT", "EUR"},
		{"de-CH", "de-CH", "CHF"},
		{"fr", "fr", "EUR"},
		{"fr-FR", "fr", "EUR"},
		{"fr-BE", "fr-BE", "EUR"},
		{"fr-CH", "fr-CH", "CHF"},
		{"en", "en", "GBP"},
		{"en-GB", "en", "GBP"},
		{"en-US", "en-US", "USD"},
		{"en-IE", "en-IE", "EUR"},
		{"en-AU", "en", "GBP"},
		{" da ", "da", "DKK"},
	}
	for _, tt := range tests {
		l, err := Lookup(tt.in)
		if err != nil {
			t.Errorf("Lookup(%q): %v", tt.in, err)
			continue
		}
		got := struct{ Tag, Currency string }{l.Tag, l.currency}
		want := struct{ Tag, Currency string }{tt.tag, tt.currency}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Lookup(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestLookupErrors(t *testing.T) {
	tests := []struct {
		in   string
		want []string // substrings of the message
	}{
		{"", []string{`""`, "da, de, en, fi, fr, nb (or no), nl, nn, sv"}},
		{"es", []string{`"es"`, "not supported", "da, de, en"}},
		{"pl-PL", []string{`"pl-PL"`, `"pl"`, "not supported"}},
		{"x", []string{`"x"`, "use one of"}},
		{"da-", []string{`"da-"`}},
		{"not a tag", []string{`"not a tag"`}},
	}
	for _, tt := range tests {
		l, err := Lookup(tt.in)
		if err == nil {
			t.Errorf("Lookup(%q) = %q, want an error", tt.in, l.Tag)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Lookup(%q) error %q does not contain %q", tt.in, err, w)
			}
		}
	}
}

func TestDate(t *testing.T) {
	nov := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	jan := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	first := time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		tag               string
		long, short       string
		longJan, shortJan string
		longFirst         string
	}{
		{"da", "23. november 2026", "23.11.2026", "2. januar 2026", "02.01.2026", "1. maj 2027"},
		{"sv", "23 november 2026", "2026-11-23", "2 januari 2026", "2026-01-02", "1 maj 2027"},
		{"nb", "23. november 2026", "23.11.2026", "2. januar 2026", "02.01.2026", "1. mai 2027"},
		{"nn", "23. november 2026", "23.11.2026", "2. januar 2026", "02.01.2026", "1. mai 2027"},
		{"nl", "23 november 2026", "23-11-2026", "2 januari 2026", "02-01-2026", "1 mei 2027"},
		{"nl-BE", "23 november 2026", "23/11/2026", "2 januari 2026", "02/01/2026", "1 mei 2027"},
		{"fi", "23. marraskuuta 2026", "23.11.2026", "2. tammikuuta 2026", "2.1.2026", "1. toukokuuta 2027"},
		{"de", "23. November 2026", "23.11.2026", "2. Januar 2026", "02.01.2026", "1. Mai 2027"},
		{"de-AT", "23. November 2026", "23.11.2026", "2. Jänner 2026", "02.01.2026", "1. Mai 2027"},
		{"fr", "23 novembre 2026", "23/11/2026", "2 janvier 2026", "02/01/2026", "1er mai 2027"},
		{"fr-BE", "23 novembre 2026", "23/11/2026", "2 janvier 2026", "02/01/2026", "1er mai 2027"},
		{"en", "23 November 2026", "23/11/2026", "2 January 2026", "02/01/2026", "1 May 2027"},
		{"en-GB", "23 November 2026", "23/11/2026", "2 January 2026", "02/01/2026", "1 May 2027"},
		{"en-US", "November 23, 2026", "11/23/2026", "January 2, 2026", "01/02/2026", "May 1, 2027"},
	}
	for _, tt := range tests {
		l := mustLookup(t, tt.tag)
		var got []string
		for _, c := range []struct {
			t     time.Time
			style string
		}{{nov, Long}, {nov, Short}, {jan, Long}, {jan, Short}, {first, Long}} {
			s, err := l.Date(c.t, c.style)
			if err != nil {
				t.Errorf("%s: Date(%v, %q): %v", tt.tag, c.t, c.style, err)
			}
			got = append(got, s)
		}
		want := []string{tt.long, tt.short, tt.longJan, tt.shortJan, tt.longFirst}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: Date (-want +got):\n%s", tt.tag, diff)
		}
	}
}

func TestDateAllMonths(t *testing.T) {
	want := map[string]string{
		"da":    "januar februar marts april maj juni juli august september oktober november december",
		"sv":    "januari februari mars april maj juni juli augusti september oktober november december",
		"nb":    "januar februar mars april mai juni juli august september oktober november desember",
		"nl":    "januari februari maart april mei juni juli augustus september oktober november december",
		"fi":    "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta lokakuuta marraskuuta joulukuuta",
		"de":    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
		"de-AT": "Jänner Februar März April Mai Juni Juli August September Oktober November Dezember",
		"fr":    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
		"en":    "January February March April May June July August September October November December",
	}
	got := map[string]string{}
	for tag := range want {
		l := mustLookup(t, tag)
		var months []string
		for m := time.January; m <= time.December; m++ {
			s, err := l.Date(time.Date(2026, m, 10, 0, 0, 0, 0, time.UTC), Long)
			if err != nil {
				t.Fatal(err)
			}
			f := strings.Fields(s)
			months = append(months, f[1])
		}
		got[tag] = strings.Join(months, " ")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("month names (-want +got):\n%s", diff)
	}
}

func TestDateUsesLocation(t *testing.T) {
	// 23:30 UTC on 22 November is already 23 November in Copenhagen.
	cph := time.FixedZone("CET", 3600)
	tm := time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC).In(cph)
	got, err := mustLookup(t, "da").Date(tm, Short)
	if err != nil {
		t.Fatal(err)
	}
	if got != "23.11.2026" {
		t.Errorf("Date = %q, want 23.11.2026", got)
	}
}

func TestDateUnknownStyle(t *testing.T) {
	_, err := mustLookup(t, "da").Date(time.Now(), "medium")
	if err == nil || !strings.Contains(err.Error(), `"medium"`) || !strings.Contains(err.Error(), `"long"`) {
		t.Errorf("Date(medium) error = %v, want one naming the style and the choices", err)
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		tag      string
		minor    int64
		currency string
		want     string
	}{
		{"da", 123450, "DKK", "1.234,50" + NB + "kr."},
		{"da", 123450, "", "1.234,50" + NB + "kr."},
		{"da", -8640, "", M + "86,40" + NB + "kr."},
		{"da", 0, "", "0,00" + NB + "kr."},
		{"da", 5, "", "0,05" + NB + "kr."},
		{"da", -5, "", M + "0,05" + NB + "kr."},
		{"da", 123456789, "", "1.234.567,89" + NB + "kr."},
		{"da", 123450, "EUR", "1.234,50" + NB + "EUR"},
		{"da", 123450, "eur", "1.234,50" + NB + "EUR"},
		{"da", 123450, "SEK", "1.234,50" + NB + "SEK"},
		{"da", 1234, "ISK", "1.234" + NB + "ISK"},
		{"sv", 123450, "SEK", "1" + NB + "234,50" + NB + "kr"},
		{"sv", -8640, "", M + "86,40" + NB + "kr"},
		{"sv", 123450, "DKK", "1" + NB + "234,50" + NB + "DKK"},
		{"sv-FI", 123450, "", "1" + NB + "234,50" + NB + "EUR"},
		{"nb", 123450, "", "kr" + NB + "1" + NB + "234,50"},
		{"nb", -8640, "NOK", "kr" + NB + M + "86,40"},
		{"nb", 123450, "EUR", "EUR" + NB + "1" + NB + "234,50"},
		{"nn", 123450, "", "kr" + NB + "1" + NB + "234,50"},
		{"nl", 123450, "", "€" + NB + "1.234,50"},
		{"nl", -8640, "", "€" + NB + M + "86,40"},
		{"nl", 0, "EUR", "€" + NB + "0,00"},
		{"nl", 123450, "GBP", "GBP" + NB + "1.234,50"},
		{"nl-BE", 123450, "", "€" + NB + "1.234,50"},
		{"fi", 123450, "", "1" + NNB + "234,50" + NB + "€"},
		{"fi", -8640, "", M + "86,40" + NB + "€"},
		{"fi", 123456789, "", "1" + NNB + "234" + NNB + "567,89" + NB + "€"},
		{"de", 123450, "", "1.234,50" + NB + "€"},
		{"de", -8640, "", M + "86,40" + NB + "€"},
		{"de-AT", 123450, "", "1.234,50" + NB + "€"},
		{"de-CH", 123450, "", "1.234,50" + NB + "CHF"},
		{"fr", 123450, "", "1" + NNB + "234,50" + NB + "€"},
		{"fr", -8640, "EUR", M + "86,40" + NB + "€"},
		{"fr-BE", 123450, "", "1" + NNB + "234,50" + NB + "€"},
		{"fr", 123450, "PLN", "1" + NNB + "234,50" + NB + "PLN"},
		{"en", 123450, "EUR", "€1,234.50"},
		{"en", 123450, "", "£1,234.50"},
		{"en", 123450, "GBP", "£1,234.50"},
		{"en", -8640, "GBP", M + "£86.40"},
		{"en", 123450, "DKK", "DKK" + NB + "1,234.50"},
		{"en", -123450, "DKK", M + "DKK" + NB + "1,234.50"},
		{"en-US", 123450, "", "$1,234.50"},
		{"en-US", 100, "USD", "$1.00"},
		{"en", 123456789012, "USD", "$1,234,567,890.12"},
		{"da", math.MaxInt64, "", "92.233.720.368.547.758,07" + NB + "kr."},
		{"da", math.MinInt64, "", M + "92.233.720.368.547.758,08" + NB + "kr."},
		{"da", -123, "ISK", M + "123" + NB + "ISK"},
	}
	for _, tt := range tests {
		got, err := mustLookup(t, tt.tag).Money(tt.minor, tt.currency)
		if err != nil {
			t.Errorf("%s: Money(%d, %q): %v", tt.tag, tt.minor, tt.currency, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Money(%d, %q) (-want +got):\n%s", tt.tag, tt.minor, tt.currency, diff)
		}
	}
}

func TestMoneyUnknownCurrency(t *testing.T) {
	_, err := mustLookup(t, "da").Money(100, "XBT")
	if err == nil || !strings.Contains(err.Error(), `"XBT"`) || !strings.Contains(err.Error(), "DKK, SEK") {
		t.Errorf("Money(XBT) error = %v, want one naming the currency and the supported ones", err)
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		tag      string
		in       string
		decimals int
		want     string
	}{
		{"da", "1234.5", -1, "1.234,5"},
		{"da", "1234.5", 2, "1.234,50"},
		{"da", "1234567.891", 2, "1.234.567,89"},
		{"da", "1234567.895", 2, "1.234.567,90"},
		{"da", "-3", -1, M + "3"},
		{"da", "-3", 0, M + "3"},
		{"da", "1e3", -1, "1.000"},
		{"da", "1E3", 2, "1.000,00"},
		{"da", "1.5e-2", -1, "0,015"},
		{"da", "1.50e1", -1, "15,0"},
		{"da", "2.5", 0, "3"},
		{"da", "-2.5", 0, M + "3"},
		{"da", "2.49", 0, "2"},
		{"da", "0.285", 2, "0,29"}, // 0.285 is 0.28499... as a float64
		{"da", "0.005", 2, "0,01"},
		{"da", "0.004", 2, "0,00"},
		{"da", "-0.004", 2, "0,00"},
		{"da", "-0", -1, "0"},
		{"da", "0.000", -1, "0,000"},
		{"da", "0", 2, "0,00"},
		{"da", "0.5", 0, "1"},
		{"da", "0.05", 0, "0"},
		{"da", "9.999", 2, "10,00"},
		{"da", "999999.995", 2, "1.000.000,00"},
		{"da", "1e-5", 2, "0,00"},
		{"da", "5e-3", 2, "0,01"},
		{"da", "123", 3, "123,000"},
		{"da", "+42", -1, "42"},
		{"da", " 42 ", -1, "42"},
		{"da", "007", -1, "7"},
		{"da", "12345678901234567890123", 0, "12.345.678.901.234.567.890.123"},
		{"da", "100", -1, "100"},
		{"da", "1000", -1, "1.000"},
		{"sv", "1234567.891", 2, "1" + NB + "234" + NB + "567,89"},
		{"nb", "1234.5", 2, "1" + NB + "234,50"},
		{"nn", "1234.5", 2, "1" + NB + "234,50"},
		{"nl", "1234567.891", 2, "1.234.567,89"},
		{"fi", "1234567.891", 2, "1" + NNB + "234" + NNB + "567,89"},
		{"de", "1234567.891", 2, "1.234.567,89"},
		{"de", "-1234.5", -1, M + "1.234,5"},
		{"fr", "1234567.891", 2, "1" + NNB + "234" + NNB + "567,89"},
		{"en", "1234567.891", 2, "1,234,567.89"},
		{"en-US", "-1234.5", 1, M + "1,234.5"},
	}
	for _, tt := range tests {
		got, err := mustLookup(t, tt.tag).Number(tt.in, tt.decimals)
		if err != nil {
			t.Errorf("%s: Number(%q, %d): %v", tt.tag, tt.in, tt.decimals, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Number(%q, %d) (-want +got):\n%s", tt.tag, tt.in, tt.decimals, diff)
		}
	}
}

func TestNumberErrors(t *testing.T) {
	tests := []struct {
		in       string
		decimals int
		want     string
	}{
		{"", 2, "empty"},
		{"abc", 2, "expected digits at offset 0"},
		{"12,5", 2, `unexpected ","`},
		{"1.", 2, "after the decimal point"},
		{".5", 2, "expected digits"},
		{"-", 2, "expected digits"},
		{"1e", 2, "exponent"},
		{"1e+", 2, "exponent"},
		{"1.2.3", 2, `unexpected "."`},
		{"NaN", 2, "expected digits"},
		{"Inf", 2, "expected digits"},
		{"1 000", 2, `unexpected " "`},
		{"0x10", 2, `unexpected "x"`},
		{"1e999999999999999999999", 2, "exponent too large"},
		{"1e401", -1, "more than 400 digits"},
		{"1e-401", 2, "more than 400 digits"},
		{"12", -2, "decimals -2 out of range"},
		{"12", 41, "decimals 41 out of range"},
	}
	l := mustLookup(t, "da")
	for _, tt := range tests {
		got, err := l.Number(tt.in, tt.decimals)
		if err == nil {
			t.Errorf("Number(%q, %d) = %q, want an error", tt.in, tt.decimals, got)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, `"`+tt.in+`"`) || !strings.Contains(msg, tt.want) {
			t.Errorf("Number(%q, %d) error %q, want it to quote the input and contain %q", tt.in, tt.decimals, msg, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	tests := []struct {
		tag  string
		want map[int64]string
	}{
		{"da", map[int64]string{0: "other", 1: "one", 2: "other", -1: "one", 11: "other", 21: "other", 101: "other"}},
		{"sv", map[int64]string{0: "other", 1: "one", 2: "other", 21: "other"}},
		{"nb", map[int64]string{0: "other", 1: "one", 2: "other"}},
		{"nn", map[int64]string{0: "other", 1: "one", 2: "other"}},
		{"nl", map[int64]string{0: "other", 1: "one", 2: "other"}},
		{"fi", map[int64]string{0: "other", 1: "one", 2: "other"}},
		{"de", map[int64]string{0: "other", 1: "one", 2: "other"}},
		{"fr", map[int64]string{0: "one", 1: "one", 2: "other", -1: "one", 21: "other"}},
		{"en", map[int64]string{0: "other", 1: "one", 2: "other", math.MinInt64: "other"}},
	}
	for _, tt := range tests {
		l := mustLookup(t, tt.tag)
		got := map[int64]string{}
		for n := range tt.want {
			got[n] = l.Plural(n, "one", "other")
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Plural (-want +got):\n%s", tt.tag, diff)
		}
	}
	if got := mustLookup(t, "da").Plural(1, "dag", "dage"); got != "dag" {
		t.Errorf(`Plural(1, "dag", "dage") = %q`, got)
	}
}

func TestLabel(t *testing.T) {
	keys := []string{LabelDate, LabelCase, LabelPage, LabelRegards}
	want := map[string][]string{
		"da":    {"Dato", "Sagsnummer", "Side {page} af {pages}", "Med venlig hilsen"},
		"sv":    {"Datum", "Ärendenummer", "Sida {page} av {pages}", "Med vänliga hälsningar"},
		"nb":    {"Dato", "Saksnummer", "Side {page} av {pages}", "Med vennlig hilsen"},
		"nn":    {"Dato", "Saksnummer", "Side {page} av {pages}", "Med venleg helsing"},
		"nl":    {"Datum", "Zaaknummer", "Pagina {page} van {pages}", "Met vriendelijke groet"},
		"nl-BE": {"Datum", "Zaaknummer", "Pagina {page} van {pages}", "Met vriendelijke groet"},
		"fi":    {"Päivämäärä", "Asianumero", "Sivu {page}/{pages}", "Ystävällisin terveisin"},
		"de":    {"Datum", "Aktenzeichen", "Seite {page} von {pages}", "Mit freundlichen Grüßen"},
		"de-AT": {"Datum", "Aktenzeichen", "Seite {page} von {pages}", "Mit freundlichen Grüßen"},
		"fr":    {"Date", "Référence", "Page {page} sur {pages}", "Veuillez agréer nos salutations distinguées"},
		"en":    {"Date", "Case number", "Page {page} of {pages}", "Yours sincerely"},
		"en-US": {"Date", "Case number", "Page {page} of {pages}", "Yours sincerely"},
	}
	got := map[string][]string{}
	for tag := range want {
		l := mustLookup(t, tag)
		for _, k := range keys {
			got[tag] = append(got[tag], l.Label(k))
		}
		if s := l.Label("signature"); s != "" {
			t.Errorf("%s: Label(signature) = %q, want empty", tag, s)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Label (-want +got):\n%s", diff)
	}
}

func FuzzNumber(f *testing.F) {
	for _, s := range []string{"1234.5", "-3", "1e3", "0.285", "-0", "1e-401", "9.99e2", "1.", "+", "",
		"1e999999999", "00000.000", "99999999999999999999.5"} {
		f.Add(s, 2)
		f.Add(s, -1)
	}
	ls := []*Locale{mustLookup(f, "da"), mustLookup(f, "fr"), mustLookup(f, "en")}
	f.Fuzz(func(t *testing.T, s string, decimals int) {
		for _, l := range ls {
			got, err := l.Number(s, decimals)
			if err != nil {
				if !strings.Contains(err.Error(), "format number") {
					t.Errorf("Number(%q, %d) error %q does not say what was done", s, decimals, err)
				}
				continue
			}
			if got == "" || got == "-" {
				t.Errorf("Number(%q, %d) = %q", s, decimals, got)
			}
			if decimals >= 0 {
				// The fraction has exactly `decimals` digits.
				sep := l.lang.decimal
				i := strings.LastIndex(got, sep)
				n := 0
				if decimals > 0 && i >= 0 {
					n = len(got) - i - len(sep)
				}
				if decimals > 0 && i < 0 || decimals == 0 && i >= 0 || n != decimals {
					t.Errorf("%s: Number(%q, %d) = %q: want %d decimals", l.Tag, s, decimals, got, decimals)
				}
			}
		}
	})
}

func BenchmarkMoney(b *testing.B) {
	l := mustLookup(b, "da")
	for b.Loop() {
		if _, err := l.Money(123456789, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNumber(b *testing.B) {
	l := mustLookup(b, "fr")
	for b.Loop() {
		if _, err := l.Number("1234567.891", 2); err != nil {
			b.Fatal(err)
		}
	}
}
