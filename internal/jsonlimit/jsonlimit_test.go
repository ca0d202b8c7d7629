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
