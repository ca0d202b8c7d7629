package delivery

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The headers of a signed request. A receiver recomputes the signature over the timestamp and the
// raw body with the shared secret and compares it with Verify.
const (
	// SignatureHeader carries "sha256=" and the lower-case hex HMAC-SHA256, keyed with the shared
	// secret, of the timestamp header's value, a ".", and the request body as sent.
	SignatureHeader = "X-Postbud-Signature"
	// TimestampHeader carries the signing time in Unix seconds (decimal). It is signed too, so a
	// captured request cannot be replayed later with a fresh timestamp.
	TimestampHeader = "X-Postbud-Timestamp"
)

// DefaultTolerance is how far a signed request's timestamp may lie from the receiver's clock when
// Verify is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// Sign returns the SignatureHeader value for body signed at ts: "sha256=<hex>". Only ts's Unix
// second is signed, as TimestampHeader carries it.
func Sign(secret []byte, ts time.Time, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, strconv.FormatInt(ts.Unix(), 10), body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a request signed by postbud (Sign, PostSigned): header must carry TimestampHeader
// and SignatureHeader, the timestamp must lie within tolerance of now in either direction (a
// captured request replayed later, or one from a sender whose clock is far off, fails), and the
// signature must be the HMAC-SHA256 of the timestamp and body under secret, compared in constant
// time. A tolerance of zero or less means DefaultTolerance. body is the raw request body, before
// any decoding. The error says which check failed; it never holds the body.
func Verify(secret []byte, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if len(secret) == 0 {
		return errors.New("verify signature: the secret is empty; configure the secret shared with postbud")
	}
	tsText := header.Get(TimestampHeader)
	if tsText == "" {
		return fmt.Errorf("verify signature: the request has no %s header", TimestampHeader)
	}
	secs, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("verify signature: %s is not Unix seconds", TimestampHeader)
	}
	age := now.Sub(time.Unix(secs, 0))
	switch {
	case age > tolerance:
		return fmt.Errorf("verify signature: %s is %s old, more than the %s allowed: a replayed request, or the sender's clock is behind", TimestampHeader, age.Truncate(time.Second), tolerance)
	case -age > tolerance:
		return fmt.Errorf("verify signature: %s is %s in the future, more than the %s allowed: the sender's clock is ahead", TimestampHeader, (-age).Truncate(time.Second), tolerance)
	}
	sigText := header.Get(SignatureHeader)
	if sigText == "" {
		return fmt.Errorf("verify signature: the request has no %s header", SignatureHeader)
	}
	hexSig, ok := strings.CutPrefix(sigText, "sha256=")
	if !ok {
		return fmt.Errorf("verify signature: %s does not start with \"sha256=\"", SignatureHeader)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return fmt.Errorf("verify signature: %s is not hex after \"sha256=\"", SignatureHeader)
	}
	if !hmac.Equal(got, mac(secret, tsText, body)) {
		return fmt.Errorf("verify signature: %s does not match the body: the body was altered, or the secret differs from postbud's", SignatureHeader)
	}
	return nil
}

// maxAnswer is how much of an answer PostSigned reads; the rest is drained up to as much again,
// then the connection is dropped.
const maxAnswer = 64 << 10

// defaultClient is the client PostSigned uses when given none.
var defaultClient = &http.Client{Timeout: 30 * time.Second}

// PostSigned POSTs body as application/json to url, signed with secret at now (TimestampHeader
// and SignatureHeader), with User-Agent "postbud" and the extra headers (an Idempotency-Key, a
// User-Agent of the caller's); extra cannot replace the signature headers or the Content-Type.
// A nil client means one with a 30 second timeout. Redirects are not followed: a signed letter goes
// only to the URL configured.
//
// The answer classifies the outcome:
//   - 2xx: the status and nil. answerID is the answer's JSON "id" field (string or number) when
//     it has one of at most 200 printable characters, else "".
//   - 408, 425, 429, 503: a *ThrottledError with the Retry-After header's wait (seconds or an
//     HTTP date, at most 24 hours).
//   - 401, 403, and any 3xx: a *HaltError: the receiver refuses the signature, or the URL is not
//     the receiver's: no letter gets through until an operator fixes the configuration.
//   - other 4xx: a *RejectedError (permanent) with the answer's JSON "code" and "message" fields,
//     shortened and with long digit runs masked, since receivers may echo personal data.
//   - other statuses, network errors and timeouts: a plain error, so the letter is retried.
//
// channel names the channel in the errors. Errors name url's scheme and host, never its path or
// query (which may hold a token), nor anything of body. PostSigned reads at most 64 KiB of the
// answer and always closes it.
func PostSigned(ctx context.Context, client *http.Client, channel, url string, secret []byte, body []byte, now time.Time, extra http.Header) (status int, answerID string, err error) {
	where := redactURL(url)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", &HaltError{Channel: channel, Err: fmt.Errorf("post to %s: %w", where, unwrapURLError(err))}
	}
	req.Header.Set("User-Agent", "postbud")
	for k, vs := range extra {
		req.Header[http.CanonicalHeaderKey(k)] = slices.Clone(vs)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(TimestampHeader, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(SignatureHeader, Sign(secret, now, body))

	if client == nil {
		client = defaultClient
	}
	c := *client // a copy, to refuse redirects without changing the caller's client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("%s: post to %s: %w", channel, where, unwrapURLError(err))
	}
	// An answer that cannot be read to the end still has its status, which decides; the fields
	// read from it are optional.
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	resp.Body.Close()
	status = resp.StatusCode

	switch {
	case status >= 200 && status < 300:
		return status, answerField(answer, "id"), nil
	case status == http.StatusRequestTimeout, status == http.StatusTooEarly, status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable:
		return status, "", &ThrottledError{Channel: channel, HTTPStatus: status, RetryAfter: RetryAfter(resp.Header.Get("Retry-After"), now)}
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return status, "", &HaltError{Channel: channel, Err: fmt.Errorf("%s answered HTTP %d: it refuses the signature; check that the webhook's secret is the one the receiver holds", where, status)}
	case status >= 300 && status < 400:
		return status, "", &HaltError{Channel: channel, Err: fmt.Errorf("%s answered HTTP %d, a redirect; postbud does not follow redirects with letters: configure the URL the receiver names", where, status)}
	case status >= 400 && status < 500:
		return status, "", &RejectedError{Channel: channel, HTTPStatus: status, Code: safeCode(answerField(answer, "code")), Message: safeMessage(answerField(answer, "message"))}
	}
	return status, "", fmt.Errorf("%s: post to %s: HTTP %d; the letter will be sent again later", channel, where, status)
}

// redactURL returns the scheme and host of raw, for errors: paths and queries may carry tokens.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the configured URL"
	}
	return u.Scheme + "://" + u.Host
}

// unwrapURLError drops a *url.Error's wrapping, whose message holds the whole URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// maxRetryAfter caps the wait a Retry-After header can ask for.
const maxRetryAfter = 24 * time.Hour

// RetryAfter parses a Retry-After header's value: delay seconds or an HTTP date (relative to
// now), capped at 24 hours. Zero when absent, unreadable or in the past. Channels use it for the
// wait a throttling endpoint asks for.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter)
	}
	return 0
}

// answerField returns the string (or number) field name of a JSON object answer, "" when there is
// none, it is too long, or it holds control characters.
func answerField(answer []byte, name string) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(answer, &obj) != nil {
		return ""
	}
	raw, ok := obj[name]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return ""
		}
		s = n.String()
	}
	if len(s) > 200 {
		return ""
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return ""
		}
	}
	return s
}

// safeCode keeps an error code only when it is a short token of letters, digits, '_', '-', '.'
// with no more than three digits in a row (an id is no code).
func safeCode(s string) string {
	if len(s) > 64 || maskDigits(s) != s {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return ""
		}
	}
	return s
}

// safeMessage masks digit runs in an endpoint's message and cuts it to 200 bytes.
func safeMessage(s string) string {
	s = maskDigits(s)
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// maskDigits replaces every run of four or more digits (which may be split by single '-' or ' ',
// as in "010170-1234") with "####", so that a CPR or CVR number an endpoint echoes does not reach
// postbud's errors and logs.
func maskDigits(s string) string {
	isDigit := func(i int) bool { return i < len(s) && '0' <= s[i] && s[i] <= '9' }
	var b strings.Builder
	for i := 0; i < len(s); {
		if !isDigit(i) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j, digits := i, 0
		for {
			for isDigit(j) {
				j++
				digits++
			}
			if j+1 < len(s) && (s[j] == '-' || s[j] == ' ') && isDigit(j+1) {
				j++
				continue
			}
			break
		}
		if digits >= 4 {
			b.WriteString("####")
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}
