package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	goredis "github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/internal/config"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/safefile"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/worker"
)

// app is everything a postbud process runs on: queue connection, document store, channels,
// templates, the sealing key and the letters client. Each command opens one and closes it.
type app struct {
	cfg       *config.Config
	logger    *slog.Logger
	registry  *prometheus.Registry
	opts      worker.Options
	client    *worker.Client
	rdb       goredis.UniversalClient // for readiness checks
	tenants   []config.Tenant
	templates *worker.DirTemplates
	closers   []func()
}

// openApp connects to Redis (or starts the embedded one), opens the document store and builds
// the worker options. notice receives one-line messages for the operator.
func openApp(ctx context.Context, cfg *config.Config, notice io.Writer) (a *app, err error) {
	a = &app{cfg: cfg, logger: slog.New(slog.NewTextHandler(notice, nil)), registry: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}

	var redis asynq.RedisConnOpt
	if cfg.Embedded() {
		opt, stop, err := embeddedRedis(ctx, notice)
		if err != nil {
			return nil, err
		}
		redis = opt
		a.closers = append(a.closers, stop)
	} else if redis, err = redisOpt(cfg.Redis); err != nil {
		return nil, err
	}

	rdb, ok := redis.MakeRedisClient().(goredis.UniversalClient)
	if !ok {
		return nil, errors.New("redis: unsupported connection options")
	}
	a.rdb = rdb
	a.closers = append(a.closers, func() { rdb.Close() })

	key, err := loadKey(cfg)
	if err != nil {
		return nil, err
	}
	docs, err := docstore.Open(ctx, cfg.Documents)
	if err != nil {
		return nil, fmt.Errorf("open document store: %w", err)
	}
	a.closers = append(a.closers, func() { docs.Close() })

	if _, err := os.Stat(filepath.Join(cfg.Templates, "templates")); err != nil {
		return nil, fmt.Errorf("templates root %s has no templates/ folder (set --templates or POSTBUD_TEMPLATES): %w", cfg.Templates, errors.Unwrap(err))
	}
	allowed := map[string][]string{}
	a.tenants = cfg.Tenants
	for _, t := range cfg.Tenants {
		allowed[t.Name] = t.Templates
	}
	if len(a.tenants) == 0 {
		t, err := defaultTenant(cfg.DataDir, notice)
		if err != nil {
			return nil, err
		}
		t.Delivery, t.Sender, t.MemoDOCX = cfg.DefaultTenant.Delivery, cfg.DefaultTenant.Sender, cfg.DefaultTenant.MemoDOCX
		t.CallbackURL, t.CallbackSecretFile = cfg.DefaultTenant.CallbackURL, cfg.DefaultTenant.CallbackSecretFile
		t.PDFA = cfg.DefaultTenant.PDFA
		a.tenants = []config.Tenant{t}
	}

	a.templates = &worker.DirTemplates{Root: cfg.Templates, Tenants: allowed}
	a.opts = worker.Options{
		Redis:     redis,
		Templates: a.templates,
		Key:       key,
		Documents: docs,
		Retention: cfg.Retention,
		Logger:    a.logger,
		Metrics:   a.registry,
	}
	if err := channels(cfg, a.tenants, &a.opts); err != nil {
		return nil, err
	}
	if a.client, err = worker.NewClient(a.opts); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func() { a.client.Close() })
	return a, nil
}

// startWorker runs a worker pool in this process until stop is called; stop waits for it to
// finish the letters in progress (within timeout) and returns.
func (a *app) startWorker(ctx context.Context, concurrency int, timeout time.Duration) (stop func(), err error) {
	srv, err := worker.NewServer(a.opts, concurrency, timeout)
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Run(wctx) }()
	return func() { cancel(); <-done }, nil
}

// Close releases everything, last opened first.
func (a *app) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// loadKey finds the sealing key: POSTBUD_KEY, the key file, or (embedded mode only) a key
// generated once into the data folder.
func loadKey(cfg *config.Config) (sealed.Key, error) {
	switch {
	case cfg.Key != "":
		k, err := sealed.ParseKey(cfg.Key)
		if err != nil {
			return k, fmt.Errorf("POSTBUD_KEY: %w", err)
		}
		return k, nil
	case cfg.KeyFile != "":
		raw, err := os.ReadFile(cfg.KeyFile)
		if err != nil {
			return sealed.Key{}, fmt.Errorf("key file: %w", err)
		}
		k, err := sealed.ParseKey(strings.TrimSpace(string(raw)))
		if err != nil {
			return k, fmt.Errorf("key file %s: %w", cfg.KeyFile, err)
		}
		return k, nil
	default:
		return sealed.LoadOrCreateKey(filepath.Join(cfg.DataDir, "key"))
	}
}

// defaultTenant is the tenant of a configuration without tenants: "default", whose token is
// generated once into <data>/token (0600) and announced when created.
func defaultTenant(dataDir string, notice io.Writer) (config.Tenant, error) {
	path := filepath.Join(dataDir, "token")
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return config.Tenant{}, err
		}
		raw = []byte(base64.RawURLEncoding.EncodeToString(b))
		if err := safefile.Write(path, raw, 0o600); err != nil {
			return config.Tenant{}, fmt.Errorf("save API token: %w", err)
		}
		fmt.Fprintf(notice, "postbud: no tenants configured; created tenant \"default\" with an API token in %s\n", path)
	} else if err != nil {
		return config.Tenant{}, fmt.Errorf("read API token: %w", err)
	}
	return config.Tenant{Name: "default", TokenSHA256: []string{config.HashToken(strings.TrimSpace(string(raw)))}}, nil
}
