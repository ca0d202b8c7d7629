package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/delivery/ngdp"
	"github.com/postbud/postbud/internal/config"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/worker"
)

// channels builds the delivery channels, the contact registry and the tenants' delivery settings
// from the configuration.
func channels(cfg *config.Config, tenants []config.Tenant, opts *worker.Options) error {
	d := cfg.Delivery
	opts.Channels = map[string]delivery.Channel{
		"outbox": &delivery.Outbox{Dir: cfg.Outbox},
		delivery.PrintChannel: &delivery.Print{Dir: d.Print.Dir, Envelope: d.Print.Envelope,
			Duplex: d.Print.Duplex, PostageClass: d.Print.PostageClass},
	}
	if n := d.NgDP; n.URL != "" {
		cert, pool, err := ngdp.LoadTLS(n.CertFile, n.KeyFile, n.CAFile)
		if err != nil {
			return fmt.Errorf("delivery.ngdp: %w", err)
		}
		secret, err := readSecret("delivery.ngdp.secret_file", n.SecretFile)
		if err != nil {
			return err
		}
		ch, err := ngdp.New(ngdp.Config{URL: n.URL, Certificate: cert, RootCAs: pool, SystemID: n.SystemID,
			Secret: string(secret), Timeout: n.Timeout})
		if err != nil {
			return fmt.Errorf("delivery.ngdp: %w", err)
		}
		opts.Channels[ngdp.Name] = ch
		opts.Registry = ch
		opts.Rates = map[string]float64{ngdp.Name: n.Rate}
		opts.Bulk = n.Bulk
		opts.ChannelTimeout = n.Timeout
		opts.BackoffBase, opts.BackoffMax, opts.HaltFor = n.BackoffBase, n.BackoffMax, n.Halt
	}
	if n := d.NgDP; n.Registry != "" {
		r, err := delivery.LoadRegistry(n.Registry)
		if err != nil {
			return fmt.Errorf("delivery.ngdp.registry: %w", err)
		}
		opts.Registry = r
	}
	opts.RegistryCache = d.NgDP.RegistryCache
	opts.MemoVersion = d.NgDP.MemoVersion
	if w := d.Webhook; w.URL != "" {
		secret, err := readSecret("delivery.webhook.secret_file", w.SecretFile)
		if err != nil {
			return err
		}
		opts.Channels[delivery.WebhookChannel] = &delivery.Webhook{URL: w.URL, Secret: secret}
	}
	opts.Tenants = map[string]worker.Tenant{}
	for i, t := range tenants {
		wt := worker.Tenant{Delivery: t.Delivery, Sender: memo.Sender{ID: t.Sender.CVR, Label: t.Sender.Label}, MemoDOCX: t.MemoDOCX, PDFA: render.PDFA(t.PDFA)}
		if t.CallbackURL != "" {
			secret, err := readSecret(fmt.Sprintf("tenants[%d].callback_secret_file", i), t.CallbackSecretFile)
			if err != nil {
				return err
			}
			wt.CallbackURL, wt.CallbackSecret = t.CallbackURL, secret
		}
		opts.Tenants[t.Name] = wt
	}
	return nil
}

// readSecret reads a key file: its content without surrounding white space, at least 16 bytes.
func readSecret(what, path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	s := strings.TrimSpace(string(raw))
	if len(s) < 16 {
		return nil, fmt.Errorf("%s: %s holds %d characters; use a random secret of at least 16 (openssl rand -base64 32)", what, path, len(s))
	}
	return []byte(s), nil
}
