package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/docx"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

// Server runs the render and deliver handlers. Run it in as many processes as needed: they share
// the queues through Redis.
type Server struct {
	o               Options
	rdb             redis.UniversalClient
	asynq           *asynq.Client
	records         *records
	ledger          *ledger
	gate            *gate
	tracker         *tracker
	scrub           func(string) string // server folders out of error texts
	router          *router
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
	if o.Channels["ngdp"] != nil && o.Channels[delivery.PrintChannel] == nil {
		rdb.Close()
		return nil, fmt.Errorf("new worker server: the ngdp channel needs a \"print\" channel for recipients without a digital mailbox")
	}
	instance := newInstance()
	return &Server{
		o: o, rdb: rdb, asynq: asynq.NewClientFromRedisClient(rdb), metrics: m,
		records:     &records{rdb: rdb, retention: o.Retention, now: time.Now, metrics: m},
		ledger:      &ledger{rdb: rdb, retention: o.Retention, instance: instance},
		tracker:     &tracker{rdb: rdb, instance: instance, running: map[string]int{}},
		gate:        newGate(rdb, o),
		router:      newRouter(rdb, o),
		scrub:       o.pathScrubber(),
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
		Concurrency: s.concurrency,
		Queues:      QueueWeights,
		RetryDelayFunc: func(n int, err error, _ *asynq.Task) time.Duration {
			var later *retryLater
			if errors.As(err, &later) {
				// Spread the returning letters over a fifth of the wait, so a pool that backed
				// off does not come back in one burst.
				return later.wait + time.Duration(rand.Float64()*float64(later.wait)/5)
			}
			return s.o.retryDelay(n, rand.Float64)
		},
		IsFailure:                isFailure,
		GroupMaxSize:             max(s.o.Bulk, 1),
		GroupGracePeriod:         time.Second,
		GroupMaxDelay:            s.o.BulkDelay,
		GroupAggregator:          asynq.GroupAggregatorFunc(s.aggregate),
		ShutdownTimeout:          s.shutdownTimeout,
		Logger:                   asynqLogger{s.o.Logger},
		LogLevel:                 asynq.WarnLevel,
		DelayedTaskCheckInterval: time.Second,
		TaskCheckInterval:        200 * time.Millisecond,
		// Handlers log their own failures with ids only.
		ErrorHandler: asynq.ErrorHandlerFunc(func(context.Context, *asynq.Task, error) {}),
	})
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeRender, s.tracker.track(s.render))
	mux.HandleFunc(TypeDeliver, s.tracker.track(s.deliver))
	mux.HandleFunc(TypeCallback, s.callback)
	mux.HandleFunc(TypeDeliverBulk, s.deliverBulk)
	if err := srv.Start(mux); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	s.o.Logger.Info("worker started", slog.Int("concurrency", s.concurrency))
	rctx, stopLoops := context.WithCancel(context.WithoutCancel(ctx))
	var loops sync.WaitGroup
	loops.Add(2)
	go func() { defer loops.Done(); s.repairLoop(rctx) }()
	go func() { defer loops.Done(); s.heartbeatLoop(rctx) }()
	<-ctx.Done()
	s.o.Logger.Info("worker stopping: finishing running letters", slog.Duration("timeout", s.shutdownTimeout))
	srv.Stop()
	srv.Shutdown()
	// Beat until the running letters are finished or handed back, then go.
	stopLoops()
	loops.Wait()
	s.rdb.Del(context.Background(), heartbeatKey(s.tracker.instance))
	s.rdb.ZRem(context.Background(), workersKey, s.tracker.instance)
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
	msg := plain(s.scrub(red.text(err.Error())))
	ctx = context.WithoutCancel(ctx)
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	// A delivery tried within the render task hands a transient failure to a deliver task of its
	// own (see deliverHere), which has the rest of the retries.
	final := isPermanent(err) || retried >= maxRetry && !(handingOver(ctx) && s.o.MaxRetry > 0)
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
	if final {
		s.notify(ctx, l)
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
	if final {
		return ended{errors.New(msg)}
	}
	return errors.New(msg)
}

// ended is the error of a run that failed its letter for good for a transient reason (the
// retries are used up): Asynq archives the task as for any error on its last try.
type ended struct{ error }

// start moves letter id to status running unless it is past stage (done): it returns the
// record, its JSON (for the next update) and whether there is work to do.
func (s *Server) start(ctx context.Context, id string, from []Status, running Status) (*Letter, []byte, bool, error) {
	var todo bool
	l, raw, err := s.records.modify(ctx, id, func(l *Letter) error {
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
		l.Worker = s.tracker.instance
		return nil
	}, change{})
	if err == nil && !todo {
		// A task run again after a crash or an outage: make sure the batch counts caught up.
		_ = s.records.syncBatch(ctx, l, l.Status)
	}
	return l, raw, todo, err
}

// render is the render task: merge, render each format, store, then deliver. A letter whose
// channel takes letters one at a time is delivered in the same run, from the documents in
// memory (see deliverHere); a letter for a bulk channel gets a deliver task, which Asynq
// gathers into bulk requests.
func (s *Server) render(ctx context.Context, t *asynq.Task) error {
	var p renderPayload
	id, err := unseal(s.o.Key, t.Payload(), &p)
	if err != nil {
		if id == "" {
			return fmt.Errorf("render task: %v: %w", err, asynq.SkipRetry)
		}
		return s.failed(ctx, id, StatusQueued, permanent{fmt.Errorf("render: %w", err)}, nil)
	}
	l, raw, todo, err := s.start(ctx, id, []Status{StatusQueued, StatusRendering}, StatusRendering)
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
	docs, mi, dp, data, err := s.produce(ctx, l, &p)
	if err != nil {
		return s.failed(ctx, id, StatusQueued, err, red)
	}
	// The deliver payload replaces the render payload kept with the record in the same step as
	// the record says rendered, so that recovery always finds the payload its status needs.
	payload, err := seal(s.o.Key, l.ID, dp)
	if err != nil {
		return s.failed(ctx, id, StatusQueued, fmt.Errorf("seal deliver payload: %w", err), red)
	}
	here := !s.bulk(l.Delivery)
	var wrote bool
	c := change{prev: raw, payload: payload}
	if here {
		c.via = StatusRendered
	}
	l, raw, err = s.records.modify(ctx, id, func(l *Letter) error {
		wrote = false
		if l.Status != StatusRendering {
			return errUnchanged
		}
		wrote = true
		l.Status, l.Documents, l.Memo, l.LastError = StatusRendered, docs, mi, ""
		if here {
			// The delivery run starts now, in this task: what start does for a deliver task.
			l.Status = StatusDelivering
			l.Attempts++
			l.Worker = s.tracker.instance
		}
		return nil
	}, c)
	if err != nil {
		return s.failed(ctx, id, StatusQueued, err, red)
	}
	s.metrics.render.Observe(time.Since(began).Seconds())
	if !wrote {
		return nil
	}
	if !here {
		return s.enqueueDeliverTask(ctx, l, payload)
	}
	return s.deliverHere(ctx, &job{l: l, raw: raw, p: *dp, red: newRedactor(nil, dp.Recipient), docs: data}, payload)
}

// handingOverKey marks the context of a delivery tried within the render task.
type handingOverKey struct{}

func handingOver(ctx context.Context) bool { return ctx.Value(handingOverKey{}) != nil }

// deliverHere delivers a letter just rendered, within its render task: it saves the deliver
// task's queueing and its run (Redis round trips, sealing), the reading back of the documents and
// a record update. The letter is already delivering (the render step's last update said so and
// stored the deliver payload with it, in one step), so a crash from here on is recovered as any
// delivery is (recover.go, the delivery ledger). When the letter is neither delivered nor failed
// for good (a transient failure, a postponement), a deliver task takes it over, with the retries
// a deliver task has less the attempt made here, and the render task ends.
func (s *Server) deliverHere(ctx context.Context, j *job, payload []byte) error {
	err := s.deliverJob(context.WithValue(ctx, handingOverKey{}, true), j)
	var over ended
	if err == nil || errors.Is(err, asynq.SkipRetry) || errors.As(err, &over) {
		return err
	}
	// This attempt was the first of the deliver task's: it has one retry less, unless the
	// attempt was only postponed (which costs no retry).
	var later *retryLater
	delay, retries := s.o.retryDelay(0, rand.Float64), s.o.MaxRetry-1
	if errors.As(err, &later) {
		delay, retries = later.wait+time.Duration(rand.Float64()*float64(later.wait)/5), s.o.MaxRetry
	}
	if qerr := s.enqueueDeliverTask(context.WithoutCancel(ctx), j.l, payload, asynq.ProcessIn(delay), asynq.MaxRetry(retries)); qerr != nil {
		// The render task is retried instead; its run finds the letter rendered and queues the
		// deliver task then.
		return fmt.Errorf("%v; queue its deliver task: %w", err, qerr)
	}
	return nil
}

// produce loads the bundle, checks its version, renders each format and stores the documents
// and, for a tenant with a Digital Post sender, the MeMo message. It returns the deliver payload
// and the documents' bytes by format too.
func (s *Server) produce(ctx context.Context, l *Letter, p *renderPayload) ([]DocumentInfo, *MemoInfo, *deliverPayload, map[string][]byte, error) {
	b, err := s.bundle(ctx, l)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	d, fm, err := b.LetterMemo(p.Data)
	if err != nil {
		return nil, nil, nil, nil, permanent{err}
	}
	if d.PDFA == "" {
		d.PDFA = s.o.Tenants[l.Tenant].PDFA
	}
	docs := make([]DocumentInfo, 0, len(l.Formats))
	data := make(map[string][]byte, len(l.Formats))
	for _, f := range l.Formats {
		out, err := renderFormat(d, f)
		if err != nil {
			return nil, nil, nil, nil, permanent{err}
		}
		sum, err := s.o.Documents.Put(ctx, l.Tenant, l.ID, f, out)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("store %s: %w", f, err)
		}
		docs = append(docs, DocumentInfo{Format: f, Bytes: len(out), SHA256: sum})
		data[f] = out
	}
	// What a re-render of the letter needs besides its template version (see Rerender).
	if err := s.o.putCase(ctx, l, p); err != nil {
		return nil, nil, nil, nil, err
	}
	var mi *MemoInfo
	if l.MessageUUID != "" {
		if data["pdf"] == nil {
			return nil, nil, nil, nil, permanent{fmt.Errorf("a Digital Post letter needs its PDF; add \"pdf\" to formats")}
		}
		if mi, err = s.buildMemo(ctx, b, fm, l, p, data); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	return docs, mi, &deliverPayload{Title: letterTitle(d), Language: b.Language, Recipient: p.Recipient}, data, nil
}

// bundle loads the letter's template at the version it was submitted with: the current one when
// it still is that version, else the version kept in the template archive (see keepVersion).
func (s *Server) bundle(ctx context.Context, l *Letter) (*templates.Bundle, error) {
	b, err := s.o.Templates.Bundle(l.Tenant, l.Template)
	if err == nil && b.Version == l.TemplateVersion {
		// Kept at submission; a letter submitted by a process that kept none has it kept now.
		if err := s.o.keepVersion(ctx, b, l.Created); err != nil {
			return nil, err
		}
		return inLanguage(b, l)
	}
	kept, _, kerr := keptBundle(ctx, s.o.Documents, l.Template, l.TemplateVersion)
	switch {
	case kerr == nil:
		return inLanguage(kept, l)
	case !errors.Is(kerr, errNotKept):
		return nil, kerr // permanent when the kept version is broken, transient when the store is
	case errors.Is(err, ErrUnknownTemplate):
		return nil, permanent{fmt.Errorf("template %q no longer exists", l.Template)}
	case err != nil:
		return nil, permanent{fmt.Errorf("load template %q: %w", l.Template, err)}
	}
	return nil, permanent{fmt.Errorf("template %q changed since submission (version %s, now %s) and version %s is not in the template archive; submit the letter again", l.Template, l.TemplateVersion, b.Version, l.TemplateVersion)}
}

// inLanguage is b's letter in the language l was submitted in.
func inLanguage(b *templates.Bundle, l *Letter) (*templates.Bundle, error) {
	v, err := b.Lang(l.Language)
	if err != nil {
		return nil, permanent{err}
	}
	return v, nil
}

func letterTitle(d *render.Document) string {
	if d.Meta.Title != "" {
		return d.Meta.Title
	}
	return d.Subject
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

// enqueueDeliver queues the deliver task of a rendered letter whose render task ran again (after
// a crash or a failed hand-over): its deliver payload is made again from the render payload and
// stored with the record, then the task is queued (once: TaskID "deliver:"+id).
func (s *Server) enqueueDeliver(ctx context.Context, l *Letter, rp *renderPayload) error {
	red := newRedactor(rp.Data, rp.Recipient)
	b, err := s.bundle(ctx, l)
	if err != nil {
		return s.failed(ctx, l.ID, StatusRendered, err, red)
	}
	d, err := b.Document(rp.Data)
	if err != nil {
		return s.failed(ctx, l.ID, StatusRendered, permanent{err}, red)
	}
	payload, err := seal(s.o.Key, l.ID, &deliverPayload{Title: letterTitle(d), Language: b.Language, Recipient: rp.Recipient})
	if err != nil {
		return fmt.Errorf("seal deliver payload: %w", err)
	}
	// The payload kept with the record is now the deliver task's, for recovery.
	if err := s.rdb.Set(ctx, payloadKey(l.ID), payload, s.o.Retention).Err(); err != nil {
		return fmt.Errorf("store deliver payload: %w", err)
	}
	return s.enqueueDeliverTask(ctx, l, payload)
}

// enqueueDeliverTask queues the deliver task of letter l (TaskID "deliver:"+id) with its sealed
// deliver payload, which the caller has stored with the record; a task already there is not an
// error.
func (s *Server) enqueueDeliverTask(ctx context.Context, l *Letter, payload []byte, extra ...asynq.Option) error {
	opts := append([]asynq.Option{asynq.TaskID("deliver:" + l.ID), asynq.Queue(QueueDeliver),
		asynq.MaxRetry(s.o.MaxRetry), asynq.Timeout(s.o.TaskTimeout)}, extra...)
	if s.bulk(l.Delivery) {
		// Asynq gathers the letters of the group into one bulk task (see deliverBulk).
		opts = append(opts, asynq.Group(l.Delivery))
	}
	_, err := s.asynq.EnqueueContext(ctx, asynq.NewTask(TypeDeliver, payload), opts...)
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("enqueue deliver task: %w", err)
	}
	return nil
}
