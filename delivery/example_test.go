package delivery_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/postbud/postbud/delivery"
)

func ExampleOutbox() {
	dir, _ := os.MkdirTemp("", "outbox")
	defer os.RemoveAll(dir)
	o := &delivery.Outbox{Dir: dir, Now: func() time.Time { return time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC) }}
	l := &delivery.Letter{
		ID: "01JD3YQ2Z8", Tenant: "kommune-a", Template: "boligstoette-afgoerelse",
		Recipient: delivery.Recipient{ID: "0101701234", Name: "Jens Hansen"},
		Documents: []delivery.Document{{Format: "pdf", Data: []byte("%PDF-1.7 ...")}},
	}
	r1, _ := o.Deliver(context.Background(), l)
	r2, _ := o.Deliver(context.Background(), l) // a retried task: no second delivery
	rel, _ := filepath.Rel(dir, r1.Reference)
	fmt.Println(r1.Channel, rel, r1.DeliveredAt.Format(time.DateTime), *r1 == *r2)
	fmt.Println(l.Recipient) // personal data never prints
	// Output:
	// outbox kommune-a/01JD3YQ2Z8 2026-03-01 09:30:00 true
	// recipient(id#8837bd)
}
