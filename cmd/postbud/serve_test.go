package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDemo runs `postbud demo` as a newcomer would (embedded queue, the samples, a small batch):
// exit 0, every letter delivered, documents in the outbox, nothing written outside --out.
func TestDemo(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"demo", "--samples", samplesDir, "--out", out, "--letters", "40"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("demo exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"boligstoette-afgoerelse", "betalningspaminnelse", "uitnodiging-afspraak", "waste-collection-information", "40 letters, 40 delivered, 0 failed"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "keeps nothing across restarts") {
		t.Errorf("demo does not say the embedded queue keeps nothing:\n%s", stderr.String())
	}
	pdfs, _ := filepath.Glob(filepath.Join(out, "outbox", "default", "*", "*.pdf"))
	if len(pdfs) != 44 {
		t.Errorf("%d PDFs in the outbox, want 44 (4 samples + 40 batch letters)", len(pdfs))
	}
}

// TestServeHTTP starts `postbud serve` (embedded queue) and drives it over HTTP like an agency:
// submit with an idempotency key, follow the status to delivered, fetch the PDF.
func TestServeHTTP(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	root, _ := filepath.Abs(samplesDir)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir, "--templates", root)
	cmd.Env = os.Environ()
	stdout, _ := cmd.StdoutPipe()
	logPath := filepath.Join(dir, "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
		}
	}
	defer stop()
	// serverLog is what the server has written to stderr so far (the file, never a shared buffer).
	serverLog := func() string { b, _ := os.ReadFile(logPath); return string(b) }
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := regexp.MustCompile(`API on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var base string
	select {
	case base = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not announce its address\n%s", serverLog())
	}
	token, err := os.ReadFile(filepath.Join(dir, "token"))
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path string, body io.Reader, hdr map[string]string) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, base+path, body)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	if resp, body := do("GET", "/readyz", nil, nil); resp.StatusCode != 200 {
		t.Fatalf("/readyz: %s %s", resp.Status, body)
	}
	data, _ := os.ReadFile(filepath.Join(samplesDir, "templates", "boligstoette-afgoerelse", "sample.json"))
	sub, _ := json.Marshal(map[string]any{"template": "boligstoette-afgoerelse", "data": json.RawMessage(data),
		"recipient": map[string]any{"id": "0101901234", "name": "Søren Ærbø Møller", "address": []string{"Åboulevarden 17", "8000 Aarhus C"}}})
	resp, body := do("POST", "/v1/letters", bytes.NewReader(sub), map[string]string{"Idempotency-Key": "serve-test-1", "Content-Type": "application/json"})
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /v1/letters: %s %s", resp.Status, body)
	}
	var l struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	json.Unmarshal(body, &l)
	if resp, body := do("POST", "/v1/letters", bytes.NewReader(sub), map[string]string{"Idempotency-Key": "serve-test-1", "Content-Type": "application/json"}); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), l.ID) {
		t.Fatalf("same Idempotency-Key again: %s %s, want 200 with letter %s", resp.Status, body, l.ID)
	}
	deadline := time.Now().Add(60 * time.Second)
	for l.Status != "delivered" {
		if time.Now().After(deadline) {
			t.Fatalf("letter %s still %q after 60 s\n%s", l.ID, l.Status, serverLog())
		}
		time.Sleep(100 * time.Millisecond)
		_, body := do("GET", "/v1/letters/"+l.ID, nil, nil)
		json.Unmarshal(body, &l)
	}
	resp, pdf := do("GET", "/v1/letters/"+l.ID+"/documents/pdf", nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("GET pdf: %s %q, %d bytes", resp.Status, resp.Header.Get("Content-Type"), len(pdf))
	}
	// postbud batch submit: 20 letters and one bad line, streamed to the server and followed to
	// the end; the bad line is reported with its number and the command exits 1.
	var nd bytes.Buffer
	for i := 0; i < 20; i++ {
		line, _ := json.Marshal(map[string]any{"template": "boligstoette-afgoerelse", "data": json.RawMessage(data),
			"recipient": map[string]any{"id": "0101901234", "name": "Søren Ærbø Møller", "address": []string{"Åboulevarden 17"}}})
		nd.Write(append(line, '\n'))
		if i == 9 {
			nd.WriteString(`{"template": "boligstoette-afgoerelse", "data": {"recipient": 42}}` + "\n")
		}
	}
	batchFile := filepath.Join(dir, "letters.ndjson")
	os.WriteFile(batchFile, nd.Bytes(), 0o644)
	var bout, berr bytes.Buffer
	code := run(context.Background(), []string{"batch", "submit", batchFile, "--api", base, "--token-file", filepath.Join(dir, "token")}, &bout, &berr)
	if code != 1 {
		t.Errorf("batch submit exit %d, want 1 (one line rejected)\nstdout:\n%s\nstderr:\n%s", code, bout.String(), berr.String())
	}
	for _, want := range []string{"letters.ndjson:11: ", "20 delivered, 0 failed, 1 rejected"} {
		if !strings.Contains(bout.String(), want) {
			t.Errorf("batch submit output lacks %q:\n%s", want, bout.String())
		}
	}

	stop() // the whole log, shutdown included
	if log := serverLog(); strings.Contains(log, "0101901234") || strings.Contains(log, "Søren") {
		t.Errorf("the server's log shows the recipient's CPR number or name:\n%s", log)
	}
}
