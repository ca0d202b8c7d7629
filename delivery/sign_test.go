package delivery

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var testSecret = []byte("kommune-a's webhook secret")

func signedHeader(secret []byte, ts time.Time, body []byte) http.Header {
	h := http.Header{}
	h.Set(TimestampHeader, strconv.FormatInt(ts.Unix(), 10))
	h.Set(SignatureHeader, Sign(secret, ts, body))
	return h
}

func TestSign(t *testing.T) {
	// The value a receiver computes on its own: HMAC-SHA256 keyed "key" over "1700000000.{}", from
	// `printf '1700000000.{}' | openssl dgst -sha256 -hmac key`.
	got := Sign([]byte("key"), time.Unix(1700000000, 0), []byte("{}"))
	if want := "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	// Only the Unix second is signed, as the header carries it.
	if Sign([]byte("key"), time.Unix(1700000000, 999_000_000), []byte("{}")) != got {
		t.Error("Sign depends on the fraction of a second, which TimestampHeader does not carry")
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"event":"letter"}`)
	good := signedHeader(testSecret, t0, body)
	mod := func(f func(h http.Header)) http.Header { h := good.Clone(); f(h); return h }
	tests := []struct {
		name   string
		secret []byte
		header http.Header
		body   []byte
		now    time.Time
		tol    time.Duration
		want   string // "" = valid
	}{
		{"round trip", testSecret, good, body, t0, time.Minute, ""},
		{"within tolerance, late", testSecret, good, body, t0.Add(59 * time.Second), time.Minute, ""},
		{"within tolerance, early", testSecret, good, body, t0.Add(-59 * time.Second), time.Minute, ""},
		{"default tolerance", testSecret, good, body, t0.Add(4 * time.Minute), 0, ""},
		{"altered body", testSecret, good, []byte(`{"event":"letteR"}`), t0, time.Minute, "does not match the body"},
		{"empty body", testSecret, good, nil, t0, time.Minute, "does not match the body"},
		{"wrong secret", []byte("another secret"), good, body, t0, time.Minute, "does not match the body"},
		{"no secret", nil, good, body, t0, time.Minute, "the secret is empty"},
		{"missing signature", testSecret, mod(func(h http.Header) { h.Del(SignatureHeader) }), body, t0, time.Minute, "no X-Postbud-Signature header"},
		{"missing timestamp", testSecret, mod(func(h http.Header) { h.Del(TimestampHeader) }), body, t0, time.Minute, "no X-Postbud-Timestamp header"},
		{"timestamp not a number", testSecret, mod(func(h http.Header) { h.Set(TimestampHeader, "yesterday") }), body, t0, time.Minute, "not Unix seconds"},
		{"too old (replay)", testSecret, good, body, t0.Add(61 * time.Second), time.Minute, "1m1s old, more than the 1m0s allowed"},
		{"too old for the default", testSecret, good, body, t0.Add(6 * time.Minute), 0, "more than the 5m0s allowed"},
		{"in the future", testSecret, good, body, t0.Add(-2 * time.Minute), time.Minute, "2m0s in the future"},
		{"replayed with a fresh timestamp", testSecret, mod(func(h http.Header) { h.Set(TimestampHeader, strconv.FormatInt(t0.Add(time.Hour).Unix(), 10)) }), body, t0.Add(time.Hour), time.Minute, "does not match the body"},
		{"no sha256= prefix", testSecret, mod(func(h http.Header) { h.Set(SignatureHeader, strings.TrimPrefix(h.Get(SignatureHeader), "sha256=")) }), body, t0, time.Minute, `does not start with "sha256="`},
		{"not hex", testSecret, mod(func(h http.Header) { h.Set(SignatureHeader, "sha256=zz") }), body, t0, time.Minute, "not hex"},
		{"truncated signature", testSecret, mod(func(h http.Header) { h.Set(SignatureHeader, h.Get(SignatureHeader)[:21]) }), body, t0, time.Minute, "does not match the body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.secret, tt.header, tt.body, tt.now, tt.tol)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Verify = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// TestVerifyConstantTime checks in the source that signatures are compared with hmac.Equal, since
// timing cannot be asserted in a test.
func TestVerifyConstantTime(t *testing.T) {
	src, err := os.ReadFile("sign.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "hmac.Equal(") || regexp.MustCompile(`bytes\.Equal\(|got\s*==|string\(got\)`).Match(src) {
		t.Error("sign.go does not compare signatures with hmac.Equal alone")
	}
}

// TestPostSigned posts to a real server that answers each status, and checks the classification.
func TestPostSigned(t *testing.T) {
	body := []byte(`{"event":"letter"}`)
	tests := []struct {
		name    string
		status  int
		header  map[string]string
		answer  string
		wantID  string
		wantErr error // compared with cmp after errors.As into its type
		permOK  bool  // the error is permanent
	}{
		{name: "200 with id", status: 200, answer: `{"id":"kivra-4711"}`, wantID: "kivra-4711"},
		{name: "201 numeric id", status: 201, answer: `{"id": 98765}`, wantID: "98765"},
		{name: "202 no body", status: 202},
		{name: "200 non-JSON", status: 200, answer: "OK", wantID: ""},
		{name: "200 control characters in id", status: 200, answer: `{"id":"a\nb"}`, wantID: ""},
		{name: "429 seconds", status: 429, header: map[string]string{"Retry-After": "7"}, wantErr: &ThrottledError{Channel: "webhook", HTTPStatus: 429, RetryAfter: 7 * time.Second}},
		{name: "503 date", status: 503, header: map[string]string{"Retry-After": t0.Add(90 * time.Second).Format(http.TimeFormat)}, wantErr: &ThrottledError{Channel: "webhook", HTTPStatus: 503, RetryAfter: 90 * time.Second}},
		{name: "408 no header", status: 408, wantErr: &ThrottledError{Channel: "webhook", HTTPStatus: 408}},
		{name: "425 garbage header", status: 425, header: map[string]string{"Retry-After": "soon"}, wantErr: &ThrottledError{Channel: "webhook", HTTPStatus: 425}},
		{name: "429 huge", status: 429, header: map[string]string{"Retry-After": "99999999999999"}, wantErr: &ThrottledError{Channel: "webhook", HTTPStatus: 429, RetryAfter: 24 * time.Hour}},
		{name: "400", status: 400, answer: `{"code":"INVALID_RECIPIENT","message":"recipient 0101701234 has no mailbox"}`, wantErr: &RejectedError{Channel: "webhook", HTTPStatus: 400, Code: "INVALID_RECIPIENT", Message: "recipient #### has no mailbox"}, permOK: true},
		{name: "422 CPR with dash, id as code", status: 422, answer: `{"code":"0101701234","message":"CPR 010170-1234 unknown"}`, wantErr: &RejectedError{Channel: "webhook", HTTPStatus: 422, Message: "CPR #### unknown"}, permOK: true},
		{name: "404 plain text", status: 404, answer: "not found", wantErr: &RejectedError{Channel: "webhook", HTTPStatus: 404}, permOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if err := Verify(testSecret, r.Header, b, t0, time.Minute); err != nil {
					t.Errorf("server: %v", err)
				}
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.answer)
			}))
			defer srv.Close()
			status, id, err := PostSigned(context.Background(), srv.Client(), "webhook", srv.URL+"/hook?token=s3cr3t", testSecret, body, t0, nil)
			if status != tt.status {
				t.Errorf("status = %d, want %d", status, tt.status)
			}
			if tt.wantErr == nil {
				if err != nil || id != tt.wantID {
					t.Fatalf("PostSigned = %q, %v; want %q, nil", id, err, tt.wantID)
				}
				return
			}
			if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "0101701234") || strings.Contains(err.Error(), "1234") {
				t.Errorf("error %q shows the URL's query or the recipient's id", err)
			}
			if IsPermanent(err) != tt.permOK {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, IsPermanent(err), tt.permOK)
			}
			switch want := tt.wantErr.(type) {
			case *ThrottledError:
				var got *ThrottledError
				if !errors.As(err, &got) {
					t.Fatalf("error %v is no *ThrottledError", err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
			case *RejectedError:
				var got *RejectedError
				if !errors.As(err, &got) {
					t.Fatalf("error %v is no *RejectedError", err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestPostSignedFaults(t *testing.T) {
	body := []byte(`{}`)
	var gotHeader http.Header
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // so that the server notices a client that goes away
		gotHeader = r.Header.Clone()
		switch r.URL.Path {
		case "/401":
			w.WriteHeader(401)
		case "/403":
			w.WriteHeader(403)
		case "/500":
			w.WriteHeader(500)
		case "/redirect":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/elsewhere":
			t.Error("PostSigned followed a redirect")
		case "/huge":
			w.WriteHeader(200)
			io.WriteString(w, `{"id":"x","pad":"`+strings.Repeat("x", 1<<20)+`"}`)
		case "/hang":
			select {
			case <-r.Context().Done():
			case <-stop:
			}
		default:
			w.WriteHeader(204)
		}
	}))
	defer srv.Close()
	defer close(stop)

	for _, path := range []string{"/401", "/403", "/redirect"} {
		_, _, err := PostSigned(context.Background(), srv.Client(), "webhook", srv.URL+path, testSecret, body, t0, nil)
		var h *HaltError
		if !errors.As(err, &h) || h.Channel != "webhook" || IsPermanent(err) {
			t.Errorf("%s: error %v, want a *HaltError that is not permanent", path, err)
		}
	}
	_, _, err := PostSigned(context.Background(), srv.Client(), "webhook", srv.URL+"/500", testSecret, body, t0, nil)
	var th *ThrottledError
	if err == nil || IsPermanent(err) || errors.As(err, &th) || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("500: error %v, want a plain transient error naming the status", err)
	}
	// An answer bigger than PostSigned reads: the status decides, the id is lost.
	if status, id, err := PostSigned(context.Background(), srv.Client(), "webhook", srv.URL+"/huge", testSecret, body, t0, nil); status != 200 || id != "" || err != nil {
		t.Errorf("huge answer: %d, %q, %v; want 200 without an id", status, id, err)
	}
	// The caller's extra headers, and the headers PostSigned sets.
	extra := http.Header{"Idempotency-Key": {"l1"}, "User-Agent": {"postbud-test"}, "Content-Type": {"text/plain"}, SignatureHeader: {"forged"}}
	if _, _, err := PostSigned(context.Background(), nil, "webhook", srv.URL, testSecret, body, t0, extra); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Idempotency-Key": "l1", "User-Agent": "postbud-test", "Content-Type": "application/json", TimestampHeader: strconv.FormatInt(t0.Unix(), 10), SignatureHeader: Sign(testSecret, t0, body)}
	for k, v := range want {
		if got := gotHeader.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	// A timeout and a refused connection are transient.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := PostSigned(ctx, srv.Client(), "webhook", srv.URL+"/hang", testSecret, body, t0, nil); err == nil || IsPermanent(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: error %v, want a transient one wrapping context.DeadlineExceeded", err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	_, _, err = PostSigned(context.Background(), nil, "webhook", closed.URL+"/x?token=s3cr3t", testSecret, body, t0, nil)
	if err == nil || IsPermanent(err) || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "post to http://127.0.0.1") {
		t.Errorf("refused connection: error %v, want a transient one naming the host only", err)
	}
}

func TestMaskDigits(t *testing.T) {
	tests := map[string]string{
		"":                          "",
		"no digits":                 "no digits",
		"page 12 of 345":            "page 12 of 345",
		"cpr 0101701234":            "cpr ####",
		"cpr 010170-1234.":          "cpr ####.",
		"cvr 12 34 56 78, thanks":   "cvr ####, thanks",
		"a-1234-b":                  "a-####-b",
		"trailing 12-":              "trailing 12-",
		"0101701234":                "####",
		"ids 0101701234,0202802345": "ids ####,####",
	}
	for in, want := range tests {
		if got := maskDigits(in); got != want {
			t.Errorf("maskDigits(%q) = %q, want %q", in, got, want)
		}
	}
}
