package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// okFront is a front matter the loader accepts; the cases below break it one way each.
const okFront = "---\ntitle: Afgørelse\nlanguage: da\nlayout: kommune\nrecipient: ['{{ .name }}']\n"

func TestFrontMatterProblems(t *testing.T) {
	for _, c := range []struct {
		name, file, src string
		want            []Problem
	}{
		{"fine", "letter.md", okFront + "---\nbody\n", nil},
		{"unknown key with a suggestion", "letter.md", okFront + "sendr: {name: x}\n---\n",
			[]Problem{{Line: 6, Col: 1, Msg: `unknown key "sendr" in the front matter; did you mean "sender"?`}}},
		{"unknown key far from any", "letter.md", okFront + "colour: blue\n---\n",
			[]Problem{{Line: 6, Col: 1, Msg: `unknown key "colour" in the front matter; the keys are blocks, description, details, footer, keywords, language, layout, memo, recipient, requires, sender, signature, subject, title`}}},
		{"unknown nested key", "letter.md", okFront + "memo:\n  lable: x\n---\n",
			[]Problem{{Line: 7, Col: 3, Msg: `unknown key "lable" in memo; did you mean "label"?`}}},
		{"boolean in quotes is text", "letter.md", okFront + "memo:\n  mandatory: yes\n---\n",
			[]Problem{{Line: 7, Col: 14, Msg: `memo.mandatory must be true or false, got "yes"`}}},
		{"boolean quoted", "letter.md", okFront + "memo:\n  legal_notification: \"true\"\n---\n",
			[]Problem{{Line: 7, Col: 23, Msg: `memo.legal_notification must be true or false, got "true"; write it without quotes`}}},
		{"missing required keys", "letter.md", "---\ntitle: x\nrecipient: [a]\n---\n",
			[]Problem{{Line: 2, Col: 1, Msg: "the front matter needs language:"}, {Line: 2, Col: 1, Msg: "the front matter needs layout:"}}},
		{"empty front matter", "letter.md", "---\n---\n", []Problem{
			{Line: 2, Col: 1, Msg: "the front matter needs title:"}, {Line: 2, Col: 1, Msg: "the front matter needs language:"},
			{Line: 2, Col: 1, Msg: "the front matter needs layout:"}, {Line: 2, Col: 1, Msg: "the front matter needs recipient:"}}},
		{"list where text is wanted", "letter.md", okFront + "subject: [a, b]\n---\n",
			[]Problem{{Line: 6, Col: 10, Msg: "subject must be text, got a list"}}},
		{"text where a list is wanted", "letter.md", okFront + "blocks: klagevejledning\n---\n",
			[]Problem{{Line: 6, Col: 9, Msg: `blocks must be a list, e.g. [a, b] or lines starting with "- ", got "klagevejledning"`}}},
		{"unknown language", "letter.md", "---\ntitle: x\nlanguage: es\nlayout: kommune\nrecipient: [a]\n---\n",
			[]Problem{{Line: 3, Col: 11, Msg: `language must be a language code postbud supports: da, sv, nb, nn, nl, fi, de, fr or en (optionally with a region, e.g. en-US), got "es"`}}},
		{"no recipient lines", "letter.md", "---\ntitle: x\nlanguage: da\nlayout: kommune\nrecipient: []\n---\n",
			[]Problem{{Line: 5, Col: 12, Msg: "recipient needs at least 1 entry"}}},
		{"block twice", "letter.md", okFront + "blocks: [kontakt, kontakt]\n---\n",
			[]Problem{{Line: 6, Col: 19, Msg: `blocks lists "kontakt" twice`}}},
		{"details entry without label or key", "letter.md", okFront + "details:\n  - {key: date, value: x}\n  - {value: y}\n---\n",
			[]Problem{{Line: 8, Col: 5, Msg: "details[1] needs label: or key: (date or case)"}}},
		{"details key not date or case", "letter.md", okFront + "details:\n  - key: datum\n    value: x\n---\n",
			[]Problem{{Line: 7, Col: 10, Msg: `details[0].key must be "date" or "case", got "datum"`}}},
		{"memo version", "letter.md", okFront + "memo: {version: \"1.3\"}\n---\n",
			[]Problem{{Line: 6, Col: 17, Msg: `memo.version must be "1.1" or "1.2", got "1.3"`}}},
		{"case_id without case_system", "letter.md", okFront + "memo:\n  label: x\n  case_id: '{{ .c }}'\n---\n",
			[]Problem{{Line: 8, Col: 3, Msg: "memo needs case_system: too when case_id is given (the name of the system the case number belongs to), or neither"}}},
		{"kle without label", "letter.md", okFront + "memo:\n  kle: {subject_key: '27.24.00', version: 1}\n---\n",
			[]Problem{{Line: 7, Col: 3, Msg: "memo.kle needs label:"}}},
		{"action code and end", "letter.md", okFront + "memo:\n  actions:\n    - label: Betal\n      code: betaling\n      url: u\n      end: 2026-13-01\n---\n",
			[]Problem{
				{Line: 9, Col: 13, Msg: `memo.actions[0].code must be an upper-case word such as BETALING, SELVBETJENING, INFORMATION or AFTALE, got "betaling"`},
				{Line: 11, Col: 12, Msg: `memo.actions[0].end must be a date ("2026-12-07") or a date and time ("2026-12-07T10:30:00+01:00"), or a {{ }} expression that gives one, got "2026-13-01"`}}},
		{"signature image", "letter.md", okFront + "signature:\n  image: sig.gif\n---\n",
			[]Problem{{Line: 7, Col: 10, Msg: `signature.image must be the name of a PNG or JPEG file next to letter.md, e.g. signature.png, got "sig.gif"`}}},
		{"duplicate key", "letter.md", okFront + "title: again\n---\n",
			[]Problem{{Line: 6, Col: 1, Msg: `key "title" appears twice in the front matter`}}},
		{"alias", "letter.md", okFront + "subject: &s x\nfooter: *s\n---\n",
			[]Problem{{Line: 7, Col: 9, Msg: "YAML aliases (*s) are not supported in the front matter: write the value out"}}},
		{"YAML syntax", "letter.md", okFront + "subject: 'open\n---\n",
			[]Problem{{Line: 6, Msg: "invalid YAML: found unexpected end of stream"}}},
		{"YAML syntax on a line", "letter.md", "---\ntitle: x\n  language: : da\n---\n",
			[]Problem{{Line: 3, Msg: "invalid YAML: mapping values are not allowed in this context"}}},
		{"unclosed list", "letter.md", okFront + "blocks: [kontakt\nsubject: x\n---\n",
			[]Problem{{Line: 6, Msg: "invalid YAML: did not find expected ',' or ']'"}}},
		{"not a mapping", "letter.md", "---\n- title\n---\n",
			[]Problem{{Line: 2, Col: 1, Msg: "the front matter must be keys and values (key: value), got a list"}}},
		{"no front matter", "letter.md", "title: x\n",
			[]Problem{{Line: 1, Msg: `a letter must start with front matter: a line "---", the settings (title:, language:, layout:, recipient:, ...), and another line "---"`}}},
		{"not closed", "letter.md", okFront,
			[]Problem{{Line: 1, Msg: `the front matter is not closed: add a line "---" after the settings`}}},
		{"CRLF and BOM", "letter.md", "\ufeff---\r\ntitle: x\r\nlanguage: da\r\nlayout: kommune\r\nrecipient: [a]\r\nmemo: {mandatory: 1}\r\n---\r\n",
			[]Problem{{Line: 6, Col: 19, Msg: "memo.mandatory must be true or false, got 1"}}},
		{"language of letter.<lang>.md", "templates/x/letter.fi.md", okFront + "---\n",
			[]Problem{{Line: 3, Col: 11, Msg: `language is "da", but the file is letter.fi.md: write language: fi, or rename the file to letter.da.md`}}},
		{"letter.<lang>.md in its language", "templates/x/letter.da.md", okFront + "---\n", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			for i := range c.want {
				c.want[i].File, c.want[i].Severity = c.file, Error
			}
			if diff := cmp.Diff(c.want, FrontMatter(c.file, []byte(c.src))); diff != "" {
				t.Errorf("FrontMatter(%q) (-want +got):\n%s", c.src, diff)
			}
		})
	}
}

func TestLayoutProblems(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      []Problem
	}{
		{"empty", "", nil},
		{"fine", "page: {size: A4, margins: {top: 15}}\naccent: \"#1f4e79\"\nlogo: logo.png\nlogo_alt: Aarhus\n", nil},
		{"page size", "page:\n  size: A5\n", []Problem{{Line: 2, Col: 9, Msg: `page.size must be A4 (the only size supported for now), got "A5"`}}},
		{"margin out of range", "page:\n  margins: {top: 90}\n", []Problem{{Line: 2, Col: 18, Msg: "page.margins.top must be a number from 0 to 80, got 90"}}},
		{"margin misspelt", "page:\n  margins: {lft: 3}\n", []Problem{{Line: 2, Col: 13, Msg: `unknown key "lft" in page.margins; did you mean "left"?`}}},
		{"size not a number", "size: big\n", []Problem{{Line: 1, Col: 7, Msg: `size must be a number, got "big"`}}},
		{"accent without quotes is a comment", "accent: #1f4e79\n", []Problem{{Line: 1, Col: 8, Msg: `accent must be a colour like "#1f4e79" (in quotes), got nothing`}}},
		{"logo_alt without logo", "footer: x\nlogo_alt: Aarhus\n", []Problem{{Line: 2, Col: 1, Msg: "layout.yaml has logo_alt, which describes the logo, but no logo:"}}},
		{"window incomplete", "window: {x: 20, y: 45}\n", []Problem{
			{Line: 1, Col: 1, Msg: "window needs width:"}, {Line: 1, Col: 1, Msg: "window needs height:"}}},
		{"page label", "page_label:\n  da: Side\n", []Problem{{Line: 2, Col: 7, Msg: `page_label.da must contain {page}, e.g. "Side {page} af {pages}", got "Side"`}}},
		{"pdfa", "pdfa: 3b\n", []Problem{{Line: 1, Col: 7, Msg: `pdfa must be off, 1b or 2b (PDF/A-1b, PDF/A-2b), got "3b"`}}},
		{"unknown top key", "margins: {top: 1}\n", []Problem{{Line: 1, Col: 1, Msg: `unknown key "margins" in layout.yaml; the keys are accent, font, footer, logo, logo_alt, page, page_label, pdfa, sender, size, window`}}},
		{"syntax", "footer: x\nsender:\n\tname: x\n", []Problem{{Line: 3, Msg: "invalid YAML: found character that cannot start any token"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for i := range c.want {
				c.want[i].File, c.want[i].Severity = "layouts/k/layout.yaml", Error
			}
			if diff := cmp.Diff(c.want, Layout("layouts/k/layout.yaml", []byte(c.src))); diff != "" {
				t.Errorf("Layout(%q) (-want +got):\n%s", c.src, diff)
			}
		})
	}
}

// TestSchemaSamplesClean checks that every sample letter and layout passes.
func TestSchemaSamplesClean(t *testing.T) {
	letters, _ := filepath.Glob("../../samples/templates/*/letter*.md")
	layouts, _ := filepath.Glob("../../samples/layouts/*/layout.yaml")
	if len(letters) < 5 || len(layouts) < 4 {
		t.Fatalf("found %d letters and %d layouts; the samples are missing", len(letters), len(layouts))
	}
	for _, files := range [][]string{letters, layouts} {
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			check := FrontMatter
			if strings.HasSuffix(f, ".yaml") {
				check = Layout
			}
			if ps := check(f, src); len(ps) > 0 {
				t.Errorf("%s: %v", f, ps)
			}
		}
	}
}

// FuzzSchema checks that any file gives problems with a place, never a panic.
func FuzzSchema(f *testing.F) {
	f.Add([]byte(okFront + "memo: {mandatory: yes, kle: {version: *a}}\n---\n"))
	f.Add([]byte("---\n&a [*a]\n---\n"))
	f.Add([]byte("page: {margins: {top: .inf}}\nsize: 0x10\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, ps := range [][]Problem{FrontMatter("letter.fi.md", src), Layout("layout.yaml", src)} {
			for _, p := range ps {
				if p.Line < 1 || p.Msg == "" || p.Severity != Error {
					t.Fatalf("problem without a place or message: %+v", p)
				}
			}
		}
	})
}
