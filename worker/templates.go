package worker

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/postbud/postbud/templates"
)

// DirTemplates serves bundles from a samples-style root (templates/, layouts/, blocks/), loading
// each once, and again when its files change: at most once a second per bundle it compares the
// size and modification time of every file under templates/<name>, layouts/ and blocks/ with the
// last load. Tenants maps a tenant to the template names it may use; a tenant absent from the
// map, or with an empty list, may use every template of the root. Safe for concurrent use.
type DirTemplates struct {
	Root    string
	Tenants map[string][]string

	mu    sync.Mutex
	cache map[string]*dirEntry
}

type dirEntry struct {
	mu      sync.Mutex
	bundle  *templates.Bundle
	err     error
	stamp   string
	checked time.Time
}

var _ Templates = (*DirTemplates)(nil)

// Bundle returns template name for tenant. It returns an error wrapping ErrUnknownTemplate when
// the name is not a plain folder name (no "/", "\", ".."), the tenant may not use it, or the
// root has no such template; a template that fails to load gives its *templates.TemplateError.
func (t *DirTemplates) Bundle(tenant, name string) (*templates.Bundle, error) {
	if !plainName(name) || !t.allowed(tenant, name) {
		return nil, fmt.Errorf("template %q: %w", name, ErrUnknownTemplate)
	}
	dir := filepath.Join(t.Root, "templates", name)
	if st, err := os.Stat(filepath.Join(dir, "letter.md")); err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("template %q: %w", name, ErrUnknownTemplate)
	}
	t.mu.Lock()
	if t.cache == nil {
		t.cache = map[string]*dirEntry{}
	}
	e := t.cache[name]
	if e == nil {
		e = &dirEntry{}
		t.cache[name] = e
	}
	t.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if (e.bundle != nil || e.err != nil) && time.Since(e.checked) < time.Second {
		return e.bundle, e.err
	}
	e.checked = time.Now()
	stamp := t.stamp(name)
	if (e.bundle != nil || e.err != nil) && stamp == e.stamp {
		return e.bundle, e.err
	}
	// Load through an fs.FS of the root, so that errors name files relative to it
	// ("templates/x/letter.md:3:5"), never a server path.
	b, err := templates.Load(os.DirFS(t.Root), name)
	e.stamp = stamp
	if err != nil {
		e.bundle, e.err = nil, err
		return nil, err
	}
	e.bundle, e.err = b, nil
	return b, nil
}

// Names lists the templates tenant may use, sorted.
func (t *DirTemplates) Names(tenant string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(t.Root, "templates"))
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || !plainName(e.Name()) || !t.allowed(tenant, e.Name()) {
			continue
		}
		if _, err := os.Stat(filepath.Join(t.Root, "templates", e.Name(), "letter.md")); err == nil {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

func (t *DirTemplates) allowed(tenant, name string) bool {
	list := t.Tenants[tenant]
	return len(list) == 0 || slices.Contains(list, name)
}

// plainName reports whether name is one folder name.
func plainName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, `/\`) &&
		!strings.Contains(name, "..") && !strings.HasPrefix(name, ".")
}

// stamp summarises the size and modification time of every file a bundle may read.
func (t *DirTemplates) stamp(name string) string {
	var b strings.Builder
	for _, sub := range []string{filepath.Join("templates", name), "layouts", "blocks"} {
		root := filepath.Join(t.Root, sub)
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
			return nil
		})
	}
	return b.String()
}
