package worker

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the worker's Prometheus collectors; they work unregistered when Options.Metrics is
// nil.
type metrics struct {
	letters  *prometheus.CounterVec
	render   prometheus.Histogram
	delivery prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		letters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "postbud_letters_total",
			Help: "Letter status transitions, by new status and template.",
		}, []string{"status", "template"}),
		render: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "postbud_render_seconds",
			Help:    "Time to merge and render one letter in all its formats and store the documents.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}),
		delivery: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "postbud_delivery_seconds",
			Help:    "Time to deliver one letter through its channel.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	if m.letters, err = register(reg, m.letters); err != nil {
		return nil, err
	}
	if m.render, err = register(reg, m.render); err != nil {
		return nil, err
	}
	if m.delivery, err = register(reg, m.delivery); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c, or returns the collector registered before under the same name (a Client
// and a Server of one process share one registry).
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if old, ok := are.ExistingCollector.(C); ok {
			return old, nil
		}
	}
	return c, fmt.Errorf("register worker metrics: %w", err)
}
