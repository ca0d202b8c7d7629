package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postbud/postbud/internal/testenv"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/worker"
)

// samplesRoot is the repository's samples folder.
const samplesRoot = "../samples"

// The test tenants: aarhus may use every sample, malmo only betalningspaminnelse.
const (
	tokenAarhus = "aarhus-secret-token"
	tokenMalmo  = "malmo-secret-token"
)

func tokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// testRedis returns a Redis no other test uses at the same time (see testenv.Redis).
func testRedis(t testing.TB) asynq.RedisClientOpt { return testenv.Redis(t) }

// env is the API on a real worker.Client over a test Redis, the samples, a temp docstore and
// outbox.
type env struct {
	opts     worker.Options
	client   *worker.Client
	registry *prometheus.Registry
	outbox   *delivery.Outbox
	srv      *httptest.Server
	logs     *testenv.Buffer
}

// newEnv builds the API over a real worker client; each edit changes the worker options first.
func newEnv(t testing.TB, edits ...func(*worker.Options)) *env {
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
	e := &env{
		registry: prometheus.NewRegistry(),
		outbox:   &delivery.Outbox{Dir: filepath.Join(dir, "outbox")},
		logs:     &testenv.Buffer{},
	}
	tmpl := &worker.DirTemplates{Root: samplesRoot, Tenants: map[string][]string{"malmo": {"betalningspaminnelse"}}}
	e.opts = worker.Options{
		Redis:     ro,
		Templates: tmpl,
		Key:       key,
		Documents: store,
		Channels:  map[string]delivery.Channel{"outbox": e.outbox},
		RetryBase: 20 * time.Millisecond,
		RetryMax:  200 * time.Millisecond,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, edit := range edits {
		edit(&e.opts)
	}
	co := e.opts
	co.Metrics = e.registry
	e.client, err = worker.NewClient(co)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.client.Close() })
	queues := worker.NewQueues(e.opts)
	t.Cleanup(func() { queues.Close() })
	h, err := New(Config{
		Letters:   e.client,
		Templates: tmpl,
		Queues:    queues,
		Tenants: []Tenant{
			{Name: "aarhus", TokenSHA256: []string{tokenHash(tokenAarhus)}},
			{Name: "malmo", TokenSHA256: []string{tokenHash(tokenMalmo)}},
		},
		Ready:    e.client.Ping,
		Gatherer: e.registry,
		Logger:   slogJSON(e.logs),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

// runWorker processes tasks until the test ends.
func (e *env) runWorker(t testing.TB) {
	t.Helper()
	s, err := worker.NewServer(e.opts, 4, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker Run: %v", err)
		}
	})
}

// slogJSON logs everything to w as JSON lines.
func slogJSON(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// deadRedis points at a port where no Redis listens.
func deadRedis() asynq.RedisClientOpt { return asynq.RedisClientOpt{Addr: "127.0.0.1:1"} }

// response is an answer of the API.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v, failing the test when it is not JSON.
func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.status, err, r.body)
	}
}

// apiError decodes an error body.
func (r response) apiError(t testing.TB) Error {
	t.Helper()
	var e Error
	r.json(t, &e)
	if e.Message == "" {
		t.Fatalf("error response %d has no message: %s", r.status, r.body)
	}
	return e
}

// request is one call of the API.
type request struct {
	method, path string
	token        string // "" sends no Authorization header
	header       map[string]string
	body         io.Reader
}

func (e *env) do(t testing.TB, rq request) response {
	t.Helper()
	req, err := http.NewRequest(rq.method, e.srv.URL+rq.path, rq.body)
	if err != nil {
		t.Fatal(err)
	}
	if rq.token != "" {
		req.Header.Set("Authorization", "Bearer "+rq.token)
	}
	if rq.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: body}
}

// post sends body as JSON with tenant aarhus' token.
func (e *env) post(t testing.TB, path, body string, header map[string]string) response {
	t.Helper()
	return e.do(t, request{method: "POST", path: path, token: tokenAarhus, header: header, body: strings.NewReader(body)})
}

func (e *env) get(t testing.TB, path, token string) response {
	t.Helper()
	return e.do(t, request{method: "GET", path: path, token: token})
}

// taskCount counts the tasks of every state in the worker's queues, through Asynq's inspector.
func (e *env) taskCount(t testing.TB) int {
	t.Helper()
	in := asynq.NewInspector(e.opts.Redis)
	defer in.Close()
	known, err := in.Queues()
	if err != nil {
		t.Fatalf("list queues: %v", err)
	}
	n := 0
	for _, q := range worker.QueueNames {
		if !contains(known, q) {
			continue // no task was ever queued there
		}
		info, err := in.GetQueueInfo(q)
		if err != nil {
			t.Fatalf("inspect queue %s: %v", q, err)
		}
		n += info.Size + info.Completed
	}
	return n
}

// sample reads a sample bundle's sample.json, compacted.
func sample(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samplesRoot, "templates", name, "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// letterJSON is a POST /v1/letters body for sample template name with its sample data.
func letterJSON(t testing.TB, name string) string {
	return `{"template":"` + name + `","data":` + sample(t, name) +
		`,"recipient":{"id":"0102031234","name":"Søren Ærbø Møller","address":["Åboulevarden 17","8000 Aarhus C"]}}`
}

// waitFinal polls letter id through the API until it is delivered or failed.
func (e *env) waitFinal(t testing.TB, id, token string) letterBody {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := e.get(t, "/v1/letters/"+id, token)
		if r.status != http.StatusOK {
			t.Fatalf("GET letter %s: %d %s", id, r.status, r.body)
		}
		var l letterBody
		r.json(t, &l)
		if l.Status == worker.StatusDelivered || l.Status == worker.StatusFailed {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("letter %s still %s (last error %q)", id, l.Status, l.LastError)
		}
		time.Sleep(25 * time.Millisecond)
	}
}
