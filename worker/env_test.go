package worker

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postbud/postbud/internal/testenv"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
)

// samplesRoot is the repository's samples folder.
const samplesRoot = "../samples"

// testRedis returns a Redis no other test uses at the same time (see testenv.Redis).
func testRedis(t testing.TB) asynq.RedisClientOpt { return testenv.Redis(t) }

// env is a worker set-up on a test Redis, the samples, a temp docstore and outbox.
type env struct {
	opts   Options
	outbox *delivery.Outbox
	rdb    *redis.Client
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ro := testRedis(t)
	dir := t.TempDir()
	store, err := docstore.Open(context.Background(), "file://"+filepath.Join(dir, "docs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	key, err := sealed.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	ob := &delivery.Outbox{Dir: filepath.Join(dir, "outbox")}
	rdb := redis.NewClient(&redis.Options{Addr: ro.Addr, DB: ro.DB})
	t.Cleanup(func() { rdb.Close() })
	return &env{
		opts: Options{
			Redis:     ro,
			Templates: &DirTemplates{Root: samplesRoot},
			Key:       key,
			Documents: store,
			Channels:  map[string]delivery.Channel{"outbox": ob},
			RetryBase: 20 * time.Millisecond,
			RetryMax:  200 * time.Millisecond,
			Logger:    testLogger(t),
		},
		outbox: ob,
		rdb:    rdb,
	}
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func (e *env) client(t testing.TB) *Client {
	t.Helper()
	c, err := NewClient(e.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// run starts a Server until the test ends or stop is called; stop waits for Run to return.
func (e *env) run(t testing.TB, o Options, concurrency int) (stop func()) {
	t.Helper()
	s, err := NewServer(o, concurrency, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// sample reads a sample bundle's sample.json.
func sample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samplesRoot, "templates", name, "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testRecipient is personal data that must never be found in Redis in clear.
var testRecipient = delivery.Recipient{
	ID:      "0102031234",
	Name:    "Søren Ærbø Møller",
	Address: []string{"Åboulevarden 17, 3. th.", "8000 Aarhus C"},
}

// waitFinal polls letter id until it is delivered or failed.
func waitFinal(t testing.TB, c *Client, tenant, id string, within time.Duration) *Letter {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		l, err := c.Letter(context.Background(), tenant, id)
		if err != nil {
			t.Fatalf("Letter(%s): %v", id, err)
		}
		if l.Status.Final() {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("letter %s still %s after %v (last error %q)", id, l.Status, within, l.LastError)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitBatch polls a batch until it is done.
func waitBatch(t testing.TB, c *Client, tenant, id string, within time.Duration) *Batch {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		b, err := c.Batch(context.Background(), tenant, id)
		if err != nil {
			t.Fatalf("Batch(%s): %v", id, err)
		}
		if b.Done {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %s not done after %v: %+v", id, within, b.Counts)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// taskCount counts the tasks of every state in the worker's queues.
func taskCount(t testing.TB, o Options) int {
	t.Helper()
	q := NewQueues(o)
	defer q.Close()
	sizes, err := q.Sizes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range sizes {
		n += s.Pending + s.Active + s.Scheduled + s.Retry + s.Archived + s.Completed
	}
	return n
}

func ndjsonLine(template string, data []byte, r delivery.Recipient) string {
	return fmt.Sprintf(`{"template":%q,"data":%s,"recipient":{"id":%q,"name":%q,"address":["%s"]}}`,
		template, strings.TrimSpace(string(compact(data))), r.ID, r.Name, strings.Join(r.Address, `","`))
}
