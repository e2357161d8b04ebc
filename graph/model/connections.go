// Package model holds the GraphQL types that are not domain rows:
// connections (here) and the inputs and small results gqlgen generates.
package model

import (
	"errors"

	"eilnet/internal/complaint"
	"eilnet/internal/factory"
	"eilnet/internal/loader"
	"eilnet/internal/member"
	"eilnet/internal/page"
	"eilnet/internal/seminar"
)

// A connection arrives loaded: its field's resolver reads the page and the
// count the selection asks for (through the loaders, where the look-ahead
// has usually read them already), so that nodes, edges, pageInfo and
// totalCount are plain values that gqlgen writes inline, without a
// goroutine and a loader lookup each. A query that wants only totalCount
// still reads no rows, and one that wants no totalCount counts nothing.
type Conn[Q, F comparable, T any] struct {
	Page  loader.PageKey[Q]
	Count loader.CountKey[F]
	// Rows is nil when the selection asks for no rows; Counted is false,
	// and Total 0, when it asks for no count.
	Rows    *page.Page[T]
	Total   int
	Counted bool
}

// errNotLoaded is a planner bug: a field asked for what its connection's
// resolver did not read. It is an error rather than an empty answer, so
// that such a bug cannot pass for a fact.
var errNotLoaded = errors.New("connection field asked for what was not read")

func (c *Conn[Q, F, T]) totalCount() (int, error) {
	if !c.Counted {
		return 0, errNotLoaded
	}
	return c.Total, nil
}

func (c *Conn[Q, F, T]) nodes() ([]T, error) {
	if c.Rows == nil {
		return nil, errNotLoaded
	}
	return c.Rows.Nodes, nil
}

func (c *Conn[Q, F, T]) pageInfo() (*PageInfo, error) {
	p := c.Rows
	if p == nil {
		return nil, errNotLoaded
	}
	return &PageInfo{
		HasNextPage:     p.HasNextPage,
		HasPreviousPage: p.HasPreviousPage,
		StartCursor:     p.StartCursor(),
		EndCursor:       p.EndCursor(),
	}, nil
}

func edges[T, E any](p *page.Page[T], edge func(cursor string, node T) E) ([]E, error) {
	if p == nil {
		return nil, errNotLoaded
	}
	out := make([]E, len(p.Nodes))
	for i, n := range p.Nodes {
		out[i] = edge(p.Cursor(i), n)
	}
	return out, nil
}

// MemberConnection is a page of members.
type MemberConnection struct {
	Conn[member.Query, member.Filter, *member.Member]
}

func (c *MemberConnection) Nodes() ([]*member.Member, error) { return c.nodes() }
func (c *MemberConnection) PageInfo() (*PageInfo, error)     { return c.pageInfo() }
func (c *MemberConnection) TotalCount() (int, error)         { return c.totalCount() }
func (c *MemberConnection) Edges() ([]*MemberEdge, error) {
	return edges(c.Rows, func(cur string, n *member.Member) *MemberEdge { return &MemberEdge{Cursor: cur, Node: n} })
}

// FactoryConnection is a page of factories.
type FactoryConnection struct {
	Conn[factory.Query, factory.Filter, *factory.Factory]
}

func (c *FactoryConnection) Nodes() ([]*factory.Factory, error) { return c.nodes() }
func (c *FactoryConnection) PageInfo() (*PageInfo, error)       { return c.pageInfo() }
func (c *FactoryConnection) TotalCount() (int, error)           { return c.totalCount() }
func (c *FactoryConnection) Edges() ([]*FactoryEdge, error) {
	return edges(c.Rows, func(cur string, n *factory.Factory) *FactoryEdge { return &FactoryEdge{Cursor: cur, Node: n} })
}

// ComplaintConnection is a page of complaints.
type ComplaintConnection struct {
	Conn[complaint.Query, complaint.Filter, *complaint.Complaint]
}

func (c *ComplaintConnection) Nodes() ([]*complaint.Complaint, error) { return c.nodes() }
func (c *ComplaintConnection) PageInfo() (*PageInfo, error)           { return c.pageInfo() }
func (c *ComplaintConnection) TotalCount() (int, error)               { return c.totalCount() }
func (c *ComplaintConnection) Edges() ([]*ComplaintEdge, error) {
	return edges(c.Rows, func(cur string, n *complaint.Complaint) *ComplaintEdge {
		return &ComplaintEdge{Cursor: cur, Node: n}
	})
}

// SeminarConnection is a page of seminars.
type SeminarConnection struct {
	Conn[seminar.Query, seminar.Filter, *seminar.Seminar]
}

func (c *SeminarConnection) Nodes() ([]*seminar.Seminar, error) { return c.nodes() }
func (c *SeminarConnection) PageInfo() (*PageInfo, error)       { return c.pageInfo() }
func (c *SeminarConnection) TotalCount() (int, error)           { return c.totalCount() }
func (c *SeminarConnection) Edges() ([]*SeminarEdge, error) {
	return edges(c.Rows, func(cur string, n *seminar.Seminar) *SeminarEdge { return &SeminarEdge{Cursor: cur, Node: n} })
}
