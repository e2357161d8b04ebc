// Package web is eilnet's HTTP surface: the GraphQL endpoint, the
// playground, health checks, metrics, request deadlines and request logs.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/limits"
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
	// Draining, once true, makes /readyz answer 503: the server is
	// stopping and serves only until its drain period ends.
	Draining *atomic.Bool
	// MetricsElsewhere leaves /metrics out: it is served on an address
	// of its own (--metrics-addr). Otherwise /metrics answers ADMIN keys
	// only.
	MetricsElsewhere bool
	// RefusalDelay holds the answer to a bad key and to an address out
	// of key failures (limits.Config.RefusalDelay).
	RefusalDelay time.Duration
}

// adminOnly serves next to callers presenting an ADMIN key: what the
// metrics show (operation names, traffic, errors) is not for the public.
func adminOnly(next http.Handler, opts Options) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		caller, err := opts.Authenticate(ctx, r)
		switch {
		case err != nil:
			refuse(ctx, w, opts.Log, err)
		case caller.Role != access.Admin:
			w.Header().Set("WWW-Authenticate", `Bearer realm="eilnet"`)
			http.Error(w, "the metrics are for ADMIN keys (or serve them on --metrics-addr)", http.StatusUnauthorized)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// NewHandler routes / to the GraphQL playground, /query to api, /healthz
// (the process is up), /readyz (the database answers) and /metrics, and
// logs every request.
func NewHandler(api http.Handler, db Pinger, opts Options) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", playground.Handler("eilnet", "/query"))
	mux.Handle("/query", graphQL(api, opts))
	if !opts.MetricsElsewhere {
		mux.Handle("GET /metrics", adminOnly(opts.Metrics.Handler(), opts))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if opts.Draining != nil && opts.Draining.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		// A connection the database dropped (a restart) fails its ping
		// and is discarded; one more ping, on a new connection, tells
		// whether the database itself answers.
		err := db.PingContext(ctx)
		if err != nil && ctx.Err() == nil {
			err = db.PingContext(ctx)
		}
		if err != nil {
			opts.Log.WarnContext(ctx, "database not reachable", "err", err)
			apperr.RetryLater(w.Header())
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
		// The deadline covers the whole request: reading its body (a body
		// sent a byte at a time must not hold the connection), looking up
		// its key, and running it.
		ctx := r.Context()
		if opts.RequestTimeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, opts.RequestTimeout)
			defer cancel()
			// Only a body: without one, net/http's own background read of
			// the connection would meet the deadline and end the request
			// as if its client had gone. Not every writer can (a test's
			// recorder): then the server's ReadTimeout alone bounds it.
			if r.Body != nil && r.Body != http.NoBody {
				deadline, _ := ctx.Deadline()
				_ = http.NewResponseController(w).SetReadDeadline(deadline)
			}
		}
		caller, err := opts.Authenticate(ctx, r)
		if err != nil {
			if code := apperr.CodeOf(err); code == apperr.Unauthenticated || code == apperr.RateLimited {
				limits.Pause(ctx, opts.RefusalDelay)
			}
			refuse(ctx, w, opts.Log, err)
			return
		}
		if l := logLine(ctx); l != nil {
			l.attrs = append(l.attrs, slog.String("caller", caller.Actor()))
		}
		ctx, stats := postgres.WithStats(access.WithCaller(ctx, caller))
		ctx, req := obs.WithRequest(ctx)
		api.ServeHTTP(w, r.WithContext(ctx))

		operation, outcome := req.Get()
		opts.Metrics.ObserveRequest(operation, caller.Role != access.Anonymous && outcome == "ok", outcome,
			time.Since(start), stats.Statements(), stats.Duration())
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
// key; when the keys could not be read, what an executed request would
// have answered had its SQL failed so (TIMEOUT, SERVICE_UNAVAILABLE), as
// 503 with Retry-After.
func refuse(ctx context.Context, w http.ResponseWriter, log *slog.Logger, err error) {
	code, message := apperr.CodeOf(err), err.Error()
	extensions := map[string]any{}
	switch {
	case code == apperr.Unauthenticated:
		w.Header().Set("WWW-Authenticate", `Bearer realm="eilnet"`)
	case code == apperr.RateLimited:
		e, _ := errors.AsType[*apperr.Error](err)
		extensions["retryAfter"] = e.Details["retryAfter"]
		w.Header().Set("Retry-After", fmt.Sprint(e.Details["retryAfter"]))
	case ctx.Err() != nil:
		// Out of time, the server stopping, or the client gone (and
		// reading nothing).
		e, _ := apperr.Ended(ctx)
		code, message = e.Code, e.Message
	case postgres.Unavailable(err):
		log.WarnContext(ctx, "authenticate: database unavailable", "err", err)
		code, message = apperr.ErrUnavailable.Code, apperr.ErrUnavailable.Message
	default:
		log.ErrorContext(ctx, "authenticate", "err", err)
		code, message = apperr.Internal, "the API keys cannot be read now; try again"
	}
	status, ok := apperr.Status(code)
	if !ok {
		status = http.StatusServiceUnavailable
	}
	if status == http.StatusServiceUnavailable {
		apperr.RetryLater(w.Header())
	}
	extensions["code"] = code
	w.Header().Set("Content-Type", "application/json")
	transport.SendError(w, status, &gqlerror.Error{Message: message, Extensions: extensions})
}

// readyTimeout bounds /readyz: a probe that hangs is as bad as one that
// fails.
const readyTimeout = 2 * time.Second

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
