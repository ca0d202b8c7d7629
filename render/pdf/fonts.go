package pdf

import (
	"crypto/sha1"
	"embed"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
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

// fontSet is a family in four styles as one pair of files: a Latin subset or the full font.
type fontSet struct {
	key   string // family name registered with gofpdf; appears in the PDF's font names
	files [4]string

	once  [4]sync.Once
	faces [4]*face
	errs  [4]error
}

func (fs *fontSet) face(s style) (*face, error) {
	fs.once[s].Do(func() { fs.faces[s], fs.errs[s] = loadFace(fs.files[s]) })
	return fs.faces[s], fs.errs[s]
}

// family lists the font sets of a family, smallest first; a document gets the first that has
// every character it uses.
type family struct {
	sets []*fontSet
}

func newSet(key, prefix string) *fontSet {
	fs := &fontSet{key: key}
	for i, n := range styleNames {
		fs.files[i] = "fonts/" + prefix + "-" + n + ".ttf"
	}
	return fs
}

// families maps the family names a Document may ask for to their font files.
var families = map[string]*family{
	render.DefaultFont: {sets: []*fontSet{
		newSet("PostbudSansLatin", "PostbudSansLatin"),
		newSet("LiberationSans", "LiberationSans"),
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

func loadFace(file string) (*face, error) {
	data, err := fontFiles.ReadFile(file)
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
	return &face{file: file, data: data, adv: adv}, nil
}

// fonts is the choice of font files for one document and the styles it uses.
type fonts struct {
	set  *fontSet
	used [4]bool
	// chars holds the characters drawn in each style, which name the font subsets.
	chars [4]map[rune]bool
}

// family returns the family name a style is registered under with gofpdf. Each style is its own
// family (in gofpdf's regular style) so that finish can rename the fonts in place: gofpdf names an
// embedded font "utf8" + the lower-cased family, "utf8pbd" is as long as a subset tag "ABCDEF+",
// and what follows is the font's PostScript name.
func (fs *fonts) family(s style) string { return "pbd" + fs.set.key + "-" + styleNames[s] }

// renames returns the font names gofpdf writes and the subset names that replace them.
func (fs *fonts) renames() [][2]string {
	var out [][2]string
	for s := regular; s <= boldItalic; s++ {
		if !fs.used[s] {
			continue
		}
		chars := make([]rune, 0, len(fs.chars[s]))
		for r := range fs.chars[s] {
			chars = append(chars, r)
		}
		slices.Sort(chars)
		sum := sha1.Sum([]byte(fs.set.key + styleNames[s] + string(chars)))
		tag := make([]byte, 6)
		for i := range tag {
			tag[i] = 'A' + sum[i]%26
		}
		name := fs.set.key + "-" + styleNames[s]
		out = append(out, [2]string{"/utf8" + strings.ToLower(fs.family(s)), "/" + string(tag) + "+" + name})
	}
	// Longest first: "...-bold" is a prefix of "...-bolditalic".
	slices.SortStableFunc(out, func(a, b [2]string) int { return len(b[0]) - len(a[0]) })
	return out
}

// chooseFonts picks the smallest font set of the document's family that has a glyph for every
// character the document uses in each style, or names the first character no set has.
// The characters of each style, which only name the subsets in the PDF, are left out when
// withChars is false.
func chooseFonts(familyName string, texts []styledText, withChars bool) (*fonts, error) {
	fam, ok := families[familyName]
	if !ok {
		return nil, fmt.Errorf("font %q is not available: use one of %s", familyName, strings.Join(Families(), ", "))
	}
	fs := usedFonts(texts, withChars)
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

// usedFonts records the styles texts use and the characters drawn in each; the font set is
// left to the caller.
func usedFonts(texts []styledText, withChars bool) *fonts {
	fs := &fonts{}
	for _, t := range texts {
		fs.used[t.style] = true
		if !withChars {
			continue
		}
		if fs.chars[t.style] == nil {
			fs.chars[t.style] = map[rune]bool{}
		}
		for _, r := range t.text {
			fs.chars[t.style][r] = true
		}
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

func firstMissing(set *fontSet, texts []styledText) (*missingGlyphError, error) {
	for _, t := range texts {
		f, err := set.face(t.style)
		if err != nil {
			return nil, err
		}
		for _, r := range t.text {
			if r == ' ' || r == '\n' {
				continue
			}
			if !f.has(r) {
				return &missingGlyphError{r: r, text: t.text, where: t.where, family: set.key}, nil
			}
		}
	}
	return nil, nil
}

// customFonts returns the styles the document uses, in a fixed order, each with its own copy of
// the font bytes: DESIGN.md measured a data race inside gofpdf when documents rendered at the same
// time share one slice.
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
			Bytes:  append([]byte(nil), f.data...),
		})
	}
	return out, nil
}
