package lint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/postbud/postbud/templates"
)

// Names lists the bundles under root/templates: its folders, sorted (hidden ones left out). The
// error is one of reading that folder.
func Names(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, "templates"))
	if err != nil {
		return nil, fmt.Errorf("lint %s: %w", root, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// Dir checks every bundle under root/templates (see Bundle) and returns their problems sorted
// by file, line and column, each once (a layout or block that several bundles share is reported
// once). The error is only for a root whose templates folder cannot be read.
func Dir(root string) ([]Problem, error) {
	names, err := Names(root)
	if err != nil {
		return nil, err
	}
	var all []Problem
	seen := map[Problem]bool{}
	for _, n := range names {
		for _, p := range Bundle(root, n) {
			if !seen[p] {
				seen[p] = true
				all = append(all, p)
			}
		}
	}
	return sortProblems(all), nil
}

// Bundle checks the bundle root/templates/name and returns its problems, sorted. Files are named
// as templates.LoadDir names them (root joined with the path in it, e.g.
// samples/templates/x/letter.md).
//
// Errors:
//   - the front matter of letter.md and letter.<lang>.md and the layout's layout.yaml against
//     their published schemas (FrontMatter, Layout);
//   - schema.json that is not JSON (at the syntax error) or not a valid JSON Schema 2020-12 (at
//     the keyword), sample.json that is not JSON or does not match the schema (at the value);
//   - whatever stops the bundle from loading, at its position (templates.LoadDir: template
//     syntax, unknown functions, shared blocks missing for the letter's language, images and
//     layouts that are not there, ...);
//   - each field the template reads that the schema does not declare, at the action; each field
//     the schema requires that no action reads, at its "required" entry;
//   - in each language of the letter, with the sample: the merge (a template that fails on the
//     sample's data), the MeMo header against MeMo's limits (label and texts at most 256
//     characters, notification 150, action URLs by delivery/memo's rules) at the front matter
//     key, every reason render/pdf would refuse the letter (Preflight: characters the font has
//     no glyph for, at the sample.json string or template text holding them; what does not
//     fit) and render/docx's errors;
//   - links that are not https:// (mailto: and tel: are allowed) in the letter bodies, shared
//     blocks and MeMo actions, and images that are not PNG or JPEG files next to letter.md.
//
// Warnings, on the merged sample letter's body: sentences of more than MaxSentenceWords words,
// paragraphs of more than MaxParagraphWords, a LIX score above MaxLIX (LIX = words/sentences +
// 100 × long words/words, a long word having more than six letters), each at the template text
// or the sample.json string it comes from; and a letter of several pages whose last page holds
// fewer than MinLastPageLines lines of text (by render/pdf's own layout, pdf.PageLines).
//
// A bundle that does not load still gets the checks that need no loaded bundle: the front
// matter and layout schemas and the JSON of schema.json and sample.json. Bundle reads only
// files; it takes well under a second for a sample letter, so that the preview can run it on
// every save.
func Bundle(root, name string) []Problem {
	dir := filepath.Join(root, "templates", name)
	c := &checker{
		root: root, dir: dir,
		files: bundleFiles{
			letter: filepath.Join(dir, "letter.md"),
			schema: filepath.Join(dir, "schema.json"),
			sample: filepath.Join(dir, "sample.json"),
		},
		letters:   map[string]*letterSource{},
		sources:   map[string]string{},
		indexes:   map[string]*lineIndex{},
		samples:   map[string]*jsonDoc{},
		staticURL: map[string]bool{},
	}
	c.run()
	return sortProblems(c.out)
}

// bundleFiles are the files of a bundle as problems name them.
type bundleFiles struct {
	letter, schema, sample string
}

// sampleFile is a sample data file, indexed for positions.
type sampleFile struct {
	file string
	doc  *jsonDoc
}

// with names the sample a finding was made with, for messages: "with sample.json".
func (s sampleFile) with() string { return "with " + filepath.Base(s.file) }

// checker holds what the checks of one bundle share.
type checker struct {
	root, dir string
	files     bundleFiles
	b         *templates.Bundle

	letters     map[string]*letterSource // letter.md and letter.<lang>.md by file
	letterOrder []string
	sources     map[string]string // every text file of the bundle by file: letters, blocks, layout
	sourceOrder []string
	indexes     map[string]*lineIndex

	schemaDoc *jsonDoc
	schema    any                 // schema.json decoded, nil when it is not JSON
	samples   map[string]*jsonDoc // sample.json and sample.<lang>.json by file; nil: not JSON
	cur       sampleFile          // the sample of the letter being checked

	staticURL map[string]bool // "file#i": memo action i's URL is already reported
	out       []Problem
}

func (c *checker) add(p Problem) { c.out = append(c.out, p) }

// reported reports whether an error is already reported at file:line.
func (c *checker) reported(file string, line int) bool {
	for _, p := range c.out {
		if p.Severity == Error && p.File == file && p.Line == line {
			return true
		}
	}
	return false
}

// addSource records a text file of the bundle for the checks that read sources.
func (c *checker) addSource(file string, data []byte) {
	if _, ok := c.sources[file]; ok {
		return
	}
	c.sources[file] = strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n")
	c.sourceOrder = append(c.sourceOrder, file)
}

// index returns the line index of a source file.
func (c *checker) index(file string) *lineIndex {
	ix := c.indexes[file]
	if ix == nil {
		ix = newLineIndex(c.sources[file])
		c.indexes[file] = ix
	}
	return ix
}

func (c *checker) run() {
	c.unloaded()
	b, err := templates.LoadDir(c.dir)
	if err != nil {
		c.loadError(err)
		return
	}
	c.b = b
	for p, data := range b.Files() {
		if strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".yaml") {
			c.addSource(filepath.Join(c.root, filepath.FromSlash(p)), data)
		}
	}
	sort.Strings(c.sourceOrder)
	var letters []*templates.Bundle
	var langs []string
	for _, lang := range b.Languages() {
		v, err := b.Lang(lang)
		if err != nil {
			c.add(Problem{File: c.letterFile(lang), Severity: Error, Msg: err.Error()})
			continue
		}
		letters = append(letters, v)
		langs = append(langs, lang)
	}
	if c.schema != nil {
		c.out = append(c.out, checkFields(letters, c.files.schema, c.schemaDoc, c.schema)...)
	}
	c.links()
	checked := map[string]bool{} // sample file → it matches the schema
	for i, v := range letters {
		file := c.sampleFile(langs[i])
		if v.Sample == nil {
			if !slices.ContainsFunc(c.out, func(p Problem) bool { return p.File == file && p.Severity == Warning }) {
				c.add(Problem{File: file, Severity: Warning, Msg: "no sample.json: add sample case data, so that lint and the preview can merge and render the letter"})
			}
			continue
		}
		doc := c.samples[file]
		if doc == nil {
			continue // not JSON: reported
		}
		ok, done := checked[file]
		if !done {
			ps := checkSample(v, file, doc)
			c.out = append(c.out, ps...)
			ok = len(ps) == 0
			checked[file] = ok
		}
		if ok {
			c.cur = sampleFile{file: file, doc: doc}
			c.letter(v, langs[i])
		}
	}
}

// sampleFile is the sample data of a letter: sample.<lang>.json when the bundle has one for a
// language other than the default, else sample.json (the loader's rule).
func (c *checker) sampleFile(lang string) string {
	if lang != "" && lang != c.b.Language {
		f := filepath.Join(c.dir, "sample."+lang+".json")
		if _, ok := c.samples[f]; ok {
			return f
		}
	}
	return c.files.sample
}

// unloaded runs the checks that need no loaded bundle: the front matter of each letter file and
// its layout against their schemas, and the JSON of schema.json and sample.json.
func (c *checker) unloaded() {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return // LoadDir reports it
	}
	layouts := map[string]bool{}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || n != "letter.md" && !(strings.HasPrefix(n, "letter.") && strings.HasSuffix(n, ".md")) {
			continue
		}
		file := filepath.Join(c.dir, n)
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		c.out = append(c.out, FrontMatter(file, data)...)
		ls := readLetter(file, data)
		c.letters[file] = ls
		c.letterOrder = append(c.letterOrder, file)
		c.addSource(file, data)
		if name, ok := scalar(get(ls.front, "layout")); ok && name != "" && !strings.ContainsAny(name, `/\`) && !layouts[name] {
			layouts[name] = true
			lf := filepath.Join(c.root, "layouts", name, "layout.yaml")
			if data, err := os.ReadFile(lf); err == nil {
				c.out = append(c.out, Layout(lf, data)...)
			}
		}
	}
	sort.Strings(c.letterOrder)
	if data, err := os.ReadFile(c.files.schema); err == nil {
		var ps []Problem
		ps, c.schemaDoc, c.schema = checkSchema(c.files.schema, data)
		c.out = append(c.out, ps...)
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || n != "sample.json" && !(strings.HasPrefix(n, "sample.") && strings.HasSuffix(n, ".json")) {
			continue
		}
		file := filepath.Join(c.dir, n)
		data, err := os.ReadFile(file)
		if err != nil {
			c.add(Problem{File: file, Severity: Error, Msg: "cannot read: " + err.Error()})
			continue
		}
		doc, at, msg := readJSON(data)
		if doc == nil {
			c.add(Problem{File: file, Line: at.line, Col: at.col, Severity: Error, Msg: msg})
		}
		c.samples[file] = doc
	}
}

// loadError reports why the bundle did not load, at the position the loader gives, unless a
// check that ran without the bundle has already said it there (the schemas of the front matter
// and layout, the JSON of schema.json).
func (c *checker) loadError(err error) {
	var te *templates.TemplateError
	if errors.As(err, &te) {
		if te.File == c.files.schema && c.hasProblemIn(c.files.schema) || te.Line > 0 && c.reported(te.File, te.Line) {
			return
		}
		if te.Line == 0 && c.hasProblemIn(te.File) {
			return // a schema check has placed what the loader names only the file for
		}
		c.add(Problem{File: te.File, Line: te.Line, Col: te.Col, Severity: Error, Msg: te.Msg})
		return
	}
	msg := strings.TrimPrefix(err.Error(), "load template "+filepath.Base(c.dir)+": ")
	file := c.files.letter
	rest, hasRead := strings.CutPrefix(msg, "read ")
	if f, m, ok := strings.Cut(rest, ": "); ok && strings.ContainsRune(f, filepath.Separator) && !strings.ContainsAny(f, " \n") {
		file = f
		if hasRead {
			msg = "cannot read: " + m
		} else {
			msg = m
		}
	}
	c.add(Problem{File: file, Severity: Error, Msg: msg})
}

// hasProblemIn reports whether an error is already reported in file.
func (c *checker) hasProblemIn(file string) bool {
	for _, p := range c.out {
		if p.Severity == Error && p.File == file {
			return true
		}
	}
	return false
}
