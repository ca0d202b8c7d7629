package ngdp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/postbud/postbud/delivery"
)

// Name is the channel's name, as receipts and errors give it.
const Name = "ngdp"

// DefaultTimeout is the time a request may take when Config.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Config configures a Channel. URL, SystemID and Secret are required, and so is Certificate
// unless Transport is set.
type Config struct {
	// URL is the API's base URL, e.g. https://api.test.digitalpost.dk/apis/v1 (test) or
	// https://api.digitalpost.dk/apis/v1 (production); a trailing slash is optional. It must be
	// https.
	URL string
	// Certificate is the sender's client certificate (OCES/FOCES) for mutual TLS. Required unless
	// Transport is set (then the Transport carries the TLS settings and Certificate is unused).
	Certificate tls.Certificate
	// RootCAs is the trust for the server's certificate; nil means the system roots.
	RootCAs *x509.CertPool
	// SystemID and Secret are the sending system's id and key, sent as HTTP Basic auth.
	SystemID, Secret string
	// Timeout bounds each request, from dialling to reading the whole answer; zero means
	// DefaultTimeout (60 s).
	Timeout time.Duration
	// Transport, if set, carries the requests (tests, proxies). Nil means an http.Transport built
	// from Certificate and RootCAs: HTTP/1.1 only, TLS 1.2 or later, proxies from the environment,
	// up to 16 idle connections kept for 90 s.
	Transport http.RoundTripper
}

// Channel is NgDP as a delivery.BulkChannel and a delivery.Registry. Its methods are safe for
// concurrent use.
type Channel struct {
	base             string // URL without a trailing slash
	systemID, secret string
	client           *http.Client
}

var (
	_ delivery.BulkChannel = (*Channel)(nil)
	_ delivery.Registry    = (*Channel)(nil)
)

// New checks c and returns a Channel. The errors say which field is wrong and what it needs.
func New(c Config) (*Channel, error) {
	if c.URL == "" {
		return nil, errors.New("ngdp: configure: URL is empty; set it to the API's base URL, e.g. https://api.test.digitalpost.dk/apis/v1")
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		return nil, fmt.Errorf("ngdp: configure: URL is not a URL (%w); set it to the API's base URL, e.g. https://api.test.digitalpost.dk/apis/v1", err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("ngdp: configure: URL %q is not an https URL with a host; NgDP is reached only over mutual TLS, e.g. https://api.test.digitalpost.dk/apis/v1", c.URL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("ngdp: configure: URL %q carries a query, fragment or user info; give only the base URL, e.g. https://api.test.digitalpost.dk/apis/v1", u.Redacted())
	}
	if c.SystemID == "" || c.Secret == "" {
		return nil, errors.New("ngdp: configure: SystemID and Secret must both be set: they are the sending system's id and key from NgDP's administration")
	}
	if strings.Contains(c.SystemID, ":") {
		return nil, errors.New("ngdp: configure: SystemID contains a colon, which Basic auth cannot carry; check the system id")
	}
	if c.Timeout < 0 {
		return nil, fmt.Errorf("ngdp: configure: Timeout %s is negative; give a positive duration or zero for %s", c.Timeout, DefaultTimeout)
	}
	rt := c.Transport
	if rt == nil {
		if len(c.Certificate.Certificate) == 0 || c.Certificate.PrivateKey == nil {
			return nil, errors.New("ngdp: configure: Certificate is missing its certificate or private key; load the system's FOCES certificate (LoadTLS)")
		}
		rt = newTransport(c.Certificate, c.RootCAs)
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	return &Channel{
		base:     strings.TrimRight(u.String(), "/"),
		systemID: c.SystemID,
		secret:   c.Secret,
		client: &http.Client{
			Transport: rt,
			Timeout:   timeout,
			// NgDP does not redirect; a redirect means a wrong URL, and following one would turn
			// a POST into a GET. The answer is classified as it is.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

func newTransport(cert tls.Certificate, roots *x509.CertPool) *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig: &tls.Config{
			Certificates: []tls.Certificate{cert},
			RootCAs:      roots,
			MinVersion:   tls.VersionTLS12,
			NextProtos:   []string{"http/1.1"},
		},
		// A non-nil, empty map turns HTTP/2 off: NgDP speaks HTTP/1.1.
		TLSNextProto:          map[string]func(string, *tls.Conn) http.RoundTripper{},
		ForceAttemptHTTP2:     false,
		TLSHandshakeTimeout:   15 * time.Second,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// LoadTLS reads the client certificate and key (PEM files) and, when caFile is not "", a PEM file
// of CA certificates to trust for the server on top of the system roots. With caFile "" the pool
// is nil, meaning the system roots (Config.RootCAs).
func LoadTLS(certFile, keyFile, caFile string) (tls.Certificate, *x509.CertPool, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("ngdp: load client certificate %s with key %s: %w; give the PEM certificate and its private key", certFile, keyFile, err)
	}
	if caFile == "" {
		return cert, nil, nil
	}
	pemData, err := os.ReadFile(caFile)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("ngdp: load CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pemData) {
		return tls.Certificate{}, nil, fmt.Errorf("ngdp: load CA file %s: it holds no PEM certificate; give a file of \"BEGIN CERTIFICATE\" blocks", caFile)
	}
	return cert, pool, nil
}
