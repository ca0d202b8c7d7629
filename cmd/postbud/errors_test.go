package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// copySamples copies the samples tree so a test can break one file without touching the real one.
func copySamples(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(samplesDir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(samplesDir, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestRenderBadInput(t *testing.T) {
	root := copySamples(t)
	bundle := filepath.Join(root, "templates", "boligstoette-afgoerelse")
	sample, err := os.ReadFile(filepath.Join(bundle, "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	wrongTypes := strings.Replace(string(sample), `"name": "Søren Ærbø Møller"`, `"name": 42`, 1)
	wrongTypes = strings.Replace(wrongTypes, `"amountOre": 4575`, `"amountOre": "45,75"`, 1)
	missing := strings.Replace(string(sample), `"caseNumber": "2026-004711",`, ``, 1)

	brokenRoot := copySamples(t)
	brokenBundle := filepath.Join(brokenRoot, "templates", "boligstoette-afgoerelse")
	letter, _ := os.ReadFile(filepath.Join(brokenBundle, "letter.md"))
	broken := strings.Replace(string(letter), "{{ .closing }}", "{{ frobnicate .closing }}", 1)
	if err := os.WriteFile(filepath.Join(brokenBundle, "letter.md"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	at := strings.Index(broken, "{{ frobnicate")
	closingLine := strings.Count(broken[:at], "\n") + 1
	closingCol := at - strings.LastIndex(broken[:at], "\n") + len("{{ ") // the function's name

	tests := []struct {
		name   string
		bundle string
		data   string
		code   int
		want   []string // regexps, each must match a line of stderr
	}{
		{"wrong types", bundle, write("wrong.json", wrongTypes), 1, []string{
			`wrong\.json: /recipient/name: .*string.* \(used at .*letter\.md:\d+`,
			`wrong\.json: /table/rows/2/amountOre: .*integer.* \(used at .*letter\.md:\d+`,
		}},
		{"missing field", bundle, write("missing.json", missing), 1, []string{
			`missing\.json: /caseNumber: .*required.* \(used at .*letter\.md:\d+`,
		}},
		{"invalid JSON", bundle, write("syntax.json", "{\n  \"recipient\": {\n    \"name\": \"x\",,\n"), 1, []string{
			`syntax\.json.*line 3`,
		}},
		{"template syntax error", brokenBundle, filepath.Join(bundle, "sample.json"), 1, []string{
			`letter\.md:` + strconv.Itoa(closingLine) + `:` + strconv.Itoa(closingCol) + `: .*frobnicate`,
		}},
		{"missing bundle", filepath.Join(root, "templates", "nope"), filepath.Join(bundle, "sample.json"), 1, []string{
			`nope`,
		}},
		{"missing data file", bundle, filepath.Join(root, "nope.json"), 1, []string{
			`nope\.json`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"render", tc.bundle, tc.data, "-o", out}, &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			for _, re := range tc.want {
				if !regexp.MustCompile(`(?m)` + re).MatchString(stderr.String()) {
					t.Errorf("stderr has no line matching %s:\n%s", re, stderr.String())
				}
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("a failed render left %d files in the output folder", len(entries))
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"render"},
		{"render", "a"},
		{"render", "a", "b", "--format", "odt"},
		{"bench", "a", "b", "-n", "0"},
		{"frobnicate"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("postbud %v: exit %d, want 2 (usage)", args, code)
		}
	}
}

// buildBinary builds postbud into a temporary folder for tests that run it as a process.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "postbud")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestBinaryNeverPanics runs the real binary on bad input: the user sees a message, never a stack trace.
func TestBinaryNeverPanics(t *testing.T) {
	bin := buildBinary(t)
	bundle := filepath.Join(samplesDir, "templates", "boligstoette-afgoerelse")
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"recipient": [1, 2, {"x": null}], "paragraphs": "nope", "table": {"rows": [{}]}}`), 0o644)
	out := t.TempDir()
	cmd := exec.Command(bin, "render", bundle, bad, "-o", out)
	stderr, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v, want exit status 1\n%s", err, stderr)
	}
	for _, bad := range []string{"panic", "goroutine ", ".go:"} {
		if bytes.Contains(stderr, []byte(bad)) {
			t.Errorf("stderr contains %q:\n%s", bad, stderr)
		}
	}
	if n := strings.Count(string(stderr), "\n"); n < 3 {
		t.Errorf("want one line per problem (at least 3), got %d:\n%s", n, stderr)
	}
}

func TestBenchCommand(t *testing.T) {
	bundle := filepath.Join(samplesDir, "templates", "boligstoette-afgoerelse")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", bundle, filepath.Join(bundle, "sample.json"), "-n", "4", "--warmup", "1", "--format", "both", "--concurrency", "2"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if last := lines[len(lines)-1]; !regexp.MustCompile(`^letters/s: [0-9]+\.[0-9]$`).MatchString(last) {
		t.Errorf("last line %q, want `letters/s: <float>`", last)
	}
}
