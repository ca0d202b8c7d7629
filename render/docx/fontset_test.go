package docx

import (
	"strings"
	"testing"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/fonts"
)

// TestFontClass checks w:family and w:pitch as read from a font's OS/2 fields, and the real
// fonts' values.
func TestFontClass(t *testing.T) {
	for _, tc := range []struct {
		class         uint8
		panose        [10]byte
		family, pitch string
	}{
		{8, [10]byte{2, 11, 6, 4}, "swiss", "variable"},
		{1, [10]byte{2, 2, 6, 3}, "roman", "variable"},
		{7, [10]byte{2, 2, 6, 3}, "roman", "variable"},
		{10, [10]byte{3, 1, 1, 1}, "script", "variable"},
		{12, [10]byte{5}, "decorative", "variable"},
		{9, [10]byte{4}, "decorative", "variable"},
		{8, [10]byte{2, 11, 6, 9}, "modern", "fixed"},
		{0, [10]byte{}, "auto", "variable"},
	} {
		f := &embeddedFace{familyClass: tc.class, panose: tc.panose}
		if f.family() != tc.family || f.pitch() != tc.pitch {
			t.Errorf("class %d panose %v: %s %s, want %s %s", tc.class, tc.panose, f.family(), f.pitch(), tc.family, tc.pitch)
		}
	}
	for _, set := range fonts.Sets(render.DefaultFont) {
		for s := styleRegular; s <= styleBoldItalic; s++ {
			f, err := embed(set, s)
			if err != nil {
				t.Fatal(err)
			}
			if f.familyClass != 8 || f.family() != "swiss" || f.pitch() != "variable" {
				t.Errorf("%s %s: class %d, %s %s; want 8, swiss variable", set.Name, styleFiles[s], f.familyClass, f.family(), f.pitch())
			}
		}
	}
}

// TestFontsMissingGlyph checks that a letter with a character no font set has (which render/pdf
// rejects, and lays out in the fullest set for Preflight) still renders, in the full Liberation
// Sans, and that a letter in Latin text gets the Latin subsets.
func TestFontsMissingGlyph(t *testing.T) {
	d := testdoc.Reference()
	d.Body = append(d.Body, &render.Paragraph{Runs: []render.Run{{Text: "東京"}}})
	ft := string(render1(t, d).parts["word/fontTable.xml"])
	if !strings.Contains(ft, `<w:font w:name="Liberation Sans"><w:altName w:val="Arial"/>`) {
		t.Errorf("a letter with CJK text:\n%s", ft)
	}
	set, used, err := chooseFonts(testdoc.Reference(), render.DefaultFont)
	if err != nil || set != fonts.Sets(render.DefaultFont)[0] || !used[styleRegular] || !used[styleBold] {
		t.Errorf("reference letter: set %v, used %v, %v; want Postbud Sans Latin with regular and bold", set, used, err)
	}
	if set, _, err := chooseFonts(testdoc.Reference(), "Verdana"); set != nil || err != nil {
		t.Errorf("Verdana: set %v, %v; want none", set, err)
	}
}

// TestListBullets checks that list items are marked with "•" at every level, as render/pdf marks
// them, a character every font set has.
func TestListBullets(t *testing.T) {
	for _, set := range fonts.Sets(render.DefaultFont) {
		f, err := set.Face(styleRegular)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Has('•') {
			t.Errorf("%s lacks •", set.Name)
		}
	}
	if n := strings.Count(abstractNumbering, `<w:lvlText w:val="•"/>`); n != maxListLevel+1 {
		t.Errorf("%d bullet levels marked •, want %d:\n%s", n, maxListLevel+1, abstractNumbering)
	}
}
