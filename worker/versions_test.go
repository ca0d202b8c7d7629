package worker

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

const versionsTemplate = "boligstoette-afgoerelse"

// storeDir is the folder of a file document store.
func storeDir(t testing.TB, s *docstore.Store) string {
	t.Helper()
	u, err := url.Parse(s.URL())
	if err != nil || u.Scheme != "file" {
		t.Fatalf("store %s is no file store", s.URL())
	}
	return filepath.FromSlash(u.Path)
}

// reopen opens the store at s's URL again: a Store with an empty archive cache, as a new process
// has.
func reopen(t testing.TB, s *docstore.Store) *docstore.Store {
	t.Helper()
	s2, err := docstore.Open(context.Background(), s.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	return s2
}

// changeTemplate adds a paragraph to the template's letter.md and waits until DirTemplates sees
// it.
func changeTemplate(t testing.TB, root, text string) {
	t.Helper()
	letter := filepath.Join(root, "templates", versionsTemplate, "letter.md")
	src, err := os.ReadFile(letter)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(letter, append(src, "\n"+text+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // DirTemplates looks again after a second
}

// versionsEnv is an env on a copy of the samples, whose tenant aarhus has a Digital Post sender
// (so that each letter has a MeMo message, with the DOCX in it).
func versionsEnv(t *testing.T) (*env, string) {
	e := newEnv(t)
	root := copyTree(t, samplesRoot)
	e.opts.Templates = &DirTemplates{Root: root}
	e.opts.Tenants = map[string]Tenant{"aarhus": {Sender: aarhus, MemoDOCX: true}}
	return e, root
}

// TestTemplateChangedBeforeRender: a letter whose template changed between its submission and
// its rendering is rendered from the kept version, byte for byte the letter the old template
// makes, beside a letter of the new version; each version is listed once, with the submission
// of its first letter as first use, which later letters and other processes do not move.
func TestTemplateChangedBeforeRender(t *testing.T) {
	e, root := versionsEnv(t)
	c := e.client(t)
	ctx := context.Background()
	data := sample(t, versionsTemplate)
	old, err := templates.LoadDir(filepath.Join(root, "templates", versionsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	d, err := old.Document(data)
	if err != nil {
		t.Fatal(err)
	}
	oldPDF, err := pdf.Render(d)
	if err != nil {
		t.Fatal(err)
	}

	sub := Submission{Tenant: "aarhus", Template: versionsTemplate, Data: data, Recipient: testRecipient}
	l1, _, err := c.Submit(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	changeTemplate(t, root, "Et nyt afsnit.")
	time.Sleep(time.Second) // a first use of its own for the new version
	l2, _, err := c.Submit(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	if l1.TemplateVersion != old.Version || l2.TemplateVersion == l1.TemplateVersion {
		t.Fatalf("versions %s then %s; want %s then another", l1.TemplateVersion, l2.TemplateVersion, old.Version)
	}

	e.run(t, e.opts, 2)
	got := map[string]*Letter{}
	for _, l := range []*Letter{l1, l2} {
		f := waitFinal(t, c, "aarhus", l.ID, time.Minute)
		if f.Status != StatusDelivered || f.Memo == nil {
			t.Fatalf("letter %s (version %s): status %s, memo %v, last error %q", l.ID, l.TemplateVersion, f.Status, f.Memo, f.LastError)
		}
		got[l.TemplateVersion] = f
	}
	info, _ := got[l1.TemplateVersion].Document("pdf")
	if info.SHA256 != sha256Hex(oldPDF) {
		t.Errorf("the letter of the old version has PDF %s; the old template makes %s", info.SHA256, sha256Hex(oldPDF))
	}
	info2, _ := got[l2.TemplateVersion].Document("pdf")
	if info2.SHA256 == info.SHA256 {
		t.Errorf("the letter of the new version has the old version's PDF")
	}

	// Later letters of a version, and a process with an empty cache, leave its first use alone.
	if _, _, err := c.Submit(ctx, sub); err != nil {
		t.Fatal(err)
	}
	o2 := e.opts
	o2.Documents = reopen(t, e.opts.Documents)
	c2, err := NewClient(o2)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, _, err := c2.Submit(ctx, sub); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		version string
		first   time.Time
	}{{l2.TemplateVersion, l2.Created}, {l1.TemplateVersion, l1.Created}}
	for _, list := range []func() ([]TemplateVersion, error){
		func() ([]TemplateVersion, error) { return KeptVersions(ctx, e.opts.Documents, versionsTemplate) },
		func() ([]TemplateVersion, error) { return c2.TemplateVersions(ctx, "aarhus", versionsTemplate) },
	} {
		kept, err := list()
		if err != nil {
			t.Fatal(err)
		}
		if len(kept) != len(want) {
			t.Fatalf("%d kept versions, want %d: %+v", len(kept), len(want), kept)
		}
		for i, w := range want {
			k := kept[i]
			if k.Version != w.version || !k.FirstUsed.Equal(w.first) || k.Template != versionsTemplate {
				t.Errorf("kept version %d: %s first used %v; want %s first used %v", i, k.Version, k.FirstUsed, w.version, w.first)
			}
			paths := map[string]bool{}
			for _, f := range k.Files {
				paths[f.Path] = true
				if len(f.SHA256) != 64 || f.Bytes <= 0 {
					t.Errorf("kept file %+v", f)
				}
			}
			for _, p := range []string{"templates/" + versionsTemplate + "/letter.md", "templates/" + versionsTemplate + "/schema.json"} {
				if !paths[p] {
					t.Errorf("version %s does not keep %s: %v", k.Version, p, paths)
				}
			}
			if len(k.Fonts) == 0 || k.Build == nil || k.Build.Go == "" {
				t.Errorf("version %s: fonts %v, build %+v", k.Version, k.Fonts, k.Build)
			}
		}
	}
	if _, err := c.TemplateVersions(ctx, "aarhus", "no-such-template"); !errors.Is(err, ErrUnknownTemplate) {
		t.Errorf("versions of an unknown template: %v, want ErrUnknownTemplate", err)
	}
}

// TestRerender: a letter rendered, the template changed, the letter rendered again by id from
// the store alone, by a process with an empty cache: the same bytes, PDF, DOCX and MeMo message.
func TestRerender(t *testing.T) {
	e, root := versionsEnv(t)
	c := e.client(t)
	ctx := context.Background()
	l, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: versionsTemplate, Data: sample(t, versionsTemplate), Recipient: testRecipient})
	if err != nil {
		t.Fatal(err)
	}
	stop := e.run(t, e.opts, 2)
	if f := waitFinal(t, c, "aarhus", l.ID, time.Minute); f.Status != StatusDelivered {
		t.Fatalf("status %s, last error %q", f.Status, f.LastError)
	}
	stop()
	changeTemplate(t, root, "Et nyt afsnit.")

	store := reopen(t, e.opts.Documents)
	r, err := Rerender(ctx, store, e.opts.Key, "aarhus", l.ID)
	if err != nil {
		t.Fatal(err)
	}
	var formats []string
	for _, d := range r.Documents {
		formats = append(formats, d.Format)
		if !d.Same() {
			t.Errorf("%s rendered again: SHA-256 %s, stored %s", d.Format, d.SHA256, d.StoredSHA256)
		}
	}
	if diff := cmp.Diff([]string{"pdf", "docx", "memo"}, formats); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	if r.Version != l.TemplateVersion || r.Fonts != "" {
		t.Errorf("version %s, fonts %q; want %s and the same fonts", r.Version, r.Fonts, l.TemplateVersion)
	}

	// The case record is sealed: the store holds no personal data in clear.
	box, err := store.Get(ctx, "aarhus", l.ID, caseFormat)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{testRecipient.ID, "Søren", "Åboulevarden"} {
		if strings.Contains(string(box), secret) {
			t.Errorf("the stored case record shows %q", secret)
		}
	}
	manifest, err := store.Manifest(ctx, versionsTemplate, l.TemplateVersion)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("per letter: case record %d bytes sealed (case data %d bytes); per version: manifest %d bytes, files %d bytes",
		len(box), len(sample(t, versionsTemplate)), len(manifest), keptBytes(r.Kept))
	// A letter rendered with other fonts than this binary's: said so, and still compared.
	rec, err := readCase(ctx, store, e.opts.Key, "aarhus", l.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec.Fonts = "0000000000000000"
	plain, _ := json.Marshal(rec)
	resealed, err := sealed.Seal(e.opts.Key, plain, sealAD(l.ID, caseFormat))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(ctx, "aarhus", l.ID, caseFormat, resealed); err != nil {
		t.Fatal(err)
	}
	if r, err := Rerender(ctx, store, e.opts.Key, "aarhus", l.ID); err != nil || !strings.Contains(r.Fonts, "fonts differ") || !r.Documents[0].Same() {
		t.Errorf("other fonts: %+v, %v; want the fonts named as different, the PDF still compared", r, err)
	}

	// Another tenant's id, another key: refused.
	if _, err := Rerender(ctx, store, e.opts.Key, "odense", l.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another tenant's letter: %v, want ErrNotFound", err)
	}
	other := e.opts.Key
	other[0] ^= 1
	if _, err := Rerender(ctx, store, other, "aarhus", l.ID); err == nil || !strings.Contains(err.Error(), "key") {
		t.Errorf("another key: %v, want an error about the key", err)
	}
}

// TestTamperedArchive: a kept file whose content no longer has its SHA-256 is refused, by the
// worker (the letter fails for good, naming the file) and by Rerender.
func TestTamperedArchive(t *testing.T) {
	e, root := versionsEnv(t)
	c := e.client(t)
	ctx := context.Background()
	l, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: versionsTemplate, Data: sample(t, versionsTemplate), Recipient: testRecipient})
	if err != nil {
		t.Fatal(err)
	}
	changeTemplate(t, root, "Et nyt afsnit.")
	raw, err := e.opts.Documents.Manifest(ctx, versionsTemplate, l.TemplateVersion)
	if err != nil {
		t.Fatal(err)
	}
	var tv TemplateVersion
	if err := json.Unmarshal(raw, &tv); err != nil {
		t.Fatal(err)
	}
	letterPath := "templates/" + versionsTemplate + "/letter.md"
	for _, f := range tv.Files {
		if f.Path == letterPath {
			p := filepath.Join(storeDir(t, e.opts.Documents), ".templates", "files", f.SHA256)
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, append(src[:len(src)-1:len(src)-1], 'X'), 0o640); err != nil {
				t.Fatal(err)
			}
		}
	}

	o := e.opts
	o.Documents = reopen(t, e.opts.Documents)
	e.run(t, o, 2)
	f := waitFinal(t, c, "aarhus", l.ID, time.Minute)
	if f.Status != StatusFailed || f.Attempts != 1 || !strings.Contains(f.LastError, letterPath+" was changed in the archive") {
		t.Errorf("status %s, attempts %d, last error %q; want failed once, naming %s", f.Status, f.Attempts, f.LastError, letterPath)
	}
	_, err = Rerender(ctx, reopen(t, e.opts.Documents), e.opts.Key, "aarhus", l.ID)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("re-render of a letter never rendered: %v, want ErrNotFound (no case record)", err)
	}
	// A letter rendered before the archive was damaged cannot be rendered again either.
	if _, _, err := loadKept(ctx, reopen(t, e.opts.Documents), versionsTemplate, l.TemplateVersion); !errors.Is(err, docstore.ErrCorrupt) || !strings.Contains(err.Error(), letterPath) {
		t.Errorf("loading the damaged version: %v, want ErrCorrupt naming %s", err, letterPath)
	}
}

// TestKeepVersionFirstWriterWins: many processes (each its own Store, so its own cache) keep one
// version at once with different times: one manifest, whose first use is one of theirs and
// stays.
func TestKeepVersionFirstWriterWins(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := templates.LoadDir(filepath.Join(samplesRoot, "templates", versionsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		s, err := docstore.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = Options{Documents: s}.keepVersion(ctx, b, base.Add(time.Duration(i)*time.Hour))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	s, err := docstore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	kept, err := KeptVersions(ctx, s, versionsTemplate)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 1 || kept[0].Version != b.Version {
		t.Fatalf("kept %+v, want version %s once", kept, b.Version)
	}
	first := kept[0].FirstUsed
	if first.Before(base) || first.After(base.Add(7*time.Hour)) || first.Minute() != 0 {
		t.Errorf("first use %v is none of the writers'", first)
	}
	if err := (Options{Documents: s}).keepVersion(ctx, b, base.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if again, _ := KeptVersions(ctx, s, versionsTemplate); len(again) != 1 || !again[0].FirstUsed.Equal(first) {
		t.Errorf("after another keep: %+v, want first use %v", again, first)
	}
	// Every kept file is there under its hash, and loads as the version.
	kb, _, err := loadKept(ctx, s, versionsTemplate, b.Version)
	if err != nil {
		t.Fatal(err)
	}
	if kb.Version != b.Version {
		t.Errorf("loaded version %s, want %s", kb.Version, b.Version)
	}
}

// TestFileFS: the fs.FS of a bundle's files behaves as an fs.FS must, and loads as the bundle.
func TestFileFS(t *testing.T) {
	b, err := templates.LoadDir(filepath.Join(samplesRoot, "templates", versionsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	files := b.Files()
	var paths []string
	for p := range files {
		paths = append(paths, p)
	}
	fsys := newFileFS(files)
	if err := fstest.TestFS(fsys, paths...); err != nil {
		t.Fatal(err)
	}
	again, err := templates.Load(fsys, versionsTemplate)
	if err != nil {
		t.Fatal(err)
	}
	if again.Version != b.Version {
		t.Errorf("loaded from its files: version %s, want %s", again.Version, b.Version)
	}
}

func keptBytes(tv *TemplateVersion) int {
	n := 0
	for _, f := range tv.Files {
		n += f.Bytes
	}
	return n
}

// TestKeepVersionOncePerProcess: a process writes a version once; letters after that find it in
// memory, without a look at the store (here: the manifest removed behind its back stays gone),
// while a new process (a new Store) looks again and writes it anew.
func TestKeepVersionOncePerProcess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := templates.LoadDir(filepath.Join(samplesRoot, "templates", versionsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	s, err := docstore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	o := Options{Documents: s}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := o.keepVersion(ctx, b, time.Now()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	manifest := filepath.Join(dir, ".templates", "versions", versionsTemplate, b.Version+".json")
	if err := os.Remove(manifest); err != nil {
		t.Fatal(err)
	}
	if err := o.keepVersion(ctx, b, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(manifest); err == nil {
		t.Errorf("the second letter of a version wrote its manifest again")
	}
	s2, err := docstore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := (Options{Documents: s2}).keepVersion(ctx, b, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(manifest); err != nil {
		t.Errorf("a new process did not keep the version: %v", err)
	}
}

func TestFontsDiffer(t *testing.T) {
	now, err := currentFonts()
	if err != nil {
		t.Fatal(err)
	}
	if diff, err := fontsDiffer(now); err != nil || diff != "" {
		t.Fatalf("this binary's fonts differ from themselves: %q, %v", diff, err)
	}
	was := append([]KeptFile(nil), now[1:]...)
	was[0].SHA256 = strings.Repeat("0", 64)
	was = append(was, KeptFile{Path: "Old-Regular.ttf", SHA256: strings.Repeat("1", 64), Bytes: 1})
	want := now[0].Path + " is new, " + now[1].Path + " changed, Old-Regular.ttf is gone"
	if diff, err := fontsDiffer(was); err != nil || diff != want {
		t.Errorf("fontsDiffer = %q, %v; want %q", diff, err, want)
	}
	if fontsDigest(was) == fontsDigest(now) {
		t.Errorf("two font lists have one digest")
	}
}

// TestWorkerKeepsVersion: a letter submitted by a process that keeps no versions (a Client
// without a document store, as before versions were kept) has its version kept by the worker
// that renders it, first used when the letter was submitted, so that it can be rendered again.
func TestWorkerKeepsVersion(t *testing.T) {
	e, _ := versionsEnv(t)
	o := e.opts
	o.Documents = nil
	c, err := NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	l, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: versionsTemplate, Data: sample(t, versionsTemplate), Recipient: testRecipient})
	if err != nil {
		t.Fatal(err)
	}
	if kept, err := KeptVersions(ctx, e.opts.Documents, versionsTemplate); err != nil || len(kept) != 0 {
		t.Fatalf("kept before rendering: %v, %v", kept, err)
	}
	e.run(t, e.opts, 2)
	if f := waitFinal(t, c, "aarhus", l.ID, time.Minute); f.Status != StatusDelivered {
		t.Fatalf("status %s, last error %q", f.Status, f.LastError)
	}
	kept, err := KeptVersions(ctx, e.opts.Documents, versionsTemplate)
	if err != nil || len(kept) != 1 || kept[0].Version != l.TemplateVersion || !kept[0].FirstUsed.Equal(l.Created) {
		t.Fatalf("kept after rendering: %+v, %v; want version %s first used %v", kept, err, l.TemplateVersion, l.Created)
	}
	r, err := Rerender(ctx, reopen(t, e.opts.Documents), e.opts.Key, "aarhus", l.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range r.Documents {
		if !d.Same() {
			t.Errorf("%s rendered again differs", d.Format)
		}
	}
}

// TestRerenderLanguage: a letter in a bundle's other language (letter.da.md), rendered, its
// language's letter changed, is rendered again in that language, the same bytes.
func TestRerenderLanguage(t *testing.T) {
	e, root := versionsEnv(t)
	c := e.client(t)
	ctx := context.Background()
	const name = "waste-collection-information"
	data, err := os.ReadFile(filepath.Join(root, "templates", name, "sample.da.json"))
	if err != nil {
		t.Fatal(err)
	}
	l, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: name, Language: "da", Data: data, Recipient: testRecipient})
	if err != nil {
		t.Fatal(err)
	}
	stop := e.run(t, e.opts, 2)
	if f := waitFinal(t, c, "aarhus", l.ID, time.Minute); f.Status != StatusDelivered {
		t.Fatalf("status %s, last error %q", f.Status, f.LastError)
	}
	stop()
	p := filepath.Join(root, "templates", name, "letter.da.md")
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(src, "\nEt nyt afsnit.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Rerender(ctx, reopen(t, e.opts.Documents), e.opts.Key, "aarhus", l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Language != "da" || len(r.Documents) != 3 {
		t.Errorf("language %q, %d documents; want da and 3", r.Language, len(r.Documents))
	}
	for _, d := range r.Documents {
		if !d.Same() {
			t.Errorf("%s rendered again: SHA-256 %s, stored %s", d.Format, d.SHA256, d.StoredSHA256)
		}
	}
}
