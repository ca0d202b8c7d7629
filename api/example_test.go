package api_test

import (
	"context"
	"log"
	"log/slog"
	"net/http"
	"os"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/postbud/postbud/api"
	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/worker"
)

// ExampleNew wires the API to a worker client on Redis and serves it. Tokens are configured
// only as their SHA-256 (printf %s "$TOKEN" | sha256sum).
func ExampleNew() {
	ctx := context.Background()
	key, err := sealed.LoadOrCreateKey("postbud-data/key")
	if err != nil {
		log.Fatal(err)
	}
	docs, err := docstore.Open(ctx, "file:///var/lib/postbud/documents")
	if err != nil {
		log.Fatal(err)
	}
	tmpl := &worker.DirTemplates{Root: "samples"}
	reg := prometheus.NewRegistry()
	opts := worker.Options{
		Redis:     asynq.RedisClientOpt{Addr: "127.0.0.1:6379"},
		Templates: tmpl,
		Key:       key,
		Documents: docs,
		Channels:  map[string]delivery.Channel{"outbox": &delivery.Outbox{Dir: "outbox"}},
		Metrics:   reg,
	}
	letters, err := worker.NewClient(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer letters.Close()
	h, err := api.New(api.Config{
		Letters:   letters,
		Templates: tmpl,
		Queues:    worker.NewQueues(opts),
		Tenants: []api.Tenant{{
			Name:        "aarhus",
			TokenSHA256: []string{"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		}},
		Ready:    letters.Ping,
		Gatherer: reg,
		Logger:   slog.New(slog.NewJSONHandler(os.Stderr, nil)),
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", h))
}
