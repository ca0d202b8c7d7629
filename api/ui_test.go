package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func basicAuth(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// queuesOf reads the operator UI's list of queues: name and whether it is paused.
func queuesOf(t *testing.T, r response) map[string]bool {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("GET /ui/api/queues: %d %s", r.status, r.body)
	}
	var list struct {
		Queues []struct {
			Queue  string `json:"queue"`
			Paused bool   `json:"paused"`
		} `json:"queues"`
	}
	r.json(t, &list)
	out := map[string]bool{}
	for _, q := range list.Queues {
		out[q.Queue] = q.Paused
	}
	return out
}

// TestUI serves Asynq's web UI under /ui/ over the test Redis: with a tenant's token (as a
// Basic auth password or a bearer token) it answers the UI's page and its JSON API listing
// postbud's queues; without one, 401 in JSON with a challenge a browser answers; a cross-site
// request that would change a queue is refused.
func TestUI(t *testing.T) {
	base := newEnv(t)
	ui, err := NewUI(base.opts.Redis)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ui.Close() })
	e, _ := base.with(t, func(c *Config) { c.UI = ui })
	// Redirects are answers to check here, not to follow.
	e.srv.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if r := e.post(t, "/v1/letters", letterJSON(t, "betalningspaminnelse"), nil); r.status != http.StatusAccepted {
		t.Fatalf("POST letter: %d %s", r.status, r.body)
	}

	type answer struct {
		Status      int
		ContentType string
		Challenge   []string
	}
	challenge := []string{`Basic realm="postbud", charset="UTF-8"`, `Bearer realm="postbud"`}
	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		want   answer
		says   string // a part of the body
	}{
		{"page with Basic auth", "GET", "/ui/", map[string]string{"Authorization": basicAuth("operator", tokenAarhus)}, answer{200, "text/html; charset=utf-8", nil}, "<title>Asynq - Monitoring</title>"},
		{"page with any user name", "GET", "/ui/", map[string]string{"Authorization": basicAuth("", tokenMalmo)}, answer{200, "text/html; charset=utf-8", nil}, "<title>Asynq - Monitoring</title>"},
		{"page with a bearer token", "GET", "/ui/", map[string]string{"Authorization": "Bearer " + tokenAarhus}, answer{200, "text/html; charset=utf-8", nil}, "<title>Asynq - Monitoring</title>"},
		{"a page of the app", "GET", "/ui/queues/render:default", map[string]string{"Authorization": basicAuth("operator", tokenAarhus)}, answer{200, "text/html; charset=utf-8", nil}, "<title>Asynq - Monitoring</title>"},
		{"queues", "GET", "/ui/api/queues", map[string]string{"Authorization": basicAuth("operator", tokenAarhus)}, answer{200, "", nil}, `"queue":"render:default"`},
		{"no token", "GET", "/ui/", nil, answer{401, "application/json", challenge}, "the operator UI needs a token"},
		{"no token for the API", "GET", "/ui/api/queues", nil, answer{401, "application/json", challenge}, "the operator UI needs a token"},
		{"wrong password", "GET", "/ui/", map[string]string{"Authorization": basicAuth("operator", "guessed")}, answer{401, "application/json", challenge}, "the token is not valid"},
		{"wrong bearer token", "GET", "/ui/", map[string]string{"Authorization": "Bearer guessed"}, answer{401, "application/json", challenge}, "the bearer token is not valid"},
		{"the token as user name", "GET", "/ui/", map[string]string{"Authorization": basicAuth(tokenAarhus, "")}, answer{401, "application/json", challenge}, "the token is not valid"},
		{"cross-site pause", "POST", "/ui/api/queues/render:default:pause", map[string]string{"Authorization": basicAuth("operator", tokenAarhus), "Sec-Fetch-Site": "cross-site"}, answer{403, "application/json", nil}, "cross-origin request refused"},
		{"cross-origin pause", "POST", "/ui/api/queues/render:default:pause", map[string]string{"Authorization": basicAuth("operator", tokenAarhus), "Origin": "https://evil.example"}, answer{403, "application/json", nil}, "cross-origin request refused"},
		{"without the slash", "GET", "/ui", nil, answer{301, "application/json", nil}, `"error":"the operator UI is at /ui/"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, request{method: tt.method, path: tt.path, header: tt.header})
			got := answer{r.status, r.header.Get("Content-Type"), r.header.Values("WWW-Authenticate")}
			if tt.want.ContentType == "" {
				got.ContentType = ""
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("answer (-want +got):\n%s\n%s", diff, r.body)
			}
			if !strings.Contains(string(r.body), tt.says) {
				t.Errorf("body does not say %q:\n%.500s", tt.says, r.body)
			}
			if r.status >= 400 {
				validateBody(t, "Error", r.body)
			}
			if r.status == 200 && r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
			}
			if r.status == 301 && r.header.Get("Location") != "/ui/" {
				t.Errorf("Location %q, want /ui/", r.header.Get("Location"))
			}
		})
	}
	op := map[string]string{"Authorization": basicAuth("operator", tokenAarhus)}
	if q := queuesOf(t, e.do(t, request{method: "GET", path: "/ui/api/queues", header: op})); q["render:default"] {
		t.Fatalf("a refused cross-site request paused the queue: %v", q)
	}
	// The UI's own pages (same origin) change queues.
	same := map[string]string{"Authorization": op["Authorization"], "Sec-Fetch-Site": "same-origin"}
	if r := e.do(t, request{method: "POST", path: "/ui/api/queues/render:default:pause", header: same}); r.status != http.StatusNoContent {
		t.Fatalf("same-origin pause: %d %s", r.status, r.body)
	}
	if diff := cmp.Diff(map[string]bool{"render:default": true}, queuesOf(t, e.do(t, request{method: "GET", path: "/ui/api/queues", header: op}))); diff != "" {
		t.Errorf("queues after the pause (-want +got):\n%s", diff)
	}
	// The log names the tenant whose token opened the UI, and never the token.
	if logs := e.logs.String(); !strings.Contains(logs, `"route":"/ui/"`) || strings.Contains(logs, tokenAarhus) {
		t.Errorf("log of UI requests:\n%s", logs)
	}
}

// TestNoUI checks that without Config.UI nothing is served under /ui, even with a token.
func TestNoUI(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/ui/", "/ui", "/ui/api/queues"} {
		r := e.get(t, path, tokenAarhus)
		var body Error
		if err := json.Unmarshal(r.body, &body); err != nil || r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
	}
}
