package worker

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
)

// Task types.
const (
	TypeRender  = "letter:render"
	TypeDeliver = "letter:deliver"
)

// Client submits letters and batches and reads their records. It is safe for concurrent use.
type Client struct {
	o       Options
	rdb     redis.UniversalClient
	asynq   *asynq.Client
	records *records
	idemKey []byte // derives letter ids from idempotency keys
}

// NewClient connects to o.Redis. Close the Client when done.
func NewClient(o Options) (*Client, error) {
	o = o.withDefaults()
	if err := o.validate("new worker client"); err != nil {
		return nil, err
	}
	rdb, err := o.redisClient()
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(o.Metrics)
	if err != nil {
		rdb.Close()
		return nil, err
	}
	ik := hmac.New(sha256.New, o.Key[:])
	ik.Write([]byte("postbud idempotency ids v1"))
	return &Client{
		o:       o,
		rdb:     rdb,
		asynq:   asynq.NewClientFromRedisClient(rdb),
		records: &records{rdb: rdb, retention: o.Retention, now: time.Now, metrics: m},
		idemKey: ik.Sum(nil),
	}, nil
}

// Close releases the Redis connections.
func (c *Client) Close() error {
	return errors.Join(c.asynq.Close(), c.rdb.Close())
}

// Ping checks that Redis answers.
func (c *Client) Ping(ctx context.Context) error {
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}

// renderPayload is the sealed part of a render task.
type renderPayload struct {
	Data      json.RawMessage    `json:"data"`
	Recipient delivery.Recipient `json:"recipient"`
	// Attachments name the letter's stored attachments, in order (content in the store).
	Attachments []Attachment `json:"attachments,omitempty"`
}

// deliverPayload is the sealed part of a deliver task.
type deliverPayload struct {
	Title     string             `json:"title"`
	Language  string             `json:"language,omitempty"`
	Recipient delivery.Recipient `json:"recipient"`
}

// taskPayload is what Redis held for a task before the binary envelope (see seal), and still
// reads: the letter id in clear, the rest sealed with the letter id as additional data (a sealed
// payload moved to another letter does not open), as JSON.
type taskPayload struct {
	Letter string `json:"letter"`
	Sealed []byte `json:"sealed"`
}

// envelopeV1 starts a task payload in the binary envelope: the byte, the letter id (26 bytes),
// then the sealed JSON with the letter id as additional data. A JSON payload (taskPayload)
// starts with '{'.
const envelopeV1 = 0x01

// envelopeLen is the envelope's length before the sealed part.
const envelopeLen = 1 + 26

// seal makes the task payload of letter id from v: v as JSON, sealed with the id as additional
// data, in the binary envelope (no base64, no second JSON encoding).
func seal(k sealed.Key, id string, v any) ([]byte, error) {
	if len(id) != 26 {
		return nil, fmt.Errorf("seal payload: letter id %q is not 26 characters", id)
	}
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	box, err := sealed.Seal(k, plain, []byte(id))
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, envelopeLen+len(box))
	out = append(out, envelopeV1)
	out = append(out, id...)
	return append(out, box...), nil
}

// envelope splits a task payload into its letter id and sealed part: the binary envelope, or the
// JSON taskPayload of earlier versions (tasks queued before an upgrade).
func envelope(payload []byte) (id string, box []byte, err error) {
	if len(payload) > envelopeLen && payload[0] == envelopeV1 {
		return string(payload[1:envelopeLen]), payload[envelopeLen:], nil
	}
	var p taskPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return "", nil, fmt.Errorf("task payload is neither postbud's envelope nor JSON: %w", err)
	}
	return p.Letter, p.Sealed, nil
}

func unseal(k sealed.Key, payload []byte, v any) (id string, err error) {
	id, box, err := envelope(payload)
	if err != nil {
		return "", err
	}
	if !validID(id) {
		return "", fmt.Errorf("task payload names no valid letter id")
	}
	plain, err := sealed.Open(k, box, []byte(id))
	if err != nil {
		return id, fmt.Errorf("open the sealed payload (was the key changed since submission?): %w", err)
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return id, fmt.Errorf("sealed payload is not the expected JSON: %w", err)
	}
	return id, nil
}

// normalize fills a submission's defaults and checks its fields.
func (c *Client) normalize(s *Submission) error {
	if s.Tenant == "" {
		return &InputError{Field: "tenant", Message: "is empty"}
	}
	if s.Template == "" {
		return &InputError{Field: "template", Message: "is empty; name a template, e.g. \"boligstoette-afgoerelse\""}
	}
	if len(s.Formats) == 0 {
		s.Formats = []string{"pdf", "docx"}
	}
	seen := map[string]bool{}
	for _, f := range s.Formats {
		if f != "pdf" && f != "docx" {
			return &InputError{Field: "formats", Message: fmt.Sprintf("%q is not a format; use \"pdf\" and/or \"docx\"", f)}
		}
		if seen[f] {
			return &InputError{Field: "formats", Message: fmt.Sprintf("%q is listed twice", f)}
		}
		seen[f] = true
	}
	s.Formats = slices.Clone(s.Formats)
	if s.Delivery == "" {
		s.Delivery = c.o.Tenants[s.Tenant].Delivery
	}
	if s.Delivery == "" {
		s.Delivery = "outbox"
	}
	if _, ok := c.o.Channels[s.Delivery]; !ok && !(len(c.o.Channels) == 0 && s.Delivery == "outbox") {
		return &InputError{Field: "delivery", Message: fmt.Sprintf("%q is not a configured delivery channel", s.Delivery)}
	}
	switch s.Priority {
	case "":
		s.Priority = PriorityDefault
	case PriorityUrgent, PriorityDefault, PriorityBulk:
	default:
		return &InputError{Field: "priority", Message: fmt.Sprintf("%q is not a priority; use \"urgent\", \"default\" or \"bulk\"", s.Priority)}
	}
	if len(s.IdempotencyKey) > 200 {
		return &InputError{Field: "idempotency_key", Message: "is longer than 200 characters"}
	}
	if s.Delivery == "ngdp" && !c.o.wantsMemo(s.Tenant) {
		return &InputError{Field: "delivery", Message: "ngdp needs the tenant's Digital Post sender (CVR and name) in the configuration; ask the operator"}
	}
	if len(s.Attachments) > 0 && !c.o.wantsMemo(s.Tenant) {
		return &InputError{Field: "attachments", Message: "attachments travel in the Digital Post (MeMo) message, and this tenant has no Digital Post sender configured"}
	}
	if len(s.Attachments) > maxAttachments {
		return &InputError{Field: "attachments", Message: fmt.Sprintf("%d attachments; at most %d", len(s.Attachments), maxAttachments)}
	}
	var total int64
	for i, a := range s.Attachments {
		if len(a.Content) == 0 {
			return &InputError{Field: fmt.Sprintf("attachments/%d/content_base64", i), Message: "is empty"}
		}
		total += int64(len(a.Content))
	}
	if total > c.o.MaxAttachments {
		return &InputError{Field: "attachments", Message: fmt.Sprintf("%d bytes of attachments; at most %d", total, c.o.MaxAttachments)}
	}
	if len(s.Attachments) > 0 && c.o.Documents == nil {
		return fmt.Errorf("submit letter: attachments need Options.Documents")
	}
	return nil
}

// maxAttachments is the most attachments a letter may carry.
const maxAttachments = 20

// Submit validates s and queues its letter. Errors: *InputError for a bad field, an error
// wrapping ErrUnknownTemplate, a *templates.DataError listing every problem of the case data;
// nothing is queued then. With an IdempotencyKey, the first Submit of that key (per tenant)
// creates the letter and later ones, concurrent ones too, return the same letter with
// created=false, whatever else they carry.
func (c *Client) Submit(ctx context.Context, s Submission) (l *Letter, created bool, err error) {
	if err := c.normalize(&s); err != nil {
		return nil, false, err
	}
	if s.IdempotencyKey != "" {
		if l, err := c.byIdempotencyKey(ctx, s.Tenant, s.IdempotencyKey); err == nil {
			// A retry of a request whose first attempt may have died half way: make sure the
			// letter it names has its task.
			c.ensureTask(ctx, l)
			return l, false, nil
		} else if !errors.Is(err, ErrNotFound) {
			return nil, false, err
		}
	}
	b, err := c.o.Templates.Bundle(s.Tenant, s.Template)
	if err != nil {
		return nil, false, fmt.Errorf("submit letter: %w", err)
	}
	if b, err = b.Lang(s.Language); err != nil {
		return nil, false, fmt.Errorf("submit letter: %w", &InputError{Field: "language", Message: err.Error()})
	}
	now := time.Now().UTC().Truncate(time.Second)
	id := newID()
	if s.IdempotencyKey != "" {
		id = c.idFor(s.Tenant, s.IdempotencyKey)
	}
	l = &Letter{
		ID: id, Tenant: s.Tenant, Template: b.Name, TemplateVersion: b.Version, Language: b.Language,
		Status: StatusQueued, Priority: s.Priority, Delivery: s.Delivery, Formats: s.Formats,
		BatchID: s.BatchID, Created: now, Updated: now, Attachments: len(s.Attachments),
	}
	// A letter accepted must render: merge the data (validating it against the schema) and run
	// the PDF layout's checks; then, for a Digital Post sender, check the MeMo message.
	merged, err := c.o.preflight(b, s.Data, s.Recipient)
	if err != nil {
		return nil, false, fmt.Errorf("submit letter: %w", err)
	}
	if c.o.wantsMemo(s.Tenant) {
		// The messageUUID is drawn once, here, and stored with the record before any attempt.
		l.MessageUUID = memo.NewUUID()
		fm, err := merged.Memo()
		if err != nil {
			return nil, false, fmt.Errorf("submit letter: %w", err)
		}
		if err := c.o.checkMemo(b, c.o.memoMessage(b, fm, l, s.Recipient, s.Attachments), s.Attachments); err != nil {
			return nil, false, fmt.Errorf("submit letter: %w", err)
		}
	}
	// The template version goes into the archive before any letter uses it (once a process).
	if err := c.o.keepVersion(ctx, b, now); err != nil {
		return nil, false, fmt.Errorf("submit letter: %w", err)
	}
	for i, a := range s.Attachments {
		if _, _, err := c.o.storeSealed(ctx, l.Tenant, l.ID, attachmentFormat(i), func(w io.Writer) error {
			_, err := w.Write(a.Content)
			return err
		}); err != nil {
			return nil, false, fmt.Errorf("submit letter: store attachment %d: %w", i, err)
		}
	}
	payload, err := seal(c.o.Key, l.ID, renderPayload{Data: s.Data, Recipient: s.Recipient, Attachments: s.Attachments})
	if err != nil {
		return nil, false, fmt.Errorf("submit letter: seal payload: %w", err)
	}
	// Crash safety, in this order: the letter is listed as pending; its record and sealed
	// payload are written in one step (one Cluster slot); the render task is queued; the pending
	// entry goes. Whichever step a crash interrupts, the repair sweep (Server, see repair.go)
	// finds the pending entry and queues the task from the stored payload, or drops an entry with
	// no record: a letter whose record exists always gets its task. With an idempotency key the
	// letter's id is derived from the key, so writing the record is also claiming the key: a
	// retry after any crash, or a concurrent request, finds this letter, never makes a second.
	if err := c.rdb.ZAdd(ctx, pendingKey, redis.Z{Score: float64(time.Now().UnixMilli()), Member: l.ID}).Err(); err != nil {
		return nil, false, fmt.Errorf("submit letter: list as pending: %w", err)
	}
	testHookSubmit("pending")
	won, err := c.records.create(ctx, l, payload)
	if err != nil {
		return nil, false, fmt.Errorf("submit letter: %w", err)
	}
	if !won {
		first, err := c.Letter(ctx, s.Tenant, l.ID)
		if err != nil {
			return nil, false, fmt.Errorf("submit letter: read the letter of the idempotency key: %w", err)
		}
		c.ensureTask(ctx, first)
		return first, false, nil
	}
	testHookSubmit("record")
	if err := enqueueRender(ctx, c.asynq, c.o, l, payload); err != nil {
		c.records.delete(ctx, l)
		c.rdb.ZRem(context.WithoutCancel(ctx), pendingKey, l.ID)
		return nil, false, fmt.Errorf("submit letter: %w", err)
	}
	testHookSubmit("task")
	// Best effort: an entry left behind costs the sweep one look.
	c.rdb.ZRem(context.WithoutCancel(ctx), pendingKey, l.ID)
	c.o.Logger.LogAttrs(ctx, levelDebug, "letter queued", attrLetter(l)...)
	return l, true, nil
}

// byIdempotencyKey returns the letter of a tenant's idempotency key, or ErrNotFound.
func (c *Client) byIdempotencyKey(ctx context.Context, tenant, key string) (*Letter, error) {
	return c.Letter(ctx, tenant, c.idFor(tenant, key))
}

// idFor is the letter id of a tenant's idempotency key: an HMAC under a key derived from the
// sealing key, so ids stay unguessable and keys (which may hold anything the integrator chose)
// are never stored.
func (c *Client) idFor(tenant, key string) string {
	m := hmac.New(sha256.New, c.idemKey)
	m.Write([]byte(tenant))
	m.Write([]byte{0})
	m.Write([]byte(key))
	return idEncoding.EncodeToString(m.Sum(nil)[:16])
}

// Letter returns the record of letter id of tenant; ErrNotFound when there is none (another
// tenant's letter included).
func (c *Client) Letter(ctx context.Context, tenant, id string) (*Letter, error) {
	l, err := c.records.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if l.Tenant != tenant {
		return nil, ErrNotFound
	}
	return l, nil
}

// Document returns the bytes of letter id's document in format ("pdf" or "docx");
// ErrNotFound when the letter is not the tenant's, or has no such document (yet).
func (c *Client) Document(ctx context.Context, tenant, id, format string) ([]byte, error) {
	l, err := c.Letter(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if _, ok := l.Document(format); !ok {
		return nil, fmt.Errorf("letter %s has no %q document (status %s): %w", id, format, l.Status, ErrNotFound)
	}
	if c.o.Documents == nil {
		return nil, fmt.Errorf("read document: Options.Documents is not set")
	}
	data, err := c.o.Documents.Get(ctx, tenant, id, format)
	if errors.Is(err, docstore.ErrNotFound) {
		return nil, fmt.Errorf("read %s of letter %s: the stored document is gone: %w", format, id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s of letter %s: %w", format, id, err)
	}
	return data, nil
}
