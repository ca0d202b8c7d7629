package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/internal/testenv"
)

// Values with a character of every escape class (control characters U+0007, U+0008, U+001B,
// both quotes, a backslash, HTML's <>&, characters beyond the BMP, an escape sequence as text,
// the RTL override) and a CPR number in each.
const (
	cprNumber = "010190-1234"
	// secretName makes the PDF fail: the font has no 😀 (nor the control characters).
	secretName = "Åse \a\b\x1b\"'\\<>&😀𝔘\\u0000\u202e " + cprNumber
	// secretWide has only characters the font has, and is wider than the envelope window.
	secretWide = `Jens "Bo" O'Hara <&> \ ` + cprNumber + " Kristoffersen-Vestergaard-Frederiksen-Schou-Andersen"
	// secretDate passes the schema (format is not asserted) and fails {{ date .date }}.
	secretDate = "2026-13-45 \u202e" + cprNumber + " 😀\a"
	// secretCase breaks the pattern of caseNumber.
	secretCase = "\x1b[31m" + cprNumber + "\u202e'\"<>&\\"
)

// leakForms is testenv.LeakForms of the secrets and the CPR number alone.
func leakForms(secrets ...string) []string { return testenv.LeakForms(append(secrets, cprNumber)...) }

var allSecrets = []string{secretName, secretWide, secretDate, secretCase}

// sampleData returns the sample of boligstoette-afgoerelse changed by edit, as JSON.
func sampleData(t *testing.T, edit func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(sample(t, "boligstoette-afgoerelse")), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func sub(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

// leaks reports every secret form in text.
func leaks(text string, secrets ...string) []string {
	var found []string
	for _, f := range leakForms(secrets...) {
		if strings.Contains(text, f) {
			found = append(found, f)
		}
	}
	return found
}

// TestNoValueLeaks sends values of every escape class through each failure path the API
// reaches: schema errors (wrong type, pattern, maxLength), a template that fails on the data,
// letters the PDF renderer refuses, rejected batch lines, and the preview of each. The 422 to
// the tenant shows an excerpt of at most 40 characters; Redis, records, batches and the log
// never hold any of the values, in clear or escaped.
func TestNoValueLeaks(t *testing.T) {
	e := newEnv(t)
	e.runWorker(t)
	const tmpl = "boligstoette-afgoerelse"
	recipient := `{"id":"0101901234","name":` + jsonString(secretName) + `,"address":[` + jsonString(secretWide) + `,"8000 Aarhus C"]}`
	letter := func(data string) string {
		return `{"template":"` + tmpl + `","formats":["pdf"],"data":` + data + `,"recipient":` + recipient + `}`
	}
	refused := []struct {
		name, data string
		path       string // of the problem whose excerpt is checked
		excerpt    string // the message's end for the tenant
	}{{
		name: "wrong type",
		data: sampleData(t, func(m map[string]any) {
			sub(m, "table")["rows"].([]any)[0].(map[string]any)["amountOre"] = secretName
		}),
		path:    "/data/table/rows/0/amountOre",
		excerpt: `expected integer, got string (value: "Åse \u0007\u0008\u001b\"'\\<>&😀𝔘\\u0000\u202e 010190-1234")`,
	}, {
		name:    "pattern",
		data:    sampleData(t, func(m map[string]any) { m["caseNumber"] = secretCase }),
		path:    "/data/caseNumber",
		excerpt: `expected text matching ^[0-9]{4}-[0-9]{6}$ (value: "\u001b[31m010190-1234\u202e'\"<>&\\")`,
	}, {
		name: "maxLength",
		data: sampleData(t, func(m map[string]any) {
			m["paragraphs"].([]any)[0] = strings.Repeat("x", 30) + strings.Repeat(secretWide+" ", 30)
		}),
		path: "/data/paragraphs/0",
		// 40 characters: the CPR number is cut off.
		excerpt: `expected at most 2000 characters, got 2670 (value: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxJens \"Bo\" "…)`,
	}}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/v1/letters", "/v1/templates/" + tmpl + "/preview"} {
				body := letter(tc.data)
				if strings.HasSuffix(path, "/preview") {
					body = `{"data":` + tc.data + `}`
				}
				r := e.post(t, path, body, nil)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("POST %s: %d %s", path, r.status, r.body)
				}
				ae := r.apiError(t)
				found := false
				for _, p := range ae.Problems {
					if p.Path == tc.path {
						found = true
						if !strings.HasSuffix(p.Message, tc.excerpt) {
							t.Errorf("POST %s: problem %q, want it to end in %q", path, p.Message, tc.excerpt)
						}
					}
				}
				if !found {
					t.Errorf("POST %s: no problem at %s: %s", path, tc.path, r.body)
				}
				// The excerpt is cut: no whole value is in the answer beyond 40 characters.
				if tc.name == "maxLength" && bytes.Contains(r.body, []byte(cprNumber)) {
					t.Errorf("POST %s: the answer holds more than the excerpt: %s", path, r.body)
				}
			}
		})
	}

	// Accepted (unless the render checks run at submission), then failed by the worker; the
	// preview of the same data is a 422 whose text has no value but the excerpt.
	failing := []struct{ name, data string }{
		{"bad date", sampleData(t, func(m map[string]any) { m["date"] = secretDate })},
		{"glyph", sampleData(t, func(m map[string]any) { sub(m, "recipient")["name"] = secretName; m["subject"] = secretName })},
		// Too long for the envelope window even wrapped at 8 pt (one secretWide wraps and fits).
		{"too wide", sampleData(t, func(m map[string]any) { sub(m, "recipient")["street"] = strings.Repeat(secretWide+" ", 4) })},
	}
	var ids []string
	for _, tc := range failing {
		r := e.post(t, "/v1/letters", letter(tc.data), nil)
		switch r.status {
		case http.StatusAccepted:
			var l letterBody
			r.json(t, &l)
			ids = append(ids, l.ID)
		case http.StatusUnprocessableEntity:
		default:
			t.Errorf("%s: POST /v1/letters: %d %s", tc.name, r.status, r.body)
		}
		p := e.post(t, "/v1/templates/"+tmpl+"/preview", `{"data":`+tc.data+`}`, nil)
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: preview: %d %.300s", tc.name, p.status, p.body)
			continue
		}
		ae := p.apiError(t)
		text := ae.Message
		for _, pr := range ae.Problems {
			text += "\n" + pr.Message
		}
		t.Logf("%s: preview says %s", tc.name, text)
		// Only an excerpt (as Problem.Value writes it) may be there, and no whole value.
		for _, f := range leaks(strings.ReplaceAll(text, `(value: "2026-13-45 \u202e010190-1234 😀\u0007")`, ""), allSecrets...) {
			t.Errorf("%s: preview answer holds %q: %s", tc.name, f, text)
		}
	}

	// A batch with a bad line of each kind.
	var nd strings.Builder
	for _, tc := range refused {
		nd.WriteString(letter(tc.data) + "\n")
	}
	nd.WriteString(letter(failing[1].data) + "\n")
	nd.WriteString(`{"template":"` + tmpl + `","data":{"name":"` + cprNumber + `"` + "\n")
	nd.WriteString(`{"template":"` + tmpl + `","data":{},"recipient":{"id":101901234}}` + "\n")
	nd.WriteString(`{"template":"` + tmpl + `","data":{"caseNumber":101901234},"x":"` + cprNumber + `"}` + "\n")
	br := e.do(t, request{method: "POST", path: "/v1/batches", token: tokenAarhus,
		header: map[string]string{"Content-Type": "application/x-ndjson"}, body: strings.NewReader(nd.String())})
	if br.status != http.StatusAccepted && br.status != http.StatusOK {
		t.Fatalf("POST /v1/batches: %d %s", br.status, br.body)
	}
	var b batchBody
	br.json(t, &b)
	if b.RejectedTotal < len(refused)+3 {
		t.Errorf("%d lines rejected, want at least %d: %s", b.RejectedTotal, len(refused)+3, br.body)
	}
	if f := leaks(string(br.body), allSecrets...); len(f) > 0 {
		t.Errorf("batch answer holds %q: %s", f, br.body)
	}

	for _, id := range ids {
		l := e.waitFinal(t, id, tokenAarhus)
		if l.Status != "failed" || l.LastError == "" {
			t.Errorf("letter %s: status %s, last error %q; want failed with an error", id, l.Status, l.LastError)
		}
		r := e.get(t, "/v1/letters/"+id, tokenAarhus)
		if f := leaks(string(r.body), allSecrets...); len(f) > 0 {
			t.Errorf("GET letter %s holds %q: %s", id, f, r.body)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for {
		r := e.get(t, "/v1/batches/"+b.ID, tokenAarhus)
		r.json(t, &b)
		if f := leaks(string(r.body), allSecrets...); len(f) > 0 {
			t.Errorf("GET batch holds %q: %s", f, r.body)
		}
		if b.Done || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}

	scanRedis(t, e, leakForms(append(allSecrets, "0101901234")...))
	for _, l := range strings.Split(e.logs.String(), "\n") {
		if f := leaks(l, allSecrets...); len(f) > 0 {
			t.Errorf("log line holds %q: %s", f, l)
		}
	}
}

// jsonString writes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// scanRedis reads every key of the test's Redis, of every type, and fails on any of forms.
func scanRedis(t *testing.T, e *env, forms []string) {
	t.Helper()
	ctx := context.Background()
	rdb, ok := e.opts.Redis.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		t.Fatalf("Redis client of type %T", e.opts.Redis.MakeRedisClient())
	}
	defer rdb.Close()
	iter := rdb.Scan(ctx, 0, "*", 500).Iterator()
	keys := 0
	for iter.Next(ctx) {
		key := iter.Val()
		keys++
		values := []string{key}
		typ, err := rdb.Type(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		switch typ {
		case "string":
			values = append(values, rdb.Get(ctx, key).Val())
		case "hash":
			for k, v := range rdb.HGetAll(ctx, key).Val() {
				values = append(values, k, v)
			}
		case "list":
			values = append(values, rdb.LRange(ctx, key, 0, -1).Val()...)
		case "set":
			values = append(values, rdb.SMembers(ctx, key).Val()...)
		case "zset":
			values = append(values, rdb.ZRange(ctx, key, 0, -1).Val()...)
		case "stream":
			for _, m := range rdb.XRange(ctx, key, "-", "+").Val() {
				for k, v := range m.Values {
					values = append(values, k, fmt.Sprint(v))
				}
			}
		case "none":
		default:
			t.Errorf("key %s has type %s the scan cannot read", key, typ)
		}
		for _, v := range values {
			for _, f := range forms {
				if strings.Contains(v, f) {
					t.Errorf("key %s (%s) holds %q", key, typ, f)
				}
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if keys == 0 {
		t.Error("scanned no keys")
	}
}
