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

// columns are a complaint's select list. Always read: the id; filed_at, the
// sort key; handled_by, which the access policy decides by. The others only
// when a field that shows them is selected (postgres.Column.For).
var columns = postgres.Columns[Complaint]{
	{Expr: "c.id", Field: func(c *Complaint) any { return &c.ID }},
	{Expr: "c.reference_no", Field: func(c *Complaint) any { return &c.ReferenceNo }, For: []string{"referenceNo"}},
	{Expr: "c.category", Field: func(c *Complaint) any { return &c.Category }, For: []string{"category"}},
	{Expr: "c.status", Field: func(c *Complaint) any { return &c.Status }, For: []string{"status"}},
	{Expr: "c.description", Field: func(c *Complaint) any { return &c.Description }, For: []string{"description"}},
	{Expr: "c.filed_at", Field: func(c *Complaint) any { return &c.FiledAt }},
	{Expr: "c.resolved_at", Field: func(c *Complaint) any { return &c.ResolvedAt }, For: []string{"resolvedAt"}},
	{Expr: "c.province_code", Field: func(c *Complaint) any { return &c.ProvinceCode }, For: []string{"province"}},
	{Expr: "c.factory_id", Field: func(c *Complaint) any { return &c.FactoryID }, For: []string{"factory"}},
	{Expr: "c.handled_by", Field: func(c *Complaint) any { return &c.HandledBy }},
	{Expr: "c.filed_by", Field: func(c *Complaint) any { return &c.FiledBy }, For: []string{"filedBy"}},
	{Expr: "c.occurred_at", Field: func(c *Complaint) any { return &c.OccurredAt }, For: []string{"occurredAt"}},
	{Expr: "c.version", Field: func(c *Complaint) any { return &c.Version }, For: []string{"version"}},
}

// Omitting are the columns of a complaint that none of fields, the GraphQL fields
// selected on a page's rows, reads.
func Omitting(fields []string) postgres.Omit { return columns.Omitting(fields) }

var byIDs = `SELECT ` + columns.List() + `
FROM complaints c
WHERE c.id = ANY(:ids)`

// ByIDs returns the complaints with the given ids, in no particular order.
func (s *Store) ByIDs(ctx context.Context, ids []int64) ([]*Complaint, error) {
	return columns.All(ctx, s.db, byIDs, map[string]any{"ids": pq.Array(ids)})
}

var byReferenceNo = `SELECT ` + columns.List() + `
FROM complaints c
WHERE c.reference_no = :reference_no`

// ByReferenceNo returns the complaint with the reference number, or nil
// when there is none.
func (s *Store) ByReferenceNo(ctx context.Context, no string) (*Complaint, error) {
	cs, err := columns.All(ctx, s.db, byReferenceNo, map[string]any{"reference_no": no})
	if err != nil {
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

var source = page.Source[Complaint]{
	Columns: columns,
	From:    "complaints c",
	ID:      "c.id",
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
	ProvinceCode string         `db:"province_code"`
	Region       string         `db:"region"`
	Category     string         `db:"category"`
	Statuses     pq.StringArray `db:"statuses"`
	FiledFrom    time.Time      `db:"filed_from"`
	FiledTo      time.Time      `db:"filed_to"`
	FiscalYear   int            `db:"fiscal_year"`
	Search       *string        `db:"search"`
	FactoryRegNo string         `db:"factory_registration_no"`
	Zone         int            `db:"inspection_zone"`
	HandledBy    string         `db:"handled_by"`
}

// where answers the conditions of filter f and their parameters.
func where(p page.Params, f Filter) (page.Conds, params) {
	var c page.Conds
	c.Add(f.ProvinceCode != "", "c.province_code = :province_code")
	c.Add(f.Region != "", "c.province_code IN (SELECT r.code FROM provinces r WHERE r.region = :region)")
	c.Add(f.Category != "", "c.category = :category")
	c.Add(f.Statuses.Given(), "c.status = ANY(:statuses)")
	c.Add(!f.FiledFrom.IsZero(), "c.filed_at >= :filed_from")
	c.Add(!f.FiledTo.IsZero(), "c.filed_at < :filed_to")
	c.Add(f.FiscalYear != 0, "c.fiscal_year = :fiscal_year")
	c.Add(f.Search != "", "c.description ILIKE :search OR c.reference_no ILIKE :search")
	c.Add(f.FactoryRegistrationNo != "",
		"c.factory_id = (SELECT x.id FROM factories x WHERE x.registration_no = :factory_registration_no)")
	c.Add(f.InspectionZone != 0, "c.province_code IN (SELECT z.code FROM provinces z WHERE z.inspection_zone = :inspection_zone)")
	c.Add(f.HandledBy != "", "c.handled_by = :handled_by")
	return c, params{
		Params:       p,
		ProvinceCode: f.ProvinceCode,
		Region:       f.Region,
		Category:     string(f.Category),
		Statuses:     f.Statuses.Strings(),
		FiledFrom:    f.FiledFrom,
		FiledTo:      f.FiledTo,
		FiscalYear:   f.FiscalYear,
		Search:       search.Contains(f.Search),
		FactoryRegNo: f.FactoryRegistrationNo,
		Zone:         f.InspectionZone,
		HandledBy:    f.HandledBy,
	}
}

// List reads window w of the list q for each parent of kind scope, and
// answers each parent's rows (one more than the window when more follow).
func (s *Store) List(ctx context.Context, scope string, parents []string, q Query, omit postgres.Omit, w page.Window) (map[string][]*Complaint, error) {
	ctx = page.Planned(ctx, q.Filter.Search)
	c, ps := where(page.NewParams(parents, w), q.Filter)
	return page.List(ctx, s.db, source, scope, omit, q.Order.SortKey(), q.Order.Direction, w, c, ps)
}

// Count counts the complaints matching f for each parent of kind scope.
func (s *Store) Count(ctx context.Context, scope string, parents []string, f Filter) (map[string]int, error) {
	ctx = page.Planned(ctx, f.Search)
	c, ps := where(page.Params{Parents: parents}, f)
	return source.Count(ctx, s.db, scope, c, ps)
}
