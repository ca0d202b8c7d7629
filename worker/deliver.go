package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/postbud/postbud/delivery"
)

// TypeCallback is the task that tells a tenant's callback URL a letter ended.
const TypeCallback = "letter:callback"

// deliver is the deliver task: route a Digital Post letter (digital mailbox or print), claim the
// letter in the delivery ledger, wait for the channel's rate and back-off, hand the letter over,
// and record the receipt.
func (s *Server) deliver(ctx context.Context, t *asynq.Task) error {
	var p deliverPayload
	id, err := unseal(s.o.Key, t.Payload(), &p)
	if err != nil {
		if id == "" {
			return fmt.Errorf("deliver task: %v: %w", err, asynq.SkipRetry)
		}
		return s.failed(ctx, id, StatusRendered, permanent{fmt.Errorf("deliver: %w", err)}, nil)
	}
	l, todo, err := s.start(ctx, id, []Status{StatusRendered, StatusDelivering}, StatusDelivering)
	switch {
	case errors.Is(err, ErrNotFound):
		s.o.Logger.Warn("deliver: letter record is gone (past retention?); dropping the task", slog.String("letter", id))
		return nil
	case err != nil:
		return err
	case !todo:
		return nil
	}
	red := newRedactor(nil, p.Recipient)

	channel := l.Delivery
	if channel == "ngdp" {
		// The route is decided once and stored before the first hand-off, so a retry never
		// sends a letter to print that may already be in the mailbox, or the other way round.
		if l.Route == nil {
			rt, err := s.router.route(ctx, "ngdp", p.Recipient.ID)
			if err != nil {
				s.gate.outcome(ctx, "ngdp", err, s.o.Logger)
				if later := s.gate.postponed(ctx, "ngdp", err); later != nil {
					return s.later(ctx, id, later)
				}
				return s.failed(ctx, id, StatusRendered, err, red)
			}
			if l, err = s.records.update(ctx, id, func(l *Letter) error {
				if l.Route != nil {
					return errUnchanged
				}
				l.Route = rt
				return nil
			}); err != nil {
				return s.failed(ctx, id, StatusRendered, fmt.Errorf("record route: %w", err), red)
			}
		}
		channel = l.Route.Channel
	}
	ch := s.o.Channels[channel]
	if ch == nil {
		return s.failed(ctx, id, StatusRendered, permanent{fmt.Errorf("delivery channel %q is not configured on this worker", channel)}, red)
	}

	receipt, token, err := s.ledger.claim(ctx, id, s.o.ChannelTimeout+5*time.Second)
	var busy *errBusy
	switch {
	case errors.As(err, &busy):
		return s.later(ctx, id, &retryLater{wait: busy.wait, why: "another worker is handing this letter over"})
	case err != nil:
		return s.failed(ctx, id, StatusRendered, err, red)
	}
	if receipt == nil {
		if receipt, err = s.handOver(ctx, l, &p, channel, ch, token); err != nil {
			s.ledger.release(ctx, id, token)
			if later := s.gate.postponed(ctx, channel, err); later != nil {
				return s.later(ctx, id, later)
			}
			return s.failed(ctx, id, StatusRendered, fmt.Errorf("deliver via %s: %w", channel, err), red)
		}
	}
	l, err = s.records.update(context.WithoutCancel(ctx), id, func(l *Letter) error {
		if l.Status == StatusDelivered {
			return errUnchanged
		}
		l.Status, l.Receipt, l.LastError = StatusDelivered, receipt, ""
		return nil
	})
	if err != nil {
		return fmt.Errorf("record delivery of letter %s: %w", id, err)
	}
	s.notify(ctx, l)
	s.o.Logger.Debug("letter delivered", slog.String("letter", id), slog.String("channel", channel))
	return nil
}

// handOver sends the letter through ch once the gate lets it and records the hand-off in the
// ledger; it returns the receipt that stands.
func (s *Server) handOver(ctx context.Context, l *Letter, p *deliverPayload, name string, ch delivery.Channel, token string) (*delivery.Receipt, error) {
	if err := s.gate.enter(ctx, name); err != nil {
		return nil, err
	}
	dl, err := s.deliveryLetter(ctx, l, p)
	if err != nil {
		return nil, err
	}
	began := time.Now()
	cctx, cancel := context.WithTimeout(ctx, s.o.ChannelTimeout)
	r, err := ch.Deliver(cctx, dl)
	cancel()
	s.gate.outcome(ctx, name, err, s.o.Logger)
	if err != nil {
		return nil, err
	}
	s.metrics.delivery.Observe(time.Since(began).Seconds())
	return s.ledger.commit(ctx, l.ID, token, r)
}

// deliveryLetter reads the letter's documents and opens its MeMo message for a channel.
func (s *Server) deliveryLetter(ctx context.Context, l *Letter, p *deliverPayload) (*delivery.Letter, error) {
	dl := &delivery.Letter{
		ID: l.ID, Tenant: l.Tenant, Template: l.Template, TemplateVersion: l.TemplateVersion,
		Title: p.Title, Language: p.Language, Recipient: p.Recipient, Created: l.Created,
	}
	for _, d := range l.Documents {
		data, err := s.o.Documents.Get(ctx, l.Tenant, l.ID, d.Format)
		if err != nil {
			return nil, fmt.Errorf("read stored %s: %w", d.Format, err)
		}
		dl.Documents = append(dl.Documents, delivery.Document{Format: d.Format, Data: data})
	}
	if l.Memo != nil {
		tenant, id := l.Tenant, l.ID
		dl.Message = &delivery.Message{
			UUID: l.MessageUUID, Version: l.Memo.Version, Size: l.Memo.Bytes, SHA256: l.Memo.SHA256,
			Open: func(ctx context.Context) (io.ReadCloser, error) { return s.o.openSealed(ctx, tenant, id, memoFormat) },
		}
	}
	return dl, nil
}

// later puts a postponed letter back to rendered with the reason, and returns the retryLater
// for Asynq, which runs the task again without counting a failure.
func (s *Server) later(ctx context.Context, id string, err error) error {
	_, _ = s.records.update(context.WithoutCancel(ctx), id, func(l *Letter) error {
		if l.Status.Final() {
			return errUnchanged
		}
		l.Status = StatusRendered
		l.LastError = "waiting: " + plain(err.Error())
		return nil
	})
	return err
}

// callbackPayload is a callback task's payload: ids only, so it needs no sealing.
type callbackPayload struct {
	Letter string `json:"letter"`
	Status Status `json:"status"`
}

// notify queues the tenant's status callback for a letter that ended, once per letter and
// status. It never blocks or fails the delivery: a callback that cannot be queued is logged.
func (s *Server) notify(ctx context.Context, l *Letter) {
	if l == nil || !l.Status.Final() || s.o.Tenants[l.Tenant].CallbackURL == "" {
		return
	}
	payload, _ := json.Marshal(callbackPayload{Letter: l.ID, Status: l.Status})
	_, err := s.asynq.EnqueueContext(context.WithoutCancel(ctx), asynq.NewTask(TypeCallback, payload),
		asynq.TaskID("callback:"+l.ID+":"+string(l.Status)), asynq.Queue(QueueCallback),
		asynq.MaxRetry(s.o.MaxRetry), asynq.Timeout(time.Minute), asynq.Retention(time.Hour))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		s.o.Logger.Error("queue status callback", slog.String("letter", l.ID), slog.Any("error", err))
	}
}

// callbackBody is what a tenant's callback URL receives.
type callbackBody struct {
	Event  string  `json:"event"`
	Letter *Letter `json:"letter"`
}

// callback is the callback task: POST the letter's record, signed, to the tenant's URL.
// Throttling and server errors are retried with back-off; a refusal (4xx) ends the task.
func (s *Server) callback(ctx context.Context, t *asynq.Task) error {
	var p callbackPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || !validID(p.Letter) {
		return fmt.Errorf("callback task: bad payload: %w", asynq.SkipRetry)
	}
	l, err := s.records.get(ctx, p.Letter)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	tn := s.o.Tenants[l.Tenant]
	if tn.CallbackURL == "" {
		return nil
	}
	body, err := json.Marshal(callbackBody{Event: "letter." + string(p.Status), Letter: l})
	if err != nil {
		return fmt.Errorf("callback: %v: %w", err, asynq.SkipRetry)
	}
	_, _, err = delivery.PostSigned(ctx, s.o.HTTPClient, "callback", tn.CallbackURL, tn.CallbackSecret, body, time.Now(),
		map[string][]string{"Idempotency-Key": {l.ID + ":" + string(p.Status)}})
	if err != nil {
		s.o.Logger.Warn("status callback failed", slog.String("letter", l.ID), slog.String("tenant", l.Tenant), slog.String("error", err.Error()))
		if delivery.IsPermanent(err) {
			return fmt.Errorf("%v: %w", err, asynq.SkipRetry)
		}
		return err
	}
	return nil
}
