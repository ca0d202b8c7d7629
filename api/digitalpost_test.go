package api

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/worker"
)

// TestSubmitDigitalPostRules: through HTTP, what Digital Post would reject is a 422 naming the
// field, nothing is queued, and the answer does not echo the recipient's number.
func TestSubmitDigitalPostRules(t *testing.T) {
	e := newEnv(t, func(o *worker.Options) {
		o.Tenants = map[string]worker.Tenant{"aarhus": {Sender: memo.Sender{ID: "55133018", Label: "Aarhus Kommune"}}}
		o.Channels["ngdp"] = o.Channels["outbox"]
	})
	data, err := os.ReadFile(filepath.Join(samplesRoot, "templates", "boligstoette-afgoerelse", "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	json.Unmarshal(data, &v)
	v["subject"] = strings.Repeat("Boligstøtte ", 25) // 300 characters: over the label's 256
	long, _ := json.Marshal(v)
	before := e.taskCount(t)
	for _, tc := range []struct {
		name, body, path string
	}{
		{"9-digit CPR", fmt.Sprintf(`{"template":"boligstoette-afgoerelse","delivery":"ngdp","data":%s,"recipient":{"id":"123456789","name":"A"}}`, data), "/recipient/id"},
		{"CVR failing modulus 11", fmt.Sprintf(`{"template":"boligstoette-afgoerelse","delivery":"ngdp","data":%s,"recipient":{"id":"12345678","name":"A"}}`, data), "/recipient/id"},
		{"label of 300 characters", fmt.Sprintf(`{"template":"boligstoette-afgoerelse","delivery":"ngdp","data":%s,"recipient":{"id":"0101901234","name":"A"}}`, long), "/data/subject"},
		{"file name with a colon", fmt.Sprintf(`{"template":"boligstoette-afgoerelse","delivery":"ngdp","data":%s,"recipient":{"id":"0101901234","name":"A"},"attachments":[{"filename":"bilag:1.pdf","mime_type":"application/pdf","content_base64":"JVBERi0="}]}`, data), "/attachments/0/filename"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(t, "/v1/letters", tc.body, nil)
			var body struct {
				Problems []Problem `json:"problems"`
			}
			r.json(t, &body)
			found := false
			for _, p := range body.Problems {
				found = found || p.Path == tc.path
			}
			if r.status != 422 || !found {
				t.Errorf("status %d, problems %+v; want 422 with one at %s", r.status, body.Problems, tc.path)
			}
			if strings.Contains(string(r.body), "123456789") {
				t.Errorf("the answer echoes the recipient's number: %s", r.body)
			}
		})
	}
	if n := e.taskCount(t); n != before {
		t.Errorf("%d tasks queued by refused letters", n-before)
	}
	// Accepted: the letter gets its messageUUID before any attempt, shown by the API.
	r := e.post(t, "/v1/letters", fmt.Sprintf(`{"template":"boligstoette-afgoerelse","delivery":"ngdp","data":%s,"recipient":{"id":"0101901234","name":"Ærø & <Søn> 😀"}}`, data), nil)
	var l struct {
		ID          string `json:"id"`
		MessageUUID string `json:"message_uuid"`
	}
	r.json(t, &l)
	if r.status != 202 || len(l.MessageUUID) != 36 {
		t.Errorf("status %d, %s; want 202 with a message_uuid", r.status, r.body)
	}
}
