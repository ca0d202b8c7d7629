//go:build unix

package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/worker"
)

// failoverLetters is the size of the batch the failover scenarios submit.
const failoverLetters = 2000

// TestClusterFailover runs two `postbud worker` processes on a Redis Cluster of three masters and
// three replicas, submits a batch of 2,000 letters, and once letters are being delivered kills
// (SIGKILL) the master serving the batch's keys (and a third of the letters' records). Its
// replica takes over and the workers carry on by themselves: every letter of the batch ends
// delivered, once, and the batch says so.
func TestClusterFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a Redis Cluster and worker processes for about two minutes")
	}
	t.Parallel() // most of it is waiting on Asynq's and Redis's timers
	c := testenv.Cluster(t)
	rdb := c.Client()
	var before []redis.ClusterSlot
	runFailover(t, c.URL(), func(batch string) string {
		victim := c.MasterOf(t, "{"+batch+"}") // the batch's keys share the hash tag {id}
		var onIt []string
		for _, q := range worker.QueueNames {
			// Asynq keeps a queue's keys in the slot of its hash tag, asynq:{name}:*.
			if c.MasterOf(t, "asynq:{"+q+"}:pending") == victim {
				onIt = append(onIt, q)
			}
		}
		slots, err := rdb.ClusterSlots(context.Background()).Result()
		if err != nil {
			t.Fatal(err)
		}
		before = slots
		masters, lag := c.Masters(), replicationLag(victim)
		c.KillMaster(t, victim)
		t.Logf("killed master %s of %v, serving the batch and Asynq queues %v; %s", victim, masters, onIt, lag)
		return victim
	}, func(killed string) string {
		return c.WaitFailover(t, killed)
	}, func(id string) string {
		return clusterPlace(rdb, before, id)
	})
}

// TestSentinelFailover runs two `postbud worker` processes on a Redis master with one replica and
// three sentinels, submits a batch of 2,000 letters, and kills (SIGKILL) the master once letters
// are being delivered. The sentinels promote the replica and the workers follow them without an
// operator: every letter of the batch ends delivered, once.
func TestSentinelFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Redis with sentinels and worker processes for up to two minutes")
	}
	t.Parallel()
	s := testenv.Sentinel(t)
	runFailover(t, s.URL(), func(string) string {
		lag := replicationLag(s.MasterAddr(t))
		killed := s.KillMaster(t)
		t.Logf("killed master %s; %s", killed, lag)
		return killed
	}, func(killed string) string {
		return s.WaitFailover(t, killed)
	}, nil)
}

// runFailover is the scenario both tests share: two workers on url, a batch of failoverLetters
// letters, kill(batch) a master once some are delivered, failover(killed) until the new master
// serves, then every letter delivered exactly once, no worker restarted. place, when not nil,
// says where a letter's keys live, for the report on letters left behind.
func runFailover(t *testing.T, url string, kill func(batch string) string, failover func(killed string) string, place func(id string) string) {
	p := newFailoverPipeline(t, url)
	// The batch is queued before the workers start: each submission merges and checks its letter
	// (a millisecond or two, far more under -race), so workers started first would deliver the
	// whole batch before it is in and the kill would come too late to prove anything.
	start := time.Now()
	batch, ids := p.submitBatch(failoverLetters)
	t.Logf("batch %s: %d letters queued in %s", batch, len(ids), time.Since(start).Round(time.Millisecond))
	p.startWorker()
	p.startWorker()

	var at worker.Batch
	p.waitFor("100 letters of the batch delivered", 2*time.Minute, func() bool {
		b, err := p.client.Batch(context.Background(), "default", batch)
		if err != nil {
			return false
		}
		at = *b
		return b.Counts[worker.StatusDelivered] >= 100
	})
	if at.Counts[worker.StatusDelivered] == len(ids) {
		t.Fatalf("all letters were delivered before the kill; the test proves nothing (counts %v)", at.Counts)
	}
	t.Logf("killing the master %s into the batch, at %v", time.Since(start).Round(time.Millisecond), at.Counts)
	killedAt := time.Now()
	killed := kill(batch)
	heir := failover(killed)
	t.Logf("%s took over from %s in %s", heir, killed, time.Since(killedAt).Round(time.Millisecond))

	// Generous: Asynq's recoverer hands a task whose worker lost track of it (its completion
	// failed while the master was gone) back once its lease expired 30 s ago, checking every
	// minute; go-redis cluster clients may route a dead master's slots to it for up to a minute.
	p.settle(ids, 140*time.Second, place)
	t.Logf("every letter delivered %s after the kill (%s after the batch began)", time.Since(killedAt).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	if dead := p.deadWorkers(); len(dead) > 0 {
		t.Errorf("worker processes %v exited during the failover; the pool must follow it without a restart", dead)
	}
	p.checkExactlyOnce(ids)

	// The batch must say so too. A letter's record is written before its batch count, so give
	// the last counts a moment.
	var b *worker.Batch
	sum := 0
	consistent := func() bool {
		got, err := p.client.Batch(context.Background(), "default", batch)
		if err != nil {
			return false
		}
		b, sum = got, 0
		for _, n := range b.Counts {
			sum += n
		}
		return b.Done && b.Total == len(ids) && b.RejectedTotal == 0 && sum == len(ids) && b.Counts[worker.StatusDelivered] == len(ids)
	}
	for deadline := time.Now().Add(5 * time.Second); !consistent() && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
	}
	if b == nil {
		t.Fatalf("batch %s unreadable after the failover", batch)
	}
	if !consistent() {
		where := ""
		if place != nil {
			where = " (batch keys: " + place(batch) + ")"
		}
		t.Errorf("batch %s%s: total %d, rejected %d, counts %v (sum %d), done %v; want %d lines, all %d delivered, done: "+
			"every letter is delivered, so %d status changes never reached the batch counts",
			batch, where, b.Total, b.RejectedTotal, b.Counts, sum, b.Done, len(ids), len(ids), len(ids)-b.Counts[worker.StatusDelivered])
	}
}

// failoverPipeline is a pipeline on a given Redis URL whose worker processes are watched, so the
// test can tell whether one exited.
type failoverPipeline struct {
	*pipeline
	opt    asynq.RedisConnOpt
	exited []chan struct{}
}

// newFailoverPipeline is newPipeline on the Redis at url (any URL redisOpt takes), with the
// client made from the same options a worker process makes from --redis.
func newFailoverPipeline(t *testing.T, url string) *failoverPipeline {
	opt, err := redisOpt(url)
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	p := &failoverPipeline{pipeline: &pipeline{t: t, bin: buildBinary(t), dir: t.TempDir(), url: url, key: base64.StdEncoding.EncodeToString(raw)}, opt: opt}
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
	p.client, err = worker.NewClient(worker.Options{
		Redis:     opt,
		Templates: &worker.DirTemplates{Root: root},
		Key:       k,
		Documents: docs,
		Channels:  map[string]delivery.Channel{"outbox": &delivery.Outbox{Dir: p.outbox}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.client.Close() })
	t.Cleanup(func() {
		for i, w := range p.workers {
			w.Process.Kill()
			select {
			case <-p.exited[i]:
			case <-time.After(10 * time.Second):
				t.Errorf("worker %d (pid %d) still running 10 s after SIGKILL", i, w.Process.Pid)
			}
		}
	})
	return p
}

// startWorker starts a `postbud worker` process (pipeline.startWorker) and watches it.
func (p *failoverPipeline) startWorker() {
	cmd := p.pipeline.startWorker()
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	p.exited = append(p.exited, done)
}

// deadWorkers returns the numbers of the workers that have exited.
func (p *failoverPipeline) deadWorkers() []int {
	var dead []int
	for i, ch := range p.exited {
		select {
		case <-ch:
			dead = append(dead, i)
		default:
		}
	}
	return dead
}

// submitBatch streams n housing-benefit letters as NDJSON into one batch (as submitDemoBatch
// does), each line with its own recipient and idempotency key, and returns the batch id and the
// letters' ids in line order. The ids are found by submitting each key again: a known key returns
// its letter and creates nothing (and without case data nothing could be created).
func (p *failoverPipeline) submitBatch(n int) (string, []string) {
	const name = "boligstoette-afgoerelse"
	raw, err := os.ReadFile(filepath.Join(samplesDir, "templates", name, "sample.json"))
	if err != nil {
		p.t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		p.t.Fatal(err)
	}
	key := func(i int) string { return fmt.Sprintf("failover-%d", i) }
	pr, pw := io.Pipe()
	go func() {
		enc := json.NewEncoder(pw)
		for i := range n {
			data["caseNumber"] = fmt.Sprintf("2026-%06d", 100000+i)
			line := map[string]any{
				"template":        name,
				"data":            data,
				"recipient":       map[string]any{"id": batchRecipientID(i), "name": "Søren Ærbø Møller", "address": []string{"Åboulevarden 17", "8000 Aarhus C"}},
				"priority":        "bulk",
				"idempotency_key": key(i),
			}
			if err := enc.Encode(line); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.Close()
	}()
	ctx := context.Background()
	b, err := p.client.SubmitBatch(ctx, "default", pr, worker.Submission{})
	pr.Close()
	if err != nil {
		p.t.Fatalf("submit batch: %v", err)
	}
	if b.Total != n || b.RejectedTotal != 0 {
		p.t.Fatalf("batch %s: %d lines, %d rejected (%v); want %d lines, none rejected", b.ID, b.Total, b.RejectedTotal, b.Rejected, n)
	}
	ids := make([]string, n)
	seen := make(map[string]int, n)
	for i := range ids {
		l, created, err := p.client.Submit(ctx, worker.Submission{Tenant: "default", Template: name, IdempotencyKey: key(i)})
		if err != nil || created {
			p.t.Fatalf("letter of batch line %d (idempotency key %s): created=%v, %v", i+1, key(i), created, err)
		}
		if l.BatchID != b.ID {
			p.t.Fatalf("letter %s of line %d is in batch %q, want %s", l.ID, i+1, l.BatchID, b.ID)
		}
		if j, dup := seen[l.ID]; dup {
			p.t.Fatalf("lines %d and %d share letter %s", j+1, i+1, l.ID)
		}
		seen[l.ID] = i
		ids[i] = l.ID
	}
	return b.ID, ids
}

// settle waits until every letter is delivered or failed, at most limit, reading the letters
// themselves (the truth; the batch counts are checked apart). It logs progress every 10 s and,
// once, the letters left behind when 50 or fewer remain after 30 s. On timeout it fails the test
// with the letters left behind, their tasks' states and, through place, where their keys live.
func (p *failoverPipeline) settle(ids []string, limit time.Duration, place func(id string) string) {
	p.t.Helper()
	start := time.Now()
	deadline, progress, dumped := start.Add(limit), start, false
	for {
		counts, unreadable := p.letterStatuses(ids)
		final := counts[worker.StatusDelivered] + counts[worker.StatusFailed]
		if final == len(ids) {
			return
		}
		left := len(ids) - final
		if !dumped && time.Since(start) >= 30*time.Second && left <= 50 {
			dumped = true
			p.t.Logf("%s after the failover, letters left behind:\n%s", time.Since(start).Round(time.Second), p.leftBehind(ids, place))
		}
		if time.Since(progress) >= 10*time.Second {
			progress = time.Now()
			p.t.Logf("%s after the failover: letters %v, %d unreadable", time.Since(start).Round(time.Second), counts, unreadable)
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	var report strings.Builder
	report.WriteString(p.leftBehind(ids, place))
	for i, w := range p.workers {
		b, _ := os.ReadFile(filepath.Join(p.dir, fmt.Sprintf("worker-%d.log", i)))
		if len(b) > 3000 {
			b = b[len(b)-3000:]
		}
		fmt.Fprintf(&report, "--- worker %d (pid %d) log tail\n%s\n", i, w.Process.Pid, b)
	}
	p.t.Fatalf("letters still not delivered %s after the failover:\n%s", limit, report.String())
}

// letterStatuses counts the letters by status, and those whose record could not be read.
func (p *failoverPipeline) letterStatuses(ids []string) (map[worker.Status]int, int) {
	counts := map[worker.Status]int{}
	unreadable := 0
	for _, id := range ids {
		l, err := p.client.Letter(context.Background(), "default", id)
		if err != nil {
			unreadable++
			continue
		}
		counts[l.Status]++
	}
	return counts, unreadable
}

// leftBehind reports the queues and the letters not delivered (the first 30 in detail: status,
// their tasks' states and, through place, where their keys live).
func (p *failoverPipeline) leftBehind(ids []string, place func(id string) string) string {
	ctx := context.Background()
	var b strings.Builder
	ins := asynq.NewInspector(p.opt)
	defer ins.Close()
	for _, q := range worker.QueueNames {
		if qi, err := ins.GetQueueInfo(q); err != nil {
			fmt.Fprintf(&b, "queue %s: %v\n", q, err)
		} else {
			fmt.Fprintf(&b, "queue %s: pending %d active %d scheduled %d retry %d archived %d completed %d\n",
				q, qi.Pending, qi.Active, qi.Scheduled, qi.Retry, qi.Archived, qi.Completed)
		}
	}
	stuck := map[worker.Status]int{}
	shown := 0
	for _, id := range ids {
		l, err := p.client.Letter(ctx, "default", id)
		if err == nil && l.Status == worker.StatusDelivered {
			continue
		}
		status := "unreadable: " + fmt.Sprint(err)
		if err == nil {
			status = fmt.Sprintf("%s, %d attempts, last error %q", l.Status, l.Attempts, l.LastError)
			stuck[l.Status]++
		} else {
			stuck["(unreadable)"]++
		}
		if shown++; shown > 30 {
			continue
		}
		var tasks []string
		for _, task := range []struct{ queue, id string }{{worker.QueueRenderBulk, "render:" + id}, {worker.QueueDeliver, "deliver:" + id}} {
			if ti, err := ins.GetTaskInfo(task.queue, task.id); err == nil {
				tasks = append(tasks, fmt.Sprintf("%s %s (retried %d, last error %q)", task.id, ti.State, ti.Retried, ti.LastErr))
			} else if errors.Is(err, asynq.ErrTaskNotFound) {
				tasks = append(tasks, task.id+" absent")
			} else {
				tasks = append(tasks, fmt.Sprintf("%s: %v", task.id, err))
			}
		}
		where := ""
		if place != nil {
			where = "; " + place(id)
		}
		fmt.Fprintf(&b, "letter %s: %s; tasks: %s%s\n", id, status, strings.Join(tasks, ", "), where)
	}
	fmt.Fprintf(&b, "letters not delivered: %v\n", stuck)
	return b.String()
}

// clusterPlace says which slot a letter's keys (hash tag {id}) are in and which master served
// that slot before the kill.
func clusterPlace(rdb *redis.ClusterClient, before []redis.ClusterSlot, id string) string {
	slot, err := rdb.ClusterKeySlot(context.Background(), "{"+id+"}").Result()
	if err != nil {
		return fmt.Sprintf("slot unknown: %v", err)
	}
	for _, s := range before {
		if int64(s.Start) <= slot && slot <= int64(s.End) && len(s.Nodes) > 0 {
			return fmt.Sprintf("slot %d, served by %s before the kill", slot, s.Nodes[0].Addr)
		}
	}
	return fmt.Sprintf("slot %d", slot)
}

// replicationLag reports the replication offset of the master at addr and the offsets its
// replicas last acknowledged (once a second), from INFO replication: replication is
// asynchronous, so a kill loses whatever the replicas had not received.
func replicationLag(addr string) string {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	text, err := rdb.Info(ctx, "replication").Result()
	if err != nil {
		return "replication offsets unknown: " + err.Error()
	}
	var master string
	var replicas []string
	for _, line := range strings.Split(text, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		switch {
		case k == "master_repl_offset":
			master = v
		case strings.HasPrefix(k, "slave") && strings.Contains(v, "offset="):
			replicas = append(replicas, v)
		}
	}
	return fmt.Sprintf("master at replication offset %s, replicas %v", master, replicas)
}
