package endpoint

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// The parsed-query cache is bounded by the memory its documents hold,
// not by their number: 100 distinct 60 KB queries (each within the shape
// limits) leave at most its budget in the heap.
func TestParsedCacheBoundedByMemory(t *testing.T) {
	cache := newParsedCache()
	ctx := context.Background()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 100 {
		query := fmt.Sprintf("query Q%d { ", i) + strings.Repeat(`p: province(code: "40") { code nameTh office { code nameTh } } `, 1000) + "}"
		if len(query) < 60<<10 {
			t.Fatalf("a query of %d bytes", len(query))
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil {
			t.Fatal(err)
		}
		cache.Add(ctx, query, doc)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if held > parsedCacheBytes {
		t.Errorf("the cache holds %d MiB (estimated %d MiB), more than its %d MiB", held>>20, cache.bytes>>20, parsedCacheBytes>>20)
	}
	if cache.lru.Len() == 0 {
		t.Error("the cache kept none of them")
	}
}
