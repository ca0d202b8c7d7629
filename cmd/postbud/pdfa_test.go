package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

func TestPDFACheck(t *testing.T) {
	bundle := filepath.Join("..", "..", "samples", "templates", "boligstoette-afgoerelse")
	b, err := templates.LoadDir(bundle)
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.Document(b.Sample)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pdf.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.pdf")
	if err := os.WriteFile(good, out, 0o644); err != nil {
		t.Fatal(err)
	}
	// The same letter without its binary comment line: "%âãÏÓ\n" after the header becomes spaces,
	// which keeps every offset right.
	broken := bytes.Replace(out, []byte("%\xe2\xe3\xcf\xd3"), []byte("     "), 1)
	if bytes.Equal(broken, out) {
		t.Fatal("the letter has no binary comment line to break")
	}
	bad := filepath.Join(dir, "bad.pdf")
	if err := os.WriteFile(bad, broken, 0o644); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"pdfa", "check", good}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d for the rendered letter\n%s%s", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"pdfa", "check", good, bad}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d with a broken file, want 1\n%s%s", code, stdout.String(), stderr.String())
	}
	if want := bad + ": 6.1.2: file: "; !strings.Contains(stdout.String(), want) {
		t.Errorf("no line starting %q in:\n%s", want, stdout.String())
	}
	if code := run(context.Background(), []string{"pdfa", "check"}, &stdout, &stderr); code != 2 {
		t.Errorf("exit %d without files, want 2", code)
	}
}
