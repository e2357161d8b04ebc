package seminar

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/page"
	"eilnet/internal/postgres"
	"eilnet/internal/search"
)

// Store reads seminars from PostgreSQL.
type Store struct {
	db sqlx.ExtContext
}

// NewStore returns a Store reading through db.
func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

// columns are a seminar's select list. Always read: the id; starts_on, the
// sort key. The others only when a field that shows them is selected
// (postgres.Column.For).
var columns = postgres.Columns[Seminar]{
	{Expr: "s.id", Field: func(s *Seminar) any { return &s.ID }},
	{Expr: "s.title", Field: func(s *Seminar) any { return &s.Title }, For: []string{"title"}},
	{Expr: "s.kind", Field: func(s *Seminar) any { return &s.Kind }, For: []string{"kind"}},
	{Expr: "s.mode", Field: func(s *Seminar) any { return &s.Mode }, For: []string{"mode"}},
	{Expr: "s.starts_on", Field: func(s *Seminar) any { return &s.StartsOn }},
	{Expr: "s.ends_on", Field: func(s *Seminar) any { return &s.EndsOn }, For: []string{"endsOn"}},
	{Expr: "s.fiscal_year", Field: func(s *Seminar) any { return &s.FiscalYear }, For: []string{"fiscalYear"}},
	{Expr: "s.venue", Field: func(s *Seminar) any { return &s.Venue }, For: []string{"venue"}},
	{Expr: "s.organizer_code", Field: func(s *Seminar) any { return &s.OrganizerCode }, For: []string{"organizer"}},
	{Expr: "s.province_code", Field: func(s *Seminar) any { return &s.ProvinceCode }, For: []string{"province"}},
	{Expr: "s.topics", Field: func(s *Seminar) any { return &s.TopicList }, For: []string{"topics"}},
}

// Omitting are the columns of a seminar that none of fields, the GraphQL fields
// selected on a page's rows, reads.
func Omitting(fields []string) postgres.Omit { return columns.Omitting(fields) }

var byIDs = `SELECT ` + columns.List() + `
FROM seminars s
WHERE s.id = ANY(:ids)`

// ByIDs returns the seminars with the given ids, in no particular order.
func (s *Store) ByIDs(ctx context.Context, ids []int64) ([]*Seminar, error) {
	return columns.All(ctx, s.db, byIDs, map[string]any{"ids": pq.Array(ids)})
}

var source = page.Source[Seminar]{
	Columns: columns,
	From:    "seminars s",
	ID:      "s.id",
	Scopes: map[string]page.Scope{
		ScopeAll:       {Where: "TRUE"},
		ScopeProvince:  {Where: "s.province_code = p.key"},
		ScopeOrganizer: {Where: "s.organizer_code = p.key"},
		ScopeAttendee: {
			Join:  "JOIN attendances a ON a.seminar_id = s.id",
			Where: "a.member_id = CAST(p.key AS bigint)",
		},
	},
}

type params struct {
	page.Params
	Kind         string  `db:"kind"`
	Mode         string  `db:"mode"`
	FiscalYear   int     `db:"fiscal_year"`
	ProvinceCode string  `db:"province_code"`
	Search       *string `db:"search"`
	Organizer    string  `db:"organizer_code"`
}

// where answers the conditions of filter f and their parameters.
func where(p page.Params, f Filter) (page.Conds, params) {
	var c page.Conds
	c.Add(f.Kind != "", "s.kind = :kind")
	c.Add(f.Mode != "", "s.mode = :mode")
	c.Add(f.FiscalYear != 0, "s.fiscal_year = :fiscal_year")
	c.Add(f.ProvinceCode != "", "s.province_code = :province_code")
	c.Add(f.Search != "", "s.title ILIKE :search")
	c.Add(f.OrganizerCode != "", "s.organizer_code = :organizer_code")
	return c, params{
		Params:       p,
		Kind:         string(f.Kind),
		Mode:         string(f.Mode),
		FiscalYear:   f.FiscalYear,
		ProvinceCode: f.ProvinceCode,
		Search:       search.Contains(f.Search),
		Organizer:    f.OrganizerCode,
	}
}

// List reads window w of the list q for each parent of kind scope, and
// answers each parent's rows (one more than the window when more follow).
func (s *Store) List(ctx context.Context, scope string, parents []string, q Query, omit postgres.Omit, w page.Window) (map[string][]*Seminar, error) {
	ctx = page.Planned(ctx, q.Filter.Search)
	c, ps := where(page.NewParams(parents, w), q.Filter)
	return page.List(ctx, s.db, source, scope, omit, q.Order.SortKey(), q.Order.Direction, w, c, ps)
}

// Count counts the seminars matching f for each parent of kind scope.
func (s *Store) Count(ctx context.Context, scope string, parents []string, f Filter) (map[string]int, error) {
	ctx = page.Planned(ctx, f.Search)
	c, ps := where(page.Params{Parents: parents}, f)
	return source.Count(ctx, s.db, scope, c, ps)
}
