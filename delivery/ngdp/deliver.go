package ngdp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/postbud/postbud/delivery"
)

// uuidShape is the form of a UUID, any version or case.
var uuidShape = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkMessage reports what makes m unsendable.
func checkMessage(m *delivery.Message) error {
	switch {
	case m == nil:
		return errors.New("the letter has no MeMo message; NgDP takes only MeMo, so build the letter's message (package delivery/memo) before routing it to ngdp")
	case !uuidShape.MatchString(m.UUID):
		return errors.New("the letter's MeMo message has no valid messageUUID; rebuild the message")
	case m.Open == nil:
		return fmt.Errorf("the letter's MeMo message %s cannot be opened (Message.Open is nil); rebuild the message", m.UUID)
	case m.Size <= 0:
		return fmt.Errorf("the letter's MeMo message %s has size %d; rebuild the message", m.UUID, m.Size)
	}
	return nil
}

// Deliver sends the letter's MeMo message with POST {URL}/memos/?memo-message-uuid=<UUID>,
// streaming the stored bytes from Message.Open (reopened should the transport need to resend
// them on a reused connection) with Content-Length Message.Size.
//
// A 201 answer with a RECEIVED or COMPLETED receipt gives a Receipt: Reference is NgDP's
// transmissionId, Status the receiptStatus, DeliveredAt its timeStamp (now if it has none).
// Errors:
//   - a letter without a usable Message: delivery.Permanent;
//   - an INVALID or NOT_ALLOWED receipt, HTTP 400 or 403: *delivery.RejectedError with NgDP's
//     errorCode and errorMessage;
//   - HTTP 401 (credentials), 404, 405 or a redirect (URL): *delivery.HaltError;
//   - HTTP 429 or 503: *delivery.ThrottledError with the Retry-After asked for;
//   - anything else (other statuses, a receipt for another messageUUID, timeouts, dropped
//     connections, TLS failures): a transient error. NgDP may have received the message, so the
//     retry must send the same Message, which NgDP deduplicates on its messageUUID.
func (c *Channel) Deliver(ctx context.Context, l *delivery.Letter) (*delivery.Receipt, error) {
	if l == nil {
		return nil, delivery.Permanent(errors.New("ngdp: deliver: the letter is nil"))
	}
	if err := checkMessage(l.Message); err != nil {
		return nil, delivery.Permanent(fmt.Errorf("ngdp: deliver letter %s: %w", l.ID, err))
	}
	m := l.Message
	op := fmt.Sprintf("ngdp: deliver letter %s (messageUUID %s)", l.ID, m.UUID)
	body, err := m.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: open the stored message: %w", op, err)
	}
	const path = "/memos/"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path+"?memo-message-uuid="+url.QueryEscape(m.UUID), body)
	if err != nil {
		body.Close()
		return nil, delivery.Permanent(fmt.Errorf("%s: make the request: %w", op, err))
	}
	req.ContentLength = m.Size
	req.GetBody = func() (io.ReadCloser, error) { return m.Open(ctx) }
	req.Header.Set("Content-Type", "application/xml")
	c.prepare(req)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s; %s", requestError(op+": POST "+path, err), mayHaveReceived)
	}
	defer drainClose(resp.Body)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return nil, failure(op, path, resp, sending)
	}
	var r apiReceipt
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxReceipt)).Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: read NgDP's receipt (HTTP %d): %w; %s", op, resp.StatusCode, err, mayHaveReceived)
	}
	return r.result(op, m.UUID, resp.StatusCode, time.Now())
}

// prepare sets what every request carries.
func (c *Channel) prepare(req *http.Request) {
	req.SetBasicAuth(c.systemID, c.secret)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "postbud")
}
