package worker

import (
	"context"
	"fmt"
	"testing"
	"time"
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
