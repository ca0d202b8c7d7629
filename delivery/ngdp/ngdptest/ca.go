package ngdptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// CA is a throwaway certificate authority for loopback mTLS: it signs the stand-in's server
// certificate and the clients' certificates, and nothing else trusts it. Its key lives only in
// memory (and in the files WriteFiles writes). Safe for concurrent use.
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

// validity is how long the CA and the certificates it issues are valid, counted from an hour
// before they are made (so a clock a little behind does not reject them).
const validity = 24 * time.Hour

// NewCA makes a new certificate authority with an ECDSA P-256 key, valid for about 24 hours.
func NewCA() (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ngdptest: generate CA key: %w", err)
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "postbud ngdptest CA", Organization: []string{"postbud test"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("ngdptest: create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("ngdptest: parse CA certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &CA{cert: cert, key: key, pool: pool}, nil
}

// Pool returns a pool holding only the CA's certificate: the trust a client needs for the
// stand-in's server certificate (ngdp.Config.RootCAs). Each call returns a fresh copy.
func (ca *CA) Pool() *x509.CertPool { return ca.pool.Clone() }

// ServerTLS returns a server configuration with a certificate for 127.0.0.1, ::1 and localhost
// that requires a client certificate issued by this CA (tls.RequireAndVerifyClientCert), TLS 1.2
// or later, and HTTP/1.1 as NgDP speaks it.
func (ca *CA) ServerTLS() (*tls.Config, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	cert, err := ca.issue(tmpl)
	if err != nil {
		return nil, fmt.Errorf("ngdptest: issue server certificate: %w", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    ca.pool.Clone(),
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
	}, nil
}

// ClientCertificate issues a client certificate (and key) for the system called name, as the
// sender's FOCES certificate would be; use it as ngdp.Config.Certificate.
func (ca *CA) ClientCertificate(name string) (tls.Certificate, error) {
	if name == "" {
		return tls.Certificate{}, errors.New("ngdptest: issue client certificate: the name is empty; name the sending system")
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: name, Organization: []string{"postbud test"}},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	cert, err := ca.issue(tmpl)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("ngdptest: issue client certificate %q: %w", name, err)
	}
	return cert, nil
}

// issue signs tmpl with a new P-256 key, filling in serial number and validity.
func (ca *CA) issue(tmpl *x509.Certificate) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate key: %w", err)
	}
	serial, err := serialNumber()
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl.SerialNumber = serial
	tmpl.NotBefore = now.Add(-time.Hour)
	tmpl.NotAfter = now.Add(validity)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("sign certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("parse certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

func serialNumber() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("ngdptest: make certificate serial number: %w", err)
	}
	return n, nil
}

// Files are the paths of the PEM files WriteFiles wrote.
type Files struct {
	// CA is the CA certificate: the trust for the server (ngdp.LoadTLS's caFile).
	CA string
	// ClientCert and ClientKey are a client certificate named "postbud" and its PKCS #8 key
	// (mode 0600).
	ClientCert, ClientKey string
}

// WriteFiles writes the CA certificate and a new client certificate and key as PEM files into
// dir (which must exist) as ca.pem, client.pem and client-key.pem, for configuration-driven use
// (`postbud demo`, ngdp.LoadTLS). Existing files of those names are replaced.
func (ca *CA) WriteFiles(dir string) (Files, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Files{}, fmt.Errorf("ngdptest: write files: %w", err)
	}
	cert, err := ca.ClientCertificate("postbud")
	if err != nil {
		return Files{}, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return Files{}, fmt.Errorf("ngdptest: write files: encode client key: %w", err)
	}
	f := Files{
		CA:         filepath.Join(dir, "ca.pem"),
		ClientCert: filepath.Join(dir, "client.pem"),
		ClientKey:  filepath.Join(dir, "client-key.pem"),
	}
	for _, w := range []struct {
		path  string
		block *pem.Block
		mode  os.FileMode
	}{
		{f.CA, &pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}, 0o644},
		{f.ClientCert, &pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}, 0o644},
		{f.ClientKey, &pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}, 0o600},
	} {
		if err := writeFileAtomic(w.path, pem.EncodeToMemory(w.block), w.mode); err != nil {
			return Files{}, fmt.Errorf("ngdptest: write files into %s: %w", dir, err)
		}
	}
	return f, nil
}

// writeFileAtomic writes data to a temporary file next to path with the given mode, then renames
// it into place, so that path holds either its old content or all of data.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Chmod(mode)
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		os.Remove(name)
		return werr
	}
	return nil
}
