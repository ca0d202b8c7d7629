package worker

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/postbud/postbud/templates"
)

// TestSubmitLanguage submits the waste sample in its default language (English) and in Danish:
// each letter is rendered from its own letter file, with its own sample data, and says which
// language it is in.
func TestSubmitLanguage(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	ctx := context.Background()
	const name = "waste-collection-information"
	da, err := os.ReadFile(filepath.Join(samplesRoot, "templates", name, "sample.da.json"))
	if err != nil {
		t.Fatal(err)
	}
	e.run(t, e.opts, 2)
	for _, tc := range []struct {
		lang, wantLang string
		data           []byte
	}{{"", "en", sample(t, name)}, {"da", "da", da}} {
		l, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: name, Language: tc.lang, Data: tc.data, Recipient: testRecipient})
		if err != nil {
			t.Fatalf("Submit language %q: %v", tc.lang, err)
		}
		if l.Language != tc.wantLang {
			t.Errorf("language %q: record says %q, want %q", tc.lang, l.Language, tc.wantLang)
		}
		l = waitFinal(t, c, "aarhus", l.ID, time.Minute)
		if l.Status != StatusDelivered {
			t.Fatalf("language %q: status %s, %s", tc.lang, l.Status, l.LastError)
		}
		b, err := templates.LoadDir(filepath.Join(samplesRoot, "templates", name))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = b.Lang(tc.lang); err != nil {
			t.Fatal(err)
		}
		d, err := b.Document(tc.data)
		if err != nil {
			t.Fatal(err)
		}
		want, err := renderFormat(d, "pdf")
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Document(ctx, "aarhus", l.ID, "pdf")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("language %q: stored PDF differs from the %s letter rendered directly", tc.lang, b.Language)
		}
		if !bytes.Contains(got, []byte("/Lang ("+tc.wantLang+")")) {
			t.Errorf("language %q: the PDF does not declare /Lang (%s)", tc.lang, tc.wantLang)
		}
	}
}
