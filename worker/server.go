package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/docx"
	"github.com/postbud/postbud/render/pdf"
)

// Server runs the render and deliver handlers. Run it in as many processes as needed: they share
// the queues through Redis.
type Server struct {
	o               Options
	rdb             redis.UniversalClient
	asynq           *asynq.Client
	records         *records
	metrics         *metrics
	concurrency     int
	shutdownTimeout time.Duration
}

// NewServer prepares a Server that runs up to concurrency tasks at a time (zero or less means
// the number of CPUs) and, when stopped, gives running tasks shutdownTimeout (zero means 8
// seconds) to finish before it hands them back to the queue. It needs o.Documents and the
// "outbox" channel at least.
func NewServer(o Options, concurrency int, shutdownTimeout time.Duration) (*Server, error) {
	o = o.withDefaults()
	if err := o.validate("new worker server"); err != nil {
		return nil, err
	}
	if o.Documents == nil {
		return nil, fmt.Errorf("new worker server: Options.Documents is required")
	}
	if o.Channels["outbox"] == nil {
		return nil, fmt.Errorf("new worker server: Options.Channels has no \"outbox\" channel")
	}
	if shutdownTimeout <= 0 {
		shutdownTimeout = 8 * time.Second
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
	return &Server{
		o: o, rdb: rdb, asynq: asynq.NewClientFromRedisClient(rdb), metrics: m,
		records:     &records{rdb: rdb, retention: o.Retention, now: time.Now, metrics: m},
		concurrency: concurrency, shutdownTimeout: shutdownTimeout,
	}, nil
}

// Run processes tasks until ctx is done, then stops taking work, lets running tasks finish
// within the shutdown timeout and hands the others back to the queue, where another Server
// picks them up. It returns nil after a shutdown caused by ctx, and closes its connections.
func (s *Server) Run(ctx context.Context) error {
	defer s.rdb.Close()
	defer s.asynq.Close()
	srv := asynq.NewServerFromRedisClient(s.rdb, asynq.Config{
		Concurrency:              s.concurrency,
		Queues:                   QueueWeights,
		RetryDelayFunc:           func(n int, _ error, _ *asynq.Task) time.Duration { return s.o.retryDelay(n, rand.Float64) },
		ShutdownTimeout:          s.shutdownTimeout,
		Logger:                   asynqLogger{s.o.Logger},
		LogLevel:                 asynq.WarnLevel,
		DelayedTaskCheckInterval: time.Second,
		TaskCheckInterval:        200 * time.Millisecond,
		// Handlers log their own failures with ids only.
		ErrorHandler: asynq.ErrorHandlerFunc(func(context.Context, *asynq.Task, error) {}),
	})
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeRender, s.render)
	mux.HandleFunc(TypeDeliver, s.deliver)
	if err := srv.Start(mux); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	s.o.Logger.Info("worker started", slog.Int("concurrency", s.concurrency))
	<-ctx.Done()
	s.o.Logger.Info("worker stopping: finishing running letters", slog.Duration("timeout", s.shutdownTimeout))
	srv.Stop()
	srv.Shutdown()
	s.o.Logger.Info("worker stopped")
	return nil
}

// permanent marks a failure no retry can fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

func isPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p) || delivery.IsPermanent(err)
}

// failed records the outcome of a failed run and returns what Asynq gets: SkipRetry for a
// permanent failure; the error for a transient one (retried), after setting the letter back to
// retryStatus, or failing it when this was the last try. The text stored and returned has the
// letter's personal data removed.
func (s *Server) failed(ctx context.Context, id string, retryStatus Status, err error, red *redactor) error {
	msg := plain(red.text(err.Error()))
	ctx = context.WithoutCancel(ctx)
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	final := isPermanent(err) || retried >= maxRetry
	l, uerr := s.records.update(ctx, id, func(l *Letter) error {
		if l.Status.Final() {
			return errUnchanged
		}
		if final {
			l.Status = StatusFailed
			l.LastError = msg
		} else {
			l.Status = retryStatus
			l.LastError = fmt.Sprintf("attempt %d failed, will retry: %s", l.Attempts, msg)
		}
		return nil
	})
	if uerr != nil {
		s.o.Logger.Error("record failure", slog.String("letter", id), slog.Any("error", uerr))
	}
	level := slog.LevelWarn
	if final {
		level = slog.LevelError
	}
	if l != nil {
		s.o.Logger.LogAttrs(ctx, level, "letter attempt failed", append(attrLetter(l),
			slog.Bool("final", final), slog.String("error", msg))...)
	}
	if isPermanent(err) {
		return fmt.Errorf("%s: %w", msg, asynq.SkipRetry)
	}
	return errors.New(msg)
}

// start moves letter id to status running unless it is past stage (done): it returns the
// record and whether there is work to do.
func (s *Server) start(ctx context.Context, id string, from []Status, running Status) (*Letter, bool, error) {
	var todo bool
	l, err := s.records.update(ctx, id, func(l *Letter) error {
		todo = false
		for _, f := range from {
			if l.Status == f {
				todo = true
			}
		}
		if !todo {
			return errUnchanged
		}
		l.Status = running
		l.Attempts++
		return nil
	})
	return l, todo, err
}

// render is the render task: merge, render each format, store, then queue delivery.
func (s *Server) render(ctx context.Context, t *asynq.Task) error {
	var p renderPayload
	id, err := unseal(s.o.Key, t.Payload(), &p)
	if err != nil {
		if id == "" {
			return fmt.Errorf("render task: %v: %w", err, asynq.SkipRetry)
		}
		return s.failed(ctx, id, StatusQueued, permanent{fmt.Errorf("render: %w", err)}, nil)
	}
	l, todo, err := s.start(ctx, id, []Status{StatusQueued, StatusRendering}, StatusRendering)
	switch {
	case errors.Is(err, ErrNotFound):
		s.o.Logger.Warn("render: letter record is gone (past retention?); dropping the task", slog.String("letter", id))
		return nil
	case err != nil:
		return err
	case !todo:
		// Rendered before (a re-run after a crash): make sure delivery is queued.
		if l.Status == StatusRendered {
			return s.enqueueDeliver(ctx, l, &p)
		}
		return nil
	}
	red := newRedactor(p.Data, p.Recipient)
	began := time.Now()
	docs, dp, err := s.produce(ctx, l, &p)
	if err != nil {
		return s.failed(ctx, id, StatusQueued, err, red)
	}
	l, err = s.records.update(ctx, id, func(l *Letter) error {
		if l.Status != StatusRendering {
			return errUnchanged
		}
		l.Status, l.Documents, l.LastError = StatusRendered, docs, ""
		return nil
	})
	if err != nil {
		return s.failed(ctx, id, StatusQueued, err, red)
	}
	s.metrics.render.Observe(time.Since(began).Seconds())
	if l.Status != StatusRendered {
		return nil
	}
	return s.enqueueDeliver(ctx, l, dp)
}

// produce loads the bundle, checks its version, renders each format and stores the documents.
// It returns the deliver payload too.
func (s *Server) produce(ctx context.Context, l *Letter, p *renderPayload) ([]DocumentInfo, *deliverPayload, error) {
	b, err := s.o.Templates.Bundle(l.Tenant, l.Template)
	if errors.Is(err, ErrUnknownTemplate) {
		return nil, nil, permanent{fmt.Errorf("template %q no longer exists", l.Template)}
	}
	if err != nil {
		return nil, nil, permanent{fmt.Errorf("load template %q: %w", l.Template, err)}
	}
	if b.Version != l.TemplateVersion {
		return nil, nil, permanent{fmt.Errorf("template %q changed since submission (version %s, now %s); submit the letter again", l.Template, l.TemplateVersion, b.Version)}
	}
	d, memo, err := b.Letter(p.Data)
	if err != nil {
		return nil, nil, permanent{err}
	}
	docs := make([]DocumentInfo, 0, len(l.Formats))
	for _, f := range l.Formats {
		data, err := renderFormat(d, f)
		if err != nil {
			return nil, nil, permanent{err}
		}
		sum, err := s.o.Documents.Put(ctx, l.Tenant, l.ID, f, data)
		if err != nil {
			return nil, nil, fmt.Errorf("store %s: %w", f, err)
		}
		docs = append(docs, DocumentInfo{Format: f, Bytes: len(data), SHA256: sum})
	}
	title := d.Meta.Title
	if title == "" {
		title = d.Subject
	}
	return docs, &deliverPayload{Title: title, Recipient: p.Recipient, Memo: memo}, nil
}

func renderFormat(d *render.Document, format string) ([]byte, error) {
	var (
		data []byte
		err  error
	)
	switch format {
	case "pdf":
		data, err = pdf.Render(d)
	case "docx":
		data, err = docx.Render(d)
	default:
		err = fmt.Errorf("unknown format %q", format)
	}
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", format, err)
	}
	return data, nil
}

// enqueueDeliver queues the deliver task once (TaskID "deliver:"+id). A rendered letter whose
// render task re-runs has no deliver payload: it is made again from the render payload.
func (s *Server) enqueueDeliver(ctx context.Context, l *Letter, dp any) error {
	if rp, ok := dp.(*renderPayload); ok {
		red := newRedactor(rp.Data, rp.Recipient)
		b, err := s.o.Templates.Bundle(l.Tenant, l.Template)
		if err != nil || b.Version != l.TemplateVersion {
			return s.failed(ctx, l.ID, StatusRendered, permanent{fmt.Errorf("template %q changed since submission; submit the letter again", l.Template)}, red)
		}
		d, memo, err := b.Letter(rp.Data)
		if err != nil {
			return s.failed(ctx, l.ID, StatusRendered, permanent{err}, red)
		}
		title := d.Meta.Title
		if title == "" {
			title = d.Subject
		}
		dp = &deliverPayload{Title: title, Recipient: rp.Recipient, Memo: memo}
	}
	payload, err := seal(s.o.Key, l.ID, dp)
	if err != nil {
		return fmt.Errorf("seal deliver payload: %w", err)
	}
	_, err = s.asynq.EnqueueContext(ctx, asynq.NewTask(TypeDeliver, payload),
		asynq.TaskID("deliver:"+l.ID), asynq.Queue(QueueDeliver),
		asynq.MaxRetry(s.o.MaxRetry), asynq.Timeout(s.o.TaskTimeout))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("enqueue deliver task: %w", err)
	}
	return nil
}

// deliver is the deliver task: read the documents back and hand the letter to its channel.
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
	ch := s.o.Channels[l.Delivery]
	if ch == nil {
		return s.failed(ctx, id, StatusRendered, permanent{fmt.Errorf("delivery channel %q is not configured on this worker", l.Delivery)}, red)
	}
	dl := &delivery.Letter{
		ID: l.ID, Tenant: l.Tenant, Template: l.Template, TemplateVersion: l.TemplateVersion,
		Title: p.Title, Recipient: p.Recipient,
	}
	for _, d := range l.Documents {
		data, err := s.o.Documents.Get(ctx, l.Tenant, l.ID, d.Format)
		if err != nil {
			return s.failed(ctx, id, StatusRendered, fmt.Errorf("read stored %s: %w", d.Format, err), red)
		}
		dl.Documents = append(dl.Documents, delivery.Document{Format: d.Format, Data: data})
	}
	began := time.Now()
	receipt, err := ch.Deliver(ctx, dl)
	if err != nil {
		return s.failed(ctx, id, StatusRendered, fmt.Errorf("deliver via %s: %w", l.Delivery, err), red)
	}
	s.metrics.delivery.Observe(time.Since(began).Seconds())
	_, err = s.records.update(context.WithoutCancel(ctx), id, func(l *Letter) error {
		if l.Status == StatusDelivered {
			return errUnchanged
		}
		l.Status, l.Receipt, l.LastError = StatusDelivered, receipt, ""
		return nil
	})
	if err != nil {
		return fmt.Errorf("record delivery of letter %s: %w", id, err)
	}
	s.o.Logger.Debug("letter delivered", slog.String("letter", id))
	return nil
}
