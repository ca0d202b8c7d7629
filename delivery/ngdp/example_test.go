package ngdp_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/ngdp"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
)

// Example delivers one letter to the NgDP stand-in, configured from PEM files as a deployment
// would be.
func Example() {
	ca, err := ngdptest.NewCA()
	if err != nil {
		log.Fatal(err)
	}
	srv, err := ngdptest.Start(ca, ngdptest.Options{SystemID: "system-id", Secret: "key"})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "ngdp-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(filepath.Clean(dir))
	files, err := ca.WriteFiles(dir)
	if err != nil {
		log.Fatal(err)
	}

	cert, roots, err := ngdp.LoadTLS(files.ClientCert, files.ClientKey, files.CA)
	if err != nil {
		log.Fatal(err)
	}
	ch, err := ngdp.New(ngdp.Config{URL: srv.URL(), Certificate: cert, RootCAs: roots, SystemID: "system-id", Secret: "key"})
	if err != nil {
		log.Fatal(err)
	}

	const uuid = "5b0c2a9e-8f1d-4c3b-9a7e-6d5f4e3c2b1a"
	xml := memoXML(uuid, "letter-1", "Afgørelse", []byte("%PDF-1.7"))
	l := &delivery.Letter{ID: "letter-1", Message: &delivery.Message{
		UUID: uuid, Version: "1.1", Size: int64(len(xml)),
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(xml)), nil },
	}}
	r, err := ch.Deliver(context.Background(), l)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Channel, r.Status, r.MessageUUID)
	// Output: ngdp RECEIVED 5b0c2a9e-8f1d-4c3b-9a7e-6d5f4e3c2b1a
}
