package testenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// LeakForms returns every form in which a secret (personal data a test fed in) could show up in
// a log line, a Redis value or an answer: in clear, each of its words of four characters or
// more (as the redactor takes them, so a value partly redacted is caught), as Go %q and %+q,
// JSON-escaped with and without HTML escaping, JSON-escaped twice (a JSON value inside a JSON
// record), and a %q rendering inside JSON. Tests scan texts for each form.
func LeakForms(secrets ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	var all []string
	for _, s := range secrets {
		all = append(all, s)
		for _, w := range strings.Fields(s) {
			if utf8.RuneCountInString(w) >= 4 {
				all = append(all, w)
			}
		}
	}
	for _, s := range all {
		add(s)
		add(strings.Trim(fmt.Sprintf("%q", s), `"`))
		add(strings.Trim(fmt.Sprintf("%+q", s), `"`))
		j, _ := json.Marshal(s)
		add(strings.Trim(string(j), `"`))
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		add(strings.Trim(strings.TrimSpace(b.String()), `"`))
		jj, _ := json.Marshal(string(j))
		add(strings.Trim(string(jj), `"`))
		jq, _ := json.Marshal(fmt.Sprintf("%q", s))
		add(strings.Trim(string(jq), `"`))
	}
	return out
}
