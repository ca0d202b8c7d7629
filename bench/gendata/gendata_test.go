package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestDataIsGenerated checks that the files in bench/data are what this generator writes, so
// that the figures measured on them can be reproduced: `go run ./bench/gendata` after a change.
func TestDataIsGenerated(t *testing.T) {
	dir := filepath.Join("..", "data")
	got, err := os.ReadFile(filepath.Join(dir, "boligstoette-varied.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	if want := variedNDJSON(defaultSeed, defaultRecords); !bytes.Equal(got, want) {
		t.Errorf("bench/data/boligstoette-varied.ndjson differs from the generator's output: run go run ./bench/gendata")
	}
	for _, s := range pageSizes {
		got, err := os.ReadFile(filepath.Join(dir, s.file))
		if err != nil {
			t.Fatal(err)
		}
		var l letter
		if err := json.Unmarshal(got, &l); err != nil {
			t.Fatalf("%s: %v", s.file, err)
		}
		if want := longLetter(defaultSeed, len(l.Paragraphs)); !bytes.Equal(got, want) {
			t.Errorf("bench/data/%s differs from the generator's output: run go run ./bench/gendata", s.file)
		}
	}
}

func TestRecordsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for _, line := range bytes.Split(bytes.TrimSpace(variedNDJSON(defaultSeed, 50)), []byte("\n")) {
		if seen[string(line)] {
			t.Fatalf("record repeats: %s", line)
		}
		seen[string(line)] = true
	}
}
