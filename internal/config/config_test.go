package config

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func load(t *testing.T, args []string, env map[string]string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	get := Flags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return get()
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "postbud.yaml")
	hash := HashToken("s3cret")
	os.WriteFile(file, []byte("addr: 127.0.0.1:7000\nconcurrency: 3\ndata_dir: /from/file\nkey: a2V5\n"+
		"tenants:\n  - name: aarhus\n    token_sha256: ["+hash+"]\n    templates: [boligstoette-afgoerelse]\n"), 0o644)
	c, err := load(t, []string{"--config", file, "--concurrency", "7"}, map[string]string{
		"POSTBUD_ADDR": "127.0.0.1:7100", "POSTBUD_CONCURRENCY": "5", "POSTBUD_RETENTION": "48h",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.Addr, c.Concurrency, c.DataDir, c.Retention, c.Outbox, c.Tenants[0].Templates}
	want := []any{"127.0.0.1:7100", 7, "/from/file", 48 * time.Hour, "/from/file/outbox", []string{"boligstoette-afgoerelse"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("flag > env > file > default (-want +got):\n%s", diff)
	}
	if !c.Embedded() || c.Documents != "file:///from/file/documents" {
		t.Errorf("defaults: embedded %v, documents %q", c.Embedded(), c.Documents)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	n := 0
	write := func(s string) string {
		n++
		p := filepath.Join(dir, strconv.Itoa(n)+".yaml")
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown key", []string{"--config", write("adr: x\n")}, nil, "field adr not found"},
		{"bad env number", nil, map[string]string{"POSTBUD_CONCURRENCY": "many"}, "POSTBUD_CONCURRENCY"},
		{"real redis without key", []string{"--redis", "redis://127.0.0.1:6379"}, nil, "POSTBUD_KEY"},
		{"token in clear", []string{"--config", write("tenants: [{name: a, token_sha256: [hunter2]}]\n")}, nil, "64 lower-case hex"},
		{"missing file", []string{"--config", filepath.Join(dir, "nope.yaml")}, nil, "nope.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.args, tc.env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(tc.name, "token") && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error repeats the token: %v", err)
			}
		})
	}
}
