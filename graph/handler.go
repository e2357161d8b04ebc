package graph

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"eilnet/internal/limits"
	"eilnet/internal/loader"
)

// Options configure the GraphQL handler.
type Options struct {
	Loader loader.Config
	// MaxBodyBytes bounds a POST request's body.
	MaxBodyBytes int64
	// Debug adds the request's SQL statement count and time to every
	// response, as extensions.sql.
	Debug bool
	Log   *slog.Logger
	// Limits bound what one request may ask and what a caller may spend.
	Limits limits.Config
	// Introspection answers the schema's introspection (for the
	// playground and tools).
	Introspection bool
	// Operations answers the text of a registered operation by its hash
	// ("" when none is registered).
	Operations func(ctx context.Context, hash string) (string, error)
	// GQLGenExecutor answers queries with gqlgen's generated executor
	// instead of the lean one (lean.go), to compare the two.
	GQLGenExecutor bool
}

// NewHandler serves GraphQL over HTTP (POST with a JSON body, or GET with
// the query in the URL). It gives every request its own loaders itself, so
// that no caller can forget them.
func NewHandler(r *Resolver, opts Options) (http.Handler, error) {
	es := NewExecutableSchema(Config{Resolvers: r, Directives: DirectiveRoot{Access: r.enforceAccess}})
	if !opts.GQLGenExecutor {
		es = leanSchema{es.(*executableSchema)}
	}
	costs, err := limits.NewCosts(es.Schema())
	if err != nil {
		return nil, err
	}
	parsed := sizedCache[*ast.QueryDocument]{lru.New[*ast.QueryDocument](1000),
		func(query string, _ *ast.QueryDocument) int { return len(query) }}
	g := &guard{
		cfg:     opts.Limits,
		costs:   costs,
		budgets: limits.NewBudgets(opts.Limits.Window, time.Now),
		persisted: sizedCache[string]{lru.New[string](1000),
			func(_ string, query string) int { return len(query) }},
		parsed:     parsed,
		operations: opts.Operations,
	}
	// handler.New adds nothing by default: every transport, cache and
	// extension the API offers is listed here.
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(getQuery{g: g})
	srv.AddTransport(postJSON{maxBody: opts.MaxBodyBytes, g: g})
	srv.AddTransport(unsupported{g: g})
	srv.SetQueryCache(parsed)
	srv.SetParserTokenLimit(opts.Limits.MaxTokens)
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(g)
	srv.Use(observe{debug: opts.Debug})
	srv.SetErrorPresenter(presentError(opts.Log))
	srv.SetRecoverFunc(recoverPanic(opts.Log))
	return loader.Middleware(r.Stores, opts.Loader)(srv), nil
}

// maxCached is the longest query the caches keep, in bytes. They keep
// 1,000 queries each: a client sending large distinct queries must not make
// them hold a gigabyte. Longer queries are served, not remembered.
const maxCached = 64 << 10

// sizedCache remembers only entries whose query is at most maxCached long.
type sizedCache[T any] struct {
	graphql.Cache[T]
	size func(key string, value T) int
}

func (c sizedCache[T]) Add(ctx context.Context, key string, value T) {
	if c.size(key, value) <= maxCached {
		c.Cache.Add(ctx, key, value)
	}
}
