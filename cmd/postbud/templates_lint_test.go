package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lintRun runs `postbud templates lint args...` and returns its exit code, stdout and stderr.
func lintRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"templates", "lint"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestTemplatesLintSamples(t *testing.T) {
	code, out, errOut := lintRun(t, samplesDir)
	if code != 0 {
		t.Fatalf("exit %d, want 0 (the samples have no errors)\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for _, l := range lines {
		if !strings.HasPrefix(l, samplesDir+"/") || !strings.Contains(l, ": warning: ") {
			t.Errorf("line %q is not a warning of a file of %s", l, samplesDir)
		}
	}
	if want := lintCount(len(lines), "warning", "warnings"); errOut != "0 errors, "+want+" in 5 bundles\n" {
		t.Errorf("stderr %q, want the summary \"0 errors, %s in 5 bundles\"", errOut, want)
	}

	code, out, errOut = lintRun(t, "--warnings=false", samplesDir)
	if code != 0 || out != "" || errOut != "0 errors in 5 bundles (warnings not shown)\n" {
		t.Errorf("--warnings=false: exit %d, stdout %q, stderr %q; want 0, nothing, the summary", code, out, errOut)
	}
}

func TestTemplatesLintErrors(t *testing.T) {
	root := copySamples(t)
	letter := filepath.Join(root, "templates", "betalningspaminnelse", "letter.md")
	data, err := os.ReadFile(letter)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(letter, bytes.Replace(data, []byte("keywords:"), []byte("keyword:"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	want := letter + `:7:1: error: unknown key "keyword" in the front matter; did you mean "keywords"?` + "\n"

	code, out, errOut := lintRun(t, "--warnings=false", root)
	if code != 1 || out != want || errOut != "1 error in 5 bundles (warnings not shown)\n" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, %q and the summary", code, out, errOut, want)
	}
	// The bundle's own folder lints that bundle alone; flags may follow DIR.
	code, out, errOut = lintRun(t, filepath.Dir(letter), "--warnings=false")
	if code != 1 || out != want || errOut != "1 error in 1 bundle (warnings not shown)\n" {
		t.Errorf("bundle folder: exit %d, stdout %q, stderr %q; want 1, %q and the summary", code, out, errOut, want)
	}
}

func TestTemplatesLintUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{nil, 2, "Usage: postbud templates lint DIR"},
		{[]string{"a", "b"}, 2, "Usage: postbud templates lint DIR"},
		{[]string{"--warnings=maybe", samplesDir}, 2, "invalid boolean value"},
		{[]string{filepath.Join(t.TempDir(), "none")}, 2, "postbud templates lint: lint "},
		{[]string{"-h"}, 0, "Usage: postbud templates lint DIR"},
	} {
		code, out, errOut := lintRun(t, tc.args...)
		if code != tc.code || out != "" || !strings.Contains(errOut, tc.err) {
			t.Errorf("lint %q: exit %d, stdout %q, stderr %q; want exit %d and %q on stderr", tc.args, code, out, errOut, tc.code, tc.err)
		}
	}
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"templates", "help"}, &stdout, &stderr)
	if !strings.Contains(stdout.String(), "lint      check bundles like a compiler") {
		t.Errorf("postbud templates help does not list lint:\n%s", stdout.String())
	}
}
