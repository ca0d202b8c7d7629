package ngdptest_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ulikunitz/xz/lzma"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/ngdp"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
)

const (
	systemID = "system-id"
	secret   = "key"
	uuid1    = "8c2ea15d-61fb-4ba9-9366-42f8b194c114"
	uuid2    = "3f0f6a8e-2b7c-4d1e-a5f9-0c1b2d3e4f50"
)

// memo is MeMo_Minimum_Example.xml (without its comment) with the given messageUUID.
func memo(uuid string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.1" memoSchVersion="1.1.0">
	<memo:MessageHeader>
		<memo:messageType>DIGITALPOST</memo:messageType>
		<memo:messageUUID>` + uuid + `</memo:messageUUID>
		<memo:messageID>msg-1</memo:messageID>
		<memo:label>Pladsanvisning</memo:label>
		<memo:mandatory>false</memo:mandatory>
		<memo:legalNotification>false</memo:legalNotification>
		<memo:Sender><memo:senderID>12345678</memo:senderID><memo:idType>CVR</memo:idType><memo:label>Kommunen</memo:label></memo:Sender>
		<memo:Recipient><memo:recipientID>2211771212</memo:recipientID><memo:idType>CPR</memo:idType></memo:Recipient>
	</memo:MessageHeader>
	<memo:MessageBody>
		<memo:createdDateTime>2018-05-03T12:00:00Z</memo:createdDateTime>
		<memo:MainDocument>
			<memo:File>
				<memo:encodingFormat>application/pdf</memo:encodingFormat>
				<memo:filename>Pladsanvisning.pdf</memo:filename>
				<memo:language>da</memo:language>
				<memo:content>VGhpcyBpcyBhIHRlc3Q=</memo:content>
			</memo:File>
		</memo:MainDocument>
	</memo:MessageBody>
</memo:Message>
`
}

type stand struct {
	ca     *ngdptest.CA
	srv    *ngdptest.Server
	client *http.Client
}

func startStand(t *testing.T, o ngdptest.Options) *stand {
	t.Helper()
	ca, err := ngdptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	o.SystemID, o.Secret = systemID, secret
	srv, err := ngdptest.Start(ca, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cert, err := ca.ClientCertificate("test")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: ca.Pool()}}
	t.Cleanup(tr.CloseIdleConnections)
	return &stand{ca: ca, srv: srv, client: &http.Client{Transport: tr, Timeout: 20 * time.Second}}
}

// post sends body and returns the status and the answer's errorCode (or receiptStatus).
func (s *stand) post(t *testing.T, query, contentType string, body []byte) (int, string) {
	t.Helper()
	u := s.srv.URL() + "/memos/"
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(systemID, secret)
	req.Header.Set("Content-Type", contentType)
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	var answer struct{ ErrorCode, ReceiptStatus string }
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		t.Fatalf("read the answer (HTTP %d): %v", resp.StatusCode, err)
	}
	return resp.StatusCode, answer.ErrorCode + answer.ReceiptStatus
}

// archive is a tar + LZMA archive of the named files.
func archive(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := lzma.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(zw)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, files[name])
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestChecks sends well-formed and broken requests and compares the stand-in's answers with
// NgDP's rules.
func TestChecks(t *testing.T) {
	good := memo(uuid1)
	tests := []struct {
		name, query, contentType, body string
		wantStatus                     int
		wantCode                       string
	}{
		{"good", "memo-message-uuid=" + uuid1, "application/xml", good, 201, "RECEIVED"},
		{"text/xml with charset", "memo-message-uuid=" + uuid1, "text/xml; charset=utf-8", good, 201, "RECEIVED"},
		{"query UUID in upper case", "memo-message-uuid=" + strings.ToUpper(uuid1), "application/xml", good, 201, "RECEIVED"},
		{"memoVersion 1.2 without memoSchVersion", "memo-message-uuid=" + uuid1, "application/xml",
			strings.Replace(good, `memoVersion="1.1" memoSchVersion="1.1.0"`, `memoVersion="1.2"`, 1), 201, "RECEIVED"},
		{"no query UUID", "", "application/xml", good, 400, "MISSING_MEMO_MESSAGE_UUID"},
		{"query UUID differs", "memo-message-uuid=" + uuid2, "application/xml", good, 400, "UUID_MISMATCH"},
		{"JSON body", "memo-message-uuid=" + uuid1, "application/json", good, 400, "UNSUPPORTED_CONTENT_TYPE"},
		{"no content type", "memo-message-uuid=" + uuid1, "", good, 400, "UNSUPPORTED_CONTENT_TYPE"},
		{"not well-formed", "memo-message-uuid=" + uuid1, "application/xml", strings.Replace(good, "</memo:label>", "</memo:labl>", 1), 400, "MALFORMED_XML"},
		{"text after the root", "memo-message-uuid=" + uuid1, "application/xml", good + "junk", 400, "MALFORMED_XML"},
		{"two roots", "memo-message-uuid=" + uuid1, "application/xml", good + good, 400, "MALFORMED_XML"},
		{"other namespace", "memo-message-uuid=" + uuid1, "application/xml", strings.Replace(good, "https://DigitalPost.dk/MeMo-1", "urn:other", 1), 400, "NOT_MEMO"},
		{"memoVersion 1.0", "memo-message-uuid=" + uuid1, "application/xml", strings.Replace(good, `memoVersion="1.1"`, `memoVersion="1.0"`, 1), 400, "UNSUPPORTED_MEMO_VERSION"},
		{"1.1 without memoSchVersion", "memo-message-uuid=" + uuid1, "application/xml", strings.Replace(good, ` memoSchVersion="1.1.0"`, "", 1), 400, "MISSING_MEMO_SCH_VERSION"},
		{"version 1 UUID", "memo-message-uuid=8c2ea15d-61fb-1ba9-9366-42f8b194c114", "application/xml", memo("8c2ea15d-61fb-1ba9-9366-42f8b194c114"), 400, "INVALID_UUID"},
		{"no label", "memo-message-uuid=" + uuid1, "application/xml", strings.Replace(good, "<memo:label>Pladsanvisning</memo:label>", "", 1), 400, "MISSING_ELEMENT"},
		{"no Recipient", "memo-message-uuid=" + uuid1, "application/xml",
			strings.Replace(good, "<memo:Recipient><memo:recipientID>2211771212</memo:recipientID><memo:idType>CPR</memo:idType></memo:Recipient>", "", 1), 400, "MISSING_ELEMENT"},
		{"no File", "memo-message-uuid=" + uuid1, "application/xml", good[:strings.Index(good, "<memo:File>")] + "</memo:MainDocument></memo:MessageBody></memo:Message>", 400, "MISSING_ELEMENT"},
		{"bulk with a query UUID", "memo-message-uuid=" + uuid1, "application/x-lzma", string(archive(t, map[string]string{uuid1 + ".xml": good})), 400, "UNEXPECTED_MEMO_MESSAGE_UUID"},
		{"bulk not LZMA", "", "application/x-lzma", good, 400, "NOT_LZMA"},
		{"bulk, empty archive", "", "application/x-lzma", string(archive(t, nil)), 400, "EMPTY_ARCHIVE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startStand(t, ngdptest.Options{})
			status, code := s.post(t, tt.query, tt.contentType, []byte(tt.body))
			if status != tt.wantStatus || code != tt.wantCode {
				t.Errorf("answer HTTP %d %s, want HTTP %d %s", status, code, tt.wantStatus, tt.wantCode)
			}
			if n := len(s.srv.Accepted()); (n == 1) != (tt.wantStatus == 201) {
				t.Errorf("Accepted() = %d messages after HTTP %d", n, status)
			}
		})
	}
}

func TestDuplicateUUID(t *testing.T) {
	s := startStand(t, ngdptest.Options{})
	q := "memo-message-uuid=" + uuid1
	if status, code := s.post(t, q, "application/xml", []byte(memo(uuid1))); status != 201 {
		t.Fatalf("first send: HTTP %d %s", status, code)
	}
	if status, code := s.post(t, q, "application/xml", []byte(memo(uuid1))); status != 201 || code != "RECEIVED" {
		t.Errorf("same bytes again: HTTP %d %s, want 201 RECEIVED", status, code)
	}
	changed := strings.Replace(memo(uuid1), "Pladsanvisning</memo:label>", "Other</memo:label>", 1)
	if status, code := s.post(t, q, "application/xml", []byte(changed)); status != 400 || code != "DUPLICATE_UUID" {
		t.Errorf("other bytes, same UUID: HTTP %d %s, want 400 DUPLICATE_UUID", status, code)
	}
	if got := s.srv.Duplicates(); got != 1 {
		t.Errorf("Duplicates() = %d, want 1", got)
	}
	if got := len(s.srv.Accepted()); got != 1 {
		t.Errorf("Accepted() = %d, want 1", got)
	}
}

// TestBulkAllOrNothing: one bad entry fails the request, naming the entry, and nothing of the
// archive is accepted.
func TestBulkAllOrNothing(t *testing.T) {
	s := startStand(t, ngdptest.Options{})
	body := archive(t, map[string]string{
		uuid1 + ".xml": memo(uuid1),
		uuid2 + ".xml": strings.Replace(memo(uuid2), "<memo:label>Pladsanvisning</memo:label>", "", 1),
	})
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL()+"/memos/", bytes.NewReader(body))
	req.SetBasicAuth(systemID, secret)
	req.Header.Set("Content-Type", "application/x-lzma")
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct{ ErrorCode, ErrorMessage string }
	json.NewDecoder(resp.Body).Decode(&e)
	if resp.StatusCode != 400 || e.ErrorCode != "MISSING_ELEMENT" || !strings.Contains(e.ErrorMessage, uuid2+".xml") {
		t.Errorf("answer HTTP %d %+v, want 400 MISSING_ELEMENT naming %s.xml", resp.StatusCode, e, uuid2)
	}
	if n := len(s.srv.Accepted()); n != 0 {
		t.Errorf("Accepted() = %d, want none", n)
	}
}

// TestConcurrentDuplicates: the same message sent from many goroutines at once is stored once.
func TestConcurrentDuplicates(t *testing.T) {
	s := startStand(t, ngdptest.Options{Dir: t.TempDir()})
	const n = 16
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, s.srv.URL()+"/memos/?memo-message-uuid="+uuid1, strings.NewReader(memo(uuid1)))
			req.SetBasicAuth(systemID, secret)
			req.Header.Set("Content-Type", "application/xml")
			resp, err := s.client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if st != 201 {
			t.Errorf("request %d: HTTP %d, want 201", i, st)
		}
	}
	if got := len(s.srv.Accepted()); got != 1 {
		t.Errorf("Accepted() = %d, want 1", got)
	}
	if got := s.srv.Duplicates(); got != n-1 {
		t.Errorf("Duplicates() = %d, want %d", got, n-1)
	}
}

// TestFilesAndDir configures a Channel from the files WriteFiles writes, as `postbud demo` does,
// and checks that Options.Dir receives each accepted message as <uuid>.xml.
func TestFilesAndDir(t *testing.T) {
	ca, err := ngdptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "received")
	srv, err := ngdptest.Start(ca, ngdptest.Options{SystemID: systemID, Secret: secret, Dir: out,
		Contacts: map[string]delivery.ContactStatus{"2211771212": delivery.Registered}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	dir := t.TempDir()
	files, err := ca.WriteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := ngdptest.Files{CA: filepath.Join(dir, "ca.pem"), ClientCert: filepath.Join(dir, "client.pem"), ClientKey: filepath.Join(dir, "client-key.pem")}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
	fi, err := os.Stat(files.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("client key mode %v, want 0600", fi.Mode().Perm())
	}
	cert, roots, err := ngdp.LoadTLS(files.ClientCert, files.ClientKey, files.CA)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := ngdp.New(ngdp.Config{URL: srv.URL(), Certificate: cert, RootCAs: roots, SystemID: systemID, Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := ch.Contact(context.Background(), "2211771212"); err != nil || st != delivery.Registered {
		t.Errorf("Contact = %s, %v; want REGISTERED", st, err)
	}

	var ls []*delivery.Letter
	for _, u := range []string{uuid1, uuid2} {
		xml := []byte(memo(u))
		ls = append(ls, &delivery.Letter{ID: "letter-" + u[:4], Message: &delivery.Message{
			UUID: u, Version: "1.1", Size: int64(len(xml)),
			Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(xml)), nil },
		}})
	}
	if _, err := ch.Deliver(context.Background(), ls[0]); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if _, errs, err := ch.DeliverBulk(context.Background(), ls); err != nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("DeliverBulk: %v %v", err, errs)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{uuid2 + ".xml", uuid1 + ".xml"}, names); diff != "" {
		t.Errorf("files in Dir (-want +got):\n%s", diff)
	}
	for _, u := range []string{uuid1, uuid2} {
		b, err := os.ReadFile(filepath.Join(out, u+".xml"))
		if err != nil || string(b) != memo(u) {
			t.Errorf("%s.xml holds %d bytes (%v), want the message sent", u, len(b), err)
		}
	}

	if _, _, err := ngdp.LoadTLS(files.ClientCert, files.ClientKey, files.ClientKey); err == nil {
		t.Error("LoadTLS with a key as the CA file succeeded, want an error")
	}
	if _, pool, err := ngdp.LoadTLS(files.ClientCert, files.ClientKey, ""); err != nil || pool != nil {
		t.Errorf("LoadTLS without a CA file = %v, %v; want the system roots (nil)", pool, err)
	}
}

func TestStartNeedsCredentials(t *testing.T) {
	ca, err := ngdptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	if s, err := ngdptest.Start(ca, ngdptest.Options{SystemID: "x"}); err == nil {
		s.Close()
		t.Error("Start without a secret succeeded")
	}
	if _, err := ngdptest.Start(nil, ngdptest.Options{SystemID: "x", Secret: "y"}); err == nil {
		t.Error("Start without a CA succeeded")
	}
}
