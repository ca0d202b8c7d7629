package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/worker"
)

// rerenderEnv is a worker set-up on a copy of the samples whose tenant aarhus has a Digital Post
// sender (so each letter has a MeMo message), with its key in a file.
type rerenderEnv struct {
	root, storeURL, keyFile string
	opts                    worker.Options
}

func newRerenderEnv(t *testing.T) *rerenderEnv {
	t.Helper()
	for _, v := range []string{"POSTBUD_CONFIG", "POSTBUD_KEY", "POSTBUD_KEY_FILE", "POSTBUD_DOCUMENTS", "POSTBUD_DATA_DIR"} {
		t.Setenv(v, "")
	}
	dir := t.TempDir()
	k, err := sealed.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	e := &rerenderEnv{root: copySamples(t), storeURL: "file://" + filepath.ToSlash(filepath.Join(dir, "documents")), keyFile: filepath.Join(dir, "key")}
	if err := os.WriteFile(e.keyFile, []byte(k.Encode()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.opts = worker.Options{
		Redis:     testenv.Redis(t),
		Templates: &worker.DirTemplates{Root: e.root},
		Key:       k,
		Channels:  map[string]delivery.Channel{"outbox": &delivery.Outbox{Dir: filepath.Join(dir, "outbox")}},
		Tenants:   map[string]worker.Tenant{"aarhus": {Sender: memo.Sender{ID: "55133018", Label: "Aarhus Kommune"}, MemoDOCX: true}},
	}
	return e
}

// process starts a worker "process": its own Store (so an empty template archive cache), Client
// and Server. stop ends it.
func (e *rerenderEnv) process(t *testing.T) (c *worker.Client, stop func()) {
	t.Helper()
	docs, err := docstore.Open(context.Background(), e.storeURL)
	if err != nil {
		t.Fatal(err)
	}
	o := e.opts
	o.Documents = docs
	if c, err = worker.NewClient(o); err != nil {
		t.Fatal(err)
	}
	srv, err := worker.NewServer(o, 2, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
		c.Close()
		docs.Close()
	}
	t.Cleanup(stop)
	return c, stop
}

// deliver submits the sample letter and waits until it is delivered.
func (e *rerenderEnv) deliver(t *testing.T, c *worker.Client) *worker.Letter {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile(filepath.Join(e.root, "templates", "boligstoette-afgoerelse", "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	l, _, err := c.Submit(ctx, worker.Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: data,
		Recipient: delivery.Recipient{ID: "0102031234", Name: "Søren Ærbø Møller", Address: []string{"Åboulevarden 17, 3. th.", "8000 Aarhus C"}}})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if l, err = c.Letter(ctx, "aarhus", l.ID); err != nil {
			t.Fatal(err)
		}
		if l.Status.Final() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("letter %s still %s", l.ID, l.Status)
		}
	}
	if l.Status != worker.StatusDelivered || l.Memo == nil {
		t.Fatalf("letter %s: status %s, memo %v, last error %q", l.ID, l.Status, l.Memo, l.LastError)
	}
	return l
}

// changeTemplate adds a paragraph to the sample's letter.md and waits until DirTemplates sees it.
func (e *rerenderEnv) changeTemplate(t *testing.T) {
	t.Helper()
	p := filepath.Join(e.root, "templates", "boligstoette-afgoerelse", "letter.md")
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(src, "\nEt nyt afsnit om klager.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // DirTemplates looks again after a second
}

// renderLetter runs `postbud render --letter id` into a new folder.
func (e *rerenderEnv) renderLetter(t *testing.T, id string, extra ...string) (code int, out, stdout, stderr string) {
	t.Helper()
	out = t.TempDir()
	var so, se bytes.Buffer
	args := append([]string{"render", "--letter", id, "--tenant", "aarhus", "--store", e.storeURL, "--key-file", e.keyFile, "-o", out}, extra...)
	code = run(context.Background(), args, &so, &se)
	return code, out, so.String(), se.String()
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// TestRerenderLetter: a letter rendered, the template changed, the worker restarted (a new
// process with an empty cache, which renders a letter of the new version), then `postbud render
// --letter ID` writes byte for byte the stored PDF, DOCX and MeMo message of both letters.
func TestRerenderLetter(t *testing.T) {
	e := newRerenderEnv(t)
	c, stop := e.process(t)
	first := e.deliver(t, c)
	stop()
	e.changeTemplate(t)
	c2, stop2 := e.process(t)
	second := e.deliver(t, c2)
	stop2()
	if first.TemplateVersion == second.TemplateVersion {
		t.Fatalf("both letters have version %s; the template change did not take", first.TemplateVersion)
	}

	for _, l := range []*worker.Letter{first, second} {
		code, out, stdout, stderr := e.renderLetter(t, l.ID)
		if code != 0 {
			t.Fatalf("render --letter %s: exit %d\n%s%s", l.ID, code, stdout, stderr)
		}
		if !strings.Contains(stdout, "template boligstoette-afgoerelse version "+l.TemplateVersion) {
			t.Errorf("output does not name the letter's version %s:\n%s", l.TemplateVersion, stdout)
		}
		want := map[string]string{"memo.xml": l.Memo.SHA256}
		for _, d := range l.Documents {
			want[d.Format] = d.SHA256
		}
		for ext, sum := range want {
			if got := fileSHA256(t, filepath.Join(out, l.ID+"."+ext)); got != sum {
				t.Errorf("letter %s: %s rendered again has SHA-256 %s, the stored one %s", l.ID, ext, got, sum)
			}
		}
		for _, f := range []string{"pdf", "docx", "memo"} {
			if !regexp.MustCompile(`identical to the stored ` + f + ` \(sha256 [0-9a-f]{64}\)`).MatchString(stdout) {
				t.Errorf("letter %s: output does not say the %s is identical:\n%s", l.ID, f, stdout)
			}
		}
		if stderr != "" {
			t.Errorf("stderr: %s", stderr)
		}
	}

	// Both versions are listed once, newest first, with their first uses and files.
	var so, se bytes.Buffer
	if code := run(context.Background(), []string{"templates", "versions", "boligstoette-afgoerelse", "--store", e.storeURL}, &so, &se); code != 0 {
		t.Fatalf("templates versions: exit %d\n%s", code, se.String())
	}
	heads := regexp.MustCompile(`(?m)^([0-9a-f]{16})  (\S+)  (\d+) files$`).FindAllStringSubmatch(so.String(), -1)
	if len(heads) != 2 || heads[0][1] != second.TemplateVersion || heads[1][1] != first.TemplateVersion {
		t.Fatalf("templates versions lists %v; want %s then %s:\n%s", heads, second.TemplateVersion, first.TemplateVersion, so.String())
	}
	for i, l := range []*worker.Letter{second, first} {
		if heads[i][2] != l.Created.UTC().Format(time.RFC3339) {
			t.Errorf("version %s first used %s, want %s", l.TemplateVersion, heads[i][2], l.Created.UTC().Format(time.RFC3339))
		}
	}
	if !strings.Contains(so.String(), "\n    templates/boligstoette-afgoerelse/letter.md  ") {
		t.Errorf("templates versions does not list letter.md:\n%s", so.String())
	}
}

// TestRerenderLetterRefuses: a stored document that is not what the letter makes is reported as
// differing (exit 1); a kept file changed in the archive is refused, naming it; a letter the
// store has no case record of is named.
func TestRerenderLetterRefuses(t *testing.T) {
	e := newRerenderEnv(t)
	c, stop := e.process(t)
	l := e.deliver(t, c)
	stop()
	ctx := context.Background()
	docs, err := docstore.Open(ctx, e.storeURL)
	if err != nil {
		t.Fatal(err)
	}
	defer docs.Close()

	pdf, err := docs.Get(ctx, "aarhus", l.ID, "pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := docs.Put(ctx, "aarhus", l.ID, "pdf", append(pdf, '\n')); err != nil {
		t.Fatal(err)
	}
	code, _, stdout, _ := e.renderLetter(t, l.ID)
	if code != 1 || !strings.Contains(stdout, "DIFFERS from the stored pdf") || !strings.Contains(stdout, "identical to the stored docx") {
		t.Errorf("a changed stored PDF: exit %d\n%s", code, stdout)
	}

	raw, err := docs.Manifest(ctx, "boligstoette-afgoerelse", l.TemplateVersion)
	if err != nil {
		t.Fatal(err)
	}
	var tv worker.TemplateVersion
	if err := json.Unmarshal(raw, &tv); err != nil {
		t.Fatal(err)
	}
	for _, f := range tv.Files {
		if f.Path == "templates/boligstoette-afgoerelse/schema.json" {
			key, _ := docstore.ArchiveFileKey(f.SHA256)
			p := filepath.Join(strings.TrimPrefix(e.storeURL, "file://"), filepath.FromSlash(key))
			if err := os.WriteFile(p, []byte(`{"type": "object"}`), 0o640); err != nil {
				t.Fatal(err)
			}
		}
	}
	code, _, stdout, stderr := e.renderLetter(t, l.ID)
	if code != 1 || !strings.Contains(stderr, "templates/boligstoette-afgoerelse/schema.json was changed in the archive") || strings.Contains(stdout, "identical") {
		t.Errorf("a changed archive file: exit %d\n%s%s", code, stdout, stderr)
	}

	code, _, _, stderr = e.renderLetter(t, strings.Repeat("a", 26))
	if code != 1 || !strings.Contains(stderr, "has no case record") {
		t.Errorf("an unknown letter: exit %d\n%s", code, stderr)
	}
	var se bytes.Buffer
	if code := run(ctx, []string{"render", "--letter", l.ID, "--tenant", "aarhus", "--store", e.storeURL, "--data", t.TempDir()}, io.Discard, &se); code != 1 || !strings.Contains(se.String(), "no sealing key") {
		t.Errorf("no key: exit %d\n%s", code, se.String())
	}
	if code := run(ctx, []string{"templates", "versions", "no-such-template", "--store", e.storeURL}, io.Discard, &se); code != 1 || !strings.Contains(se.String(), "keeps no version") {
		t.Errorf("versions of an unknown template: exit %d\n%s", code, se.String())
	}
}
