// Package model holds the GraphQL types that are not domain rows:
// connections (here) and the inputs and small results gqlgen generates.
package model

import (
	"errors"

	"eilnet/internal/complaint"
	"eilnet/internal/factory"
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
type Conn[T any] struct {
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

// Nodes is the page's rows.
func (c *Conn[T]) Nodes() ([]T, error) {
	if c.Rows == nil {
		return nil, errNotLoaded
	}
	return c.Rows.Nodes, nil
}

// TotalCount is the number of rows of the whole list.
func (c *Conn[T]) TotalCount() (int, error) {
	if !c.Counted {
		return 0, errNotLoaded
	}
	return c.Total, nil
}

// PageInfo is where the page stands in its list.
func (c *Conn[T]) PageInfo() (*PageInfo, error) {
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

// edges pairs the page's rows with their cursors; each connection type
// names its own edge type, so each has its Edges.
func edges[T, E any](p *page.Page[T], edge func(cursor string, node T) *E) ([]*E, error) {
	if p == nil {
		return nil, errNotLoaded
	}
	out := make([]*E, len(p.Nodes))
	for i, n := range p.Nodes {
		out[i] = edge(p.Cursor(i), n)
	}
	return out, nil
}

// MemberConnection is a page of members.
type MemberConnection struct{ Conn[*member.Member] }

func (c *MemberConnection) Edges() ([]*MemberEdge, error) {
	return edges(c.Rows, func(cur string, n *member.Member) *MemberEdge { return &MemberEdge{Cursor: cur, Node: n} })
}

// FactoryConnection is a page of factories.
type FactoryConnection struct{ Conn[*factory.Factory] }

func (c *FactoryConnection) Edges() ([]*FactoryEdge, error) {
	return edges(c.Rows, func(cur string, n *factory.Factory) *FactoryEdge { return &FactoryEdge{Cursor: cur, Node: n} })
}

// ComplaintConnection is a page of complaints.
type ComplaintConnection struct{ Conn[*complaint.Complaint] }

func (c *ComplaintConnection) Edges() ([]*ComplaintEdge, error) {
	return edges(c.Rows, func(cur string, n *complaint.Complaint) *ComplaintEdge {
		return &ComplaintEdge{Cursor: cur, Node: n}
	})
}

// SeminarConnection is a page of seminars.
type SeminarConnection struct{ Conn[*seminar.Seminar] }

func (c *SeminarConnection) Edges() ([]*SeminarEdge, error) {
	return edges(c.Rows, func(cur string, n *seminar.Seminar) *SeminarEdge { return &SeminarEdge{Cursor: cur, Node: n} })
}
