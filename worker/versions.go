package worker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"weak"

	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/render/fonts"
	"github.com/postbud/postbud/templates"
)

// TemplateVersion is one kept version of a template bundle: the manifest the template archive
// holds for it (see KeptVersions). A version is kept when the first letter that uses it is
// submitted, and never changes afterwards.
type TemplateVersion struct {
	// Template is the bundle's name; Version its templates.Bundle.Version.
	Template string `json:"template"`
	Version  string `json:"version"`
	// FirstUsed is when the first letter of this version was submitted (UTC, to the second).
	FirstUsed time.Time `json:"first_used"`
	// Files are every file that went into Version, sorted by path (relative to the templates
	// root: templates/<name>/..., layouts/<layout>/..., blocks/...).
	Files []KeptFile `json:"files"`
	// Fonts are the font files the renderers of the process that kept the version embed, by
	// file name; a letter rendered again with other fonts may not come out the same.
	Fonts []KeptFile `json:"fonts"`
	// Build describes the postbud binary that kept the version, as far as it knows itself.
	Build *BuildInfo `json:"build,omitempty"`
}

// KeptFile is one file of a kept version: its path, the hex SHA-256 of its content (the key of
// the content in the archive) and its size.
type KeptFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
}

// BuildInfo is what a postbud binary knows of its own build (runtime/debug.ReadBuildInfo).
type BuildInfo struct {
	// Module is the main module's path and Version its version: "(devel)" for a binary built
	// from a working tree.
	Module  string `json:"module,omitempty"`
	Version string `json:"version,omitempty"`
	// Revision, Time and Modified are the version control facts the go command stamped, when it
	// did.
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	// Go is the toolchain that built the binary.
	Go string `json:"go"`
}

// errNotKept: the archive has no manifest for the version asked for.
var errNotKept = errors.New("not in the template archive")

// currentBuild is this binary's BuildInfo.
var currentBuild = sync.OnceValue(func() *BuildInfo {
	b := &BuildInfo{Go: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Module, b.Version = info.Main.Path, info.Main.Version
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
})

// currentFonts lists the font files this binary's renderers embed (every style of every set of
// every family), sorted by name.
var currentFonts = sync.OnceValues(func() ([]KeptFile, error) {
	var out []KeptFile
	for _, family := range fonts.Families() {
		for _, set := range fonts.Sets(family) {
			for st := fonts.Regular; st <= fonts.BoldItalic; st++ {
				f, err := set.Face(st)
				if err != nil {
					return nil, fmt.Errorf("list the renderers' fonts: %w", err)
				}
				sum := sha256.Sum256(f.Data)
				out = append(out, KeptFile{Path: f.File, SHA256: hex.EncodeToString(sum[:]), Bytes: len(f.Data)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return slices.CompactFunc(out, func(a, b KeptFile) bool { return a.Path == b.Path }), nil
})

// fontsDigest is 16 hex digits of a SHA-256 over a font list: what a case record keeps of the
// fonts its letter was rendered with.
func fontsDigest(list []KeptFile) string {
	h := sha256.New()
	for _, f := range list {
		fmt.Fprintf(h, "%s %s %d\n", f.Path, f.SHA256, f.Bytes)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// fontsDiffer says how the fonts of list (a kept version's) differ from this binary's, or ""
// when they are the same.
func fontsDiffer(list []KeptFile) (string, error) {
	now, err := currentFonts()
	if err != nil {
		return "", err
	}
	was := map[string]string{}
	for _, f := range list {
		was[f.Path] = f.SHA256
	}
	var diffs []string
	for _, f := range now {
		switch old, ok := was[f.Path]; {
		case !ok:
			diffs = append(diffs, f.Path+" is new")
		case old != f.SHA256:
			diffs = append(diffs, f.Path+" changed")
		}
		delete(was, f.Path)
	}
	for p := range was {
		diffs = append(diffs, p+" is gone")
	}
	sort.Strings(diffs)
	return strings.Join(diffs, ", "), nil
}

// archive is the in-process state of the template archive of one document store: the versions
// known to be kept, the keeping in progress, and the bundles loaded from it. It holds no
// reference to the store, so that a closed store and its state can go.
type archive struct {
	mu      sync.Mutex
	kept    map[string]bool          // template + "\x00" + version, known to be in the archive
	busy    map[string]chan struct{} // being kept by one goroutine; closed when it is done
	bundles []*loaded                // most recently used first, at most maxLoaded
}

type loaded struct {
	key    string
	bundle *templates.Bundle
	tv     *TemplateVersion
}

const (
	// maxKept bounds the versions a process remembers as kept; past it the memory starts over
	// (and the next letter of each version checks the store once more).
	maxKept = 4096
	// maxLoaded bounds the bundles loaded from the archive that a process keeps parsed.
	maxLoaded = 32
)

// archives holds the state of each open document store's archive, by a weak pointer to it: the
// entry goes when the store is collected.
var archives struct {
	mu sync.Mutex
	m  map[weak.Pointer[docstore.Store]]*archive
}

func archiveOf(s *docstore.Store) *archive {
	k := weak.Make(s)
	archives.mu.Lock()
	defer archives.mu.Unlock()
	if a := archives.m[k]; a != nil {
		return a
	}
	if archives.m == nil {
		archives.m = map[weak.Pointer[docstore.Store]]*archive{}
	}
	a := &archive{kept: map[string]bool{}, busy: map[string]chan struct{}{}}
	archives.m[k] = a
	runtime.AddCleanup(s, func(k weak.Pointer[docstore.Store]) {
		archives.mu.Lock()
		delete(archives.m, k)
		archives.mu.Unlock()
	}, k)
	return a
}

// keepVersion makes sure the version of bundle b is in the template archive of o.Documents before
// a letter uses it: its files by content, then its manifest, first use now. A process writes a
// version once (concurrent letters of one version wait for that write); a version kept before,
// by any process, keeps its first use. Without o.Documents nothing is kept.
func (o Options) keepVersion(ctx context.Context, b *templates.Bundle, now time.Time) error {
	if o.Documents == nil {
		return nil
	}
	return archiveOf(o.Documents).keep(ctx, o.Documents, b, now)
}

func (a *archive) keep(ctx context.Context, store *docstore.Store, b *templates.Bundle, now time.Time) error {
	key := b.Name + "\x00" + b.Version
	for {
		a.mu.Lock()
		if a.kept[key] {
			a.mu.Unlock()
			return nil
		}
		wait, busy := a.busy[key]
		if !busy {
			done := make(chan struct{})
			a.busy[key] = done
			a.mu.Unlock()
			err := writeVersion(ctx, store, b, now)
			a.mu.Lock()
			if err == nil {
				if len(a.kept) >= maxKept {
					clear(a.kept)
				}
				a.kept[key] = true
			}
			delete(a.busy, key)
			close(done)
			a.mu.Unlock()
			return err
		}
		a.mu.Unlock()
		select {
		case <-wait:
			// Kept now, or the writer failed and this caller tries itself.
		case <-ctx.Done():
			return fmt.Errorf("keep template %s version %s: %w", b.Name, b.Version, ctx.Err())
		}
	}
}

// writeVersion writes bundle b's files and manifest into the archive of store.
func writeVersion(ctx context.Context, store *docstore.Store, b *templates.Bundle, now time.Time) error {
	files := b.Files()
	if len(files) == 0 {
		return fmt.Errorf("keep template %s version %s: the bundle lists no files", b.Name, b.Version)
	}
	fl, err := currentFonts()
	if err != nil {
		return err
	}
	tv := &TemplateVersion{Template: b.Name, Version: b.Version, FirstUsed: now.UTC().Truncate(time.Second), Fonts: fl, Build: currentBuild()}
	for _, p := range sortedKeys(files) {
		sum, err := store.PutArchiveFile(ctx, files[p])
		if err != nil {
			return fmt.Errorf("keep template %s version %s: file %s: %w", b.Name, b.Version, p, err)
		}
		tv.Files = append(tv.Files, KeptFile{Path: p, SHA256: sum, Bytes: len(files[p])})
	}
	raw, err := json.MarshalIndent(tv, "", "  ")
	if err != nil {
		return fmt.Errorf("keep template %s version %s: %w", b.Name, b.Version, err)
	}
	stored, created, err := store.CreateManifest(ctx, b.Name, b.Version, append(raw, '\n'))
	if err != nil {
		return fmt.Errorf("keep template %s version %s: %w", b.Name, b.Version, err)
	}
	if !created {
		// Kept before (by this process before a restart, or by another): the manifest found must
		// be a readable one of this version, or no letter could be rendered from it.
		if _, err := parseManifest(stored, b.Name, b.Version); err != nil {
			return fmt.Errorf("keep template %s version %s: %w", b.Name, b.Version, err)
		}
	}
	return nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parseManifest decodes a stored manifest and checks that it is the one of template version.
func parseManifest(raw []byte, template, version string) (*TemplateVersion, error) {
	var tv TemplateVersion
	if err := json.Unmarshal(raw, &tv); err != nil {
		return nil, fmt.Errorf("the archive's manifest of template %s version %s is not valid JSON: %w", template, version, err)
	}
	if tv.Template != template || tv.Version != version {
		return nil, fmt.Errorf("the archive's manifest of template %s version %s names template %q version %q", template, version, tv.Template, tv.Version)
	}
	if len(tv.Files) == 0 {
		return nil, fmt.Errorf("the archive's manifest of template %s version %s lists no files", template, version)
	}
	return &tv, nil
}

// KeptVersions lists the versions of template name kept in the archive of store, newest first
// use first. A name with no kept version gives an empty list.
func KeptVersions(ctx context.Context, store *docstore.Store, name string) ([]TemplateVersion, error) {
	versions, err := store.ManifestVersions(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("list kept versions of template %s: %w", name, err)
	}
	out := make([]TemplateVersion, 0, len(versions))
	for _, v := range versions {
		raw, err := store.Manifest(ctx, name, v)
		if errors.Is(err, docstore.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list kept versions of template %s: %w", name, err)
		}
		tv, err := parseManifest(raw, name, v)
		if err != nil {
			return nil, fmt.Errorf("list kept versions of template %s: %w", name, err)
		}
		out = append(out, *tv)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].FirstUsed.Equal(out[j].FirstUsed) {
			return out[i].FirstUsed.After(out[j].FirstUsed)
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// TemplateVersions lists the kept versions of the tenant's template name, newest first (see
// KeptVersions). It returns an error wrapping ErrUnknownTemplate when the tenant may not use the
// template, or when it is neither in the templates nor in the archive. It needs
// Options.Documents.
func (c *Client) TemplateVersions(ctx context.Context, tenant, name string) ([]TemplateVersion, error) {
	if c.o.Documents == nil {
		return nil, errors.New("list kept versions: Options.Documents is not set")
	}
	_, err := c.o.Templates.Bundle(tenant, name)
	known := err == nil || !errors.Is(err, ErrUnknownTemplate)
	if !known {
		// A template removed from the templates root is still the tenant's when the tenant may
		// use that name and its versions were kept.
		dt, ok := c.o.Templates.(*DirTemplates)
		if !ok || !plainName(name) || !dt.allowed(tenant, name) {
			return nil, fmt.Errorf("template %q: %w", name, ErrUnknownTemplate)
		}
	}
	list, err := KeptVersions(ctx, c.o.Documents, name)
	if err != nil {
		return nil, err
	}
	if !known && len(list) == 0 {
		return nil, fmt.Errorf("template %q: %w", name, ErrUnknownTemplate)
	}
	return list, nil
}

// keptBundle loads template name at version from the archive of store: the files its manifest
// lists, each checked against its SHA-256, loaded as a templates root that must give the same
// version. Bundles loaded are kept parsed (the last maxLoaded). An error wraps errNotKept when the
// archive has no such version, docstore.ErrCorrupt when a file was changed; a broken kept
// version (a file changed or missing, a manifest unreadable) is a permanent error, a store that
// cannot be read a transient one.
func keptBundle(ctx context.Context, store *docstore.Store, name, version string) (*templates.Bundle, *TemplateVersion, error) {
	a := archiveOf(store)
	key := name + "\x00" + version
	a.mu.Lock()
	for i, l := range a.bundles {
		if l.key == key {
			copy(a.bundles[1:i+1], a.bundles[:i])
			a.bundles[0] = l
			a.mu.Unlock()
			return l.bundle, l.tv, nil
		}
	}
	a.mu.Unlock()
	b, tv, err := loadKept(ctx, store, name, version)
	if err != nil {
		return nil, nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, l := range a.bundles {
		if l.key == key {
			return l.bundle, l.tv, nil // loaded meanwhile by another letter
		}
	}
	if len(a.bundles) >= maxLoaded {
		a.bundles = a.bundles[:maxLoaded-1]
	}
	a.bundles = append([]*loaded{{key: key, bundle: b, tv: tv}}, a.bundles...)
	return b, tv, nil
}

func loadKept(ctx context.Context, store *docstore.Store, name, version string) (*templates.Bundle, *TemplateVersion, error) {
	raw, err := store.Manifest(ctx, name, version)
	if errors.Is(err, docstore.ErrNotFound) {
		return nil, nil, fmt.Errorf("template %s version %s: %w", name, version, errNotKept)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read kept template %s version %s: %w", name, version, err)
	}
	tv, err := parseManifest(raw, name, version)
	if err != nil {
		return nil, nil, permanent{err}
	}
	files := make(map[string][]byte, len(tv.Files))
	for _, f := range tv.Files {
		data, err := store.ArchiveFile(ctx, f.SHA256)
		switch {
		case errors.Is(err, docstore.ErrCorrupt):
			return nil, nil, permanent{fmt.Errorf("kept template %s version %s: file %s was changed in the archive (its content no longer has SHA-256 %s); restore it from a backup of the document store: %w", name, version, f.Path, f.SHA256, err)}
		case errors.Is(err, docstore.ErrNotFound):
			return nil, nil, permanent{fmt.Errorf("kept template %s version %s: file %s (SHA-256 %s) is missing from the archive; restore it from a backup of the document store: %w", name, version, f.Path, f.SHA256, err)}
		case err != nil:
			return nil, nil, fmt.Errorf("read kept template %s version %s: file %s: %w", name, version, f.Path, err)
		}
		if len(data) != f.Bytes {
			return nil, nil, permanent{fmt.Errorf("kept template %s version %s: file %s has %d bytes, the manifest says %d", name, version, f.Path, len(data), f.Bytes)}
		}
		files[f.Path] = data
	}
	b, err := templates.Load(newFileFS(files), name)
	if err != nil {
		return nil, nil, permanent{fmt.Errorf("load kept template %s version %s: %w", name, version, err)}
	}
	if b.Version != version {
		return nil, nil, permanent{fmt.Errorf("kept template %s version %s loads as version %s: this binary reads the files differently from the one that kept them (built %s)", name, version, b.Version, tv.Build.describe())}
	}
	return b, tv, nil
}

// describe names a build in a message.
func (b *BuildInfo) describe() string {
	if b == nil {
		return "by an unknown build"
	}
	s := "with " + b.Go
	if b.Version != "" && b.Version != "(devel)" {
		s = b.Version + " " + s
	}
	if b.Revision != "" {
		s += " at revision " + b.Revision
		if b.Modified {
			s += " (modified)"
		}
	}
	return s
}
