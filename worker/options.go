package worker

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/render"
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
	// only "outbox". The "ngdp" channel (Digital Post) routes each letter through Registry and
	// hands those whose recipient has no digital mailbox to "print".
	Channels map[string]delivery.Channel
	// Tenants holds each tenant's delivery settings: default channel, MeMo sender, callbacks. A
	// tenant that is absent delivers to the outbox with no MeMo message.
	Tenants map[string]Tenant
	// Registry says whether a recipient receives digital post; asked before every ngdp letter.
	// Nil means every recipient does.
	Registry delivery.Registry
	// RegistryCache is how long a registry answer is kept in Redis, keyed by an HMAC of the
	// recipient id under Key (never the id). Zero means 24 hours; negative means no caching.
	RegistryCache time.Duration
	// MemoVersion is the MeMo version for templates that name none: "1.1" (also when "") or
	// "1.2".
	MemoVersion string
	// Rates caps the requests per second of a channel ("ngdp": 50), shared by every worker
	// process on this Redis. Absent or 0 means no cap.
	Rates map[string]float64
	// Bulk is how many ngdp letters go in one tar + LZMA request (the channel must be a
	// delivery.BulkChannel); 0 or 1 sends each letter on its own. Letters wait for a bulk request
	// at most BulkDelay (zero means 5 seconds), and 1 second after the last one joined.
	Bulk      int
	BulkDelay time.Duration
	// BackoffBase and BackoffMax shape the back-off every worker shares after a channel answered
	// 429 or 503: BackoffBase doubling up to BackoffMax. Zero means 1 second and 5 minutes.
	BackoffBase, BackoffMax time.Duration
	// HaltFor is how long a channel that refused postbud's credentials (NgDP's 401) stays
	// stopped before one letter tries again. Zero means 1 minute.
	HaltFor time.Duration
	// ChannelTimeout bounds one hand-off; the delivery lease that keeps two workers from sending
	// one letter at once lasts this long plus 5 seconds. Zero means 60 seconds.
	ChannelTimeout time.Duration
	// MaxAttachments caps the decoded bytes of a letter's attachments. Zero means 20 MiB.
	MaxAttachments int64
	// HTTPClient posts status callbacks. Nil means a client with a 30 s timeout.
	HTTPClient *http.Client
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

// Tenant is one tenant's delivery settings.
type Tenant struct {
	// Delivery is the default channel of the tenant's letters; "" means "outbox".
	Delivery string
	// Sender is the MeMo sender (CVR number and name). A tenant with a sender gets a MeMo
	// message built and stored for every letter, checked at submission; ngdp needs one.
	Sender memo.Sender
	// MemoDOCX adds the DOCX to the MeMo message as an additional document.
	MemoDOCX bool
	// CallbackURL receives a signed POST (delivery.PostSigned) when a letter is delivered or
	// fails; "" means none. CallbackSecret is its HMAC key.
	CallbackURL    string
	CallbackSecret []byte
	// PDFA is the PDF/A conformance of the tenant's PDFs when the letter's layout does not
	// choose one; "" is the renderer's default, PDF/A-2b.
	PDFA render.PDFA
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
	if o.BulkDelay <= 0 {
		o.BulkDelay = 5 * time.Second
	}
	if o.RegistryCache == 0 {
		o.RegistryCache = 24 * time.Hour
	}
	if o.MemoVersion == "" {
		o.MemoVersion = memo.V11
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = time.Second
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 5 * time.Minute
	}
	if o.HaltFor <= 0 {
		o.HaltFor = time.Minute
	}
	if o.ChannelTimeout <= 0 {
		o.ChannelTimeout = 60 * time.Second
	}
	if o.MaxAttachments <= 0 {
		o.MaxAttachments = 20 << 20
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
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
