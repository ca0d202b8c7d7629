package locale

import "strings"

const (
	nbsp  = "\u00a0" // no-break space
	nnbsp = "\u202f" // narrow no-break space
)

type longOrder int

const (
	longDay        longOrder = iota // 23 november 2026
	longDotDay                      // 23. november 2026
	longFrench                      // 23 novembre 2026, 1er novembre 2026
	longMonthFirst                  // November 23, 2026
)

type shortOrder int

const (
	shortDot         shortOrder = iota // 23.11.2026, 02.01.2026
	shortDotUnpadded                   // 23.11.2026, 2.1.2026
	shortISO                           // 2026-11-23
	shortDash                          // 23-11-2026
	shortSlash                         // 23/11/2026
	shortUS                            // 11/23/2026
)

type moneyOrder int

const (
	symbolAfter       moneyOrder = iota // 1.234,50 kr.   -86,40 kr.
	symbolBefore                        // € 1.234,50     € -86,40
	symbolBeforeTight                   // €1,234.50      -€86.40
)

// lang holds the conventions of one language in its home region.
type lang struct {
	months    [12]string
	long      longOrder
	short     shortOrder
	groupSep  string
	decimal   string
	currency  string
	symbols   map[string]string
	money     moneyOrder
	zeroIsOne bool
	labels    map[string]string
}

// group inserts the digit-group separator every three digits from the right of an integer
// string of ASCII digits.
func (lg *lang) group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	b.Grow(len(digits) + len(digits)/3*len(lg.groupSep))
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(digits[:head])
	for i := head; i < len(digits); i += 3 {
		b.WriteString(lg.groupSep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// minorDigits is the ISO 4217 number of minor-unit digits of each supported currency.
var minorDigits = map[string]int{
	"DKK": 2, "SEK": 2, "NOK": 2, "EUR": 2, "GBP": 2, "USD": 2, "CHF": 2, "ISK": 0, "PLN": 2,
}

var currencyCodes = []string{"DKK", "SEK", "NOK", "EUR", "GBP", "USD", "CHF", "ISK", "PLN"}

// regionCurrency is the currency of the regions a supported language is used in, where it may
// differ from the language's default.
var regionCurrency = map[string]string{
	"DK": "DKK", "FO": "DKK", "GL": "DKK",
	"SE": "SEK",
	"NO": "NOK", "SJ": "NOK",
	"IS": "ISK",
	"PL": "PLN",
	"CH": "CHF", "LI": "CHF",
	"GB": "GBP", "IM": "GBP", "JE": "GBP", "GG": "GBP",
	"US": "USD",
	"AT": "EUR", "BE": "EUR", "CY": "EUR", "DE": "EUR", "EE": "EUR", "ES": "EUR", "FI": "EUR",
	"FR": "EUR", "GR": "EUR", "HR": "EUR", "IE": "EUR", "IT": "EUR", "LT": "EUR", "LU": "EUR",
	"LV": "EUR", "MT": "EUR", "NL": "EUR", "PT": "EUR", "SI": "EUR", "SK": "EUR",
}

var monthsDeAT = [12]string{"Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli",
	"August", "September", "Oktober", "November", "Dezember"}

var norwegian = lang{
	months: [12]string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
		"september", "oktober", "november", "desember"},
	long: longDotDay, short: shortDot,
	groupSep: nbsp, decimal: ",",
	currency: "NOK", symbols: map[string]string{"NOK": "kr"}, money: symbolBefore,
	labels: map[string]string{
		LabelDate:    "Dato",
		LabelCase:    "Saksnummer",
		LabelPage:    "Side {page} av {pages}",
		LabelRegards: "Med vennlig hilsen",
	},
}

// nynorsk is Norwegian with the Nynorsk closing greeting; month names and the other labels are
// the same in both written standards.
var nynorsk = func() lang {
	nn := norwegian
	nn.labels = map[string]string{
		LabelDate:    "Dato",
		LabelCase:    "Saksnummer",
		LabelPage:    "Side {page} av {pages}",
		LabelRegards: "Med venleg helsing",
	}
	return nn
}()

var langs = map[string]*lang{
	"da": {
		months: [12]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
			"september", "oktober", "november", "december"},
		long: longDotDay, short: shortDot,
		groupSep: ".", decimal: ",",
		currency: "DKK", symbols: map[string]string{"DKK": "kr."}, money: symbolAfter,
		labels: map[string]string{
			LabelDate:    "Dato",
			LabelCase:    "Sagsnummer",
			LabelPage:    "Side {page} af {pages}",
			LabelRegards: "Med venlig hilsen",
		},
	},
	"sv": {
		months: [12]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
			"september", "oktober", "november", "december"},
		long: longDay, short: shortISO,
		groupSep: nbsp, decimal: ",",
		currency: "SEK", symbols: map[string]string{"SEK": "kr"}, money: symbolAfter,
		labels: map[string]string{
			LabelDate:    "Datum",
			LabelCase:    "Ärendenummer",
			LabelPage:    "Sida {page} av {pages}",
			LabelRegards: "Med vänliga hälsningar",
		},
	},
	"nb": &norwegian,
	"nn": &nynorsk,
	"nl": {
		months: [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
			"september", "oktober", "november", "december"},
		long: longDay, short: shortDash,
		groupSep: ".", decimal: ",",
		currency: "EUR", symbols: map[string]string{"EUR": "€"}, money: symbolBefore,
		labels: map[string]string{
			LabelDate:    "Datum",
			LabelCase:    "Zaaknummer",
			LabelPage:    "Pagina {page} van {pages}",
			LabelRegards: "Met vriendelijke groet",
		},
	},
	"fi": {
		// Partitive, as a date is written: "23. marraskuuta 2026".
		months: [12]string{"tammikuuta", "helmikuuta", "maaliskuuta", "huhtikuuta", "toukokuuta",
			"kesäkuuta", "heinäkuuta", "elokuuta", "syyskuuta", "lokakuuta", "marraskuuta",
			"joulukuuta"},
		long: longDotDay, short: shortDotUnpadded,
		groupSep: nnbsp, decimal: ",",
		currency: "EUR", symbols: map[string]string{"EUR": "€"}, money: symbolAfter,
		labels: map[string]string{
			LabelDate:    "Päivämäärä",
			LabelCase:    "Asianumero",
			LabelPage:    "Sivu {page}/{pages}",
			LabelRegards: "Ystävällisin terveisin",
		},
	},
	"de": {
		months: [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
			"September", "Oktober", "November", "Dezember"},
		long: longDotDay, short: shortDot,
		groupSep: ".", decimal: ",",
		currency: "EUR", symbols: map[string]string{"EUR": "€"}, money: symbolAfter,
		labels: map[string]string{
			LabelDate:    "Datum",
			LabelCase:    "Aktenzeichen",
			LabelPage:    "Seite {page} von {pages}",
			LabelRegards: "Mit freundlichen Grüßen",
		},
	},
	"fr": {
		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
			"septembre", "octobre", "novembre", "décembre"},
		long: longFrench, short: shortSlash,
		groupSep: nnbsp, decimal: ",",
		currency: "EUR", symbols: map[string]string{"EUR": "€"}, money: symbolAfter,
		zeroIsOne: true,
		labels: map[string]string{
			LabelDate:    "Date",
			LabelCase:    "Référence",
			LabelPage:    "Page {page} sur {pages}",
			LabelRegards: "Veuillez agréer nos salutations distinguées",
		},
	},
	"en": {
		months: [12]string{"January", "February", "March", "April", "May", "June", "July",
			"August", "September", "October", "November", "December"},
		long: longDay, short: shortSlash,
		groupSep: ",", decimal: ".",
		currency: "GBP", symbols: map[string]string{"EUR": "€", "GBP": "£", "USD": "$"},
		money: symbolBeforeTight,
		labels: map[string]string{
			LabelDate:    "Date",
			LabelCase:    "Case number",
			LabelPage:    "Page {page} of {pages}",
			LabelRegards: "Yours sincerely",
		},
	},
}
