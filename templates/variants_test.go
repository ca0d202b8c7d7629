package templates

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// englishLetter is the fixture's letter.md in English: the same data, other words.
func englishLetter(t *testing.T, root string) string {
	t.Helper()
	src := readFile(t, filepath.Join(root, "templates/boligstoette/letter.md"))
	src = strings.Replace(src, "language: da", "language: en", 1)
	return src
}

func TestLanguageVariants(t *testing.T) {
	root := fixture(t)
	dir := filepath.Join(root, "templates/boligstoette")
	writeFile(t, root, "blocks/klagevejledning.en.md", "## How to complain\n\nWrite to us within four weeks.\n")
	writeFile(t, root, "templates/boligstoette/letter.en.md", englishLetter(t, root))
	b, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(b.Languages(), ","); got != "da,en" {
		t.Fatalf("Languages() = %s, want da,en (default first)", got)
	}
	en, err := b.Lang("en")
	if err != nil {
		t.Fatal(err)
	}
	if en.Language != "en" || en.Version != b.Version || en.Name != b.Name {
		t.Fatalf("en variant: language %q version %s name %s; want en, %s, %s", en.Language, en.Version, en.Name, b.Version, b.Name)
	}
	if same, _ := b.Lang(""); same != b {
		t.Error(`Lang("") is not the bundle itself`)
	}
	if back, _ := en.Lang("da"); back != b {
		t.Error(`en.Lang("da") is not the default letter`)
	}
	if _, err := b.Lang("fi"); err == nil || !strings.Contains(err.Error(), "its languages are da, en") {
		t.Errorf(`Lang("fi") = %v, want an error listing da, en`, err)
	}
	// The language drives dates, page words and the shared blocks.
	d, err := en.Document(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	body := bodyText(d)
	if !strings.Contains(body, "How to complain") || strings.Contains(body, "Klagevejledning") {
		t.Errorf("English letter does not carry the English block:\n%s", body)
	}
	if !strings.Contains(body, "2026") || d.Meta.Language != "en" {
		t.Errorf("English letter: language %q", d.Meta.Language)
	}
	dd, err := b.Document(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	if dd.Meta.Language != "da" || dd.PageLabel == d.PageLabel {
		t.Errorf("page words: da %q, en %q; want the language's own", dd.PageLabel, d.PageLabel)
	}
	// Every language's files make the version: changing the English block changes it.
	writeFile(t, root, "blocks/klagevejledning.en.md", "## How to appeal\n\nWrite to us.\n")
	b2, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b2.Version == b.Version {
		t.Error("changing the English block did not change the version")
	}
	if _, ok := b2.Files()["templates/boligstoette/letter.en.md"]; !ok {
		t.Error("Files() lacks letter.en.md")
	}
}

func TestLanguageSample(t *testing.T) {
	root := fixture(t)
	writeFile(t, root, "blocks/klagevejledning.en.md", "## How to complain\n")
	writeFile(t, root, "templates/boligstoette/letter.en.md", englishLetter(t, root))
	writeFile(t, root, "templates/boligstoette/sample.en.json", `{"english": true}`)
	b, err := LoadDir(filepath.Join(root, "templates/boligstoette"))
	if err != nil {
		t.Fatal(err)
	}
	en, _ := b.Lang("en")
	if string(en.Sample) != `{"english": true}` {
		t.Errorf("en Sample = %.40q, want sample.en.json", en.Sample)
	}
	if string(b.Sample) == string(en.Sample) {
		t.Error("the default letter took the English sample")
	}
}

func TestLanguageVariantErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, content, block string
		want                       string
	}{
		{"language differs from the file name", "letter.en.md", "", "",
			`letter.en.md:4:11: letter.en.md must be a letter in language "en" (its name says so), but its language: is "sv"`},
		{"two letters in one language", "letter.da.md", "", "",
			`letter.da.md:4:11: language "da" is also the language of`},
		{"block missing for the language", "letter.en.md", "en", "",
			`letter.en.md:6:10: shared block "klagevejledning" not found`},
		{"unknown language", "letter.xx.md", "", "",
			`letter.xx.md:4:11: `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := fixture(t)
			src := readFile(t, filepath.Join(root, "templates/boligstoette/letter.md"))
			switch tc.file {
			case "letter.en.md":
				lang := "sv"
				if tc.content == "en" {
					lang = "en"
				}
				src = strings.Replace(src, "language: da", "language: "+lang, 1)
			case "letter.xx.md":
				src = strings.Replace(src, "language: da", "language: xx", 1)
			}
			writeFile(t, root, "templates/boligstoette/"+tc.file, src)
			_, err := LoadDir(filepath.Join(root, "templates/boligstoette"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestRequiredBlocks(t *testing.T) {
	root := fixture(t)
	p := filepath.Join(root, "templates/boligstoette/letter.md")
	orig := readFile(t, p)
	withRequires := strings.Replace(orig, "blocks: [klagevejledning, kontakt]", "blocks: [klagevejledning, kontakt]\nrequires: [klagevejledning]", 1)
	if withRequires == orig {
		t.Fatal("fixture changed: no blocks: line to add requires: after")
	}
	writeFile(t, root, "templates/boligstoette/letter.md", withRequires)
	b, err := LoadDir(filepath.Dir(p))
	if err != nil {
		t.Fatalf("a letter that includes its required block does not load: %v", err)
	}
	if strings.Join(b.Requires, ",") != "klagevejledning" {
		t.Errorf("Requires = %v", b.Requires)
	}
	line := lineOf(t, p, "requires:")
	for _, tc := range []struct {
		name, edit, want string
	}{
		{"not included", strings.Replace(withRequires, `{{ include "klagevejledning" }}`, "", 1),
			`letter.md:` + strconv.Itoa(line) + `:12: a letter of this kind must carry the shared block "klagevejledning", but the body never includes it`},
		{"not listed", strings.Replace(withRequires, "requires: [klagevejledning]", "requires: [persondata]", 1),
			`letter.md:` + strconv.Itoa(line) + `:12: a letter of this kind must carry the shared block "persondata": list it in blocks:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(p, []byte(tc.edit), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadDir(filepath.Dir(p))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
	// A block reached through another block counts.
	writeFile(t, root, "blocks/afslutning.md", "## Afslutning\n\n{{ include \"klagevejledning\" }}\n")
	nested := strings.Replace(withRequires, `{{ include "klagevejledning" }}`, `{{ include "afslutning" }}`, 1)
	nested = strings.Replace(nested, "blocks: [klagevejledning, kontakt]", "blocks: [klagevejledning, kontakt, afslutning]", 1)
	writeFile(t, root, "templates/boligstoette/letter.md", nested)
	if _, err := LoadDir(filepath.Dir(p)); err != nil {
		t.Errorf("a required block included through another block: %v", err)
	}
}

// TestBlockBaseLanguage checks that a letter in a regional language (en-US) finds the blocks
// of its base language (blocks/<name>.en.md) when there are none for the region.
func TestBlockBaseLanguage(t *testing.T) {
	fsys := mini("en-US", `{{ include "kontakt" }}`, map[string]string{"blocks/kontakt.en.md": "Call us.\n"})
	fsys["templates/t/letter.md"].Data = []byte(strings.Replace(string(fsys["templates/t/letter.md"].Data), "layout: l\n", "layout: l\nblocks: [kontakt]\n", 1))
	b, err := Load(fsys, "t")
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.Document([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(bodyText(d), "Call us.") {
		t.Errorf("the en-US letter lacks the en block:\n%s", bodyText(d))
	}
}
