package delivery_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render/pdf"
)

var exampleTime = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func ExampleOutbox() {
	dir, _ := os.MkdirTemp("", "outbox")
	defer os.RemoveAll(dir)
	o := &delivery.Outbox{Dir: dir, Now: func() time.Time { return exampleTime }}
	l := &delivery.Letter{
		ID: "01JD3YQ2Z8", Tenant: "kommune-a", Template: "boligstoette-afgoerelse",
		Recipient: delivery.Recipient{ID: "0101701234", Name: "Jens Hansen"},
		Documents: []delivery.Document{{Format: "pdf", Data: []byte("%PDF-1.7 ...")}},
	}
	r1, _ := o.Deliver(context.Background(), l)
	r2, _ := o.Deliver(context.Background(), l) // a retried task: no second delivery
	fmt.Println(r1.Channel, r1.Reference, r1.Status, r1.DeliveredAt.Format(time.DateTime), *r1 == *r2)
	_, err := os.Stat(filepath.Join(dir, r1.Reference, "letter.pdf"))
	fmt.Println("letter.pdf written:", err == nil)
	fmt.Println(l.Recipient) // personal data never prints
	// Output:
	// outbox kommune-a/01JD3YQ2Z8 WRITTEN 2026-03-01 09:30:00 true
	// letter.pdf written: true
	// recipient(id#8837bd)
}

// A receiver checks each request with Verify before it trusts the body.
func ExampleVerify() {
	secret := []byte("shared with postbud")
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
		if err != nil {
			http.Error(w, "read failed", http.StatusBadRequest)
			return
		}
		if err := delivery.Verify(secret, r.Header, body, exampleTime, 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var letter struct {
			Letter struct{ ID string } `json:"letter"`
		}
		json.Unmarshal(body, &letter)
		// Store the letter under r.Header.Get("Idempotency-Key"), once, then answer its id.
		fmt.Fprintf(w, `{"id":"in-%s"}`, letter.Letter.ID)
	}))
	defer receiver.Close()

	w := &delivery.Webhook{URL: receiver.URL, Secret: secret, Now: func() time.Time { return exampleTime }}
	l := &delivery.Letter{ID: "01JD3YQ2Z8", Tenant: "kommune-a", Template: "boligstoette-afgoerelse",
		Documents: []delivery.Document{{Format: "pdf", Data: []byte("%PDF-1.7 ...")}}}
	r, err := w.Deliver(context.Background(), l)
	fmt.Println(r.Channel, r.Reference, r.Status, err)

	wrong := &delivery.Webhook{URL: receiver.URL, Secret: []byte("not the shared secret"), Now: w.Now}
	_, err = wrong.Deliver(context.Background(), l)
	var halt *delivery.HaltError
	fmt.Println("halt the channel:", errors.As(err, &halt))
	// Output:
	// webhook in-01JD3YQ2Z8 200 <nil>
	// halt the channel: true
}

func ExamplePrint() {
	dir, _ := os.MkdirTemp("", "print")
	defer os.RemoveAll(dir)
	letterPDF, err := pdf.Render(testdoc.Reference())
	if err != nil {
		fmt.Println(err)
		return
	}
	p := &delivery.Print{Dir: dir, Envelope: "C5", Duplex: true, Now: func() time.Time { return exampleTime }}
	l := &delivery.Letter{ID: "01JD3YQ2Z8", Tenant: "kommune-a", Template: "boligstoette-afgoerelse",
		Documents: []delivery.Document{{Format: "pdf", Data: letterPDF}}}
	r, err := p.Deliver(context.Background(), l)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Channel, r.Reference, r.Status)
	manifest, _ := os.ReadFile(filepath.Join(dir, "2026-03-01", "manifest.csv"))
	lines := strings.Split(strings.TrimSuffix(string(manifest), "\n"), "\n")
	fmt.Println(lines[0])
	fmt.Println(lines[1][:strings.LastIndex(lines[1], ",")], "(then the PDF's SHA-256)")
	fmt.Println("receipt carries the line:", r.Manifest == lines[1])
	// Output:
	// print 2026-03-01/kommune-a/01JD3YQ2Z8.pdf PRINT_QUEUED
	// letter_id,tenant,file,pages,sheets,envelope,duplex,postage_class,sha256
	// 01JD3YQ2Z8,kommune-a,kommune-a/01JD3YQ2Z8.pdf,2,1,C5,true,B (then the PDF's SHA-256)
	// receipt carries the line: true
}

func ExampleLoadRegistry() {
	dir, _ := os.MkdirTemp("", "registry")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "registry.json")
	os.WriteFile(path, []byte(`{"default": "REGISTERED", "contacts": {"0101901234": "EXEMPT"}}`), 0o640)
	reg, err := delivery.LoadRegistry(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range []string{"0101901234", "0202802345"} {
		s, _ := reg.Contact(context.Background(), id)
		fmt.Println(s, s.Digital())
	}
	// Output:
	// EXEMPT false
	// REGISTERED true
}
