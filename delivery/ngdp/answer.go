package ngdp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/postbud/postbud/delivery"
)

// Limits on what is read of an answer.
const (
	// maxErrorBody is how much of an error answer is read for its errorCode and errorMessage.
	maxErrorBody = 64 << 10
	// maxReceipt is how much of a single send's receipt is read.
	maxReceipt = 1 << 20
	// maxBulkAnswer is how much of a bulk send's answer is read.
	maxBulkAnswer = 64 << 20
	// maxContacts is how much of a contact look-up's answer is read.
	maxContacts = 4 << 20
	// maxDrain is how much of an unread body is read before closing, so the connection can be
	// reused; a longer body costs the connection instead.
	maxDrain = 256 << 10
	// maxMessageChars is how many characters of NgDP's errorMessage are kept.
	maxMessageChars = 500
)

// mayHaveReceived is said of every transient failure of a send.
const mayHaveReceived = "NgDP may have received the message; a retry sends the same bytes under the same messageUUID, which NgDP deduplicates"

// drainClose reads what is left of body (up to maxDrain) and closes it.
func drainClose(body io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(body, maxDrain))
	body.Close()
}

// requestError is the error of a request that got no answer. It drops the *url.Error wrapper,
// whose text holds the URL (a contact look-up's holds the CPR number); op names the request.
func requestError(op string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s: %w", op, err)
}

// apiError is NgDP's error message: errorCode and errorMessage, or code and message.
type apiError struct {
	Code, Message string
}

// readAPIError reads up to maxErrorBody of an error answer and takes its code and message, if it
// is JSON with them; anything else gives an empty apiError (the body is not repeated: it may be
// a proxy's HTML page).
func readAPIError(resp *http.Response) apiError {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var fields map[string]json.RawMessage
	if json.Unmarshal(b, &fields) != nil {
		return apiError{}
	}
	pick := func(names ...string) string {
		for _, n := range names {
			if s := jsonText(fields[n]); s != "" {
				return s
			}
		}
		return ""
	}
	return apiError{
		Code:    clean(pick("errorCode", "code"), 100),
		Message: clean(pick("errorMessage", "message"), maxMessageChars),
	}
}

// jsonText returns a JSON string's value or a number's text; "" for anything else.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// clean makes s one line of at most max characters: control characters become spaces, and a
// longer text is cut with "…".
func clean(s string, max int) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s))
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func (e apiError) suffix() string {
	var parts []string
	if e.Code != "" {
		parts = append(parts, e.Code)
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ": ") + ")"
}

// purpose says what a request was for, which decides how some answers read.
type purpose int

const (
	sending purpose = iota // POST /memos/: 400 and 403 reject the letter
	lookup                 // GET /contacts/: 400 and 403 are failures of ours, not the recipient's
)

// failure turns an answer that is not a success into the error the delivery package defines:
// RejectedError (400, 403 when sending), HaltError (401, 404, 405, redirects), ThrottledError
// (429, 503) or a transient error (anything else). op names the request; path is the URL path
// (without the query) for the messages that point at configuration.
func failure(op, path string, resp *http.Response, p purpose) error {
	st := resp.StatusCode
	ae := readAPIError(resp)
	switch {
	case p == sending && (st == http.StatusBadRequest || st == http.StatusForbidden):
		return fmt.Errorf("%s: %w", op, &delivery.RejectedError{Channel: Name, HTTPStatus: st, Code: ae.Code, Message: ae.Message})
	case st == http.StatusUnauthorized:
		return &delivery.HaltError{Channel: Name, Err: fmt.Errorf("%s: NgDP answered HTTP 401%s: check the system id and key (SystemID, Secret) and that the client certificate is the one registered for the system", op, ae.suffix())}
	case st == http.StatusNotFound || st == http.StatusMethodNotAllowed:
		return &delivery.HaltError{Channel: Name, Err: fmt.Errorf("%s: NgDP answered HTTP %d for %s%s: check the configured URL, which must be the API's base URL ending in /apis/v1", op, st, path, ae.suffix())}
	case st >= 300 && st < 400:
		return &delivery.HaltError{Channel: Name, Err: fmt.Errorf("%s: NgDP redirected (HTTP %d) %s: check the configured URL, which must be the API's base URL ending in /apis/v1", op, st, path)}
	case st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable:
		return fmt.Errorf("%s: %w", op, &delivery.ThrottledError{Channel: Name, HTTPStatus: st, RetryAfter: delivery.RetryAfter(resp.Header.Get("Retry-After"), time.Now())})
	case p == sending:
		return fmt.Errorf("%s: NgDP answered HTTP %d%s; %s", op, st, ae.suffix(), mayHaveReceived)
	default:
		return fmt.Errorf("%s: NgDP answered HTTP %d%s; try again later", op, st, ae.suffix())
	}
}

// apiReceipt is NgDP's Receipt (API.md).
type apiReceipt struct {
	TransmissionID string `json:"transmissionId"`
	MessageUUID    string `json:"messageUUID"`
	MessageID      string `json:"messageId"`
	ReceiptStatus  string `json:"receiptStatus"`
	ErrorCode      string `json:"errorCode"`
	ErrorMessage   string `json:"errorMessage"`
	TimeStamp      string `json:"timeStamp"`
}

// timeStamp parses the receipt's timeStamp (RFC 3339, or without a zone meaning UTC); now when
// absent or unreadable.
func (r *apiReceipt) timeStamp(now time.Time) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, r.TimeStamp); err == nil {
			return t.UTC()
		}
	}
	return now.UTC()
}

// result turns a receipt for the message with messageUUID uuid into a delivery.Receipt or an
// error: RejectedError for INVALID and NOT_ALLOWED, a transient error for a receipt about another
// message or with a status this package does not know.
func (r *apiReceipt) result(op, uuid string, httpStatus int, now time.Time) (*delivery.Receipt, error) {
	if !strings.EqualFold(r.MessageUUID, uuid) {
		return nil, fmt.Errorf("%s: NgDP's receipt names messageUUID %q, not the message sent (an endpoint fault); %s", op, clean(r.MessageUUID, 40), mayHaveReceived)
	}
	switch r.ReceiptStatus {
	case "RECEIVED", "COMPLETED":
		return &delivery.Receipt{
			Channel:     Name,
			Reference:   r.TransmissionID,
			MessageUUID: uuid,
			Status:      r.ReceiptStatus,
			DeliveredAt: r.timeStamp(now),
		}, nil
	case "INVALID", "NOT_ALLOWED":
		return nil, fmt.Errorf("%s: %w", op, &delivery.RejectedError{
			Channel:    Name,
			HTTPStatus: httpStatus,
			Status:     r.ReceiptStatus,
			Code:       clean(r.ErrorCode, 100),
			Message:    clean(r.ErrorMessage, maxMessageChars),
		})
	default:
		return nil, fmt.Errorf("%s: NgDP's receipt has receiptStatus %q, which postbud does not know; %s", op, clean(r.ReceiptStatus, 40), mayHaveReceived)
	}
}
