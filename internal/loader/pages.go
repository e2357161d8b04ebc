package loader

import (
	"context"
	"sync"

	"eilnet/internal/page"
	"eilnet/internal/postgres"
)

// A List is what the pages of one connection field of a query share: the
// scope of its parents, its query and its window. It carries the list's
// arguments, because no loader can batch "the first N children" otherwise:
// the batch function groups keys by list and reads each group, for all its
// parents, with one statement. Lists are interned per request (Intern), so
// that a key is a pointer and a parent, cheap to hash and compare however
// large the query.
type List[Q comparable] struct {
	Scope string
	Query Q
	// Omit are the columns that no field selected on the rows reads: not
	// part of the list's identity, which its cursors carry.
	Omit   postgres.Omit
	Window page.Window
}

// PageKey identifies one page of one parent's list.
type PageKey[Q comparable] struct {
	List   *List[Q]
	Parent string
}

// list identifies the list a page belongs to, for its cursors.
func (k PageKey[Q]) list() page.ListID { return page.NewListID(k.List.Scope, k.Parent, k.List.Query) }

// A Counted is what the counts of one connection field share: the scope
// of its parents and its filter, interned like a List.
type Counted[F comparable] struct {
	Scope  string
	Filter F
}

// CountKey identifies the row count of one parent's filtered list.
type CountKey[F comparable] struct {
	Of     *Counted[F]
	Parent string
}

// Intern answers the request's one copy of v.
func Intern[V comparable](l *Loaders, v V) *V {
	return Memo(l, v, func() *V { return &v })
}

// NewKeys validates a connection's first and after arguments for the list
// q of parent in scope, whose sort key is of kind k, and answers the keys of
// its page, read without the columns of omit, and of its count (by q's
// filter f).
func NewKeys[Q, F comparable](l *Loaders, scope, parent string, q Q, omit postgres.Omit, f F, k page.KeyKind, first *int, after *string) (PageKey[Q], CountKey[F], error) {
	key := PageKey[Q]{&List[Q]{Scope: scope, Query: q, Omit: omit}, parent}
	w, err := page.NewWindow(first, after, key.list, k)
	if err != nil {
		return PageKey[Q]{}, CountKey[F]{}, err
	}
	key.List.Window = w
	key.List = Intern(l, *key.List)
	return key, CountKey[F]{Intern(l, Counted[F]{scope, f}), parent}, nil
}

type lister[Q comparable, T any] func(ctx context.Context, scope string, parents []string, q Q, omit postgres.Omit, w page.Window) (map[string][]*T, error)

// pages makes the batch function of a page loader: one statement per group
// of keys with the same scope, query and window, run concurrently.
func pages[Q comparable, T any](list lister[Q, T], key func(Q, *T) (string, int64)) fetcher[PageKey[Q], *page.Page[*T]] {
	return func(ctx context.Context, keys []PageKey[Q]) ([]*page.Page[*T], []error) {
		parents := map[*List[Q]][]string{}
		for _, k := range keys {
			parents[k.List] = append(parents[k.List], k.Parent)
		}
		type result struct {
			rows map[string][]*T
			err  error
		}
		results := make(map[*List[Q]]*result, len(parents))
		var wg sync.WaitGroup
		for g, ps := range parents {
			r := &result{}
			results[g] = r
			wg.Go(func() { r.rows, r.err = list(ctx, g.Scope, ps, g.Query, g.Omit, g.Window) })
		}
		wg.Wait()

		out := make([]*page.Page[*T], len(keys))
		errs := make([]error, len(keys))
		for i, k := range keys {
			r := results[k.List]
			if r.err != nil {
				errs[i] = r.err
				continue
			}
			out[i] = page.Build(r.rows[k.Parent], k.List.Window, k.list, func(t *T) (string, int64) { return key(k.List.Query, t) })
		}
		return out, errs
	}
}

type counter[F comparable] func(ctx context.Context, scope string, parents []string, f F) (map[string]int, error)

// counts makes the batch function of a count loader: one statement per
// group of keys with the same scope and filter, run concurrently.
func counts[F comparable](count counter[F]) fetcher[CountKey[F], int] {
	return func(ctx context.Context, keys []CountKey[F]) ([]int, []error) {
		parents := map[*Counted[F]][]string{}
		for _, k := range keys {
			parents[k.Of] = append(parents[k.Of], k.Parent)
		}
		type result struct {
			counts map[string]int
			err    error
		}
		results := make(map[*Counted[F]]*result, len(parents))
		var wg sync.WaitGroup
		for g, ps := range parents {
			r := &result{}
			results[g] = r
			wg.Go(func() { r.counts, r.err = count(ctx, g.Scope, ps, g.Filter) })
		}
		wg.Wait()

		out := make([]int, len(keys))
		errs := make([]error, len(keys))
		for i, k := range keys {
			r := results[k.Of]
			out[i], errs[i] = r.counts[k.Parent], r.err
		}
		return out, errs
	}
}
