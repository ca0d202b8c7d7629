package worker

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/postbud/postbud/render"
)

// TestTenantPDFA: a tenant's pdfa choice reaches the renderer when the layout makes none. The
// samples' layout chooses nothing, so an aarhus letter is PDF/A-1b and an odense letter the
// default, PDF/A-2b.
func TestTenantPDFA(t *testing.T) {
	e := newEnv(t)
	e.opts.Tenants = map[string]Tenant{"aarhus": {PDFA: render.PDFA1b}, "odense": {}}
	c := e.client(t)
	ctx := context.Background()
	ids := map[string]string{}
	for _, tenant := range []string{"aarhus", "odense"} {
		l, _, err := c.Submit(ctx, Submission{Tenant: tenant, Template: "boligstoette-afgoerelse",
			Data: sample(t, "boligstoette-afgoerelse"), Recipient: testRecipient})
		if err != nil {
			t.Fatalf("Submit %s: %v", tenant, err)
		}
		ids[tenant] = l.ID
	}
	e.run(t, e.opts, 2)
	for tenant, part := range map[string]string{"aarhus": "1", "odense": "2"} {
		l := waitFinal(t, c, tenant, ids[tenant], time.Minute)
		if l.Status != StatusDelivered {
			t.Fatalf("%s: status %s, last error %q", tenant, l.Status, l.LastError)
		}
		pdf, err := c.Document(ctx, tenant, l.ID, "pdf")
		if err != nil {
			t.Fatal(err)
		}
		if want := []byte("<pdfaid:part>" + part + "</pdfaid:part>"); !bytes.Contains(pdf, want) {
			t.Errorf("%s: the stored PDF's XMP has no %s", tenant, want)
		}
	}
}
