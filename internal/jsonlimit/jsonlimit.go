// Package jsonlimit measures JSON text before it is decoded, so that input from outside (the API,
// batches, case data) can be refused for its shape without building it in memory first.
package jsonlimit

import "bytes"

// Depth returns the deepest nesting of arrays and objects in JSON text. It reads the bytes once
// and knows strings and escapes; it does not check that the text is valid JSON. Strings, most of
// case data, are skipped by searching for their closing quote (vectorised) instead of byte by
// byte: a quote closes the string when an even number of backslashes precedes it.
func Depth(text []byte) int {
	d, deepest := 0, 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '"':
			from := i + 1
			for {
				j := bytes.IndexByte(text[from:], '"')
				if j < 0 {
					return deepest // the string never ends
				}
				q := from + j
				k := q
				for k > i+1 && text[k-1] == '\\' {
					k--
				}
				from = q + 1
				if (q-k)%2 == 0 {
					break
				}
			}
			i = from - 1
		case '[', '{':
			d++
			deepest = max(deepest, d)
		case ']', '}':
			d--
		}
	}
	return deepest
}
