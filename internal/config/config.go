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
	// POSTBUD_OUTBOX, file outbox. Default <DataDir>/outbox.
	Outbox string `yaml:"outbox"`
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
}

// Tenant is one agency.
type Tenant struct {
	Name string `yaml:"name"`
	// TokenSHA256 are the hex SHA-256 hashes of the tenant's bearer tokens: `printf %s TOKEN |
	// sha256sum`.
	TokenSHA256 []string `yaml:"token_sha256"`
	// Templates this tenant may use; empty means every template.
	Templates []string `yaml:"templates"`
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
	if c.Outbox == "" {
		c.Outbox = filepath.Join(c.DataDir, "outbox")
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
