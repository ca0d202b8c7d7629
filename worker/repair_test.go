package worker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

// TestSubmitCrashRepaired kills Submit (a panic in the test hook) after each of its steps. A
// letter whose record was written always ends delivered: through the client's retry with the
// same idempotency key, or through the repair sweep; a submission that died before its record
// leaves nothing behind.
func TestSubmitCrashRepaired(t *testing.T) {
	for _, step := range []string{"pending", "record", "task"} {
		for _, retry := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/retry=%v", step, retry), func(t *testing.T) {
				e := newEnv(t)
				c := e.client(t)
				ctx := context.Background()
				sub := Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: sample(t, "boligstoette-afgoerelse"),
					Recipient: testRecipient, IdempotencyKey: "crash-" + step}
				func() {
					testHookSubmitFn = func(s string) {
						if s == step {
							panic("killed")
						}
					}
					defer func() { testHookSubmitFn = nil; recover() }()
					c.Submit(ctx, sub)
				}()
				records := func() []string {
					keys, _ := e.rdb.Keys(ctx, "postbud:letter:{*}").Result()
					return keys
				}
				var id string
				if retry {
					l, created, err := c.Submit(ctx, sub)
					if err != nil {
						t.Fatal(err)
					}
					// Only a submission that died before its record leaves the retry to make it.
					if wantNew := step == "pending"; created != wantNew {
						t.Errorf("created = %v, want %v", created, wantNew)
					}
					id = l.ID
				}
				srv, err := NewServer(e.opts, 2, time.Second)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := srv.repair(ctx, time.Now().Add(time.Second)); err != nil {
					t.Fatal(err)
				}
				srv.rdb.Close()
				if n := e.rdb.ZCard(ctx, pendingKey).Val(); n != 0 {
					t.Errorf("%d pending entries left after the sweep", n)
				}
				e.run(t, e.opts, 2)
				if step == "pending" && !retry {
					if keys := records(); len(keys) != 0 {
						t.Errorf("a submission that died before its record left %v", keys)
					}
					return
				}
				if id == "" {
					first, err := c.byIdempotencyKey(ctx, "aarhus", sub.IdempotencyKey)
					if err != nil {
						t.Fatalf("the letter of the key: %v", err)
					}
					id = first.ID
				}
				if keys := records(); len(keys) != 1 {
					t.Errorf("records %v, want exactly one letter", keys)
				}
				if l := waitFinal(t, c, "aarhus", id, 30*time.Second); l.Status != StatusDelivered {
					t.Errorf("letter %s: %s (%s)", id, l.Status, l.LastError)
				}
			})
		}
	}
}

// TestBatchLettersAndDuplicates: a batch lists the letter of every accepted line; a line whose
// idempotency key was used before is reported as a duplicate with the earlier letter, adds no
// letter, and the batch still finishes.
func TestBatchLettersAndDuplicates(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	e.run(t, e.opts, 2)
	ctx := context.Background()
	data := sample(t, "boligstoette-afgoerelse")
	first, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: data, Recipient: testRecipient, IdempotencyKey: "k-1"})
	if err != nil {
		t.Fatal(err)
	}
	var nd strings.Builder
	for i, key := range []string{"k-1", "k-2", "k-3", "k-2", ""} {
		line := ndjsonLine("boligstoette-afgoerelse", data, testRecipient)
		if key != "" {
			line = strings.TrimSuffix(line, "}") + fmt.Sprintf(`,"idempotency_key":%q}`, key)
		}
		if i == 2 {
			nd.WriteString("{not json}\n")
		}
		nd.WriteString(line + "\n")
	}
	b, err := c.SubmitBatch(ctx, "aarhus", strings.NewReader(nd.String()), Submission{})
	if err != nil {
		t.Fatal(err)
	}
	b = waitBatch(t, c, "aarhus", b.ID, time.Minute)
	lines, total, err := c.BatchLetters(ctx, "aarhus", b.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if total != 5 || len(lines) != 5 || b.Duplicates != 2 || b.RejectedTotal != 1 {
		t.Fatalf("lines %+v (total %d), duplicates %d, rejected %d; want 5 lines, 2 duplicates, 1 rejected", lines, total, b.Duplicates, b.RejectedTotal)
	}
	// Lines are submitted several at a time: the list is in the order letters were accepted.
	sort.Slice(lines, func(i, j int) bool { return lines[i].Line < lines[j].Line })
	wantLine := []int{1, 2, 4, 5, 6}
	for i, l := range lines {
		if l.Line != wantLine[i] {
			t.Errorf("entry %d is line %d, want %d", i, l.Line, wantLine[i])
		}
	}
	if !lines[0].Duplicate || lines[0].Letter != first.ID {
		t.Errorf("line 1 reused the key of letter %s: got %+v", first.ID, lines[0])
	}
	// Lines 2 and 5 share a key: whichever was submitted first made the letter.
	if lines[3].Letter != lines[1].Letter || lines[1].Duplicate == lines[3].Duplicate {
		t.Errorf("lines 2 and 5 share a key: got %+v and %+v, want one letter and one duplicate", lines[1], lines[3])
	}
	if got := b.Counts[StatusDelivered]; got != 3 {
		t.Errorf("%d letters of the batch delivered, want 3 (lines 2, 4 and 6)", got)
	}
	if _, _, err := c.BatchLetters(ctx, "odense", b.ID, 0, 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("another tenant reads the batch: %v", err)
	}
}

// TestWatchdog: a letter whose task is lost (deleted here, as a Redis failover can lose an
// unreplicated write) gets a new task from the watchdog and is delivered; a letter whose task is
// still queued is left alone.
func TestWatchdog(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	ctx := context.Background()
	var ids []string
	for i := range 2 {
		l, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: sample(t, "boligstoette-afgoerelse"),
			Recipient: testRecipient, IdempotencyKey: fmt.Sprint("watch-", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	insp := asynq.NewInspector(e.opts.Redis)
	defer insp.Close()
	if err := insp.DeleteTask(QueueRenderDefault, "render:"+ids[0]); err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(e.opts, 2, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.rdb.Close()
	n, err := srv.watch(ctx, time.Now().Add(time.Second))
	if err != nil || n != 1 {
		t.Fatalf("watch: %d letters, %v; want 1 (the one whose task was deleted)", n, err)
	}
	e.run(t, e.opts, 2)
	for _, id := range ids {
		if l := waitFinal(t, c, "aarhus", id, 30*time.Second); l.Status != StatusDelivered {
			t.Errorf("letter %s: %s (%s)", id, l.Status, l.LastError)
		}
	}
	if n := e.rdb.ZCard(ctx, openKey).Val(); n != 0 {
		t.Errorf("%d letters still listed open after they ended", n)
	}
}
