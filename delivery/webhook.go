package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// WebhookChannel is the channel name the Webhook writes into its receipts and errors.
const WebhookChannel = "webhook"

// Webhook delivers letters by POSTing them, signed, to an HTTPS endpoint of the tenant's: a
// national mailbox's sender gateway (Kivra, Mina meddelanden, Suomi.fi) or any integration
// platform.
//
// Each letter is one POST of a JSON body:
//
//	{
//	  "event": "letter",
//	  "letter": {"id": "01JD3YQ2Z8", "tenant": "kommune-a", "template": "boligstoette-afgoerelse",
//	             "template_version": "1a2b3c", "title": "Afgørelse om boligstøtte", "language": "da",
//	             "created": "2026-03-01T09:30:00Z"},
//	  "recipient": {"id": "<CPR or CVR number>"},
//	  "documents": [{"format": "pdf", "filename": "01JD3YQ2Z8.pdf", "mime_type": "application/pdf",
//	                 "bytes": 31337, "sha256": "<hex>", "content_base64": "<standard base64>"}],
//	  "memo": {"message_uuid": "…", "version": "1.1", "bytes": 2048, "sha256": "<hex>",
//	           "content_base64": "…"}
//	}
//
// "documents" holds every rendered format (pdf, docx); "memo" is there only for a letter with a
// MeMo message; "language", "title", "template_version" and "created" are left out when unknown.
// The recipient's id is in the body because the receiver needs it to deliver; it travels only over
// TLS to the configured endpoint and appears in no error or log.
//
// The request carries SignatureHeader and TimestampHeader (check them with Verify),
// "Idempotency-Key: <letter id>" and "User-Agent: postbud". A retried Deliver sends the same letter
// with the same key, so a receiver that keeps the keys it has taken delivers a letter once.
//
// The answer decides (see PostSigned): a 2xx means taken, and the answer's JSON "id", if any,
// becomes the receipt's Reference; a 4xx is a rejection of the letter, with the answer's "code"
// and "message" fields (receivers must not put personal data in them); 401 and 403 halt the
// channel; 408, 425, 429 and 503 throttle it; anything else is retried.
type Webhook struct {
	// URL is the endpoint. It must be https://; http:// is accepted only for a loopback host
	// (localhost, 127.0.0.0/8, ::1), for tests and development.
	URL string
	// Secret is the HMAC key shared with the receiver; required.
	Secret []byte
	// Client sends the requests; nil means one with a 30 second timeout. Redirects are never
	// followed, whatever the client's CheckRedirect says.
	Client *http.Client
	// Now gives the signing and delivery time; nil means time.Now.
	Now func() time.Time
}

var _ Channel = (*Webhook)(nil)

type webhookBody struct {
	Event     string            `json:"event"`
	Letter    webhookLetter     `json:"letter"`
	Recipient webhookRecipient  `json:"recipient"`
	Documents []webhookDocument `json:"documents"`
	Memo      *webhookMemo      `json:"memo,omitempty"`
}

type webhookLetter struct {
	ID              string    `json:"id"`
	Tenant          string    `json:"tenant"`
	Template        string    `json:"template"`
	TemplateVersion string    `json:"template_version,omitempty"`
	Title           string    `json:"title,omitempty"`
	Language        string    `json:"language,omitempty"`
	Created         time.Time `json:"created,omitzero"`
}

type webhookRecipient struct {
	ID string `json:"id"`
}

type webhookDocument struct {
	Format   string `json:"format"`
	Filename string `json:"filename"`
	MIMEType string `json:"mime_type"`
	Bytes    int    `json:"bytes"`
	SHA256   string `json:"sha256"`
	Content  []byte `json:"content_base64"`
}

type webhookMemo struct {
	MessageUUID string `json:"message_uuid"`
	Version     string `json:"version"`
	Bytes       int    `json:"bytes"`
	SHA256      string `json:"sha256"`
	Content     []byte `json:"content_base64"`
}

// mimeTypes are the media types of the document formats.
var mimeTypes = map[string]string{
	"pdf":  "application/pdf",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// Deliver POSTs l to the endpoint. A letter that cannot be sent as given (see Outbox.Deliver for
// the checks), or whose stored MeMo message does not match its size and SHA-256, gives a Permanent
// error; a missing or unfit URL or Secret a *HaltError; the endpoint's answer is classified as
// PostSigned says. On a 2xx the receipt is {Channel: "webhook", Reference: the answer's id or
// "HTTP <status>", Status: "<status>", MessageUUID: the memo's uuid if sent}.
func (w *Webhook) Deliver(ctx context.Context, l *Letter) (*Receipt, error) {
	if err := checkLetter(l); err != nil {
		return nil, Permanent(fmt.Errorf("webhook: deliver: %w", err))
	}
	if err := w.check(); err != nil {
		return nil, &HaltError{Channel: WebhookChannel, Err: err}
	}
	body := webhookBody{
		Event: "letter",
		Letter: webhookLetter{
			ID: l.ID, Tenant: l.Tenant, Template: l.Template, TemplateVersion: l.TemplateVersion,
			Title: l.Title, Language: l.Language, Created: l.Created.UTC(),
		},
		Recipient: webhookRecipient{ID: l.Recipient.ID},
	}
	for _, d := range l.Documents {
		sum := sha256.Sum256(d.Data)
		body.Documents = append(body.Documents, webhookDocument{
			Format: d.Format, Filename: l.ID + "." + d.Format, MIMEType: mimeTypes[d.Format],
			Bytes: len(d.Data), SHA256: hex.EncodeToString(sum[:]), Content: d.Data,
		})
	}
	var uuid string
	if m := l.Message; m != nil {
		if err := checkUUID(m.UUID); err != nil {
			return nil, Permanent(fmt.Errorf("webhook: deliver %s: %w", l.ID, err))
		}
		b, err := m.Bytes(ctx)
		if err != nil {
			return nil, fmt.Errorf("webhook: deliver %s: %w", l.ID, err)
		}
		sum := sha256.Sum256(b)
		if err := checkMessage(m, int64(len(b)), sum[:]); err != nil {
			return nil, Permanent(fmt.Errorf("webhook: deliver %s: %w", l.ID, err))
		}
		uuid = m.UUID
		body.Memo = &webhookMemo{MessageUUID: m.UUID, Version: m.Version, Bytes: len(b), SHA256: hex.EncodeToString(sum[:]), Content: b}
	}
	js, err := json.Marshal(body)
	if err != nil {
		return nil, Permanent(fmt.Errorf("webhook: deliver %s: encode the request: %w", l.ID, err))
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	t := now()
	extra := http.Header{"Idempotency-Key": {l.ID}, "User-Agent": {"postbud"}}
	status, id, err := PostSigned(ctx, w.Client, WebhookChannel, w.URL, w.Secret, js, t, extra)
	if err != nil {
		return nil, fmt.Errorf("webhook: deliver %s: %w", l.ID, err)
	}
	ref := id
	if ref == "" {
		ref = "HTTP " + strconv.Itoa(status)
	}
	return &Receipt{Channel: WebhookChannel, Reference: ref, Status: strconv.Itoa(status), MessageUUID: uuid, DeliveredAt: t.UTC()}, nil
}

// check validates the configuration.
func (w *Webhook) check() error {
	if len(w.Secret) == 0 {
		return errors.New("Webhook.Secret is empty; configure the secret shared with the receiver")
	}
	if w.URL == "" {
		return errors.New("Webhook.URL is empty; configure the receiver's https:// URL")
	}
	u, err := url.Parse(w.URL)
	if err != nil {
		return errors.New("Webhook.URL is not a URL; configure the receiver's https:// URL")
	}
	if u.Host == "" {
		return errors.New("Webhook.URL has no host; configure the receiver's https:// URL")
	}
	if u.User != nil {
		return fmt.Errorf("Webhook.URL for %s holds a user name or password; the signature authenticates postbud: remove them", u.Hostname())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return fmt.Errorf("Webhook.URL for %s is http://; letters go only over https:// (http:// is for loopback hosts in tests)", u.Hostname())
		}
	default:
		return fmt.Errorf("Webhook.URL for %s has scheme %q; use https://", u.Hostname(), u.Scheme)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkMessage compares what was read of a stored MeMo message with the size and SHA-256 it was
// sealed with.
func checkMessage(m *Message, n int64, sum []byte) error {
	if n != m.Size || hex.EncodeToString(sum) != m.SHA256 {
		return fmt.Errorf("the stored MeMo message %s does not match its seal (read %d bytes, SHA-256 %x; built as %d bytes, SHA-256 %s); the stored copy is damaged: build the letter's message again", m.UUID, n, sum, m.Size, m.SHA256)
	}
	return nil
}
