package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/postbud/postbud/internal/testenv"
)

func TestCheckPreviewAddr(t *testing.T) {
	tests := []struct {
		addr    string
		public  bool
		wantErr string
	}{
		{"127.0.0.1:8090", false, ""},
		{"127.0.0.2:0", false, ""},
		{"localhost:8090", false, ""},
		{"[::1]:8090", false, ""},
		{"0.0.0.0:8090", false, "is not a loopback address"},
		{":8090", false, "is not a loopback address"},
		{"192.168.1.5:8090", false, "add --public"},
		{"example.org:8090", false, "is not a loopback address"},
		{"0.0.0.0:8090", true, ""},
		{":8090", true, ""},
		{"127.0.0.1", false, "is not host:port"},
		{"127.0.0.1:", false, "has no port"},
	}
	for _, tt := range tests {
		err := checkPreviewAddr(tt.addr, tt.public)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("checkPreviewAddr(%q, %v) = %v, want nil", tt.addr, tt.public, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("checkPreviewAddr(%q, %v) = %v, want an error with %q", tt.addr, tt.public, err, tt.wantErr)
		}
	}
}

func TestPreviewUsage(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		wantErr  string
		wantHelp bool
	}{
		{[]string{"--addr", "0.0.0.0:8090"}, 2, `--addr: "0.0.0.0:8090" is not a loopback address`, false},
		{[]string{"--addr", "8090"}, 2, "is not host:port", false},
		{[]string{"--nope"}, 2, "flag provided but not defined: -nope", true},
		{[]string{"samples"}, 2, `unexpected argument "samples"`, false},
		{[]string{"--templates", "testdata"}, 1, "has no templates/ folder", false},
		{[]string{"-h"}, 0, "", true},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"preview"}, tt.args...), &stdout, &stderr)
		if code != tt.code {
			t.Errorf("postbud preview %v: exit %d, want %d; stderr:\n%s", tt.args, code, tt.code, stderr.String())
		}
		if !strings.Contains(stderr.String(), tt.wantErr) {
			t.Errorf("postbud preview %v: stderr lacks %q:\n%s", tt.args, tt.wantErr, stderr.String())
		}
		if help := strings.Contains(stderr.String(), "Usage: postbud preview [--templates DIR] [--addr 127.0.0.1:8090]"); help != tt.wantHelp {
			t.Errorf("postbud preview %v: usage shown %v, want %v", tt.args, help, tt.wantHelp)
		}
	}
}

// TestPreviewServes starts `postbud preview` on a free loopback port, loads the list of bundles
// and a bundle's page, and stops it by cancelling its context.
func TestPreviewServes(t *testing.T) {
	testenv.Need(t, "pdftotext")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"preview", "--templates", samplesDir, "--addr", "127.0.0.1:0"}, pw, &stderr)
		pw.Close()
	}()
	line := make([]byte, 200)
	n, err := pr.Read(line)
	if err != nil {
		t.Fatalf("read the address: %v (stderr: %s)", err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+/)`).FindSubmatch(line[:n])
	if m == nil {
		t.Fatalf("postbud preview printed %q, want its address", line[:n])
	}
	base := string(m[1])
	for path, want := range map[string]string{
		"":                          `href="/b/boligstoette-afgoerelse"`,
		"b/boligstoette-afgoerelse": `<textarea id="data"`,
	} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET /%s: %s, want 200 with %s", path, resp.Status, want)
		}
	}
	// An open event stream does not hold up the shutdown.
	resp, err := http.Get(base + "events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after the context ended, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("postbud preview did not stop within 10 s of its context ending")
	}
}
