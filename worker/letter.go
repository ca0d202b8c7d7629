package worker

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/postbud/postbud/delivery"
)

// Status is where a letter is in its life.
type Status string

// The statuses of a letter. A letter ends delivered or failed.
const (
	StatusQueued     Status = "queued"
	StatusRendering  Status = "rendering"
	StatusRendered   Status = "rendered"
	StatusDelivering Status = "delivering"
	StatusDelivered  Status = "delivered"
	StatusFailed     Status = "failed"
)

// Statuses lists every status in life order.
var Statuses = []Status{StatusQueued, StatusRendering, StatusRendered, StatusDelivering, StatusDelivered, StatusFailed}

// Final reports whether s is an end state (delivered or failed).
func (s Status) Final() bool { return s == StatusDelivered || s == StatusFailed }

// Priority selects the render queue of a letter. Queues are weighted, not strict: urgent letters
// are taken six times as often as bulk ones, and bulk letters are never starved.
type Priority string

// The render priorities.
const (
	PriorityUrgent  Priority = "urgent"
	PriorityDefault Priority = "default"
	PriorityBulk    Priority = "bulk"
)

// Queue names and weights.
const (
	QueueRenderUrgent  = "render:urgent"
	QueueRenderDefault = "render:default"
	QueueRenderBulk    = "render:bulk"
	QueueDeliver       = "deliver"
	QueueCallback      = "callback"
)

// QueueWeights are the Asynq queue weights a Server processes with.
var QueueWeights = map[string]int{
	QueueRenderUrgent:  6,
	QueueRenderDefault: 3,
	QueueRenderBulk:    1,
	QueueDeliver:       3,
	QueueCallback:      1,
}

// Queue returns the render queue of p ("render:default" for an unknown priority).
func (p Priority) Queue() string {
	switch p {
	case PriorityUrgent:
		return QueueRenderUrgent
	case PriorityBulk:
		return QueueRenderBulk
	}
	return QueueRenderDefault
}

// Submission is a letter handed to the client.
type Submission struct {
	// Tenant is the agency submitting; letters, batches and idempotency keys are per tenant.
	Tenant string
	// Template is the bundle name, e.g. "boligstoette-afgoerelse".
	Template string
	// Language picks the bundle's letter in that language (letter.<lang>.md); "" means the
	// bundle's default (letter.md).
	Language string
	// Data is the case data (a JSON object) validated against the template's schema.
	Data json.RawMessage
	// Recipient is who gets the letter. It is personal data: it only travels sealed.
	Recipient delivery.Recipient
	// Formats are the documents to render; nil means ["pdf", "docx"].
	Formats []string
	// Delivery names the channel; "" means "outbox".
	Delivery string
	// Priority selects the render queue; "" means "default".
	Priority Priority
	// IdempotencyKey makes a retried submission return the first letter instead of a new one.
	// Keys are per tenant and kept (hashed) for Options.Retention; "" means none.
	IdempotencyKey string
	// BatchID is set by SubmitBatch.
	BatchID string
	// Attachments go along with the letter as additional documents of its MeMo message (the
	// tenant needs a sender). Their total decoded size is capped by Options.MaxAttachments.
	Attachments []Attachment
}

// Attachment is a file an agency sends along with a letter. Its name and content are personal
// data as much as the letter: they travel and rest sealed.
type Attachment struct {
	// Filename as the recipient's mailbox shows it, e.g. "Bilag 1.pdf".
	Filename string `json:"filename"`
	// MimeType, e.g. "application/pdf".
	MimeType string `json:"mime_type"`
	Content  []byte `json:"-"`
}

// DocumentInfo describes one rendered document of a letter.
type DocumentInfo struct {
	Format string `json:"format"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Letter is the record of one letter, kept as JSON in Redis for Options.Retention. It holds no
// case data and no recipient: only ids, status and what was produced.
type Letter struct {
	ID              string `json:"id"`
	Tenant          string `json:"tenant"`
	Template        string `json:"template"`
	TemplateVersion string `json:"template_version"`
	// Language is the language of the letter's text, the bundle's default when not asked for.
	Language string   `json:"language,omitempty"`
	Status   Status   `json:"status"`
	Priority Priority `json:"priority"`
	Delivery string   `json:"delivery"`
	Formats  []string `json:"formats"`
	// Attempts counts render and deliver runs, retries included.
	Attempts int `json:"attempts"`
	// LastError says in plain words why the last attempt failed; safe to show the tenant.
	LastError string         `json:"last_error,omitempty"`
	Documents []DocumentInfo `json:"documents,omitempty"`
	// MessageUUID is the MeMo messageUUID, drawn once when the letter is accepted: every
	// hand-off of the letter, retries after any crash included, carries this UUID.
	MessageUUID string `json:"message_uuid,omitempty"`
	// Memo describes the stored MeMo message, once rendered.
	Memo *MemoInfo `json:"memo,omitempty"`
	// Attachments counts the attachments stored with the letter (their names stay sealed).
	Attachments int `json:"attachments,omitempty"`
	// Route records where a Digital Post letter went and why: the registry's answer.
	Route   *Route            `json:"route,omitempty"`
	Receipt *delivery.Receipt `json:"receipt,omitempty"`
	BatchID string            `json:"batch_id,omitempty"`
	Created time.Time         `json:"created"`
	Updated time.Time         `json:"updated"`
	// Seq counts the record's updates; it orders the letter's status changes in its batch.
	Seq int `json:"seq,omitempty"`
	// Worker names the worker process that last started a run of the letter.
	Worker string `json:"worker,omitempty"`
}

// MemoInfo describes a letter's stored MeMo message.
type MemoInfo struct {
	Version string `json:"version"`
	Bytes   int64  `json:"bytes"`
	SHA256  string `json:"sha256"`
}

// Route is the routing decision for a Digital Post letter.
type Route struct {
	// Channel is where the letter went: "ngdp" or "print".
	Channel string `json:"channel"`
	// Contact is the registry's answer: REGISTERED, EXEMPT, CLOSED, UNKNOWN or NOT_FOUND.
	Contact delivery.ContactStatus `json:"contact"`
	// Reason says it in words.
	Reason string `json:"reason"`
	// Cached is true when the answer came from the registry cache.
	Cached    bool      `json:"cached,omitempty"`
	CheckedAt time.Time `json:"checked_at"`
}

// Document returns the info of the document in format, or false.
func (l *Letter) Document(format string) (DocumentInfo, bool) {
	for _, d := range l.Documents {
		if d.Format == format {
			return d, true
		}
	}
	return DocumentInfo{}, false
}

// BatchLineError is a rejected line of a batch.
type BatchLineError struct {
	// Line is 1-based.
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// MaxRejected is how many rejected lines a batch keeps; RejectedTotal counts them all.
const MaxRejected = 1000

// Batch is the record of a batch of letters submitted together.
type Batch struct {
	ID     string `json:"id"`
	Tenant string `json:"tenant"`
	// Total counts the batch's non-blank lines read so far, rejected ones included.
	Total int `json:"total"`
	// Rejected are the first MaxRejected lines that were not queued, with the reason.
	Rejected []BatchLineError `json:"rejected,omitempty"`
	// RejectedTotal counts every rejected line.
	RejectedTotal int `json:"rejected_total"`
	// Duplicates counts the lines whose idempotency key named a letter submitted before; they
	// add no letter (Client.BatchLetters lists them with that letter).
	Duplicates int `json:"duplicates"`
	// Counts are the letters of the batch by status.
	Counts map[Status]int `json:"counts"`
	// Done is true when every line has been read and every queued letter is delivered or failed.
	Done    bool      `json:"done"`
	Created time.Time `json:"created"`
}

// Errors callers branch on.
var (
	// ErrNotFound: no such letter, batch or document for this tenant (another tenant's ids too).
	ErrNotFound = errors.New("not found")
	// ErrUnknownTemplate: the tenant has no template of that name.
	ErrUnknownTemplate = errors.New("unknown template")
)

// InputError is a submission field the client rejected before anything was queued (an unknown
// format, priority or channel, a missing tenant). Bad case data is a *templates.DataError instead.
type InputError struct {
	// Field is the submission field, as named in the HTTP API: "formats", "priority", ...
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// Problem is one reason a submission was refused. Path is a JSON Pointer into the submission as
// the HTTP API takes it ("/recipient/id", "/attachments/0/filename", "/data/subject").
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// SubmissionError lists why a letter could not be rendered or delivered as submitted (a field
// that does not fit its place in the letter, a character no font has, NgDP's rules for MeMo
// messages): the letter is refused before anything is queued, so that a letter accepted is a
// letter that will be delivered. Messages name the rule broken, never the value.
type SubmissionError struct {
	Problems []Problem
}

func (e *SubmissionError) Error() string {
	var b strings.Builder
	b.WriteString("the letter cannot be accepted as submitted: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Path + ": " + p.Message)
	}
	return b.String()
}
