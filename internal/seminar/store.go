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

const columns = `s.id, s.title, s.kind, s.mode, s.starts_on, s.ends_on, s.fiscal_year, s.venue,
       s.organizer_code, s.province_code, s.topics`

const byIDs = `SELECT ` + columns + `
FROM seminars s
WHERE s.id = ANY(:ids)`

// ByIDs returns the seminars with the given ids, in no particular order.
func (s *Store) ByIDs(ctx context.Context, ids []int64) ([]*Seminar, error) {
	var ss []*Seminar
	err := postgres.Select(ctx, s.db, &ss, byIDs, map[string]any{"ids": pq.Array(ids)})
	return ss, err
}

var source = page.Source{
	Columns: columns,
	From:    "seminars s",
	ID:      "s.id",
	Filter: `(CAST(:kind AS text) IS NULL OR s.kind = :kind)
      AND (CAST(:mode AS text) IS NULL OR s.mode = :mode)
      AND (CAST(:fiscal_year AS smallint) IS NULL OR s.fiscal_year = :fiscal_year)
      AND (CAST(:province_code AS text) IS NULL OR s.province_code = :province_code)
      AND (CAST(:search AS text) IS NULL OR s.title ILIKE :search)
      AND (CAST(:organizer_code AS text) IS NULL OR s.organizer_code = :organizer_code)`,
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
	Kind         *string `db:"kind"`
	Mode         *string `db:"mode"`
	FiscalYear   *int    `db:"fiscal_year"`
	ProvinceCode *string `db:"province_code"`
	Search       *string `db:"search"`
	Organizer    *string `db:"organizer_code"`
}

func newParams(p page.Params, f Filter) params {
	ps := params{
		Params:       p,
		Kind:         postgres.NullString(string(f.Kind)),
		Mode:         postgres.NullString(string(f.Mode)),
		ProvinceCode: postgres.NullString(f.ProvinceCode),
		Search:       search.Contains(f.Search),
		Organizer:    postgres.NullString(f.OrganizerCode),
	}
	if f.FiscalYear != 0 {
		ps.FiscalYear = &f.FiscalYear
	}
	return ps
}

type listRow struct {
	Parent string `db:"parent"`
	Seminar
}

// List reads window w of the list q for each parent of kind scope, and
// answers each parent's rows (one more than the window when more follow).
func (s *Store) List(ctx context.Context, scope string, parents []string, q Query, w page.Window) (map[string][]*Seminar, error) {
	return page.List(ctx, s.db, source, scope, q.Order.SortKey(), q.Order.Direction,
		newParams(page.NewParams(parents, w), q.Filter),
		func(r *listRow) (string, *Seminar) { return r.Parent, &r.Seminar })
}

// Count counts the seminars matching f for each parent of kind scope.
func (s *Store) Count(ctx context.Context, scope string, parents []string, f Filter) (map[string]int, error) {
	return source.Count(ctx, s.db, scope, newParams(page.Params{Parents: parents}, f))
}
