package factory

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/page"
	"eilnet/internal/postgres"
	"eilnet/internal/search"
)

// Store reads factories from PostgreSQL.
type Store struct {
	db sqlx.ExtContext
	// A factory search matches the factories in the districts whose names
	// contain the text.
	districts search.Districts
}

// NewStore returns a Store reading through db.
func NewStore(db sqlx.ExtContext, districts search.Districts) *Store {
	return &Store{db: db, districts: districts}
}

// columns are a factory's select list. Always read: the id; name, workers
// and registered_on, the sort keys. The others only when a field that shows
// them is selected (postgres.Column.For).
var columns = postgres.Columns[Factory]{
	{Expr: "f.id", Field: func(f *Factory) any { return &f.ID }},
	{Expr: "f.registration_no", Field: func(f *Factory) any { return &f.RegistrationNo }, For: []string{"registrationNo"}},
	{Expr: "f.name", Field: func(f *Factory) any { return &f.Name }},
	{Expr: "f.type_code", Field: func(f *Factory) any { return &f.TypeCode }, For: []string{"typeCode"}},
	{Expr: "f.category", Field: func(f *Factory) any { return &f.Category }, For: []string{"category"}},
	{Expr: "f.status", Field: func(f *Factory) any { return &f.Status }, For: []string{"status"}},
	{Expr: "f.province_code", Field: func(f *Factory) any { return &f.ProvinceCode }, For: []string{"province"}},
	{Expr: `(SELECT d.name_th FROM districts d WHERE d.code = f.district_code) AS district`, Field: func(f *Factory) any { return &f.District }, For: []string{"district"}},
	{Expr: "f.latitude", Field: func(f *Factory) any { return &f.Latitude }, For: []string{"latitude"}},
	{Expr: "f.longitude", Field: func(f *Factory) any { return &f.Longitude }, For: []string{"longitude"}},
	{Expr: "f.workers", Field: func(f *Factory) any { return &f.Workers }},
	{Expr: "f.registered_on", Field: func(f *Factory) any { return &f.RegisteredOn }},
	{Expr: "f.governance_certified", Field: func(f *Factory) any { return &f.GovernanceCertified }, For: []string{"governanceCertified"}},
}

// Omitting are the columns of a factory that none of fields, the GraphQL fields
// selected on a page's rows, reads.
func Omitting(fields []string) postgres.Omit { return columns.Omitting(fields) }

var byIDs = `SELECT ` + columns.List() + `
FROM factories f
WHERE f.id = ANY(:ids)`

// ByIDs returns the factories with the given ids, in no particular order.
func (s *Store) ByIDs(ctx context.Context, ids []int64) ([]*Factory, error) {
	return columns.All(ctx, s.db, byIDs, map[string]any{"ids": pq.Array(ids)})
}

var byRegistrationNo = `SELECT ` + columns.List() + `
FROM factories f
WHERE f.registration_no = :registration_no`

// ByRegistrationNo returns the factory with the registration number, or
// nil when there is none.
func (s *Store) ByRegistrationNo(ctx context.Context, no string) (*Factory, error) {
	fs, err := columns.All(ctx, s.db, byRegistrationNo, map[string]any{"registration_no": no})
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, nil
	}
	return fs[0], nil
}

var source = page.Source[Factory]{
	Columns: columns,
	From:    "factories f",
	ID:      "f.id",
	Scopes: map[string]page.Scope{
		ScopeAll:      {Where: "TRUE"},
		ScopeProvince: {Where: "f.province_code = p.key"},
	},
}

type params struct {
	page.Params
	ProvinceCode string  `db:"province_code"`
	Region       string  `db:"region"`
	Category     int     `db:"category"`
	TypeCode     int     `db:"type_code"`
	Status       string  `db:"status"`
	Certified    bool    `db:"certified"`
	Search       *string `db:"search"`
	// Districts are the codes of the districts the search names.
	Districts pq.StringArray `db:"districts"`
	// The circle, and its bounding box, when the filter has one.
	Latitude  float64 `db:"latitude"`
	Longitude float64 `db:"longitude"`
	RadiusKm  float64 `db:"radius_km"`
	LatMin    float64 `db:"lat_min"`
	LonMin    float64 `db:"lon_min"`
	LatMax    float64 `db:"lat_max"`
	LonMax    float64 `db:"lon_max"`
}

// where answers the conditions of filter f and their parameters.
func (s *Store) where(p page.Params, f Filter) (page.Conds, params) {
	var c page.Conds
	c.Add(f.ProvinceCode != "", "f.province_code = :province_code")
	c.Add(f.Region != "", "f.province_code IN (SELECT r.code FROM provinces r WHERE r.region = :region)")
	c.Add(f.Category != 0, "f.category = :category")
	c.Add(f.TypeCode != 0, "f.type_code = :type_code")
	c.Add(f.Status != "", "f.status = :status")
	c.Add(f.GovernanceCertified != Any, "f.governance_certified = :certified")
	c.Add(f.Search != "", `f.name ILIKE :search OR f.registration_no ILIKE :search
           OR f.district_code = ANY(CAST(:districts AS text[]))`)
	c.Add(f.Within != (Circle{}), `f.latitude IS NOT NULL
           AND point(f.longitude, f.latitude) <@ box(point(:lon_min, :lat_min), point(:lon_max, :lat_max))
           AND great_circle_km(f.latitude, f.longitude, :latitude, :longitude) <= :radius_km`)
	ps := params{
		Params:       p,
		ProvinceCode: f.ProvinceCode,
		Region:       f.Region,
		Category:     f.Category,
		TypeCode:     f.TypeCode,
		Status:       string(f.Status),
		Certified:    f.GovernanceCertified == Yes,
		Search:       search.Contains(f.Search),
	}
	if f.Search != "" {
		ps.Districts = s.districts.DistrictsContaining(f.Search)
	}
	if f.Within != (Circle{}) {
		ps.Latitude, ps.Longitude, ps.RadiusKm = f.Within.Latitude, f.Within.Longitude, f.Within.RadiusKm
		ps.LatMin, ps.LonMin, ps.LatMax, ps.LonMax = f.Within.box()
	}
	return c, ps
}

// List reads window w of the list q for each parent of kind scope, and
// answers each parent's rows (one more than the window when more follow).
func (s *Store) List(ctx context.Context, scope string, parents []string, q Query, omit postgres.Omit, w page.Window) (map[string][]*Factory, error) {
	ctx = page.Planned(ctx, q.Filter.Search)
	c, ps := s.where(page.NewParams(parents, w), q.Filter)
	return page.List(ctx, s.db, source, scope, omit, q.Order.SortKey(), q.Order.Direction, w, c, ps)
}

// Count counts the factories matching f for each parent of kind scope.
func (s *Store) Count(ctx context.Context, scope string, parents []string, f Filter) (map[string]int, error) {
	ctx = page.Planned(ctx, f.Search)
	c, ps := s.where(page.Params{Parents: parents}, f)
	return source.Count(ctx, s.db, scope, c, ps)
}
