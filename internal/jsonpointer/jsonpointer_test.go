package jsonpointer

import "testing"

func TestEscape(t *testing.T) {
	for _, c := range []struct{ raw, esc string }{
		{"name", "name"}, {"a/b", "a~1b"}, {"m~n", "m~0n"}, {"~1", "~01"}, {"/~", "~1~0"}, {"", ""},
	} {
		if got := Escape(c.raw); got != c.esc {
			t.Errorf("Escape(%q) = %q, want %q", c.raw, got, c.esc)
		}
		if got := Unescape(c.esc); got != c.raw {
			t.Errorf("Unescape(%q) = %q, want %q", c.esc, got, c.raw)
		}
	}
	if got := Join([]string{"table", "rows", "0", "a/b"}); got != "/table/rows/0/a~1b" {
		t.Errorf("Join = %q", got)
	}
	if got := Join(nil); got != "" {
		t.Errorf("Join(nil) = %q, want the root \"\"", got)
	}
}
