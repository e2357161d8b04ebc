// Package complaint holds pollution complaints and their timelines.
package complaint

import (
	"time"

	"eilnet/internal/gid"
	"eilnet/internal/page"
)

// Category is what a complaint is about.
type Category string

const (
	Odor         Category = "ODOR"
	Dust         Category = "DUST"
	Smoke        Category = "SMOKE"
	Noise        Category = "NOISE"
	Vibration    Category = "VIBRATION"
	Wastewater   Category = "WASTEWATER"
	WasteDumping Category = "WASTE_DUMPING"
	ChemicalLeak Category = "CHEMICAL_LEAK"
	CaneBurning  Category = "CANE_BURNING"
	Other        Category = "OTHER"
)

// Status is where a complaint stands in its workflow.
type Status string

const (
	Received      Status = "RECEIVED"
	Investigating Status = "INVESTIGATING"
	Resolved      Status = "RESOLVED"
	Dismissed     Status = "DISMISSED"
	Referred      Status = "REFERRED"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{Received, Investigating, Resolved, Dismissed, Referred}

// Complaint is a pollution complaint.
type Complaint struct {
	ID           int64      `db:"id"`
	ReferenceNo  string     `db:"reference_no"`
	Category     Category   `db:"category"`
	Status       Status     `db:"status"`
	Description  string     `db:"description"`
	FiledAt      time.Time  `db:"filed_at"`
	ResolvedAt   *time.Time `db:"resolved_at"`
	ProvinceCode string     `db:"province_code"`
	FactoryID    *int64     `db:"factory_id"`
	HandledBy    string     `db:"handled_by"`
	FiledBy      *int64     `db:"filed_by"`
	OccurredAt   *time.Time `db:"occurred_at"`
	// Version counts the complaint's transitions, from 1 at filing: a
	// transition names the version it moves from.
	Version int `db:"version"`
}

// NodeID is the complaint's opaque global ID.
func (c *Complaint) NodeID() string { return gid.EncodeInt(gid.Complaint, c.ID) }

// Event is one change of a complaint's status.
type Event struct {
	ComplaintID int64     `db:"complaint_id"`
	At          time.Time `db:"at"`
	Status      Status    `db:"status"`
	Note        *string   `db:"note"`
}

// StatusSet is a set of statuses to match. The zero value sets no
// condition; a given but empty set matches nothing.
type StatusSet struct {
	given bool
	bits  uint8
}

// NewStatusSet is the set of the given statuses.
func NewStatusSet(statuses []Status) StatusSet {
	s := StatusSet{given: true}
	for _, st := range statuses {
		for i, known := range Statuses {
			if st == known {
				s.bits |= 1 << i
			}
		}
	}
	return s
}

// Given tells whether the set sets a condition.
func (s StatusSet) Given() bool { return s.given }

// Strings lists the set's statuses, or nil when the set sets no condition.
func (s StatusSet) Strings() []string {
	if !s.given {
		return nil
	}
	out := []string{}
	for i, st := range Statuses {
		if s.bits&(1<<i) != 0 {
			out = append(out, string(st))
		}
	}
	return out
}

// Filter narrows a list of complaints; zero fields match everything. It is
// comparable, so that it can be part of a loader key.
type Filter struct {
	ProvinceCode string
	Region       string
	Category     Category
	Statuses     StatusSet
	// FiledFrom is inclusive, FiledTo exclusive.
	FiledFrom  time.Time
	FiledTo    time.Time
	FiscalYear int
	// Search is normalised text (search.Text) the description or the
	// reference number contains.
	Search                string
	FactoryRegistrationNo string
	InspectionZone        int
	// HandledBy narrows to the complaints one office handles; the API sets
	// it, not its clients (an officer sees who filed only those).
	HandledBy string
}

// OrderField is what complaints are sorted by.
type OrderField string

// ByFiledAt sorts complaints by filing time.
const ByFiledAt OrderField = "FILED_AT"

// Order is how a list of complaints is sorted; the id breaks ties.
type Order struct {
	Field     OrderField
	Direction page.Direction
}

// DefaultOrder lists the latest complaints first.
var DefaultOrder = Order{Field: ByFiledAt, Direction: page.Desc}

// Query is what a list of complaints shows.
type Query struct {
	Filter Filter
	Order  Order
}

// SortKey is the SQL sort key of the order.
func (o Order) SortKey() page.SortKey {
	return page.SortKey{Expr: "c.filed_at", Type: "timestamptz", Kind: page.KeyTime}
}

// Key is a complaint's sort key under the query's order, as a cursor holds it.
func (q Query) Key(c *Complaint) (string, int64) {
	return c.FiledAt.UTC().Format(page.TimeLayout), c.ID
}

// The kinds of parent a list of complaints belongs to.
const (
	// ScopeAll is the root list, with the single parent "".
	ScopeAll = "all"
	// ScopeProvince lists the complaints about a province, by code.
	ScopeProvince = "province"
	// ScopeOffice lists the complaints an office handles, by code.
	ScopeOffice = "office"
	// ScopeFactory lists the complaints about a factory, by id.
	ScopeFactory = "factory"
	// ScopeFiledBy lists the complaints a member filed, by member id.
	ScopeFiledBy = "filed_by"
)
