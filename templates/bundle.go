package templates

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/templates/locale"
)

// Bundle is a loaded, parsed template bundle: the letter template with its schema, layout and
// shared blocks. It is immutable and safe for concurrent use.
type Bundle struct {
	// Name is the folder name under templates/, e.g. "boligstoette-afgoerelse".
	Name string
	// Version is 16 hex digits of a SHA-256 over everything that shapes a letter: letter.md,
	// schema.json, the bundle's images, every file of its layout folder and the block files it
	// can include (paths and contents, in sorted order). sample.json is left out: it does not
	// change letters.
	Version string
	// Title is the front matter title as written (it may hold {{ }} expressions); Description
	// is for people browsing templates.
	Title, Description string
	// Language is the front matter language; Layout the layout's name.
	Language, Layout string
	// Blocks are the shared blocks the letter may include; Requires those it must include
	// (front matter requires:), which Load has checked it does.
	Blocks, Requires []string
	// Schema is schema.json as given; Sample is the sample data: sample.<language>.json when the
	// bundle has one for the letter's language, else sample.json; nil when absent.
	Schema []byte
	Sample []byte

	file      string // letter.md as shown to people
	loc       *locale.Locale
	schema    *jsonschema.Schema
	lay       *layout
	fm        *letterFront
	body      *tmpl
	blocks    map[string]*tmpl
	images    map[string][]byte // the bundle's image files by name
	uses      []use
	dateField []string          // JSON pointer tokens of the data the first date detail reads
	files     map[string][]byte // every file that went into Version, by fs path
	// langs holds the bundle's letters by language (the default one included) and langOrder
	// their languages, default first; both nil for a bundle in one language.
	langs     map[string]*Bundle
	langOrder []string
}

// Load reads bundle name from root (templates/<name>, its layout, its blocks) and parses all
// of it. Errors name the file (as a path in root), line and column.
func Load(root fs.FS, name string) (*Bundle, error) {
	return load(root, name, func(p string) string { return p })
}

// LoadDir loads the bundle in dir (…/templates/<name>); the root is dir/../.. . File names in
// errors are the real paths as given, e.g. samples/templates/x/letter.md.
func LoadDir(dir string) (*Bundle, error) {
	clean := filepath.Clean(dir)
	abs, err := filepath.Abs(clean)
	if err != nil {
		return nil, fmt.Errorf("load template %s: %w", dir, err)
	}
	if filepath.Base(filepath.Dir(abs)) != "templates" {
		return nil, fmt.Errorf("load template %s: a bundle lives in a folder templates/<name>/ next to layouts/ and blocks/", dir)
	}
	rootDir := filepath.Join(clean, "..", "..")
	return load(os.DirFS(filepath.Dir(filepath.Dir(abs))), filepath.Base(abs), func(p string) string {
		return filepath.Join(rootDir, filepath.FromSlash(p))
	})
}

// loader carries what load needs while reading one bundle.
type loader struct {
	root  fs.FS
	show  func(string) string // fs path → path shown to people
	files map[string][]byte   // fs path → content of every file that goes into Version
}

func (l *loader) read(p string) ([]byte, error) {
	data, err := fs.ReadFile(l.root, p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", l.show(p), err)
	}
	return data, nil
}

func load(root fs.FS, name string, show func(string) string) (*Bundle, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || !fs.ValidPath(name) || name == "." {
		return nil, fmt.Errorf("load template %q: a template name is one folder name under templates/", name)
	}
	b, err := (&loader{root: root, show: show, files: map[string][]byte{}}).bundle(name)
	if err != nil {
		return nil, fmt.Errorf("load template %s: %w", name, err)
	}
	return b, nil
}

func (l *loader) bundle(name string) (*Bundle, error) {
	dir := "templates/" + name
	images := map[string][]byte{}
	var langFiles []string // letter.<lang>.md, in name order
	entries, err := fs.ReadDir(l.root, dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", l.show(dir), err)
	}
	for _, e := range entries {
		n := e.Name()
		switch ext := strings.ToLower(path.Ext(n)); {
		case e.IsDir():
		case ext == ".png" || ext == ".jpg" || ext == ".jpeg":
			data, err := l.read(dir + "/" + n)
			if err != nil {
				return nil, err
			}
			if (&render.Image{Data: data}).Format() == "" {
				return nil, fmt.Errorf("%s: not a PNG or JPEG image", l.show(dir+"/"+n))
			}
			images[n] = data
			l.files[dir+"/"+n] = data
		case n != "letter.md" && strings.HasPrefix(n, "letter.") && ext == ".md":
			langFiles = append(langFiles, n)
		}
	}
	schemaSrc, err := l.read(dir + "/schema.json")
	if err != nil {
		return nil, err
	}
	l.files[dir+"/schema.json"] = schemaSrc
	schema, err := compileSchema(l.show(dir+"/schema.json"), schemaSrc)
	if err != nil {
		return nil, err
	}
	sample, err := l.optional(dir + "/sample.json")
	if err != nil {
		return nil, err
	}
	shared := Bundle{Name: name, Schema: schemaSrc, Sample: sample, schema: schema, images: images}

	def, err := l.letter(shared, dir, "letter.md")
	if err != nil {
		return nil, err
	}
	variants := []*Bundle{def}
	for _, n := range langFiles {
		want := strings.TrimSuffix(strings.TrimPrefix(n, "letter."), ".md")
		v := shared
		if s, err := l.optional(dir + "/sample." + want + ".json"); err != nil {
			return nil, err
		} else if s != nil {
			v.Sample = s
		}
		b, err := l.letter(v, dir, n)
		if err != nil {
			return nil, err
		}
		if b.Language != want {
			return nil, &TemplateError{File: b.file, Line: b.fm.language.line, Col: b.fm.language.col, Msg: fmt.Sprintf("%s must be a letter in language %q (its name says so), but its language: is %q", n, want, b.Language)}
		}
		for _, o := range variants {
			if o.Language == b.Language {
				return nil, &TemplateError{File: b.file, Line: b.fm.language.line, Col: b.fm.language.col, Msg: fmt.Sprintf("language %q is also the language of %s; a bundle holds one letter per language", b.Language, o.file)}
			}
		}
		variants = append(variants, b)
	}
	v := version(l.files)
	var langs map[string]*Bundle
	var order []string
	if len(variants) > 1 {
		langs = make(map[string]*Bundle, len(variants))
		for _, b := range variants {
			langs[b.Language] = b
			order = append(order, b.Language)
		}
	}
	for _, b := range variants {
		b.Version, b.files, b.langs, b.langOrder = v, l.files, langs, order
	}
	return def, nil
}

// optional reads file p, nil when it does not exist.
func (l *loader) optional(p string) ([]byte, error) {
	data, err := fs.ReadFile(l.root, p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", l.show(p), err)
	}
	return data, nil
}

// letter parses the letter file of bundle folder dir (letter.md or letter.<lang>.md) with its
// layout and blocks into a copy of shared, which holds what every language of the bundle shares.
func (l *loader) letter(shared Bundle, dir, file string) (*Bundle, error) {
	b := &shared
	b.file = l.show(dir + "/" + file)
	src, err := l.read(dir + "/" + file)
	if err != nil {
		return nil, err
	}
	l.files[dir+"/"+file] = src

	// The functions refer to b, whose blocks are filled in below; they only run after Load.
	var funcs template.FuncMap
	funcsFor := func(loc *locale.Locale) template.FuncMap {
		funcs = funcMap(loc, b.include)
		return funcs
	}
	if err := b.parseLetter(string(src), funcsFor); err != nil {
		return nil, err
	}
	if b.lay, err = l.layout(b.Layout, b.fm.layoutText, b.file); err != nil {
		return nil, err
	}
	if err := l.blocks(b, funcs); err != nil {
		return nil, err
	}
	if err := b.checkRequired(); err != nil {
		return nil, err
	}
	if b.fm.signature != nil && b.fm.signature.imageName.set {
		img := b.fm.signature.imageName
		if _, ok := b.images[img.s]; !ok {
			return nil, &TemplateError{File: b.file, Line: img.line, Col: img.col, Msg: fmt.Sprintf("signature image %q is not a PNG or JPEG file in %s", img.s, l.show(dir))}
		}
	}
	b.analyse()
	return b, nil
}

// checkRequired checks that the letter lists and includes every block its front matter's
// requires: names: a decision without its complaint guidance must not load.
func (b *Bundle) checkRequired() error {
	reached := map[string]bool{}
	var visit func(t *tmpl)
	visit = func(t *tmpl) {
		for _, inc := range t.includes {
			if !reached[inc.name] {
				reached[inc.name] = true
				if bt := b.blocks[inc.name]; bt != nil {
					visit(bt)
				}
			}
		}
	}
	visit(b.body)
	for _, r := range b.fm.requires {
		if !contains(b.Blocks, r.s) {
			return &TemplateError{File: b.file, Line: r.line, Col: r.col, Msg: fmt.Sprintf("a letter of this kind must carry the shared block %q: list it in blocks: and add {{ include %q }} to the body", r.s, r.s)}
		}
		if !reached[r.s] {
			return &TemplateError{File: b.file, Line: r.line, Col: r.col, Msg: fmt.Sprintf("a letter of this kind must carry the shared block %q, but the body never includes it: add {{ include %q }}", r.s, r.s)}
		}
	}
	return nil
}

// blocks loads and parses the shared blocks the letter lists, then checks every include.
func (l *loader) blocks(b *Bundle, funcs template.FuncMap) error {
	b.blocks = make(map[string]*tmpl, len(b.Blocks))
	for i, name := range b.Blocks {
		where := b.fm.blockNames[i]
		if name == "" || strings.ContainsAny(name, `/\.`) {
			return &TemplateError{File: b.file, Line: where.line, Col: where.col, Msg: fmt.Sprintf("block name %q must be a file name under blocks/ without .md or language, e.g. klagevejledning", name)}
		}
		var p string
		var data []byte
		base, _, _ := strings.Cut(b.Language, "-")
		for _, cand := range []string{"blocks/" + name + "." + b.Language + ".md", "blocks/" + name + "." + b.loc.Tag + ".md", "blocks/" + name + "." + base + ".md", "blocks/" + name + ".md"} {
			d, err := fs.ReadFile(l.root, cand)
			if err == nil {
				p, data = cand, d
				break
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("read %s: %w", l.show(cand), err)
			}
		}
		if p == "" {
			return &TemplateError{File: b.file, Line: where.line, Col: where.col, Msg: fmt.Sprintf("shared block %q not found: add %s or %s", name, l.show("blocks/"+name+"."+b.Language+".md"), l.show("blocks/"+name+".md"))}
		}
		l.files[p] = data
		src := strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n")
		t, err := parseTemplate(l.show(p), src, 0, 0, funcs, escapeFunc)
		if err != nil {
			return err
		}
		b.blocks[name] = t
	}
	check := func(t *tmpl) error {
		for _, inc := range t.includes {
			if _, ok := b.blocks[inc.name]; !ok {
				return &TemplateError{File: t.file, Line: inc.line, Col: inc.col, Msg: fmt.Sprintf("block %q is not listed in the front matter of %s; add it to blocks: [...]", inc.name, b.file)}
			}
		}
		return nil
	}
	if err := check(b.body); err != nil {
		return err
	}
	for _, name := range b.Blocks {
		if err := check(b.blocks[name]); err != nil {
			return err
		}
	}
	// Cycles: depth-first search from each block over includes.
	state := map[string]int{} // 0 unvisited, 1 on the path, 2 done
	var path []string
	var visit func(name string) error
	visit = func(name string) error {
		state[name] = 1
		path = append(path, name)
		t := b.blocks[name]
		for _, inc := range t.includes {
			switch state[inc.name] {
			case 1:
				i := indexOf(path, inc.name)
				cycle := append(append([]string(nil), path[i:]...), inc.name)
				return &TemplateError{File: t.file, Line: inc.line, Col: inc.col, Msg: "shared blocks include each other in a circle: " + strings.Join(cycle, " → ")}
			case 0:
				if err := visit(inc.name); err != nil {
					return err
				}
			}
		}
		path = path[:len(path)-1]
		state[name] = 2
		return nil
	}
	for _, name := range b.Blocks {
		if state[name] == 0 {
			if err := visit(name); err != nil {
				return err
			}
		}
	}
	return nil
}

func indexOf(list []string, s string) int {
	for i, e := range list {
		if e == s {
			return i
		}
	}
	return -1
}

// include executes the shared block name with data; it is the template function include.
func (b *Bundle) include(name string, data any) (markdownText, error) {
	t := b.blocks[name]
	if t == nil {
		return "", fmt.Errorf("block %q is not listed in the front matter", name)
	}
	var w limitedBuffer
	if err := t.t.Execute(&w, data); err != nil {
		return "", t.execError(err)
	}
	return markdownText(w.String()), nil
}

// version hashes files (fs path → content) in sorted path order.
func version(files map[string][]byte) string {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	h := sha256.New()
	var n [8]byte
	for _, p := range paths {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
		binary.BigEndian.PutUint64(n[:], uint64(len(files[p])))
		h.Write(n[:])
		h.Write(files[p])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
