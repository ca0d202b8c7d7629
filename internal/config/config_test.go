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

// TestHTTPLimits checks the HTTP server's timeouts and the in-flight cap: their defaults, and
// each set from the file and overridden by the environment.
func TestHTTPLimits(t *testing.T) {
	file := filepath.Join(t.TempDir(), "postbud.yaml")
	os.WriteFile(file, []byte("read_timeout: 20s\nwrite_timeout: 40s\nidle_timeout: 90s\nbatch_timeout: 2h\nmax_inflight: 16\n"), 0o644)
	type limits struct {
		Read, Write, Idle, Batch time.Duration
		MaxInflight              int
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want limits
	}{
		{"defaults", nil, nil, limits{30 * time.Second, 60 * time.Second, 120 * time.Second, time.Hour, 64}},
		{"file", []string{"--config", file}, nil, limits{20 * time.Second, 40 * time.Second, 90 * time.Second, 2 * time.Hour, 16}},
		{"environment over file", []string{"--config", file}, map[string]string{
			"POSTBUD_READ_TIMEOUT": "5s", "POSTBUD_WRITE_TIMEOUT": "6s", "POSTBUD_IDLE_TIMEOUT": "7s",
			"POSTBUD_BATCH_TIMEOUT": "8m", "POSTBUD_MAX_INFLIGHT": "9",
		}, limits{5 * time.Second, 6 * time.Second, 7 * time.Second, 8 * time.Minute, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.args, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			got := limits{c.ReadTimeout, c.WriteTimeout, c.IdleTimeout, c.BatchTimeout, c.MaxInflight}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("limits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHTTPLimitErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"not a duration", map[string]string{"POSTBUD_READ_TIMEOUT": "30"}, `POSTBUD_READ_TIMEOUT="30": want a duration`},
		{"negative", map[string]string{"POSTBUD_WRITE_TIMEOUT": "-1s"}, "write_timeout -1s"},
		{"too short", map[string]string{"POSTBUD_IDLE_TIMEOUT": "10ms"}, "want at least 1s each"},
		{"batch shorter than a request", map[string]string{"POSTBUD_READ_TIMEOUT": "1m", "POSTBUD_BATCH_TIMEOUT": "30s"}, "batch_timeout 30s: want at least read_timeout (1m0s)"},
		{"not a number", map[string]string{"POSTBUD_MAX_INFLIGHT": "lots"}, "POSTBUD_MAX_INFLIGHT"},
		{"no submissions", map[string]string{"POSTBUD_MAX_INFLIGHT": "-1"}, "max_inflight -1: want 1 to 65536"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, nil, tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
