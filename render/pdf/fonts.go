package pdf

import (
	"embed"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/phpdave11/gofpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/postbud/postbud/render"
)

//go:generate sh fonts/generate.sh

//go:embed fonts/*.ttf
var fontFiles embed.FS

// style is a font style: a combination of bold and italic.
type style uint8

const (
	regular    style = 0
	bold       style = 1
	italic     style = 2
	boldItalic style = bold | italic
)

var styleNames = [4]string{"Regular", "Bold", "Italic", "BoldItalic"}

// face is one style of one font file, with the advance widths gofpdf will use for it.
type face struct {
	file string
	data []byte
	// adv[r] is the advance of rune r (r < 0x10000) in 1/1000 em, rounded per glyph exactly as
	// gofpdf rounds it; -1 when the font has no glyph for r.
	adv []int16
	// printableASCII: the face has a glyph for every character from U+0021 to U+007E, so that
	// firstMissing need not look them up.
	printableASCII bool
}

// has reports whether the face has a glyph for r.
func (f *face) has(r rune) bool { return r >= 0 && r < 0x10000 && f.adv[r] >= 0 }

// width returns the advance of s in 1/1000 em. Missing glyphs count as zero: the caller has
// checked coverage before laying text out.
func (f *face) width(s string) int {
	w := 0
	for _, r := range s {
		if f.has(r) {
			w += int(f.adv[r])
		}
	}
	return w
}

// wordWidth returns where the first ' ' or '\n' of s is (len(s) when there is none) and the
// width of s up to there, as width gives it: breakLines' search and measurement in one pass.
func (f *face) wordWidth(s string) (end, w int) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == ' ' || c == '\n' {
				return i, w
			}
			if a := f.adv[c]; a >= 0 {
				w += int(a)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if f.has(r) {
			w += int(f.adv[r])
		}
		i += n
	}
	return len(s), w
}

// fontSet is a family in four styles as one pair of files: a Latin subset or the full font.
type fontSet struct {
	key   string // family name registered with gofpdf
	files [4]string
	// embed is how gofpdf embeds the set's fonts: the small Latin subsets whole, from streams
	// gofpdf compresses once per process, so a document's font work does not depend on its text;
	// the full fonts as subsets of the glyphs used.
	embed gofpdf.UTF8FontEmbedding

	once  [4]sync.Once
	faces [4]*face
	errs  [4]error
}

func (fs *fontSet) face(s style) (*face, error) {
	fs.once[s].Do(func() { fs.faces[s], fs.errs[s] = loadFace(fs.files[s], fs.embed) })
	return fs.faces[s], fs.errs[s]
}

// family lists the font sets of a family, smallest first; a document gets the first that has
// every character it uses.
type family struct {
	sets []*fontSet
}

func newSet(key, prefix string, embed gofpdf.UTF8FontEmbedding) *fontSet {
	fs := &fontSet{key: key, embed: embed}
	for i, n := range styleNames {
		fs.files[i] = "fonts/" + prefix + "-" + n + ".ttf"
	}
	return fs
}

// families maps the family names a Document may ask for to their font files.
var families = map[string]*family{
	render.DefaultFont: {sets: []*fontSet{
		newSet("PostbudSansLatin", "PostbudSansLatin", gofpdf.UTF8FontWhole),
		newSet("LiberationSans", "LiberationSans", gofpdf.UTF8FontSubset),
	}},
}

// Families returns the font family names Render supports, for callers that validate templates.
func Families() []string {
	names := make([]string, 0, len(families))
	for n := range families {
		names = append(names, n)
	}
	return names
}

func loadFace(file string, embed gofpdf.UTF8FontEmbedding) (*face, error) {
	data, err := fontFiles.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read embedded font %s: %w", file, err)
	}
	// gofpdf recognises the font by its bytes, whichever document adds it.
	if err := gofpdf.SetUTF8FontEmbedding(data, embed); err != nil {
		return nil, fmt.Errorf("embedded font %s: %w", file, err)
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
	fc := &face{file: file, data: data, adv: adv, printableASCII: true}
	for r := rune(0x21); r < 0x7F; r++ {
		fc.printableASCII = fc.printableASCII && fc.has(r)
	}
	return fc, nil
}

// fonts is the choice of font files for one document and the styles it uses.
type fonts struct {
	set  *fontSet
	used [4]bool
}

// family returns the family name a style is registered under with gofpdf. Each style is its own
// family (in gofpdf's regular style). The PDF names the fonts by their PostScript names, with a
// subset tag for subsets (gofpdf writes both).
func (fs *fonts) family(s style) string { return "pbd" + fs.set.key + "-" + styleNames[s] }

// chooseFonts picks the smallest font set of the document's family that has a glyph for every
// character the document uses in each style, or names the first character no set has.
func chooseFonts(familyName string, texts []styledText) (*fonts, error) {
	fam, ok := families[familyName]
	if !ok {
		return nil, fmt.Errorf("font %q is not available: use one of %s", familyName, strings.Join(Families(), ", "))
	}
	fs := usedFonts(texts)
	var lastErr error
	for _, set := range fam.sets {
		missing, err := firstMissing(set, texts)
		if err != nil {
			return nil, err
		}
		if missing == nil {
			fs.set = set
			return fs, nil
		}
		lastErr = missing
	}
	return nil, lastErr
}

// usedFonts records the styles texts use; the font set is left to the caller.
func usedFonts(texts []styledText) *fonts {
	fs := &fonts{}
	for _, t := range texts {
		fs.used[t.style] = true
	}
	fs.used[regular] = true // Maroto sets the default font before anything is drawn
	return fs
}

// styledText is a piece of document text in the style it is set in, and where it comes from.
type styledText struct {
	text  string
	style style
	where string
	at    origin // the place Preflight reports
}

type missingGlyphError struct {
	r      rune
	text   string
	where  string
	family string
}

func (e *missingGlyphError) Error() string {
	text := e.text
	if r := []rune(text); len(r) > 60 {
		text = string(r[:60]) + "…"
	}
	return fmt.Sprintf("%s: character U+%04X %q in %q is not in font %s: remove or replace it",
		e.where, e.r, e.r, text, e.family)
}

// firstMissing returns the first character of texts that set has no glyph for, or nil. Printable
// ASCII, most of any text, is checked once per face (face.printableASCII) rather than character
// by character; other characters are decoded as a range loop does (U+FFFD for a byte that is
// not UTF-8).
func firstMissing(set *fontSet, texts []styledText) (*missingGlyphError, error) {
	var faces [4]*face
	for _, t := range texts {
		f := faces[t.style]
		if f == nil {
			var err error
			if f, err = set.face(t.style); err != nil {
				return nil, err
			}
			faces[t.style] = f
		}
		s := t.text
		for i := 0; i < len(s); {
			r, n := rune(s[i]), 1
			if r < utf8.RuneSelf {
				if r == ' ' || r == '\n' || (f.printableASCII && r > ' ' && r < 0x7F) {
					i++
					continue
				}
			} else {
				r, n = utf8.DecodeRuneInString(s[i:])
			}
			if !f.has(r) {
				return &missingGlyphError{r: r, text: t.text, where: t.where, family: set.key}, nil
			}
			i += n
		}
	}
	return nil, nil
}

// customFonts returns the styles the document uses, in a fixed order. Documents rendered at the
// same time share the font bytes: gofpdf only reads them (the fork fixed the data race DESIGN.md
// measured, which made postbud copy them for every document).
func (fs *fonts) customFonts() ([]*entity.CustomFont, error) {
	var out []*entity.CustomFont
	for s := regular; s <= boldItalic; s++ {
		if !fs.used[s] {
			continue
		}
		f, err := fs.set.face(s)
		if err != nil {
			return nil, err
		}
		out = append(out, &entity.CustomFont{
			Family: fs.family(s),
			Style:  fontstyle.Normal,
			Bytes:  f.data,
		})
	}
	return out, nil
}
