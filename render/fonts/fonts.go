package fonts

import (
	"embed"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/postbud/postbud/render"
)

//go:generate sh generate.sh

//go:embed *.ttf
var files embed.FS

// Style is a font style: a combination of Bold and Italic.
type Style uint8

const (
	Regular    Style = 0
	Bold       Style = 1
	Italic     Style = 2
	BoldItalic Style = Bold | Italic
)

// StyleNames are the styles as font file names spell them.
var StyleNames = [4]string{"Regular", "Bold", "Italic", "BoldItalic"}

// Face is one style of one font file, with its advance widths. Its slices are shared by every
// letter and must not be modified.
type Face struct {
	File string // the file's name, e.g. "PostbudSansLatin-Bold.ttf"
	Data []byte // the font file
	// Adv[r] is the advance of rune r (r < 0x10000) in 1/1000 em, rounded per glyph exactly as
	// gofpdf rounds it (so that a width is the one the PDF places glyphs by); -1 when the font
	// has no glyph for r.
	Adv []int16
	// printableASCII: the face has a glyph for every character from U+0021 to U+007E, so that
	// Choose need not look them up.
	printableASCII bool
}

// Has reports whether the face has a glyph for r.
func (f *Face) Has(r rune) bool { return r >= 0 && r < 0x10000 && f.Adv[r] >= 0 }

// Width returns the advance of s in 1/1000 em. Missing glyphs count as zero: the caller has
// chosen a set that has them, or accepts that they are not drawn.
func (f *Face) Width(s string) int {
	w := 0
	for _, r := range s {
		if f.Has(r) {
			w += int(f.Adv[r])
		}
	}
	return w
}

// WordWidth returns where the first ' ' or '\n' of s is (len(s) when there is none) and the
// width of s up to there, as Width gives it: a line breaker's search and measurement in one pass.
func (f *Face) WordWidth(s string) (end, w int) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == ' ' || c == '\n' {
				return i, w
			}
			if a := f.Adv[c]; a >= 0 {
				w += int(a)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if f.Has(r) {
			w += int(f.Adv[r])
		}
		i += n
	}
	return len(s), w
}

// Set is a family in four styles as one group of files: a Latin subset or the full font.
type Set struct {
	// Name is the files' common prefix and the fonts' PostScript names without the style:
	// "PostbudSansLatin" or "LiberationSans".
	Name string
	// Family is the family name the fonts' name tables give, which a document names the font by:
	// "Postbud Sans Latin" or "Liberation Sans".
	Family string

	once  [4]sync.Once
	faces [4]*Face
	errs  [4]error
}

// Face returns style s of the set, read and measured on first use; it is safe for concurrent
// use.
func (fs *Set) Face(s Style) (*Face, error) {
	s &= BoldItalic
	fs.once[s].Do(func() { fs.faces[s], fs.errs[s] = load(fs.Name + "-" + StyleNames[s] + ".ttf") })
	return fs.faces[s], fs.errs[s]
}

// families maps the family names a Document may ask for to their font sets, smallest first.
var families = map[string][]*Set{
	render.DefaultFont: {
		{Name: "PostbudSansLatin", Family: "Postbud Sans Latin"},
		{Name: "LiberationSans", Family: "Liberation Sans"},
	},
}

// Families returns the font family names postbud has files for, sorted.
func Families() []string {
	names := make([]string, 0, len(families))
	for n := range families {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Sets returns the font sets of a family, smallest first, or nil when postbud has no files for
// it. The slice is shared and must not be modified.
func Sets(family string) []*Set { return families[family] }

func load(file string) (*Face, error) {
	data, err := files.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read embedded font %s: %w", file, err)
	}
	f, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("parse embedded font %s: %w", file, err)
	}
	var buf sfnt.Buffer
	upem := f.UnitsPerEm()
	ppem := fixed.I(int(upem))
	adv := make([]int16, 0x10000)
	for r := range adv {
		adv[r] = -1
		gid, err := f.GlyphIndex(&buf, rune(r))
		if err != nil || gid == 0 {
			continue
		}
		a, err := f.GlyphAdvance(&buf, gid, ppem, font.HintingNone)
		if err != nil {
			return nil, fmt.Errorf("read advance of U+%04X in %s: %w", r, file, err)
		}
		// gofpdf: round(1000/unitsPerEm * advance) per glyph.
		adv[r] = int16(math.Round(1000 / float64(upem) * float64(a) / 64))
	}
	fc := &Face{File: file, Data: data, Adv: adv, printableASCII: true}
	for r := rune(0x21); r < 0x7F; r++ {
		fc.printableASCII = fc.printableASCII && fc.Has(r)
	}
	return fc, nil
}

// Texts is the text a letter prints: Len pieces, the i-th At(i) in the style it is set in.
type Texts interface {
	Len() int
	At(i int) (text string, st Style)
}

// MissingError is the first character of a letter's texts that no set of its family has a
// glyph for (the fullest set, the last tried).
type MissingError struct {
	Rune  rune
	Index int // of the text in Texts
	Set   *Set
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("character U+%04X %q is not in font %s", e.Rune, e.Rune, e.Set.Name)
}

// Choose returns the first (smallest) set of family that has a glyph, in the style each text is
// set in, for every character of texts. Characters that are not drawn need none: spaces, line
// breaks and tabs, the soft hyphen (U+00AD), the zero-width space (U+200B) and the byte order
// mark (U+FEFF). When no set has them all, the error is a *MissingError; when postbud has no
// files for family, an error naming the families it has.
//
// Printable ASCII, most of any text, is checked once per face rather than character by
// character; other characters are decoded as a range loop does (U+FFFD for a byte that is not
// UTF-8).
func Choose(family string, texts Texts) (*Set, error) {
	sets, ok := families[family]
	if !ok {
		return nil, fmt.Errorf("font %q is not available: use one of %s", family, strings.Join(Families(), ", "))
	}
	var last error
	for _, set := range sets {
		m, err := firstMissing(set, texts)
		if err != nil {
			return nil, err
		}
		if m == nil {
			return set, nil
		}
		last = m
	}
	return nil, last
}

// firstMissing returns the first character of texts that set has no glyph for, or nil.
func firstMissing(set *Set, texts Texts) (*MissingError, error) {
	var faces [4]*Face
	for i, n := 0, texts.Len(); i < n; i++ {
		s, st := texts.At(i)
		st &= BoldItalic
		f := faces[st]
		if f == nil {
			var err error
			if f, err = set.Face(st); err != nil {
				return nil, err
			}
			faces[st] = f
		}
		for j := 0; j < len(s); {
			if f.printableASCII && j+8 <= len(s) {
				// Eight bytes at a time: past them when all are from ' ' to '~', else up to the
				// first that is not.
				if m := notPlain(load64(s, j)); m == 0 {
					j += 8
					continue
				} else if k := bits.TrailingZeros64(m) >> 3; k > 0 {
					j += k
				}
			}
			r, n := rune(s[j]), 1
			if r < utf8.RuneSelf {
				if r == ' ' || r == '\n' || (f.printableASCII && r > ' ' && r < 0x7F) {
					j++
					continue
				}
			} else {
				r, n = utf8.DecodeRuneInString(s[j:])
			}
			if !f.Has(r) && !invisible(r) {
				return &MissingError{Rune: r, Index: i, Set: set}, nil
			}
			j += n
		}
	}
	return nil, nil
}

// notPlain returns the top bit of each of the eight bytes of x (little-endian) that is not from
// ' ' (0x20) to '~' (0x7E), and maybe of bytes above it: zero when all are. A byte below 0x20
// sets its top bit when 0x20 is subtracted, 0x7F when 1 is added, and one from 0x80 up has it
// set already; bytes in range neither borrow nor carry, so the lowest bit set marks the first
// byte out of range exactly.
func notPlain(x uint64) uint64 {
	const lo, one, hi = 0x2020202020202020, 0x0101010101010101, 0x8080808080808080
	return ((x - lo) | (x + one) | x) & hi
}

// load64 returns the 8 bytes of s from i as a little-endian word (one load on amd64 and arm64).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// invisible reports whether r is a character renderers draw no glyph for.
func invisible(r rune) bool {
	return r == '\t' || r == '\r' || r == 0xAD || r == 0x200B || r == 0xFEFF
}
