package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// amplificationBody is a POST /v1/letters body of about 10 KB whose case data has a table of
// rows holding numbers: each costs nothing to send and, checked naively, 10^999999 to compute
// and a million digits to print, once per row.
func amplificationBody(t *testing.T, numbers []string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(sample(t, "boligstoette-afgoerelse")), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "table")
	rest, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for size, i := len(rest), 0; size < 10000; i++ {
		r := `{"period":"p","description":"d","amountOre":` + numbers[i%len(numbers)] + `}`
		rows = append(rows, r)
		size += len(r) + 1
	}
	data := strings.TrimSuffix(string(rest), "}") +
		`,"table":{"caption":"c","columns":{"period":"p","description":"d","amount":"a"},"rows":[` +
		strings.Join(rows, ",") + `],"total":{"label":"l","amountOre":` + numbers[0] + `}}}`
	return `{"template":"boligstoette-afgoerelse","data":` + data + `}`
}

// cpuTime is the CPU time (user and system) the test process has used so far.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestAmplification: a 10 KB request with huge numbers in many rows is answered with a short
// 422 (the first 50 problems and a count of the rest), for little CPU: checking case data costs
// in proportion to its size, whatever it holds.
func TestAmplification(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name    string
		path    string
		numbers []string
		want    string // the message of the first problem
	}{{
		name:    "exponents beyond the limit",
		path:    "/v1/letters",
		numbers: []string{"1e999999", "-1e-999999", "123456789e999999999", "9.99E+999999", "-0.5e-99999"},
		want:    "number has an exponent beyond ±400; write it with a smaller exponent or none",
	}, {
		name:    "preview",
		path:    "/v1/templates/boligstoette-afgoerelse/preview",
		numbers: []string{"1e999999", "-1e-999999", "123456789e999999999"},
		want:    "number has an exponent beyond ±400; write it with a smaller exponent or none",
	}, {
		name:    "long numbers",
		path:    "/v1/letters",
		numbers: []string{"1" + strings.Repeat("0", 69), "-0." + strings.Repeat("1", 67)},
		want:    "number is written with 70 characters; the limit is 64",
	}, {
		name:    "numbers at the limit, checked by the schema",
		path:    "/v1/letters",
		numbers: []string{"1e400", "-1e-400", "12345678901234567890e380"},
		want:    "expected at most 100000000 (value: 1e400)",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := amplificationBody(t, tc.numbers)
			if len(body) < 9500 || len(body) > 10500 {
				t.Fatalf("body is %d bytes, want about 10 KB", len(body))
			}
			if tc.path != "/v1/letters" {
				body = `{"data":` + strings.TrimSuffix(strings.TrimPrefix(body, `{"template":"boligstoette-afgoerelse","data":`), "}") + `}`
			}
			var best time.Duration
			var r response
			for i := range 5 {
				before := cpuTime(t)
				r = e.post(t, tc.path, body, nil)
				if used := cpuTime(t) - before; i == 0 || used < best {
					best = used
				}
			}
			t.Logf("%d-byte request: %d-byte answer, %v CPU (best of 5)", len(body), len(r.body), best)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %.500s", r.status, r.body)
			}
			if len(r.body) >= 64<<10 {
				t.Errorf("the answer is %d bytes, want under 64 KiB", len(r.body))
			}
			if best >= 100*time.Millisecond {
				t.Errorf("the request cost %v of CPU, want under 100ms", best)
			}
			ae := r.apiError(t)
			if len(ae.Problems) != 51 {
				t.Fatalf("%d problems, want 50 and a count: %+v", len(ae.Problems), ae.Problems)
			}
			if last := ae.Problems[50]; last.Path != "/data" || !strings.HasPrefix(last.Message, "and ") || !strings.HasSuffix(last.Message, " more problems") {
				t.Errorf("last problem %+v, want the count of the rest", last)
			}
			if got := ae.Problems[0]; got.Path != "/data/table/rows/0/amountOre" && got.Path != "/data/table/total/amountOre" {
				t.Errorf("first problem %+v", got)
			}
			found := false
			for _, p := range ae.Problems {
				found = found || strings.HasPrefix(p.Message, tc.want)
			}
			if !found {
				t.Errorf("no problem says %q: %+v", tc.want, ae.Problems[:3])
			}
		})
	}
}
