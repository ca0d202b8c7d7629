package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/worker"
)

// openAPIDoc is openapi.yaml decoded as JSON values.
func openAPIDoc(t testing.TB) map[string]any {
	t.Helper()
	var y any
	if err := yaml.Unmarshal(OpenAPI, &y); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	j, err := json.Marshal(y)
	if err != nil {
		t.Fatalf("openapi.yaml as JSON: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(j, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

var methods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// openAPIOperations lists "METHOD /path" of every operation in openapi.yaml.
func openAPIOperations(t testing.TB) []string {
	doc := openAPIDoc(t)
	var ops []string
	for path, item := range doc["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			if contains(methods, m) {
				ops = append(ops, strings.ToUpper(m)+" "+path)
			}
		}
	}
	sort.Strings(ops)
	return ops
}

// offlineServer is a server whose worker client points at no Redis: enough to inspect routes.
func offlineServer(t testing.TB) *server {
	t.Helper()
	key, err := sealed.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &worker.DirTemplates{Root: samplesRoot}
	c, err := worker.NewClient(worker.Options{Redis: deadRedis(), Templates: tmpl, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := newServer(Config{Letters: c, Templates: tmpl, Tenants: []Tenant{{Name: "a", TokenSHA256: []string{tokenHash("a")}}}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOpenAPIMatchesRoutes checks that every route the mux serves is described in openapi.yaml
// and every described operation is served: the mux dispatches a request for each to exactly
// that pattern.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := offlineServer(t)
	var served []string
	for _, rt := range s.routes() {
		served = append(served, rt.method+" "+rt.path)
	}
	sort.Strings(served)
	described := openAPIOperations(t)
	if diff := cmp.Diff(described, served); diff != "" {
		t.Errorf("openapi.yaml operations (-) vs routes served (+):\n%s", diff)
	}
	param := regexp.MustCompile(`\{[a-z]+\}`)
	for _, op := range described {
		method, path, _ := strings.Cut(op, " ")
		req := httptest.NewRequest(method, param.ReplaceAllString(path, "abc"), nil)
		if _, pattern := s.mux.Handler(req); pattern != op {
			t.Errorf("%s %s is dispatched to %q, want %q", method, req.URL.Path, pattern, op)
		}
	}
	if doc := openAPIDoc(t); doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
}

// TestOpenAPIDescribesAuth checks the security of each operation: the ones without a token in
// openapi.yaml are exactly the ones the server answers without one.
func TestOpenAPIDescribesAuth(t *testing.T) {
	s := offlineServer(t)
	doc := openAPIDoc(t)
	param := regexp.MustCompile(`\{[a-z]+\}`)
	for path, item := range doc["paths"].(map[string]any) {
		for m, op := range item.(map[string]any) {
			if !contains(methods, m) {
				continue
			}
			sec, has := op.(map[string]any)["security"]
			open := has && len(sec.([]any)) == 0
			req := httptest.NewRequest(strings.ToUpper(m), param.ReplaceAllString(path, "abc"), nil)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if got := rec.Code == http.StatusUnauthorized; got == open {
				t.Errorf("%s %s without a token: %d, but openapi.yaml says open=%v", m, path, rec.Code, open)
			}
		}
	}
}

var (
	schemasOnce sync.Once
	schemaComp  *jsonschema.Compiler
	schemaErr   error
)

const openAPIURL = "mem:///openapi.json"

// listTemplatesSchema is the inline response schema of GET /v1/templates.
const listTemplatesSchema = "#/paths/~1v1~1templates/get/responses/200/content/application~1json/schema"

// validateBody checks body against a schema of openapi.yaml: a component schema name, or a
// JSON Pointer fragment starting with "#".
func validateBody(t testing.TB, schema string, body []byte) {
	t.Helper()
	sch := openAPISchema(t, schema)
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("body does not match %s of openapi.yaml: %v\n%s", schema, err, body)
	}
}

// openAPISchema compiles a schema of openapi.yaml, named as for validateBody.
func openAPISchema(t testing.TB, schema string) *jsonschema.Schema {
	t.Helper()
	schemasOnce.Do(func() {
		var y any
		if schemaErr = yaml.Unmarshal(OpenAPI, &y); schemaErr != nil {
			return
		}
		j, _ := json.Marshal(y)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			schemaErr = err
			return
		}
		schemaComp = jsonschema.NewCompiler()
		schemaComp.DefaultDraft(jsonschema.Draft2020)
		schemaErr = schemaComp.AddResource(openAPIURL, doc)
	})
	if schemaErr != nil {
		t.Fatalf("openapi.yaml: %v", schemaErr)
	}
	if !strings.HasPrefix(schema, "#") {
		schema = "#/components/schemas/" + schema
	}
	sch, err := schemaComp.Compile(openAPIURL + schema)
	if err != nil {
		t.Fatalf("compile %s of openapi.yaml: %v", schema, err)
	}
	return sch
}

// TestOpenAPISchemasCompile compiles every component schema, so every $ref resolves.
func TestOpenAPISchemasCompile(t *testing.T) {
	doc := openAPIDoc(t)
	openAPISchema(t, listTemplatesSchema)
	for name := range doc["components"].(map[string]any)["schemas"].(map[string]any) {
		openAPISchema(t, name)
	}
}

// TestErrorsFollowOpenAPI checks error bodies against the Error schema.
func TestErrorsFollowOpenAPI(t *testing.T) {
	s := offlineServer(t)
	for _, req := range []*http.Request{
		httptest.NewRequest("GET", "/v1/letters/abc", nil),
		httptest.NewRequest("GET", "/nowhere", nil),
		httptest.NewRequest("PUT", "/v1/letters", nil),
	} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: Content-Type %q", req.Method, req.URL, rec.Header().Get("Content-Type"))
		}
		validateBody(t, "Error", rec.Body.Bytes())
	}
}
