package fonts

import (
	"testing"
)

// TestTypographicCoverage: every style of every set has the characters postbud's own text
// carries whatever the letter: the minus sign of negative amounts (U+2212, templates/locale),
// the no-break spaces inside amounts and digit groups (U+00A0, U+202F), the en dash, the
// ellipsis of a cut running head, the middle dot between its parts and the bullet of lists.
// Were one missing, every letter with a negative amount would be refused at submission.
func TestTypographicCoverage(t *testing.T) {
	for _, fam := range Families() {
		for _, set := range Sets(fam) {
			for st := Style(0); st < 4; st++ {
				f, err := set.Face(st)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range []rune{'\u2212', '\u00a0', '\u202f', '\u2013', '\u2026', '\u00b7', '\u2022'} {
					if !f.Has(r) {
						t.Errorf("%s, %s %s: no glyph for U+%04X %q", fam, set.Name, StyleNames[st], r, r)
					}
				}
			}
		}
	}
}
