// Package locale formats dates, amounts of money, numbers, plurals and the fixed phrases of a
// letter frame in the letter's language.
//
// The supported languages are Danish (da), Swedish (sv), Norwegian Bokmål (nb; "no" is taken as
// nb) and Nynorsk (nn, formatted like nb with its own greeting), Dutch (nl), Finnish (fi), German
// (de), French (fr) and English (en). A region subtag is accepted and kept in Locale.Tag only where
// it changes something: en-US (month-first dates, USD), de-AT ("Jänner"), nl-BE and fr-BE
// (day/month/year with slashes), and any region whose currency differs from the language's
// default, e.g. sv-FI (EUR) or de-CH (CHF). The home region is dropped: "da-DK" is "da", "en-GB"
// is "en".
//
// Why explicit tables rather than golang.org/x/text or CLDR data at run time: x/text formats
// numbers but has no month names for long dates and no currency placement, and the letters need
// the conventions of administrative correspondence, which are fixed and few: Danish "kr." after
// the amount, Norwegian "kr" and Dutch "€" before it, French and Finnish narrow no-break spaces
// (U+202F) between digit groups, Swedish and Norwegian no-break spaces (U+00A0), Finnish month
// names in the partitive ("marraskuuta"), Austrian "Jänner". The tables below are short enough
// to review line by line against the style guides of each language.
//
// Spaces: inside an amount of money, the space between the number and the currency is a
// no-break space (U+00A0), so that a line is never broken between "1.234,50" and "kr.", as
// CLDR does for these languages. Digit groups are separated by "." (da, nl, de), "," (en),
// U+00A0 (sv, nb, nn) or U+202F (fi, fr). Negative numbers and amounts take the minus sign
// U+2212 ("−86,40 kr."), as typography in every one of these languages wants, not the shorter
// hyphen-minus "-". Renderers must be able to draw U+00A0, U+202F and U+2212: every font postbud
// renders with has them (render/pdf checks its fonts' coverage), and a letter whose font lacked
// one would be refused at submission, never drawn without it.
//
// Numbers are formatted from their decimal literal, never through float64, so "0.285" rounds to
// "0,29" and amounts larger than 2^53 keep every digit.
package locale
