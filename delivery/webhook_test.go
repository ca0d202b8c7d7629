package delivery

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// receivedLetter is what a receiver decodes from the webhook's body.
type receivedLetter struct {
	Event  string `json:"event"`
	Letter struct {
		ID              string    `json:"id"`
		Tenant          string    `json:"tenant"`
		Template        string    `json:"template"`
		TemplateVersion string    `json:"template_version"`
		Title           string    `json:"title"`
		Language        string    `json:"language"`
		Created         time.Time `json:"created"`
	} `json:"letter"`
	Recipient struct {
		ID string `json:"id"`
	} `json:"recipient"`
	Documents []struct {
		Format        string `json:"format"`
		Filename      string `json:"filename"`
		MIMEType      string `json:"mime_type"`
		Bytes         int    `json:"bytes"`
		SHA256        string `json:"sha256"`
		ContentBase64 string `json:"content_base64"`
	} `json:"documents"`
	Memo *struct {
		MessageUUID   string `json:"message_uuid"`
		Version       string `json:"version"`
		Bytes         int    `json:"bytes"`
		SHA256        string `json:"sha256"`
		ContentBase64 string `json:"content_base64"`
	} `json:"memo"`
}

// receiver is a webhook endpoint on loopback that verifies every request, decodes it, and answers
// with the status and body it is set to.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	got    []receivedLetter
	header []http.Header
	status int
	answer string
	retry  string
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t, status: 200}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("receiver: %v", err)
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("receiver: %s with Content-Type %q, want a JSON POST", r.Method, r.Header.Get("Content-Type"))
		}
		if err := Verify(testSecret, r.Header, b, t0, time.Minute); err != nil {
			t.Errorf("receiver: %v", err)
		}
		var l receivedLetter
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Errorf("receiver: decode: %v", err)
		}
		rc.mu.Lock()
		rc.got = append(rc.got, l)
		rc.header = append(rc.header, r.Header.Clone())
		status, answer, retry := rc.status, rc.answer, rc.retry
		rc.mu.Unlock()
		if retry != "" {
			w.Header().Set("Retry-After", retry)
		}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) answerWith(status int, answer, retry string) {
	rc.mu.Lock()
	rc.status, rc.answer, rc.retry = status, answer, retry
	rc.mu.Unlock()
}

func (rc *receiver) webhook() *Webhook {
	return &Webhook{URL: rc.srv.URL + "/letters", Secret: testSecret, Client: rc.srv.Client(), Now: func() time.Time { return t0 }}
}

func decode64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("content_base64: %v", err)
	}
	return b
}

func TestWebhookDeliver(t *testing.T) {
	rc := newReceiver(t)
	pdfData := samplePDF(t)
	xml := []byte("<?xml version=\"1.0\"?>\n<memo:Message>æøå</memo:Message>\n")
	const uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
	l := printLetter("01JD3YQ2Z8", pdfData)
	l.TemplateVersion, l.Title, l.Language, l.Created = "1a2b3c", "Afgørelse om boligstøtte", "da", t0.Add(-time.Hour)
	l.Message = testMessage(uuid, xml)

	rc.answerWith(200, `{"id":"kivra-4711","status":"accepted"}`, "")
	r, err := rc.webhook().Deliver(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	want := &Receipt{Channel: "webhook", Reference: "kivra-4711", Status: "200", MessageUUID: uuid, DeliveredAt: t0}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("receipt (-want +got):\n%s", diff)
	}
	if len(rc.got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(rc.got))
	}
	got, h := rc.got[0], rc.header[0]
	if got.Event != "letter" || got.Letter.ID != l.ID || got.Letter.Tenant != l.Tenant || got.Letter.Template != l.Template ||
		got.Letter.TemplateVersion != "1a2b3c" || got.Letter.Title != l.Title || got.Letter.Language != "da" || !got.Letter.Created.Equal(l.Created) {
		t.Errorf("letter fields %+v do not match the letter", got.Letter)
	}
	if got.Recipient.ID != jens.ID {
		t.Errorf("recipient id %q, want the CPR number", got.Recipient.ID)
	}
	if len(got.Documents) != 2 {
		t.Fatalf("%d documents, want 2", len(got.Documents))
	}
	for i, d := range got.Documents {
		data := decode64(t, d.ContentBase64)
		if !bytes.Equal(data, l.Documents[i].Data) {
			t.Errorf("documents[%d] (%s): content differs from the letter's", i, d.Format)
		}
		wantName := l.ID + "." + l.Documents[i].Format
		if d.Format != l.Documents[i].Format || d.Filename != wantName || d.Bytes != len(data) || d.SHA256 != sha(data) {
			t.Errorf("documents[%d] = %s %s %d bytes %s; want %s %s %d bytes %s", i, d.Format, d.Filename, d.Bytes, d.SHA256, l.Documents[i].Format, wantName, len(data), sha(data))
		}
	}
	if got.Documents[0].MIMEType != "application/pdf" || !strings.Contains(got.Documents[1].MIMEType, "wordprocessingml") {
		t.Errorf("MIME types %q, %q", got.Documents[0].MIMEType, got.Documents[1].MIMEType)
	}
	if m := got.Memo; m == nil || !bytes.Equal(decode64(t, m.ContentBase64), xml) || m.MessageUUID != uuid || m.Version != "1.1" || m.Bytes != len(xml) || m.SHA256 != sha(xml) {
		t.Errorf("memo = %+v; want the message's bytes, uuid, version, size and hash", got.Memo)
	}
	for k, v := range map[string]string{"Idempotency-Key": l.ID, "User-Agent": "postbud"} {
		if h.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, h.Get(k), v)
		}
	}

	// A retry sends the same letter under the same key; without an answer id the reference is the
	// status; without a message no memo field is sent.
	rc.answerWith(202, "", "")
	l.Message = nil
	r, err = rc.webhook().Deliver(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	want = &Receipt{Channel: "webhook", Reference: "HTTP 202", Status: "202", DeliveredAt: t0}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("receipt (-want +got):\n%s", diff)
	}
	if rc.got[1].Memo != nil || rc.header[1].Get("Idempotency-Key") != l.ID {
		t.Errorf("retry: memo %+v, Idempotency-Key %q", rc.got[1].Memo, rc.header[1].Get("Idempotency-Key"))
	}
}

func TestWebhookAnswers(t *testing.T) {
	rc := newReceiver(t)
	tests := []struct {
		name      string
		status    int
		answer    string
		retry     string
		check     func(error) bool
		permanent bool
	}{
		{"500 transient", 500, "", "", func(err error) bool {
			var th *ThrottledError
			var h *HaltError
			return !errors.As(err, &th) && !errors.As(err, &h) && strings.Contains(err.Error(), "HTTP 500")
		}, false},
		{"503 throttled", 503, "", "7", func(err error) bool {
			var th *ThrottledError
			return errors.As(err, &th) && cmp.Equal(th, &ThrottledError{Channel: "webhook", HTTPStatus: 503, RetryAfter: 7 * time.Second})
		}, false},
		{"400 rejected", 400, `{"code":"NO_MAILBOX","message":"the recipient has no mailbox"}`, "", func(err error) bool {
			var re *RejectedError
			return errors.As(err, &re) && cmp.Equal(re, &RejectedError{Channel: "webhook", HTTPStatus: 400, Code: "NO_MAILBOX", Message: "the recipient has no mailbox"})
		}, true},
		{"401 halt", 401, "", "", func(err error) bool {
			var h *HaltError
			return errors.As(err, &h) && h.Channel == "webhook" && strings.Contains(err.Error(), "secret")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc.answerWith(tt.status, tt.answer, tt.retry)
			r, err := rc.webhook().Deliver(context.Background(), printLetter("l1", []byte("%PDF-1.7")))
			if err == nil {
				t.Fatalf("Deliver succeeded: %+v", r)
			}
			if !tt.check(err) || IsPermanent(err) != tt.permanent {
				t.Errorf("error %v (%T, permanent %v): not as expected", err, errors.Unwrap(err), IsPermanent(err))
			}
			if strings.Contains(err.Error(), jens.ID) || strings.Contains(err.Error(), "/letters") {
				t.Errorf("error %q holds the recipient's id or the URL's path", err)
			}
		})
	}
}

func TestWebhookConfig(t *testing.T) {
	tests := []struct {
		name string
		w    Webhook
		want string // "" = accepted (the loopback server answers)
	}{
		{"no secret", Webhook{URL: "https://example.org/hook"}, "Webhook.Secret is empty"},
		{"no URL", Webhook{Secret: testSecret}, "Webhook.URL is empty"},
		{"http to a public host", Webhook{URL: "http://example.org/hook", Secret: testSecret}, "letters go only over https://"},
		{"other scheme", Webhook{URL: "ftp://example.org/hook", Secret: testSecret}, `scheme "ftp"`},
		{"no host", Webhook{URL: "https:///hook", Secret: testSecret}, "has no host"},
		{"user info", Webhook{URL: "https://user:pw@example.org/hook", Secret: testSecret}, "user name or password"},
		{"not a URL", Webhook{URL: "https://exa mple.org/%zz", Secret: testSecret}, "not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.w.Deliver(context.Background(), printLetter("l1", []byte("%PDF-1.7")))
			var h *HaltError
			if !errors.As(err, &h) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "pw") {
				t.Errorf("error = %v, want a *HaltError saying %q", err, tt.want)
			}
		})
	}
	// http:// is fine for loopback hosts, by name or address.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	for _, u := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		if _, err := (&Webhook{URL: u, Secret: testSecret}).Deliver(context.Background(), printLetter("l1", []byte("%PDF-1.7"))); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestWebhookRejectsLetters(t *testing.T) {
	rc := newReceiver(t)
	damaged := testMessage(crashUUID, []byte("<memo/>"))
	damaged.Size = 3
	unreadable := testMessage(crashUUID, nil)
	unreadable.Open = func(context.Context) (io.ReadCloser, error) { return nil, errors.New("blob store down") }
	tests := []struct {
		name      string
		mod       func(l *Letter)
		want      string
		permanent bool
	}{
		{"no documents", func(l *Letter) { l.Documents = nil }, "has no documents", true},
		{"bad id", func(l *Letter) { l.ID = "a b" }, "holds ' '", true},
		{"bad uuid", func(l *Letter) { l.Message = testMessage("x", []byte("<memo/>")) }, "is not a UUID", true},
		{"damaged memo", func(l *Letter) { l.Message = damaged }, "does not match its seal", true},
		{"unreadable memo", func(l *Letter) { l.Message = unreadable }, "blob store down", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := printLetter("l1", []byte("%PDF-1.7"))
			tt.mod(l)
			_, err := rc.webhook().Deliver(context.Background(), l)
			if err == nil || IsPermanent(err) != tt.permanent || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v (permanent %v); want one saying %q, permanent %v", err, IsPermanent(err), tt.want, tt.permanent)
			}
		})
	}
	if len(rc.got) != 0 {
		t.Errorf("the receiver got %d letters that should not have been sent", len(rc.got))
	}
}

func BenchmarkWebhookDeliver(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := Verify(testSecret, r.Header, body, time.Now(), 0); err != nil {
			http.Error(w, err.Error(), 401)
			return
		}
		fmt.Fprintf(w, `{"id":%q}`, r.Header.Get("Idempotency-Key"))
	}))
	defer srv.Close()
	wh := &Webhook{URL: srv.URL, Secret: testSecret, Client: srv.Client()}
	l := printLetter("x", samplePDF(b))
	i := 0
	for b.Loop() {
		i++
		l.ID = fmt.Sprint("l", i)
		if _, err := wh.Deliver(context.Background(), l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}
