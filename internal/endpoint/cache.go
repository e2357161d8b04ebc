package endpoint

import (
	"context"
	"math"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/vektah/gqlparser/v2/ast"
)

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
