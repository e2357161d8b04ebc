package graph

import (
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

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
}

// NewHandler serves GraphQL over HTTP (POST with a JSON body, or GET with
// the query in the URL). It gives every request its own loaders itself, so
// that no caller can forget them.
func NewHandler(r *Resolver, opts Options) http.Handler {
	// handler.New adds nothing by default: every transport, cache and
	// extension the API offers is listed here.
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(getQuery{})
	srv.AddTransport(postJSON{maxBody: opts.MaxBodyBytes})
	srv.AddTransport(unsupported{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(observe{debug: opts.Debug})
	srv.SetErrorPresenter(presentError(opts.Log))
	srv.SetRecoverFunc(recoverPanic(opts.Log))
	return loader.Middleware(r.Stores, opts.Loader)(srv)
}
