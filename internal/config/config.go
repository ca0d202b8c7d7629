// Package config reads postbud's settings from command-line flags, environment variables and an
// optional YAML file, in that order of precedence, over defaults that run everything on one
// machine with no setup. Every setting is documented on the Config field that holds it.
package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is postbud's configuration. The zero value is not used directly: Load fills defaults.
type Config struct {
	// Addr is where the HTTP API listens. Flag --addr, env POSTBUD_ADDR, file addr.
	// Default 127.0.0.1:8080.
	Addr string `yaml:"addr"`
	// Redis is the Redis URL: redis://[:password@]host:port/db, rediss:// (TLS),
	// redis-sentinel://[:password@]host:port[,host:port]?master=NAME,
	// redis-cluster://host:port,host:port. Empty starts an embedded
	// in-process server that keeps nothing across restarts. Flag --redis, env POSTBUD_REDIS_URL,
	// file redis.
	Redis string `yaml:"redis"`
	// DataDir holds what postbud keeps on disk by default: documents, the outbox and, in
	// embedded mode, the encryption key. Flag --data, env POSTBUD_DATA_DIR, file data_dir.
	// Default ./postbud-data.
	DataDir string `yaml:"data_dir"`
	// Templates is the folder with templates/, layouts/ and blocks/. Flag --templates, env
	// POSTBUD_TEMPLATES, file templates. Default ./samples.
	Templates string `yaml:"templates"`
	// Documents is the blob store URL for rendered documents (file://, s3://, gs://, azblob://).
	// Flag --documents, env POSTBUD_DOCUMENTS, file documents. Default file://<DataDir>/documents.
	Documents string `yaml:"documents"`
	// Outbox is the folder the outbox delivery channel writes to. Flag --outbox, env
	// POSTBUD_OUTBOX, file delivery.outbox.dir (or, as before, outbox). Default <DataDir>/outbox.
	Outbox string `yaml:"outbox"`
	// Delivery configures the delivery channels beyond the outbox: Digital Post (ngdp), webhook
	// and print. File only (delivery:).
	Delivery Delivery `yaml:"delivery"`
	// Key is the base64 AES-256 key that seals case data in queued tasks. Env POSTBUD_KEY or file
	// key (never a flag: flags show in process lists), or KeyFile. With embedded Redis and no
	// key, one is generated once into <DataDir>/key. With real Redis a key is required, since
	// every process must share it.
	Key string `yaml:"key"`
	// KeyFile is a file holding the key. Env POSTBUD_KEY_FILE, file key_file.
	KeyFile string `yaml:"key_file"`
	// Concurrency is how many letters one worker process renders at once. Flag --concurrency,
	// env POSTBUD_CONCURRENCY, file concurrency. Default 2 x the number of CPUs.
	Concurrency int `yaml:"concurrency"`
	// ShutdownTimeout is how long a stopping worker waits for letters in progress before handing
	// them back to the queue. Flag --shutdown-timeout, env POSTBUD_SHUTDOWN_TIMEOUT, file
	// shutdown_timeout. Default 30s.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// Retention is how long letter records stay in Redis. Env POSTBUD_RETENTION, file retention.
	// Default 720h (30 days).
	Retention time.Duration `yaml:"retention"`
	// MaxBody is the largest request body of POST /v1/letters in bytes. Env POSTBUD_MAX_BODY,
	// file max_body. Default 1048576.
	MaxBody int64 `yaml:"max_body"`
	// Tenants are the agencies allowed to use the API, each with its tokens (stored as SHA-256
	// hex, never in clear) and the templates it may use (empty: all). File only.
	Tenants []Tenant `yaml:"tenants"`
	// DefaultTenant holds the delivery settings (delivery, sender, memo_docx, callback_url,
	// callback_secret_file) and pdfa of the tenant "default" that postbud makes when Tenants is empty;
	// its name, tokens and templates are ignored. File only (default_tenant:).
	DefaultTenant Tenant `yaml:"default_tenant"`
	// ReadTimeout bounds reading one whole request, headers and body, on every route but
	// POST /v1/batches. 30s lets a max_body (1 MiB) body arrive at 35 KB/s, slower than any
	// agency's link, and cuts a connection that trickles or stops its body instead of holding it
	// and its goroutine. A batch body may pause at most this long between reads. Env
	// POSTBUD_READ_TIMEOUT, file read_timeout. Default 30s.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// WriteTimeout bounds a request from the end of its headers to the end of its answer, on
	// every route but POST /v1/batches. A submission is answered in milliseconds, a preview in
	// well under a second and a document of a few MB in seconds; 60s leaves room for a slow
	// reader and cuts one that stops reading. Env POSTBUD_WRITE_TIMEOUT, file write_timeout.
	// Default 60s.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// IdleTimeout is how long a kept-alive connection may wait for its next request. 120s
	// outlasts the idle timeout of Go's HTTP client (90s), so a client drops an idle connection
	// before the server does and never sends a request into one being closed. Env
	// POSTBUD_IDLE_TIMEOUT, file idle_timeout. Default 120s.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// BatchTimeout bounds one POST /v1/batches, which streams NDJSON for as long as the batch
	// takes to send and so gets its own deadlines instead of read_timeout and write_timeout. A
	// million letters (about 1.5 GB) take some 20 minutes over 10 Mbit/s and 1.5 minutes to
	// queue; 1h covers both with room. The body must keep flowing: a pause longer than
	// read_timeout cuts it. Env POSTBUD_BATCH_TIMEOUT, file batch_timeout. Default 1h.
	BatchTimeout time.Duration `yaml:"batch_timeout"`
	// MaxInflight caps the submissions (POST /v1/letters and POST /v1/batches) one tenant may
	// have in progress at once; past it the API answers 429 with Retry-After. A submission
	// takes milliseconds, so 64 at once is far more than an agency system needs, yet it keeps
	// one tenant's stalled or runaway clients from holding every connection. Env
	// POSTBUD_MAX_INFLIGHT, file max_inflight. Default 64.
	MaxInflight int `yaml:"max_inflight"`
}

// Tenant is one agency.
type Tenant struct {
	Name string `yaml:"name"`
	// TokenSHA256 are the hex SHA-256 hashes of the tenant's bearer tokens: `printf %s TOKEN |
	// sha256sum`.
	TokenSHA256 []string `yaml:"token_sha256"`
	// Templates this tenant may use; empty means every template.
	Templates []string `yaml:"templates"`
	// Delivery is the tenant's default channel: ngdp, outbox, webhook or print. A letter's own
	// delivery field overrides it. Default outbox.
	Delivery string `yaml:"delivery"`
	// Sender is the authority that sends the tenant's letters, as Digital Post shows it. A
	// tenant with a sender gets a MeMo message built for every letter (the outbox writes it
	// beside the documents); ngdp delivery needs one.
	Sender Sender `yaml:"sender"`
	// MemoDOCX adds the DOCX to each MeMo message as an additional document.
	MemoDOCX bool `yaml:"memo_docx"`
	// CallbackURL receives a signed POST when one of the tenant's letters is delivered or
	// fails (X-Postbud-Signature: sha256=HMAC(secret, timestamp + "." + body)). Optional.
	CallbackURL string `yaml:"callback_url"`
	// CallbackSecretFile holds the HMAC key for callbacks; required with CallbackURL.
	CallbackSecretFile string `yaml:"callback_secret_file"`
	// PDFA is the PDF/A conformance of the tenant's PDFs: 2b (PDF/A-2b), 1b (PDF/A-1b, for
	// archives that take only PDF/A-1) or off. A layout's own pdfa key wins. Empty means the
	// renderer's default, 2b.
	PDFA string `yaml:"pdfa"`
}

// PDFAChoices are the values of a tenant's pdfa.
var PDFAChoices = []string{"off", "1b", "2b"}

// Sender is a MeMo sender: the CVR number and the name the recipient's mailbox shows.
type Sender struct {
	CVR   string `yaml:"cvr"`
	Label string `yaml:"label"`
}

// Delivery holds the channels' settings (delivery: in the file).
type Delivery struct {
	Outbox  OutboxChannel  `yaml:"outbox"`
	NgDP    NgDP           `yaml:"ngdp"`
	Webhook WebhookChannel `yaml:"webhook"`
	Print   PrintChannel   `yaml:"print"`
}

// OutboxChannel is delivery.outbox.
type OutboxChannel struct {
	// Dir is the outbox folder (the same as the top-level outbox; this one wins).
	Dir string `yaml:"dir"`
}

// NgDP is delivery.ngdp: Danish Digital Post's sender API. The channel exists when URL is set.
type NgDP struct {
	// URL is the API base, e.g. https://api.digitalpost.dk/apis/v1 (production) or
	// https://api.test.digitalpost.dk/apis/v1 (test).
	URL string `yaml:"url"`
	// CertFile and KeyFile are the sender's OCES/FOCES certificate and key (PEM) for mutual TLS.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// CAFile adds trusted roots for the endpoint (PEM), beside the system's. Optional.
	CAFile string `yaml:"ca_file"`
	// SystemID and SecretFile are the sending system's id and the file holding its key, sent as
	// HTTP Basic auth.
	SystemID   string `yaml:"system_id"`
	SecretFile string `yaml:"secret_file"`
	// MemoVersion is the MeMo version built for letters whose template names none: 1.1
	// (default) or 1.2.
	MemoVersion string `yaml:"memo_version"`
	// Rate caps requests to NgDP in letters per second, shared by every worker process. 0 means
	// no cap.
	Rate float64 `yaml:"rate"`
	// Bulk is the most MeMo messages sent in one tar + LZMA request; 0 sends one request per
	// letter.
	Bulk int `yaml:"bulk"`
	// Registry says who receives digital post: empty asks NgDP's contact register
	// (GET /contacts/); a file path reads a static list instead (see delivery.LoadRegistry).
	Registry string `yaml:"registry"`
	// RegistryCache is how long a registry answer is kept (keyed by a keyed hash of the CPR
	// number, never the number). Default 24h.
	RegistryCache time.Duration `yaml:"registry_cache"`
	// Timeout bounds one request. Default 60s.
	Timeout time.Duration `yaml:"timeout"`
	// BackoffBase is how long every worker pauses sending after NgDP answered 429 or 503 (or
	// what its Retry-After says, if longer); each further throttling answer before a success
	// doubles it, up to BackoffMax. Defaults 1s and 5m.
	BackoffBase time.Duration `yaml:"backoff_base"`
	BackoffMax  time.Duration `yaml:"backoff_max"`
	// Halt is how long the channel stops after NgDP refused postbud's credentials (401) before
	// one letter tries again. Default 1m.
	Halt time.Duration `yaml:"halt"`
}

// WebhookChannel is delivery.webhook: letters POSTed as signed JSON to an integration (Kivra,
// Suomi.fi, an agency's own platform). The channel exists when URL is set.
type WebhookChannel struct {
	URL        string `yaml:"url"`
	SecretFile string `yaml:"secret_file"`
}

// PrintChannel is delivery.print: print-ready PDFs and a daily manifest for a print house.
type PrintChannel struct {
	// Dir is the print folder. Default <DataDir>/print.
	Dir string `yaml:"dir"`
	// Envelope is C5 (default) or DL.
	Envelope string `yaml:"envelope"`
	// Duplex prints on both sides of the sheet.
	Duplex bool `yaml:"duplex"`
	// PostageClass is B (default) or A.
	PostageClass string `yaml:"postage_class"`
}

// Embedded reports whether the configuration asks for the embedded Redis.
func (c *Config) Embedded() bool { return c.Redis == "" }

// Flags registers the flags a command accepts on fs and returns a function that loads the
// configuration once fs has parsed: defaults, then the YAML file (--config or POSTBUD_CONFIG),
// then the environment, then the flags that were set.
func Flags(fs *flag.FlagSet, getenv func(string) string) func() (*Config, error) {
	var flags Config
	var cfgFile string
	fs.StringVar(&cfgFile, "config", "", "YAML configuration file (env POSTBUD_CONFIG)")
	fs.StringVar(&flags.Addr, "addr", "", "HTTP listen address (env POSTBUD_ADDR; default 127.0.0.1:8080)")
	fs.StringVar(&flags.Redis, "redis", "", "Redis URL (env POSTBUD_REDIS_URL; default: embedded, keeps nothing)")
	fs.StringVar(&flags.DataDir, "data", "", "data folder (env POSTBUD_DATA_DIR; default ./postbud-data)")
	fs.StringVar(&flags.Templates, "templates", "", "templates root with templates/, layouts/, blocks/ (env POSTBUD_TEMPLATES; default ./samples)")
	fs.StringVar(&flags.Documents, "documents", "", "blob store URL for documents (env POSTBUD_DOCUMENTS; default file://<data>/documents)")
	fs.StringVar(&flags.Outbox, "outbox", "", "outbox folder (env POSTBUD_OUTBOX; default <data>/outbox)")
	fs.IntVar(&flags.Concurrency, "concurrency", 0, "letters rendered at once per worker (env POSTBUD_CONCURRENCY; default 2 x CPUs)")
	fs.DurationVar(&flags.ShutdownTimeout, "shutdown-timeout", 0, "wait for letters in progress on SIGTERM (env POSTBUD_SHUTDOWN_TIMEOUT; default 30s)")
	return func() (*Config, error) {
		c := &Config{}
		if cfgFile == "" {
			cfgFile = getenv("POSTBUD_CONFIG")
		}
		if cfgFile != "" {
			if err := c.readFile(cfgFile); err != nil {
				return nil, err
			}
		}
		if err := c.readEnv(getenv); err != nil {
			return nil, err
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		override := func(name string, apply func()) {
			if set[name] {
				apply()
			}
		}
		override("addr", func() { c.Addr = flags.Addr })
		override("redis", func() { c.Redis = flags.Redis })
		override("data", func() { c.DataDir = flags.DataDir })
		override("templates", func() { c.Templates = flags.Templates })
		override("documents", func() { c.Documents = flags.Documents })
		override("outbox", func() { c.Outbox = flags.Outbox })
		override("concurrency", func() { c.Concurrency = flags.Concurrency })
		override("shutdown-timeout", func() { c.ShutdownTimeout = flags.ShutdownTimeout })
		c.defaults()
		return c, c.validate()
	}
}

func (c *Config) readFile(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

func (c *Config) readEnv(getenv func(string) string) error {
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("POSTBUD_ADDR", &c.Addr)
	str("POSTBUD_REDIS_URL", &c.Redis)
	str("POSTBUD_DATA_DIR", &c.DataDir)
	str("POSTBUD_TEMPLATES", &c.Templates)
	str("POSTBUD_DOCUMENTS", &c.Documents)
	str("POSTBUD_OUTBOX", &c.Outbox)
	str("POSTBUD_KEY", &c.Key)
	str("POSTBUD_KEY_FILE", &c.KeyFile)
	if v := getenv("POSTBUD_CONCURRENCY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: POSTBUD_CONCURRENCY=%q: want a whole number", v)
		}
		c.Concurrency = n
	}
	for name, dst := range map[string]*time.Duration{"POSTBUD_SHUTDOWN_TIMEOUT": &c.ShutdownTimeout, "POSTBUD_RETENTION": &c.Retention} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("config: %s=%q: want a duration such as 30s or 720h", name, v)
			}
			*dst = d
		}
	}
	if v := getenv("POSTBUD_MAX_BODY"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("config: POSTBUD_MAX_BODY=%q: want a number of bytes", v)
		}
		c.MaxBody = n
	}
	for name, dst := range map[string]*time.Duration{"POSTBUD_READ_TIMEOUT": &c.ReadTimeout,
		"POSTBUD_WRITE_TIMEOUT": &c.WriteTimeout, "POSTBUD_IDLE_TIMEOUT": &c.IdleTimeout, "POSTBUD_BATCH_TIMEOUT": &c.BatchTimeout} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("config: %s=%q: want a duration such as 30s or 2m", name, v)
			}
			*dst = d
		}
	}
	if v := getenv("POSTBUD_MAX_INFLIGHT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: POSTBUD_MAX_INFLIGHT=%q: want a whole number", v)
		}
		c.MaxInflight = n
	}
	return nil
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.DataDir == "" {
		c.DataDir = "postbud-data"
	}
	if c.Templates == "" {
		c.Templates = "samples"
	}
	if c.Documents == "" {
		abs, err := filepath.Abs(filepath.Join(c.DataDir, "documents"))
		if err != nil {
			abs = filepath.Join(c.DataDir, "documents")
		}
		c.Documents = "file://" + filepath.ToSlash(abs)
	}
	if c.Delivery.Outbox.Dir != "" {
		c.Outbox = c.Delivery.Outbox.Dir
	}
	if c.Outbox == "" {
		c.Outbox = filepath.Join(c.DataDir, "outbox")
	}
	c.Delivery.Outbox.Dir = c.Outbox
	if c.Delivery.Print.Dir == "" {
		c.Delivery.Print.Dir = filepath.Join(c.DataDir, "print")
	}
	if c.Delivery.Print.Envelope == "" {
		c.Delivery.Print.Envelope = "C5"
	}
	if c.Delivery.Print.PostageClass == "" {
		c.Delivery.Print.PostageClass = "B"
	}
	n := &c.Delivery.NgDP
	if n.MemoVersion == "" {
		n.MemoVersion = "1.1"
	}
	if n.RegistryCache == 0 {
		n.RegistryCache = 24 * time.Hour
	}
	if n.Timeout == 0 {
		n.Timeout = 60 * time.Second
	}
	if n.BackoffBase == 0 {
		n.BackoffBase = time.Second
	}
	if n.BackoffMax == 0 {
		n.BackoffMax = 5 * time.Minute
	}
	if n.Halt == 0 {
		n.Halt = time.Minute
	}
	if c.Concurrency == 0 {
		c.Concurrency = 2 * runtime.NumCPU()
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 30 * time.Second
	}
	if c.Retention == 0 {
		c.Retention = 30 * 24 * time.Hour
	}
	if c.MaxBody == 0 {
		c.MaxBody = 1 << 20
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = 30 * time.Second
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 60 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 120 * time.Second
	}
	if c.BatchTimeout == 0 {
		c.BatchTimeout = time.Hour
	}
	if c.MaxInflight == 0 {
		c.MaxInflight = 64
	}
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (c *Config) validate() error {
	var problems []string
	if c.Concurrency < 1 || c.Concurrency > 1024 {
		problems = append(problems, fmt.Sprintf("concurrency %d: want 1 to 1024", c.Concurrency))
	}
	if c.ShutdownTimeout < 0 || c.Retention < time.Minute {
		problems = append(problems, "shutdown_timeout must be positive and retention at least 1m")
	}
	if c.MaxBody < 1024 {
		problems = append(problems, fmt.Sprintf("max_body %d: want at least 1024 bytes", c.MaxBody))
	}
	if !c.Embedded() && c.Key == "" && c.KeyFile == "" {
		problems = append(problems, "with a Redis URL every process must share the sealing key: set POSTBUD_KEY (base64 of 32 random bytes: openssl rand -base64 32) or POSTBUD_KEY_FILE")
	}
	problems = append(problems, c.validateDelivery()...)
	if len(c.Tenants) == 0 {
		problems = append(problems, c.validateTenantDelivery("default_tenant", c.DefaultTenant)...)
	}
	seen := map[string]bool{}
	for i, t := range c.Tenants {
		where := fmt.Sprintf("tenants[%d]", i)
		if t.Name == "" || strings.ContainsAny(t.Name, "/ \t\n") {
			problems = append(problems, where+".name: want a name without spaces or slashes")
		}
		if seen[t.Name] {
			problems = append(problems, where+".name: "+strconv.Quote(t.Name)+" appears twice")
		}
		seen[t.Name] = true
		if len(t.TokenSHA256) == 0 {
			problems = append(problems, where+".token_sha256: a tenant needs at least one token hash")
		}
		for j, h := range t.TokenSHA256 {
			if !hexHash.MatchString(h) {
				problems = append(problems, fmt.Sprintf("%s.token_sha256[%d]: want 64 lower-case hex digits (printf %%s TOKEN | sha256sum)", where, j))
			}
		}
		problems = append(problems, c.validateTenantDelivery(where, t)...)
	}
	if c.ReadTimeout < time.Second || c.WriteTimeout < time.Second || c.IdleTimeout < time.Second {
		problems = append(problems, fmt.Sprintf("read_timeout %s, write_timeout %s, idle_timeout %s: want at least 1s each", c.ReadTimeout, c.WriteTimeout, c.IdleTimeout))
	}
	if c.BatchTimeout < c.ReadTimeout {
		problems = append(problems, fmt.Sprintf("batch_timeout %s: want at least read_timeout (%s); a batch streams for as long as it takes to send", c.BatchTimeout, c.ReadTimeout))
	}
	if c.MaxInflight < 1 || c.MaxInflight > 1<<16 {
		problems = append(problems, fmt.Sprintf("max_inflight %d: want 1 to 65536 submissions in progress per tenant", c.MaxInflight))
	}
	if len(problems) > 0 {
		return fmt.Errorf("config: %s", strings.Join(problems, "; "))
	}
	return nil
}

// HashToken returns the hex SHA-256 of a bearer token, the form tenants' tokens are stored in.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Channels are the delivery channel names a tenant or letter may choose.
var Channels = []string{"ngdp", "outbox", "webhook", "print"}

// HasChannel reports whether the configuration sets up the named channel: the outbox and print
// always exist, ngdp and webhook when their URL is set.
func (c *Config) HasChannel(name string) bool {
	switch name {
	case "outbox", "print":
		return true
	case "ngdp":
		return c.Delivery.NgDP.URL != ""
	case "webhook":
		return c.Delivery.Webhook.URL != ""
	}
	return false
}

func (c *Config) validateDelivery() []string {
	var problems []string
	n := c.Delivery.NgDP
	if n.URL != "" {
		if !strings.HasPrefix(n.URL, "https://") {
			problems = append(problems, "delivery.ngdp.url: want an https:// URL, e.g. https://api.test.digitalpost.dk/apis/v1")
		}
		for _, f := range []struct{ name, val string }{{"cert_file", n.CertFile}, {"key_file", n.KeyFile}, {"system_id", n.SystemID}, {"secret_file", n.SecretFile}} {
			if f.val == "" {
				problems = append(problems, "delivery.ngdp."+f.name+": required with delivery.ngdp.url")
			}
		}
	}
	if n.MemoVersion != "1.1" && n.MemoVersion != "1.2" {
		problems = append(problems, fmt.Sprintf("delivery.ngdp.memo_version %q: want 1.1 or 1.2", n.MemoVersion))
	}
	if n.Rate < 0 || n.Bulk < 0 || n.Bulk > 10000 {
		problems = append(problems, "delivery.ngdp: rate must be 0 or more letters/s, bulk 0 to 10000 messages a request")
	}
	if n.RegistryCache < 0 || n.Timeout < 0 || n.BackoffBase < 0 || n.BackoffMax < n.BackoffBase || n.Halt < 0 {
		problems = append(problems, "delivery.ngdp: registry_cache, timeout, backoff_base, halt must be positive durations and backoff_max at least backoff_base")
	}
	w := c.Delivery.Webhook
	if w.URL != "" && w.SecretFile == "" {
		problems = append(problems, "delivery.webhook.secret_file: required with delivery.webhook.url (the HMAC key that signs each request)")
	}
	p := c.Delivery.Print
	if p.Envelope != "C5" && p.Envelope != "DL" {
		problems = append(problems, fmt.Sprintf("delivery.print.envelope %q: want C5 or DL", p.Envelope))
	}
	if p.PostageClass != "A" && p.PostageClass != "B" {
		problems = append(problems, fmt.Sprintf("delivery.print.postage_class %q: want A or B", p.PostageClass))
	}
	return problems
}

var cvrPattern = regexp.MustCompile(`^[0-9]{8}$`)

// validCVR reports whether s is 8 digits passing modulus 11 (weights 2,7,6,5,4,3,2,1).
func validCVR(s string) bool {
	if !cvrPattern.MatchString(s) {
		return false
	}
	sum := 0
	for i, w := range []int{2, 7, 6, 5, 4, 3, 2, 1} {
		sum += int(s[i]-'0') * w
	}
	return sum%11 == 0
}

func (c *Config) validateTenantDelivery(where string, t Tenant) []string {
	var problems []string
	if t.Delivery != "" && !c.HasChannel(t.Delivery) {
		if slices.Contains(Channels, t.Delivery) {
			problems = append(problems, fmt.Sprintf("%s.delivery: %s is not configured (set delivery.%s.url)", where, t.Delivery, t.Delivery))
		} else {
			problems = append(problems, fmt.Sprintf("%s.delivery %q: want one of %s", where, t.Delivery, strings.Join(Channels, ", ")))
		}
	}
	if t.Sender != (Sender{}) || t.Delivery == "ngdp" {
		if !validCVR(t.Sender.CVR) {
			problems = append(problems, where+".sender.cvr: want the sender's 8-digit CVR number (it must pass modulus 11)")
		}
		if t.Sender.Label == "" || len([]rune(t.Sender.Label)) > 256 {
			problems = append(problems, where+".sender.label: want the sender's name as the mailbox shows it, 1 to 256 characters")
		}
	}
	if t.PDFA != "" && !slices.Contains(PDFAChoices, t.PDFA) {
		problems = append(problems, fmt.Sprintf("%s.pdfa %q: want one of %s", where, t.PDFA, strings.Join(PDFAChoices, ", ")))
	}
	if t.CallbackURL != "" {
		if !strings.HasPrefix(t.CallbackURL, "https://") && !strings.HasPrefix(t.CallbackURL, "http://127.0.0.1") && !strings.HasPrefix(t.CallbackURL, "http://localhost") {
			problems = append(problems, where+".callback_url: want an https:// URL")
		}
		if t.CallbackSecretFile == "" {
			problems = append(problems, where+".callback_secret_file: required with callback_url")
		}
	}
	return problems
}
