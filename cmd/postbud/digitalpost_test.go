package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
	"github.com/postbud/postbud/worker"
)

// dpRecipient receives digital post in the stand-in's register.
const dpRecipient = "0101901234"

// digitalPost points a pipeline's workers (through a YAML configuration file) and its client at
// a Digital Post stand-in in this process, over mutual TLS.
func (p *pipeline) digitalPost(rate float64, retryAfter time.Duration, fault func(n int, uuid string) ngdptest.Fault) *ngdptest.Server {
	t := p.t
	ca, err := ngdptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	files, err := ca.WriteFiles(filepath.Join(p.dir, "tls"))
	if err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(p.dir, "ngdp-secret")
	os.WriteFile(secret, []byte("the-system-key-0123456789"), 0o600)
	s, err := ngdptest.Start(ca, ngdptest.Options{SystemID: "postbud-test", Secret: "the-system-key-0123456789",
		Fault: fault, RetryAfter: retryAfter, Contacts: map[string]delivery.ContactStatus{dpRecipient: delivery.Registered}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	p.config = filepath.Join(p.dir, "postbud.yaml")
	yaml := fmt.Sprintf(`delivery:
  ngdp:
    url: %s
    cert_file: %s
    key_file: %s
    ca_file: %s
    system_id: postbud-test
    secret_file: %s
    rate: %g
    timeout: 3s
    backoff_base: 20ms
    backoff_max: 1s
default_tenant:
  delivery: ngdp
  sender: {cvr: "55133018", label: Aarhus Kommune}
`, s.URL(), files.ClientCert, files.ClientKey, files.CA, secret, rate)
	if err := os.WriteFile(p.config, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	// The client checks submissions against the same tenant settings as the workers.
	o := p.opts
	o.Channels = map[string]delivery.Channel{"outbox": o.Channels["outbox"], "ngdp": o.Channels["outbox"], delivery.PrintChannel: o.Channels["outbox"]}
	o.Tenants = map[string]worker.Tenant{"default": {Delivery: "ngdp", Sender: memo.Sender{ID: "55133018", Label: "Aarhus Kommune"}}}
	c, err := worker.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	p.client = c
	return s
}

// submitTo queues n copies of the Danish sample to the Digital Post recipient.
func (p *pipeline) submitDP(n int) []string {
	data, err := os.ReadFile(filepath.Join(samplesDir, "templates", "boligstoette-afgoerelse", "sample.json"))
	if err != nil {
		p.t.Fatal(err)
	}
	ids := make([]string, n)
	for i := range ids {
		l, _, err := p.client.Submit(context.Background(), worker.Submission{
			Tenant: "default", Template: "boligstoette-afgoerelse", Data: data, Formats: []string{"pdf"},
			Recipient:      delivery.Recipient{ID: dpRecipient, Name: "Søren Ærbø Møller", Address: []string{"Åboulevarden 17", "8000 Aarhus C"}},
			IdempotencyKey: fmt.Sprintf("dp-%d", i),
		})
		if err != nil {
			p.t.Fatal(err)
		}
		ids[i] = l.ID
	}
	return ids
}

// TestDigitalPostFaultRun: 1,000 letters to Digital Post while the endpoint answers 30% of
// requests with 503 and one of two worker processes is killed with SIGKILL mid-run: all 1,000
// delivered, under 1,000 distinct UUIDs, none accepted twice, and each letter's receipt names the
// UUID stored on it.
func TestDigitalPostFaultRun(t *testing.T) {
	p := newPipeline(t)
	var mu sync.Mutex
	n503 := 0
	s := p.digitalPost(0, -1, func(n int, uuid string) ngdptest.Fault {
		// 3 requests in 10, spread evenly, so the run sees a steady 30%.
		if n%10 < 3 {
			mu.Lock()
			n503++
			mu.Unlock()
			return ngdptest.Fault503
		}
		return ngdptest.FaultNone
	})
	first := p.startWorker()
	p.startWorker()
	ids := p.submitDP(1000)
	p.waitFor("some letters delivered", 3*time.Minute, func() bool { return p.statuses(ids)[worker.StatusDelivered] >= 150 })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	before := p.statuses(ids)
	if before[worker.StatusDelivered] == len(ids) {
		t.Fatalf("all letters were delivered before the kill; the test proves nothing (%v)", before)
	}
	t.Logf("killed one of two workers at %v", before)
	p.waitFor("every letter delivered", 6*time.Minute, func() bool { return p.statuses(ids)[worker.StatusDelivered] == len(ids) })

	uuids := map[string]string{}
	for _, id := range ids {
		l, err := p.client.Letter(context.Background(), "default", id)
		if err != nil {
			t.Fatal(err)
		}
		if l.Receipt == nil || l.Receipt.Channel != "ngdp" || l.Receipt.MessageUUID != l.MessageUUID {
			t.Fatalf("letter %s: receipt %+v, message UUID %s", id, l.Receipt, l.MessageUUID)
		}
		uuids[l.MessageUUID] = id
	}
	if len(uuids) != len(ids) {
		t.Errorf("%d distinct UUIDs for %d letters", len(uuids), len(ids))
	}
	accepted := map[string]int{}
	for _, a := range s.Accepted() {
		accepted[a.UUID]++
	}
	for u, n := range accepted {
		if n != 1 {
			t.Errorf("UUID %s accepted %d times", u, n)
		}
		if uuids[u] == "" {
			t.Errorf("Digital Post accepted UUID %s that no letter has", u)
		}
	}
	if len(accepted) != len(ids) {
		t.Errorf("Digital Post accepted %d messages, want %d", len(accepted), len(ids))
	}
	for mid, us := range s.UUIDsByMessageID() {
		if len(us) != 1 {
			t.Errorf("letter %s reached Digital Post under %d UUIDs", mid, len(us))
		}
	}
	mu.Lock()
	t.Logf("%d answers were 503; %d re-sends deduplicated", n503, s.Duplicates())
	mu.Unlock()
}

// TestDigitalPostRate: with rate 50, two worker processes together never send Digital Post
// more than 50 requests in any second. The endpoint first asks for a pause (503, Retry-After:
// 8), so that rendered letters pile up and the limit, not rendering, sets the pace.
func TestDigitalPostRate(t *testing.T) {
	p := newPipeline(t)
	var mu sync.Mutex
	first := true
	s := p.digitalPost(50, 8*time.Second, func(n int, uuid string) ngdptest.Fault {
		mu.Lock()
		defer mu.Unlock()
		if first {
			first = false
			return ngdptest.Fault503
		}
		return ngdptest.FaultNone
	})
	p.startWorker()
	p.startWorker()
	ids := p.submitDP(400)
	p.waitFor("every letter delivered", 5*time.Minute, func() bool { return p.statuses(ids)[worker.StatusDelivered] == len(ids) })
	var at []time.Time
	for _, r := range s.Requests() {
		if r.Method == "POST" && r.Status != 503 {
			at = append(at, r.At)
		}
	}
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	most := 0
	j := 0
	for i := range at {
		for at[i].Sub(at[j]) >= time.Second {
			j++
		}
		most = max(most, i-j+1)
	}
	t.Logf("%d requests; the busiest second held %d", len(at), most)
	if most > 50 {
		t.Errorf("%d requests within one second; the rate is 50", most)
	}
	if most < 35 {
		t.Errorf("the busiest second held only %d requests: the limit never set the pace, so this run proves nothing", most)
	}
}
