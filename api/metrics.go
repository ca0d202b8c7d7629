package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/postbud/postbud/worker"
)

// initMetrics creates the API's own registry: requests by route and status, request durations,
// refused requests, submissions in progress and, with Config.Queues, the sizes of the task
// queues.
func (s *server) initMetrics() error {
	s.registry = prometheus.NewRegistry()
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "postbud_http_requests_total",
		Help: "HTTP requests answered, by route pattern and status code.",
	}, []string{"route", "code"})
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "postbud_http_request_seconds",
		Help:    "Time to answer an HTTP request, by route pattern.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
	}, []string{"route"})
	s.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "postbud_http_rejected_total",
		Help: "HTTP requests refused to protect the service, by reason (inflight: the tenant had max_inflight submissions in progress) and tenant.",
	}, []string{"reason", "tenant"})
	s.active = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "postbud_http_inflight_submissions",
		Help: "Submissions (POST /v1/letters and POST /v1/batches) in progress, by tenant.",
	}, []string{"tenant"})
	collectors := []prometheus.Collector{s.requests, s.duration, s.rejected, s.active}
	if s.cfg.Queues != nil {
		collectors = append(collectors, &queueCollector{queues: s.cfg.Queues, log: s.log})
	}
	for _, c := range collectors {
		if err := s.registry.Register(c); err != nil {
			return fmt.Errorf("api: register metrics: %w", err)
		}
	}
	return nil
}

// metricsHandler serves Config.Gatherer and the API's registry in the Prometheus text format.
func (s *server) metricsHandler() http.Handler {
	g := prometheus.Gatherers{s.registry}
	if s.cfg.Gatherer != nil {
		g = prometheus.Gatherers{s.cfg.Gatherer, s.registry}
	}
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(s.log.Handler(), slog.LevelError),
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// queueCollector reports postbud_queue_tasks{queue,state} from Asynq's inspector at each scrape.
type queueCollector struct {
	queues *worker.Queues
	log    *slog.Logger
}

var queueTasksDesc = prometheus.NewDesc("postbud_queue_tasks",
	"Tasks in each Asynq queue by state (pending, active, scheduled, retry, archived, completed).",
	[]string{"queue", "state"}, nil)

// queueScrapeTimeout bounds how long a scrape waits for Redis.
const queueScrapeTimeout = 5 * time.Second

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueTasksDesc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueScrapeTimeout)
	defer cancel()
	sizes, err := c.queues.Sizes(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueTasksDesc, fmt.Errorf("read queue sizes: %w", err))
		return
	}
	for queue, size := range sizes {
		for _, st := range []struct {
			state string
			n     int
		}{
			{"pending", size.Pending}, {"active", size.Active}, {"scheduled", size.Scheduled},
			{"retry", size.Retry}, {"archived", size.Archived}, {"completed", size.Completed},
		} {
			ch <- prometheus.MustNewConstMetric(queueTasksDesc, prometheus.GaugeValue, float64(st.n), queue, st.state)
		}
	}
}

// healthz answers 200 while the process serves requests.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyzTimeout bounds Config.Ready.
const readyzTimeout = 5 * time.Second

// readyz answers 200 when Config.Ready reports the service able to work, else 503; the reason
// goes to the log under the request id.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyzTimeout)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			s.log.WarnContext(r.Context(), "not ready", slog.String("request_id", requestID(r.Context())), slog.Any("error", err))
			s.writeError(w, r, fail(http.StatusServiceUnavailable, "not ready; the server log says why under request id "+requestID(r.Context())))
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
