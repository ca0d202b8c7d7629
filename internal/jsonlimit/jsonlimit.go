// Package jsonlimit measures JSON text before it is decoded, so that input from outside (the API,
// batches, case data) can be refused for its shape without building it in memory first.
package jsonlimit

// Depth returns the deepest nesting of arrays and objects in JSON text. It reads the bytes once
// and knows strings and escapes; it does not check that the text is valid JSON.
func Depth(text []byte) int {
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
