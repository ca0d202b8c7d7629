package pdf

import (
	"errors"
	"fmt"
	"sync"

	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/phpdave11/gofpdf"

	fontfiles "github.com/postbud/postbud/render/fonts"
)

// style is a font style: a combination of bold and italic.
type style = fontfiles.Style

const (
	regular    = fontfiles.Regular
	bold       = fontfiles.Bold
	italic     = fontfiles.Italic
	boldItalic = fontfiles.BoldItalic
)

// face is one style of a font set as the layout measures it: render/fonts' Face under the names
// the layout code uses.
type face struct {
	ff   *fontfiles.Face
	file string
	data []byte
	// adv[r] is the advance of rune r (r < 0x10000) in 1/1000 em, rounded per glyph exactly as
	// gofpdf rounds it; -1 when the font has no glyph for r.
	adv []int16
}

// has reports whether the face has a glyph for r.
func (f *face) has(r rune) bool { return r >= 0 && r < 0x10000 && f.adv[r] >= 0 }

// width returns the advance of s in 1/1000 em (fontfiles.Face.Width).
func (f *face) width(s string) int { return f.ff.Width(s) }

// wordWidth returns where the first ' ' or '\n' of s is and the width of s up to there
// (fontfiles.Face.WordWidth): breakLines' search and measurement in one pass.
func (f *face) wordWidth(s string) (end, w int) { return f.ff.WordWidth(s) }

// fontSet is a render/fonts set as gofpdf embeds it.
type fontSet struct {
	set *fontfiles.Set
	key string // family name registered with gofpdf
	// embed is how gofpdf embeds the set's fonts: the small Latin subsets whole, from streams
	// gofpdf compresses once per process, so a document's font work does not depend on its text;
	// the full fonts as subsets of the glyphs used.
	embed gofpdf.UTF8FontEmbedding

	once  [4]sync.Once
	faces [4]*face
	errs  [4]error
}

func (fs *fontSet) face(s style) (*face, error) {
	fs.once[s].Do(func() { fs.faces[s], fs.errs[s] = fs.load(s) })
	return fs.faces[s], fs.errs[s]
}

func (fs *fontSet) load(s style) (*face, error) {
	f, err := fs.set.Face(s)
	if err != nil {
		return nil, err
	}
	// gofpdf recognises the font by its bytes, whichever document adds it.
	if err := gofpdf.SetUTF8FontEmbedding(f.Data, fs.embed); err != nil {
		return nil, fmt.Errorf("embedded font %s: %w", f.File, err)
	}
	return &face{ff: f, file: f.File, data: f.Data, adv: f.Adv}, nil
}

// family lists the font sets of a family, smallest first, as render/fonts lists them; a
// document gets the first that has every character it uses (fontfiles.Choose).
type family struct {
	sets []*fontSet
}

// wholeSets are the font sets gofpdf embeds whole: the Latin subsets, 23 KB a style. The others
// (the full fonts) are embedded as subsets of the glyphs a document uses.
var wholeSets = map[string]bool{"PostbudSansLatin": true}

// families maps the family names a Document may ask for to their font sets.
var families = func() map[string]*family {
	out := map[string]*family{}
	for _, name := range fontfiles.Families() {
		fam := &family{}
		for _, set := range fontfiles.Sets(name) {
			embed := gofpdf.UTF8FontSubset
			if wholeSets[set.Name] {
				embed = gofpdf.UTF8FontWhole
			}
			fam.sets = append(fam.sets, &fontSet{set: set, key: set.Name, embed: embed})
		}
		out[name] = fam
	}
	return out
}()

// Families returns the font family names Render supports, for callers that validate templates.
func Families() []string { return fontfiles.Families() }

// fonts is the choice of font files for one document and the styles it uses.
type fonts struct {
	set  *fontSet
	used [4]bool
}

// family returns the family name a style is registered under with gofpdf. Each style is its own
// family (in gofpdf's regular style). The PDF names the fonts by their PostScript names, with a
// subset tag for subsets (gofpdf writes both).
func (fs *fonts) family(s style) string { return "pbd" + fs.set.key + "-" + fontfiles.StyleNames[s] }

// textList is a document's texts as fontfiles.Choose reads them.
type textList []styledText

func (l textList) Len() int                 { return len(l) }
func (l textList) At(i int) (string, style) { return l[i].text, l[i].style }

// chooseFonts picks the smallest font set of the document's family that has a glyph for every
// character the document uses in each style (fontfiles.Choose, which render/docx uses too, so
// that a DOCX embeds the PDF's fonts), or names the first character no set has.
func chooseFonts(familyName string, texts []styledText) (*fonts, error) {
	set, err := fontfiles.Choose(familyName, textList(texts))
	if err != nil {
		var m *fontfiles.MissingError
		if errors.As(err, &m) {
			t := texts[m.Index]
			return nil, &missingGlyphError{r: m.Rune, text: t.text, where: t.where, family: m.Set.Name}
		}
		return nil, err
	}
	fs := usedFonts(texts)
	for _, s := range families[familyName].sets {
		if s.set == set {
			fs.set = s
		}
	}
	return fs, nil
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
