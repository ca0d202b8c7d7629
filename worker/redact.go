package worker

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/postbud/postbud/delivery"
)

// redactor removes personal data from error texts before they reach a record, a task error in
// Redis or a log line: every string and number of the case data and the recipient (three
// characters or longer) is replaced by "[…]". Template and schema errors may quote a value
// ("got string \"Søren\""); this keeps such quotes out of storage while the path and the reason
// stay.
type redactor struct{ secrets []string }

const redacted = "[…]"

func newRedactor(data []byte, r delivery.Recipient) *redactor {
	set := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if len([]rune(s)) >= 3 {
			set[s] = true
			// Also each word of a name or address, so "Møller" alone is caught.
			for _, w := range strings.Fields(s) {
				if len([]rune(w)) >= 4 {
					set[w] = true
				}
			}
		}
	}
	add(r.ID)
	add(r.Name)
	for _, a := range r.Address {
		add(a)
	}
	if len(data) > 0 {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			walkValues(v, add)
		}
	}
	secrets := make([]string, 0, len(set))
	for s := range set {
		secrets = append(secrets, s)
	}
	// Longest first, so a full name goes before its parts.
	sort.Slice(secrets, func(i, j int) bool {
		if len(secrets[i]) != len(secrets[j]) {
			return len(secrets[i]) > len(secrets[j])
		}
		return secrets[i] < secrets[j]
	})
	return &redactor{secrets: secrets}
}

// text returns s without any of the secrets.
func (r *redactor) text(s string) string {
	if r == nil {
		return s
	}
	for _, x := range r.secrets {
		if strings.Contains(s, x) {
			s = strings.ReplaceAll(s, x, redacted)
		}
	}
	return s
}

// walkValues calls add with every string and number in v (not the object keys: they are the
// schema's field names, which errors need).
func walkValues(v any, add func(string)) {
	switch v := v.(type) {
	case string:
		add(v)
	case json.Number:
		add(v.String())
	case []any:
		for _, e := range v {
			walkValues(e, add)
		}
	case map[string]any:
		for _, e := range v {
			walkValues(e, add)
		}
	}
}
