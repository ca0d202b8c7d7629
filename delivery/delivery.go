package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Letter is what a channel delivers.
type Letter struct {
	ID, Tenant, Template, TemplateVersion string
	// Title is the subject shown in the recipient's mailbox.
	Title string
	// Language is the letter's two-letter language code ("da").
	Language  string
	Recipient Recipient
	// Documents are the rendered files, at most one per format ("pdf", "docx").
	Documents []Document
	// Message is the letter's MeMo message, built once when the letter was rendered and stored
	// with its messageUUID; every attempt sends these bytes. Nil for a letter whose channel needs
	// none.
	Message *Message
	// Created is when the letter was accepted.
	Created time.Time
}

// LogValue implements slog.LogValuer: ids, template, formats and the redacted recipient; never the
// recipient's data or the title.
func (l Letter) LogValue() slog.Value {
	formats := make([]string, len(l.Documents))
	for i, d := range l.Documents {
		formats[i] = d.Format
	}
	attrs := []slog.Attr{
		slog.String("id", l.ID),
		slog.String("tenant", l.Tenant),
		slog.String("template", l.Template),
		slog.String("template_version", l.TemplateVersion),
		slog.Any("formats", formats),
		slog.Any("recipient", l.Recipient),
	}
	if l.Message != nil {
		attrs = append(attrs, slog.String("message_uuid", l.Message.UUID))
	}
	return slog.GroupValue(attrs...)
}

// Format implements fmt.Formatter so that printing a Letter with any verb shows what LogValue shows.
func (l Letter) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "delivery.Letter{id=%s tenant=%s template=%s recipient=%s}", l.ID, l.Tenant, l.Template, l.Recipient.redacted())
}

// Document returns the document in format, or false.
func (l *Letter) Document(format string) (Document, bool) {
	for _, d := range l.Documents {
		if d.Format == format {
			return d, true
		}
	}
	return Document{}, false
}

// Message is a built MeMo message (see package delivery/memo) as a channel sends it: the same
// bytes, under the same messageUUID, on every attempt.
type Message struct {
	// UUID is the messageUUID (a version 4 UUID, lower case).
	UUID string
	// Version is the MeMo version: "1.1" or "1.2".
	Version string
	// Size is the length of the XML in bytes.
	Size int64
	// SHA256 is the hex SHA-256 of the XML.
	SHA256 string
	// Open returns the XML from the start. Each call gives a fresh reader; close it.
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// Bytes reads the whole message. Channels that must hold it anyway (a tar archive, a webhook body
// in JSON) use it; the NgDP channel streams Open instead.
func (m *Message) Bytes(ctx context.Context) ([]byte, error) {
	rc, err := m.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("open memo %s: %w", m.UUID, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("read memo %s: %w", m.UUID, err)
	}
	return b, nil
}

// Recipient is who a letter goes to. Every field is personal data.
type Recipient struct {
	// ID is the CPR number (person, 10 digits) or CVR number (company, 8 digits).
	ID      string
	Name    string
	Address []string
}

// IDType is "CPR" for a 10-digit id, "CVR" for an 8-digit one, "" otherwise.
func (r Recipient) IDType() string {
	switch len(r.ID) {
	case 10:
		return "CPR"
	case 8:
		return "CVR"
	}
	return ""
}

// hashChars is how many hex characters of the ID's hash LogValue shows: 24 bits, which tells log
// lines about different recipients apart without identifying one (about twenty CPR numbers share
// each value).
const hashChars = 6

// IDHash returns a short hex hash of r.ID for correlating log lines. It is not anonymisation: a
// value narrows the recipient down to a few dozen CPR numbers, so keep it to logs.
func (r Recipient) IDHash() string {
	if r.ID == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("postbud recipient id\x00" + r.ID))
	return hex.EncodeToString(sum[:])[:hashChars]
}

func (r Recipient) redacted() string {
	if r.ID == "" {
		return "recipient(id=none)"
	}
	return "recipient(id#" + r.IDHash() + ")"
}

// LogValue implements slog.LogValuer: only a hash prefix of the ID, never name or address.
func (r Recipient) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id_hash", r.IDHash()))
}

// Format implements fmt.Formatter so that no verb prints the recipient's data.
func (r Recipient) Format(f fmt.State, verb rune) { fmt.Fprint(f, r.redacted()) }

// Document is one rendered file of a letter.
type Document struct {
	// Format is "pdf" or "docx".
	Format string
	Data   []byte
}

// Receipt records a delivery: what the channel answered when it took the letter.
type Receipt struct {
	// Channel names the channel that delivered: "outbox", "ngdp", "webhook" or "print".
	Channel string `json:"channel"`
	// Reference is the channel's own reference: the letter's folder relative to the outbox, the
	// NgDP transmissionId, the webhook's answer id, the print file relative to the print folder.
	Reference   string    `json:"reference"`
	DeliveredAt time.Time `json:"delivered_at"`
	// MessageUUID is the MeMo messageUUID handed over, where the channel sends MeMo.
	MessageUUID string `json:"message_uuid,omitempty"`
	// Status is the channel's word for the hand-off: NgDP's receiptStatus (RECEIVED,
	// COMPLETED), the webhook's HTTP status ("200"), "PRINT_QUEUED", "WRITTEN".
	Status string `json:"status,omitempty"`
	// Manifest is the print channel's manifest line for the letter.
	Manifest string `json:"manifest,omitempty"`
}

// Channel delivers letters. Deliver must be idempotent per Letter.ID as far as the channel can
// make it: delivering the same letter again (a retried task after a crash) must not hand over a
// second, different letter; channels that send MeMo resend the same bytes with the same
// messageUUID, which Digital Post deduplicates. The worker's delivery ledger makes a second
// successful hand-off impossible on top of this.
//
// Errors: Permanent (or a *RejectedError) for what no retry can fix; a *ThrottledError when the
// endpoint asks senders to slow down (the whole pool backs off, the letter keeps its retries); a
// *HaltError when the channel is misconfigured (the channel stops until an operator fixes it);
// anything else is a transient failure, retried with back-off.
type Channel interface {
	Deliver(ctx context.Context, l *Letter) (*Receipt, error)
}

// BulkChannel is a Channel that can also hand over many letters in one request (NgDP's tar +
// LZMA mass mailing). DeliverBulk returns one receipt or one error per letter, in order, or a
// single error for the whole request (then every letter failed with it).
type BulkChannel interface {
	Channel
	DeliverBulk(ctx context.Context, ls []*Letter) ([]*Receipt, []error, error)
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as one a retry cannot fix (a letter the channel rejects, a recipient who
// cannot be reached); the worker then fails the letter at once (asynq.SkipRetry). Permanent(nil)
// is nil. The message is err's, unchanged.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or any error it wraps, was marked with Permanent or is a
// *RejectedError.
func IsPermanent(err error) bool {
	var p *permanentError
	var r *RejectedError
	return errors.As(err, &p) || errors.As(err, &r)
}

// RejectedError is an endpoint's refusal of a letter for a reason in the letter (NgDP's INVALID or
// NOT_ALLOWED receipt, a 400 or 403): permanent, with the endpoint's own code and message.
type RejectedError struct {
	Channel string
	// HTTPStatus is the answer's status code.
	HTTPStatus int
	// Status is the endpoint's status word (INVALID, NOT_ALLOWED), if it gave one.
	Status string
	// Code and Message are the endpoint's errorCode and errorMessage.
	Code, Message string
}

func (e *RejectedError) Error() string {
	s := fmt.Sprintf("%s rejected the letter (HTTP %d", e.Channel, e.HTTPStatus)
	if e.Status != "" {
		s += ", " + e.Status
	}
	s += ")"
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// ThrottledError is an endpoint's request to slow down (HTTP 429 or 503). RetryAfter is the wait
// the endpoint asked for (its Retry-After header), zero when it named none.
type ThrottledError struct {
	Channel    string
	HTTPStatus int
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	s := fmt.Sprintf("%s is busy (HTTP %d)", e.Channel, e.HTTPStatus)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf("; it asked to wait %s", e.RetryAfter)
	}
	return s
}

// HaltError is a configuration fault no letter can get past (NgDP's 401: the system id, key or
// certificate is wrong; a print folder that is not set). The worker stops the channel, alerts the
// operator and keeps the letters' retries.
type HaltError struct {
	Channel string
	Err     error
}

func (e *HaltError) Error() string {
	return fmt.Sprintf("the %s channel cannot take letters until its configuration is fixed: %v", e.Channel, e.Err)
}
func (e *HaltError) Unwrap() error { return e.Err }

// ContactStatus is what a registry says of a recipient's digital mailbox.
type ContactStatus string

// The contact statuses. NgDP's publicRegistrationStatus values, and NotFound for a recipient the
// registry does not know.
const (
	Registered ContactStatus = "REGISTERED"
	Exempt     ContactStatus = "EXEMPT"
	Closed     ContactStatus = "CLOSED"
	Unknown    ContactStatus = "UNKNOWN"
	NotFound   ContactStatus = "NOT_FOUND"
)

// Digital reports whether a recipient of this status receives digital post.
func (s ContactStatus) Digital() bool { return s == Registered }

// Registry says whether a recipient receives digital post. Contact returns the status of the
// recipient with this CPR (10 digits) or CVR (8 digits) number; NotFound, not an error, for one it
// does not know. Errors are transient (the registry is down).
type Registry interface {
	Contact(ctx context.Context, id string) (ContactStatus, error)
}
