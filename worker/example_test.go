package worker_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/hibiken/asynq"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/worker"
)

// An agency system written in Go submits a letter with an idempotency key and checks on it.
// A worker process (worker.NewServer(...).Run) renders and delivers it.
func ExampleClient_Submit() {
	ctx := context.Background()
	key, err := sealed.LoadOrCreateKey("/var/lib/postbud/payload.key")
	if err != nil {
		log.Fatal(err)
	}
	docs, err := docstore.Open(ctx, "file:///var/lib/postbud/documents")
	if err != nil {
		log.Fatal(err)
	}
	c, err := worker.NewClient(worker.Options{
		Redis:     asynq.RedisClientOpt{Addr: "127.0.0.1:6379"},
		Templates: &worker.DirTemplates{Root: "samples"},
		Key:       key,
		Documents: docs,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	l, created, err := c.Submit(ctx, worker.Submission{
		Tenant:         "aarhus",
		Template:       "boligstoette-afgoerelse",
		Data:           []byte(`{"lang": "da", "...": "case data matching schema.json"}`),
		Recipient:      delivery.Recipient{ID: "0102031234", Name: "Søren Ærbø Møller"},
		IdempotencyKey: "case-2026-004711/decision",
	})
	if err != nil {
		log.Fatal(err) // *templates.DataError lists every problem of the data
	}
	fmt.Println(l.ID, created, l.Status)
	for !l.Status.Final() {
		time.Sleep(time.Second)
		if l, err = c.Letter(ctx, "aarhus", l.ID); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(l.Status, l.LastError)
}
