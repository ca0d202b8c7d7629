package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
	"github.com/postbud/postbud/templates/lint"
)

// newRoot copies the samples to dir/samples and the published schemas to dir/templates/schema,
// as a checkout holds them, and returns the samples' copy.
func newRoot(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "samples")
	if err := os.CopyFS(root, os.DirFS(samplesDir)); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "templates", "schema"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"letter.schema.json": templates.LetterSchema, "layout.schema.json": templates.LayoutSchema} {
		if err := os.WriteFile(filepath.Join(dir, "templates", "schema", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// templatesNew runs `postbud templates new` with args and returns its exit code and output.
func templatesNew(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"templates", "new"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// listTree lists every path under dir, for checking that a refused command wrote nothing.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		out = append(out, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkBundle loads root/templates/name, renders the sample of each language to PDF and checks
// the text, and checks that lint finds no errors. It returns the bundle.
func checkBundle(t *testing.T, root, name string, wantText map[string][]string) *templates.Bundle {
	t.Helper()
	b, err := templates.LoadDir(filepath.Join(root, "templates", name))
	if err != nil {
		t.Fatalf("the new bundle does not load: %v", err)
	}
	for _, lang := range b.Languages() {
		v, err := b.Lang(lang)
		if err != nil {
			t.Fatal(err)
		}
		if v.Sample == nil {
			t.Fatalf("%s: no sample data", lang)
		}
		d, err := v.Document(v.Sample)
		if err != nil {
			t.Fatalf("%s: the sample does not merge: %v", lang, err)
		}
		data, err := pdf.Render(d)
		if err != nil {
			t.Fatalf("%s: render: %v", lang, err)
		}
		p := filepath.Join(t.TempDir(), name+"-"+lang+".pdf")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(pdfText(t, p)), " ")
		for _, w := range wantText[lang] {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the rendered letter lacks %q:\n%s", lang, w, text)
			}
		}
	}
	for _, p := range lint.Bundle(root, name) {
		if p.Severity == lint.Error {
			t.Errorf("lint: %s", p)
		}
	}
	return b
}

func TestTemplatesNewSkeleton(t *testing.T) {
	testenv.Need(t, "pdftotext")
	root := newRoot(t)
	for _, c := range []struct {
		lang, layout string
		blocks       []string
		text         []string
	}{
		{"fi", "helsinki", []string{"klagevejledning"}, []string{"Päätös: asukaspysäköintitunnus", "Hyvä Eeva Virtanen", "2. marraskuuta 2026", "Oikaisuvaatimusohje", "Jukka Heikkilä"}},
		{"en", "kommune", []string{"klagevejledning"}, []string{"Decision on your application for a parking permit", "Dear Sam Taylor,", "2 November 2026", "How to appeal", "Alex Morgan"}},
		{"da", "kommune", []string{"klagevejledning"}, []string{"Afgørelse om parkeringstilladelse", "Kære Mette Jensen", "2. november 2026", "Klagevejledning", "Lars Holm"}},
		{"nb", "helsinki", nil, []string{"Vedtak om parkeringstillatelse", "Hei Kari Nordmann", "Ola Berg"}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			name := "ny-" + c.lang
			code, stdout, stderr := templatesNew(t, name, "--lang", c.lang, "--root", root)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, "created "+filepath.Join(root, "templates", name)) {
				t.Errorf("output does not say what was created:\n%s", stdout)
			}
			b := checkBundle(t, root, name, map[string][]string{c.lang: c.text})
			if b.Language != c.lang || b.Layout != c.layout {
				t.Errorf("language %q, layout %q; want %q, %q", b.Language, b.Layout, c.lang, c.layout)
			}
			if diff := cmp.Diff(c.blocks, b.Blocks); diff != "" {
				t.Errorf("blocks (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.blocks, b.Requires); diff != "" {
				t.Errorf("requires (-want +got):\n%s", diff)
			}
			// The front matter points editors at the published schema, by a path that resolves.
			dir := filepath.Join(root, "templates", name)
			letter, err := os.ReadFile(filepath.Join(dir, "letter.md"))
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`(?m)^# yaml-language-server: \$schema=(\S+)$`).FindSubmatch(letter)
			if m == nil || string(m[1]) != "../../../templates/schema/letter.schema.json" {
				t.Fatalf("letter.md has no schema comment with the relative path:\n%s", letter)
			}
			if got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(string(m[1])))); err != nil || !bytes.Equal(got, templates.LetterSchema) {
				t.Errorf("the schema comment does not lead to letter.schema.json (%v)", err)
			}
			if ps := lint.FrontMatter("letter.md", letter); len(ps) > 0 {
				t.Errorf("front matter: %v", ps)
			}
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if diff := cmp.Diff([]string{"letter.md", "sample.json", "schema.json"}, names); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if st, _ := os.Stat(dir); st.Mode().Perm() != 0o755 {
				t.Errorf("folder mode %v, want 0755", st.Mode().Perm())
			}
		})
	}
	// Every language the skeleton has texts in, and tags the locale package maps to them.
	for _, lang := range []string{"sv", "nn", "nl", "de", "fr", "no", "en-US", "da-DK"} {
		name := "alle-" + strings.ToLower(lang)
		if code, _, stderr := templatesNew(t, name, "--lang", lang, "--root", root); code != 0 {
			t.Fatalf("--lang %s: exit %d: %s", lang, code, stderr)
		}
		b, err := templates.LoadDir(filepath.Join(root, "templates", name))
		if err != nil {
			t.Fatalf("--lang %s: %v", lang, err)
		}
		if _, err := b.Document(b.Sample); err != nil {
			t.Errorf("--lang %s: %v", lang, err)
		}
		if want := map[string]string{"no": "nb", "da-DK": "da"}[lang]; want != "" && b.Language != want {
			t.Errorf("--lang %s: language %q, want %q", lang, b.Language, want)
		}
		for _, p := range lint.Bundle(root, name) {
			if p.Severity == lint.Error {
				t.Errorf("--lang %s: lint: %s", lang, p)
			}
		}
	}
	// nb: no letter of the root is in nb, so the first layout by name; blocks/ has no
	// klagevejledning in nb, so none.
	// Without --lang the skeleton is Danish.
	if code, _, stderr := templatesNew(t, "standard", "--root", root); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b := checkBundle(t, root, "standard", nil); b.Language != "da" {
		t.Errorf("default language %q, want da", b.Language)
	}
}

func TestTemplatesNewFrom(t *testing.T) {
	testenv.Need(t, "pdftotext")
	root := newRoot(t)
	const from = "waste-collection-information"
	code, _, stderr := templatesNew(t, "affald-2028", "--from", from, "--root", root)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	src, dst := filepath.Join(root, "templates", from), filepath.Join(root, "templates", "affald-2028")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		want, _ := os.ReadFile(filepath.Join(src, e.Name()))
		got, err := os.ReadFile(filepath.Join(dst, e.Name()))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not copied as it is (%v)", e.Name(), err)
		}
	}
	if len(entries) < 5 { // letter.md, letter.da.md, sample.json, sample.da.json, schema.json
		t.Fatalf("the sample %s has only %d files", from, len(entries))
	}
	b := checkBundle(t, root, "affald-2028", map[string][]string{
		"en": {"Your waste collection in 2027"},
		"da": {"Din affaldsindsamling i 2027"},
	})
	if diff := cmp.Diff([]string{"en", "da"}, b.Languages()); diff != "" {
		t.Errorf("languages (-want +got):\n%s", diff)
	}
	orig, err := templates.LoadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	// The same files make the same letters; only the name in the creator differs.
	for _, lang := range orig.Languages() {
		o, _ := orig.Lang(lang)
		n, _ := b.Lang(lang)
		want, err := o.Document(o.Sample)
		if err != nil {
			t.Fatal(err)
		}
		got, err := n.Document(n.Sample)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(render.Meta{}, "Creator")); diff != "" {
			t.Errorf("%s: the copy's letter differs from the original's (-original +copy):\n%s", lang, diff)
		}
	}
}

// TestTemplatesNewLayout creates a skeleton in a root without layouts: it gets its own.
func TestTemplatesNewLayout(t *testing.T) {
	testenv.Need(t, "pdftotext")
	dir := t.TempDir()
	root := filepath.Join(dir, "tenant")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := templatesNew(t, "beslut", "--lang", "sv", "--root", root)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b := checkBundle(t, root, "beslut", map[string][]string{"sv": {"Beslut om parkeringstillstånd", "Hej Anna Lindqvist!", "Kommunens namn", "Erik Nilsson"}})
	if b.Layout != "beslut" || len(b.Blocks) != 0 {
		t.Errorf("layout %q, blocks %v; want its own layout and no blocks (the root has none)", b.Layout, b.Blocks)
	}
	src, err := os.ReadFile(filepath.Join(root, "layouts", "beslut", "layout.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if ps := lint.Layout("layout.yaml", src); len(ps) > 0 {
		t.Errorf("layout.yaml: %v", ps)
	}
	// Outside a checkout, the schema comments name the schemas by their $id.
	if !bytes.Contains(src, []byte("$schema="+templates.LayoutSchemaID+"\n")) {
		t.Errorf("layout.yaml does not name its schema by $id:\n%s", src)
	}
	letter, _ := os.ReadFile(filepath.Join(root, "templates", "beslut", "letter.md"))
	if !bytes.Contains(letter, []byte("$schema="+templates.LetterSchemaID+"\n")) {
		t.Errorf("letter.md does not name its schema by $id:\n%s", letter)
	}
}

func TestTemplatesNewRefusals(t *testing.T) {
	root := newRoot(t)
	// A layout that does not load makes a skeleton that does not load: refused after writing
	// into the temporary folder, which must be gone.
	broken := filepath.Join(t.TempDir(), "broken")
	if err := os.MkdirAll(filepath.Join(broken, "layouts", "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "layouts", "a", "layout.yaml"), []byte("colour: red\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A root without layouts whose layouts/<name> is taken by something else.
	taken := filepath.Join(t.TempDir(), "taken")
	if err := os.MkdirAll(filepath.Join(taken, "layouts", "ny"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		root string
		args []string
		code int
		msg  string
	}{
		{taken, []string{"ny"}, 2, filepath.Join(taken, "layouts", "ny") + " exists without a layout.yaml"},
		{root, []string{"boligstoette-afgoerelse"}, 2, "template boligstoette-afgoerelse already exists at " + filepath.Join(root, "templates", "boligstoette-afgoerelse")},
		{root, []string{"../escape"}, 2, `template name "../escape" must be a plain folder name`},
		{root, []string{"a/b"}, 2, `template name "a/b" must be a plain folder name`},
		{root, []string{".hidden"}, 2, `template name ".hidden" must be a plain folder name`},
		{root, []string{"Store Bogstaver"}, 2, `template name "Store Bogstaver" must be a plain folder name`},
		{root, []string{""}, 2, `template name "" must be a plain folder name`},
		{root, []string{"ny", "--from", "no-such-bundle"}, 2, `--from: there is no bundle "no-such-bundle" in ` + filepath.Join(root, "templates") + "; the bundles are betalningspaminnelse, boligstoette-afgoerelse, "},
		{root, []string{"ny", "--from", "../samples"}, 2, `--from "../samples" must be the name of a bundle`},
		{root, []string{"ny", "--lang", "xx"}, 2, `--lang: look up locale "xx"`},
		{root, []string{"ny", "--lang", "es"}, 2, `--lang: look up locale "es": language "es" is not supported`},
		{root, []string{"ny", "--from", "boligstoette-afgoerelse", "--lang", "fi"}, 2, "--lang is for the skeleton"},
		{filepath.Join(root, "missing"), []string{"ny"}, 2, "--root " + filepath.Join(root, "missing") + " is not a folder"},
		{broken, []string{"ny"}, 1, `the new bundle does not load, so nothing was created: load template ny: layouts/a/layout.yaml:1:1: unknown key "colour"`},
	} {
		watch := c.root
		if _, err := os.Stat(watch); err != nil { // a missing root: its parent
			watch = filepath.Dir(watch)
		}
		before := listTree(t, watch)
		code, stdout, stderr := templatesNew(t, append(c.args, "--root", c.root)...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("templates new %q: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.msg)
		}
		if stdout != "" {
			t.Errorf("templates new %q printed %q", c.args, stdout)
		}
		after := listTree(t, watch)
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("templates new %q changed the root (-before +after):\n%s", c.args, diff)
		}
	}
	if code, _, _ := templatesNew(t); code != 2 {
		t.Errorf("without NAME: exit %d, want 2", code)
	}
	if code, _, _ := templatesNew(t, "a", "b"); code != 2 {
		t.Errorf("with two names: exit %d, want 2", code)
	}
}
