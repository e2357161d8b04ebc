package main

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/complaint"
	"eilnet/internal/refdata"
	"eilnet/internal/search"
	"eilnet/internal/summary"
)

// The analyst and dashboard queries of the analytics contract. Their SQL is
// the work (a ranked search, an aggregate), so their raw baseline runs the
// statements eilnet runs, through the same stores, without HTTP and
// GraphQL: the gap is the cost of serving them as GraphQL.

const searchQuery = `query($t: String!) { search(text: $t, first: 20) { score node {
  __typename
  ... on Province { code nameTh }
  ... on Office { code nameTh }
  ... on Member { fullName sector }
  ... on Factory { registrationNo name district }
  ... on Complaint { referenceNo status filedAt }
  ... on Seminar { title startsOn } } } }`

const statsQuery = `query($dims: [ComplaintDimension!]!, $filter: ComplaintFilter) {
  complaintStats(groupBy: $dims, filter: $filter) {
    province { code nameTh } region category fiscalYear count resolvedCount medianDaysToResolve } }`

const summaryQuery = `query($fy: Int) { networkSummary(fiscalYear: $fy) {
  members membersBySector { sector count } factories governanceCertifiedFactories
  complaints openComplaints seminars seminarAttendances awards } }`

const withinQuery = `query { factories(first: 20, orderBy: {field: WORKERS, direction: DESC},
    filter: {within: {latitude: 16.43, longitude: 102.83, radiusKm: 20}}) {
  totalCount edges { node { registrationNo name workers latitude longitude province { nameTh } } } } }`

const filteredQuery = `query { complaints(first: 20,
    filter: {region: NORTHEAST, category: ODOR, status: [RECEIVED, INVESTIGATING], fiscalYear: 2567}) {
  totalCount edges { node { referenceNo status filedAt province { nameTh } factory { name } } } } }`

// connExt lets the stores read through one dedicated connection.
type connExt struct{ *sqlx.Conn }

func (connExt) DriverName() string { return "postgres" }

func (connExt) BindNamed(query string, arg any) (string, []any, error) {
	return sqlx.BindNamed(sqlx.DOLLAR, query, arg)
}

func analyticsQueries(ctx context.Context, db *sqlx.DB, catalog *refdata.Catalog) ([]benchQuery, error) {
	var reg string
	if err := db.GetContext(ctx, &reg, `SELECT registration_no FROM factories WHERE province_code = '40' ORDER BY id LIMIT 1`); err != nil {
		return nil, err
	}
	fy := map[string]any{"fiscalYear": 2567}
	return []benchQuery{
		{name: "search Thai part of a name", query: searchQuery, vars: map[string]any{"t": "ศิลา"}, raw: rawSearch(catalog, "ศิลา")},
		{name: "search district", query: searchQuery, vars: map[string]any{"t": "บางพลี"}, raw: rawSearch(catalog, "บางพลี")},
		{name: "search registration number", query: searchQuery, vars: map[string]any{"t": reg}, raw: rawSearch(catalog, reg)},
		{name: "complaintStats by province in FY 2567", query: statsQuery,
			vars: map[string]any{"dims": []string{"PROVINCE"}, "filter": fy},
			raw:  rawStats([]complaint.Dimension{complaint.DimProvince}, complaint.Filter{FiscalYear: 2567})},
		{name: "complaintStats by region and category", query: statsQuery,
			vars: map[string]any{"dims": []string{"REGION", "CATEGORY"}},
			raw:  rawStats([]complaint.Dimension{complaint.DimRegion, complaint.DimCategory}, complaint.Filter{})},
		{name: "networkSummary FY 2567", query: summaryQuery, vars: map[string]any{"fy": 2567}, raw: rawSummary(2567)},
		{name: "factories within 20 km", query: withinQuery, raw: rawWithin},
		{name: "complaints filtered", query: filteredQuery, raw: rawFiltered},
	}, nil
}

func rawSearch(catalog *refdata.Catalog, text string) rawFunc {
	return func(ctx context.Context, c *sqlx.Conn) (int, error) {
		hits, err := search.NewStore(connExt{c}, catalog).Search(ctx, text, 20, true)
		if err != nil {
			return 0, err
		}
		keys := map[string][]string{}
		for _, h := range hits {
			keys[h.Kind] = append(keys[h.Kind], h.Key)
		}
		// The hits' fields, one statement per kind found, as the loaders read them.
		statements := map[string]string{
			search.KindProvince:  `SELECT code, name_th FROM provinces WHERE code = ANY($1)`,
			search.KindOffice:    `SELECT code, name_th FROM offices WHERE code = ANY($1)`,
			search.KindMember:    `SELECT full_name, sector FROM members WHERE id = ANY(CAST($1 AS bigint[]))`,
			search.KindFactory:   `SELECT f.registration_no, f.name, d.name_th FROM factories f LEFT JOIN districts d ON d.code = f.district_code WHERE f.id = ANY(CAST($1 AS bigint[]))`,
			search.KindComplaint: `SELECT reference_no, status, CAST(filed_at AS text) FROM complaints WHERE id = ANY(CAST($1 AS bigint[]))`,
			search.KindSeminar:   `SELECT title, CAST(starts_on AS text) FROM seminars WHERE id = ANY(CAST($1 AS bigint[]))`,
		}
		n := 1
		for kind, ks := range keys {
			rows, err := c.QueryContext(ctx, statements[kind], pq.Array(ks))
			if err != nil {
				return 0, err
			}
			for rows.Next() {
			}
			if err := rows.Close(); err != nil {
				return 0, err
			}
			n++
		}
		return n, nil
	}
}

func rawStats(dims []complaint.Dimension, f complaint.Filter) rawFunc {
	return func(ctx context.Context, c *sqlx.Conn) (int, error) {
		buckets, err := complaint.NewStore(connExt{c}).Stats(ctx, dims, f)
		if err != nil || buckets[0].ProvinceCode == nil {
			return 1, err
		}
		codes := make([]string, len(buckets))
		for i, b := range buckets {
			codes[i] = *b.ProvinceCode
		}
		var names []string
		return 2, c.SelectContext(ctx, &names, `SELECT name_th FROM provinces WHERE code = ANY($1)`, pq.Array(codes))
	}
}

func rawSummary(fiscalYear int) rawFunc {
	return func(ctx context.Context, c *sqlx.Conn) (int, error) {
		_, err := summary.NewStore(connExt{c}).Network(ctx, fiscalYear)
		return 1, err
	}
}

func rawWithin(ctx context.Context, c *sqlx.Conn) (int, error) {
	// The bounding box of 20 km around (16.43, 102.83) first, through the
	// spatial index, then the exact distance.
	const lat, lon, km = 16.43, 102.83, 20.0
	dLat := km / 111.195
	dLon := dLat / 0.9592 // cos(16.43°)
	var rows []struct {
		RegistrationNo string  `db:"registration_no"`
		Name           string  `db:"name"`
		Workers        *int    `db:"workers"`
		Latitude       float64 `db:"latitude"`
		Longitude      float64 `db:"longitude"`
		Province       string  `db:"name_th"`
		Total          int     `db:"total"`
	}
	err := c.SelectContext(ctx, &rows, `SELECT f.registration_no, f.name, f.workers, f.latitude, f.longitude, p.name_th,
			count(*) OVER () AS total
		FROM factories f JOIN provinces p ON p.code = f.province_code
		WHERE f.latitude IS NOT NULL
		  AND point(f.longitude, f.latitude) <@ box(point($1, $2), point($3, $4))
		  AND great_circle_km(f.latitude, f.longitude, $5, $6) <= $7
		ORDER BY coalesce(f.workers, -1) DESC, f.id DESC LIMIT 21`,
		lon-dLon, lat-dLat, lon+dLon, lat+dLat, lat, lon, km)
	return 1, err
}

func rawFiltered(ctx context.Context, c *sqlx.Conn) (int, error) {
	var rows []struct {
		ReferenceNo string    `db:"reference_no"`
		Status      string    `db:"status"`
		FiledAt     time.Time `db:"filed_at"`
		Province    string    `db:"province"`
		Factory     *string   `db:"factory"`
	}
	const where = `c.province_code IN (SELECT code FROM provinces WHERE region = 'NORTHEAST')
		  AND c.category = 'ODOR' AND c.status IN ('RECEIVED', 'INVESTIGATING') AND c.fiscal_year = 2567`
	if err := c.SelectContext(ctx, &rows, `SELECT c.reference_no, c.status, c.filed_at, p.name_th AS province, f.name AS factory
		FROM complaints c JOIN provinces p ON p.code = c.province_code LEFT JOIN factories f ON f.id = c.factory_id
		WHERE `+where+` ORDER BY c.filed_at DESC, c.id DESC LIMIT 21`); err != nil {
		return 0, err
	}
	var total int
	return 2, c.GetContext(ctx, &total, `SELECT count(*) FROM complaints c WHERE `+where)
}

// ratioLabel names what a query's raw variant is.
func ratioLabel(q benchQuery) string {
	if q.n1 {
		return "the raw minimum"
	}
	return "its SQL alone"
}
