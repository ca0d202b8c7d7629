package ngdp_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/ngdp"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
)

const (
	testSystemID = "0b6c1f3e-6a52-4a0b-9d8e-0e7f1c2d3a4b"
	testSecret   = "s3cret-key"
)

// memoXML is a MeMo 1.1 message written from MeMo_Minimum_Example.xml, with messageUUID,
// messageID, label and the main document's content filled in.
func memoXML(uuid, messageID, label string, content []byte) []byte {
	return []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.1" memoSchVersion="1.1.0">
	<memo:MessageHeader>
		<memo:messageType>DIGITALPOST</memo:messageType>
		<memo:messageUUID>%s</memo:messageUUID>
		<memo:messageID>%s</memo:messageID>
		<memo:label>%s</memo:label>
		<memo:mandatory>false</memo:mandatory>
		<memo:legalNotification>false</memo:legalNotification>
		<memo:Sender>
			<memo:senderID>12345678</memo:senderID>
			<memo:idType>CVR</memo:idType>
			<memo:label>Kommunen</memo:label>
		</memo:Sender>
		<memo:Recipient>
			<memo:recipientID>2211771212</memo:recipientID>
			<memo:idType>CPR</memo:idType>
		</memo:Recipient>
	</memo:MessageHeader>
	<memo:MessageBody>
		<memo:createdDateTime>2018-05-03T12:00:00Z</memo:createdDateTime>
		<memo:MainDocument>
			<memo:File>
				<memo:encodingFormat>application/pdf</memo:encodingFormat>
				<memo:filename>Pladsanvisning.pdf</memo:filename>
				<memo:language>da</memo:language>
				<memo:content>%s</memo:content>
			</memo:File>
		</memo:MainDocument>
	</memo:MessageBody>
</memo:Message>
`, uuid, messageID, label, base64.StdEncoding.EncodeToString(content)))
}

// newUUID returns a fresh version 4 UUID in lower case.
func newUUID(t testing.TB) string {
	t.Helper()
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// message wraps xml as a delivery.Message under uuid (which need not be the XML's).
func message(uuid string, xml []byte) *delivery.Message {
	sum := sha256.Sum256(xml)
	return &delivery.Message{
		UUID:    uuid,
		Version: "1.1",
		Size:    int64(len(xml)),
		SHA256:  hex.EncodeToString(sum[:]),
		Open: func(context.Context) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(xml)), nil
		},
	}
}

// newLetter returns a letter with a fresh MeMo message whose messageID is the letter's id.
func newLetter(t testing.TB, id string) *delivery.Letter {
	t.Helper()
	uuid := newUUID(t)
	return &delivery.Letter{
		ID:        id,
		Tenant:    "kommune",
		Template:  "pladsanvisning",
		Title:     "Pladsanvisning",
		Language:  "da",
		Recipient: delivery.Recipient{ID: "2211771212", Name: "Test Testesen"},
		Message:   message(uuid, memoXML(uuid, id, "Pladsanvisning", []byte("This is a test"))),
		Created:   time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC),
	}
}

// env is a stand-in and a Channel configured for it.
type env struct {
	ca  *ngdptest.CA
	srv *ngdptest.Server
	ch  *ngdp.Channel
	cfg ngdp.Config
}

// start runs a stand-in with o (its credentials filled in when empty) and a Channel whose
// configuration edit may change.
func start(t testing.TB, o ngdptest.Options, edit func(*ngdp.Config)) *env {
	t.Helper()
	ca, err := ngdptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	if o.SystemID == "" {
		o.SystemID, o.Secret = testSystemID, testSecret
	}
	srv, err := ngdptest.Start(ca, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cert, err := ca.ClientCertificate("postbud-test")
	if err != nil {
		t.Fatal(err)
	}
	cfg := ngdp.Config{
		URL:         srv.URL(),
		Certificate: cert,
		RootCAs:     ca.Pool(),
		SystemID:    testSystemID,
		Secret:      testSecret,
		Timeout:     20 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	ch, err := ngdp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{ca: ca, srv: srv, ch: ch, cfg: cfg}
}

// acceptedUUIDs counts the stand-in's accepted messages per lower-case UUID.
func acceptedUUIDs(srv *ngdptest.Server) map[string]int {
	m := map[string]int{}
	for _, a := range srv.Accepted() {
		m[strings.ToLower(a.UUID)]++
	}
	return m
}

// always returns a Fault function that answers f for every request.
func always(f ngdptest.Fault) func(int, string) ngdptest.Fault {
	return func(int, string) ngdptest.Fault { return f }
}
