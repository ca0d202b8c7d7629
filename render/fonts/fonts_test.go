package fonts

import (
	"errors"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/image/font/sfnt"

	"github.com/postbud/postbud/render"
)

type text struct {
	s  string
	st Style
}

type list []text

func (l list) Len() int                 { return len(l) }
func (l list) At(i int) (string, Style) { return l[i].s, l[i].st }

// firstMissingOld checks texts character by character, for TestFirstMissing.
func firstMissingOld(set *Set, texts list) (*MissingError, error) {
	for i, t := range texts {
		f, err := set.Face(t.st)
		if err != nil {
			return nil, err
		}
		for _, r := range t.s {
			switch r {
			case ' ', '\n', '\t', '\r', '\u00ad', '\u200b', '\ufeff':
				continue
			}
			if !f.Has(r) {
				return &MissingError{Rune: r, Index: i, Set: set}, nil
			}
		}
	}
	return nil, nil
}

// TestFirstMissing compares firstMissing with the character-by-character check on random texts
// of ASCII (control characters too), Latin, Greek, CJK, invisible characters and bytes that are
// not UTF-8, for every font set.
func TestFirstMissing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "Z", " ", "\n", "\t", "\r", "\x01", "\x7f", "~", "æ", "Ø", "€", "–", "α", "中", "\xff", "\xe2\x82",
		"\u00ad", "\u200b", "\ufeff", "\u2212", "Hello, World! "}
	for _, name := range Families() {
		for _, set := range Sets(name) {
			for i := 0; i < 2000; i++ {
				var texts list
				for j := rng.IntN(4); j >= 0; j-- {
					var b strings.Builder
					for k := rng.IntN(12); k >= 0; k-- {
						p := pieces[rng.IntN(len(pieces))]
						if rng.IntN(3) > 0 {
							p = pieces[len(pieces)-1] // mostly plain text
						}
						b.WriteString(p)
					}
					texts = append(texts, text{b.String(), Style(rng.IntN(4))})
				}
				got, err1 := firstMissing(set, texts)
				want, err2 := firstMissingOld(set, texts)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if !cmp.Equal(got, want, cmp.Comparer(func(a, b *Set) bool { return a == b })) {
					t.Fatalf("%s %+v: firstMissing = %v, want %v", set.Name, texts, got, want)
				}
			}
		}
	}
}

// TestChoose checks which set letters of Latin, Greek and CJK text get, and the errors.
func TestChoose(t *testing.T) {
	sets := Sets(render.DefaultFont)
	for _, tc := range []struct {
		name  string
		texts list
		want  *Set
		miss  rune
		index int
	}{
		{"empty", nil, sets[0], 0, 0},
		{"Danish and euro", list{{"Ærø Åbenrå – 1.234,50 € −86,40 kr.", Regular}, {"Afgørelse", Bold}}, sets[0], 0, 0},
		{"Romanian and Polish italic", list{{"Timișoara Łódź", Italic}, {"știință", BoldItalic}}, sets[0], 0, 0},
		{"invisible characters", list{{"soft\u00adhyphen zero\u200bwidth \ufeffbom\ttab\r\n", Regular}}, sets[0], 0, 0},
		{"Greek in bold", list{{"plain", Regular}, {"Γιώργος", Bold}}, sets[1], 0, 0},
		{"Cyrillic", list{{"Київ", Italic}}, sets[1], 0, 0},
		{"CJK", list{{"ok", Regular}, {"ok", Bold}, {"東京", Regular}}, nil, '東', 2},
		{"control character", list{{"a\x01b", Regular}}, nil, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Choose(render.DefaultFont, tc.texts)
			if tc.want != nil {
				if err != nil || got != tc.want {
					t.Fatalf("Choose = %v, %v; want %s", got, err, tc.want.Name)
				}
				return
			}
			var m *MissingError
			if !errors.As(err, &m) || m.Rune != tc.miss || m.Index != tc.index || m.Set != sets[len(sets)-1] {
				t.Fatalf("Choose error %v (%+v), want U+%04X in text %d missing from the full set", err, m, tc.miss, tc.index)
			}
		})
	}
	if _, err := Choose("Comic Sans", nil); err == nil || !strings.Contains(err.Error(), `"Comic Sans" is not available: use one of Liberation Sans`) {
		t.Errorf("unknown family: %v", err)
	}
}

// TestNames checks each file's name table against its set: the family name a document names
// the font by, and the PostScript name the PDF and the DOCX embed it under. The Latin subsets
// must not carry the Reserved Font Name "Liberation" (SIL OFL 1.1, section 3).
func TestNames(t *testing.T) {
	for _, name := range Families() {
		for i, set := range Sets(name) {
			for s := Regular; s <= BoldItalic; s++ {
				f, err := set.Face(s)
				if err != nil {
					t.Fatal(err)
				}
				fnt, err := sfnt.Parse(f.Data)
				if err != nil {
					t.Fatal(err)
				}
				var buf sfnt.Buffer
				family, err1 := fnt.Name(&buf, sfnt.NameIDFamily)
				ps, err2 := fnt.Name(&buf, sfnt.NameIDPostScript)
				if err1 != nil || err2 != nil {
					t.Fatalf("%s: %v %v", f.File, err1, err2)
				}
				wantPS := set.Name + "-" + StyleNames[s]
				if s == Regular && set.Name == "LiberationSans" {
					wantPS = "LiberationSans" // Liberation Sans 2 names its regular style so
				}
				if family != set.Family || ps != wantPS {
					t.Errorf("%s: family %q PostScript name %q, want %q %q", f.File, family, ps, set.Family, wantPS)
				}
				if i < len(Sets(name))-1 && strings.Contains(family+ps, "Liberation") {
					t.Errorf("%s: a Modified Version named %q (%s)", f.File, family, ps)
				}
			}
		}
	}
}

// TestWidth checks Width and WordWidth against the advances, with missing glyphs as zero.
func TestWidth(t *testing.T) {
	f, err := Sets(render.DefaultFont)[0].Face(Regular)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Width("Aø中"), int(f.Adv['A'])+int(f.Adv['ø']); got != want || f.Has('中') {
		t.Errorf("Width(Aø中) = %d, want %d (中 missing: %v)", got, want, !f.Has('中'))
	}
	for _, s := range []string{"", " ", "\n", "word", "word rest", "ord\nrest", "æøå€ x", "\xff\xe2 x", "α中 b", "a\tb c"} {
		want := strings.IndexAny(s, " \n")
		if want < 0 {
			want = len(s)
		}
		end, w := f.WordWidth(s)
		if end != want || w != f.Width(s[:want]) {
			t.Errorf("WordWidth(%q) = %d, %d; want %d, %d", s, end, w, want, f.Width(s[:want]))
		}
	}
}

// TestNotPlain compares notPlain with a byte-by-byte check, for every byte value in every
// position among plain neighbours and for random words: zero exactly when all eight bytes are
// from ' ' to '~', and otherwise with its lowest bit in the first byte that is not.
func TestNotPlain(t *testing.T) {
	check := func(b [8]byte) {
		first := -1
		for i, c := range b {
			if (c < ' ' || c > '~') && first < 0 {
				first = i
			}
		}
		m := notPlain(load64(string(b[:]), 0))
		got := -1
		if m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if got != first {
			t.Fatalf("notPlain(%q) = %#x: first byte out of range %d, want %d", b, m, got, first)
		}
	}
	for pos := range 8 {
		for c := range 256 {
			for _, fill := range []byte{' ', '~', 'a', 0x00, 0xFF, 0x7F} {
				var b [8]byte
				for i := range b {
					b[i] = fill
				}
				b[pos] = byte(c)
				check(b)
			}
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 100000 {
		var b [8]byte
		for i := range b {
			b[i] = byte(rng.IntN(256))
			if rng.IntN(2) == 0 {
				b[i] = byte(0x1E + rng.IntN(0x63)) // near the edges of the range
			}
		}
		check(b)
	}
}
