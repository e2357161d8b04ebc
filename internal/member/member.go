// Package member holds the network's members: citizens, factory operators
// and officials, each registered and coordinated by one office.
package member

import (
	"time"

	"eilnet/internal/gid"
	"eilnet/internal/page"
)

// Sector is the part of society a member comes from.
type Sector string

const (
	Citizen    Sector = "CITIZEN"
	Private    Sector = "PRIVATE"
	Government Sector = "GOVERNMENT"
)

// Member is a member of the network.
type Member struct {
	ID       int64     `db:"id"`
	FullName string    `db:"full_name"`
	Sector   Sector    `db:"sector"`
	JoinedOn time.Time `db:"joined_on"`
	// ProvinceCode is always the province of the office.
	ProvinceCode string  `db:"province_code"`
	OfficeCode   string  `db:"office_code"`
	FactoryID    *int64  `db:"factory_id"`
	Phone        *string `db:"phone"`
	Email        *string `db:"email"`
}

// NodeID is the member's opaque global ID.
func (m *Member) NodeID() string { return gid.EncodeInt(gid.Member, m.ID) }

// Filter narrows a list of members; zero fields match everything. It is
// comparable, so that it can be part of a loader key.
type Filter struct {
	Sector       Sector
	ProvinceCode string
	OfficeCode   string
	JoinedFrom   time.Time
	JoinedTo     time.Time
	// Search is normalised text (search.Text) the full name contains.
	Search string
}

// OrderField is what members are sorted by.
type OrderField string

const (
	ByJoinedOn OrderField = "JOINED_ON"
	ByFullName OrderField = "FULL_NAME"
)

// Order is how a list of members is sorted; the id breaks ties.
type Order struct {
	Field     OrderField
	Direction page.Direction
}

// DefaultOrder lists members in order of joining.
var DefaultOrder = Order{Field: ByJoinedOn, Direction: page.Asc}

// Query is what a list of members shows: which members, in which order.
type Query struct {
	Filter Filter
	Order  Order
}

// SortKey is the SQL sort key of the order.
func (o Order) SortKey() page.SortKey {
	if o.Field == ByFullName {
		return page.SortKey{Expr: "m.full_name", Type: "text", Kind: page.KeyText}
	}
	return page.SortKey{Expr: "m.joined_on", Type: "date", Kind: page.KeyDate}
}

// Key is a member's sort key under the query's order, as a cursor holds it.
func (q Query) Key(m *Member) (string, int64) {
	if q.Order.Field == ByFullName {
		return m.FullName, m.ID
	}
	return m.JoinedOn.Format(page.DateLayout), m.ID
}

// The kinds of parent a list of members belongs to.
const (
	// ScopeAll is the root list, with the single parent "".
	ScopeAll = "all"
	// ScopeProvince lists a province's members, by province code.
	ScopeProvince = "province"
	// ScopeOffice lists an office's members, by office code.
	ScopeOffice = "office"
	// ScopeSeminar lists a seminar's attendees, by seminar id.
	ScopeSeminar = "seminar"
)
