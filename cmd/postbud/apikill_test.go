package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/postbud/postbud/internal/config"
	"github.com/postbud/postbud/worker"
)

// apiProcess is a `postbud api` child process and the address it announced.
type apiProcess struct {
	cmd    *exec.Cmd
	base   string        // http://127.0.0.1:port
	log    string        // its stdout and stderr
	exited chan struct{} // closed once the process is gone and reaped
}

// startAPI runs `postbud api` on the pipeline's Redis, folders and configuration, on a free
// loopback port, and waits for it to announce its address. n numbers its log file.
func (p *pipeline) startAPI(n int) *apiProcess {
	p.t.Helper()
	root, _ := filepath.Abs(samplesDir)
	a := &apiProcess{log: filepath.Join(p.dir, fmt.Sprintf("api-%d.log", n))}
	a.cmd = exec.Command(p.bin, "api", "--redis", p.url, "--addr", "127.0.0.1:0", "--data", p.dir,
		"--templates", root, "--outbox", p.outbox, "--config", p.config)
	a.cmd.Env = append(os.Environ(), "POSTBUD_KEY="+p.key)
	log, err := os.Create(a.log)
	if err != nil {
		p.t.Fatal(err)
	}
	defer log.Close() // the child holds its own copy
	a.cmd.Stdout, a.cmd.Stderr = log, log
	if err := a.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	a.exited = make(chan struct{})
	exited := a.exited
	go func() { a.cmd.Wait(); close(exited) }()
	p.t.Cleanup(func() {
		a.cmd.Process.Kill()
		<-exited
	})
	announce := regexp.MustCompile(`API on (http://\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(a.log)
		if m := announce.FindSubmatch(b); m != nil {
			a.base = string(m[1])
			return a
		}
		select {
		case <-exited:
			p.t.Fatalf("postbud api exited before announcing its address (%v)\n%s", a.cmd.ProcessState, b)
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("postbud api did not announce its address within 30 s\n%s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the API process with SIGKILL and waits until it is gone.
func (a *apiProcess) kill(t *testing.T) {
	t.Helper()
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-a.exited // startAPI's goroutine reaps it
}

// answer is what one POST /v1/letters got: a complete HTTP answer (status, and the letter id of
// a 2xx), or err when there was none or it was not what the API promises.
type answer struct {
	status int
	id     string
	err    error
}

func (a answer) ok() bool { return a.err == nil && a.status/100 == 2 }

// postLetter submits body under the Idempotency-Key key.
func postLetter(ctx context.Context, hc *http.Client, base, token, key string, body []byte) answer {
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/v1/letters", bytes.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := hc.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		// A status line without its body is no answer: the client cannot know the letter.
		return answer{err: fmt.Errorf("%s, then the body was cut: %w", resp.Status, err)}
	}
	a := answer{status: resp.StatusCode}
	if !a.ok() {
		a.err = fmt.Errorf("%s: %.300s", resp.Status, b)
		return a
	}
	var l struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &l); err != nil || l.ID == "" {
		a.err = fmt.Errorf("%s without a letter id: %.300q", resp.Status, b)
	}
	a.id = l.ID
	return a
}

// submission is the life of one Idempotency-Key in TestAPIKilled.
type submission struct {
	key     string
	first   answer // the one request during the load
	retries int    // requests after the restart
	final   answer // the last answer after the restart (a retry, or the re-send of a 2xx)
	resent  bool   // it got a 2xx during the load and was sent again after the restart
}

// TestAPIKilled submits letters over HTTP from 64 goroutines to `postbud api`, kills it with
// SIGKILL under that load (after 4 s, or at the 4000th key, so that the letters deliver in time
// on two cores) and starts a new one; every request that got no 2xx is retried with its
// Idempotency-Key until it gets one, and a sample of those that did is sent again. Every key ends
// with one letter, delivered exactly once, and a key sent again gets the letter it had.
func TestAPIKilled(t *testing.T) {
	const (
		clients   = 64
		loadTime  = 4 * time.Second
		maxKeys   = 4000
		resendOne = 5 // every resendOne-th 2xx of a client is sent again after the restart
	)
	p := newPipeline(t)
	raw := make([]byte, 24)
	rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	p.config = filepath.Join(p.dir, "postbud.yaml")
	cfg := fmt.Sprintf("max_inflight: %d\ntenants:\n  - name: default\n    token_sha256: [%s]\n", 2*clients, config.HashToken(token))
	if err := os.WriteFile(p.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(samplesDir, "templates", "boligstoette-afgoerelse", "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	// PDF only: the test is about the API's crash, and thousands of letters must render in time.
	body, _ := json.Marshal(map[string]any{"template": "boligstoette-afgoerelse", "data": json.RawMessage(data), "formats": []string{"pdf"},
		"recipient": map[string]any{"id": "0101901234", "name": "Søren Ærbø Møller", "address": []string{"Åboulevarden 17", "8000 Aarhus C"}}})
	newClient := func() *http.Client {
		return &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	}

	p.startWorker()
	first := p.startAPI(0)
	t.Logf("API on %s", first.base)

	// The load: each client submits new keys, one request each, until the kill.
	var (
		stop     atomic.Bool
		taken    atomic.Int64 // keys begun
		inflight atomic.Int64 // requests sent and not yet answered
		capped   = make(chan struct{})
		capOnce  sync.Once
		subs     = make([][]*submission, clients)
		wg       sync.WaitGroup
		hc       = newClient()
		start    = time.Now()
	)
	for c := range clients {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				if taken.Add(1) > maxKeys {
					capOnce.Do(func() { close(capped) })
					return
				}
				s := &submission{key: fmt.Sprintf("apikill-%d-%d", c, i)}
				inflight.Add(1)
				s.first = postLetter(context.Background(), hc, first.base, token, s.key, body)
				inflight.Add(-1)
				subs[c] = append(subs[c], s)
			}
		})
	}
	select {
	case <-time.After(loadTime):
	case <-capped:
	}
	stop.Store(true)
	loadTook, unanswered := time.Since(start), inflight.Load()
	first.kill(t)
	wg.Wait()
	hc.CloseIdleConnections()
	var sent, got2xx, failed int
	kinds := map[string]int{}
	for _, cs := range subs {
		for _, s := range cs {
			sent++
			switch {
			case s.first.ok():
				got2xx++
			case s.first.status != 0:
				failed++
				kinds[fmt.Sprintf("HTTP %d", s.first.status)]++
			default:
				failed++
				kinds["no answer"]++
			}
		}
	}
	t.Logf("load: %d keys (one request each) in %s from %d clients, then SIGKILL with %d requests unanswered; %d got a 2xx, %d did not %v",
		sent, loadTook.Round(time.Millisecond), clients, unanswered, got2xx, failed, kinds)
	if failed == 0 {
		t.Fatalf("the kill cut no request (%d were unanswered when it was sent); the test proves nothing", unanswered)
	}

	// The restart: every client retries what got no 2xx, and sends a sample of its 2xx again.
	second := p.startAPI(1)
	t.Logf("API restarted on %s", second.base)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	hc = newClient()
	defer hc.CloseIdleConnections()
	for c := range clients {
		wg.Go(func() {
			n2xx := 0
			for _, s := range subs[c] {
				if s.first.ok() {
					n2xx++
					if n2xx%resendOne != 1 {
						continue
					}
					s.resent = true
				}
				for ctx.Err() == nil {
					s.retries++
					s.final = postLetter(ctx, hc, second.base, token, s.key, body)
					if s.final.ok() || s.final.status/100 == 4 && s.final.status != http.StatusTooManyRequests {
						break // done, or refused for a reason no retry changes
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()

	// Every key has one letter: the id of its 2xx answers, the same in every one of them.
	probs := &problems{t: t, count: map[string]int{}}
	defer probs.summary() // also when a t.Fatal below ends the test
	var (
		ids                            []string
		retried, resent, requests      int
		retryCreated, retryFound, lost int
		keyOf                          = map[string]string{}
	)
	for _, cs := range subs {
		for _, s := range cs {
			requests += s.retries
			id := s.first.id
			switch {
			case s.resent:
				resent++
				if s.final.status != http.StatusOK || s.final.id != s.first.id {
					probs.errorf("re-sent keys answered otherwise", "key %s: got %d with letter %s before the kill; sent again after the restart: status %d, letter %q, error %v; want 200 with the same letter",
						s.key, s.first.status, s.first.id, s.final.status, s.final.id, s.final.err)
				}
			case !s.first.ok():
				retried++
				if !s.final.ok() {
					lost++
					probs.errorf("keys without a 2xx", "key %s: no 2xx before the kill (%v), nor in %d retries after the restart: status %d, %v",
						s.key, s.first.err, s.retries, s.final.status, s.final.err)
					continue
				}
				if s.final.status == http.StatusOK {
					retryFound++ // an earlier request, the killed one, had written the letter's record
				} else {
					retryCreated++
				}
				id = s.final.id
			}
			if other, dup := keyOf[id]; dup {
				probs.errorf("letters of two keys", "keys %s and %s both got letter %s", other, s.key, id)
				continue
			}
			keyOf[id] = s.key
			ids = append(ids, id)
		}
	}
	t.Logf("restart: %d keys retried, %d requests in all (%d found the letter their killed request had made: 200; %d made it now: 202), %d 2xx keys sent again",
		retried, requests, retryFound, retryCreated, resent)
	if lost > 0 {
		t.Fatalf("%d of %d keys never got a 2xx after the restart\n%s", lost, sent, tail(second.log))
	}

	// Every letter a client was told about is delivered: poll the records until none is left.
	waitStart := time.Now()
	remaining := append([]string(nil), ids...)
	deadline := waitStart.Add(3 * time.Minute)
	for len(remaining) > 0 {
		var left, gone []string
		for _, id := range remaining {
			l, err := p.client.Letter(context.Background(), "default", id)
			switch {
			case errors.Is(err, worker.ErrNotFound):
				probs.errorf("2xx letters without a record", "letter %s (key %s) was answered 2xx, and has no record", id, keyOf[id])
				gone = append(gone, id)
			case err != nil:
				t.Fatal(err)
			case l.Status == worker.StatusFailed:
				probs.errorf("failed letters", "letter %s (key %s) failed: %s", id, keyOf[id], l.LastError)
				gone = append(gone, id)
			case l.Status != worker.StatusDelivered:
				left = append(left, id)
			}
		}
		if len(gone) > 0 {
			t.Fatalf("%d of %d letters answered 2xx will never be delivered", len(gone), len(ids))
		}
		remaining = left
		if len(remaining) == 0 {
			break
		}
		if time.Now().After(deadline) {
			counts := p.statuses(remaining)
			sort.Strings(remaining)
			var some []string
			for _, id := range remaining[:min(len(remaining), shown)] {
				some = append(some, id+" (key "+keyOf[id]+")")
			}
			t.Fatalf("%d of %d letters answered 2xx not delivered after %s (statuses %v), e.g. %s\n%s",
				len(remaining), len(ids), time.Since(waitStart).Round(time.Second), counts, strings.Join(some, ", "), tail(filepath.Join(p.dir, "worker-0.log")))
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("all %d letters delivered %s after the restart's retries ended", len(ids), time.Since(waitStart).Round(time.Millisecond))

	// Exactly once: the outbox holds one folder per key's letter, each with its receipt, and
	// nothing else: no letter twice, none that no client was told about.
	entries, err := os.ReadDir(filepath.Join(p.outbox, "default"))
	if err != nil {
		t.Fatal(err)
	}
	inOutbox := map[string]bool{}
	var orphans []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		inOutbox[e.Name()] = true
		if _, err := os.Stat(filepath.Join(p.outbox, "default", e.Name(), "receipt.json")); err != nil {
			probs.errorf("outbox letters without a receipt", "outbox letter %s has no receipt: %v", e.Name(), err)
		}
		if _, told := keyOf[e.Name()]; !told {
			orphans = append(orphans, e.Name())
		}
	}
	for _, id := range orphans {
		if l, err := p.client.Letter(context.Background(), "default", id); err != nil {
			probs.errorf("outbox letters no client was told of", "outbox letter %s: no client got its id, and it has no record (%v)", id, err)
		} else {
			probs.errorf("outbox letters no client was told of", "outbox letter %s: no client got its id; its record: status %s, created %s, attempts %d", id, l.Status, l.Created, l.Attempts)
		}
	}
	for _, id := range ids {
		if !inOutbox[id] {
			probs.errorf("delivered letters not in the outbox", "letter %s (key %s) is delivered, and not in the outbox", id, keyOf[id])
		}
	}
	if len(inOutbox) != len(ids) || len(ids) != sent {
		t.Errorf("the outbox holds %d letters; %d keys got %d distinct letters; want one letter per key", len(inOutbox), sent, len(ids))
	}
}

// problems reports failures by kind: the first few of each in full, then how many in all.
type problems struct {
	t     *testing.T
	count map[string]int
}

// shown is how many failures of a kind are reported in full.
const shown = 10

func (p *problems) errorf(kind, format string, args ...any) {
	p.t.Helper()
	p.count[kind]++
	if p.count[kind] <= shown {
		p.t.Errorf(format, args...)
	}
}

// summary reports the number of each kind of failure that had more than shown.
func (p *problems) summary() {
	p.t.Helper()
	kinds := make([]string, 0, len(p.count))
	for k := range p.count {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		if n := p.count[k]; n > shown {
			p.t.Errorf("%d %s in all, the first %d above", n, k, shown)
		}
	}
}

// tail is the end of a log file, for a failure message.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return fmt.Sprintf("--- %s\n%s", filepath.Base(path), b)
}
