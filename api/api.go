package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/postbud/postbud/templates"
	"github.com/postbud/postbud/worker"
)

// Tenant is an agency and the bearer tokens it authenticates with.
type Tenant struct {
	// Name identifies the tenant in letters, templates and logs: 1 to 64 letters, digits, '.',
	// '_' or '-', starting with a letter or digit.
	Name string
	// TokenSHA256 holds the hex SHA-256 of each bearer token; the tokens themselves are never
	// configured. `printf %s "$TOKEN" | sha256sum` gives one.
	TokenSHA256 []string
}

// Templates resolves a tenant's templates and lists them. *worker.DirTemplates is one.
type Templates interface {
	Bundle(tenant, name string) (*templates.Bundle, error)
	Names(tenant string) ([]string, error)
}

// Config configures the handler New returns. Letters, Templates and Tenants are required; every
// other zero value works as documented.
type Config struct {
	// Letters submits letters and batches and reads them back.
	Letters *worker.Client
	// Templates resolves the templates a tenant may use; give it the one the worker uses.
	Templates Templates
	// Queues feeds the postbud_queue_tasks metric. Nil means no queue metrics.
	Queues *worker.Queues
	// Tenants are the agencies allowed in, each with its token hashes.
	Tenants []Tenant
	// MaxBody is the byte limit of a POST /v1/letters or preview body. Zero means 1 MiB. Batches
	// are streamed and limited per line by the worker.
	MaxBody int64
	// Ready tells /readyz whether the service can work (Redis reachable, templates loaded). Nil
	// means ready whenever the process answers.
	Ready func(ctx context.Context) error
	// Gatherer is served at /metrics together with the API's own metrics (requests by route and
	// status, durations, queue sizes); usually the worker's registry. Nil means the API's only.
	Gatherer prometheus.Gatherer
	// Logger receives one line per request (request id, tenant, route, status, duration) and
	// every internal error in full; never case data or recipients. Nil means no logging.
	Logger *slog.Logger
	// MaxInflight caps the submissions (POST /v1/letters and POST /v1/batches) each tenant may
	// have in progress at once; past it a submission is answered 429 with Retry-After and
	// counted in postbud_http_rejected_total{reason="inflight"}. Zero means DefaultMaxInflight.
	MaxInflight int
	// BatchTimeout bounds a POST /v1/batches from the moment its handler starts: its body must
	// be read, and its answer written, within it. It replaces the http.Server's ReadTimeout and
	// WriteTimeout on that route only (see http.ResponseController), since a batch streams for
	// as long as it takes to send. Zero means DefaultBatchTimeout.
	BatchTimeout time.Duration
	// BatchIdleTimeout is the longest a batch body may pause between two reads before its
	// connection is cut; give it the server's ReadTimeout. Zero means DefaultBatchIdleTimeout.
	BatchIdleTimeout time.Duration
	// UI, when set, is the operator's web UI (NewUI makes Asynq's), served under /ui/ with the
	// whole path, /ui included, behind the API's tokens (see server.ui). It is no part of the
	// API that openapi.yaml describes. Nil serves no /ui/.
	UI http.Handler
}

// DefaultMaxBody is the body limit when Config.MaxBody is zero.
const DefaultMaxBody = 1 << 20

// tenantPattern is what a tenant name looks like.
var tenantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// token is one accepted bearer token's hash and its tenant.
type token struct {
	hash   [sha256.Size]byte
	tenant string
}

// server holds what the handlers share.
type server struct {
	cfg      Config
	log      *slog.Logger
	maxBody  int64
	tokens   []token
	mux      *http.ServeMux
	previews chan struct{}            // a slot per preview rendering at once
	inflight map[string]chan struct{} // per tenant, a slot per submission in progress
	batch    batchLimits
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	rejected *prometheus.CounterVec
	active   *prometheus.GaugeVec
}

// New returns the HTTP handler of the API described in openapi.yaml. It checks cfg and fails
// with a message naming the field when something is missing or malformed.
func New(cfg Config) (http.Handler, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func newServer(cfg Config) (*server, error) {
	if cfg.Letters == nil {
		return nil, errors.New("api: Config.Letters is required (a *worker.Client)")
	}
	if cfg.Templates == nil {
		return nil, errors.New("api: Config.Templates is required (e.g. a *worker.DirTemplates)")
	}
	s := &server{
		cfg:      cfg,
		log:      cfg.Logger,
		maxBody:  cfg.MaxBody,
		previews: make(chan struct{}, runtime.GOMAXPROCS(0)),
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if err := s.loadTenants(cfg.Tenants); err != nil {
		return nil, err
	}
	if err := s.initMetrics(); err != nil {
		return nil, err
	}
	if err := s.initLimits(cfg); err != nil {
		return nil, err
	}
	s.mux = http.NewServeMux()
	for _, rt := range s.routes() {
		s.mux.Handle(rt.method+" "+rt.path, rt.handler)
	}
	if cfg.UI != nil {
		s.mux.Handle(uiRoot+"/", s.ui(cfg.UI))
		s.mux.Handle(uiRoot, http.HandlerFunc(s.uiSlash))
	}
	return s, nil
}

// loadTenants checks the tenants and decodes their token hashes.
func (s *server) loadTenants(tenants []Tenant) error {
	if len(tenants) == 0 {
		return errors.New("api: Config.Tenants is empty; configure at least one tenant with a token hash")
	}
	names := map[string]bool{}
	owner := map[[sha256.Size]byte]string{}
	for i, t := range tenants {
		if !tenantPattern.MatchString(t.Name) {
			return fmt.Errorf("api: Config.Tenants[%d].Name %q: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", i, t.Name)
		}
		if names[t.Name] {
			return fmt.Errorf("api: Config.Tenants[%d]: tenant %q is configured twice", i, t.Name)
		}
		names[t.Name] = true
		if len(t.TokenSHA256) == 0 {
			return fmt.Errorf("api: tenant %q has no token hash; add the hex SHA-256 of its bearer token", t.Name)
		}
		for j, h := range t.TokenSHA256 {
			b, err := hex.DecodeString(strings.TrimSpace(h))
			if err != nil || len(b) != sha256.Size {
				return fmt.Errorf("api: tenant %q TokenSHA256[%d] is not 64 hex digits; give the SHA-256 of the token (printf %%s \"$TOKEN\" | sha256sum), not the token", t.Name, j)
			}
			var k [sha256.Size]byte
			copy(k[:], b)
			if other, ok := owner[k]; ok {
				return fmt.Errorf("api: tenant %q TokenSHA256[%d] is also a token of tenant %q; every token belongs to one tenant", t.Name, j, other)
			}
			owner[k] = t.Name
			s.tokens = append(s.tokens, token{hash: k, tenant: t.Name})
		}
	}
	return nil
}

// route is one operation of the API.
type route struct {
	method, path string
	handler      http.Handler
}

// routes lists every operation the API serves; openapi.yaml describes exactly these.
func (s *server) routes() []route {
	return []route{
		{"POST", "/v1/letters", s.authed(s.limited(s.postLetter))},
		{"GET", "/v1/letters/{id}", s.authed(s.getLetter)},
		{"GET", "/v1/letters/{id}/documents/{format}", s.authed(s.getDocument)},
		{"POST", "/v1/batches", s.authed(s.limited(s.streamed(s.postBatch)))},
		{"GET", "/v1/batches/{id}", s.authed(s.getBatch)},
		{"GET", "/v1/batches/{id}/letters", s.authed(s.getBatchLetters)},
		{"GET", "/v1/templates", s.authed(s.listTemplates)},
		{"GET", "/v1/templates/{name}", s.authed(s.getTemplate)},
		{"POST", "/v1/templates/{name}/preview", s.authed(s.preview)},
		{"GET", "/v1/templates/{name}/versions", s.authed(s.templateVersions)},
		{"GET", "/v1/openapi.yaml", http.HandlerFunc(serveOpenAPI)},
		{"GET", "/healthz", http.HandlerFunc(s.healthz)},
		{"GET", "/readyz", http.HandlerFunc(s.readyz)},
		{"GET", "/metrics", s.metricsHandler()},
	}
}

// ctxKey keys the request's values in its context.
type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyTenant
)

// requestID returns the id of the request ctx belongs to.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// newRequestID returns 16 random hex digits.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// ServeHTTP gives the request an id (the client's X-Request-Id when it is a plain token), serves
// it, answers a panic with 500, and logs and counts it.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := r.Header.Get("X-Request-Id")
	if !requestIDPattern.MatchString(id) {
		id = newRequestID()
	}
	w.Header().Set("X-Request-Id", id)
	r = r.WithContext(context.WithValue(r.Context(), keyRequestID, id))
	rec := &recorder{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			buf := make([]byte, 8<<10)
			buf = buf[:runtime.Stack(buf, false)]
			s.log.ErrorContext(r.Context(), "panic serving request", slog.String("request_id", id),
				slog.Any("panic", v), slog.String("stack", string(buf)))
			if !rec.wrote {
				s.writeError(rec, r, fmt.Errorf("panic: %v", v))
			}
		}
		s.observe(r, rec, time.Since(start))
	}()
	s.dispatch(rec, r)
}

// dispatch serves r through the mux, answering in JSON whatever the mux would answer itself in
// plain text: an unknown path (404) or method (405). A path with ".", ".." or empty segments
// names nothing here and is answered 404, never redirected to its clean form as the mux would.
// (The mux's other redirect, from a subtree's root without its slash, cannot happen: the one
// subtree, /ui/, has its /ui registered beside it.)
func (s *server) dispatch(w http.ResponseWriter, r *http.Request) {
	if !canonical(r.URL) {
		s.writeError(w, r, fail(http.StatusNotFound, "no such path: a path has no '.', '..' or empty segments; /v1/openapi.yaml describes the API"))
		return
	}
	if _, pattern := s.mux.Handler(r); pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	c := &capture{header: http.Header{}}
	s.mux.ServeHTTP(c, r)
	switch c.status {
	case http.StatusNotFound:
		s.writeError(w, r, fail(http.StatusNotFound, "no such path; /v1/openapi.yaml describes the API"))
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", c.header.Get("Allow"))
		s.writeError(w, r, fail(http.StatusMethodNotAllowed, "method not allowed here; use "+c.header.Get("Allow")))
	default:
		s.writeError(w, r, fail(c.status, strings.ToLower(http.StatusText(c.status))))
	}
}

// canonical reports whether u's path is the one the mux would clean it to: rooted, without
// ".", ".." or empty segments.
func canonical(u *url.URL) bool {
	p := u.EscapedPath()
	if p == "" || p[0] != '/' {
		return false
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean == p
}

// authed wraps h: the request needs a bearer token of a configured tenant, and h's error is
// answered by writeError.
func (s *server) authed(h func(w http.ResponseWriter, r *http.Request, tenant string) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tenant, err := s.authenticate(r)
		if err == nil {
			r = r.WithContext(context.WithValue(r.Context(), keyTenant, tenant))
			if rec, ok := w.(*recorder); ok {
				rec.tenant = tenant
			}
			err = h(w, r, tenant)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// maxToken bounds the bearer token's length.
const maxToken = 4096

// authenticate returns the tenant whose bearer token r carries.
func (s *server) authenticate(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", fail(http.StatusUnauthorized, "missing Authorization header; send \"Authorization: Bearer <token>\" with your agency's token")
	}
	scheme, tok, ok := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" || len(tok) > maxToken {
		return "", fail(http.StatusUnauthorized, "malformed Authorization header; send \"Authorization: Bearer <token>\"")
	}
	tenant, ok := s.tenantOf(tok)
	if !ok {
		return "", fail(http.StatusUnauthorized, "the bearer token is not valid; check it, or ask the operator for a new one")
	}
	return tenant, nil
}

// tenantOf returns the tenant whose token tok is. Its SHA-256 is compared with every configured
// hash in constant time, so neither a match nor its position shows in timing.
func (s *server) tenantOf(tok string) (string, bool) {
	if tok == "" || len(tok) > maxToken {
		return "", false
	}
	sum := sha256.Sum256([]byte(tok))
	found := -1
	for i := range s.tokens {
		if subtle.ConstantTimeCompare(sum[:], s.tokens[i].hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return "", false
	}
	return s.tokens[found].tenant, true
}

// recorder remembers what a handler answered, for the log and metrics.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
	tenant string
}

func (w *recorder) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(p []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines).
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// capture buffers a response of the mux's own fallback handlers.
type capture struct {
	header http.Header
	status int
	body   []byte
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}
func (c *capture) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if len(c.body) < 4<<10 {
		c.body = append(c.body, p...)
	}
	return len(p), nil
}

// observe logs and counts one served request.
func (s *server) observe(r *http.Request, rec *recorder, d time.Duration) {
	status := rec.status
	if !rec.wrote {
		status = http.StatusOK
	}
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	s.requests.WithLabelValues(route, fmt.Sprint(status)).Inc()
	s.duration.WithLabelValues(route).Observe(d.Seconds())
	level := slog.LevelInfo
	switch {
	case status >= 500:
		level = slog.LevelError
	case r.Pattern == "GET /healthz" || r.Pattern == "GET /readyz" || r.Pattern == "GET /metrics":
		level = slog.LevelDebug
	}
	s.log.LogAttrs(r.Context(), level, "request",
		slog.String("request_id", requestID(r.Context())),
		slog.String("tenant", rec.tenant),
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Int64("bytes", rec.bytes),
		slog.Duration("duration", d))
}
