package graph

import (
	"context"
	"strconv"

	"eilnet/graph/model"
	"eilnet/internal/access"
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

func (r *Resolver) complaintConnection(ctx context.Context, scope, parent string, first *int, after *string, f *model.ComplaintFilter, o *complaint.Order) (*model.ComplaintConnection, error) {
	q, err := r.complaintQuery(f, o)
	if err != nil {
		return nil, err
	}
	narrowComplaints(ctx, scope, &q)
	p, c, err := loader.NewKeys(scope, parent, q, q.Filter, q.Order.SortKey().Kind, first, after)
	if err != nil {
		return nil, err
	}
	return &model.ComplaintConnection{Page: p, Count: c}, nil
}

// narrowComplaints applies the access policy to a list of complaints: who
// filed a complaint is for the office that handles it, so an officer reads
// a member's complaintsFiled only where its own office handles them
// (access.graphqls). The resolvers and the look-ahead both call it, so
// that their loader keys agree.
func narrowComplaints(ctx context.Context, scope string, q *complaint.Query) {
	if caller := access.From(ctx); scope == complaint.ScopeFiledBy && caller.Role == access.Officer {
		q.Filter.HandledBy = caller.OfficeCode
	}
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
