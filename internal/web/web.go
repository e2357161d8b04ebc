// Package web is eilnet's HTTP surface: it wires the GraphQL endpoint
// (internal/endpoint) over the database, and serves it with the
// playground, health checks and metrics behind the middleware every
// answer passes: request logs, compression, and CORS for browsers on other
// origins. New is the one wiring function: serve and the tests both call
// it.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/rs/cors"

	"eilnet/graph"
	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/config"
	"eilnet/internal/endpoint"
	"eilnet/internal/loader"
	"eilnet/internal/obs"
	"eilnet/internal/playground"
	"eilnet/internal/postgres"
	"eilnet/internal/refdata"
)

// Pinger is what /readyz asks whether the database answers.
type Pinger interface {
	PingContext(ctx context.Context) error
}

// Deps are what the surface serves over.
type Deps struct {
	// DB is the serving pool; Probe a connection of its own for /readyz,
	// so that it does not queue behind requests.
	DB    *sqlx.DB
	Probe Pinger
	// Catalog is the reference data, read once at start.
	Catalog *refdata.Catalog
	Log     *slog.Logger
	Metrics *obs.Metrics
	// Draining, once true, makes /readyz answer 503: the server is
	// stopping and serves only until its drain period ends.
	Draining *atomic.Bool
}

// New routes / to the GraphQL playground, /query to the GraphQL endpoint,
// /healthz (the process is up), /readyz (the database answers) and
// /metrics (unless cfg serves them on an address of their own), as cfg
// says.
func New(cfg config.Config, d Deps) (http.Handler, error) {
	var reads sqlx.ExtContext = d.DB
	if cfg.PreparedStatements > 0 {
		reads = postgres.NewPrepared(d.DB, cfg.PreparedStatements)
	}
	resolver := graph.NewResolver(d.DB, reads, d.Catalog)
	loaders := loader.Config{Wait: cfg.BatchWait, NoBatching: cfg.NoBatching, Observe: d.Metrics.ObserveBatch}
	auth := access.NewAuthenticator(d.DB, d.Catalog.ProvinceOfOffice, cfg.KeyCacheTTL, time.Now)
	api, err := endpoint.New(endpoint.Options{
		Schema:         graph.NewSchema(resolver, cfg.GQLGenExecutor),
		Loaders:        func(ctx context.Context) context.Context { return loader.Attach(ctx, resolver.Stores, loaders) },
		PresentError:   graph.PresentError(d.Log),
		Recover:        graph.RecoverPanic(d.Log),
		Authenticate:   auth.Caller,
		Metrics:        d.Metrics,
		Log:            d.Log,
		RequestTimeout: cfg.RequestTimeout,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		Debug:          cfg.Debug,
		Limits:         cfg.Limits,
		Introspection:  cfg.Introspection,
		Operations:     access.Operations{DB: d.DB}.Query,
		CacheMaxAge:    cfg.CacheMaxAge,
	})
	if err != nil {
		return nil, err
	}
	d.Metrics.WatchPool(d.DB.DB, "serving")

	mux := http.NewServeMux()
	mux.Handle("GET /{$}", playground.Handler())
	mux.Handle("GET "+playground.AssetPath, playground.Handler())
	mux.Handle("/query", crossOrigin(cfg.CORSOrigins)(api))
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", adminOnly(d.Metrics.Handler(), auth.Caller))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if d.Draining != nil && d.Draining.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		// A connection the database dropped (a restart) fails its ping
		// and is discarded; one more ping, on a new connection, tells
		// whether the database itself answers.
		err := d.Probe.PingContext(ctx)
		if err != nil && ctx.Err() == nil {
			err = d.Probe.PingContext(ctx)
		}
		if err != nil {
			d.Log.WarnContext(ctx, "database not reachable", "err", err)
			apperr.RetryLater(w.Header())
			http.Error(w, "database not reachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	return logRequests(d.Log, compress(mux)), nil
}

// crossOrigin lets pages of origins other than the server's call the API
// from a browser: those listed (none by default: same-origin only; "*"
// any). Keys travel in the Authorization header, never in cookies, so no
// credentials are allowed, and "*" is safe to offer. A preflight is
// remembered for ten minutes.
func crossOrigin(origins []string) func(http.Handler) http.Handler {
	if len(origins) == 0 {
		// rs/cors would take no origins as any.
		return func(next http.Handler) http.Handler { return next }
	}
	return cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost},
		// Apollo Client sends its name and version when configured with
		// them.
		AllowedHeaders: []string{"Content-Type", "Authorization", "Idempotency-Key",
			"Apollographql-Client-Name", "Apollographql-Client-Version"},
		// What a script may read beyond the safelisted headers: when to
		// retry, and the validator of a cached answer.
		ExposedHeaders: []string{"Retry-After", "ETag"},
		MaxAge:         600,
	}).Handler
}

// compress compresses answers of 1 KiB and more (smaller ones gain
// nothing) for clients that accept it, with Vary: Accept-Encoding: zstd
// when the client prefers it (gzhttp's default), else gzip. Both at their
// fastest levels: JSON still shrinks severalfold, for less CPU than at
// the default levels (on the dashboard query, 1.07x the CPU per request of
// no compression at c=1, against 1.15x at the default level).
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.CompressionLevel(gzip.BestSpeed))
	if err != nil {
		panic(err) // the options are constants
	}
	return wrap(next)
}

// adminOnly serves next to callers presenting an ADMIN key: what the
// metrics show (operation names, traffic, errors) is not for the public.
func adminOnly(next http.Handler, authenticate func(context.Context, *http.Request) (access.Caller, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		caller, err := authenticate(ctx, r)
		switch {
		case err != nil && apperr.CodeOf(err) != apperr.Unauthenticated:
			apperr.RetryLater(w.Header())
			http.Error(w, "the API keys cannot be read now; try again", http.StatusServiceUnavailable)
		case err != nil || caller.Role != access.Admin:
			w.Header().Set("WWW-Authenticate", `Bearer realm="eilnet"`)
			http.Error(w, "the metrics are for ADMIN keys (or serve them on --metrics-addr)", http.StatusUnauthorized)
		default:
			next.ServeHTTP(w, r)
		}
	})
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

func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		ctx, line := obs.WithLine(r.Context())
		next.ServeHTTP(rec, r.WithContext(ctx))
		attrs := append([]slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Float64("duration_ms", ms(time.Since(start))),
			slog.String("remote", r.RemoteAddr),
		}, line.Attrs()...)
		log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}
