package locale_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/postbud/postbud/templates/locale"
)

func Example() {
	d := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, tag := range []string{"da-DK", "sv", "nb", "nl-BE", "fi", "de-AT", "fr", "en-US"} {
		l, err := locale.Lookup(tag)
		if err != nil {
			fmt.Println(err)
			return
		}
		long, _ := l.Date(d, "long")
		short, _ := l.Date(d, "short")
		money, _ := l.Money(123450, "")
		// Show no-break spaces as "_" and narrow ones as "'" to make them visible.
		money = strings.NewReplacer("\u00a0", "_", "\u202f", "'").Replace(money)
		fmt.Printf("%-5s | %-20s | %-10s | %-12s | %s | %s\n", l.Tag, long, short, money,
			l.Label("page"), l.Label("regards"))
	}
	// Output:
	// da    | 23. november 2026    | 23.11.2026 | 1.234,50_kr. | Side {page} af {pages} | Med venlig hilsen
	// sv    | 23 november 2026     | 2026-11-23 | 1_234,50_kr  | Sida {page} av {pages} | Med vänliga hälsningar
	// nb    | 23. november 2026    | 23.11.2026 | kr_1_234,50  | Side {page} av {pages} | Med vennlig hilsen
	// nl-BE | 23 november 2026     | 23/11/2026 | €_1.234,50   | Pagina {page} van {pages} | Met vriendelijke groet
	// fi    | 23. marraskuuta 2026 | 23.11.2026 | 1'234,50_€   | Sivu {page}/{pages} | Ystävällisin terveisin
	// de-AT | 23. November 2026    | 23.11.2026 | 1.234,50_€   | Seite {page} von {pages} | Mit freundlichen Grüßen
	// fr    | 23 novembre 2026     | 23/11/2026 | 1'234,50_€   | Page {page} sur {pages} | Veuillez agréer nos salutations distinguées
	// en-US | November 23, 2026    | 11/23/2026 | $1,234.50    | Page {page} of {pages} | Yours sincerely
}

func ExampleLocale_Number() {
	l, _ := locale.Lookup("da")
	s, _ := l.Number("1234567.891", 2)
	fmt.Println(s)
	_, err := l.Number("12,5", 2)
	fmt.Println(err)
	fmt.Println(l.Plural(1, "dag", "dage"), l.Plural(14, "dag", "dage"))
	// Output:
	// 1.234.567,89
	// format number "12,5" in da: not a number: unexpected "," at offset 2; a number is digits with an optional . and exponent, such as -1234.5 or 1e3
	// dag dage
}
