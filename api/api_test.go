package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/worker"
)

// TestBadInput sends each bad request of the issue: each gets a clear 4xx and queues nothing.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	good := letterJSON(t, "betalningspaminnelse")
	deep := `{"template":"betalningspaminnelse","data":` + strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70) + "}"
	tests := []struct {
		name    string
		req     request
		status  int
		msg     string // a part of the error message
		problem string // a part of some problem's "path: message", when there must be one
	}{
		{
			name:   "malformed JSON",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(`{"template":"betalningspaminnelse","data":{"a":}}`)},
			status: 400, msg: "not valid JSON: line 1, column 48",
		},
		{
			name: "wrong types in the data",
			req: request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(
				strings.Replace(strings.Replace(good, `"totalOre": 233700`, `"totalOre":"233700"`, 1), `"totalOre":233700`, `"totalOre":"233700"`, 1))},
			status: 422, msg: `does not fit template "betalningspaminnelse"`, problem: "/data/totalOre: expected integer, got string",
		},
		{
			name:   "wrong types in the request",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(`{"template":["betalningspaminnelse"],"data":{},"formats":"pdf"}`)},
			status: 400, msg: "does not follow the API", problem: "/template: expected string, got array",
		},
		{
			name:   "10 MB body",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(`{"template":"betalningspaminnelse","data":"` + strings.Repeat("x", 10<<20) + `"}`)},
			status: 413, msg: "larger than 1 MiB",
		},
		{
			name:   "10 MB body without Content-Length",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: io.MultiReader(strings.NewReader(`{"template":"x","data":"`), &repeatReader{b: 'x', n: 10 << 20})},
			status: 413, msg: "larger than 1 MiB",
		},
		{
			name:   "deeply nested JSON",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(deep)},
			status: 400, msg: "nested 71 levels deep; the limit is 64",
		},
		{
			name:   "unknown template",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(`{"template":"no-such-letter","data":{}}`)},
			status: 404, msg: `no template named "no-such-letter"`,
		},
		{
			name:   "template name with ../",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(`{"template":"../templates/betalningspaminnelse","data":{}}`)},
			status: 400, msg: "does not follow the API", problem: "/template: not a template name",
		},
		{
			name:   "template path with ../",
			req:    request{method: "GET", path: "/v1/templates/..%2F..%2Fetc", token: tokenAarhus},
			status: 404, msg: "no such template",
		},
		{
			name:   "preview path with ../",
			req:    request{method: "POST", path: "/v1/templates/..%2Fbetalningspaminnelse/preview", token: tokenAarhus},
			status: 404, msg: "no such template",
		},
		{
			name:   "invalid UTF-8",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader("{\"template\":\"betalningspaminnelse\",\"data\":{\"name\":\"Anna \xe5berg\"}}")},
			status: 400, msg: "not valid UTF-8 (line 1, column 57)",
		},
		{
			name:   "unknown field",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(`{"template":"betalningspaminnelse","data":{},"sendAt":"tomorrow"}`)},
			status: 400, msg: "does not follow the API", problem: "/sendAt: unknown field",
		},
		{
			name:   "missing token",
			req:    request{method: "POST", path: "/v1/letters", body: strings.NewReader(good)},
			status: 401, msg: "missing Authorization header",
		},
		{
			name:   "bad token",
			req:    request{method: "POST", path: "/v1/letters", token: "guessed-token", body: strings.NewReader(good)},
			status: 401, msg: "the bearer token is not valid",
		},
		{
			name:   "another tenant's token: malmo may not use the aarhus template",
			req:    request{method: "POST", path: "/v1/letters", token: tokenMalmo, body: strings.NewReader(letterJSON(t, "boligstoette-afgoerelse"))},
			status: 404, msg: `no template named "boligstoette-afgoerelse"`,
		},
		{
			name:   "not a bearer token",
			req:    request{method: "POST", path: "/v1/letters", header: map[string]string{"Authorization": "Basic YWFyaHVzOnB3"}, body: strings.NewReader(good)},
			status: 401, msg: "malformed Authorization header",
		},
		{
			name:   "form instead of JSON",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: strings.NewReader("template=x")},
			status: 415, msg: "application/json",
		},
		{
			name:   "Idempotency-Key too long",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, header: map[string]string{"Idempotency-Key": strings.Repeat("k", 201)}, body: strings.NewReader(good)},
			status: 400, msg: "Idempotency-Key header must be 1 to 200 characters",
		},
		{
			name:   "unknown channel",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(strings.Replace(good, `{"template"`, `{"delivery":"fax","template"`, 1))},
			status: 422, problem: "/delivery:",
		},
		{
			name:   "no letter in the language",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(strings.Replace(good, `{"template"`, `{"language":"fi","template"`, 1))},
			status: 422, problem: `/language: template betalningspaminnelse has no letter in language "fi"`,
		},
		{
			name:   "not a language",
			req:    request{method: "POST", path: "/v1/letters", token: tokenAarhus, body: strings.NewReader(strings.Replace(good, `{"template"`, `{"language":"Danish!","template"`, 1))},
			status: 400, problem: "/language: not a language tag",
		},
		{
			name:   "batch with a bad language",
			req:    request{method: "POST", path: "/v1/batches?language=x1", token: tokenAarhus, header: map[string]string{"Content-Type": "application/x-ndjson"}, body: strings.NewReader(good)},
			status: 400, problem: "?language: not a language tag",
		},
		{
			name:   "batch that is not NDJSON",
			req:    request{method: "POST", path: "/v1/batches", token: tokenAarhus, header: map[string]string{"Content-Type": "application/json"}, body: strings.NewReader(good)},
			status: 415, msg: "application/x-ndjson",
		},
		{
			name:   "batch with a bad default",
			req:    request{method: "POST", path: "/v1/batches?template=../x&colour=red", token: tokenAarhus, header: map[string]string{"Content-Type": "application/x-ndjson"}, body: strings.NewReader(good)},
			status: 400, problem: "?template: not a template name",
		},
		{
			name:   "batch without a token",
			req:    request{method: "POST", path: "/v1/batches", header: map[string]string{"Content-Type": "application/x-ndjson"}, body: strings.NewReader(good)},
			status: 401, msg: "missing Authorization header",
		},
		{
			name:   "preview with bad data",
			req:    request{method: "POST", path: "/v1/templates/betalningspaminnelse/preview", token: tokenAarhus, body: strings.NewReader(`{"data":{"date":"2026-11-23"}}`)},
			status: 422, problem: "/data/customerNumber: is required",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, tt.req)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.status, r.body)
			}
			apiErr := r.apiError(t)
			if !strings.Contains(apiErr.Message, tt.msg) {
				t.Errorf("error %q does not say %q", apiErr.Message, tt.msg)
			}
			if apiErr.RequestID == "" || apiErr.RequestID != r.header.Get("X-Request-Id") {
				t.Errorf("request id %q, header %q", apiErr.RequestID, r.header.Get("X-Request-Id"))
			}
			if tt.problem != "" {
				var all []string
				for _, p := range apiErr.Problems {
					all = append(all, p.Path+": "+p.Message)
				}
				if !strings.Contains(strings.Join(all, "\n"), tt.problem) {
					t.Errorf("problems %q do not include %q", all, tt.problem)
				}
			}
			if r.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if n := e.taskCount(t); n != 0 {
				t.Errorf("%d tasks queued after a refused request", n)
			}
		})
	}
}

// repeatReader yields n copies of b, with no length known in advance.
type repeatReader struct {
	b byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = r.b
	}
	r.n -= k
	return k, nil
}

// Test422ListsEveryProblem checks that bad case data is answered with each schema problem.
func Test422ListsEveryProblem(t *testing.T) {
	e := newEnv(t)
	r := e.post(t, "/v1/letters", `{"template":"betalningspaminnelse","data":{"date":17,"customerNumber":504417,"recipient":{"name":"x"}}}`, nil)
	if r.status != 422 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	apiErr := r.apiError(t)
	if len(apiErr.Problems) < 4 {
		t.Fatalf("want every problem listed, got %d: %+v", len(apiErr.Problems), apiErr.Problems)
	}
	for _, p := range apiErr.Problems {
		if !strings.HasPrefix(p.Path, "/data") || p.Message == "" {
			t.Errorf("problem %+v: want a path under /data and a message", p)
		}
	}
	if n := e.taskCount(t); n != 0 {
		t.Errorf("%d tasks queued", n)
	}
}

// TestLetterLifecycle submits a letter, lets a real worker render and deliver it, and reads its
// status and both documents back through the API.
func TestLetterLifecycle(t *testing.T) {
	e := newEnv(t)
	e.runWorker(t)
	r := e.post(t, "/v1/letters", letterJSON(t, "betalningspaminnelse"), nil)
	if r.status != http.StatusAccepted {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	var l letterBody
	r.json(t, &l)
	if l.ID == "" || l.TemplateVersion == "" || l.Status != worker.StatusQueued || l.Links["self"] != "/v1/letters/"+l.ID {
		t.Fatalf("202 body: %s", r.body)
	}
	if r.header.Get("Location") != "/v1/letters/"+l.ID {
		t.Errorf("Location = %q", r.header.Get("Location"))
	}
	validateBody(t, "Letter", r.body)

	done := e.waitFinal(t, l.ID, tokenAarhus)
	if done.Status != worker.StatusDelivered {
		t.Fatalf("letter %s: %s %q", l.ID, done.Status, done.LastError)
	}
	if done.Receipt == nil || done.Receipt.Channel != "outbox" || done.Receipt.DeliveredAt.IsZero() {
		t.Errorf("receipt = %+v", done.Receipt)
	}
	var formats []string
	for _, d := range done.Documents {
		formats = append(formats, d.Format)
	}
	if diff := cmp.Diff([]string{"pdf", "docx"}, formats); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	final := e.get(t, "/v1/letters/"+l.ID, tokenAarhus)
	validateBody(t, "Letter", final.body)

	for _, d := range done.Documents {
		r := e.get(t, d.URL, tokenAarhus)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", d.URL, r.status, r.body)
		}
		if got, want := r.header.Get("Content-Type"), contentTypes[d.Format]; got != want {
			t.Errorf("%s Content-Type = %q, want %q", d.Format, got, want)
		}
		if got := r.header.Get("Content-Length"); got != fmt.Sprint(d.Bytes) || len(r.body) != d.Bytes {
			t.Errorf("%s Content-Length = %q, body %d bytes, record %d", d.Format, got, len(r.body), d.Bytes)
		}
		sum := sha256.Sum256(r.body)
		if hex.EncodeToString(sum[:]) != d.SHA256 {
			t.Errorf("%s bytes do not match the recorded SHA-256", d.Format)
		}
		// The same bytes the outbox delivered.
		delivered, err := os.ReadFile(filepath.Join(e.outbox.Dir, "aarhus", l.ID, "letter."+d.Format))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(delivered, r.body) {
			t.Errorf("%s differs from the outbox copy", d.Format)
		}
		// A conditional request with the ETag is answered 304.
		nm := e.do(t, request{method: "GET", path: d.URL, token: tokenAarhus, header: map[string]string{"If-None-Match": r.header.Get("ETag")}})
		if nm.status != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", nm.status)
		}
	}
	pdf := e.get(t, "/v1/letters/"+l.ID+"/documents/pdf", tokenAarhus)
	if text := pdfText(t, pdf.body); !strings.Contains(text, "Anna-Karin Öberg") {
		t.Errorf("the PDF's text does not hold the recipient's name:\n%s", text)
	}

	// Unknown format, and a letter that was not rendered as docx.
	if r := e.get(t, "/v1/letters/"+l.ID+"/documents/odt", tokenAarhus); r.status != 404 {
		t.Errorf("odt: %d %s", r.status, r.body)
	}
	r = e.post(t, "/v1/letters", strings.Replace(letterJSON(t, "betalningspaminnelse"), `{"template"`, `{"formats":["pdf"],"template"`, 1), nil)
	var pdfOnly letterBody
	r.json(t, &pdfOnly)
	if r := e.get(t, "/v1/letters/"+pdfOnly.ID+"/documents/docx", tokenAarhus); r.status != 404 || !strings.Contains(string(r.body), "not rendered as docx") {
		t.Errorf("docx of a pdf-only letter: %d %s", r.status, r.body)
	}
}

// TestDocumentNotYetRendered checks the 409 for a queued letter's document.
func TestDocumentNotYetRendered(t *testing.T) {
	e := newEnv(t) // no worker: the letter stays queued
	r := e.post(t, "/v1/letters", letterJSON(t, "betalningspaminnelse"), nil)
	var l letterBody
	r.json(t, &l)
	d := e.get(t, "/v1/letters/"+l.ID+"/documents/pdf", tokenAarhus)
	if d.status != http.StatusConflict || d.header.Get("Retry-After") == "" {
		t.Fatalf("document of a queued letter: %d %v %s", d.status, d.header, d.body)
	}
	if msg := d.apiError(t).Message; !strings.Contains(msg, "the letter is queued") {
		t.Errorf("message %q", msg)
	}
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tools := testenv.Need(t, "pdftotext")
	f := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tools[0], "-layout", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestIdempotency sends 50 concurrent submissions with one key: one letter, one task, one set
// of documents; 202 for exactly one of them and 200 for the rest.
func TestIdempotency(t *testing.T) {
	e := newEnv(t)
	body := letterJSON(t, "betalningspaminnelse")
	const n = 50
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
		ids      = map[string]bool{}
	)
	for range n {
		wg.Go(func() {
			r := e.post(t, "/v1/letters", body, map[string]string{"Idempotency-Key": "case-2026-118342"})
			var l letterBody
			r.json(t, &l)
			mu.Lock()
			defer mu.Unlock()
			statuses[r.status]++
			ids[l.ID] = true
		})
	}
	wg.Wait()
	if diff := cmp.Diff(map[int]int{202: 1, 200: n - 1}, statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if len(ids) != 1 {
		t.Fatalf("%d letters for one key: %v", len(ids), ids)
	}
	if got := e.taskCount(t); got != 1 {
		t.Errorf("%d tasks queued, want 1", got)
	}
	// The key is the tenant's: malmo's same key makes malmo's own letter.
	r := e.do(t, request{method: "POST", path: "/v1/letters", token: tokenMalmo, header: map[string]string{"Idempotency-Key": "case-2026-118342"}, body: strings.NewReader(body)})
	var other letterBody
	r.json(t, &other)
	if r.status != http.StatusAccepted || ids[other.ID] {
		t.Errorf("another tenant's same key: %d %s", r.status, r.body)
	}
	// The worker renders the one letter once: one set of documents in the outbox.
	e.runWorker(t)
	for id := range ids {
		if l := e.waitFinal(t, id, tokenAarhus); l.Status != worker.StatusDelivered {
			t.Fatalf("letter %s: %s %q", id, l.Status, l.LastError)
		}
	}
	dirs, err := os.ReadDir(filepath.Join(e.outbox.Dir, "aarhus"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 1 {
		t.Errorf("%d letters in aarhus' outbox, want 1", len(dirs))
	}
}

// TestTenantIsolation checks that a tenant sees nothing of another's letters, batches and
// templates, and that the answers do not tell others' ids from ids that do not exist.
func TestTenantIsolation(t *testing.T) {
	e := newEnv(t)
	r := e.post(t, "/v1/letters", letterJSON(t, "boligstoette-afgoerelse"), nil)
	var l letterBody
	r.json(t, &l)
	batch := e.do(t, request{method: "POST", path: "/v1/batches", token: tokenAarhus,
		header: map[string]string{"Content-Type": "application/x-ndjson"}, body: strings.NewReader(letterJSON(t, "betalningspaminnelse") + "\n")})
	var b batchBody
	batch.json(t, &b)
	missing := strings.Repeat("a", 26)
	for _, path := range []string{
		"/v1/letters/" + l.ID,
		"/v1/letters/" + l.ID + "/documents/pdf",
		"/v1/batches/" + b.ID,
		"/v1/templates/boligstoette-afgoerelse",
	} {
		r := e.get(t, path, tokenMalmo)
		if r.status != http.StatusNotFound {
			t.Errorf("malmo GET %s: %d %s", path, r.status, r.body)
		}
		for _, secret := range []string{l.TemplateVersion, "Søren", "0102031234", "aarhus"} {
			if bytes.Contains(r.body, []byte(secret)) {
				t.Errorf("malmo GET %s shows %q: %s", path, secret, r.body)
			}
		}
		// Another tenant's id is answered exactly like an id that does not exist.
		want := e.get(t, strings.Replace(strings.Replace(path, l.ID, missing, 1), b.ID, missing, 1), tokenMalmo)
		if path != "/v1/templates/boligstoette-afgoerelse" && r.apiError(t).Message != want.apiError(t).Message {
			t.Errorf("malmo GET %s says %q; a missing id says %q", path, r.apiError(t).Message, want.apiError(t).Message)
		}
	}
	if r := e.post(t, "/v1/templates/boligstoette-afgoerelse/preview", "", nil); r.status != 200 {
		t.Errorf("aarhus preview: %d", r.status)
	}
	if r := e.do(t, request{method: "POST", path: "/v1/templates/boligstoette-afgoerelse/preview", token: tokenMalmo}); r.status != 404 {
		t.Errorf("malmo preview of another's template: %d", r.status)
	}
	var list struct{ Templates []templateSummary }
	e.get(t, "/v1/templates", tokenMalmo).json(t, &list)
	var names []string
	for _, tm := range list.Templates {
		names = append(names, tm.Name)
	}
	if diff := cmp.Diff([]string{"betalningspaminnelse"}, names); diff != "" {
		t.Errorf("malmo's templates (-want +got):\n%s", diff)
	}
	// aarhus still sees its letter.
	if r := e.get(t, "/v1/letters/"+l.ID, tokenAarhus); r.status != 200 {
		t.Errorf("aarhus GET own letter: %d", r.status)
	}
}

// TestTemplates lists the templates, reads one and previews it with sample and given data.
func TestTemplates(t *testing.T) {
	e := newEnv(t)
	r := e.get(t, "/v1/templates", tokenAarhus)
	if r.status != 200 {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	validateBody(t, listTemplatesSchema, r.body)
	var list struct{ Templates []templateSummary }
	r.json(t, &list)
	var names []string
	for _, tm := range list.Templates {
		names = append(names, tm.Name)
		if tm.Version == "" || tm.Title == "" || tm.Error != "" {
			t.Errorf("template %+v", tm)
		}
	}
	want := []string{"betalningspaminnelse", "boligstoette-afgoerelse", "pysakointilupa-paatos", "uitnodiging-afspraak", "waste-collection-information"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("templates (-want +got):\n%s", diff)
	}

	r = e.get(t, "/v1/templates/betalningspaminnelse", tokenAarhus)
	if r.status != 200 {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	validateBody(t, "Template", r.body)
	var tm templateBody
	r.json(t, &tm)
	if tm.Language != "sv" || !bytes.Contains(tm.Schema, []byte(`"properties"`)) || !bytes.Contains(tm.Sample, []byte("Anna-Karin")) {
		t.Errorf("template: %s", r.body)
	}
	if r := e.get(t, "/v1/templates/no-such", tokenAarhus); r.status != 404 {
		t.Errorf("unknown template: %d", r.status)
	}

	// Preview with the sample data, then with data of our own.
	r = e.post(t, "/v1/templates/betalningspaminnelse/preview", "", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || r.header.Get("Content-Length") != fmt.Sprint(len(r.body)) {
		t.Fatalf("preview: %d %v", r.status, r.header)
	}
	if text := pdfText(t, r.body); !strings.Contains(text, "Anna-Karin Öberg") {
		t.Errorf("sample preview text:\n%s", text)
	}
	own := strings.Replace(sample(t, "betalningspaminnelse"), "Anna-Karin Öberg", "Britt-Marie Åkesson", 1)
	r = e.post(t, "/v1/templates/betalningspaminnelse/preview", `{"data":`+own+`}`, nil)
	if r.status != 200 {
		t.Fatalf("preview with data: %d %s", r.status, r.body)
	}
	if text := pdfText(t, r.body); !strings.Contains(text, "Britt-Marie Åkesson") {
		t.Errorf("preview text:\n%s", text)
	}
	if n := e.taskCount(t); n != 0 {
		t.Errorf("preview queued %d tasks", n)
	}
}

// TestBatch streams an NDJSON batch with good and bad lines and follows it to the end.
func TestBatch(t *testing.T) {
	e := newEnv(t)
	e.runWorker(t)
	lines := []string{
		letterJSON(t, "betalningspaminnelse"),
		`{"template":"betalningspaminnelse","data":{}}`,
		"",
		`not json`,
		`{"data":` + sample(t, "waste-collection-information") + `}`,
	}
	r := e.do(t, request{method: "POST", path: "/v1/batches?template=waste-collection-information&priority=bulk", token: tokenAarhus,
		header: map[string]string{"Content-Type": "application/x-ndjson"}, body: strings.NewReader(strings.Join(lines, "\n") + "\n")})
	if r.status != http.StatusAccepted {
		t.Fatalf("POST batch: %d %s", r.status, r.body)
	}
	validateBody(t, "Batch", r.body)
	var b batchBody
	r.json(t, &b)
	if b.Total != 4 || b.RejectedTotal != 2 || r.header.Get("Location") != "/v1/batches/"+b.ID {
		t.Fatalf("batch: %s", r.body)
	}
	var rejectedLines []int
	for _, rj := range b.Rejected {
		rejectedLines = append(rejectedLines, rj.Line)
	}
	if diff := cmp.Diff([]int{2, 4}, rejectedLines, sortInts); diff != "" {
		t.Errorf("rejected lines (-want +got):\n%s", diff)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !b.Done {
		if time.Now().After(deadline) {
			t.Fatalf("batch not done: %+v", b)
		}
		time.Sleep(50 * time.Millisecond)
		r = e.get(t, "/v1/batches/"+b.ID, tokenAarhus)
		b = batchBody{}
		r.json(t, &b)
	}
	validateBody(t, "Batch", r.body)
	if b.Counts[worker.StatusDelivered] != 2 || b.Counts[worker.StatusFailed] != 0 {
		t.Errorf("counts: %v", b.Counts)
	}
}

// TestBatchIsStreamed checks that letters of a batch are queued while its body is still being
// sent: the handler never waits for (or holds) the whole body.
func TestBatchIsStreamed(t *testing.T) {
	e := newEnv(t)
	pr, pw := io.Pipe()
	defer pw.Close() // a failing test must not leave the request hanging
	done := make(chan response, 1)
	go func() {
		done <- e.do(t, request{method: "POST", path: "/v1/batches", token: tokenAarhus,
			header: map[string]string{"Content-Type": "application/x-ndjson"}, body: pr})
	}()
	line := letterJSON(t, "betalningspaminnelse") + "\n"
	for range 3 {
		if _, err := io.WriteString(pw, line); err != nil {
			t.Fatal(err)
		}
	}
	// The body is still open; the three letters must be queued before it ends.
	deadline := time.Now().Add(30 * time.Second)
	for e.taskCount(t) < 3 {
		if time.Now().After(deadline) {
			t.Fatal("no letters queued while the batch body was still open: the body is not streamed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	io.WriteString(pw, line)
	pw.Close()
	r := <-done
	var b batchBody
	r.json(t, &b)
	if r.status != http.StatusAccepted || b.Total != 4 {
		t.Errorf("batch: %d %s", r.status, r.body)
	}
}

var sortInts = cmp.Transformer("sort", func(in []int) []int {
	out := append([]int(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

// TestOperations covers /healthz, /readyz, /metrics, unknown paths and methods, and request ids.
func TestOperations(t *testing.T) {
	e := newEnv(t)
	e.post(t, "/v1/letters", letterJSON(t, "betalningspaminnelse"), nil)

	if r := e.get(t, "/healthz", ""); r.status != 200 || string(r.body) != "{\"status\":\"ok\"}\n" {
		t.Errorf("healthz: %d %s", r.status, r.body)
	}
	if r := e.get(t, "/readyz", ""); r.status != 200 {
		t.Errorf("readyz: %d %s", r.status, r.body)
	}
	r := e.get(t, "/metrics", "")
	if r.status != 200 {
		t.Fatalf("metrics: %d %s", r.status, r.body)
	}
	for _, want := range []string{
		`postbud_letters_total{status="queued",template="betalningspaminnelse"} 1`,
		`postbud_queue_tasks{queue="render:default",state="pending"} 1`,
		`postbud_queue_tasks{queue="deliver",state="pending"} 0`,
		`postbud_http_requests_total{code="202",route="POST /v1/letters"} 1`,
		`postbud_http_request_seconds_count{route="POST /v1/letters"} 1`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	r = e.get(t, "/v2/letters", tokenAarhus)
	if r.status != 404 || !strings.Contains(r.apiError(t).Message, "no such path") {
		t.Errorf("unknown path: %d %s", r.status, r.body)
	}
	r = e.do(t, request{method: "DELETE", path: "/v1/letters", token: tokenAarhus})
	if r.status != 405 || r.header.Get("Allow") == "" || !strings.Contains(r.apiError(t).Message, "POST") {
		t.Errorf("wrong method: %d %v %s", r.status, r.header, r.body)
	}
	r = e.do(t, request{method: "GET", path: "/healthz", header: map[string]string{"X-Request-Id": "agency-trace-42"}})
	if r.header.Get("X-Request-Id") != "agency-trace-42" {
		t.Errorf("X-Request-Id = %q", r.header.Get("X-Request-Id"))
	}
	r = e.do(t, request{method: "GET", path: "/healthz", header: map[string]string{"X-Request-Id": "bad id\twith spaces"}})
	if id := r.header.Get("X-Request-Id"); len(id) != 16 {
		t.Errorf("X-Request-Id = %q, want a fresh one", id)
	}
	if r := e.get(t, "/v1/openapi.yaml", ""); r.status != 200 || !bytes.Equal(r.body, OpenAPI) {
		t.Errorf("openapi.yaml: %d", r.status)
	}
	// The log has request lines with ids and tenants, and never case data or recipients.
	logs := e.logs.String()
	if !strings.Contains(logs, `"tenant":"aarhus"`) || !strings.Contains(logs, `"route":"POST /v1/letters"`) {
		t.Errorf("log lacks request lines:\n%s", logs)
	}
	for _, secret := range []string{"Søren", "0102031234", "Anna-Karin", "Storgatan", tokenAarhus} {
		if strings.Contains(logs, secret) {
			t.Errorf("log shows %q:\n%s", secret, logs)
		}
	}
}

// TestNotReadyAndInternalError uses a worker client whose Redis is gone: /readyz says 503 and a
// submission is answered 500 "internal error" with a request id, the full error in the log.
func TestNotReadyAndInternalError(t *testing.T) {
	e := newEnv(t)
	opts := e.opts
	opts.Redis = deadRedis()
	c, err := worker.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	logs := &testenv.Buffer{}
	h, err := New(Config{
		Letters: c, Templates: opts.Templates.(*worker.DirTemplates),
		Tenants: []Tenant{{Name: "aarhus", TokenSHA256: []string{tokenHash(tokenAarhus)}}},
		Ready:   c.Ping,
		Logger:  slogJSON(logs),
	})
	if err != nil {
		t.Fatal(err)
	}
	dead := *e
	dead.srv = httptest.NewServer(h)
	defer dead.srv.Close()
	e = &dead
	r := e.get(t, "/readyz", "")
	if r.status != http.StatusServiceUnavailable {
		t.Errorf("readyz: %d %s", r.status, r.body)
	}
	r = e.post(t, "/v1/letters", letterJSON(t, "betalningspaminnelse"), nil)
	if r.status != 500 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	apiErr := r.apiError(t)
	if !strings.HasPrefix(apiErr.Message, "internal error") || apiErr.RequestID == "" {
		t.Errorf("500 body: %s", r.body)
	}
	if strings.Contains(string(r.body), "127.0.0.1") || strings.Contains(string(r.body), "redis") {
		t.Errorf("500 body shows internals: %s", r.body)
	}
	if !strings.Contains(logs.String(), apiErr.RequestID) || !strings.Contains(logs.String(), "connect") {
		t.Errorf("the log lacks the full error under the request id:\n%s", logs)
	}
}

func TestNewChecksConfig(t *testing.T) {
	e := newEnv(t)
	tmpl := e.opts.Templates.(*worker.DirTemplates)
	good := Tenant{Name: "aarhus", TokenSHA256: []string{tokenHash("a")}}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no letters", Config{Templates: tmpl, Tenants: []Tenant{good}}, "Config.Letters is required"},
		{"no templates", Config{Letters: e.client, Tenants: []Tenant{good}}, "Config.Templates is required"},
		{"no tenants", Config{Letters: e.client, Templates: tmpl}, "Config.Tenants is empty"},
		{"bad name", Config{Letters: e.client, Templates: tmpl, Tenants: []Tenant{{Name: "a/b", TokenSHA256: good.TokenSHA256}}}, `Name "a/b"`},
		{"token not hashed", Config{Letters: e.client, Templates: tmpl, Tenants: []Tenant{{Name: "a", TokenSHA256: []string{"secret"}}}}, "not 64 hex digits"},
		{"no token", Config{Letters: e.client, Templates: tmpl, Tenants: []Tenant{{Name: "a"}}}, "has no token hash"},
		{"shared token", Config{Letters: e.client, Templates: tmpl, Tenants: []Tenant{good, {Name: "b", TokenSHA256: good.TokenSHA256}}}, `also a token of tenant "aarhus"`},
		{"tenant twice", Config{Letters: e.client, Templates: tmpl, Tenants: []Tenant{good, good}}, "configured twice"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// BenchmarkSubmit measures POST /v1/letters end to end through the handler into Redis, in
// letters per second.
func BenchmarkSubmit(b *testing.B) {
	e := newEnv(b)
	body := letterJSON(b, "betalningspaminnelse")
	b.ResetTimer()
	for b.Loop() {
		r := e.post(b, "/v1/letters", body, nil)
		if r.status != http.StatusAccepted {
			b.Fatalf("%d %s", r.status, r.body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}
