package member

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/page"
	"eilnet/internal/postgres"
	"eilnet/internal/search"
)

// Store reads members from PostgreSQL.
type Store struct {
	db sqlx.ExtContext
}

// NewStore returns a Store reading through db.
func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

// columns are a member's select list. Always read: the id; full_name and
// joined_on, the sort keys; office_code, which the access policy decides by.
// The others only when a field that shows them is selected
// (postgres.Column.For).
var columns = postgres.Columns[Member]{
	{Expr: "m.id", Field: func(m *Member) any { return &m.ID }},
	{Expr: "m.full_name", Field: func(m *Member) any { return &m.FullName }},
	{Expr: "m.sector", Field: func(m *Member) any { return &m.Sector }, For: []string{"sector"}},
	{Expr: "m.joined_on", Field: func(m *Member) any { return &m.JoinedOn }},
	{Expr: "m.province_code", Field: func(m *Member) any { return &m.ProvinceCode }, For: []string{"province"}},
	{Expr: "m.office_code", Field: func(m *Member) any { return &m.OfficeCode }},
	{Expr: "m.factory_id", Field: func(m *Member) any { return &m.FactoryID }, For: []string{"factory"}},
	{Expr: "m.phone", Field: func(m *Member) any { return &m.Phone }, For: []string{"phone"}},
	{Expr: "m.email", Field: func(m *Member) any { return &m.Email }, For: []string{"email"}},
}

// Omitting are the columns of a member that none of fields, the GraphQL fields
// selected on a page's rows, reads.
func Omitting(fields []string) postgres.Omit { return columns.Omitting(fields) }

var byIDs = `SELECT ` + columns.List() + `
FROM members m
WHERE m.id = ANY(:ids)`

// ByIDs returns the members with the given ids, in no particular order.
func (s *Store) ByIDs(ctx context.Context, ids []int64) ([]*Member, error) {
	return columns.All(ctx, s.db, byIDs, map[string]any{"ids": pq.Array(ids)})
}

var byFactories = `SELECT ` + columns.List() + `
FROM members m
WHERE m.factory_id = ANY(:ids)
ORDER BY m.factory_id, m.joined_on, m.id`

// ByFactories returns the operators of the given factories, each factory's
// in order of joining.
func (s *Store) ByFactories(ctx context.Context, factoryIDs []int64) ([]*Member, error) {
	return columns.All(ctx, s.db, byFactories, map[string]any{"ids": pq.Array(factoryIDs)})
}

// Investigator is a member assigned to check a complaint.
type Investigator struct {
	ComplaintID int64 `db:"complaint_id"`
	Member
}

var byComplaints = `SELECT ci.complaint_id, ` + columns.List() + `
FROM complaint_investigators ci
JOIN members m ON m.id = ci.member_id
WHERE ci.complaint_id = ANY(:ids)
ORDER BY ci.complaint_id, m.joined_on, m.id`

// Investigators returns the investigators of the given complaints, each
// complaint's in order of joining.
func (s *Store) Investigators(ctx context.Context, complaintIDs []int64) ([]*Investigator, error) {
	var is []*Investigator
	err := postgres.Select(ctx, s.db, &is, byComplaints, map[string]any{"ids": pq.Array(complaintIDs)})
	return is, err
}

var source = page.Source[Member]{
	Columns: columns,
	From:    "members m",
	ID:      "m.id",
	Scopes: map[string]page.Scope{
		ScopeAll:      {Where: "TRUE"},
		ScopeProvince: {Where: "m.province_code = p.key"},
		ScopeOffice:   {Where: "m.office_code = p.key"},
		ScopeSeminar: {
			Join:  "JOIN attendances a ON a.member_id = m.id",
			Where: "a.seminar_id = CAST(p.key AS bigint)",
		},
	},
}

type params struct {
	page.Params
	Sector       string    `db:"sector"`
	ProvinceCode string    `db:"province_code"`
	OfficeCode   string    `db:"office_code"`
	JoinedFrom   time.Time `db:"joined_from"`
	JoinedTo     time.Time `db:"joined_to"`
	Search       *string   `db:"search"`
}

// where answers the conditions of filter f and their parameters.
func where(p page.Params, f Filter) (page.Conds, params) {
	var c page.Conds
	c.Add(f.Sector != "", "m.sector = :sector")
	c.Add(f.ProvinceCode != "", "m.province_code = :province_code")
	c.Add(f.OfficeCode != "", "m.office_code = :office_code")
	c.Add(!f.JoinedFrom.IsZero(), "m.joined_on >= :joined_from")
	c.Add(!f.JoinedTo.IsZero(), "m.joined_on <= :joined_to")
	c.Add(f.Search != "", "m.full_name ILIKE :search")
	return c, params{
		Params:       p,
		Sector:       string(f.Sector),
		ProvinceCode: f.ProvinceCode,
		OfficeCode:   f.OfficeCode,
		JoinedFrom:   f.JoinedFrom,
		JoinedTo:     f.JoinedTo,
		Search:       search.Contains(f.Search),
	}
}

// List reads window w of the list q for each parent of kind scope, and
// answers each parent's rows (one more than the window when more follow).
func (s *Store) List(ctx context.Context, scope string, parents []string, q Query, omit postgres.Omit, w page.Window) (map[string][]*Member, error) {
	ctx = page.Planned(ctx, q.Filter.Search)
	c, ps := where(page.NewParams(parents, w), q.Filter)
	return page.List(ctx, s.db, source, scope, omit, q.Order.SortKey(), q.Order.Direction, w, c, ps)
}

// Count counts the members matching f for each parent of kind scope.
func (s *Store) Count(ctx context.Context, scope string, parents []string, f Filter) (map[string]int, error) {
	ctx = page.Planned(ctx, f.Search)
	c, ps := where(page.Params{Parents: parents}, f)
	return source.Count(ctx, s.db, scope, c, ps)
}
