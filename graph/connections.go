package graph

import (
	"strconv"

	"eilnet/graph/model"
	"eilnet/internal/complaint"
	"eilnet/internal/factory"
	"eilnet/internal/loader"
	"eilnet/internal/member"
	"eilnet/internal/page"
	"eilnet/internal/seminar"
)

// The constructors below validate a connection's arguments and answer the
// keys its fields load; nothing is read until a field asks.

func (r *Resolver) memberConnection(scope, parent string, first *int, after *string, f *model.MemberFilter, o *member.Order) (*model.MemberConnection, error) {
	q, err := r.memberQuery(f, o)
	if err != nil {
		return nil, err
	}
	p, c, err := loader.NewKeys(scope, parent, q, q.Filter, q.Order.SortKey().Kind, first, after)
	if err != nil {
		return nil, err
	}
	return &model.MemberConnection{Page: p, Count: c}, nil
}

func (r *Resolver) factoryConnection(scope, parent string, first *int, after *string, f *model.FactoryFilter, o *factory.Order) (*model.FactoryConnection, error) {
	q, err := r.factoryQuery(f, o)
	if err != nil {
		return nil, err
	}
	p, c, err := loader.NewKeys(scope, parent, q, q.Filter, q.Order.SortKey().Kind, first, after)
	if err != nil {
		return nil, err
	}
	return &model.FactoryConnection{Page: p, Count: c}, nil
}

func (r *Resolver) complaintConnection(scope, parent string, first *int, after *string, f *model.ComplaintFilter, o *complaint.Order) (*model.ComplaintConnection, error) {
	return r.complaintsHandledBy(scope, parent, "", first, after, f, o)
}

// complaintsHandledBy is complaintConnection narrowed to the complaints
// office handles ("": all).
func (r *Resolver) complaintsHandledBy(scope, parent, office string, first *int, after *string, f *model.ComplaintFilter, o *complaint.Order) (*model.ComplaintConnection, error) {
	q, err := r.complaintQuery(f, o)
	if err != nil {
		return nil, err
	}
	q.Filter.HandledBy = office
	p, c, err := loader.NewKeys(scope, parent, q, q.Filter, q.Order.SortKey().Kind, first, after)
	if err != nil {
		return nil, err
	}
	return &model.ComplaintConnection{Page: p, Count: c}, nil
}

func (r *Resolver) seminarConnection(scope, parent string, first *int, after *string, f *model.SeminarFilter, o *seminar.Order) (*model.SeminarConnection, error) {
	q, err := r.seminarQuery(f, o)
	if err != nil {
		return nil, err
	}
	p, c, err := loader.NewKeys(scope, parent, q, q.Filter, q.Order.SortKey().Kind, first, after)
	if err != nil {
		return nil, err
	}
	return &model.SeminarConnection{Page: p, Count: c}, nil
}

// idKey is a numeric id as a parent key.
func idKey(id int64) string { return strconv.FormatInt(id, 10) }

// edges pairs a page's rows with their cursors.
func edges[T, E any](p *page.Page[T], edge func(cursor string, node T) E) []E {
	out := make([]E, len(p.Nodes))
	for i, n := range p.Nodes {
		out[i] = edge(p.Cursor(i), n)
	}
	return out
}

func pageInfo[T any](p *page.Page[T]) *model.PageInfo {
	return &model.PageInfo{
		HasNextPage:     p.HasNextPage,
		HasPreviousPage: p.HasPreviousPage,
		StartCursor:     p.StartCursor(),
		EndCursor:       p.EndCursor(),
	}
}
