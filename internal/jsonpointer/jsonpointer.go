// Package jsonpointer escapes and joins the tokens of JSON Pointers (RFC 6901), the paths by
// which postbud names places in case data, in schemas and in API requests ("/recipient/name").
// It is this small on purpose: the callers split and walk pointers in their own ways, and only
// the escaping rules must be the same everywhere.
package jsonpointer

import "strings"

var (
	escaper   = strings.NewReplacer("~", "~0", "/", "~1")
	unescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

// Escape makes a member name or index a pointer token: "~" becomes "~0", "/" becomes "~1".
func Escape(token string) string { return escaper.Replace(token) }

// Unescape is the inverse of Escape: "~1" becomes "/", then "~0" becomes "~".
func Unescape(token string) string { return unescaper.Replace(token) }

// Join builds a pointer from unescaped tokens: "/" before each; "" for none (the whole value).
func Join(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}
