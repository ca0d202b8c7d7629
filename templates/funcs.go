package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/postbud/postbud/templates/locale"
	"github.com/postbud/postbud/templates/markdown"
)

// markdownText is Markdown that the template engine trusts: the output of include. The escaper
// passes it through unchanged; every other value printed is escaped.
type markdownText string

// funcMap returns the template functions for one bundle: loc formats, include executes the
// bundle's shared blocks.
func funcMap(loc *locale.Locale, include func(name string, data any) (markdownText, error)) template.FuncMap {
	return template.FuncMap{
		"date": func(v any, style ...string) (string, error) {
			if len(style) > 1 {
				return "", errors.New(`takes a date and at most one style ("long" or "short")`)
			}
			t, err := parseDate(v)
			if err != nil {
				return "", err
			}
			st := locale.Long
			if len(style) == 1 {
				st = style[0]
			}
			return loc.Date(t, st)
		},
		"money": func(v any, currency ...string) (string, error) {
			if len(currency) > 1 {
				return "", errors.New("takes an amount in minor units and at most one currency code")
			}
			n, err := toInt(v, "an integer number of minor units (øre, cent)")
			if err != nil {
				return "", err
			}
			cur := ""
			if len(currency) == 1 {
				cur = currency[0]
			}
			out, err := loc.Money(n, cur)
			if err != nil {
				// The locale's message quotes the currency; keep only its advice ("use one of ...").
				msg := err.Error()
				if i := strings.LastIndex(msg, "; "); i >= 0 {
					msg = msg[i+2:]
				}
				return "", badValue(cur, "unsupported currency; %s", msg)
			}
			return out, nil
		},
		"number": func(v any, decimals ...any) (string, error) {
			if len(decimals) > 1 {
				return "", errors.New("takes a number and at most one number of decimals")
			}
			dec, err := decimalText(v)
			if err != nil {
				return "", err
			}
			d := int64(-1)
			if len(decimals) == 1 {
				if d, err = toInt(decimals[0], "a whole number of decimals"); err != nil {
					return "", err
				}
				if d < 0 || d > 20 {
					return "", badValue(decimals[0], "decimals must be between 0 and 20")
				}
			}
			out, err := loc.Number(dec, int(d))
			if err != nil {
				// The locale's message quotes the number; its cause does not.
				if cause := errors.Unwrap(err); cause != nil {
					err = cause
				}
				return "", badValue(v, "cannot write the number: %v", err)
			}
			return out, nil
		},
		"plural": func(v any, one, other string) (string, error) {
			n, err := toInt(v, "a whole number")
			if err != nil {
				return "", err
			}
			return loc.Plural(n, one, other), nil
		},
		"upper": func(v any) (string, error) {
			s, err := toText(v)
			return strings.ToUpper(s), err
		},
		"lower": func(v any) (string, error) {
			s, err := toText(v)
			return strings.ToLower(s), err
		},
		"join": func(list any, sep string) (string, error) {
			var parts []string
			switch l := list.(type) {
			case []any:
				for _, e := range l {
					s, err := toText(e)
					if err != nil {
						return "", err
					}
					parts = append(parts, s)
				}
			case []string:
				parts = l
			case nil:
				return "", errors.New("expected a list, got null")
			default:
				return "", badValue(list, "expected a list, got %s", kindPhrase(list))
			}
			return strings.Join(parts, sep), nil
		},
		"has": func(m any, key string) (bool, error) {
			switch m := m.(type) {
			case map[string]any:
				v, ok := m[key]
				return ok && v != nil, nil
			case nil:
				return false, nil
			default:
				return false, badValue(m, "expected an object, got %s", kindPhrase(m))
			}
		},
		"include": include,
		// signature marks where the front matter's signature goes; without it, it closes the letter.
		"signature": func() markdownText { return markdownText("\n\n" + signatureMarker + "\n\n") },
		escapeFunc: func(desc string, v any) (string, error) {
			if md, ok := v.(markdownText); ok {
				return string(md), nil
			}
			s, err := printText(desc, v)
			if err != nil {
				return "", err
			}
			return markdown.Escape(s), nil
		},
		plainFunc: func(desc string, v any) (string, error) {
			if md, ok := v.(markdownText); ok {
				return string(md), nil
			}
			return printText(desc, v)
		},
	}
}

// printText is the text of a printed value, with the null rule.
func printText(desc string, v any) (string, error) {
	if v == nil {
		if desc != "" {
			parent, key := ".", desc
			if i := strings.LastIndexByte(desc, '.'); i >= 0 {
				parent, key = "."+desc[:i], desc[i+1:]
			}
			return "", fmt.Errorf("field %q is null in the case data; print optional fields inside {{ if has %s %q }}", desc, parent, key)
		}
		return "", errors.New("the value printed is null")
	}
	return toText(v)
}

// toText turns a value into text with fmt's rules, except that lists are joined with ", ",
// null is an error and objects cannot be printed.
func toText(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", errors.New("the value is null")
	case string:
		return v, nil
	case markdownText:
		return string(v), nil
	case json.Number:
		return string(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			s, err := toText(e)
			if err != nil {
				return "", fmt.Errorf("item %d: %w", i, err)
			}
			parts[i] = s
		}
		return strings.Join(parts, ", "), nil
	case map[string]any:
		return "", errors.New("cannot print an object; print one of its fields")
	}
	return fmt.Sprint(v), nil
}

// toInt reads an integer from a template value; what says what was expected. A number of the
// case data written in another form ("1.0e2", "100.0") counts when its value is an integer.
func toInt(v any, what string) (int64, error) {
	switch n := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return i, nil
		}
		digits, ok := integerText(string(n))
		if !ok {
			return 0, badValue(v, "expected %s, got a number with decimals", what)
		}
		if i, err := strconv.ParseInt(digits, 10, 64); err == nil {
			return i, nil
		}
		return 0, badValue(v, "expected %s, got a number too large for it", what)
	case int:
		return int64(n), nil
	case int64:
		return n, nil
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), nil
		}
		return 0, badValue(v, "expected %s, got a number with decimals", what)
	}
	return 0, badValue(v, "expected %s, got %s", what, kindPhrase(v))
}

// decimalText reads a number as decimal text for locale.Number.
func decimalText(v any) (string, error) {
	switch v := v.(type) {
	case json.Number:
		return string(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case string:
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return v, nil
		}
	}
	return "", badValue(v, "expected a number, got %s", kindPhrase(v))
}

// parseDate reads "2006-01-02" or RFC 3339 text.
func parseDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, badValue(v, `expected a date as text ("2026-11-23"), got %s`, kindPhrase(v))
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, badValue(v, `expected a date like "2026-11-23" or "2026-11-23T10:00:00+01:00", got other text`)
}

// valueError is a template function's failure about a value: Error says what is wrong without
// the value, which goes, as an excerpt, to TemplateError.Value.
type valueError struct{ msg, value string }

func (e *valueError) Error() string { return e.msg }

// badValue returns a *valueError about v; format and args must not print v.
func badValue(v any, format string, args ...any) error {
	return &valueError{msg: fmt.Sprintf(format, args...), value: excerpt(v)}
}

// kindPhrase names the kind of a template value for messages, without the value: "text",
// "a number", "null", "true or false", "a list", "an object".
func kindPhrase(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "text"
	case markdownText:
		return "included text"
	case json.Number, float64, int, int64:
		return "a number"
	case bool:
		return "true or false"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a value of type %T", v)
}
