// Package web is eilnet's HTTP surface: the GraphQL endpoint, the
// playground, health checks, metrics, request deadlines and request logs.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/obs"
	"eilnet/internal/postgres"
)

// Pinger is what /readyz asks whether the database answers.
type Pinger interface {
	PingContext(ctx context.Context) error
}

// Options configure the HTTP surface.
type Options struct {
	Log     *slog.Logger
	Metrics *obs.Metrics
	// RequestTimeout bounds a GraphQL request; its SQL is cancelled when
	// it runs out.
	RequestTimeout time.Duration
	// Authenticate tells who sent a GraphQL request.
	Authenticate func(context.Context, *http.Request) (access.Caller, error)
}

// NewHandler routes / to the GraphQL playground, /query to api, /healthz
// (the process is up), /readyz (the database answers) and /metrics, and
// logs every request.
func NewHandler(api http.Handler, db Pinger, opts Options) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", playground.Handler("eilnet", "/query"))
	mux.Handle("/query", graphQL(api, opts))
	mux.Handle("GET /metrics", opts.Metrics.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			opts.Log.WarnContext(ctx, "database not reachable", "err", err)
			http.Error(w, "database not reachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	return logRequests(opts.Log, mux)
}

// graphQL authenticates a GraphQL request, gives it its deadline, counts
// its SQL and records it in the metrics and the log.
func graphQL(api http.Handler, opts Options) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		caller, err := opts.Authenticate(r.Context(), r)
		if err != nil {
			refuse(w, r, opts.Log, err)
			return
		}
		if l := logLine(r.Context()); l != nil {
			l.attrs = append(l.attrs, slog.String("caller", caller.Actor()))
		}
		ctx, stats := postgres.WithStats(access.WithCaller(r.Context(), caller))
		ctx, req := obs.WithRequest(ctx)
		if opts.RequestTimeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, opts.RequestTimeout)
			defer cancel()
		}
		api.ServeHTTP(w, r.WithContext(ctx))

		operation, outcome := req.Get()
		opts.Metrics.ObserveRequest(operation, outcome, time.Since(start), stats.Statements(), stats.Duration())
		if l := logLine(r.Context()); l != nil {
			l.attrs = append(l.attrs,
				slog.String("operation", operation),
				slog.String("outcome", outcome),
				slog.Int64("sql_statements", stats.Statements()),
				slog.Float64("sql_ms", ms(stats.Duration())))
		}
	})
}

// refuse answers a request whose caller could not be told: 401 for a bad
// key, 503 when the keys could not be read.
func refuse(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status, code, message := http.StatusUnauthorized, apperr.Unauthenticated, err.Error()
	if apperr.CodeOf(err) != apperr.Unauthenticated {
		log.ErrorContext(r.Context(), "authenticate", "err", err)
		status, code, message = http.StatusServiceUnavailable, apperr.Internal, "the API keys cannot be read now; try again"
	} else {
		w.Header().Set("WWW-Authenticate", `Bearer realm="eilnet"`)
	}
	w.Header().Set("Content-Type", "application/json")
	transport.SendError(w, status, &gqlerror.Error{Message: message, Extensions: map[string]any{"code": code}})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// recorder remembers the status and size of a response for the log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// line collects what inner handlers add to a request's log line.
type line struct {
	attrs []slog.Attr
}

type lineKey struct{}

func logLine(ctx context.Context) *line {
	l, _ := ctx.Value(lineKey{}).(*line)
	return l
}

func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		l := &line{}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), lineKey{}, l)))
		attrs := append([]slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Float64("duration_ms", ms(time.Since(start))),
			slog.String("remote", r.RemoteAddr),
		}, l.attrs...)
		log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}
