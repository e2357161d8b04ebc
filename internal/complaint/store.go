package complaint

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/page"
	"eilnet/internal/postgres"
	"eilnet/internal/search"
)

// Store reads complaints from PostgreSQL.
type Store struct {
	db sqlx.ExtContext
}

// NewStore returns a Store reading through db.
func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const columns = `c.id, c.reference_no, c.category, c.status, c.description, c.filed_at, c.resolved_at,
       c.province_code, c.factory_id, c.handled_by, c.filed_by, c.occurred_at, c.version`

const byIDs = `SELECT ` + columns + `
FROM complaints c
WHERE c.id = ANY(:ids)`

// ByIDs returns the complaints with the given ids, in no particular order.
func (s *Store) ByIDs(ctx context.Context, ids []int64) ([]*Complaint, error) {
	var cs []*Complaint
	err := postgres.Select(ctx, s.db, &cs, byIDs, map[string]any{"ids": pq.Array(ids)})
	return cs, err
}

const byReferenceNo = `SELECT ` + columns + `
FROM complaints c
WHERE c.reference_no = :reference_no`

// ByReferenceNo returns the complaint with the reference number, or nil
// when there is none.
func (s *Store) ByReferenceNo(ctx context.Context, no string) (*Complaint, error) {
	var cs []*Complaint
	if err := postgres.Select(ctx, s.db, &cs, byReferenceNo, map[string]any{"reference_no": no}); err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, nil
	}
	return cs[0], nil
}

const timelines = `SELECT e.complaint_id, e.at, e.status, e.note
FROM complaint_events e
WHERE e.complaint_id = ANY(:ids)
ORDER BY e.complaint_id, e.at, e.id`

// Timelines returns the events of the given complaints, each complaint's
// oldest first.
func (s *Store) Timelines(ctx context.Context, complaintIDs []int64) ([]*Event, error) {
	var es []*Event
	err := postgres.Select(ctx, s.db, &es, timelines, map[string]any{"ids": pq.Array(complaintIDs)})
	return es, err
}

var source = page.Source{
	Columns: columns,
	From:    "complaints c",
	ID:      "c.id",
	Filter: `(CAST(:province_code AS text) IS NULL OR c.province_code = :province_code)
      AND (CAST(:region AS text) IS NULL
           OR c.province_code IN (SELECT r.code FROM provinces r WHERE r.region = :region))
      AND (CAST(:category AS text) IS NULL OR c.category = :category)
      AND (CAST(:statuses AS text[]) IS NULL OR c.status = ANY(:statuses))
      AND (CAST(:filed_from AS timestamptz) IS NULL OR c.filed_at >= :filed_from)
      AND (CAST(:filed_to AS timestamptz) IS NULL OR c.filed_at < :filed_to)
      AND (CAST(:fiscal_year AS smallint) IS NULL OR c.fiscal_year = :fiscal_year)
      AND (CAST(:search AS text) IS NULL OR c.description ILIKE :search OR c.reference_no ILIKE :search)
      AND (CAST(:factory_registration_no AS text) IS NULL
           OR c.factory_id = (SELECT x.id FROM factories x WHERE x.registration_no = :factory_registration_no))
      AND (CAST(:inspection_zone AS smallint) IS NULL
           OR c.province_code IN (SELECT z.code FROM provinces z WHERE z.inspection_zone = :inspection_zone))
      AND (CAST(:handled_by AS text) IS NULL OR c.handled_by = :handled_by)`,
	Scopes: map[string]page.Scope{
		ScopeAll:      {Where: "TRUE"},
		ScopeProvince: {Where: "c.province_code = p.key"},
		ScopeOffice:   {Where: "c.handled_by = p.key"},
		ScopeFactory:  {Where: "c.factory_id = CAST(p.key AS bigint)"},
		ScopeFiledBy:  {Where: "c.filed_by = CAST(p.key AS bigint)"},
	},
}

type params struct {
	page.Params
	ProvinceCode *string        `db:"province_code"`
	Region       *string        `db:"region"`
	Category     *string        `db:"category"`
	Statuses     pq.StringArray `db:"statuses"`
	FiledFrom    *time.Time     `db:"filed_from"`
	FiledTo      *time.Time     `db:"filed_to"`
	FiscalYear   *int           `db:"fiscal_year"`
	Search       *string        `db:"search"`
	FactoryRegNo *string        `db:"factory_registration_no"`
	Zone         *int           `db:"inspection_zone"`
	HandledBy    *string        `db:"handled_by"`
}

func newParams(p page.Params, f Filter) params {
	ps := params{
		Params:       p,
		ProvinceCode: postgres.NullString(f.ProvinceCode),
		Region:       postgres.NullString(f.Region),
		Category:     postgres.NullString(string(f.Category)),
		Statuses:     f.Statuses.Strings(),
		FiledFrom:    postgres.NullTime(f.FiledFrom),
		FiledTo:      postgres.NullTime(f.FiledTo),
		Search:       search.Contains(f.Search),
		FactoryRegNo: postgres.NullString(f.FactoryRegistrationNo),
		HandledBy:    postgres.NullString(f.HandledBy),
	}
	if f.FiscalYear != 0 {
		ps.FiscalYear = &f.FiscalYear
	}
	if f.InspectionZone != 0 {
		ps.Zone = &f.InspectionZone
	}
	return ps
}

type listRow struct {
	Parent string `db:"parent"`
	Complaint
}

// List reads window w of the list q for each parent of kind scope, and
// answers each parent's rows (one more than the window when more follow).
func (s *Store) List(ctx context.Context, scope string, parents []string, q Query, w page.Window) (map[string][]*Complaint, error) {
	return page.List(ctx, s.db, source, scope, q.Order.SortKey(), q.Order.Direction,
		newParams(page.NewParams(parents, w), q.Filter),
		func(r *listRow) (string, *Complaint) { return r.Parent, &r.Complaint })
}

// Count counts the complaints matching f for each parent of kind scope.
func (s *Store) Count(ctx context.Context, scope string, parents []string, f Filter) (map[string]int, error) {
	return source.Count(ctx, s.db, scope, newParams(page.Params{Parents: parents}, f))
}
