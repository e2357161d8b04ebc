// Package obs is eilnet's observability: what one request did (for its
// log line) and the Prometheus metrics of all requests.
package obs

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Line collects what handlers add to a request's log line: the request
// logger gives each request one, and writes it once the request is
// answered.
type Line struct {
	mu    sync.Mutex
	attrs []slog.Attr
}

type lineKey struct{}

// WithLine returns a context carrying a new Line.
func WithLine(ctx context.Context) (context.Context, *Line) {
	l := &Line{}
	return context.WithValue(ctx, lineKey{}, l), l
}

// Annotate adds attrs to the request's log line, if it has one.
func Annotate(ctx context.Context, attrs ...slog.Attr) {
	if l, ok := ctx.Value(lineKey{}).(*Line); ok {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.attrs = append(l.attrs, attrs...)
	}
}

// Attrs are what was added to the line.
func (l *Line) Attrs() []slog.Attr {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.attrs
}

// Metrics are the server's Prometheus metrics.
type Metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	statements prometheus.Histogram
	sqlTime    prometheus.Histogram
	batches    *prometheus.HistogramVec

	mu    sync.Mutex
	names map[string]bool
}

// maxOperationNames bounds the operation label: clients choose operation
// names, and every distinct label value costs memory for good.
const maxOperationNames = 200

var operationName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// NewMetrics registers the metrics, with Go's, the process's and the
// build's. Request durations are counted in buckets from half a
// millisecond up to the request timeout, which ends every request.
func NewMetrics(requestTimeout time.Duration) *Metrics {
	if requestTimeout <= 0 {
		requestTimeout = time.Minute
	}
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eilnet_graphql_requests_total",
			Help: "GraphQL requests by operation name and outcome (ok, or the first error's code).",
		}, []string{"operation", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "eilnet_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL request, by operation name.",
			Buckets: durationBuckets(requestTimeout),
		}, []string{"operation"}),
		statements: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "eilnet_sql_statements_per_request",
			Help:    "SQL statements one GraphQL request ran.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12),
		}),
		sqlTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "eilnet_sql_seconds_per_request",
			Help:    "Time the SQL statements of one GraphQL request took, summed.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 17),
		}),
		batches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "eilnet_loader_batch_size",
			Help:    "Keys a loader read in one batch, by loader.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12),
		}, []string{"loader"}),
		names: map[string]bool{},
	}
	m.registry.MustRegister(m.requests, m.latency, m.statements, m.sqlTime, m.batches,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector())
	return m
}

// durationBuckets are 18 buckets from half a millisecond to the request
// timeout, growing by a constant factor; the last is the timeout exactly.
func durationBuckets(requestTimeout time.Duration) []float64 {
	b := prometheus.ExponentialBucketsRange(0.0005, requestTimeout.Seconds(), 18)
	b[len(b)-1] = requestTimeout.Seconds()
	return b
}

// WatchPool adds the statistics of a database pool (open, in use and
// idle connections, waits for one), named by pool.
func (m *Metrics) WatchPool(db *sql.DB, pool string) {
	m.registry.MustRegister(collectors.NewDBStatsCollector(db, pool))
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// ObserveRequest records one GraphQL request. claim tells whether its
// operation's name may take one of the bounded label values (label).
func (m *Metrics) ObserveRequest(operation string, claim bool, outcome string, d time.Duration, statements int64, sqlTime time.Duration) {
	op := m.label(operation, claim)
	m.requests.WithLabelValues(op, outcome).Inc()
	m.latency.WithLabelValues(op).Observe(d.Seconds())
	m.statements.Observe(float64(statements))
	m.sqlTime.Observe(sqlTime.Seconds())
}

// ObserveBatch records the size of one loader batch.
func (m *Metrics) ObserveBatch(loader string, size int) {
	m.batches.WithLabelValues(loader).Observe(float64(size))
}

// label is the operation's label value: "anonymous" without a name; its
// name when the name is well formed and has a value already, or claims one
// while fewer than maxOperationNames are taken; "other" otherwise. Only
// operations that ran successfully for a keyed caller claim a value:
// anonymous junk, however well formed, cannot use them up.
func (m *Metrics) label(operation string, claim bool) string {
	switch {
	case operation == "":
		return "anonymous"
	case !operationName.MatchString(operation):
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.names[operation] {
		if !claim || len(m.names) >= maxOperationNames {
			return "other"
		}
		m.names[operation] = true
	}
	return operation
}
