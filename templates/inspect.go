package templates

import (
	"fmt"
	"maps"
	"strings"
)

// FieldUse is one template action that reads case data, for tools that check a bundle (lint):
// Pointer is a JSON Pointer pattern of the data read, with "*" for any array index
// ("/table/rows/*/period"); File, Line and Col place the action (the file as Load or LoadDir
// names it).
type FieldUse struct {
	Pointer   string
	File      string
	Line, Col int
}

// Uses lists every action of the letter, its front matter and its shared blocks that reads case
// data at a known place, in the order the analysis met them (front matter details first, then
// the other front matter strings, the body and the blocks). Reads through variables bound to
// function results are left out, since their place in the data is not known.
func (b *Bundle) Uses() []FieldUse {
	out := make([]FieldUse, 0, len(b.uses))
	for _, u := range b.uses {
		out = append(out, FieldUse{Pointer: joinPointer(u.pattern), File: u.file, Line: u.line, Col: u.col})
	}
	return out
}

// Files returns a copy of every file that went into Version, by its path in the root the bundle
// was loaded from ("templates/<name>/letter.md", "layouts/<layout>/layout.yaml",
// "blocks/<block>.<lang>.md", ...). Loading these files again (as an fs.FS, with Load) gives a
// bundle of the same Version: this is what keeps a version that letters were made with.
func (b *Bundle) Files() map[string][]byte {
	return maps.Clone(b.files)
}

// Languages lists the languages the bundle has a letter in, its default (Language) first.
func (b *Bundle) Languages() []string {
	if len(b.langs) == 0 {
		return []string{b.Language}
	}
	return append([]string(nil), b.langOrder...)
}

// Lang returns the bundle's letter in language lang: the bundle itself for "" or its default
// language, else the letter.<lang>.md variant, which shares Name, Version, Schema and Sample. A
// language the bundle has no letter in is an error listing the ones it has.
func (b *Bundle) Lang(lang string) (*Bundle, error) {
	if lang == "" || lang == b.Language {
		return b, nil
	}
	if v, ok := b.langs[lang]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("template %s has no letter in language %q; its languages are %s", b.Name, lang, strings.Join(b.Languages(), ", "))
}
