package templates

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// fixtureFS is the fixture root in memory with letter.md replaced.
func fixtureFS(t testing.TB, letter []byte) fstest.MapFS {
	fsys := fstest.MapFS{}
	err := filepath.WalkDir(fixtureDir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(fixtureDir, p)
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if letter != nil {
		fsys["templates/boligstoette/letter.md"] = &fstest.MapFile{Data: letter}
	}
	return fsys
}

// FuzzFrontMatter: whatever letter.md holds, Load returns a bundle or an error, never panics;
// a bundle it returns merges its sample data without panicking either.
func FuzzFrontMatter(f *testing.F) {
	fix, err := os.ReadFile(filepath.Join(fixtureDir, "templates/boligstoette/letter.md"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(fix))
	f.Add("---\ntitle: T\nlanguage: da\nlayout: kommune\nrecipient: [x]\n---\nBody\n")
	f.Add("---\ntitle: &a [*a]\n---\n")
	f.Add("---\nrecipient: {a: b}\ndetails: [1, [2]]\nsignature: x\n---\n")
	f.Add("---\nmemo: [x]\nsender: {address: 3}\n---\n")
	f.Add("---\ntitle: T\nlanguage: da\nlayout: kommune\nrecipient: [x]\nmemo:\n  version: '1.2'\n  mandatory: true\n" +
		"  case_id: '{{ .caseNumber }}'\n  case_system: S\n  kle: {subject_key: '1', version: '1', label: L}\n" +
		"  actions:\n    - {label: B, code: BETALING, url: 'https://x.dk/{{ .caseNumber }}', start: '{{ .date }}', end: '{{ .subject }}'}\n---\nx\n")
	f.Add("---\r\n---\r\n")
	f.Add("---\ntitle: '{{'\nlanguage: da\nlayout: kommune\nrecipient: ['{{ .x']\n---\n")
	f.Add("---\n? [a]\n: b\n---\n")
	sample := fixtureFS(f, nil)["templates/boligstoette/sample.json"].Data
	f.Fuzz(func(t *testing.T, letter string) {
		fsys := fixtureFS(t, []byte(letter))
		b, err := Load(fsys, "boligstoette")
		if err != nil {
			return
		}
		b.Document(sample)
		b.ExecMemo(sample)
	})
}

// FuzzTemplate: an arbitrary body with expressions loads or fails with an error, and merging the
// sample data gives a document or an error, never a panic.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		"Kære {{ .recipient.name }}",
		"{{ range .table.rows }}| {{ .period }} |{{ end }}",
		"{{ with .recipient }}{{ .name }}{{ else }}x{{ end }}",
		"{{ $r := .recipient }}{{ $r.name }}{{ $r.nope }}",
		"{{ if has .recipient \"co\" }}{{ .recipient.co }}{{ end }}",
		"{{ include \"kontakt\" }}{{ include \"klagevejledning\" }}",
		"{{ money .monthlyOre \"EUR\" }} {{ date .date \"short\" }} {{ number .area 2 }}",
		"{{ plural .persons \"a\" \"b\" }} {{ upper .subject }} {{ join .table.rows \",\" }}",
		"{{ index .table.rows 0 }}{{ len .table.rows }}{{ slice .subject 1 3 }}",
		"{{ range 5 }}{{ . }}{{ end }}{{ break }}",
		"{{ define \"x\" }}{{ end }}{{ template \"x\" }}",
		"{{/* comment */}}{{- .subject -}}",
		"{{ .table.rows.period }}{{ (.recipient).name }}",
		"{{ printf \"%v\" . }}{{ call .x }}",
		"<b>x</b>\n\n---\n\n![a](plan.png)![b](nope.png)",
		"{{ range $i, $e := .table.rows }}{{ $i }}{{ $e.amountOre }}{{ end }}",
	} {
		f.Add(s)
	}
	head := "---\ntitle: T\nlanguage: da\nlayout: kommune\nblocks: [klagevejledning, kontakt]\nrecipient: [x]\n---\n"
	sample := fixtureFS(f, nil)["templates/boligstoette/sample.json"].Data
	f.Fuzz(func(t *testing.T, body string) {
		b, err := Load(fixtureFS(t, []byte(head+body)), "boligstoette")
		if err != nil {
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("load error %v is not a *TemplateError", err)
			}
			return
		}
		b.Document(sample)
	})
}

// FuzzMerge: arbitrary data against the fixture bundle gives a document or an error.
func FuzzMerge(f *testing.F) {
	fsys := fixtureFS(f, nil)
	b, err := Load(fsys, "boligstoette")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b.Sample)
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[1, {"a": null}]`))
	f.Add([]byte(`{"recipient": {"name": null}}`))
	f.Add([]byte("{\"a\": \"\xff\"}"))
	f.Add([]byte(`{"table": {"rows": [{"amountOre": 1e400}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := b.Document(data)
		if err == nil && d == nil {
			t.Fatal("no document and no error")
		}
		b.ExecMemo(data)
	})
}

// FuzzMergeSchemaless: the same with a bundle whose schema accepts anything, so the data
// reaches every template function.
func FuzzMergeSchemaless(f *testing.F) {
	fsys := fixtureFS(f, nil)
	fsys["templates/boligstoette/schema.json"] = &fstest.MapFile{Data: []byte(`{}`)}
	b, err := Load(fsys, "boligstoette")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b.Sample)
	f.Add([]byte(`{"recipient": {"name": {"x": 1}, "co": null}, "date": 5, "monthlyOre": "x"}`))
	f.Add([]byte(`{"table": {"rows": "abc", "totalOre": 1.5}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b.Document(data)
	})
}
