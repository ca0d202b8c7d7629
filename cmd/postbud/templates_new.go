package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"

	"github.com/postbud/postbud/templates"
	"github.com/postbud/postbud/templates/locale"
)

func init() {
	templatesCommands["new"] = command{name: "new", summary: "create a template bundle from a sample or a skeleton", run: cmdTemplatesNew}
}

// cmdTemplatesNew runs `postbud templates new NAME [--from BUNDLE] [--lang LANG] [--root DIR]`:
// it creates DIR/templates/NAME, a copy of bundle BUNDLE or a skeleton decision letter in LANG,
// that loads, merges its sample data and renders. Refusals (a bad or taken name, an unknown
// bundle or language) exit 2; nothing is written unless the whole bundle is.
func cmdTemplatesNew(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("templates new", flag.ContinueOnError)
	fset.SetOutput(stderr)
	from := fset.String("from", "", "copy this bundle of DIR/templates instead of writing a skeleton")
	lang := fset.String("lang", "", "language of the skeleton: da, sv, nb, nn, nl, fi, de, fr or en (default da)")
	root := fset.String("root", "samples", "the folder holding templates/, layouts/ and blocks/")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud templates new NAME [--from BUNDLE] [--lang LANG] [--root DIR]")
		fmt.Fprintln(stderr, "\nCreates the template bundle DIR/templates/NAME. With --from, a copy of bundle BUNDLE (its")
		fmt.Fprintln(stderr, "letter*.md, schema.json, sample*.json and images); without, a skeleton decision letter in")
		fmt.Fprintln(stderr, "LANG with its schema.json and sample.json, on a layout of DIR (a new layouts/NAME when DIR")
		fmt.Fprintln(stderr, "has none) and with the complaint guidance block when blocks/ has it in LANG. The bundle is")
		fmt.Fprintln(stderr, "checked (it loads and its sample merges) before it appears; an existing NAME is refused.")
		fmt.Fprintln(stderr)
		fset.PrintDefaults()
	}
	pos, err := parseArgs(fset, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 1 {
		fset.Usage()
		return 2
	}
	res, err := newBundle(*root, pos[0], *from, *lang)
	if err != nil {
		fmt.Fprintf(stderr, "postbud templates new: %v\n", err)
		var re refusal
		if errors.As(err, &re) {
			return 2
		}
		return 1
	}
	what := "a skeleton in " + res.lang
	if *from != "" {
		what = "a copy of " + *from
	}
	fmt.Fprintf(stdout, "created %s: %s\n", res.dir, what)
	for _, f := range res.files {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	fmt.Fprintf(stdout, "try: postbud render %s %s\n", res.dir, filepath.Join(res.dir, "sample.json"))
	return 0
}

// refusal is an error in what `templates new` was asked to do, as opposed to a failure while
// doing it.
type refusal struct{ msg string }

func (r refusal) Error() string { return r.msg }

func refuse(format string, args ...any) error { return refusal{fmt.Sprintf(format, args...)} }

// templateNameRE is what a template name looks like: what the API accepts as one.
var templateNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// skeletonLang is the skeleton's language when --lang is not given.
const skeletonLang = "da"

// decisionBlocks are the shared blocks a decision carries when blocks/ has them in its language.
var decisionBlocks = []string{"klagevejledning"}

//go:embed skeleton
var skeletonFiles embed.FS

// phrases are the texts of the skeleton in one language (skeleton/phrases.json).
type phrases struct {
	Title, Subject, Description, Salutation, Paragraph string
	Sender, SenderStreet, SenderCity                   string
	Sample                                             struct {
		Name, Street, Postcode, City, CaseNumber, Matter, Handler, HandlerTitle string
	}
}

// created is what newBundle made: the bundle folder and the paths of the files written
// (the bundle's, then a new layout's), relative to the root.
type created struct {
	dir   string
	lang  string
	files []string
}

// newBundle creates root/templates/name as a copy of bundle from or, when from is "", as a
// skeleton in language lang. The files are written into temporary folders next to their
// places, checked by loading the bundle and merging its sample data, and only then renamed
// into place; on any failure nothing is left behind.
func newBundle(root, name, from, lang string) (res *created, err error) {
	if !templateNameRE.MatchString(name) {
		return nil, refuse("template name %q must be a plain folder name: lowercase letters a-z, digits and hyphens, at most 64, starting with a letter or digit (e.g. parkering-afgoerelse)", name)
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return nil, refuse("--root %s is not a folder: give the folder holding templates/, layouts/ and blocks/", root)
	}
	tplDir := filepath.Join(root, "templates")
	dest := filepath.Join(tplDir, name)
	if _, err := os.Lstat(dest); err == nil {
		return nil, refuse("template %s already exists at %s: choose another name", name, dest)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("check %s: %w", dest, err)
	}
	// files are the new files by path in the root, slash-separated.
	files := map[string][]byte{}
	res = &created{dir: dest}
	if from != "" {
		if lang != "" {
			return nil, refuse("--lang is for the skeleton; a copy keeps the languages of %s (add letter.<lang>.md to it for another)", from)
		}
		if err := copyBundle(root, from, name, files); err != nil {
			return nil, err
		}
	} else {
		if lang == "" {
			lang = skeletonLang
		}
		loc, err := locale.Lookup(lang)
		if err != nil {
			return nil, refuse("--lang: %v", err)
		}
		res.lang = loc.Tag
		if err := skeletonBundle(root, name, loc.Tag, files); err != nil {
			return nil, err
		}
	}
	// Write each new top folder (templates/<name>, layouts/<name>) into a temporary folder
	// next to it. On failure, remove what this call made: the temporary folders, folders moved
	// into place, and the parents it had to create.
	tops := map[string]string{} // top folder → its temporary folder
	var made, moved []string
	defer func() {
		for _, tmp := range tops {
			os.RemoveAll(tmp)
		}
		if err == nil {
			return
		}
		for _, m := range moved {
			os.RemoveAll(m)
		}
		for i := len(made) - 1; i >= 0; i-- {
			os.Remove(made[i]) // only if empty
		}
	}()
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		top := path.Dir(p)
		tmp, ok := tops[top]
		if !ok {
			parent := filepath.Join(root, filepath.FromSlash(path.Dir(top)))
			if err := mkdirs(parent, &made); err != nil {
				return nil, fmt.Errorf("create %s: %w", parent, err)
			}
			if tmp, err = os.MkdirTemp(parent, "."+name+".new-"); err != nil {
				return nil, fmt.Errorf("create a folder for %s: %w", top, err)
			}
			tops[top] = tmp
			if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it private
				return nil, fmt.Errorf("create a folder for %s: %w", top, err)
			}
		}
		if err := os.WriteFile(filepath.Join(tmp, path.Base(p)), files[p], 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		res.files = append(res.files, filepath.Join(root, filepath.FromSlash(p)))
	}
	if err := checkNewBundle(root, name, tops); err != nil {
		return nil, err
	}
	// The layout first, so that the bundle never appears without it.
	order := make([]string, 0, len(tops))
	for top := range tops {
		order = append(order, top)
	}
	sort.Slice(order, func(i, j int) bool {
		return strings.HasPrefix(order[i], "layouts/") && !strings.HasPrefix(order[j], "layouts/")
	})
	for _, top := range order {
		final := filepath.Join(root, filepath.FromSlash(top))
		if _, err := os.Lstat(final); err == nil {
			return nil, refuse("%s appeared while the bundle was being written; nothing was created", final)
		}
		if err := os.Rename(tops[top], final); err != nil {
			return nil, fmt.Errorf("move %s into place: %w", top, err)
		}
		delete(tops, top)
		moved = append(moved, final)
	}
	return res, nil
}

// mkdirs creates folder dir and its missing parents, appending each folder it creates to made.
func mkdirs(dir string, made *[]string) error {
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("%s is not a folder", dir)
		}
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := mkdirs(parent, made); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	*made = append(*made, dir)
	return nil
}

// checkNewBundle loads bundle name from root with the temporary folders tops in place of the
// new ones and merges the sample data of each of its languages.
func checkNewBundle(root, name string, tops map[string]string) error {
	fsys := overlayFS{base: os.DirFS(root), dirs: map[string]fs.FS{}}
	for top, tmp := range tops {
		fsys.dirs[top] = os.DirFS(tmp)
	}
	b, err := templates.Load(fsys, name)
	if err != nil {
		return fmt.Errorf("the new bundle does not load, so nothing was created: %w", err)
	}
	for _, l := range b.Languages() {
		v, err := b.Lang(l)
		if err != nil {
			return err
		}
		if v.Sample == nil {
			continue
		}
		if _, err := v.Document(v.Sample); err != nil {
			return fmt.Errorf("the new bundle's sample data does not merge (%s), so nothing was created: %w", l, err)
		}
	}
	return nil
}

// overlayFS is base with some folders (by slash path) served from other file systems.
type overlayFS struct {
	base fs.FS
	dirs map[string]fs.FS
}

func (o overlayFS) Open(name string) (fs.File, error) {
	for dir, fsys := range o.dirs {
		if name == dir {
			return fsys.Open(".")
		}
		if rest, ok := strings.CutPrefix(name, dir+"/"); ok {
			return fsys.Open(rest)
		}
	}
	return o.base.Open(name)
}

// copyBundle adds to files the bundle files of root/templates/from under templates/name.
func copyBundle(root, from, name string, files map[string][]byte) error {
	src := filepath.Join(root, "templates", from)
	if strings.ContainsAny(from, `/\`) || strings.HasPrefix(from, ".") {
		return refuse("--from %q must be the name of a bundle under %s", from, filepath.Join(root, "templates"))
	}
	if _, err := os.Stat(filepath.Join(src, "letter.md")); err != nil {
		names, _ := bundleNames(root)
		msg := fmt.Sprintf("--from: there is no bundle %q in %s", from, filepath.Join(root, "templates"))
		if len(names) > 0 {
			msg += "; the bundles are " + strings.Join(names, ", ")
		}
		return refusal{msg}
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	for _, e := range entries {
		n := e.Name()
		ext := strings.ToLower(path.Ext(n))
		keep := n == "schema.json" ||
			(strings.HasPrefix(n, "letter") && ext == ".md") ||
			(strings.HasPrefix(n, "sample") && ext == ".json") ||
			ext == ".png" || ext == ".jpg" || ext == ".jpeg"
		if e.IsDir() || !e.Type().IsRegular() || !keep {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, n))
		if err != nil {
			return fmt.Errorf("read %s: %w", filepath.Join(src, n), err)
		}
		files["templates/"+name+"/"+n] = data
	}
	return nil
}

// bundleNames lists the bundles of root/templates.
func bundleNames(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, "templates"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			if _, err := os.Stat(filepath.Join(root, "templates", e.Name(), "letter.md")); err == nil {
				out = append(out, e.Name())
			}
		}
	}
	return out, nil
}

// skeletonBundle adds to files the skeleton bundle templates/name in language lang (a locale
// tag), and layouts/name when root has no layout.
func skeletonBundle(root, name, lang string, files map[string][]byte) error {
	raw, err := skeletonFiles.ReadFile("skeleton/phrases.json")
	if err != nil {
		return fmt.Errorf("read the skeleton: %w", err)
	}
	var all map[string]phrases
	if err := json.Unmarshal(raw, &all); err != nil {
		return fmt.Errorf("read the skeleton's phrases: %w", err)
	}
	base, _, _ := strings.Cut(lang, "-")
	p, ok := all[base]
	if !ok {
		langs := make([]string, 0, len(all))
		for l := range all {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		return refuse("--lang %s: the skeleton has no texts in that language; it has %s (or copy a bundle with --from)", lang, strings.Join(langs, ", "))
	}
	layout, err := pickLayout(root, lang)
	if err != nil {
		return err
	}
	data := map[string]any{"Name": name, "Lang": lang, "Layout": layout, "P": p, "Blocks": neededBlocks(root, lang)}
	bundle := "templates/" + name + "/"
	if layout == "" {
		if _, err := os.Lstat(filepath.Join(root, "layouts", name)); err == nil {
			return refuse("%s has no layout to use, and %s exists without a layout.yaml: add one, or choose another name", root, filepath.Join(root, "layouts", name))
		}
		data["Layout"] = name
		data["SchemaPath"] = schemaRef(root, "layouts/"+name, "layout.schema.json", templates.LayoutSchemaID)
		if files["layouts/"+name+"/layout.yaml"], err = execSkeleton("layout.yaml.tmpl", data); err != nil {
			return err
		}
	}
	data["SchemaPath"] = schemaRef(root, bundle, "letter.schema.json", templates.LetterSchemaID)
	for _, f := range []string{"letter.md", "schema.json", "sample.json"} {
		if files[bundle+f], err = execSkeleton(f+".tmpl", data); err != nil {
			return err
		}
	}
	return nil
}

// execSkeleton executes the skeleton file name, whose actions are in [[ ]] since the letter's
// own are in {{ }}.
func execSkeleton(name string, data any) ([]byte, error) {
	src, err := skeletonFiles.ReadFile("skeleton/" + name)
	if err != nil {
		return nil, fmt.Errorf("read the skeleton: %w", err)
	}
	t, err := template.New(name).Delims("[[", "]]").Funcs(template.FuncMap{
		"join": strings.Join,
		// yaml quotes text as a YAML single-quoted scalar, in which {{ }} is safe.
		"yaml": func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" },
		"json": func(s string) (string, error) {
			b, err := json.Marshal(s)
			return string(b), err
		},
	}).Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("skeleton %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("skeleton %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// neededBlocks returns the decision blocks that root's blocks/ has for a letter in language
// lang (a locale tag): blocks/<block>.<lang>.md or blocks/<block>.md, where the loader looks.
func neededBlocks(root, lang string) []string {
	var out []string
	for _, b := range decisionBlocks {
		for _, f := range []string{b + "." + lang + ".md", b + ".md"} {
			if st, err := os.Stat(filepath.Join(root, "blocks", f)); err == nil && st.Mode().IsRegular() {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// pickLayout chooses the layout of a skeleton in language lang: the one most letters of root in
// that language use, else the first of root's layouts by name; "" when root has none.
func pickLayout(root, lang string) (string, error) {
	yamls, err := filepath.Glob(filepath.Join(root, "layouts", "*", "layout.yaml"))
	if err != nil {
		return "", err
	}
	var layouts []string
	for _, y := range yamls {
		layouts = append(layouts, filepath.Base(filepath.Dir(y)))
	}
	sort.Strings(layouts)
	if len(layouts) == 0 {
		return "", nil
	}
	count := map[string]int{}
	letters, _ := filepath.Glob(filepath.Join(root, "templates", "*", "letter*.md"))
	for _, l := range letters {
		var fm struct{ Language, Layout string }
		if src, err := os.ReadFile(l); err == nil && readFront(src, &fm) == nil && fm.Language == lang {
			count[fm.Layout]++
		}
	}
	best := layouts[0]
	for _, l := range layouts {
		if count[l] > count[best] {
			best = l
		}
	}
	return best, nil
}

// readFront decodes the front matter of a letter file into v.
func readFront(src []byte, v any) error {
	s := strings.ReplaceAll(strings.TrimPrefix(string(src), "\ufeff"), "\r\n", "\n")
	rest, ok := strings.CutPrefix(s, "---\n")
	if !ok {
		return errors.New("no front matter")
	}
	end := strings.Index(rest, "\n---\n")
	if end < 0 {
		return errors.New("front matter not closed")
	}
	return yaml.Unmarshal([]byte(rest[:end]), v)
}

// schemaRef returns how a file in root folder dir refers to the schema file: by a relative path
// when root lies in a postbud checkout (a folder above it holds templates/schema/file), else
// by its $id.
func schemaRef(root, dir, file, id string) string {
	abs, err := filepath.Abs(filepath.Join(root, filepath.FromSlash(dir)))
	if err != nil {
		return id
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		cand := filepath.Join(d, "templates", "schema", file)
		if _, err := os.Stat(cand); err == nil {
			if rel, err := filepath.Rel(abs, cand); err == nil {
				return filepath.ToSlash(rel)
			}
		}
		if filepath.Dir(d) == d {
			return id
		}
	}
}
