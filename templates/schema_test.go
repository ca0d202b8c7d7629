package templates

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/postbud/postbud/render"
)

// compileTestSchema compiles an embedded schema as lint does.
func compileTestSchema(t *testing.T, id string, src []byte) (*jsonschema.Schema, map[string]any) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatalf("%s does not compile: %v", id, err)
	}
	m, _ := doc.(map[string]any)
	if m["$id"] != id || m["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("%s: $id %v, $schema %v", id, m["$id"], m["$schema"])
	}
	return sch, m
}

// schemaAt follows property names from the top of a schema document, through "items" for
// lists ("details", "[]" → the schema of a details entry).
func schemaAt(t *testing.T, doc map[string]any, path ...string) map[string]any {
	t.Helper()
	cur := doc
	for _, p := range path {
		var next any
		if p == "[]" {
			next = cur["items"]
		} else {
			props, _ := cur["properties"].(map[string]any)
			next = props[p]
		}
		m, ok := next.(map[string]any)
		if !ok {
			t.Fatalf("schema has no %s", strings.Join(path, "."))
		}
		cur = m
	}
	return cur
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// TestSchemaKeysMatchLoader checks that every mapping the loader reads with a key list is an
// object in the schema with exactly those properties, closed to others, and that every property
// is documented for template authors.
func TestSchemaKeysMatchLoader(t *testing.T) {
	_, letter := compileTestSchema(t, LetterSchemaID, LetterSchema)
	_, lay := compileTestSchema(t, LayoutSchemaID, LayoutSchema)
	for _, c := range []struct {
		doc  map[string]any
		path []string
		keys []string
	}{
		{letter, nil, letterKeys},
		{letter, []string{"memo"}, memoKeys},
		{letter, []string{"memo", "kle"}, kleKeys},
		{letter, []string{"memo", "form"}, formKeys},
		{letter, []string{"memo", "actions", "[]"}, actionKeys},
		{letter, []string{"sender"}, senderKeys},
		{letter, []string{"details", "[]"}, detailKeys},
		{letter, []string{"signature"}, signatureKeys},
		{lay, nil, layoutKeys},
		{lay, []string{"page"}, pageKeys},
		{lay, []string{"page", "margins"}, marginKeys},
		{lay, []string{"window"}, windowKeys},
		{lay, []string{"sender"}, senderKeys},
	} {
		name := fmt.Sprintf("%v %s", c.doc["$id"], strings.Join(c.path, "."))
		s := schemaAt(t, c.doc, c.path...)
		props, _ := s["properties"].(map[string]any)
		if diff := cmp.Diff(sortedCopy(c.keys), sortedKeys(props)); diff != "" {
			t.Errorf("%s: properties differ from the loader's keys (-loader +schema):\n%s", name, diff)
		}
		if s["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties is %v, want false (the loader rejects unknown keys)", name, s["additionalProperties"])
		}
		if s["type"] != "object" {
			t.Errorf("%s: type %v, want object", name, s["type"])
		}
	}
	// Every property says what it is, with examples that are valid, wherever it is in the tree.
	for _, c := range []struct {
		id  string
		src []byte
		doc map[string]any
	}{{LetterSchemaID, LetterSchema, letter}, {LayoutSchemaID, LayoutSchema, lay}} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(c.src))
		if err != nil {
			t.Fatal(err)
		}
		comp := jsonschema.NewCompiler()
		comp.DefaultDraft(jsonschema.Draft2020)
		if err := comp.AddResource(c.id, doc); err != nil {
			t.Fatal(err)
		}
		n := 0
		var walk func(at, ptr string, s map[string]any)
		walk = func(at, ptr string, s map[string]any) {
			props, _ := s["properties"].(map[string]any)
			for k, v := range props {
				p, _ := v.(map[string]any)
				where, pp := strings.TrimPrefix(at+"."+k, "."), ptr+"/properties/"+k
				if d, _ := p["description"].(string); len(d) < 10 {
					t.Errorf("%s: %s has no description", c.id, where)
				}
				if p["type"] == nil && p["enum"] == nil {
					t.Errorf("%s: %s has no type", c.id, where)
				}
				ex, _ := p["examples"].([]any)
				if len(ex) == 0 {
					t.Errorf("%s: %s has no examples", c.id, where)
				}
				sub, err := comp.Compile(c.id + "#" + pp)
				if err != nil {
					t.Fatalf("%s#%s: %v", c.id, pp, err)
				}
				for _, e := range ex {
					n++
					if err := sub.Validate(e); err != nil {
						t.Errorf("%s: example %v of %s is not valid: %v", c.id, e, where, err)
					}
				}
				if d, ok := p["default"]; ok {
					if err := sub.Validate(d); err != nil {
						t.Errorf("%s: default %v of %s is not valid: %v", c.id, d, where, err)
					}
				}
				walk(where, pp, p)
				if items, ok := p["items"].(map[string]any); ok {
					walk(where+"[]", pp+"/items", items)
				}
			}
		}
		walk("", "", c.doc)
		if n < 20 {
			t.Errorf("%s: only %d examples checked", c.id, n)
		}
	}
}

// yamlJSON converts YAML to the JSON value a YAML language server validates: scalars by their
// resolved tag, timestamps as text.
func yamlJSON(t *testing.T, src string) any {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("YAML: %v\n%s", err, src)
	}
	if len(doc.Content) == 0 {
		return map[string]any{}
	}
	var conv func(n *yaml.Node) any
	conv = func(n *yaml.Node) any {
		switch n.Kind {
		case yaml.MappingNode:
			m := map[string]any{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				m[n.Content[i].Value] = conv(n.Content[i+1])
			}
			return m
		case yaml.SequenceNode:
			l := []any{}
			for _, c := range n.Content {
				l = append(l, conv(c))
			}
			return l
		}
		switch n.Tag {
		case "!!null":
			return nil
		case "!!bool":
			return strings.EqualFold(n.Value, "true")
		case "!!int", "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				t.Fatalf("number %q: %v", n.Value, err)
			}
			return f
		}
		return n.Value
	}
	return conv(doc.Content[0])
}

// frontMatterOf returns the YAML of a letter file's front matter.
func frontMatterOf(t *testing.T, file string) string {
	t.Helper()
	yml, _, err := splitFrontMatter(file, readFile(t, file))
	if err != nil {
		t.Fatal(err)
	}
	return yml
}

// TestSchemaAcceptsSamples validates the front matter of every sample letter (letter.md and
// letter.<lang>.md) and every sample layout, and those of the test fixture.
func TestSchemaAcceptsSamples(t *testing.T) {
	letter, _ := compileTestSchema(t, LetterSchemaID, LetterSchema)
	lay, _ := compileTestSchema(t, LayoutSchemaID, LayoutSchema)
	var letters, layouts []string
	for _, root := range []string{"../samples", fixtureDir} {
		l, _ := filepath.Glob(filepath.Join(root, "templates", "*", "letter*.md"))
		y, _ := filepath.Glob(filepath.Join(root, "layouts", "*", "layout.yaml"))
		letters, layouts = append(letters, l...), append(layouts, y...)
	}
	if len(letters) < 6 || len(layouts) < 5 {
		t.Fatalf("found %d letters and %d layouts; the samples are missing", len(letters), len(layouts))
	}
	for _, f := range letters {
		if err := letter.Validate(yamlJSON(t, frontMatterOf(t, f))); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, f := range layouts {
		if err := lay.Validate(yamlJSON(t, readFile(t, f))); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// schemaFixtureFS is a root with one layout (with a logo), one block and one bundle whose
// letter.md has front matter fm (plus a one-line body) and whose folder holds sig.png.
func schemaFixtureFS(t *testing.T, fm, layoutYAML string) fstest.MapFS {
	return schemaFixtureBodyFS(t, fm, "Hej.\n", layoutYAML)
}

// schemaFixtureBodyFS is schemaFixtureFS with the letter body body.
func schemaFixtureBodyFS(t *testing.T, fm, body, layoutYAML string) fstest.MapFS {
	t.Helper()
	logo, err := os.ReadFile(filepath.Join(fixtureDir, "layouts", "kommune", "logo.png"))
	if err != nil {
		t.Fatal(err)
	}
	return fstest.MapFS{
		"layouts/kommune/layout.yaml":  {Data: []byte(layoutYAML)},
		"layouts/kommune/logo.png":     {Data: logo},
		"blocks/klagevejledning.da.md": {Data: []byte("## Klagevejledning\n\nDu kan klage.\n")},
		"templates/t/letter.md":        {Data: []byte("---\n" + fm + "---\n" + body)},
		"templates/t/schema.json":      {Data: []byte(`{"type": "object"}`)},
		"templates/t/sig.png":          {Data: logo},
	}
}

const schemaBaseFM = "title: Afgørelse\nlanguage: da\nlayout: kommune\nrecipient: ['{{ .name }}']\n"

// TestSchemaAgreesWithLoader checks, document by document, that the schema accepts what the
// loader loads and rejects what the loader refuses (for reasons the shape of the YAML shows).
func TestSchemaAgreesWithLoader(t *testing.T) {
	letter, _ := compileTestSchema(t, LetterSchemaID, LetterSchema)
	lay, _ := compileTestSchema(t, LayoutSchemaID, LayoutSchema)
	letterCases := []struct {
		fm string
		ok bool
	}{
		{schemaBaseFM, true},
		{schemaBaseFM + "description: x\nkeywords: [a, 1, true]\nsubject: 2026\nfooter: x\n", true},
		{schemaBaseFM + "blocks: [klagevejledning]\n", true},
		{schemaBaseFM + "blocks:\n", true},
		{schemaBaseFM + "blocks: [klagevejledning]\nrequires: [klagevejledning]\n", true},
		{schemaBaseFM + "blocks: [klagevejledning]\nrequires:\n", true},
		{schemaBaseFM + "blocks: [klagevejledning]\nrequires: klagevejledning\n", false},
		{schemaBaseFM + "blocks: [klagevejledning]\nrequires: [{name: klagevejledning}]\n", false},
		{schemaBaseFM + "blocks: [klagevejledning, klagevejledning]\n", false},
		{schemaBaseFM + "blocks: [klage.vejledning]\n", false},
		{schemaBaseFM + "blocks: klagevejledning\n", false},
		{schemaBaseFM + "sendr: {name: x}\n", false},
		{schemaBaseFM + "sender:\n  name: x\n  address: [a, b]\n  contact:\n", true},
		{schemaBaseFM + "sender: {name: x, phone: y}\n", false},
		{schemaBaseFM + "sender:\n", false},
		{"title: T\nlanguage: da\nlayout: kommune\nrecipient: []\n", false},
		{"title: T\nlanguage: da\nlayout: kommune\nrecipient: x\n", false},
		{"title: T\nlanguage: da\nlayout: kommune\n", false},
		{"title: T\nlanguage: da\nrecipient: [x]\n", false},
		{"language: da\nlayout: kommune\nrecipient: [x]\n", false},
		{"title: T\nlayout: kommune\nrecipient: [x]\n", false},
		{"title: [T]\nlanguage: da\nlayout: kommune\nrecipient: [x]\n", false},
		{"title: T\nlanguage: en-US\nlayout: kommune\nrecipient: [x]\n", true},
		{"title: T\nlanguage: DA\nlayout: kommune\nrecipient: [x]\n", true},
		{"title: T\nlanguage: es\nlayout: kommune\nrecipient: [x]\n", false},
		{"title: T\nlanguage: da\nlayout: ../kommune\nrecipient: [x]\n", false},
		{schemaBaseFM + "details:\n  - {key: date, value: '{{ .d }}'}\n  - {label: Sag, value: x}\n", true},
		{schemaBaseFM + "details:\n  - {key: datum, value: x}\n", false},
		{schemaBaseFM + "details:\n  - {value: x}\n", false},
		{schemaBaseFM + "details:\n  - {key: date}\n", false},
		{schemaBaseFM + "details:\n  - {key: date, value: x, note: y}\n", false},
		{schemaBaseFM + "details: {key: date, value: x}\n", false},
		{schemaBaseFM + "signature: {greeting: Hej, name: x, title: y, image: sig.png}\n", true},
		{schemaBaseFM + "signature: {image: sig.gif}\n", false},
		{schemaBaseFM + "signature: {image: a/sig.png}\n", false},
		{schemaBaseFM + "signature: {name: x, role: y}\n", false},
		{schemaBaseFM + "memo: {}\n", true},
		{schemaBaseFM + "memo:\n", false},
		{schemaBaseFM + "memo: {version: \"1.2\", label: x, notification: y, additional_notification: z}\n", true},
		{schemaBaseFM + "memo: {version: 1.1}\n", true},
		{schemaBaseFM + "memo: {version: ''}\n", true},
		{schemaBaseFM + "memo: {version: \"1.3\"}\n", false},
		{schemaBaseFM + "memo: {mandatory: true, legal_notification: false}\n", true},
		{schemaBaseFM + "memo: {mandatory: yes}\n", false},
		{schemaBaseFM + "memo: {mandatory: \"true\"}\n", false},
		{schemaBaseFM + "memo: {legal_notification:}\n", false},
		{schemaBaseFM + "memo: {post_type: MYNDIGHEDSPOST}\n", true},
		{schemaBaseFM + "memo: {post_type: ''}\n", true},
		{schemaBaseFM + "memo: {post_type: myndighedspost}\n", false},
		{schemaBaseFM + "memo: {case_id: '{{ .c }}', case_system: KMD}\n", true},
		{schemaBaseFM + "memo: {case_id: '{{ .c }}'}\n", false},
		{schemaBaseFM + "memo: {case_id: '{{ .c }}', case_system: ''}\n", false},
		{schemaBaseFM + "memo: {case_system: KMD}\n", false},
		{schemaBaseFM + "memo: {case_id: '', case_system: ''}\n", true},
		{schemaBaseFM + "memo: {case_id: ''}\n", true},
		{schemaBaseFM + "memo: {kle: {subject_key: '27.24.00', version: 1, label: Boligstøtte}}\n", true},
		{schemaBaseFM + "memo: {kle: {subject_key: '27.24.00', version: 1, activity_facet: G01, label: B}}\n", true},
		{schemaBaseFM + "memo: {kle: {subject_key: '27.24.00', version: 1}}\n", false},
		{schemaBaseFM + "memo: {kle: {subject_key: '27.24.00', version: '', label: B}}\n", false},
		{schemaBaseFM + "memo: {kle: {task_key: '1', version: 1, label: B}}\n", false},
		{schemaBaseFM + "memo: {form: {task_key: '1', version: 1, label: B}}\n", true},
		{schemaBaseFM + "memo: {form: {subject_key: '1', version: 1, label: B}}\n", false},
		{schemaBaseFM + "memo:\n  actions:\n", true},
		{"title:\nlanguage: da\nlayout: kommune\nrecipient: [x]\n", true},
		{"title: T\nlanguage: da\nlayout: kommune\nrecipient: [x, '', 3]\n", true},
		{schemaBaseFM + "memo:\n  actions:\n    - {label: Betal, code: BETALING, url: 'https://x/{{ urlquery .c }}', start: 2026-12-01, end: '2026-12-07T10:30:00+01:00'}\n", true},
		{schemaBaseFM + "memo:\n  actions:\n    - {label: Betal, code: BETALING, url: u, end: '{{ .due }}'}\n", true},
		{schemaBaseFM + "memo:\n  actions:\n    - {label: Betal, code: betaling, url: u}\n", false},
		{schemaBaseFM + "memo:\n  actions:\n    - {label: Betal, code: BETALING}\n", false},
		{schemaBaseFM + "memo:\n  actions:\n    - {code: BETALING, url: u}\n", false},
		{schemaBaseFM + "memo:\n  actions:\n    - {label: Betal, code: BETALING, url: u, end: 2026-13-07}\n", false},
		{schemaBaseFM + "memo:\n  actions:\n    - {label: Betal, code: BETALING, url: u, end: next week}\n", false},
		{schemaBaseFM + "memo:\n  actions:\n    - {label: Betal, code: BETALING, url: u, link: x}\n", false},
		{schemaBaseFM + "memo: {actions: {label: x}}\n", false},
		{schemaBaseFM + "memo: {lable: x}\n", false},
	}
	for _, c := range letterCases {
		body := "Hej.\n"
		if strings.Contains(c.fm, "blocks: [klagevejledning") {
			body += "\n{{ include \"klagevejledning\" }}\n"
		}
		fsys := schemaFixtureBodyFS(t, c.fm, body, "sender: {name: Aarhus Kommune}\n")
		_, loadErr := Load(fsys, "t")
		schemaErr := letter.Validate(yamlJSON(t, c.fm))
		if (loadErr == nil) != c.ok || (schemaErr == nil) != c.ok {
			t.Errorf("front matter\n%s\nwant accepted=%v; loader: %v; schema: %v", c.fm, c.ok, loadErr, schemaErr)
		}
	}

	layoutCases := []struct {
		yml string
		ok  bool
	}{
		{"", true},
		{"page: {size: A4, margins: {top: 15, right: 48, bottom: 20, left: 25}}\nfont: Liberation Sans\nsize: 11\n", true},
		{"page: {size: a4}\n", true},
		{"page: {size: A5}\n", false},
		{"page: {format: A4}\n", false},
		{"page: {margins: {top: 90}}\n", false},
		{"page: {margins: {top: -1}}\n", false},
		{"page: {margins: {inner: 1}}\n", false},
		{"page:\n", false},
		{"size: 5\n", false},
		{"size: 24.5\n", false},
		{"size: 10.5\n", true},
		{"size: big\n", false},
		{"accent: \"#1f4e79\"\n", true},
		{"accent: #1f4e79\n", false},
		{"accent: \"#1f4e7\"\n", false},
		{"accent: blue\n", false},
		{"logo: logo.png\nlogo_alt: Aarhus Kommune\n", true},
		{"logo_alt: Aarhus Kommune\n", false},
		{"logo: logo.png\nlogo_alt: ' '\n", false},
		{"logo: sub/logo.png\n", false},
		{"window: {x: 20, y: 45, width: 85, height: 45}\n", true},
		{"window: {x: 20, y: 45, width: 85}\n", false},
		{"window: {x: 20, y: 45, width: 85, height: 300}\n", false},
		{"window: {x: 20, y: 45, width: 85, height: 45, depth: 1}\n", false},
		{"sender: {name: A, department: B, address: [x, y], contact: [z]}\n", true},
		{"sender: {name: A, email: x}\n", false},
		{"sender: {address: x}\n", false},
		{"footer: A · B\n", true},
		{"page_label: {da: 'Side {page} af {pages}', en: 'Page {page}'}\n", true},
		{"page_label: {da: 'Side'}\n", false},
		{"page_label: 'Side {page}'\n", false},
		{"pdfa: 2b\n", true},
		{"pdfa: 1B\n", true},
		{"pdfa: \"off\"\n", true},
		{"pdfa: 3b\n", false},
		{"pdfa: ''\n", false},
		{"margins: {top: 1}\n", false},
	}
	for _, c := range layoutCases {
		fsys := schemaFixtureFS(t, schemaBaseFM, c.yml)
		_, loadErr := Load(fsys, "t")
		schemaErr := lay.Validate(yamlJSON(t, c.yml))
		if (loadErr == nil) != c.ok || (schemaErr == nil) != c.ok {
			t.Errorf("layout.yaml\n%s\nwant accepted=%v; loader: %v; schema: %v", c.yml, c.ok, loadErr, schemaErr)
		}
	}
}

// TestSchemaDefaultsMatchRenderer checks the defaults the layout schema documents against the
// values a layout that leaves everything out gets.
func TestSchemaDefaultsMatchRenderer(t *testing.T) {
	_, lay := compileTestSchema(t, LayoutSchemaID, LayoutSchema)
	b, err := Load(schemaFixtureFS(t, schemaBaseFM, ""), "t")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{
		"top": b.lay.page.Top, "right": b.lay.page.Right, "bottom": b.lay.page.Bottom, "left": b.lay.page.Left,
	}
	for k, v := range got {
		if d := schemaAt(t, lay, "page", "margins", k)["default"]; d != json.Number(fmt.Sprint(v)) {
			t.Errorf("page.margins.%s: schema default %v, loader %v", k, d, v)
		}
	}
	// What the loader leaves empty is the renderer's default.
	if b.lay.font != "" || b.lay.size != 0 || b.lay.window != (render.Window{}) || b.lay.pdfa != "" {
		t.Errorf("a layout without font, size, window and pdfa gets %q, %v, %v, %q; want the renderer's defaults", b.lay.font, b.lay.size, b.lay.window, b.lay.pdfa)
	}
	w := render.DefaultWindow
	for _, c := range []struct {
		path []string
		want any
	}{
		{[]string{"font"}, render.DefaultFont},
		{[]string{"size"}, json.Number(fmt.Sprint(render.DefaultFontSize))},
		{[]string{"pdfa"}, string(render.DefaultPDFA)},
		{[]string{"page", "size"}, "A4"},
		{[]string{"window"}, map[string]any{"x": json.Number(fmt.Sprint(w.X)), "y": json.Number(fmt.Sprint(w.Y)),
			"width": json.Number(fmt.Sprint(w.Width)), "height": json.Number(fmt.Sprint(w.Height))}},
	} {
		if diff := cmp.Diff(c.want, schemaAt(t, lay, c.path...)["default"]); diff != "" {
			t.Errorf("%s: schema default differs from the renderer's (-renderer +schema):\n%s", strings.Join(c.path, "."), diff)
		}
	}
}
