package locale

import (
	"fmt"
	"strings"
)

// maxDigits bounds the digits a number may expand to (after applying its exponent), so that a
// literal such as "1e999999999" is an error rather than a gigabyte of zeros.
const maxDigits = 400

// maxDecimals is the largest number of decimals Number rounds to.
const maxDecimals = 40

// Number formats a decimal literal as JSON carries it ("1234.5", "-3", "1e3"; a leading "+" and
// surrounding spaces are accepted too) with the locale's separators: Number("1234567.891", 2) is
// "1.234.567,89" in da and "1,234,567.89" in en. decimals >= 0 rounds half away from zero to that
// many places; -1 keeps the decimals as written ("1.50" keeps two, "1.5e-2" is "0,015"). A zero
// result is never negative. A literal that is not a number, or one with more than 400 digits
// before or after the decimal point, is an error naming the input.
func (l *Locale) Number(dec string, decimals int) (string, error) {
	if decimals < -1 || decimals > maxDecimals {
		return "", fmt.Errorf("format number %q in %s: decimals %d out of range; use -1 (as given) or 0 to %d",
			dec, l.Tag, decimals, maxDecimals)
	}
	d, err := parseDecimal(dec)
	if err != nil {
		return "", fmt.Errorf("format number %q in %s: %w", dec, l.Tag, err)
	}
	if decimals >= 0 {
		d.round(decimals)
	}
	intPart, frac := d.split()
	s := l.lang.group(intPart)
	if frac != "" {
		s += l.lang.decimal + frac
	}
	if d.neg && !d.isZero() {
		s = Minus + s
	}
	return s, nil
}

// decimalNum is a decimal number: the value is digits × 10^-scale, with digits a string of ASCII
// digits without leading zeros (but at least one digit) and scale >= 0.
type decimalNum struct {
	neg    bool
	digits string
	scale  int
}

// parseDecimal parses [+-]digits[.digits][(e|E)[+-]digits].
func parseDecimal(s string) (decimalNum, error) {
	var d decimalNum
	t := strings.TrimSpace(s)
	if t == "" {
		return d, fmt.Errorf("not a number: empty; write digits such as 1234.5")
	}
	i := 0
	if t[0] == '-' || t[0] == '+' {
		d.neg = t[0] == '-'
		i++
	}
	start := i
	for i < len(t) && isDigit(t[i]) {
		i++
	}
	intDigits := t[start:i]
	var fracDigits string
	if i < len(t) && t[i] == '.' {
		i++
		fs := i
		for i < len(t) && isDigit(t[i]) {
			i++
		}
		fracDigits = t[fs:i]
		if fracDigits == "" {
			return d, fmt.Errorf("not a number: no digits after the decimal point; write e.g. 12.0 or 12")
		}
	}
	if intDigits == "" {
		return d, fmt.Errorf("not a number: expected digits at offset %d; write digits such as 1234.5", start)
	}
	exp := 0
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		eneg := false
		if i < len(t) && (t[i] == '-' || t[i] == '+') {
			eneg = t[i] == '-'
			i++
		}
		es := i
		for i < len(t) && isDigit(t[i]) {
			if exp > 10*maxDigits {
				return d, fmt.Errorf("not a number: exponent too large (at most %d digits)", maxDigits)
			}
			exp = exp*10 + int(t[i]-'0')
			i++
		}
		if i == es {
			return d, fmt.Errorf("not a number: no digits in the exponent")
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(t) {
		return d, fmt.Errorf("not a number: unexpected %q at offset %d; a number is digits with an optional . and exponent, such as -1234.5 or 1e3",
			t[i:i+1], i)
	}
	all := strings.TrimLeft(intDigits+fracDigits, "0")
	scale := len(fracDigits) - exp
	if all == "" {
		// Zero: keep the number of decimals written, within bounds.
		d.digits = "0"
		d.scale = max(0, min(scale, maxDigits))
		return d, nil
	}
	if scale < 0 {
		if len(all)-scale > maxDigits {
			return d, fmt.Errorf("not a number: more than %d digits", maxDigits)
		}
		all += strings.Repeat("0", -scale)
		scale = 0
	}
	if scale > maxDigits || len(all) > maxDigits {
		return d, fmt.Errorf("not a number: more than %d digits", maxDigits)
	}
	d.digits, d.scale = all, scale
	return d, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (d *decimalNum) isZero() bool { return strings.Trim(d.digits, "0") == "" }

// round rounds d half away from zero to n decimals (n >= 0), padding with zeros when d has fewer.
func (d *decimalNum) round(n int) {
	if d.scale <= n {
		d.digits += strings.Repeat("0", n-d.scale)
		d.scale = n
		return
	}
	drop := d.scale - n
	if drop > len(d.digits) {
		// Every digit is below the rounding position and the first dropped one is a zero.
		d.digits, d.scale = strings.Repeat("0", n+1), n
		return
	}
	keep := d.digits[:len(d.digits)-drop]
	up := d.digits[len(d.digits)-drop] >= '5'
	if up {
		keep = increment(keep)
	}
	if keep == "" {
		keep = "0"
	}
	d.digits, d.scale = keep, n
}

// increment adds one to a string of decimal digits ("" counts as 0).
func increment(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

// split returns the integer digits (at least "0") and the fraction digits (scale of them).
func (d *decimalNum) split() (intPart, frac string) {
	digits := d.digits
	if len(digits) <= d.scale {
		digits = strings.Repeat("0", d.scale-len(digits)+1) + digits
	}
	intPart = strings.TrimLeft(digits[:len(digits)-d.scale], "0")
	if intPart == "" {
		intPart = "0"
	}
	return intPart, digits[len(digits)-d.scale:]
}
