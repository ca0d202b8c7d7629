package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var benchBundle = filepath.Join(samplesDir, "templates", "boligstoette-afgoerelse")

// benchSample is the sample letter's case data, changed by edit, as one line of JSON.
func benchSample(t *testing.T, edit func(map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(benchBundle, "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(v)
	}
	line, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return line
}

// runBench runs `postbud bench` in this process and returns its exit code and output.
func runBench(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"bench"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// benchPages is the "pages a letter" of a bench run's output.
func benchPages(t *testing.T, stdout string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^pages a letter: ([0-9.]+)$`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no `pages a letter:` line in\n%s", stdout)
	}
	p, _ := strconv.ParseFloat(m[1], 64)
	return p
}

// TestBenchNDJSONCycles gives bench three letters of different lengths: the letters of the run
// are the records in turn, so the pages a letter are the mean of the three, which no one of
// them has.
func TestBenchNDJSONCycles(t *testing.T) {
	dir := t.TempDir()
	recs := [][]byte{
		benchSample(t, nil),
		benchSample(t, func(v map[string]any) { // long: the paragraphs eight times over
			ps := v["paragraphs"].([]any)
			for i := 0; i < 3; i++ {
				ps = append(ps, ps...)
			}
			v["paragraphs"] = ps
		}),
		benchSample(t, func(v map[string]any) { // short: one paragraph, one row
			v["paragraphs"] = v["paragraphs"].([]any)[:1]
			tb := v["table"].(map[string]any)
			tb["rows"] = tb["rows"].([]any)[:1]
		}),
	}
	var pages []float64
	for i, r := range recs {
		p := filepath.Join(dir, "letter"+strconv.Itoa(i)+".json")
		os.WriteFile(p, r, 0o644)
		code, stdout, stderr := runBench(t, benchBundle, p, "-n", "1", "--warmup", "0", "--concurrency", "1")
		if code != 0 {
			t.Fatalf("bench %s: exit %d\n%s", p, code, stderr)
		}
		pages = append(pages, benchPages(t, stdout))
	}
	mean := (pages[0] + pages[1] + pages[2]) / 3
	for _, p := range pages {
		if p == mean {
			t.Fatalf("pages of the three letters %v: the mean is one of them, the test cannot tell", pages)
		}
	}
	ndjson := append(bytes.Join(recs, []byte("\n")), '\n')
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"letters.ndjson", []string{"-n", "3", "--warmup", "0", "--concurrency", "1"}},
		{"letters.ndjson", []string{"-n", "6", "--warmup", "1", "--concurrency", "2", "--format", "both"}},
		{"letters.json", []string{"-n", "3", "--warmup", "2", "--concurrency", "1"}}, // NDJSON by content
	} {
		p := filepath.Join(dir, tc.file)
		os.WriteFile(p, ndjson, 0o644)
		code, stdout, stderr := runBench(t, append([]string{benchBundle, p}, tc.args...)...)
		if code != 0 {
			t.Fatalf("bench %s %v: exit %d\n%s", tc.file, tc.args, code, stderr)
		}
		if got := benchPages(t, stdout); strconv.FormatFloat(got, 'f', 2, 64) != strconv.FormatFloat(mean, 'f', 2, 64) {
			t.Errorf("bench %s %v: %.2f pages a letter, want %.2f, the mean of the records' %v\n%s", tc.file, tc.args, got, mean, pages, stdout)
		}
		for _, re := range []string{`(?m)^case data .*: 3 NDJSON records`, `(?m)^ms CPU a letter: [0-9]+\.[0-9]{2}$`, `(?m)^letters/s/core: [0-9]+\.[0-9]$`, `letters/s: [0-9]+\.[0-9]\n$`} {
			if !regexp.MustCompile(re).MatchString(stdout) {
				t.Errorf("bench %s %v: output does not match %s:\n%s", tc.file, tc.args, re, stdout)
			}
		}
	}
}

// TestBenchNDJSONBadRecords: every bad record is reported by file:line and JSON path before
// anything is timed.
func TestBenchNDJSONBadRecords(t *testing.T) {
	good := benchSample(t, nil)
	lines := [][]byte{
		good,
		benchSample(t, func(v map[string]any) { v["recipient"].(map[string]any)["postcode"] = "80000" }),
		nil, // an empty line is skipped, and counted
		[]byte(`{"recipient": `),
		benchSample(t, func(v map[string]any) { // too long for the envelope window even wrapped at 8 pt
			v["recipient"].(map[string]any)["street"] = strings.Repeat("Åboulevarden ", 30) + "17"
		}),
		good,
	}
	p := filepath.Join(t.TempDir(), "bad.ndjson")
	os.WriteFile(p, append(bytes.Join(lines, []byte("\n")), '\n'), 0o644)
	code, stdout, stderr := runBench(t, benchBundle, p, "-n", "5", "--warmup", "0")
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if stdout != "" {
		t.Errorf("a run with bad records printed figures:\n%s", stdout)
	}
	q := regexp.QuoteMeta(p)
	for _, re := range []string{
		`(?m)^` + q + `:2: /recipient/postcode: expected text matching`,
		`(?m)^` + q + `:4: `,
		`(?m)^` + q + `:5: /recipient/street: recipient 2: .*envelope window`,
		`(?m)^postbud bench: ` + q + `: 3 of 5 records have problems; nothing was timed$`,
	} {
		if !regexp.MustCompile(re).MatchString(stderr) {
			t.Errorf("stderr has no line matching %s:\n%s", re, stderr)
		}
	}
	for _, ok := range []string{q + ":1:", q + ":3:", q + ":6:"} {
		if regexp.MustCompile(ok).MatchString(stderr) {
			t.Errorf("stderr reports a good or empty line (%s):\n%s", ok, stderr)
		}
	}
}

// TestBenchE2ENDJSON: the end-to-end run cycles through NDJSON records like the render-only
// run; each letter of the batch is the next record, and all of them are delivered.
func TestBenchE2ENDJSON(t *testing.T) {
	short := benchSample(t, nil)
	long := benchSample(t, func(v map[string]any) { v["bench_note"] = strings.Repeat("x", 40) })
	p := filepath.Join(t.TempDir(), "letters.ndjson")
	os.WriteFile(p, append(append(append(short, '\n'), long...), '\n'), 0o644)
	code, stdout, stderr := runBench(t, "--e2e", benchBundle, p, "-n", "3", "--concurrency", "2")
	if code != 0 {
		t.Fatalf("exit %d, want 0:\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"2 NDJSON records", "3 letters in the outbox", "letters/s: "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
}
