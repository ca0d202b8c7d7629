package worker

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/templates"
)

// Templates resolves a tenant's template by name; the api and the worker share one. It returns
// an error wrapping ErrUnknownTemplate when the tenant has no template of that name.
type Templates interface {
	Bundle(tenant, name string) (*templates.Bundle, error)
}

// Options configure a Client, a Server and Queues. Give all three the same Redis, Key and
// Templates.
type Options struct {
	// Redis is where queues and records live. Required.
	Redis asynq.RedisConnOpt
	// Templates resolves bundles. Required by Client and Server.
	Templates Templates
	// Key seals task payloads. The zero key is refused: generate one (sealed.LoadOrCreateKey).
	Key sealed.Key
	// Documents stores rendered documents. Required by Server, and by Client.Document.
	Documents *docstore.Store
	// Channels are the delivery channels by name. Server needs "outbox" at least. A Client
	// accepts a Submission's Delivery when it is a key of Channels; with no Channels it accepts
	// only "outbox".
	Channels map[string]delivery.Channel
	// Retention is how long letter and batch records (and idempotency keys) are kept. Zero means
	// 30 days.
	Retention time.Duration
	// MaxRetry is how often a task failing for a transient reason is retried before the letter
	// is failed and the task archived. Zero means 10; negative means no retries.
	MaxRetry int
	// RetryBase is the first retry's delay; each next one doubles it (with ±25% jitter), up to
	// RetryMax. Zero means 2 seconds.
	RetryBase time.Duration
	// RetryMax caps the retry delay. Zero means 10 minutes.
	RetryMax time.Duration
	// TaskTimeout bounds one render or deliver run. Zero means 5 minutes.
	TaskTimeout time.Duration
	// Logger receives ids, statuses and errors, never personal data. Nil means no logging.
	Logger *slog.Logger
	// Metrics registers postbud_letters_total{status,template}, postbud_render_seconds and
	// postbud_delivery_seconds. Nil means no metrics. A Client and a Server given the same
	// registry share the collectors.
	Metrics prometheus.Registerer
}

const (
	defaultRetention   = 30 * 24 * time.Hour
	defaultMaxRetry    = 10
	defaultRetryBase   = 2 * time.Second
	defaultRetryMax    = 10 * time.Minute
	defaultTaskTimeout = 5 * time.Minute
)

// withDefaults returns o with zero values replaced by the documented defaults.
func (o Options) withDefaults() Options {
	if o.Retention <= 0 {
		o.Retention = defaultRetention
	}
	switch {
	case o.MaxRetry == 0:
		o.MaxRetry = defaultMaxRetry
	case o.MaxRetry < 0:
		o.MaxRetry = 0
	}
	if o.RetryBase <= 0 {
		o.RetryBase = defaultRetryBase
	}
	if o.RetryMax <= 0 {
		o.RetryMax = defaultRetryMax
	}
	if o.TaskTimeout <= 0 {
		o.TaskTimeout = defaultTaskTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

// redisClient makes the go-redis client records use, from the same options as Asynq's.
func (o Options) redisClient() (redis.UniversalClient, error) {
	if o.Redis == nil {
		return nil, fmt.Errorf("worker: Options.Redis is required")
	}
	c, ok := o.Redis.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, fmt.Errorf("worker: Options.Redis made no go-redis client")
	}
	return c, nil
}

// validate checks what both Client and Server need.
func (o Options) validate(what string) error {
	if o.Redis == nil {
		return fmt.Errorf("%s: Options.Redis is required", what)
	}
	if o.Templates == nil {
		return fmt.Errorf("%s: Options.Templates is required", what)
	}
	if o.Key == (sealed.Key{}) {
		return fmt.Errorf("%s: Options.Key is the zero key; load or generate a real one", what)
	}
	return nil
}

// retryDelay is the exponential back-off: RetryBase·2^n, capped at RetryMax, ±25% jitter.
func (o Options) retryDelay(n int, jitter func() float64) time.Duration {
	d := o.RetryBase
	for i := 0; i < n && d < o.RetryMax; i++ {
		d *= 2
	}
	d = min(d, o.RetryMax)
	return time.Duration(float64(d) * (0.75 + 0.5*jitter()))
}
