package lint

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// copySamples copies ../../samples into a temporary folder and returns that folder.
func copySamples(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "samples")
	err := filepath.WalkDir("../../samples", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel("../../samples", p)
		if err != nil {
			return err
		}
		dst := filepath.Join(root, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// edit replaces the one occurrence of old in root/rel by new.
func edit(t *testing.T, root, rel, old, new string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), old); n != 1 {
		t.Fatalf("%s holds %q %d times, want once", rel, old, n)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	bundle = "betalningspaminnelse"
	letter = "templates/" + bundle + "/letter.md"
	schema = "templates/" + bundle + "/schema.json"
	sample = "templates/" + bundle + "/sample.json"
)

// words is n copies of w joined by spaces.
func words(w string, n int) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }

// TestBundleFaults breaks a sample (betalningspaminnelse unless the case says another), which
// lints without errors, in one way each and checks that Bundle reports exactly the expected new
// problems: every line of its output that the sample did not have starts with the line of want
// at the same index (file relative to the copied samples folder).
func TestBundleFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		bundle string // default betalningspaminnelse
		break_ func(t *testing.T, root string)
		want   []string
	}{
		{
			name:   "unknown front matter key",
			break_: func(t *testing.T, root string) { edit(t, root, letter, "keywords:", "keyword:") },
			want:   []string{letter + ":7:1: error: "},
		},
		{
			name: "bad YAML",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "title: Påminnelse om", "title: Påminnelse: om")
			},
			want: []string{letter + ":2: error: invalid YAML: mapping values are not allowed in this context"},
		},
		{
			name:   "unknown layout key",
			break_: func(t *testing.T, root string) { edit(t, root, "layouts/malmo/layout.yaml", "\naccent:", "\naccents:") },
			want:   []string{"layouts/malmo/layout.yaml:6:1: error: unknown key \"accents\" in layout.yaml; did you mean \"accent\"?"},
		},
		{
			name: "schema.json syntax error",
			break_: func(t *testing.T, root string) {
				edit(t, root, schema, `"format": "date"},`+"\n    \"customerNumber\"", `"format": "date"}`+"\n    \"customerNumber\"")
			},
			want: []string{schema + ":18:5: error: invalid JSON: invalid character '\"' after object key:value pair"},
		},
		{
			name: "schema not a valid JSON Schema",
			break_: func(t *testing.T, root string) {
				edit(t, root, schema, `"totalOre": {"type": "integer"`, `"totalOre": {"type": "integr"`)
			},
			want: []string{schema + ":41:26: error: not a valid JSON Schema (draft 2020-12): /properties/totalOre/type: "},
		},
		{
			name: "sample.json syntax error",
			break_: func(t *testing.T, root string) {
				edit(t, root, sample, `"date": "2026-11-23",`, `"date": "2026-11-23"`)
			},
			want: []string{sample + ":9:3: error: invalid JSON: invalid character '\"' after object key:value pair"},
		},
		{
			name: "sample.json invalid against the schema",
			break_: func(t *testing.T, root string) {
				edit(t, root, sample, `"customerNumber": "504417"`, `"customerNumber": "5044"`)
			},
			want: []string{sample + ":9:21: error: sample data does not match schema.json: /customerNumber: expected text matching ^[0-9]{6}$"},
		},
		{
			name: "field used but not declared",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "Hej {{ .recipient.name }}!", `Hej {{ .recipient.name }}!{{ if has . "nickname" }} ({{ .nickname }}){{ end }}`)
			},
			want: []string{letter + ":35:33: error: field /nickname is not declared in schema.json"},
		},
		{
			name: "required field never used",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "  - {label: Kundnummer, value: '{{ .customerNumber }}'}\n", "")
			},
			want: []string{schema + ":5:37: error: required field /customerNumber is never used by the template"},
		},
		{
			name: "template parse error",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "Hej {{ .recipient.name }}!", "Hej {{ .recipient.name }!")
			},
			want: []string{letter + ":35:24: error: unexpected \"}\" in operand"},
		},
		{
			name: "runtime error with the sample",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "Hej {{ .recipient.name }}!", "Hej {{ date .recipient.name }}!")
			},
			want: []string{letter + ":35:5: error: with sample.json: date: expected a date like"},
		},
		{
			name:   "shared block missing for the letter's language",
			break_: func(t *testing.T, root string) { os.Remove(filepath.Join(root, "blocks", "kontakt.sv.md")) },
			want:   []string{letter + ":6:10: error: shared block \"kontakt\" not found"},
		},
		{
			name: "shared block missing for a language the bundle declares",
			break_: func(t *testing.T, root string) {
				data, err := os.ReadFile(filepath.Join(root, letter))
				if err != nil {
					t.Fatal(err)
				}
				de := strings.Replace(string(data), "language: sv", "language: de", 1)
				if err := os.WriteFile(filepath.Join(root, "templates", bundle, "letter.de.md"), []byte(de), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"templates/" + bundle + "/letter.de.md:6:10: error: shared block \"kontakt\" not found"},
		},
		{
			name: "required block not included",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "blocks: [kontakt]", "blocks: [kontakt]\nrequires: [klagevejledning]")
			},
			want: []string{letter + ":7:12: error: a letter of this kind must carry the shared block \"klagevejledning\": list it in blocks: and add {{ include \"klagevejledning\" }} to the body"},
		},
		{
			name:   "character the font lacks, in the sample of a second language",
			bundle: "waste-collection-information",
			break_: func(t *testing.T, root string) {
				edit(t, root, "templates/waste-collection-information/sample.da.json", `"name": "Mads Kristian Holm"`, `"name": "Mads Kristian Holm ᚠ"`)
			},
			want: []string{"templates/waste-collection-information/sample.da.json:3:13: error: character U+16A0 'ᚠ' is not in the font Liberation Sans"},
		},
		{
			name: "MeMo label too long",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "  label: 'Påminnelse: faktura", "  label: '"+words("Påminnelse", 25)+" faktura")
			},
			want: []string{letter + ":9:11: error: MeMo label (the title in the recipient's mailbox): is 296 characters long; at most 256 are allowed (with sample data /invoice/number)"},
		},
		{
			name: "MeMo notification too long",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "Du har en obetald faktura från Malmö stad.", words("Du har en obetald faktura.", 6))
			},
			want: []string{letter + ":10:18: error: MeMo notification: is 161 characters long; at most 150 are allowed"},
		},
		{
			name: "http link",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "en avbetalningsplan.", "en [avbetalningsplan](http://malmo.se/plan).")
			},
			want: []string{letter + ":59:64: error: link \"http://malmo.se/plan\" is not https"},
		},
		{
			name: "http MeMo action",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "url: 'https://malmo.se", "url: 'http://malmo.se")
			},
			want: []string{letter + ":14:13: error: MeMo action 1 url must start with https://"},
		},
		{
			name: "missing image",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "## Specifikation\n", "## Specifikation\n\n![Karta](karta.png)\n")
			},
			want: []string{letter + ":43:10: error: image \"karta.png\" not found"},
		},
		{
			name: "character the font lacks",
			break_: func(t *testing.T, root string) {
				edit(t, root, sample, `"Påminnelseavgift"`, `"Påminnelseavgift ᚠ"`)
			},
			want: []string{sample + ":15:21: error: character U+16A0 'ᚠ' is not in the font Liberation Sans, so the letter cannot be printed: replace it, or choose a font that has it (sample data /items/2/description)"},
		},
		{
			name: "included block not listed",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, `{{ include "kontakt" }}`, `{{ include "kontakt" }}`+"\n\n"+`{{ include "persondata" }}`)
			},
			want: []string{letter + ":63:1: error: block \"persondata\" is not listed in the front matter"},
		},
		{
			name: "long sentence",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "## Så här betalar du", "Vi "+words("ber dig", 30)+". "+words("Vi ber dig betala.", 12)+"\n\n## Så här betalar du")
			},
			want: []string{letter + ":50:1: warning: sentence of 61 words"},
		},
		{
			name: "long paragraph",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "## Så här betalar du", words("Vi ber dig betala.", 31)+"\n\n## Så här betalar du")
			},
			want: []string{letter + ":50:1: warning: paragraph of 124 words"},
		},
		{
			name: "LIX above 55",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "## Så här betalar du", words(words("Betalningsskyldigheten", 20)+".", 5)+"\n\n## Så här betalar du")
			},
			want: []string{letter + ":35:1: warning: LIX readability 70 is above 55, hard for many readers (with sample.json): LIX = words/sentences + 100 × long words/words = 223/17 + 100 × 127/223"},
		},
		{
			name: "last page with few lines",
			break_: func(t *testing.T, root string) {
				edit(t, root, letter, "## Så här betalar du", strings.Repeat("Vi ber dig betala.\n\n", 1)+"## Så här betalar du")
			},
			want: []string{"blocks/kontakt.sv.md:6:3: warning: with sample.json the last page (page 2) holds only 3 lines of text"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := copySamples(t)
			name := tc.bundle
			if name == "" {
				name = bundle
			}
			before := map[string]bool{}
			for _, p := range Bundle(root, name) {
				if p.Severity == Error {
					t.Fatalf("the sample has an error before it is broken: %v", p)
				}
				before[p.String()] = true
			}
			tc.break_(t, root)
			var lines []string
			for _, p := range Bundle(root, name) {
				s := p.String()
				if before[s] {
					continue // a warning of the sample itself
				}
				rel, err := filepath.Rel(root, s[:strings.IndexByte(s, ':')])
				if err != nil {
					t.Fatal(err)
				}
				lines = append(lines, filepath.ToSlash(rel)+s[strings.IndexByte(s, ':'):])
			}
			ok := len(lines) == len(tc.want)
			for i := 0; ok && i < len(lines); i++ {
				ok = strings.HasPrefix(lines[i], tc.want[i])
			}
			if os.Getenv("LINT_SHOW") != "" {
				t.Logf("%s", strings.Join(lines, "\n"))
			}
			if !ok {
				t.Errorf("got:\n  %s\nwant lines starting:\n  %s", strings.Join(lines, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// TestBundleUnloaded checks that a bundle that does not load still gets the checks that need no
// loaded bundle: here the front matter's schema and the JSON of sample.json.
func TestBundleUnloaded(t *testing.T) {
	root := copySamples(t)
	edit(t, root, letter, "keywords:", "keyword:")
	edit(t, root, sample, `"newDueDate": "2026-12-07",`, `"newDueDate": "2026-12-07"`)
	var got []string
	for _, p := range Bundle(root, bundle) {
		got = append(got, p.String())
	}
	want := []string{
		filepath.Join(root, letter) + `:7:1: error: unknown key "keyword" in the front matter; did you mean "keywords"?`,
		filepath.Join(root, sample) + `:12:3: error: invalid JSON: invalid character '"' after object key:value pair`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestSamples checks that the samples lint without errors, and logs their warnings.
func TestSamples(t *testing.T) {
	ps, err := Dir("../../samples")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Severity == Error {
			t.Error(p)
		} else {
			t.Log(p)
		}
	}
	names, err := Names("../../samples")
	if err != nil || len(names) < 5 {
		t.Errorf("Names(../../samples) = %v, %v; want the 5 sample bundles", names, err)
	}
}

func TestDirErrors(t *testing.T) {
	if _, err := Dir(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("Dir of a folder that does not exist: no error")
	}
	// Two bundles (boligstoette-afgoerelse, waste-collection-information) share a broken
	// layout: its problem is reported once.
	root := copySamples(t)
	edit(t, root, "layouts/kommune/layout.yaml", "\nfont:", "\nfonts:")
	ps, err := Dir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range ps {
		if p.File == filepath.Join(root, "layouts", "kommune", "layout.yaml") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the layout's problem is reported %d times, want once: %v", n, ps)
	}
}
