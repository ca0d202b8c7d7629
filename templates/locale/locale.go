package locale

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Locale formats values for one language and, where it matters, region. Get one from Lookup;
// a Locale is immutable and safe for concurrent use.
type Locale struct {
	// Tag is the canonical tag, e.g. "da" or "nl-BE".
	Tag string

	lang     *lang
	months   *[12]string
	long     longOrder
	short    shortOrder
	currency string // default ISO 4217 code
}

// Date styles accepted by Date.
const (
	Long  = "long"
	Short = "short"
)

// Date formats t by its calendar date (in t's own location): style "long" ("23. november 2026",
// "23 november 2026", "23 November 2026", "23. marraskuuta 2026", "23 novembre 2026",
// "November 23, 2026" for en-US and "23 November 2026" for en and en-GB) or "short"
// ("23.11.2026" for da, nb, de; "2.1.2026" for fi; "2026-11-23" for sv; "23-11-2026" for nl;
// "23/11/2026" for fr, en, nl-BE, fr-BE; "11/23/2026" for en-US). French writes the first day of a
// month "1er". An unknown style is an error.
func (l *Locale) Date(t time.Time, style string) (string, error) {
	y, m, d := t.Date()
	switch style {
	case Long:
		month := l.months[m-1]
		switch l.long {
		case longDotDay:
			return fmt.Sprintf("%d. %s %d", d, month, y), nil
		case longMonthFirst:
			return fmt.Sprintf("%s %d, %d", month, d, y), nil
		case longFrench:
			if d == 1 {
				return fmt.Sprintf("1er %s %d", month, y), nil
			}
			return fmt.Sprintf("%d %s %d", d, month, y), nil
		default:
			return fmt.Sprintf("%d %s %d", d, month, y), nil
		}
	case Short:
		switch l.short {
		case shortISO:
			return fmt.Sprintf("%04d-%02d-%02d", y, m, d), nil
		case shortDash:
			return fmt.Sprintf("%02d-%02d-%04d", d, m, y), nil
		case shortSlash:
			return fmt.Sprintf("%02d/%02d/%04d", d, m, y), nil
		case shortUS:
			return fmt.Sprintf("%02d/%02d/%04d", m, d, y), nil
		case shortDotUnpadded:
			return fmt.Sprintf("%d.%d.%04d", d, m, y), nil
		default:
			return fmt.Sprintf("%02d.%02d.%04d", d, m, y), nil
		}
	}
	return "", fmt.Errorf("format date in %s: unknown style %q; use %q or %q", l.Tag, style, Long, Short)
}

// Money formats an amount given in minor units (øre, öre, cent; whole krónur for ISK, which has
// none) in currency, an ISO 4217 code: DKK, SEK, NOK, EUR, GBP, USD, CHF, ISK or PLN; "" means
// the locale's default currency: DKK (da), SEK (sv), NOK (nb, nn), EUR (nl, fi, de, fr), GBP (en),
// or the region's currency where the tag names one (EUR for sv-FI, CHF for de-CH, USD for en-US).
// Examples: "1.234,50 kr." (da, DKK), "1 234,50 kr" (sv, SEK),
// "kr 1 234,50" (nb), "€ 1.234,50" (nl), "1 234,50 €" (fi, fr), "1.234,50 €" (de), "€1,234.50"
// and "£1,234.50" (en), "−86,40 kr." (da, negative, with the minus sign U+2212). A currency for which the locale has no
// symbol is written as its ISO code in the symbol's place: "1.234,50 EUR" in da. See the package
// documentation for which spaces are no-break spaces.
func (l *Locale) Money(minor int64, currency string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(currency))
	if code == "" {
		code = l.currency
	}
	digits, ok := minorDigits[code]
	if !ok {
		return "", fmt.Errorf("format money in %s: unsupported currency %q; use one of %s",
			l.Tag, currency, strings.Join(currencyCodes, ", "))
	}
	neg := minor < 0
	// The magnitude as an unsigned number, so that math.MinInt64 is no special case.
	mag := uint64(minor)
	if neg {
		mag = -mag
	}
	n := fmt.Sprintf("%0*d", digits+1, mag)
	amount := l.lang.group(n[:len(n)-digits])
	if digits > 0 {
		amount += l.lang.decimal + n[len(n)-digits:]
	}
	sym, hasSym := l.lang.symbols[code]
	if !hasSym {
		sym = code
	}
	sign := ""
	if neg {
		sign = Minus
	}
	switch l.lang.money {
	case symbolBeforeTight:
		if !hasSym {
			return sign + code + nbsp + amount, nil
		}
		return sign + sym + amount, nil
	case symbolBefore:
		return sym + nbsp + sign + amount, nil
	default:
		return sign + amount + nbsp + sym, nil
	}
}

// Plural picks the form for n by the CLDR cardinal rule of the language for integers: "one" is 1
// (and -1), and in French also 0; everything else is "other". Plural(1, "dag", "dage") = "dag".
func (l *Locale) Plural(n int64, one, other string) string {
	if n == 1 || n == -1 || (n == 0 && l.lang.zeroIsOne) {
		return one
	}
	return other
}

// Label keys accepted by Label.
const (
	LabelDate    = "date"
	LabelCase    = "case"
	LabelPage    = "page"
	LabelRegards = "regards"
)

// Label is a fixed phrase of the letter frame in this language: "date" (Dato, Datum, ...),
// "case" (Sagsnummer, Ärendenummer, ...), "page" (a pattern with {page} and {pages}, e.g.
// "Side {page} af {pages}", as render.Document.PageLabel takes it) and "regards" (the closing
// greeting, e.g. "Med venlig hilsen"). An unknown key gives "".
func (l *Locale) Label(key string) string {
	return l.lang.labels[key]
}

// Lookup returns the locale for a BCP 47 tag such as "da", "da-DK", "nl-BE" or "en-US"; case
// and "_" for "-" are accepted. An unsupported language is an error listing the supported ones.
func Lookup(tag string) (*Locale, error) {
	t, err := language.Parse(strings.TrimSpace(tag))
	if err != nil {
		return nil, fmt.Errorf("look up locale %q: %w; use one of %s", tag, err, supportedList())
	}
	b, _ := t.Base()
	base := b.String()
	if base == "no" {
		base = "nb"
	}
	lg, ok := langs[base]
	if !ok {
		return nil, fmt.Errorf("look up locale %q: language %q is not supported; use one of %s",
			tag, base, supportedList())
	}
	l := &Locale{
		Tag:      base,
		lang:     lg,
		months:   &lg.months,
		long:     lg.long,
		short:    lg.short,
		currency: lg.currency,
	}
	r, conf := t.Region()
	if conf != language.Exact {
		return l, nil
	}
	region := r.String()
	kept := false
	if cur, ok := regionCurrency[region]; ok && cur != l.currency {
		l.currency = cur
		kept = true
	}
	switch base + "-" + region {
	case "en-US":
		l.long, l.short = longMonthFirst, shortUS
		kept = true
	case "de-AT":
		l.months = &monthsDeAT
		kept = true
	case "nl-BE", "fr-BE":
		l.short = shortSlash
		kept = true
	}
	if kept {
		l.Tag = base + "-" + region
	}
	return l, nil
}

func supportedList() string {
	return "da, de, en, fi, fr, nb (or no), nl, nn, sv"
}

// Minus is the sign of negative numbers and amounts: U+2212 MINUS SIGN, as wide as a digit's
// plus sign, not the hyphen-minus "-".
const Minus = "\u2212"
