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

// Task types beside render and deliver.
const (
	// TypeCallback tells a tenant's callback URL that a letter ended.
	TypeCallback = "letter:callback"
	// TypeDeliverBulk hands many Digital Post letters over in one request: Asynq aggregates
	// deliver tasks of the group "ngdp" into it when Options.Bulk is above 1.
	TypeDeliverBulk = "letter:deliver-bulk"
)

// bulk reports whether letters to channel go in bulk requests.
func (s *Server) bulk(channel string) bool {
	_, ok := s.o.Channels[channel].(delivery.BulkChannel)
	return ok && s.o.Bulk > 1 && channel == "ngdp"
}

// job is one letter being delivered: its record (and the record's JSON as last read or written,
// for the next update), sealed payload, redactor and the ledger token. docs holds the documents'
// bytes by format when the letter was rendered in this run; otherwise they are read from the
// store.
type job struct {
	l     *Letter
	raw   []byte
	p     deliverPayload
	red   *redactor
	token string
	docs  map[string][]byte
}

// deliver is the deliver task: route a Digital Post letter (digital mailbox or print), claim the
// letter in the delivery ledger, wait for the channel's rate and back-off, hand the letter over,
// and record the receipt.
func (s *Server) deliver(ctx context.Context, t *asynq.Task) error {
	j, err := s.startDelivery(ctx, t.Payload())
	if j == nil {
		return err
	}
	return s.deliverJob(ctx, j)
}

// deliverJob routes a letter that is delivering and hands it over.
func (s *Server) deliverJob(ctx context.Context, j *job) error {
	channel, err := s.routeLetter(ctx, j)
	if err != nil {
		return err
	}
	return s.deliverOne(ctx, j, channel)
}

// startDelivery opens a deliver payload and moves the letter to delivering. A nil job means
// there is nothing to do (the error, if any, is the task's result).
func (s *Server) startDelivery(ctx context.Context, payload []byte) (*job, error) {
	j := &job{}
	id, err := unseal(s.o.Key, payload, &j.p)
	if err != nil {
		if id == "" {
			return nil, fmt.Errorf("deliver task: %v: %w", err, asynq.SkipRetry)
		}
		return nil, s.failed(ctx, id, StatusRendered, permanent{fmt.Errorf("deliver: %w", err)}, nil)
	}
	l, raw, todo, err := s.start(ctx, id, []Status{StatusRendered, StatusDelivering}, StatusDelivering)
	switch {
	case errors.Is(err, ErrNotFound):
		s.o.Logger.Warn("deliver: letter record is gone (past retention?); dropping the task", slog.String("letter", id))
		return nil, nil
	case err != nil:
		return nil, err
	case !todo:
		return nil, nil
	}
	j.l, j.raw, j.red = l, raw, newRedactor(nil, j.p.Recipient)
	return j, nil
}

// routeLetter returns the channel a letter goes through. A Digital Post letter is routed once,
// and the route stored before the first hand-off, so a retry never sends to print a letter that
// may already be in the mailbox, or the other way round.
func (s *Server) routeLetter(ctx context.Context, j *job) (string, error) {
	l := j.l
	if l.Delivery != "ngdp" {
		return l.Delivery, nil
	}
	if l.Route == nil {
		rt, err := s.router.route(ctx, "ngdp", j.p.Recipient.ID)
		if err != nil {
			s.gate.outcome(ctx, "ngdp", pass{}, err, s.o.Logger)
			if later := s.gate.postponed(ctx, "ngdp", err); later != nil {
				return "", s.later(ctx, l.ID, later)
			}
			return "", s.failed(ctx, l.ID, StatusRendered, err, j.red)
		}
		l, raw, err := s.records.modify(ctx, l.ID, func(l *Letter) error {
			if l.Route != nil {
				return errUnchanged
			}
			l.Route = rt
			return nil
		}, change{prev: j.raw})
		if err != nil {
			return "", s.failed(ctx, j.l.ID, StatusRendered, fmt.Errorf("record route: %w", err), j.red)
		}
		j.l, j.raw = l, raw
	}
	return j.l.Route.Channel, nil
}

// deliverOne hands one letter over through channel.
func (s *Server) deliverOne(ctx context.Context, j *job, channel string) error {
	id := j.l.ID
	ch := s.o.Channels[channel]
	if ch == nil {
		return s.failed(ctx, id, StatusRendered, permanent{fmt.Errorf("delivery channel %q is not configured on this worker", channel)}, j.red)
	}
	receipt, err := s.claim(ctx, j)
	if err != nil || receipt != nil {
		if err != nil {
			return err
		}
		return s.delivered(ctx, j, receipt)
	}
	receipt, err = s.handOver(ctx, j, channel, ch)
	if err != nil {
		s.ledger.release(ctx, id, j.token)
		if later := s.gate.postponed(ctx, channel, err); later != nil {
			return s.later(ctx, id, later)
		}
		return s.failed(ctx, id, StatusRendered, fmt.Errorf("deliver via %s: %w", channel, err), j.red)
	}
	return s.delivered(ctx, j, receipt)
}

// claim takes the letter's ledger lease (j.token): a nil receipt and nil error mean go ahead; a
// receipt means an earlier hand-off stands; an error is the task's result.
func (s *Server) claim(ctx context.Context, j *job) (*delivery.Receipt, error) {
	receipt, token, err := s.ledger.claim(ctx, j.l.ID, s.o.ChannelTimeout+5*time.Second)
	var busy *errBusy
	switch {
	case errors.As(err, &busy):
		return nil, s.later(ctx, j.l.ID, &retryLater{wait: busy.wait, why: "another worker is handing this letter over"})
	case err != nil:
		return nil, s.failed(ctx, j.l.ID, StatusRendered, err, j.red)
	}
	j.token = token
	return receipt, nil
}

// delivered records the receipt that stands and queues the tenant's callback.
func (s *Server) delivered(ctx context.Context, j *job, receipt *delivery.Receipt) error {
	id := j.l.ID
	l, _, err := s.records.modify(context.WithoutCancel(ctx), id, func(l *Letter) error {
		if l.Status == StatusDelivered {
			return errUnchanged
		}
		l.Status, l.Receipt, l.LastError = StatusDelivered, receipt, ""
		return nil
	}, change{prev: j.raw})
	if err != nil {
		return fmt.Errorf("record delivery of letter %s: %w", id, err)
	}
	s.notify(ctx, l)
	s.o.Logger.Debug("letter delivered", slog.String("letter", id), slog.String("channel", receipt.Channel))
	return nil
}

// handOver sends the letter through ch once the gate lets it and records the hand-off in the
// ledger; it returns the receipt that stands.
func (s *Server) handOver(ctx context.Context, j *job, name string, ch delivery.Channel) (*delivery.Receipt, error) {
	dl, err := s.deliveryLetter(ctx, j.l, &j.p, j.docs)
	if err != nil {
		return nil, err
	}
	// The grant comes last, so that as little as possible lies between it and the request.
	pass, err := s.gate.enter(ctx, name)
	if err != nil {
		return nil, err
	}
	began := time.Now()
	cctx, cancel := context.WithTimeout(ctx, s.o.ChannelTimeout)
	r, err := ch.Deliver(cctx, dl)
	cancel()
	s.gate.outcome(ctx, name, pass, err, s.o.Logger)
	if err != nil {
		return nil, err
	}
	s.metrics.delivery.Observe(time.Since(began).Seconds())
	return s.ledger.commit(ctx, j.l.ID, j.token, r)
}

// aggregate is Asynq's GroupAggregator: the deliver tasks of a group become one bulk task whose
// payload lists theirs (each still sealed under its own letter id).
//
// The payloads are binary (see seal), so the list holds them as base64 strings; deliverBulk also
// reads the lists of JSON payloads of earlier versions.
func (s *Server) aggregate(group string, tasks []*asynq.Task) *asynq.Task {
	payloads := make([][]byte, len(tasks))
	for i, t := range tasks {
		payloads[i] = t.Payload()
	}
	b, _ := json.Marshal(payloads)
	return asynq.NewTask(TypeDeliverBulk, b, asynq.MaxRetry(s.o.MaxRetry), asynq.Timeout(s.o.TaskTimeout))
}

// deliverBulk hands the Digital Post letters of a bulk task over in one tar + LZMA request.
// Letters routed to print go one by one; letters handed over before are recorded from the
// ledger. Each letter of the request gets its own receipt or error; a transient failure of any
// letter retries the task, whose letters that went through are then found in the ledger.
func (s *Server) deliverBulk(ctx context.Context, t *asynq.Task) error {
	var payloads []json.RawMessage
	if err := json.Unmarshal(t.Payload(), &payloads); err != nil {
		return fmt.Errorf("bulk deliver task: %v: %w", err, asynq.SkipRetry)
	}
	var (
		jobs []*job
		errs []error
	)
	for _, raw := range payloads {
		payload := []byte(raw)
		if len(raw) > 0 && raw[0] == '"' {
			// A binary payload, as base64 (aggregate); else a JSON payload of an earlier version.
			if err := json.Unmarshal(raw, &payload); err != nil {
				errs = append(errs, fmt.Errorf("bulk deliver task: %v: %w", err, asynq.SkipRetry))
				continue
			}
		}
		j, err := s.startDelivery(ctx, payload)
		if j == nil {
			errs = append(errs, err)
			continue
		}
		channel, err := s.routeLetter(ctx, j)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if channel != "ngdp" {
			errs = append(errs, s.deliverOne(ctx, j, channel))
			continue
		}
		receipt, err := s.claim(ctx, j)
		switch {
		case err != nil:
			errs = append(errs, err)
		case receipt != nil:
			errs = append(errs, s.delivered(ctx, j, receipt))
		default:
			jobs = append(jobs, j)
		}
	}
	if len(jobs) > 0 {
		errs = append(errs, s.handOverBulk(ctx, jobs)...)
	}
	return bulkResult(errs)
}

// handOverBulk sends jobs in one bulk request and records each outcome.
func (s *Server) handOverBulk(ctx context.Context, jobs []*job) []error {
	const name = "ngdp"
	release := func() {
		for _, j := range jobs {
			s.ledger.release(ctx, j.l.ID, j.token)
		}
	}
	every := func(f func(j *job) error) []error {
		out := make([]error, len(jobs))
		for i, j := range jobs {
			out[i] = f(j)
		}
		return out
	}
	fail := func(err error) []error {
		release()
		if later := s.gate.postponed(ctx, name, err); later != nil {
			return every(func(j *job) error { return s.later(ctx, j.l.ID, later) })
		}
		return every(func(j *job) error {
			return s.failed(ctx, j.l.ID, StatusRendered, fmt.Errorf("deliver via %s (bulk): %w", name, err), j.red)
		})
	}
	pass, err := s.gate.enter(ctx, name)
	if err != nil {
		return fail(err)
	}
	dls := make([]*delivery.Letter, len(jobs))
	for i, j := range jobs {
		dl, err := s.deliveryLetter(ctx, j.l, &j.p, j.docs)
		if err != nil {
			return fail(err)
		}
		dls[i] = dl
	}
	began := time.Now()
	cctx, cancel := context.WithTimeout(ctx, s.o.ChannelTimeout)
	receipts, perLetter, err := s.o.Channels[name].(delivery.BulkChannel).DeliverBulk(cctx, dls)
	cancel()
	s.gate.outcome(ctx, name, pass, err, s.o.Logger)
	if err != nil {
		return fail(err)
	}
	s.metrics.delivery.Observe(time.Since(began).Seconds())
	out := make([]error, len(jobs))
	for i, j := range jobs {
		if e := perLetter[i]; e != nil || receipts[i] == nil {
			s.ledger.release(ctx, j.l.ID, j.token)
			if e == nil {
				e = errors.New("the bulk answer has no receipt for the letter")
			}
			out[i] = s.failed(ctx, j.l.ID, StatusRendered, fmt.Errorf("deliver via %s (bulk): %w", name, e), j.red)
			continue
		}
		r, err := s.ledger.commit(ctx, j.l.ID, j.token, receipts[i])
		if err != nil {
			out[i] = err
			continue
		}
		out[i] = s.delivered(ctx, j, r)
	}
	return out
}

// bulkResult is a bulk task's result: nil when every letter is done or failed for good, the
// longest postponement when some wait, else the first transient error (the task is retried).
func bulkResult(errs []error) error {
	var (
		later     *retryLater
		transient error
	)
	for _, err := range errs {
		var rl *retryLater
		switch {
		case err == nil || errors.Is(err, asynq.SkipRetry):
		case errors.As(err, &rl):
			if later == nil || rl.wait > later.wait {
				later = rl
			}
		case transient == nil:
			transient = err
		}
	}
	if transient != nil {
		return transient
	}
	if later != nil {
		return later
	}
	return nil
}

// deliveryLetter reads the letter's documents (from docs when given: the bytes just rendered,
// which the store holds too) and opens its MeMo message for a channel.
func (s *Server) deliveryLetter(ctx context.Context, l *Letter, p *deliverPayload, docs map[string][]byte) (*delivery.Letter, error) {
	dl := &delivery.Letter{
		ID: l.ID, Tenant: l.Tenant, Template: l.Template, TemplateVersion: l.TemplateVersion,
		Title: p.Title, Language: p.Language, Recipient: p.Recipient, Created: l.Created,
	}
	for _, d := range l.Documents {
		data, ok := docs[d.Format]
		if !ok {
			var err error
			if data, err = s.o.Documents.Get(ctx, l.Tenant, l.ID, d.Format); err != nil {
				return nil, fmt.Errorf("read stored %s: %w", d.Format, err)
			}
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
		l.LastError = "waiting: " + plain(s.scrub(err.Error()))
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
