package worker

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/delivery/ngdp"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
	"github.com/postbud/postbud/internal/testenv"
)

// exemptRecipient is exempt from digital post in the stand-in's register.
var exemptRecipient = delivery.Recipient{ID: "0202024321", Name: "Ib Olsen", Address: []string{"Vestergade 1", "8000 Aarhus C"}}

// aarhus is a Digital Post sender (the CVR passes modulus 11).
var aarhus = memo.Sender{ID: "55133018", Label: "Aarhus Kommune"}

// dpEnv is a worker set-up delivering to a Digital Post stand-in over mutual TLS.
type dpEnv struct {
	*env
	standin *ngdptest.Server
	ca      *ngdptest.CA
	dir     string // where the stand-in keeps what it accepted
	print   *delivery.Print
}

func newDPEnv(t testing.TB, fault func(n int, uuid string) ngdptest.Fault) *dpEnv {
	t.Helper()
	e := newEnv(t)
	ca, err := ngdptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := ngdptest.Start(ca, ngdptest.Options{
		SystemID: "postbud-test", Secret: "test-secret-0123456789", Dir: dir, Fault: fault,
		SlowDelay: 2 * time.Second,
		Contacts: map[string]delivery.ContactStatus{testRecipient.ID: delivery.Registered, exemptRecipient.ID: delivery.Exempt,
			"0303034444": delivery.Registered, "12345674": delivery.Registered},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	pr := &delivery.Print{Dir: filepath.Join(t.TempDir(), "print"), NoSync: true}
	e.opts.Channels[delivery.PrintChannel] = pr
	e.opts.Tenants = map[string]Tenant{"aarhus": {Delivery: "ngdp", Sender: aarhus, MemoDOCX: true}}
	e.opts.BackoffBase, e.opts.BackoffMax = 20*time.Millisecond, 200*time.Millisecond
	e.opts.HaltFor = 300 * time.Millisecond
	d := &dpEnv{env: e, standin: s, ca: ca, dir: dir, print: pr}
	d.setTimeout(t, time.Second)
	return d
}

// setTimeout makes the NgDP channel (and registry) anew with timeout on each request, and gives
// the worker's channel calls the same bound.
func (d *dpEnv) setTimeout(t testing.TB, timeout time.Duration) {
	t.Helper()
	cert, err := d.ca.ClientCertificate("postbud")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := ngdp.New(ngdp.Config{URL: d.standin.URL(), Certificate: cert, RootCAs: d.ca.Pool(),
		SystemID: "postbud-test", Secret: "test-secret-0123456789", Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	d.opts.Channels["ngdp"] = ch
	d.opts.Registry = ch
	d.opts.ChannelTimeout = timeout
}

// accepted reads the MeMo message the stand-in accepted under uuid.
func (d *dpEnv) accepted(t *testing.T, uuid string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(d.dir, uuid+".xml"))
	if err != nil {
		t.Fatalf("the stand-in kept no %s.xml: %v", uuid, err)
	}
	return b
}

// memoFiles decodes a MeMo message's files: document element name → file contents in order.
type memoDoc struct {
	Main       memoDocument   `xml:"MessageBody>MainDocument"`
	Additional []memoDocument `xml:"MessageBody>AdditionalDocument"`
	Version    string         `xml:"memoVersion,attr"`
	UUID       string         `xml:"MessageHeader>messageUUID"`
	Label      string         `xml:"MessageHeader>label"`
	Recipient  struct {
		ID    string `xml:"recipientID"`
		Label string `xml:"label"`
	} `xml:"MessageHeader>Recipient"`
}

type memoDocument struct {
	Files []struct {
		Filename string `xml:"filename"`
		Mime     string `xml:"encodingFormat"`
		Content  string `xml:"content"`
	} `xml:"File"`
}

func decodeMemo(t *testing.T, b []byte) memoDoc {
	t.Helper()
	var m memoDoc
	if err := xml.Unmarshal(b, &m); err != nil {
		t.Fatalf("MeMo message is not XML: %v", err)
	}
	return m
}

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		t.Fatalf("content is not base64: %v", err)
	}
	return b
}

// TestDigitalPostSamples delivers every sample through the NgDP channel and checks what Digital
// Post received: one schema-valid MeMo message per letter (1.1, or 1.2 where the template asks),
// under the UUID stored on the letter, whose main document is exactly the stored PDF.
func TestDigitalPostSamples(t *testing.T) {
	d := newDPEnv(t, nil)
	c := d.client(t)
	d.run(t, d.opts, 4)
	ctx := context.Background()
	for _, name := range sampleNames {
		l, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: name, Data: sample(t, name), Recipient: testRecipient})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !validUUID(l.MessageUUID) {
			t.Fatalf("%s: the letter has no messageUUID before its first attempt: %q", name, l.MessageUUID)
		}
		l = waitFinal(t, c, "aarhus", l.ID, 30*time.Second)
		if l.Status != StatusDelivered {
			t.Fatalf("%s: %s: %s", name, l.Status, l.LastError)
		}
		if l.Route == nil || l.Route.Channel != "ngdp" || l.Route.Contact != delivery.Registered {
			t.Errorf("%s: route %+v, want ngdp because REGISTERED", name, l.Route)
		}
		r := l.Receipt
		if r.Channel != "ngdp" || r.MessageUUID != l.MessageUUID || r.Status != "RECEIVED" || r.Reference == "" {
			t.Errorf("%s: receipt %+v", name, r)
		}
		body := d.accepted(t, l.MessageUUID)
		m := decodeMemo(t, body)
		if m.Version == memo.V11 {
			testenv.ValidateMemo(t, body)
		} else if m.Version != memo.V12 || name != "uitnodiging-afspraak" {
			t.Errorf("%s: memoVersion %q", name, m.Version)
		}
		pdf, err := d.opts.Documents.Get(ctx, "aarhus", l.ID, "pdf")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Main.Files) != 1 || !bytes.Equal(b64(t, m.Main.Files[0].Content), pdf) {
			t.Errorf("%s: MainDocument is not the stored PDF", name)
		}
		docx, _ := d.opts.Documents.Get(ctx, "aarhus", l.ID, "docx")
		if len(m.Additional) != 1 || !bytes.Equal(b64(t, m.Additional[0].Files[0].Content), docx) {
			t.Errorf("%s: AdditionalDocument is not the stored DOCX", name)
		}
		if m.Recipient.ID != testRecipient.ID || m.Recipient.Label != testRecipient.Name || m.UUID != l.MessageUUID {
			t.Errorf("%s: header recipient/uuid wrong", name)
		}
	}
	if n := len(d.standin.Accepted()); n != len(sampleNames) {
		t.Errorf("stand-in accepted %d messages, want %d", n, len(sampleNames))
	}
	redisLeaks(t, d.env, testRecipient.ID, testRecipient.Name, "Møller")
}

func validUUID(s string) bool {
	return len(s) == 36 && s[14] == '4' && strings.Count(s, "-") == 4
}

// TestDigitalPostExemptGoesToPrint routes a recipient who is exempt from digital post to print,
// records why, and sends nothing to Digital Post.
func TestDigitalPostExemptGoesToPrint(t *testing.T) {
	testenv.Need(t, "pdfinfo")
	d := newDPEnv(t, nil)
	c := d.client(t)
	d.run(t, d.opts, 2)
	l, _, err := c.Submit(context.Background(), Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse",
		Data: sample(t, "boligstoette-afgoerelse"), Recipient: exemptRecipient})
	if err != nil {
		t.Fatal(err)
	}
	l = waitFinal(t, c, "aarhus", l.ID, 30*time.Second)
	if l.Status != StatusDelivered || l.Receipt.Channel != delivery.PrintChannel {
		t.Fatalf("status %s via %+v: %s", l.Status, l.Receipt, l.LastError)
	}
	if l.Route == nil || l.Route.Channel != delivery.PrintChannel || l.Route.Contact != delivery.Exempt || !strings.Contains(l.Route.Reason, "EXEMPT") {
		t.Errorf("route %+v", l.Route)
	}
	if _, err := os.Stat(filepath.Join(d.print.Dir, l.Receipt.Reference)); err != nil {
		t.Errorf("print file: %v", err)
	}
	if n := len(d.standin.Accepted()); n != 0 {
		t.Errorf("Digital Post got %d messages for an exempt citizen", n)
	}
	// A second letter to the same citizen is routed from the cache, without asking again.
	asked := contactLookups(d.standin)
	l2, _, _ := c.Submit(context.Background(), Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse",
		Data: sample(t, "boligstoette-afgoerelse"), Recipient: exemptRecipient})
	l2 = waitFinal(t, c, "aarhus", l2.ID, 30*time.Second)
	if !l2.Route.Cached || contactLookups(d.standin) != asked {
		t.Errorf("second route %+v, lookups %d → %d: want the cached answer", l2.Route, asked, contactLookups(d.standin))
	}
	keys, _ := d.rdb.Keys(context.Background(), "postbud:contact:*").Result()
	for _, k := range keys {
		if strings.Contains(k, exemptRecipient.ID) {
			t.Errorf("contact cache key holds the CPR number: %s", k)
		}
	}
	if len(keys) == 0 {
		t.Error("no contact cache key")
	}
}

func contactLookups(s *ngdptest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if strings.Contains(r.Path, "contacts") {
			n++
		}
	}
	return n
}

// TestDigitalPostFaults sends 60 letters through an endpoint that fails at random (503, 429,
// dropped connections after reading the body, slow answers beyond the timeout) and rejects one
// letter in ten: every letter ends delivered exactly once or failed with the endpoint's reason,
// and Digital Post never sees two UUIDs for one letter.
func TestDigitalPostFaults(t *testing.T) {
	var mu sync.Mutex
	rnd := rand.New(rand.NewPCG(7, 11))
	invalid := map[string]bool{}
	tried := map[string]bool{}
	d := newDPEnv(t, func(n int, uuid string) ngdptest.Fault {
		mu.Lock()
		defer mu.Unlock()
		if invalid[uuid] {
			return ngdptest.FaultInvalid
		}
		first := !tried[uuid]
		tried[uuid] = true
		switch x := rnd.IntN(100); {
		case x < 10 && first: // the endpoint judges a message the first time it sees it
			invalid[uuid] = true
			return ngdptest.FaultInvalid
		case x < 25:
			return ngdptest.Fault503
		case x < 30:
			return ngdptest.Fault429
		case x < 40:
			return ngdptest.FaultDrop
		case x < 45:
			return ngdptest.FaultSlow
		}
		return ngdptest.FaultNone
	})
	d.opts.MaxRetry = 30
	c := d.client(t)
	d.run(t, d.opts, 8)
	var ids []string
	for i := range 60 {
		l, _, err := c.Submit(context.Background(), Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse",
			Data: sample(t, "boligstoette-afgoerelse"), Recipient: testRecipient, IdempotencyKey: fmt.Sprint("fault-", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	delivered, failed := 0, 0
	for _, id := range ids {
		l := waitFinal(t, c, "aarhus", id, 90*time.Second)
		mu.Lock()
		bad := invalid[l.MessageUUID]
		mu.Unlock()
		switch {
		case l.Status == StatusDelivered && !bad:
			delivered++
		case l.Status == StatusFailed && bad && strings.Contains(l.LastError, "INVALID"):
			failed++
		default:
			t.Errorf("letter %s: %s (%s), rejected by the endpoint: %v", id, l.Status, l.LastError, bad)
		}
	}
	seen := map[string]int{}
	for _, a := range d.standin.Accepted() {
		seen[a.UUID]++
	}
	for u, n := range seen {
		if n != 1 {
			t.Errorf("UUID %s accepted %d times", u, n)
		}
	}
	for mid, uuids := range d.standin.UUIDsByMessageID() {
		if len(uuids) != 1 {
			t.Errorf("letter %s reached Digital Post under %d UUIDs: %v", mid, len(uuids), uuids)
		}
	}
	if delivered != len(seen) {
		t.Errorf("%d letters delivered, %d messages accepted", delivered, len(seen))
	}
	t.Logf("%d delivered, %d rejected by the endpoint, %d duplicates deduplicated", delivered, failed, d.standin.Duplicates())
}

// TestDigitalPostHalt: the endpoint refuses the credentials (401) for a while. The channel halts
// instead of failing letters; once the credentials work again every letter is delivered, none
// having used up its retries.
func TestDigitalPostHalt(t *testing.T) {
	var mu sync.Mutex
	refuse := true
	d := newDPEnv(t, func(n int, uuid string) ngdptest.Fault {
		mu.Lock()
		defer mu.Unlock()
		if refuse {
			return ngdptest.Fault401
		}
		return ngdptest.FaultNone
	})
	d.opts.MaxRetry = 1
	c := d.client(t)
	d.run(t, d.opts, 4)
	var ids []string
	for i := range 5 {
		l, _, err := c.Submit(context.Background(), Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse",
			Data: sample(t, "boligstoette-afgoerelse"), Recipient: testRecipient, IdempotencyKey: fmt.Sprint("halt-", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		l, _ := c.Letter(context.Background(), "aarhus", ids[0])
		if strings.HasPrefix(l.LastError, "waiting: ") && (strings.Contains(l.LastError, "halted") || strings.Contains(l.LastError, "401")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("letter never waited on the halted channel: %s %q", l.Status, l.LastError)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Second) // several halt periods pass: MaxRetry 1 would fail the letters if they counted
	mu.Lock()
	refuse = false
	mu.Unlock()
	for _, id := range ids {
		if l := waitFinal(t, c, "aarhus", id, 30*time.Second); l.Status != StatusDelivered {
			t.Errorf("letter %s: %s: %s", id, l.Status, l.LastError)
		}
	}
}

// TestSubmitDigitalPostRules: what Digital Post would reject is refused at submission, naming
// the field, and nothing is queued; XML specials and emoji are fine and arrive exactly.
func TestSubmitDigitalPostRules(t *testing.T) {
	d := newDPEnv(t, nil)
	c := d.client(t)
	data := sample(t, "boligstoette-afgoerelse")
	var v map[string]any
	json.Unmarshal(data, &v)
	v["subject"] = strings.Repeat("x", 300)
	long, _ := json.Marshal(v)
	pdf := []byte("%PDF-1.7 attachment")
	tests := []struct {
		name string
		sub  Submission
		path string
	}{
		{"9-digit CPR", Submission{Recipient: delivery.Recipient{ID: "123456789", Name: "A"}}, "/recipient/id"},
		{"CVR failing modulus 11", Submission{Recipient: delivery.Recipient{ID: "12345678", Name: "A"}}, "/recipient/id"},
		{"no recipient id", Submission{Recipient: delivery.Recipient{Name: "A"}}, "/recipient/id"},
		{"label of 300 characters", Submission{Data: long}, "/data/subject"},
		{"name with a control character", Submission{Recipient: delivery.Recipient{ID: testRecipient.ID, Name: "Ib\bOlsen"}}, "/recipient/name"},
		{"filename with a colon", Submission{Attachments: []Attachment{{Filename: "bilag:1.pdf", MimeType: "application/pdf", Content: pdf}}}, "/attachments/0/filename"},
		{"filename with a no-break space", Submission{Attachments: []Attachment{{Filename: "ok.pdf", MimeType: "application/pdf", Content: pdf}, {Filename: "bilag\u00a02.pdf", MimeType: "application/pdf", Content: pdf}}}, "/attachments/1/filename"},
	}
	before := taskCount(t, d.opts)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.sub
			s.Tenant, s.Template = "aarhus", "boligstoette-afgoerelse"
			if s.Data == nil {
				s.Data = data
			}
			if s.Recipient.ID == "" && s.Recipient.Name == "" {
				s.Recipient = testRecipient
			}
			_, _, err := c.Submit(context.Background(), s)
			var se *SubmissionError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SubmissionError", err)
			}
			var paths []string
			for _, p := range se.Problems {
				paths = append(paths, p.Path)
				for _, secret := range []string{testRecipient.ID, "bilag", "xxxxxxxxxx"} {
					if strings.Contains(p.Message, secret) {
						t.Errorf("problem message quotes the value: %q", p.Message)
					}
				}
			}
			if !containsString(paths, tt.path) {
				t.Errorf("problems %+v, want one at %s", se.Problems, tt.path)
			}
		})
	}
	if n := taskCount(t, d.opts); n != before {
		t.Errorf("%d tasks queued by refused submissions", n-before)
	}

	// XML specials, emoji and a CVR recipient go through and arrive exactly.
	d.run(t, d.opts, 2)
	odd := delivery.Recipient{ID: "12345674", Name: `Ærø & <Søn> "AS" 'x' 😀`, Address: []string{"Havnen 1", "5970 Ærøskøbing"}}
	l, _, err := c.Submit(context.Background(), Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: data, Recipient: odd,
		Attachments: []Attachment{{Filename: "Bilag 1 – oversigt.pdf", MimeType: "application/pdf", Content: pdf}, {Filename: "data.csv", MimeType: "text/csv", Content: []byte("a;b\n1;2\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	l = waitFinal(t, c, "aarhus", l.ID, 30*time.Second)
	if l.Status != StatusDelivered {
		t.Fatalf("%s: %s", l.Status, l.LastError)
	}
	body := d.accepted(t, l.MessageUUID)
	testenv.ValidateMemo(t, body)
	m := decodeMemo(t, body)
	if m.Recipient.Label != odd.Name || m.Recipient.ID != odd.ID {
		t.Errorf("recipient came out as %q", m.Recipient.Label)
	}
	var got []string
	for _, a := range m.Additional[1:] {
		got = append(got, a.Files[0].Filename+"="+string(b64(t, a.Files[0].Content)))
	}
	if diff := cmp.Diff([]string{"Bilag 1 – oversigt.pdf=" + string(pdf), "data.csv=a;b\n1;2\n"}, got); diff != "" {
		t.Errorf("attachments (-want +got):\n%s", diff)
	}
}

// TestCallback: a tenant's callback URL gets a signed POST when a letter is delivered.
func TestCallback(t *testing.T) {
	secret := []byte("callback-secret-0123456789")
	got := make(chan map[string]any, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := delivery.Verify(secret, r.Header, body, time.Now(), time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var v map[string]any
		json.Unmarshal(body, &v)
		got <- v
	}))
	defer srv.Close()
	d := newDPEnv(t, nil)
	tn := d.opts.Tenants["aarhus"]
	tn.CallbackURL, tn.CallbackSecret = srv.URL, secret
	d.opts.Tenants["aarhus"] = tn
	c := d.client(t)
	d.run(t, d.opts, 2)
	l, _, err := c.Submit(context.Background(), Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse",
		Data: sample(t, "boligstoette-afgoerelse"), Recipient: testRecipient})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-got:
		letter, _ := v["letter"].(map[string]any)
		if v["event"] != "letter.delivered" || letter["id"] != l.ID || letter["message_uuid"] != l.MessageUUID {
			t.Errorf("callback %v", v)
		}
		js, _ := json.Marshal(v)
		if bytes.Contains(js, []byte(testRecipient.ID)) || bytes.Contains(js, []byte("Møller")) {
			t.Errorf("callback carries personal data: %s", js)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no callback")
	}
}

// TestDigitalPostBulk: with Bulk 10, Digital Post letters go in tar + LZMA requests of up to 10
// messages; the exempt citizen's letter still goes to print; every letter is delivered once.
func TestDigitalPostBulk(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	d := newDPEnv(t, func(n int, uuid string) ngdptest.Fault {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 2 {
			return ngdptest.FaultDrop // one bulk request is lost after NgDP took it: the retry is deduplicated
		}
		return ngdptest.FaultNone
	})
	d.opts.Bulk, d.opts.BulkDelay = 10, 2*time.Second
	// Compressing ten messages with LZMA takes seconds under -race on a busy machine: the 1 s
	// timeout of the other tests would fail every bulk request on time alone. Both bounds are
	// raised: the worker's on the call and the NgDP client's own on each request (raising only
	// the first left bulk requests failing at the client's 1 s).
	d.setTimeout(t, 20*time.Second)
	c := d.client(t)
	d.run(t, d.opts, 4)
	var ids []string
	for i := range 25 {
		r := testRecipient
		if i == 7 {
			r = exemptRecipient
		}
		l, _, err := c.Submit(context.Background(), Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse",
			Data: sample(t, "boligstoette-afgoerelse"), Recipient: r, Formats: []string{"pdf"}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	channels := map[string]int{}
	for _, id := range ids {
		l := waitFinal(t, c, "aarhus", id, time.Minute)
		if l.Status != StatusDelivered {
			t.Fatalf("letter %s: %s: %s", id, l.Status, l.LastError)
		}
		channels[l.Receipt.Channel]++
	}
	if diff := cmp.Diff(map[string]int{"ngdp": 24, "print": 1}, channels); diff != "" {
		t.Errorf("channels (-want +got):\n%s", diff)
	}
	bulk, single := 0, 0
	for _, r := range d.standin.Requests() {
		if r.Method == http.MethodPost {
			if r.UUID == "" {
				bulk++
			} else {
				single++
			}
		}
	}
	if bulk < 3 || single != 0 {
		t.Errorf("%d bulk and %d single requests; want at least 3 bulk requests (10 messages at most each) and no single ones", bulk, single)
	}
	seen := map[string]int{}
	for _, a := range d.standin.Accepted() {
		seen[a.UUID]++
	}
	if len(seen) != 24 {
		t.Errorf("Digital Post accepted %d messages, want 24", len(seen))
	}
	for u, n := range seen {
		if n != 1 {
			t.Errorf("UUID %s accepted %d times", u, n)
		}
	}
}

// TestSubmitActionURL: an action whose URL comes from the case data must be https://; an
// http:// link is refused at submission, naming the data field it came from.
func TestSubmitActionURL(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(samplesRoot)); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "templates", "betalningspaminnelse", "letter.md")
	src, _ := os.ReadFile(p)
	out := strings.Replace(string(src), `url: 'https://malmo.se/betala?faktura={{ urlquery .invoice.number }}&ocr={{ urlquery .payment.ocr }}'`, `url: '{{ .recipient.city }}'`, 1)
	if out == string(src) {
		t.Fatal("the sample's action URL line changed; update this test")
	}
	os.WriteFile(p, []byte(out), 0o644)
	d := newDPEnv(t, nil)
	d.opts.Templates = &DirTemplates{Root: root}
	c := d.client(t)
	var v map[string]any
	json.Unmarshal(sample(t, "betalningspaminnelse"), &v)
	for _, tt := range []struct {
		city string
		want string // "" means accepted
	}{
		{"http://malmo.se/betala", "/data/recipient/city"},
		{"javascript:alert(1)", "/data/recipient/city"},
		{"https://malmo.se/betala", ""},
	} {
		v["recipient"].(map[string]any)["city"] = tt.city
		data, _ := json.Marshal(v)
		_, _, err := c.Submit(context.Background(), Submission{Tenant: "aarhus", Template: "betalningspaminnelse", Data: data, Recipient: testRecipient})
		var se *SubmissionError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.city, err)
		case tt.want != "" && !errors.As(err, &se):
			t.Errorf("%s: err %v, want a *SubmissionError", tt.city, err)
		case tt.want != "" && (len(se.Problems) != 1 || se.Problems[0].Path != tt.want || !strings.Contains(se.Problems[0].Message, "actions[0].url")):
			t.Errorf("%s: problems %+v, want one at %s naming the memo field", tt.city, se.Problems, tt.want)
		}
	}
}
