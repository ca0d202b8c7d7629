package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// The limits New applies when Config leaves them zero, and the one an http.Server serving the
// API should set itself.
const (
	// DefaultMaxInflight is Config.MaxInflight's default: a submission takes milliseconds, so 64
	// at once is far more than an agency system needs, and few enough that one tenant's stalled
	// or runaway clients cannot hold every connection.
	DefaultMaxInflight = 64
	// DefaultBatchTimeout is Config.BatchTimeout's default: a million letters (about 1.5 GB of
	// NDJSON) take some 20 minutes to send over 10 Mbit/s and 1.5 minutes to queue.
	DefaultBatchTimeout = time.Hour
	// DefaultBatchIdleTimeout is Config.BatchIdleTimeout's default, the default ReadTimeout of
	// `postbud serve`.
	DefaultBatchIdleTimeout = 30 * time.Second
	// MaxHeaderBytes is the header limit to give the http.Server: a request needs a bearer token
	// (at most 4096 bytes), an Idempotency-Key (200) and an X-Request-Id (64), and proxies add a
	// few more; 64 KiB leaves room for them and holds at most 68 KiB a connection (net/http adds
	// 4 KiB) where the default would hold 1 MiB. Past it net/http answers 431 itself; Listener
	// makes that answer JSON.
	MaxHeaderBytes = 64 << 10
)

// retryAfter is the Retry-After of a 429, in seconds: submissions in progress take milliseconds,
// so a slot is usually free again within one.
const retryAfter = 1

// batchAnswerTime is how long after Config.BatchTimeout the batch's answer may take to write: the
// body is read by then, and the answer is a few KB of JSON.
const batchAnswerTime = time.Minute

// tenantHandler serves a request of an authenticated tenant; its error is answered by
// writeError.
type tenantHandler = func(w http.ResponseWriter, r *http.Request, tenant string) error

// batchLimits are the deadlines of a POST /v1/batches.
type batchLimits struct {
	timeout, idle time.Duration
}

// initLimits sets up the per-tenant slots of submissions in progress and the batch deadlines.
// It runs after initMetrics and loadTenants.
func (s *server) initLimits(cfg Config) error {
	slots := cfg.MaxInflight
	switch {
	case slots == 0:
		slots = DefaultMaxInflight
	case slots < 0:
		return fmt.Errorf("api: Config.MaxInflight %d: want a positive number of submissions in progress per tenant, or 0 for %d", slots, DefaultMaxInflight)
	}
	s.batch = batchLimits{timeout: cfg.BatchTimeout, idle: cfg.BatchIdleTimeout}
	if s.batch.timeout < 0 || s.batch.idle < 0 {
		return errors.New("api: Config.BatchTimeout and Config.BatchIdleTimeout must not be negative")
	}
	if s.batch.timeout == 0 {
		s.batch.timeout = DefaultBatchTimeout
	}
	if s.batch.idle == 0 {
		s.batch.idle = DefaultBatchIdleTimeout
	}
	s.inflight = map[string]chan struct{}{}
	for _, t := range s.tokens {
		if s.inflight[t.tenant] == nil {
			s.inflight[t.tenant] = make(chan struct{}, slots)
			// Every tenant's series exist from the start, so a rate over them needs no absent().
			s.rejected.WithLabelValues("inflight", t.tenant)
			s.active.WithLabelValues(t.tenant)
		}
	}
	return nil
}

// limited wraps a submission handler: the tenant may have at most Config.MaxInflight
// submissions in progress at once, and one past that is answered 429 with Retry-After at once,
// without reading its body. The slot is given back however h ends, panics included.
func (s *server) limited(h tenantHandler) tenantHandler {
	return func(w http.ResponseWriter, r *http.Request, tenant string) error {
		slots := s.inflight[tenant]
		select {
		case slots <- struct{}{}:
		default:
			s.rejected.WithLabelValues("inflight", tenant).Inc()
			w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
			return fail(http.StatusTooManyRequests, fmt.Sprintf("%d submissions of yours are in progress, the most at once; retry after %d s (Retry-After), and send many letters as one batch (POST /v1/batches)", cap(slots), retryAfter))
		}
		active := s.active.WithLabelValues(tenant)
		active.Inc()
		defer func() {
			active.Dec()
			<-slots
		}()
		return h(w, r, tenant)
	}
}

// streamed wraps the batch handler, whose body streams for as long as the batch takes to send,
// with deadlines of its own in place of the http.Server's ReadTimeout and WriteTimeout, which
// would cut a large batch part way: the body must be read within Config.BatchTimeout, may
// pause at most Config.BatchIdleTimeout between reads, and the answer must be written within a
// minute after that. It applies only once the tenant is authenticated and holds an in-flight
// slot, so a stranger's connection, or one past the cap, keeps the server's short deadlines.
func (s *server) streamed(h tenantHandler) tenantHandler {
	return func(w http.ResponseWriter, r *http.Request, tenant string) error {
		rc := http.NewResponseController(w)
		end := time.Now().Add(s.batch.timeout)
		err := rc.SetWriteDeadline(end.Add(batchAnswerTime))
		if errors.Is(err, http.ErrNotSupported) {
			// A ResponseWriter without a connection (a test recorder): no deadlines to move.
			return h(w, r, tenant)
		}
		if err != nil {
			return fmt.Errorf("set the batch's write deadline: %w", err)
		}
		body := &idleBody{body: r.Body, rc: rc, idle: s.batch.idle, end: end}
		if err := body.extend(); err != nil {
			return err
		}
		r.Body = body
		return h(w, r, tenant)
	}
}

// idleBody moves the connection's read deadline before each read of a batch body: the next bytes
// must come within idle, and all of them by end.
type idleBody struct {
	body io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration
	end  time.Time
	// done is set once the body has ended: net/http then reads the connection itself, without a
	// deadline, to notice a client going away, and a deadline set now would cancel the request.
	done bool
}

func (b *idleBody) extend() error {
	next := time.Now().Add(b.idle)
	if next.After(b.end) {
		next = b.end
	}
	if err := b.rc.SetReadDeadline(next); err != nil {
		return fmt.Errorf("set the batch's read deadline: %w", err)
	}
	return nil
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.done {
		return b.body.Read(p)
	}
	if err := b.extend(); err != nil {
		b.done = true
		return 0, err
	}
	n, err := b.body.Read(p)
	if err != nil {
		b.done = true
	}
	return n, err
}

func (b *idleBody) Close() error { return b.body.Close() }

// Listener wraps ln, the listener of the http.Server serving the API, so that the few answers
// net/http's server writes itself, before any handler runs, carry the API's JSON error body
// like every other: 431 for headers past MaxHeaderBytes, 400 for a request that does not parse
// (or lacks its Host header), 501 for an unknown Transfer-Encoding and 505 for an unknown HTTP
// version. net/http writes each in one fixed form, in one write straight on the connection
// before closing it (see conn.serve in net/http/server.go); the wrapper replaces exactly that
// form with the same status and a JSON body, and passes every other write through untouched.
// Should a future net/http write another form, the answer stays its plain text.
func Listener(ln net.Listener) net.Listener { return jsonListener{ln} }

type jsonListener struct{ net.Listener }

func (l jsonListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return jsonConn{c}, nil
}

// jsonConn is a connection whose net/http error answers are rewritten to JSON.
type jsonConn struct{ net.Conn }

func (c jsonConn) Write(p []byte) (int, error) {
	reply, ok := jsonServerError(p)
	if !ok {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(reply); err != nil {
		return 0, err
	}
	return len(p), nil
}

// serverErrorHeaders sit between the status line and the text of net/http's own error answers.
const serverErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// serverErrorMessages say what to do about each status net/http answers itself.
var serverErrorMessages = map[int]string{
	http.StatusRequestHeaderFieldsTooLarge: fmt.Sprintf("the request headers are larger than %s; send only the headers the API needs", byteSize(MaxHeaderBytes)),
	http.StatusBadRequest:                  "the request is not valid HTTP/1.1",
	http.StatusNotImplemented:              "unsupported Transfer-Encoding; send the body with Content-Length or chunked",
	http.StatusHTTPVersionNotSupported:     "unsupported HTTP version; use HTTP/1.1",
}

// jsonServerError returns the JSON form of p when p is one of net/http's own error answers
// ("HTTP/1.1 431 Request Header Fields Too Large" + serverErrorHeaders + text).
func jsonServerError(p []byte) ([]byte, bool) {
	const proto = "HTTP/1.1 "
	if len(p) > 1024 || !bytes.HasPrefix(p, []byte(proto)) {
		return nil, false
	}
	status, _, ok := bytes.Cut(p[len(proto):], []byte(serverErrorHeaders))
	if !ok || len(status) < 5 || status[3] != ' ' {
		return nil, false
	}
	code, err := strconv.Atoi(string(status[:3]))
	msg, known := serverErrorMessages[code]
	if err != nil || !known {
		return nil, false
	}
	// A status text after the reason ("400 Bad Request: missing required Host header") is one of
	// net/http's fixed strings, never an echo of the request.
	if _, detail, ok := bytes.Cut(status, []byte(": ")); ok {
		msg += ": " + string(detail)
	}
	id := newRequestID()
	body, _ := json.Marshal(Error{Message: msg, RequestID: id}) // plain strings: cannot fail
	body = append(body, '\n')
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\nX-Request-Id: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		code, http.StatusText(code), id, len(body))
	b.Write(body)
	return b.Bytes(), true
}
