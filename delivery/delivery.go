package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Letter is what a channel delivers.
type Letter struct {
	ID, Tenant, Template, TemplateVersion string
	// Title is the subject shown in the recipient's mailbox.
	Title     string
	Recipient Recipient
	// Documents are the rendered files, at most one per format ("pdf", "docx").
	Documents []Document
	// Memo holds the executed memo front matter of the template (used by the Digital Post channel).
	Memo map[string]string
}

// LogValue implements slog.LogValuer: ids, template, formats and the redacted recipient; never the
// recipient's data, the title or the memo values.
func (l Letter) LogValue() slog.Value {
	formats := make([]string, len(l.Documents))
	for i, d := range l.Documents {
		formats[i] = d.Format
	}
	return slog.GroupValue(
		slog.String("id", l.ID),
		slog.String("tenant", l.Tenant),
		slog.String("template", l.Template),
		slog.String("template_version", l.TemplateVersion),
		slog.Any("formats", formats),
		slog.Any("recipient", l.Recipient),
	)
}

// Format implements fmt.Formatter so that printing a Letter with any verb shows what LogValue shows.
func (l Letter) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "delivery.Letter{id=%s tenant=%s template=%s recipient=%s}", l.ID, l.Tenant, l.Template, l.Recipient.redacted())
}

// Recipient is who a letter goes to. Every field is personal data.
type Recipient struct {
	// ID is the CPR number (person) or CVR number (company).
	ID      string
	Name    string
	Address []string
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

// Receipt records a delivery.
type Receipt struct {
	// Channel names the channel that delivered, e.g. "outbox".
	Channel string `json:"channel"`
	// Reference is the channel's own reference: the folder for the outbox, a message id for
	// Digital Post.
	Reference   string    `json:"reference"`
	DeliveredAt time.Time `json:"delivered_at"`
}

// Channel delivers letters. Deliver must be idempotent per Letter.ID: delivering the same letter
// twice (a retried task after a crash) yields the first receipt and no second delivery. Errors
// wrapped with Permanent are not worth retrying; any other error is.
type Channel interface {
	Deliver(ctx context.Context, l *Letter) (*Receipt, error)
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

// IsPermanent reports whether err, or any error it wraps, was marked with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
