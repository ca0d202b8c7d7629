package jsonlimit

import "testing"

func TestDepth(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{`1`, 0},
		{`{}`, 1},
		{`{"a": [1, {"b": []}]}`, 4},
		{`{"a": "[[[{{{"}`, 1},
		{`["\"[[", ["x"]]`, 2},
		{`["\\", [[1]]]`, 3},
	} {
		if got := Depth([]byte(tc.text)); got != tc.want {
			t.Errorf("Depth(%s) = %d, want %d", tc.text, got, tc.want)
		}
	}
}

func FuzzDepth(f *testing.F) {
	f.Add([]byte(`{"a": [1, "]"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d := Depth(b); d < 0 || d > len(b) {
			t.Fatalf("Depth = %d for %d bytes", d, len(b))
		}
	})
}

// depthBytewise is Depth as it was, byte by byte, for the comparisons below.
func depthBytewise(text []byte) int {
	d, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range text {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			d++
			deepest = max(deepest, d)
		case c == ']' || c == '}':
			d--
		}
	}
	return deepest
}

func TestDepthSameAsBytewise(t *testing.T) {
	alphabet := []byte(`"\[]{}a `)
	// Every text of up to 7 characters from the alphabet.
	var walk func(b []byte)
	walk = func(b []byte) {
		if got, want := Depth(b), depthBytewise(b); got != want {
			t.Fatalf("Depth(%s) = %d, byte by byte %d", b, got, want)
		}
		if len(b) == 7 {
			return
		}
		for _, c := range alphabet {
			walk(append(b, c))
		}
	}
	walk(nil)
}

func FuzzDepthSameAsBytewise(f *testing.F) {
	f.Add([]byte(`{"a": ["\\\"[", {"b": "\\\\"}, [[]]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := Depth(b), depthBytewise(b); got != want {
			t.Fatalf("Depth = %d, byte by byte %d", got, want)
		}
	})
}
