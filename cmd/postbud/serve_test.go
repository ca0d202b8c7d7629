package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"github.com/postbud/postbud/internal/testenv"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/api"
	"github.com/postbud/postbud/internal/config"
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
	for _, want := range []string{"boligstoette-afgoerelse", "betalningspaminnelse", "uitnodiging-afspraak", "waste-collection-information", "pysakointilupa-paatos", "40 letters, 40 delivered, 0 failed"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "keeps nothing across restarts") {
		t.Errorf("demo does not say the embedded queue keeps nothing:\n%s", stderr.String())
	}
	// What Digital Post received: 3 samples and the 40 batch letters, each as <messageUUID>.xml;
	// MeMo 1.1 ones valid against the XSD, the Dutch sample's as MeMo 1.2.
	xmls, _ := filepath.Glob(filepath.Join(out, "digitalpost", "*.xml"))
	if len(xmls) != 43 {
		t.Errorf("%d MeMo messages at the Digital Post stand-in, want 43", len(xmls))
	}
	v12 := 0
	for _, x := range xmls {
		b, err := os.ReadFile(x)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(`memoVersion="1.2"`)) {
			v12++
			continue
		}
		testenv.ValidateMemo(t, b)
	}
	if v12 != 1 {
		t.Errorf("%d MeMo 1.2 messages, want 1 (uitnodiging-afspraak)", v12)
	}
	// The exempt citizen's letter went to print: one PDF, one manifest line.
	manifests, _ := filepath.Glob(filepath.Join(out, "print", "*", "manifest.csv"))
	printed, _ := filepath.Glob(filepath.Join(out, "print", "*", "default", "*.pdf"))
	if len(manifests) != 1 || len(printed) != 1 {
		t.Fatalf("print folder: %d manifests, %d PDFs; want 1 and 1", len(manifests), len(printed))
	}
	if m, _ := os.ReadFile(manifests[0]); strings.Count(string(m), "\n") != 2 {
		t.Errorf("manifest has %d lines, want a header and one letter:\n%s", strings.Count(string(m), "\n"), m)
	}
	// The outbox letters (the waste sample in English and in Danish) keep their MeMo messages
	// beside their documents, each in its own language.
	memos, _ := filepath.Glob(filepath.Join(out, "outbox", "default", "*", "*-*-*-*-*.xml"))
	pdfs, _ := filepath.Glob(filepath.Join(out, "outbox", "default", "*", "letter.pdf"))
	if len(memos) != 2 || len(pdfs) != 2 {
		t.Errorf("outbox: %d MeMo files and %d PDFs, want 2 and 2", len(memos), len(pdfs))
	}
	langs := map[string]bool{}
	for _, p := range pdfs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case bytes.Contains(b, []byte("/Lang (en)")):
			langs["en"] = true
		case bytes.Contains(b, []byte("/Lang (da)")):
			langs["da"] = true
		}
	}
	if !langs["en"] || !langs["da"] {
		t.Errorf("outbox letters in languages %v, want en and da", langs)
	}
	if !regexp.MustCompile(`waste-collection-information +da +delivered`).MatchString(stdout.String()) {
		t.Errorf("demo output does not list the Danish waste letter:\n%s", stdout.String())
	}
	for _, want := range []string{"print", "EXEMPT", "MeMo 1.2", "outbox", "RECEIVED", "accepted 43 MeMo messages"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout.String())
		}
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

// loadConfig loads the configuration as `postbud serve` would, from args and the environment env.
func loadConfig(t *testing.T, args []string, env map[string]string) *config.Config {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	load := config.Flags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	cfg, err := load()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestHTTPServerTimeouts checks the http.Server `postbud serve` runs: every timeout set, from
// the defaults or the configuration, and the header limit.
func TestHTTPServerTimeouts(t *testing.T) {
	type settings struct {
		ReadHeader, Read, Write, Idle time.Duration
		MaxHeaderBytes                int
	}
	tests := []struct {
		name string
		env  map[string]string
		want settings
	}{
		{"defaults", nil, settings{10 * time.Second, 30 * time.Second, 60 * time.Second, 120 * time.Second, 64 << 10}},
		{"configured", map[string]string{"POSTBUD_READ_TIMEOUT": "2s", "POSTBUD_WRITE_TIMEOUT": "3s", "POSTBUD_IDLE_TIMEOUT": "4s"},
			settings{2 * time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second, 64 << 10}},
		{"long", map[string]string{"POSTBUD_READ_TIMEOUT": "5m"}, settings{10 * time.Second, 5 * time.Minute, 60 * time.Second, 120 * time.Second, 64 << 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := httpServer(loadConfig(t, nil, tt.env), http.NotFoundHandler())
			got := settings{hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout, hs.MaxHeaderBytes}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("http.Server (-want +got):\n%s", diff)
			}
		})
	}
}

// shortTimeouts is the configuration of the slow-client tests: every timeout 1 s.
var shortTimeouts = map[string]string{
	"POSTBUD_READ_TIMEOUT": "1s", "POSTBUD_WRITE_TIMEOUT": "1s", "POSTBUD_IDLE_TIMEOUT": "1s",
	"POSTBUD_MAX_INFLIGHT": "1000",
}

// startAPI runs the API of `postbud serve` (embedded queue, the samples, no worker) on
// 127.0.0.1 with the http.Server serve builds from env, and returns its address and token.
func startAPI(t *testing.T, env map[string]string) (cfg *config.Config, addr, token string) {
	t.Helper()
	dir := t.TempDir()
	root, _ := filepath.Abs(samplesDir)
	cfg = loadConfig(t, []string{"--data", dir, "--templates", root}, env)
	a, err := openApp(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	h, err := a.handler(false)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := httpServer(cfg, h)
	go hs.Serve(api.Listener(ln))
	t.Cleanup(func() { hs.Close() })
	tok, err := os.ReadFile(filepath.Join(dir, "token"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg, ln.Addr().String(), strings.TrimSpace(string(tok))
}

// TestSlowBodiesAreCut opens 200 connections that send the headers of a POST /v1/letters with
// a 100,000-byte body and then trickle it a byte at a time or stop: the server closes every
// one within 10 x the read timeout, and its goroutines go back to what they were before.
func TestSlowBodiesAreCut(t *testing.T) {
	cfg, addr, token := startAPI(t, shortTimeouts)
	bound := 10 * cfg.ReadTimeout
	// The baseline: the process serving, with no request in progress.
	time.Sleep(200 * time.Millisecond)
	baseline := runtime.NumGoroutine()

	const conns = 200
	head := "POST /v1/letters HTTP/1.1\r\nHost: postbud\r\nAuthorization: Bearer " + token +
		"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + `{"template":"betalningspaminnelse","data":"`
	outcomes := make([]string, conns)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			outcomes[i] = slowClient(addr, head, i%2 == 0, bound)
		})
	}
	wg.Wait()
	got := map[string]int{}
	for _, o := range outcomes {
		got[o]++
	}
	if diff := cmp.Diff(map[string]int{"closed by the server": conns}, got); diff != "" {
		t.Errorf("what became of %d slow connections (-want +got):\n%s", conns, diff)
	}
	// Every connection's goroutines end; a few of the runtime's and Redis' may come and go.
	const margin = 10
	deadline := time.Now().Add(bound)
	for n := runtime.NumGoroutine(); n > baseline+margin; n = runtime.NumGoroutine() {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines %s after the connections closed, %d before:\n%s", n, bound, baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// slowClient sends head and then, with trickle, a byte of the body every 100 ms, or nothing;
// it says whether the server closed the connection within bound.
func slowClient(addr, head string, trickle bool, bound time.Duration) string {
	start := time.Now()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer c.Close()
	if _, err := io.WriteString(c, head); err != nil {
		return "write headers: " + err.Error()
	}
	stop := make(chan struct{})
	defer close(stop)
	if trickle {
		go func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					if _, err := io.WriteString(c, "x"); err != nil {
						return
					}
				}
			}
		}()
	}
	c.SetReadDeadline(start.Add(bound))
	_, err = io.Copy(io.Discard, c) // the server's answer, if any, then its close
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "still open after " + bound.String()
	}
	return "closed by the server" // EOF, or a reset when it closed with the body unread
}

// TestBatchOutlivesReadTimeout sends batches to a server whose read and write timeouts are 1 s:
// one that keeps sending for 3 s is read to its end and answered; one whose body stops is cut
// after a pause of the read timeout, and its answer says how far it got.
func TestBatchOutlivesReadTimeout(t *testing.T) {
	cfg, addr, token := startAPI(t, shortTimeouts)
	data, err := os.ReadFile(filepath.Join(samplesDir, "templates", "betalningspaminnelse", "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	line, _ := json.Marshal(map[string]any{"template": "betalningspaminnelse", "data": json.RawMessage(data),
		"recipient": map[string]any{"id": "0101901234", "name": "Anna Berg", "address": []string{"Storgatan 1"}}})
	line = append(line, '\n')
	type answer struct {
		Status int
		Total  int
		Error  string
	}
	tests := []struct {
		name  string
		lines int
		stall bool
		want  answer
	}{
		{"15 lines over 3 s", 15, false, answer{Status: 202, Total: 15}},
		{"2 lines, then nothing", 2, true, answer{Status: 500, Error: "the batch stopped after 2 lines"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bound := 10 * cfg.ReadTimeout
			pr, pw := io.Pipe()
			done := make(chan struct{})
			defer close(done)
			go func() {
				for i := range tt.lines {
					if i > 0 {
						time.Sleep(200 * time.Millisecond)
					}
					if _, err := pw.Write(line); err != nil {
						return
					}
				}
				if tt.stall {
					// The client gives up at last, should the server never cut it: net/http's
					// client waits for its body to end even after the connection failed.
					select {
					case <-done:
					case <-time.After(bound):
					}
					pw.CloseWithError(errors.New("the server did not cut a stalled batch"))
					return
				}
				pw.Close()
			}()
			req, _ := http.NewRequest("POST", "http://"+addr+"/v1/batches", pr)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/x-ndjson")
			start := time.Now()
			resp, err := (&http.Client{Timeout: bound}).Do(req)
			if err != nil {
				t.Fatalf("after %s: %v", time.Since(start), err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			var b struct {
				Total int    `json:"total"`
				Error string `json:"error"`
			}
			if err := json.Unmarshal(body, &b); err != nil {
				t.Fatalf("%s: %v\n%s", resp.Status, err, body)
			}
			got := answer{Status: resp.StatusCode, Total: b.Total, Error: b.Error}
			if tt.want.Error != "" && strings.HasPrefix(got.Error, tt.want.Error) {
				got.Error = tt.want.Error
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("answer (-want +got):\n%s\n%s", diff, body)
			}
		})
	}
}

// serveInProcess runs `postbud serve` with args in this process until the test ends and
// returns its base URL and token.
func serveInProcess(t *testing.T, args ...string) (base, token string) {
	t.Helper()
	dir := t.TempDir()
	root, _ := filepath.Abs(samplesDir)
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &testenv.Buffer{}, &testenv.Buffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--templates", root}, args...), stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d\n%s", code, stderr)
		}
	})
	announce := regexp.MustCompile(`API on (http://\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := announce.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not announce its address\n%s", stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	tok, err := os.ReadFile(filepath.Join(dir, "token"))
	if err != nil {
		t.Fatal(err)
	}
	return base, strings.TrimSpace(string(tok))
}

// TestServeUI runs `postbud serve --ui`: the Asynq web UI answers under /ui/ to the API's token
// given as a Basic auth password, and its JSON API lists postbud's queues; without the token
// 401 in JSON. Without --ui there is no /ui/.
func TestServeUI(t *testing.T) {
	get := func(t *testing.T, url, password string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		if password != "" {
			req.SetBasicAuth("operator", password)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
	}
	t.Run("with --ui", func(t *testing.T) {
		base, token := serveInProcess(t, "--ui")
		if code, _, body := get(t, base+"/ui/", token); code != 200 || !strings.Contains(body, "<title>Asynq - Monitoring</title>") {
			t.Errorf("GET /ui/ with the token: %d %.300s", code, body)
		}
		if code, ctype, body := get(t, base+"/ui/", ""); code != 401 || ctype != "application/json" || !strings.Contains(body, `"error":"the operator UI needs a token`) {
			t.Errorf("GET /ui/ without the token: %d %s %s", code, ctype, body)
		}
		data, _ := os.ReadFile(filepath.Join(samplesDir, "templates", "betalningspaminnelse", "sample.json"))
		sub, _ := json.Marshal(map[string]any{"template": "betalningspaminnelse", "data": json.RawMessage(data),
			"recipient": map[string]any{"id": "0101901234", "name": "Anna Berg", "address": []string{"Storgatan 1"}}})
		req, _ := http.NewRequest("POST", base+"/v1/letters", bytes.NewReader(sub))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("POST /v1/letters: %s", resp.Status)
		}
		code, _, body := get(t, base+"/ui/api/queues", token)
		var list struct {
			Queues []struct {
				Queue string `json:"queue"`
			} `json:"queues"`
		}
		if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil {
			t.Fatalf("GET /ui/api/queues: %d %v %s", code, err, body)
		}
		var names []string
		for _, q := range list.Queues {
			names = append(names, q.Queue)
		}
		if !slices.Contains(names, "render:default") {
			t.Errorf("the UI lists queues %v, want render:default among them", names)
		}
	})
	t.Run("without --ui", func(t *testing.T) {
		base, token := serveInProcess(t)
		if code, ctype, body := get(t, base+"/ui/", token); code != 404 || ctype != "application/json" {
			t.Errorf("GET /ui/ without --ui: %d %s %s", code, ctype, body)
		}
	})
}
