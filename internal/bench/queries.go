package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/factory"
	"eilnet/internal/gid"
	"eilnet/internal/page"
	"eilnet/internal/refdata"
)

// rawFunc fetches a query's data with hand-written SQL on one connection
// and answers how many statements it ran.
type rawFunc func(ctx context.Context, c *sqlx.Conn) (int, error)

// benchQuery is a query with its variables and its raw-SQL counterpart.
type benchQuery struct {
	name  string
	query string
	vars  map[string]any
	raw   rawFunc
	// n1 measures the N+1 baseline too: for queries that follow relations.
	n1 bool
}

func contract(name string) string {
	b, err := os.ReadFile(filepath.Join("graph", "testdata", "contract", "queries", name+".graphql"))
	if err != nil {
		panic(err)
	}
	return string(b)
}

func benchQueries(ctx context.Context, db *sqlx.DB) ([]benchQuery, error) {
	var reg string
	if err := db.GetContext(ctx, &reg, `SELECT registration_no FROM factories WHERE province_code = '40' ORDER BY id LIMIT 1`); err != nil {
		return nil, err
	}
	var ids struct {
		Member    int64 `db:"member"`
		Factory   int64 `db:"factory"`
		Complaint int64 `db:"complaint"`
		Seminar   int64 `db:"seminar"`
		Award     int64 `db:"award"`
	}
	if err := db.GetContext(ctx, &ids, `SELECT (SELECT min(id) FROM members WHERE province_code = '40') AS member,
		(SELECT min(id) FROM factories WHERE province_code = '40') AS factory,
		(SELECT min(id) FROM complaints WHERE province_code = '40') AS complaint,
		(SELECT min(id) FROM seminars WHERE province_code = '40') AS seminar,
		(SELECT min(id) FROM awards) AS award`); err != nil {
		return nil, err
	}
	nodeIDs := []string{gid.Encode(gid.Province, "40"), gid.Encode(gid.Office, "PIO-40"),
		gid.EncodeInt(gid.Member, ids.Member), gid.EncodeInt(gid.Factory, ids.Factory),
		gid.EncodeInt(gid.Complaint, ids.Complaint), gid.EncodeInt(gid.Seminar, ids.Seminar), gid.EncodeInt(gid.Award, ids.Award)}

	return []benchQuery{
		{"dashboard_overview", contract("dashboard_overview"), nil, rawDashboard, true},
		{"analyst_member_graph", contract("analyst_member_graph"), map[string]any{"province": "40"}, rawAnalyst, true},
		{"complaint_paging", contract("complaint_paging"), map[string]any{"first": 100}, rawPaging, true},
		{"seminar_history", contract("seminar_history"), map[string]any{"fy": 2567}, rawSeminars, true},
		{"partner_factory_lookup", contract("partner_factory_lookup"), map[string]any{"reg": reg}, rawPartner(reg), true},
		{"node_refetch", contract("node_refetch"), map[string]any{"ids": nodeIDs}, rawNodes(ids.Member, ids.Factory, ids.Complaint, ids.Seminar, ids.Award), true},
	}, nil
}

// The raw-SQL minimum of each contract query: the fewest natural
// statements, joined where the data allow, scanned into plain structs.

func rawDashboard(ctx context.Context, c *sqlx.Conn) (int, error) {
	var provinces []struct {
		Code       string `db:"code"`
		NameTh     string `db:"name_th"`
		Region     string `db:"region"`
		OfficeCode string `db:"office_code"`
		OfficeName string `db:"office_name"`
	}
	if err := c.SelectContext(ctx, &provinces, `SELECT p.code, p.name_th, p.region, o.code AS office_code, o.name_th AS office_name
		FROM provinces p JOIN offices o ON o.province_code = p.code ORDER BY p.code`); err != nil {
		return 0, err
	}
	var factories []struct {
		Province       string `db:"province"`
		Total          int    `db:"total"`
		ID             int64  `db:"id"`
		RegistrationNo string `db:"registration_no"`
		Name           string `db:"name"`
		Category       int    `db:"category"`
	}
	if err := c.SelectContext(ctx, &factories, `SELECT p.code AS province, n.total, f.id, f.registration_no, f.name, f.category
		FROM provinces p
		CROSS JOIN LATERAL (SELECT count(*) AS total FROM factories x WHERE x.province_code = p.code) n
		CROSS JOIN LATERAL (SELECT f.id, f.registration_no, f.name, f.category FROM factories f WHERE f.province_code = p.code
			ORDER BY coalesce(f.workers, -1) DESC, f.id DESC LIMIT 5) f`); err != nil {
		return 0, err
	}
	ids := make([]int64, len(factories))
	for i, f := range factories {
		ids[i] = f.ID
	}
	var complaints []struct {
		Factory     int64      `db:"factory"`
		Total       int        `db:"total"`
		ReferenceNo *string    `db:"reference_no"`
		Category    *string    `db:"category"`
		Status      *string    `db:"status"`
		FiledAt     *time.Time `db:"filed_at"`
	}
	err := c.SelectContext(ctx, &complaints, `SELECT x.id AS factory, n.total, cp.reference_no, cp.category, cp.status, cp.filed_at
		FROM unnest($1::bigint[]) AS x(id)
		CROSS JOIN LATERAL (SELECT count(*) AS total FROM complaints WHERE factory_id = x.id) n
		LEFT JOIN LATERAL (SELECT reference_no, category, status, filed_at FROM complaints WHERE factory_id = x.id
			ORDER BY filed_at DESC, id DESC LIMIT 3) cp ON true`, pq.Array(ids))
	return 3, err
}

func rawAnalyst(ctx context.Context, c *sqlx.Conn) (int, error) {
	var members []struct {
		ID         int64     `db:"id"`
		FullName   string    `db:"full_name"`
		Sector     string    `db:"sector"`
		JoinedOn   time.Time `db:"joined_on"`
		OfficeCode string    `db:"office_code"`
		FactoryID  *int64    `db:"factory_id"`
		Total      int       `db:"total"`
	}
	if err := c.SelectContext(ctx, &members, `SELECT id, full_name, sector, joined_on, office_code, factory_id, count(*) OVER () AS total
		FROM members WHERE sector = 'PRIVATE' AND province_code = '40' ORDER BY joined_on, id LIMIT 21`); err != nil {
		return 0, err
	}
	var memberIDs, factoryIDs []int64
	for _, m := range members {
		memberIDs = append(memberIDs, m.ID)
		if m.FactoryID != nil {
			factoryIDs = append(factoryIDs, *m.FactoryID)
		}
	}
	var factories []struct {
		ID             int64   `db:"id"`
		RegistrationNo string  `db:"registration_no"`
		Name           string  `db:"name"`
		Total          int     `db:"total"`
		ReferenceNo    *string `db:"reference_no"`
		Status         *string `db:"status"`
	}
	if err := c.SelectContext(ctx, &factories, `SELECT f.id, f.registration_no, f.name, n.total, cp.reference_no, cp.status
		FROM factories f
		CROSS JOIN LATERAL (SELECT count(*) AS total FROM complaints WHERE factory_id = f.id) n
		LEFT JOIN LATERAL (SELECT reference_no, status FROM complaints WHERE factory_id = f.id ORDER BY filed_at DESC, id DESC LIMIT 2) cp ON true
		WHERE f.id = ANY($1)`, pq.Array(factoryIDs)); err != nil {
		return 0, err
	}
	var seminars []struct {
		Member   int64     `db:"member"`
		ID       int64     `db:"id"`
		Title    string    `db:"title"`
		StartsOn time.Time `db:"starts_on"`
	}
	if err := c.SelectContext(ctx, &seminars, `SELECT m.id AS member, s.id, s.title, s.starts_on
		FROM unnest($1::bigint[]) AS m(id)
		CROSS JOIN LATERAL (SELECT s.id, s.title, s.starts_on FROM attendances a JOIN seminars s ON s.id = a.seminar_id
			WHERE a.member_id = m.id ORDER BY s.starts_on DESC, s.id DESC LIMIT 3) s`, pq.Array(memberIDs)); err != nil {
		return 0, err
	}
	var seminarIDs []int64
	for _, s := range seminars {
		seminarIDs = append(seminarIDs, s.ID)
	}
	var attendees []struct {
		Seminar  int64   `db:"seminar"`
		Total    int     `db:"total"`
		FullName *string `db:"full_name"`
		Sector   *string `db:"sector"`
	}
	if err := c.SelectContext(ctx, &attendees, `SELECT x.id AS seminar, n.total, m.full_name, m.sector
		FROM unnest($1::bigint[]) AS x(id)
		CROSS JOIN LATERAL (SELECT count(*) AS total FROM attendances WHERE seminar_id = x.id) n
		LEFT JOIN LATERAL (SELECT m.full_name, m.sector FROM attendances a JOIN members m ON m.id = a.member_id
			WHERE a.seminar_id = x.id ORDER BY m.joined_on, m.id LIMIT 3) m ON true`, pq.Array(seminarIDs)); err != nil {
		return 0, err
	}
	var awards []struct {
		Member     int64  `db:"member_id"`
		Level      string `db:"level"`
		FiscalYear int    `db:"fiscal_year"`
	}
	err := c.SelectContext(ctx, &awards, `SELECT member_id, level, fiscal_year FROM awards WHERE member_id = ANY($1)
		ORDER BY member_id, fiscal_year, id`, pq.Array(memberIDs))
	return 5, err
}

func rawPaging(ctx context.Context, c *sqlx.Conn) (int, error) {
	var complaints []struct {
		ID             int64     `db:"id"`
		ReferenceNo    string    `db:"reference_no"`
		Status         string    `db:"status"`
		FiledAt        time.Time `db:"filed_at"`
		Province       string    `db:"province_code"`
		RegistrationNo *string   `db:"registration_no"`
		HandledBy      string    `db:"handled_by"`
	}
	if err := c.SelectContext(ctx, &complaints, `SELECT c.id, c.reference_no, c.status, c.filed_at, c.province_code,
			f.registration_no, c.handled_by
		FROM complaints c LEFT JOIN factories f ON f.id = c.factory_id
		WHERE c.status IN ('RECEIVED', 'INVESTIGATING') ORDER BY c.filed_at DESC, c.id DESC LIMIT 101`); err != nil {
		return 0, err
	}
	var total int
	if err := c.GetContext(ctx, &total, `SELECT count(*) FROM complaints WHERE status IN ('RECEIVED', 'INVESTIGATING')`); err != nil {
		return 0, err
	}
	ids := make([]int64, len(complaints))
	for i, c := range complaints {
		ids[i] = c.ID
	}
	var events []struct {
		Complaint int64     `db:"complaint_id"`
		At        time.Time `db:"at"`
		Status    string    `db:"status"`
		Note      *string   `db:"note"`
	}
	err := c.SelectContext(ctx, &events, `SELECT complaint_id, at, status, note FROM complaint_events
		WHERE complaint_id = ANY($1) ORDER BY complaint_id, at, id`, pq.Array(ids))
	return 3, err
}

func rawSeminars(ctx context.Context, c *sqlx.Conn) (int, error) {
	var seminars []struct {
		ID         int64          `db:"id"`
		Title      string         `db:"title"`
		Kind       string         `db:"kind"`
		Mode       string         `db:"mode"`
		StartsOn   time.Time      `db:"starts_on"`
		EndsOn     time.Time      `db:"ends_on"`
		FiscalYear int            `db:"fiscal_year"`
		Topics     pq.StringArray `db:"topics"`
		Office     string         `db:"office_code"`
		OfficeName string         `db:"office_name"`
		Province   *string        `db:"province_code"`
		Total      int            `db:"total"`
	}
	if err := c.SelectContext(ctx, &seminars, `SELECT s.id, s.title, s.kind, s.mode, s.starts_on, s.ends_on, s.fiscal_year, s.topics,
			o.code AS office_code, o.name_th AS office_name, s.province_code, count(*) OVER () AS total
		FROM seminars s JOIN offices o ON o.code = s.organizer_code
		WHERE s.fiscal_year = 2567 ORDER BY s.starts_on, s.id LIMIT 51`); err != nil {
		return 0, err
	}
	ids := make([]int64, len(seminars))
	for i, s := range seminars {
		ids[i] = s.ID
	}
	var counts []struct {
		Seminar int64 `db:"seminar_id"`
		N       int   `db:"n"`
	}
	if err := c.SelectContext(ctx, &counts, `SELECT seminar_id, count(*) AS n FROM attendances WHERE seminar_id = ANY($1)
		GROUP BY seminar_id`, pq.Array(ids)); err != nil {
		return 0, err
	}
	var awards []struct {
		Seminar  int64  `db:"seminar_id"`
		Level    string `db:"level"`
		FullName string `db:"full_name"`
		Province string `db:"name_th"`
	}
	err := c.SelectContext(ctx, &awards, `SELECT a.seminar_id, a.level, m.full_name, p.name_th
		FROM awards a JOIN members m ON m.id = a.member_id JOIN provinces p ON p.code = m.province_code
		WHERE a.seminar_id = ANY($1) ORDER BY a.seminar_id, a.id`, pq.Array(ids))
	return 3, err
}

func rawPartner(reg string) rawFunc {
	return func(ctx context.Context, c *sqlx.Conn) (int, error) {
		var f struct {
			RegistrationNo string `db:"registration_no"`
			Name           string `db:"name"`
			Category       int    `db:"category"`
			TypeCode       int    `db:"type_code"`
			Status         string `db:"status"`
			Code           string `db:"code"`
			NameEn         string `db:"name_en"`
		}
		err := c.GetContext(ctx, &f, `SELECT f.registration_no, f.name, f.category, f.type_code, f.status, p.code, p.name_en
			FROM factories f JOIN provinces p ON p.code = f.province_code WHERE f.registration_no = $1`, reg)
		return 1, err
	}
}

func rawNodes(member, factoryID, complaint, seminar, award int64) rawFunc {
	return func(ctx context.Context, c *sqlx.Conn) (int, error) {
		var s []string
		queries := []struct {
			q   string
			arg any
		}{
			{`SELECT code || name_en FROM provinces WHERE code = $1`, "40"},
			{`SELECT code || kind FROM offices WHERE code = $1`, "PIO-40"},
			{`SELECT full_name FROM members WHERE id = $1`, member},
			{`SELECT registration_no FROM factories WHERE id = $1`, factoryID},
			{`SELECT reference_no || status FROM complaints WHERE id = $1`, complaint},
			{`SELECT title FROM seminars WHERE id = $1`, seminar},
			{`SELECT level FROM awards WHERE id = $1`, award},
		}
		for _, q := range queries {
			s = s[:0]
			if err := c.SelectContext(ctx, &s, q.q, q.arg); err != nil {
				return 0, err
			}
		}
		return len(queries), nil
	}
}

// compareChildPages times the two ways of reading the first N children of
// many parents in one statement: a LATERAL subquery per parent (what
// eilnet ships, through factory.Store) and a window function over all the
// parents' children.
func compareChildPages(ctx context.Context, rep *report, db *sqlx.DB, catalog *refdata.Catalog, scale int) error {
	var provinces []string
	if err := db.SelectContext(ctx, &provinces, `SELECT code FROM provinces ORDER BY code`); err != nil {
		return err
	}
	store := factory.NewStore(db, catalog)
	q := factory.Query{Order: factory.Order{Field: factory.ByWorkers, Direction: page.Desc}}
	lateral := func() error {
		_, err := store.List(ctx, factory.ScopeProvince, provinces, q, 0, page.Window{First: 5})
		return err
	}
	window := func() error {
		var rows []struct {
			Parent string `db:"parent"`
			factory.Factory
		}
		return db.SelectContext(ctx, &rows, `SELECT t.parent, t.id, t.registration_no, t.name, t.type_code, t.category, t.status,
				t.province_code, t.district, t.latitude, t.longitude, t.workers, t.registered_on, t.governance_certified
			FROM (SELECT f.province_code AS parent, f.id, f.registration_no, f.name, f.type_code, f.category, f.status,
					f.province_code, (SELECT d.name_th FROM districts d WHERE d.code = f.district_code) AS district,
					f.latitude, f.longitude, f.workers, f.registered_on, f.governance_certified,
					row_number() OVER (PARTITION BY f.province_code ORDER BY coalesce(f.workers, -1) DESC, f.id DESC) AS n
				FROM factories f WHERE f.province_code = ANY($1)) AS t
			WHERE t.n <= 6`, pq.Array(provinces))
	}
	var complaintParents []int64
	if err := db.SelectContext(ctx, &complaintParents, `SELECT id FROM factories ORDER BY coalesce(workers, -1) DESC, id DESC LIMIT 385`); err != nil {
		return err
	}
	lateralComplaints := func() error {
		var rows []struct {
			Parent int64  `db:"parent"`
			Ref    string `db:"reference_no"`
		}
		return db.SelectContext(ctx, &rows, `SELECT p.key AS parent, t.reference_no FROM unnest($1::bigint[]) AS p(key)
			CROSS JOIN LATERAL (SELECT c.reference_no FROM complaints c WHERE c.factory_id = p.key
				ORDER BY c.filed_at DESC, c.id DESC LIMIT 4) AS t`, pq.Array(complaintParents))
	}
	windowComplaints := func() error {
		var rows []struct {
			Parent int64  `db:"parent"`
			Ref    string `db:"reference_no"`
		}
		return db.SelectContext(ctx, &rows, `SELECT t.parent, t.reference_no FROM (SELECT c.factory_id AS parent, c.reference_no,
				row_number() OVER (PARTITION BY c.factory_id ORDER BY c.filed_at DESC, c.id DESC) AS n
			FROM complaints c WHERE c.factory_id = ANY($1)) AS t WHERE t.n <= 4`, pq.Array(complaintParents))
	}
	median := func(f func() error) (float64, error) {
		var ms []float64
		for range 30 {
			t := time.Now()
			if err := f(); err != nil {
				return 0, err
			}
			ms = append(ms, float64(time.Since(t).Microseconds())/1000)
		}
		slices.Sort(ms)
		return ms[len(ms)/2], nil
	}
	var lines []string
	for _, c := range []struct {
		what            string
		lateral, window func() error
	}{
		{"first 5 factories by workers of each of the 77 provinces", lateral, window},
		{"first 3 complaints by filing time of each of 385 factories", lateralComplaints, windowComplaints},
	} {
		l, err := median(c.lateral)
		if err != nil {
			return err
		}
		w, err := median(c.window)
		if err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("- %s: LATERAL %.2f ms, window function %.2f ms (median of 30)", c.what, l, w))
	}
	rep.add(fmt.Sprintf("First N children of many parents in one statement (scale %d)", scale), lines...)
	return nil
}
