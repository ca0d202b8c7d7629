package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/worker"
)

// pipeline is a worker process under test and a client submitting to it over real Redis.
type pipeline struct {
	t       *testing.T
	bin     string
	dir     string
	url     string
	key     string
	opts    worker.Options
	client  *worker.Client
	outbox  string
	config  string // a YAML configuration file the workers read, if set
	workers []*exec.Cmd
}

// newPipeline prepares a Redis database of its own, a data folder and a client.
func newPipeline(t *testing.T) *pipeline {
	ro := testenv.Redis(t)
	raw := make([]byte, 32)
	rand.Read(raw)
	p := &pipeline{t: t, bin: buildBinary(t), dir: t.TempDir(), url: fmt.Sprintf("redis://%s/%d", ro.Addr, ro.DB), key: base64.StdEncoding.EncodeToString(raw)}
	p.outbox = filepath.Join(p.dir, "outbox")
	k, err := sealed.ParseKey(p.key)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := docstore.Open(context.Background(), "file://"+filepath.Join(p.dir, "documents"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	root, _ := filepath.Abs(samplesDir)
	p.opts = worker.Options{
		Redis:     ro,
		Templates: &worker.DirTemplates{Root: root},
		Key:       k,
		Documents: docs,
		Channels:  map[string]delivery.Channel{"outbox": &delivery.Outbox{Dir: p.outbox}},
	}
	p.client, err = worker.NewClient(p.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.client.Close() })
	t.Cleanup(func() {
		for _, w := range p.workers {
			if w.ProcessState == nil {
				w.Process.Kill()
				w.Wait()
			}
		}
	})
	return p
}

// startWorker runs `postbud worker` as a child process on the pipeline's Redis and folders.
func (p *pipeline) startWorker() *exec.Cmd {
	root, _ := filepath.Abs(samplesDir)
	cmd := exec.Command(p.bin, "worker", "--redis", p.url, "--data", p.dir, "--templates", root,
		"--outbox", p.outbox, "--concurrency", "4", "--shutdown-timeout", "20s")
	if p.config != "" {
		cmd.Args = append(cmd.Args, "--config", p.config)
	}
	cmd.Env = append(os.Environ(), "POSTBUD_KEY="+p.key)
	log, err := os.Create(filepath.Join(p.dir, fmt.Sprintf("worker-%d.log", len(p.workers))))
	if err != nil {
		p.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.workers = append(p.workers, cmd)
	return cmd
}

// submit queues n copies of the Danish sample, each its own letter, and returns their ids.
func (p *pipeline) submit(n int) []string {
	data, err := os.ReadFile(filepath.Join(samplesDir, "templates", "boligstoette-afgoerelse", "sample.json"))
	if err != nil {
		p.t.Fatal(err)
	}
	ids := make([]string, n)
	for i := range ids {
		l, _, err := p.client.Submit(context.Background(), worker.Submission{
			Tenant: "default", Template: "boligstoette-afgoerelse", Data: data,
			Recipient:      delivery.Recipient{ID: "0101901234", Name: "Søren Ærbø Møller", Address: []string{"Åboulevarden 17", "8000 Aarhus C"}},
			IdempotencyKey: fmt.Sprintf("crash-%d", i),
		})
		if err != nil {
			p.t.Fatal(err)
		}
		ids[i] = l.ID
	}
	return ids
}

// statuses counts the letters by status.
func (p *pipeline) statuses(ids []string) map[worker.Status]int {
	counts := map[worker.Status]int{}
	for _, id := range ids {
		l, err := p.client.Letter(context.Background(), "default", id)
		if err != nil {
			p.t.Fatal(err)
		}
		counts[l.Status]++
	}
	return counts
}

// waitFor polls until cond holds or the time is up.
func (p *pipeline) waitFor(what string, limit time.Duration, cond func() bool) {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			logs, _ := filepath.Glob(filepath.Join(p.dir, "worker-*.log"))
			var tail strings.Builder
			for _, l := range logs {
				b, _ := os.ReadFile(l)
				if len(b) > 2000 {
					b = b[len(b)-2000:]
				}
				fmt.Fprintf(&tail, "--- %s\n%s\n", filepath.Base(l), b)
			}
			p.t.Fatalf("gave up waiting for %s after %s\n%s", what, limit, tail.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkExactlyOnce: every letter delivered, and the outbox holds exactly these letters, once each.
func (p *pipeline) checkExactlyOnce(ids []string) {
	counts := p.statuses(ids)
	if counts[worker.StatusDelivered] != len(ids) {
		p.t.Errorf("statuses %v, want all %d delivered (none left rendering)", counts, len(ids))
	}
	entries, err := os.ReadDir(filepath.Join(p.outbox, "default"))
	if err != nil {
		p.t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			if _, err := os.Stat(filepath.Join(p.outbox, "default", e.Name(), "receipt.json")); err != nil {
				p.t.Errorf("outbox letter %s has no receipt: %v", e.Name(), err)
			}
			got = append(got, e.Name())
		}
	}
	want := append([]string(nil), ids...)
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		p.t.Errorf("outbox holds %d letters, want exactly the %d submitted", len(got), len(want))
	}
}

// TestWorkerKilled starts `postbud worker`, submits 500 letters, kills the worker with SIGKILL
// mid-batch and starts a new one: every letter ends delivered exactly once.
func TestWorkerKilled(t *testing.T) {
	p := newPipeline(t)
	// Submit first: a worker started before would deliver all 500 while they are still being
	// submitted one by one, and there would be nothing in hand to kill.
	ids := p.submit(500)
	first := p.startWorker()
	p.waitFor("some letters delivered", 2*time.Minute, func() bool { return p.statuses(ids)[worker.StatusDelivered] >= 50 })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	before := p.statuses(ids)
	if before[worker.StatusDelivered] == len(ids) {
		t.Fatalf("all letters were delivered before the kill; the test proves nothing (statuses %v)", before)
	}
	t.Logf("killed the worker at %v", before)
	// The letters the killed worker had in hand must resume within the recovery bound the
	// README gives (heartbeat expiry + sweep, under 10 s; Asynq's own recovery takes 61-115 s).
	var inFlight []string
	for _, id := range ids {
		if l, err := p.client.Letter(context.Background(), "default", id); err == nil && (l.Status == worker.StatusRendering || l.Status == worker.StatusDelivering) {
			inFlight = append(inFlight, id)
		}
	}
	restarted := time.Now()
	p.startWorker()
	p.waitFor("the killed worker's letters in flight to be delivered", 25*time.Second, func() bool {
		return p.statuses(inFlight)[worker.StatusDelivered] == len(inFlight)
	})
	t.Logf("%d letters in flight at the kill were delivered %.1f s after the restart", len(inFlight), time.Since(restarted).Seconds())
	p.waitFor("every letter delivered after the restart", 4*time.Minute, func() bool {
		return p.statuses(ids)[worker.StatusDelivered] == len(ids)
	})
	p.checkExactlyOnce(ids)
}

// TestWorkerSIGTERM stops a worker with SIGTERM mid-batch: it exits 0 within the shutdown timeout,
// and a new worker finishes the rest; nothing is lost or delivered twice.
func TestWorkerSIGTERM(t *testing.T) {
	p := newPipeline(t)
	first := p.startWorker()
	ids := p.submit(200)
	p.waitFor("some letters delivered", 2*time.Minute, func() bool { return p.statuses(ids)[worker.StatusDelivered] >= 20 })
	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("worker exited with %v after SIGTERM, want exit 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("worker still running 30 s after SIGTERM (shutdown timeout 20 s)")
	}
	after := p.statuses(ids)
	if after[worker.StatusRendering] != 0 || after[worker.StatusDelivering] != 0 {
		t.Errorf("after a graceful stop, letters left in progress: %v", after)
	}
	p.startWorker()
	p.waitFor("every letter delivered after the restart", 3*time.Minute, func() bool {
		return p.statuses(ids)[worker.StatusDelivered] == len(ids)
	})
	p.checkExactlyOnce(ids)
}

// TestWorkerKilledMidBatch kills a worker with SIGKILL while it works through a batch: after a
// new worker finishes, the batch's counts sum to its total at every look and at the end, the
// batch is done, and every letter is delivered once.
func TestWorkerKilledMidBatch(t *testing.T) {
	p := newPipeline(t)
	data, err := os.ReadFile(filepath.Join(samplesDir, "templates", "boligstoette-afgoerelse", "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	var nd strings.Builder
	const n = 300
	for i := range n {
		fmt.Fprintf(&nd, `{"template":"boligstoette-afgoerelse","data":%s,"recipient":{"id":"0101901234","name":"Søren Ærbø Møller"},"formats":["pdf"],"idempotency_key":"mid-%d"}`+"\n",
			strings.Join(strings.Fields(string(data)), " "), i)
	}
	b, err := p.client.SubmitBatch(context.Background(), "default", strings.NewReader(nd.String()), worker.Submission{})
	if err != nil || b.Total != n || b.RejectedTotal != 0 {
		t.Fatalf("submit batch: %v (%+v)", err, b)
	}
	lines, _, err := p.client.BatchLetters(context.Background(), "default", b.ID, 0, n)
	if err != nil || len(lines) != n {
		t.Fatalf("batch letters: %d, %v", len(lines), err)
	}
	ids := make([]string, n)
	for i, l := range lines {
		ids[i] = l.Letter
	}
	sum := func(b *worker.Batch) int {
		s := 0
		for st, c := range b.Counts {
			if c < 0 {
				t.Errorf("batch count %s is %d", st, c)
			}
			s += c
		}
		return s
	}
	batch := func() *worker.Batch {
		b, err := p.client.Batch(context.Background(), "default", b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s := sum(b); s != n {
			t.Errorf("batch counts %v sum to %d, want %d", b.Counts, s, n)
		}
		return b
	}
	first := p.startWorker()
	p.waitFor("some letters of the batch delivered", 2*time.Minute, func() bool { return batch().Counts[worker.StatusDelivered] >= 30 })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	at := batch()
	if at.Counts[worker.StatusDelivered] == n {
		t.Fatalf("all letters were delivered before the kill; the test proves nothing (%v)", at.Counts)
	}
	t.Logf("killed the worker at %v", at.Counts)
	p.startWorker()
	p.waitFor("the batch done", 3*time.Minute, func() bool { return batch().Done })
	if got := batch().Counts; got[worker.StatusDelivered] != n {
		t.Errorf("batch counts %v, want all %d delivered", got, n)
	}
	p.checkExactlyOnce(ids)
}
