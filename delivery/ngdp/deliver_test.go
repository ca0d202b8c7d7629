package ngdp_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/ngdp"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
	"github.com/postbud/postbud/internal/testenv"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestDeliverReceived(t *testing.T) {
	e := start(t, ngdptest.Options{}, nil)
	l := newLetter(t, "letter-1")
	before := time.Now().UTC().Add(-time.Second)
	got, err := e.ch.Deliver(context.Background(), l)
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if !uuidRE.MatchString(got.Reference) {
		t.Errorf("Reference = %q, want NgDP's transmissionId (a UUID)", got.Reference)
	}
	if got.DeliveredAt.Before(before) || got.DeliveredAt.Location() != time.UTC {
		t.Errorf("DeliveredAt = %v, want the receipt's timeStamp in UTC", got.DeliveredAt)
	}
	want := &delivery.Receipt{Channel: ngdp.Name, Reference: got.Reference, DeliveredAt: got.DeliveredAt, MessageUUID: l.Message.UUID, Status: "RECEIVED"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("receipt (-want +got):\n%s", diff)
	}
	acc := e.srv.Accepted()
	if len(acc) != 1 {
		t.Fatalf("Accepted() = %d messages, want 1", len(acc))
	}
	wantAcc := ngdptest.Accepted{UUID: l.Message.UUID, MessageID: "letter-1", Bytes: int(l.Message.Size), SHA256: l.Message.SHA256, At: acc[0].At}
	if diff := cmp.Diff(wantAcc, acc[0]); diff != "" {
		t.Errorf("accepted (-want +got):\n%s", diff)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPost || reqs[0].Path != "/apis/v1/memos/" || reqs[0].UUID != l.Message.UUID || reqs[0].Status != http.StatusCreated {
		t.Errorf("Requests() = %+v, want one POST /apis/v1/memos/ with the UUID answered 201", reqs)
	}
}

// TestDeliverAnswers checks how each kind of answer maps onto delivery's errors, and that none of
// the refusals stored the message.
func TestDeliverAnswers(t *testing.T) {
	type check func(t *testing.T, err error)
	rejected := func(want *delivery.RejectedError) check {
		return func(t *testing.T, err error) {
			var got *delivery.RejectedError
			if !errors.As(err, &got) {
				t.Fatalf("error %v (%T), want a *delivery.RejectedError", err, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("RejectedError (-want +got):\n%s", diff)
			}
			if !delivery.IsPermanent(err) {
				t.Errorf("IsPermanent(%v) = false, want true", err)
			}
		}
	}
	halt := func(t *testing.T, err error) {
		var h *delivery.HaltError
		if !errors.As(err, &h) {
			t.Fatalf("error %v (%T), want a *delivery.HaltError", err, err)
		}
		if delivery.IsPermanent(err) {
			t.Errorf("IsPermanent(%v) = true, want false: a halt keeps the letters' retries", err)
		}
	}
	throttled := func(want *delivery.ThrottledError) check {
		return func(t *testing.T, err error) {
			var got *delivery.ThrottledError
			if !errors.As(err, &got) {
				t.Fatalf("error %v (%T), want a *delivery.ThrottledError", err, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ThrottledError (-want +got):\n%s", diff)
			}
		}
	}
	transient := func(t *testing.T, err error) {
		var h *delivery.HaltError
		var th *delivery.ThrottledError
		if delivery.IsPermanent(err) || errors.As(err, &h) || errors.As(err, &th) {
			t.Fatalf("error %v (%T), want a plain transient error", err, err)
		}
		if !strings.Contains(err.Error(), "NgDP may have received the message") || !strings.Contains(err.Error(), "same messageUUID") {
			t.Errorf("error %q does not say NgDP may have the message and the retry sends the same messageUUID", err)
		}
	}
	tests := []struct {
		name   string
		fault  ngdptest.Fault
		cfg    func(*ngdp.Config)
		letter func(*delivery.Letter)
		check  check
	}{
		{name: "INVALID receipt", fault: ngdptest.FaultInvalid, check: rejected(&delivery.RejectedError{
			Channel: ngdp.Name, HTTPStatus: 201, Status: "INVALID", Code: "INVALID_CONTENT", Message: "ngdptest: Options.Fault made this receipt INVALID",
		})},
		{name: "403", fault: ngdptest.Fault403, check: rejected(&delivery.RejectedError{
			Channel: ngdp.Name, HTTPStatus: 403, Code: "NOT_ALLOWED", Message: "the sender may not send this message",
		})},
		{name: "400 query UUID differs from the body's", letter: func(l *delivery.Letter) {
			l.Message.UUID = "2f1d7f0e-9c4b-4d3a-8e2f-1a2b3c4d5e6f"
		}, check: func(t *testing.T, err error) {
			var got *delivery.RejectedError
			if !errors.As(err, &got) || got.HTTPStatus != 400 || got.Code != "UUID_MISMATCH" {
				t.Fatalf("error %v, want a RejectedError HTTP 400 UUID_MISMATCH", err)
			}
		}},
		{name: "401 fault", fault: ngdptest.Fault401, check: halt},
		{name: "wrong Basic auth", cfg: func(c *ngdp.Config) { c.Secret = "wrong" }, check: halt},
		{name: "wrong URL (404)", cfg: func(c *ngdp.Config) { c.URL += "/nowhere" }, check: halt},
		{name: "503", fault: ngdptest.Fault503, check: throttled(&delivery.ThrottledError{Channel: ngdp.Name, HTTPStatus: 503, RetryAfter: time.Second})},
		{name: "429", fault: ngdptest.Fault429, check: throttled(&delivery.ThrottledError{Channel: ngdp.Name, HTTPStatus: 429, RetryAfter: 2 * time.Second})},
		{name: "slow answer, short timeout", fault: ngdptest.FaultSlow, cfg: func(c *ngdp.Config) { c.Timeout = 300 * time.Millisecond }, check: transient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, ngdptest.Options{Fault: always(tt.fault), SlowDelay: time.Minute}, tt.cfg)
			l := newLetter(t, "letter-1")
			if tt.letter != nil {
				tt.letter(l)
			}
			r, err := e.ch.Deliver(context.Background(), l)
			if err == nil {
				t.Fatalf("Deliver = %+v, nil; want an error", r)
			}
			t.Logf("error: %v", err)
			tt.check(t, err)
			if strings.Contains(err.Error(), "2211771212") || strings.Contains(err.Error(), "Testesen") {
				t.Errorf("error %q holds personal data", err)
			}
			if tt.fault != ngdptest.FaultSlow {
				if n := len(e.srv.Accepted()); n != 0 {
					t.Errorf("Accepted() = %d messages, want none", n)
				}
			}
		})
	}
}

// TestDeliverDropThenRetry: the stand-in takes the message and drops the connection; the retry of
// the same letter gets NgDP's original receipt from the deduplication, and the message is stored
// once.
func TestDeliverDropThenRetry(t *testing.T) {
	var drop = true
	e := start(t, ngdptest.Options{Fault: func(n int, _ string) ngdptest.Fault {
		if n == 1 && drop {
			return ngdptest.FaultDrop
		}
		return ngdptest.FaultNone
	}}, nil)
	l := newLetter(t, "letter-1")
	_, err := e.ch.Deliver(context.Background(), l)
	if err == nil {
		t.Fatal("Deliver after a dropped connection succeeded; want a transient error")
	}
	if delivery.IsPermanent(err) || !strings.Contains(err.Error(), "may have received") {
		t.Fatalf("Deliver: %v; want a transient error saying NgDP may have the message", err)
	}
	if got := acceptedUUIDs(e.srv); got[l.Message.UUID] != 1 {
		t.Fatalf("after the drop Accepted() = %v, want the message once (FaultDrop accepts)", got)
	}
	r, err := e.ch.Deliver(context.Background(), l)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if r.Status != "RECEIVED" || r.MessageUUID != l.Message.UUID {
		t.Errorf("retry receipt = %+v, want RECEIVED for %s", r, l.Message.UUID)
	}
	if got := e.srv.Duplicates(); got != 1 {
		t.Errorf("Duplicates() = %d, want 1", got)
	}
	if diff := cmp.Diff(map[string]int{l.Message.UUID: 1}, acceptedUUIDs(e.srv)); diff != "" {
		t.Errorf("accepted UUIDs (-want +got):\n%s", diff)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != 0 || reqs[1].Status != http.StatusCreated {
		t.Errorf("Requests() = %+v, want the dropped one (status 0) and a 201", reqs)
	}
}

// TestDeliverTLS: only a client with a certificate from the stand-in's CA, trusting that CA, gets
// through.
func TestDeliverTLS(t *testing.T) {
	other, err := ngdptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  func(t *testing.T, e *env) ngdp.Config
	}{
		{"no client certificate", func(t *testing.T, e *env) ngdp.Config {
			c := e.cfg
			c.Certificate = tls.Certificate{}
			c.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.ca.Pool(), MinVersion: tls.VersionTLS12}}
			return c
		}},
		{"certificate from another CA", func(t *testing.T, e *env) ngdp.Config {
			cert, err := other.ClientCertificate("intruder")
			if err != nil {
				t.Fatal(err)
			}
			c := e.cfg
			c.Certificate = cert
			return c
		}},
		{"server not trusted", func(t *testing.T, e *env) ngdp.Config {
			c := e.cfg
			c.RootCAs = other.Pool()
			return c
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, ngdptest.Options{}, nil)
			ch, err := ngdp.New(tt.cfg(t, e))
			if err != nil {
				t.Fatal(err)
			}
			r, err := ch.Deliver(context.Background(), newLetter(t, "letter-1"))
			if err == nil {
				t.Fatalf("Deliver = %+v, nil; want a TLS failure", r)
			}
			if delivery.IsPermanent(err) {
				t.Errorf("Deliver: %v is permanent, want transient", err)
			}
			if n := len(e.srv.Accepted()); n != 0 {
				t.Errorf("Accepted() = %d, want none", n)
			}
			if n := len(e.srv.Requests()); n != 0 {
				t.Errorf("Requests() = %d, want none: the handshake must fail", n)
			}
		})
	}
}

// TestDeliverValidate: with the MeMo XSD check as Options.Validate, a schema-valid message is
// received and a schema-invalid one (a label over 256 characters) gets an INVALID receipt.
func TestDeliverValidate(t *testing.T) {
	testenv.Need(t, "xmllint")
	testenv.MemoXSD(t)
	e := start(t, ngdptest.Options{Validate: func(xml []byte) error { return testenv.LintMemo(t, xml) }}, nil)

	good := newLetter(t, "letter-good")
	if _, err := e.ch.Deliver(context.Background(), good); err != nil {
		t.Fatalf("Deliver of a valid message: %v", err)
	}

	bad := newLetter(t, "letter-bad")
	uuid := bad.Message.UUID
	bad.Message = message(uuid, memoXML(uuid, "letter-bad", strings.Repeat("x", 300), []byte("This is a test")))
	_, err := e.ch.Deliver(context.Background(), bad)
	var rej *delivery.RejectedError
	if !errors.As(err, &rej) {
		t.Fatalf("Deliver of a schema-invalid message: %v, want a RejectedError", err)
	}
	if rej.Status != "INVALID" || rej.Code != "SCHEMA" || !strings.Contains(rej.Message, "label") {
		t.Errorf("RejectedError = %+v, want INVALID / SCHEMA naming the label", rej)
	}
	if diff := cmp.Diff(map[string]int{good.Message.UUID: 1}, acceptedUUIDs(e.srv)); diff != "" {
		t.Errorf("accepted UUIDs (-want +got):\n%s", diff)
	}
}

func TestDeliverWithoutMessage(t *testing.T) {
	e := start(t, ngdptest.Options{}, nil)
	l := newLetter(t, "letter-1")
	l.Message = nil
	_, err := e.ch.Deliver(context.Background(), l)
	if err == nil || !delivery.IsPermanent(err) {
		t.Fatalf("Deliver without a Message: %v, want a permanent error", err)
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Errorf("Requests() = %d, want none", n)
	}
}

func TestNew(t *testing.T) {
	ca, err := ngdptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.ClientCertificate("postbud")
	if err != nil {
		t.Fatal(err)
	}
	good := ngdp.Config{URL: "https://api.test.digitalpost.dk/apis/v1/", Certificate: cert, SystemID: "id", Secret: "key"}
	tests := []struct {
		name    string
		edit    func(*ngdp.Config)
		wantErr string // "" for no error
	}{
		{"good", func(*ngdp.Config) {}, ""},
		{"no URL", func(c *ngdp.Config) { c.URL = "" }, "URL is empty"},
		{"http URL", func(c *ngdp.Config) { c.URL = "http://api.test.digitalpost.dk/apis/v1" }, "not an https URL"},
		{"URL with query", func(c *ngdp.Config) { c.URL += "?x=1" }, "query"},
		{"no certificate", func(c *ngdp.Config) { c.Certificate = tls.Certificate{} }, "Certificate is missing"},
		{"no certificate but a transport", func(c *ngdp.Config) {
			c.Certificate = tls.Certificate{}
			c.Transport = http.DefaultTransport
		}, ""},
		{"no system id", func(c *ngdp.Config) { c.SystemID = "" }, "SystemID and Secret"},
		{"no secret", func(c *ngdp.Config) { c.Secret = "" }, "SystemID and Secret"},
		{"negative timeout", func(c *ngdp.Config) { c.Timeout = -time.Second }, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.edit(&c)
			_, err := ngdp.New(c)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New: %v, want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
