package graph

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/sync/semaphore"

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
	parsed := newParsedCache()
	g := &guard{
		cfg:        opts.Limits,
		costs:      costs,
		budgets:    limits.NewBudgets(opts.Limits.Window, time.Now),
		writes:     limits.NewBudgets(opts.Limits.Window, time.Now),
		persisted:  newByteCache(persistedCacheBytes, func(hash string, query string) int { return entryBytes + len(hash) + len(query) }),
		parsed:     parsed,
		operations: opts.Operations,
		log:        opts.Log,
	}
	if n := opts.Limits.AnonymousInFlight; n > 0 {
		g.anonymous = semaphore.NewWeighted(int64(n))
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

// The caches of parsed and persisted queries are bounded by the memory
// their entries hold, not by their number: a client sending large
// distinct queries must not make them hold a gigabyte. A parsed document
// holds 25 to 47 bytes per byte of its query's text (measured with
// runtime.MemStats on 55 and 60 KB queries), counted as 50, and 2 KiB
// more for any entry; an entry
// larger than a sixteenth of its cache is served, not remembered.
const (
	parsedCacheBytes    = 64 << 20
	persistedCacheBytes = 16 << 20
	parsedBytesPerByte  = 50
	// entryBytes is what an entry costs whatever its size: the cache's
	// own bookkeeping, a document's fixed parts.
	entryBytes = 2 << 10
)

// newParsedCache is the cache of parsed queries, by their text.
func newParsedCache() *byteCache[*ast.QueryDocument] {
	return newByteCache(parsedCacheBytes, func(query string, _ *ast.QueryDocument) int { return entryBytes + parsedBytesPerByte*len(query) })
}

// byteCache is a least-recently-used cache holding at most max bytes of
// entries, as size estimates them.
type byteCache[T any] struct {
	mu    sync.Mutex
	lru   *simplelru.LRU[string, sized[T]]
	bytes int
	max   int
	size  func(key string, value T) int
}

type sized[T any] struct {
	value T
	bytes int
}

func newByteCache[T any](max int, size func(key string, value T) int) *byteCache[T] {
	c := &byteCache[T]{max: max, size: size}
	// The entries' bytes bound the cache; the count only must be positive.
	c.lru, _ = simplelru.NewLRU(math.MaxInt32, func(_ string, v sized[T]) { c.bytes -= v.bytes })
	return c
}

func (c *byteCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.lru.Get(key)
	return v.value, ok
}

func (c *byteCache[T]) Add(_ context.Context, key string, value T) {
	n := c.size(key, value)
	if n > c.max/16 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru.Contains(key) {
		return
	}
	c.lru.Add(key, sized[T]{value, n})
	c.bytes += n
	for c.bytes > c.max {
		c.lru.RemoveOldest()
	}
}
