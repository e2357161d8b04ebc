// Package endpoint serves GraphQL over HTTP at /query. For each request
// it sets the deadline, tells the caller, gives the request its own
// loaders, reads the GraphQL request from a POST or a GET, keeps it within
// the server's limits (guard.go), runs it, answers in the media type the
// client accepts (GraphQL over HTTP: application/graphql-response+json or
// application/json) with the HTTP status its error code maps to (status.go,
// the one table), and records the request in the metrics and the log once
// its outcome is known.
package endpoint

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/sync/semaphore"

	"eilnet/internal/access"
	"eilnet/internal/limits"
	"eilnet/internal/obs"
	"eilnet/internal/postgres"
)

// Options configure the endpoint.
type Options struct {
	// Schema is what the endpoint executes.
	Schema graphql.ExecutableSchema
	// Loaders gives a request its own loaders.
	Loaders func(context.Context) context.Context
	// PresentError and Recover turn the schema's errors and panics into
	// what clients see.
	PresentError graphql.ErrorPresenterFunc
	Recover      graphql.RecoverFunc
	// Authenticate tells who sent a request.
	Authenticate func(context.Context, *http.Request) (access.Caller, error)
	Metrics      *obs.Metrics
	Log          *slog.Logger
	// RequestTimeout bounds a request, from its first byte to its answer:
	// reading its body, looking up its key, running it.
	RequestTimeout time.Duration
	// MaxBodyBytes bounds a POST request's body.
	MaxBodyBytes int64
	// Debug adds the request's SQL statement count and time to every
	// response, as extensions.sql.
	Debug bool
	// Limits bound what one request may ask and what a caller may spend.
	Limits limits.Config
	// Introspection answers the schema's introspection (for the
	// playground and tools).
	Introspection bool
	// Operations answers the text of a registered operation by its hash
	// ("" when none is registered).
	Operations func(ctx context.Context, hash string) (string, error)
	// CacheMaxAge is the max-age of an anonymous GET query's answer.
	CacheMaxAge time.Duration
}

// New is the endpoint.
func New(opts Options) (http.Handler, error) {
	costs, err := limits.NewCosts(opts.Schema.Schema())
	if err != nil {
		return nil, err
	}
	parsed := newParsedCache()
	exec := executor.New(opts.Schema)
	exec.SetQueryCache(parsed)
	exec.SetParserTokenLimit(opts.Limits.MaxTokens)
	exec.SetErrorPresenter(opts.PresentError)
	exec.SetRecoverFunc(opts.Recover)
	if opts.Introspection {
		exec.Use(extension.Introspection{})
	}
	e := &endpoint{
		opts: opts,
		exec: exec,
		guard: guard{
			cfg:        opts.Limits,
			costs:      costs,
			budgets:    limits.NewBudgets(opts.Limits.Window, time.Now),
			writes:     limits.NewBudgets(opts.Limits.Window, time.Now),
			persisted:  newByteCache(persistedCacheBytes, func(hash string, query string) int { return entryBytes + len(hash) + len(query) }),
			parsed:     parsed,
			operations: opts.Operations,
		},
	}
	if n := opts.Limits.AnonymousInFlight; n > 0 {
		e.anonymous = semaphore.NewWeighted(int64(n))
	}
	return e, nil
}

type endpoint struct {
	opts Options
	exec *executor.Executor
	guard
	// anonymous holds the cost of every anonymous operation running
	// (limits.Config.AnonymousInFlight; nil: no limit).
	anonymous *semaphore.Weighted
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The deadline covers the whole request: reading its body (a body
	// sent a byte at a time must not hold the connection), looking up its
	// key, and running it.
	ctx := r.Context()
	if e.opts.RequestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.opts.RequestTimeout)
		defer cancel()
		// Only a body: without one, net/http's own background read of the
		// connection would meet the deadline and end the request as if
		// its client had gone. Not every writer can (a test's recorder):
		// then the server's ReadTimeout alone bounds it.
		deadline, _ := ctx.Deadline()
		rc := http.NewResponseController(w)
		if r.Body != nil && r.Body != http.NoBody {
			_ = rc.SetReadDeadline(deadline)
		}
		// A client that does not read its answer cannot hold the request
		// (and what it holds: a connection, an anonymous share) for
		// longer than the answer takes to write after the deadline.
		_ = rc.SetWriteDeadline(deadline.Add(writeGrace))
	}
	ctx = graphql.StartOperationTrace(ctx)
	x := &exchange{start: time.Now(), w: w, media: negotiate(r.Header.Values("Accept")), parts: acceptsParts(r.Header.Values("Accept"))}
	defer e.finish(ctx, x)
	defer func() {
		// A fault of the endpoint itself (the schema's panics are the
		// executor's to recover): logged with its stack by Recover, and
		// answered as internal, never with the panic.
		if p := recover(); p != nil {
			err, _ := e.exec.PresentRecoveredError(ctx, p).(*gqlerror.Error)
			if x.status == 0 {
				// Never a 500 with the panic; not a 503 for a mutation
				// either, which may have written: a client retrying it
				// would write twice.
				status := http.StatusServiceUnavailable
				if x.mutation {
					status = http.StatusOK
				}
				e.answer(ctx, x, status, &graphql.Response{Errors: gqlerror.List{err}}, false)
			}
		}
	}()
	if r.Method == http.MethodOptions {
		w.Header().Set("Allow", allowed)
		x.status = http.StatusNoContent
		w.WriteHeader(http.StatusNoContent)
		return
	}
	caller, err := e.opts.Authenticate(ctx, r)
	if err != nil {
		e.unauthenticated(ctx, x, err)
		return
	}
	x.caller = caller
	ctx, x.stats = postgres.WithStats(access.WithCaller(ctx, caller))
	ctx = e.opts.Loaders(ctx)
	switch {
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		e.get(ctx, x, r)
	case r.Method == http.MethodPost && isJSON(r.Header.Get("Content-Type")):
		e.post(ctx, x, r)
	case r.Method == http.MethodPost:
		w.Header().Set("Allow", allowed)
		e.refuse(ctx, x, http.StatusUnsupportedMediaType, badRequest(
			"send GraphQL as a POST with Content-Type application/json, or as a GET with the query in the URL"))
	default:
		w.Header().Set("Allow", allowed)
		e.refuse(ctx, x, http.StatusMethodNotAllowed, badRequest(
			"send GraphQL as a POST with Content-Type application/json, or as a GET with the query in the URL"))
	}
}

// writeGrace is how long after its deadline a request's answer may take
// to be written.
const writeGrace = 5 * time.Second

// allowed are the methods /query answers.
const allowed = "GET, HEAD, POST, OPTIONS"

// finish records the request in the metrics and its log line, now that
// its outcome is known.
func (e *endpoint) finish(ctx context.Context, x *exchange) {
	outcome := x.outcome
	if outcome == "" {
		outcome = "ok"
	}
	var statements int64
	var sqlTime time.Duration
	if x.stats != nil {
		statements, sqlTime = x.stats.Statements(), x.stats.Duration()
	}
	// OPTIONS asks about the endpoint, not for an answer.
	if x.status != http.StatusNoContent {
		e.opts.Metrics.ObserveRequest(x.operation, x.caller.Role != access.Anonymous && outcome == "ok", outcome,
			time.Since(x.start), statements, sqlTime)
	}
	caller := "unauthenticated"
	if x.caller.Role != "" {
		caller = x.caller.Actor()
	}
	obs.Annotate(ctx,
		slog.String("caller", caller),
		slog.String("operation", x.operation),
		slog.String("outcome", outcome),
		slog.Int64("sql_statements", statements),
		slog.Float64("sql_ms", float64(sqlTime.Microseconds())/1000))
}
