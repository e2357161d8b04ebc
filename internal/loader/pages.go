package loader

import (
	"context"
	"sync"

	"eilnet/internal/page"
)

// PageKey identifies one page of one parent's list. It carries the list's
// arguments, because no loader can batch "the first N children" otherwise:
// the batch function groups keys by identical arguments and reads each
// group, for all its parents, with one statement.
type PageKey[Q comparable] struct {
	Scope  string
	Parent string
	Query  Q
	Window page.Window
}

// list identifies the list a page belongs to, for its cursors.
func (k PageKey[Q]) list() page.ListID { return page.NewListID(k.Scope, k.Parent, k.Query) }

// NewKeys validates a connection's first and after arguments for the list
// q of parent in scope, whose sort key is of kind k, and answers the keys of
// its page and of its count (by q's filter f).
func NewKeys[Q, F comparable](scope, parent string, q Q, f F, k page.KeyKind, first *int, after *string) (PageKey[Q], CountKey[F], error) {
	key := PageKey[Q]{Scope: scope, Parent: parent, Query: q}
	var err error
	key.Window, err = page.NewWindow(first, after, key.list, k)
	return key, CountKey[F]{Scope: scope, Parent: parent, Filter: f}, err
}

// CountKey identifies the row count of one parent's filtered list.
type CountKey[F comparable] struct {
	Scope  string
	Parent string
	Filter F
}

type lister[Q comparable, T any] func(ctx context.Context, scope string, parents []string, q Q, w page.Window) (map[string][]*T, error)

// pages makes the batch function of a page loader: one statement per group
// of keys with the same scope, query and window, run concurrently.
func pages[Q comparable, T any](list lister[Q, T], key func(Q, *T) (string, int64)) fetcher[PageKey[Q], *page.Page[*T]] {
	type group struct {
		scope  string
		query  Q
		window page.Window
	}
	return func(ctx context.Context, keys []PageKey[Q]) ([]*page.Page[*T], []error) {
		parents := map[group][]string{}
		for _, k := range keys {
			g := group{k.Scope, k.Query, k.Window}
			parents[g] = append(parents[g], k.Parent)
		}
		type result struct {
			rows map[string][]*T
			err  error
		}
		results := make(map[group]*result, len(parents))
		var wg sync.WaitGroup
		for g, ps := range parents {
			r := &result{}
			results[g] = r
			wg.Go(func() { r.rows, r.err = list(ctx, g.scope, ps, g.query, g.window) })
		}
		wg.Wait()

		out := make([]*page.Page[*T], len(keys))
		errs := make([]error, len(keys))
		for i, k := range keys {
			r := results[group{k.Scope, k.Query, k.Window}]
			if r.err != nil {
				errs[i] = r.err
				continue
			}
			out[i] = page.Build(r.rows[k.Parent], k.Window, k.list, func(t *T) (string, int64) { return key(k.Query, t) })
		}
		return out, errs
	}
}

type counter[F comparable] func(ctx context.Context, scope string, parents []string, f F) (map[string]int, error)

// counts makes the batch function of a count loader: one statement per
// group of keys with the same scope and filter, run concurrently.
func counts[F comparable](count counter[F]) fetcher[CountKey[F], int] {
	type group struct {
		scope  string
		filter F
	}
	return func(ctx context.Context, keys []CountKey[F]) ([]int, []error) {
		parents := map[group][]string{}
		for _, k := range keys {
			g := group{k.Scope, k.Filter}
			parents[g] = append(parents[g], k.Parent)
		}
		type result struct {
			counts map[string]int
			err    error
		}
		results := make(map[group]*result, len(parents))
		var wg sync.WaitGroup
		for g, ps := range parents {
			r := &result{}
			results[g] = r
			wg.Go(func() { r.counts, r.err = count(ctx, g.scope, ps, g.filter) })
		}
		wg.Wait()

		out := make([]int, len(keys))
		errs := make([]error, len(keys))
		for i, k := range keys {
			r := results[group{k.Scope, k.Filter}]
			out[i], errs[i] = r.counts[k.Parent], r.err
		}
		return out, errs
	}
}
