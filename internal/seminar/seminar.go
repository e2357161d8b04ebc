// Package seminar holds the network's events: seminars, trainings, study
// visits, award ceremonies, and who attended them.
package seminar

import (
	"time"

	"github.com/lib/pq"

	"eilnet/internal/gid"
	"eilnet/internal/page"
)

// Kind is what kind of event a seminar is.
type Kind string

const (
	KindSeminar          Kind = "SEMINAR"
	KindTraining         Kind = "TRAINING"
	KindStudyVisit       Kind = "STUDY_VISIT"
	KindAwardCeremony    Kind = "AWARD_CEREMONY"
	KindKnowledgeSharing Kind = "KNOWLEDGE_SHARING"
	KindInspectionVisit  Kind = "INSPECTION_VISIT"
)

// Mode is how people took part.
type Mode string

const (
	Onsite Mode = "ONSITE"
	Online Mode = "ONLINE"
	Hybrid Mode = "HYBRID"
)

// Seminar is an event of the network.
type Seminar struct {
	ID            int64          `db:"id"`
	Title         string         `db:"title"`
	Kind          Kind           `db:"kind"`
	Mode          Mode           `db:"mode"`
	StartsOn      time.Time      `db:"starts_on"`
	EndsOn        time.Time      `db:"ends_on"`
	FiscalYear    int            `db:"fiscal_year"`
	Venue         *string        `db:"venue"`
	OrganizerCode string         `db:"organizer_code"`
	ProvinceCode  *string        `db:"province_code"`
	TopicList     pq.StringArray `db:"topics"`
}

// Topics are the seminar's topics, in programme order.
func (s *Seminar) Topics() []string { return s.TopicList }

// NodeID is the seminar's opaque global ID.
func (s *Seminar) NodeID() string { return gid.EncodeInt(gid.Seminar, s.ID) }

// Filter narrows a list of seminars; zero fields match everything. It is
// comparable, so that it can be part of a loader key.
type Filter struct {
	Kind         Kind
	Mode         Mode
	FiscalYear   int
	ProvinceCode string
	// Search is normalised text (search.Text) the title contains.
	Search        string
	OrganizerCode string
}

// OrderField is what seminars are sorted by.
type OrderField string

// ByStartsOn sorts seminars by their first day.
const ByStartsOn OrderField = "STARTS_ON"

// Order is how a list of seminars is sorted; the id breaks ties.
type Order struct {
	Field     OrderField
	Direction page.Direction
}

// DefaultOrder lists the latest seminars first.
var DefaultOrder = Order{Field: ByStartsOn, Direction: page.Desc}

// Query is what a list of seminars shows.
type Query struct {
	Filter Filter
	Order  Order
}

// SortKey is the SQL sort key of the order.
func (o Order) SortKey() page.SortKey {
	return page.SortKey{Expr: "s.starts_on", Type: "date", Kind: page.KeyDate}
}

// Key is a seminar's sort key under the query's order, as a cursor holds it.
func (q Query) Key(s *Seminar) (string, int64) {
	return s.StartsOn.Format(page.DateLayout), s.ID
}

// The kinds of parent a list of seminars belongs to.
const (
	// ScopeAll is the root list, with the single parent "".
	ScopeAll = "all"
	// ScopeProvince lists the seminars held in a province, by code.
	ScopeProvince = "province"
	// ScopeOrganizer lists the seminars an office organised, by code.
	ScopeOrganizer = "organizer"
	// ScopeAttendee lists the seminars a member attended, by member id.
	ScopeAttendee = "attendee"
)
