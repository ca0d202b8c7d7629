package api

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/worker"
)

// with is e with an API of its own, built from e's worker client and tenants and changed by edit.
// It returns the new env and its server.
func (e *env) with(t testing.TB, edit func(*Config)) (*env, *server) {
	t.Helper()
	cfg := Config{
		Letters:   e.client,
		Templates: e.opts.Templates.(*worker.DirTemplates),
		Tenants: []Tenant{
			{Name: "aarhus", TokenSHA256: []string{tokenHash(tokenAarhus)}},
			{Name: "malmo", TokenSHA256: []string{tokenHash(tokenMalmo)}},
		},
		Gatherer: e.registry,
		Logger:   slogJSON(e.logs),
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := newServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ne := *e
	ne.srv = httptest.NewServer(s)
	t.Cleanup(ne.srv.Close)
	return &ne, s
}

// send is e.do for other goroutines than the test's: it returns its failure instead of
// failing the test.
func (e *env) send(rq request) (response, error) {
	req, err := http.NewRequest(rq.method, e.srv.URL+rq.path, rq.body)
	if err != nil {
		return response{}, err
	}
	if rq.token != "" {
		req.Header.Set("Authorization", "Bearer "+rq.token)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: body}, err
}

// held is a submission whose body is still on its way: the server holds it in progress until
// release sends the rest.
type held struct {
	rest string
	pw   *io.PipeWriter
	done chan result
}

type result struct {
	r   response
	err error
}

// hold starts a submission of body to path as tenant token and sends none of the body yet.
func (e *env) hold(t testing.TB, path, contentType, token, body string) *held {
	t.Helper()
	pr, pw := io.Pipe()
	h := &held{rest: body, pw: pw, done: make(chan result, 1)}
	t.Cleanup(func() { pw.Close() }) // a failing test must not leave the request hanging
	go func() {
		r, err := e.send(request{method: "POST", path: path, token: token, header: map[string]string{"Content-Type": contentType}, body: pr})
		h.done <- result{r, err}
	}()
	return h
}

// release sends the rest of the body and returns the answer.
func (h *held) release(t testing.TB) response {
	t.Helper()
	go func() {
		io.WriteString(h.pw, h.rest)
		h.pw.Close()
	}()
	select {
	case res := <-h.done:
		if res.err != nil {
			t.Fatal(res.err)
		}
		return res.r
	case <-time.After(30 * time.Second):
		t.Fatal("no answer 30 s after the body was sent")
	}
	return response{}
}

// metric returns the value of the sample line of /metrics that starts with series, "" when
// there is none.
func (e *env) metric(t testing.TB, series string) string {
	t.Helper()
	r := e.get(t, "/metrics", "")
	for _, line := range strings.Split(string(r.body), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return ""
}

// waitMetric polls /metrics until series has value want.
func (e *env) waitMetric(t testing.TB, series, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := e.metric(t, series)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %q after 30 s, want %q", series, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestInflightCap holds a tenant's four allowed submissions (three letters and a batch) in
// progress by sending their bodies slowly: the fifth letter and a second batch are refused 429
// with Retry-After and a JSON body, another tenant is unaffected, and once the four are
// answered the tenant submits again.
func TestInflightCap(t *testing.T) {
	e, _ := newEnv(t).with(t, func(c *Config) { c.MaxInflight = 4 })
	letter := letterJSON(t, "betalningspaminnelse")
	var holds []*held
	for range 3 {
		holds = append(holds, e.hold(t, "/v1/letters", "application/json", tokenAarhus, letter))
	}
	holds = append(holds, e.hold(t, "/v1/batches", "application/x-ndjson", tokenAarhus, letter+"\n"+letter+"\n"))
	e.waitMetric(t, `postbud_http_inflight_submissions{tenant="aarhus"}`, "4")

	type answer struct {
		Status     int
		RetryAfter string
		Message    string
	}
	answerOf := func(r response) answer {
		a := answer{Status: r.status, RetryAfter: r.header.Get("Retry-After")}
		if r.status >= 400 {
			validateBody(t, "Error", r.body)
			a.Message = r.apiError(t).Message
		}
		return a
	}
	refused := answer{Status: 429, RetryAfter: "1", Message: "4 submissions of yours are in progress, the most at once; retry after 1 s (Retry-After), and send many letters as one batch (POST /v1/batches)"}
	tests := []struct {
		name string
		req  request
		want answer
	}{
		{"a fifth letter", request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(letter)}, refused},
		{"a second batch", request{method: "POST", path: "/v1/batches", token: tokenAarhus, header: map[string]string{"Content-Type": "application/x-ndjson"}, body: strings.NewReader(letter + "\n")}, refused},
		{"reading is not capped", request{method: "GET", path: "/v1/templates", token: tokenAarhus}, answer{Status: 200}},
		{"another tenant's letter", request{method: "POST", path: "/v1/letters", token: tokenMalmo, body: strings.NewReader(letter)}, answer{Status: 202}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, answerOf(e.do(t, tt.req))); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
	if got := e.metric(t, `postbud_http_rejected_total{reason="inflight",tenant="aarhus"}`); got != "2" {
		t.Errorf(`postbud_http_rejected_total{reason="inflight",tenant="aarhus"} = %q, want 2`, got)
	}
	if got := e.metric(t, `postbud_http_rejected_total{reason="inflight",tenant="malmo"}`); got != "0" {
		t.Errorf(`postbud_http_rejected_total{reason="inflight",tenant="malmo"} = %q, want 0`, got)
	}

	var got []answer
	for _, h := range holds {
		got = append(got, answerOf(h.release(t)))
	}
	if diff := cmp.Diff([]answer{{Status: 202}, {Status: 202}, {Status: 202}, {Status: 202}}, got); diff != "" {
		t.Errorf("the held submissions (-want +got):\n%s", diff)
	}
	e.waitMetric(t, `postbud_http_inflight_submissions{tenant="aarhus"}`, "0")
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i := range statuses {
		wg.Go(func() {
			if r, err := e.send(request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(letter)}); err == nil {
				statuses[i] = r.status
			}
		})
	}
	wg.Wait()
	if diff := cmp.Diff([]int{202, 202, 202, 202}, statuses); diff != "" {
		t.Errorf("letters after the release (-want +got):\n%s", diff)
	}
}

// TestInflightSlotsComeBack checks that a submission gives its slot back however it ends: a 4xx
// of each kind, an error, and a panic in the handler. After more failures than slots, the
// tenant still has every slot.
func TestInflightSlotsComeBack(t *testing.T) {
	e, s := newEnv(t).with(t, func(c *Config) { c.MaxInflight = 2 })
	s.mux.Handle("POST /test/panic", s.authed(s.limited(func(http.ResponseWriter, *http.Request, string) error {
		panic("handler bug")
	})))
	s.mux.Handle("POST /test/error", s.authed(s.limited(func(http.ResponseWriter, *http.Request, string) error {
		return fmt.Errorf("redis gone")
	})))
	tests := []struct {
		name   string
		req    request
		status int
	}{
		{"malformed JSON", request{method: "POST", path: "/v1/letters", body: strings.NewReader(`{"template":`)}, 400},
		{"body too large", request{method: "POST", path: "/v1/letters", body: &repeatReader{b: 'x', n: 2 << 20}}, 413},
		{"unknown template", request{method: "POST", path: "/v1/letters", body: strings.NewReader(`{"template":"no-such","data":{}}`)}, 404},
		{"batch with bad defaults", request{method: "POST", path: "/v1/batches?colour=red", header: map[string]string{"Content-Type": "application/x-ndjson"}, body: strings.NewReader("{}\n")}, 400},
		{"internal error", request{method: "POST", path: "/test/error"}, 500},
		{"panic", request{method: "POST", path: "/test/panic"}, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 3 { // more than the slots
				tt.req.token = tokenAarhus
				if sr, ok := tt.req.body.(*strings.Reader); ok {
					sr.Seek(0, io.SeekStart)
				}
				if rb, ok := tt.req.body.(*repeatReader); ok {
					tt.req.body = &repeatReader{b: rb.b, n: 2 << 20}
				}
				r := e.do(t, tt.req)
				if r.status != tt.status {
					t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
				}
				r.apiError(t)
			}
		})
	}
	if n := len(s.inflight["aarhus"]); n != 0 {
		t.Errorf("%d slots still taken after every submission ended", n)
	}
	if got := e.metric(t, `postbud_http_inflight_submissions{tenant="aarhus"}`); got != "0" {
		t.Errorf("postbud_http_inflight_submissions = %q, want 0", got)
	}
	if r := e.post(t, "/v1/letters", letterJSON(t, "betalningspaminnelse"), nil); r.status != http.StatusAccepted {
		t.Errorf("a letter after the failures: %d %s", r.status, r.body)
	}
}

// TestPathsAreCanonical sends paths the mux would redirect to their clean form: each is a JSON
// 404 without a Location, never a redirect.
func TestPathsAreCanonical(t *testing.T) {
	e := newEnv(t)
	client := e.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, path := range []string{
		"/v1/../v1/templates",
		"/v1/templates/../templates",
		"/v1/./templates",
		"//v1/templates",
		"/v1//templates",
		"/v1/templates/",
		"/healthz/",
		"/healthz/.",
		"/v1/letters/abc/..",
		"/..",
	} {
		t.Run(path, func(t *testing.T) {
			req, err := http.NewRequest("GET", e.srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tokenAarhus)
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			r := response{status: res.StatusCode, header: res.Header, body: body}
			got := []string{fmt.Sprint(r.status), r.header.Get("Content-Type"), r.header.Get("Location")}
			if diff := cmp.Diff([]string{"404", "application/json", ""}, got); diff != "" {
				t.Fatalf("status, Content-Type, Location (-want +got):\n%s\n%s", diff, body)
			}
			validateBody(t, "Error", body)
			if msg := r.apiError(t).Message; !strings.Contains(msg, "no such path") {
				t.Errorf("message %q", msg)
			}
		})
	}
	// The canonical paths are served as before.
	if r := e.get(t, "/v1/templates", tokenAarhus); r.status != 200 {
		t.Errorf("GET /v1/templates: %d %s", r.status, r.body)
	}
}

// TestServerErrorsAreJSON sends requests net/http's server refuses before any handler runs, to
// the API behind a real http.Server on Listener: each answer has the API's JSON error body.
func TestServerErrorsAreJSON(t *testing.T) {
	_, s := newEnv(t).with(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second, MaxHeaderBytes: MaxHeaderBytes}
	go hs.Serve(Listener(ln))
	t.Cleanup(func() { hs.Close() })
	big := strings.Repeat("x", MaxHeaderBytes+8<<10)
	tests := []struct {
		name    string
		request string
		status  int
		msg     string
	}{
		{"headers past MaxHeaderBytes", "GET /healthz HTTP/1.1\r\nHost: postbud\r\nX-Big: " + big + "\r\n\r\n", 431, "the request headers are larger than 64 KiB"},
		{"no Host header", "GET /healthz HTTP/1.1\r\n\r\n", 400, "the request is not valid HTTP/1.1: missing required Host header"},
		{"no request line", "HELLO\r\n\r\n", 400, "the request is not valid HTTP/1.1"},
		{"unknown transfer encoding", "POST /v1/letters HTTP/1.1\r\nHost: postbud\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "unsupported Transfer-Encoding"},
		{"HTTP/2 request line", "GET /healthz HTTP/2.0\r\nHost: postbud\r\n\r\n", 505, "unsupported HTTP version"},
		// Answers of the API itself pass through untouched.
		{"unknown path", "GET /v2 HTTP/1.1\r\nHost: postbud\r\n\r\n", 404, "no such path"},
		{"no token", "GET /v1/templates HTTP/1.1\r\nHost: postbud\r\n\r\n", 401, "missing Authorization header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			go io.WriteString(c, tt.request) // the server may answer before it has read it all
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tt.status || res.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("%s, Content-Type %q, want %d JSON:\n%s", res.Status, res.Header.Get("Content-Type"), tt.status, body)
			}
			validateBody(t, "Error", body)
			r := response{status: res.StatusCode, header: res.Header, body: body}
			apiErr := r.apiError(t)
			if !strings.HasPrefix(apiErr.Message, tt.msg) {
				t.Errorf("message %q, want it to start with %q", apiErr.Message, tt.msg)
			}
			if apiErr.RequestID == "" || apiErr.RequestID != res.Header.Get("X-Request-Id") {
				t.Errorf("request id %q, X-Request-Id %q", apiErr.RequestID, res.Header.Get("X-Request-Id"))
			}
		})
	}
	// A request that is fine is served as ever through the wrapped connection.
	res, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("GET /healthz through Listener: %s", res.Status)
	}
}
