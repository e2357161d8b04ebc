package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/complaint"
	"eilnet/internal/factory"
	"eilnet/internal/member"
	"eilnet/internal/page"
	"eilnet/internal/refdata"
	"eilnet/internal/search"
	"eilnet/internal/seminar"
)

// explainer is a database handle for the stores that runs every query
// under EXPLAIN ANALYZE first and keeps the plan, so that the report shows
// the plans of the very statements eilnet runs, with their parameters.
type explainer struct {
	*sqlx.DB
	plans []plan
}

// plan is what one statement's plan read and how long it ran.
type plan struct {
	indexes  []string
	seqScans []string
	ms       float64
}

// smallTables are reference tables that a sequential scan reads faster
// than an index.
var smallTables = []string{"provinces", "offices", "districts", "factory_types", "regions"}

func (e *explainer) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	var out []byte
	if err := e.DB.QueryRowContext(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+query, args...).Scan(&out); err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	var doc []struct {
		Plan          node    `json:"Plan"`
		ExecutionTime float64 `json:"Execution Time"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, err
	}
	p := plan{ms: doc[0].ExecutionTime}
	doc[0].Plan.walk(&p)
	e.plans = append(e.plans, p)
	return e.DB.QueryxContext(ctx, query, args...)
}

type node struct {
	Type     string `json:"Node Type"`
	Relation string `json:"Relation Name"`
	Index    string `json:"Index Name"`
	Loops    int    `json:"Actual Loops"`
	Plans    []node `json:"Plans"`
}

func (n node) walk(p *plan) {
	// A node that never ran (a branch a one-time filter skipped) read nothing.
	if n.Loops == 0 {
		return
	}
	if n.Index != "" && !slices.Contains(p.indexes, n.Index) {
		p.indexes = append(p.indexes, n.Index)
	}
	if strings.Contains(n.Type, "Seq Scan") && !slices.Contains(smallTables, n.Relation) && !slices.Contains(p.seqScans, n.Relation) {
		p.seqScans = append(p.seqScans, n.Relation)
	}
	for _, c := range n.Plans {
		c.walk(p)
	}
}

// planCase is one filtered read, as a resolver makes it.
type planCase struct {
	name string
	run  func(ctx context.Context, e *explainer) error
}

func planCases(ctx context.Context, db *sqlx.DB, catalog *refdata.Catalog) ([]planCase, error) {
	var pick struct {
		RegNo    string `db:"reg"`
		RefNo    string `db:"ref"`
		Name     string `db:"name"`
		Surname  string `db:"surname"`
		FactoryR string `db:"factory_reg"`
	}
	if err := db.GetContext(ctx, &pick, `SELECT
		(SELECT registration_no FROM factories ORDER BY id LIMIT 1) AS reg,
		(SELECT reference_no FROM complaints ORDER BY id DESC LIMIT 1) AS ref,
		(SELECT full_name FROM members ORDER BY id LIMIT 1) AS name,
		(SELECT split_part(full_name, ' ', 2) FROM members ORDER BY id LIMIT 1) AS surname,
		(SELECT f.registration_no FROM factories f JOIN complaints c ON c.factory_id = f.id ORDER BY c.id LIMIT 1) AS factory_reg`); err != nil {
		return nil, err
	}
	w := page.Window{First: 20}
	fy2567 := time.Date(2023, time.October, 1, 0, 0, 0, 0, time.UTC)
	open := complaint.NewStatusSet([]complaint.Status{complaint.Received, complaint.Investigating})
	factories := func(scope, parent string, f factory.Filter, o factory.Order) func(context.Context, *explainer) error {
		return func(ctx context.Context, e *explainer) error {
			s := factory.NewStore(e, catalog)
			if _, err := s.List(ctx, scope, []string{parent}, factory.Query{Filter: f, Order: o}, 0, w); err != nil {
				return err
			}
			_, err := s.Count(ctx, scope, []string{parent}, f)
			return err
		}
	}
	members := func(scope, parent string, f member.Filter) func(context.Context, *explainer) error {
		return func(ctx context.Context, e *explainer) error {
			s := member.NewStore(e)
			if _, err := s.List(ctx, scope, []string{parent}, member.Query{Filter: f, Order: member.DefaultOrder}, 0, w); err != nil {
				return err
			}
			_, err := s.Count(ctx, scope, []string{parent}, f)
			return err
		}
	}
	complaints := func(scope, parent string, f complaint.Filter) func(context.Context, *explainer) error {
		return func(ctx context.Context, e *explainer) error {
			s := complaint.NewStore(e)
			if _, err := s.List(ctx, scope, []string{parent}, complaint.Query{Filter: f, Order: complaint.DefaultOrder}, 0, w); err != nil {
				return err
			}
			_, err := s.Count(ctx, scope, []string{parent}, f)
			return err
		}
	}
	seminars := func(f seminar.Filter) func(context.Context, *explainer) error {
		return func(ctx context.Context, e *explainer) error {
			s := seminar.NewStore(e)
			if _, err := s.List(ctx, seminar.ScopeAll, []string{""}, seminar.Query{Filter: f, Order: seminar.DefaultOrder}, 0, w); err != nil {
				return err
			}
			_, err := s.Count(ctx, seminar.ScopeAll, []string{""}, f)
			return err
		}
	}
	stats := func(dims []complaint.Dimension, f complaint.Filter) func(context.Context, *explainer) error {
		return func(ctx context.Context, e *explainer) error {
			_, err := complaint.NewStore(e).Stats(ctx, dims, f)
			return err
		}
	}
	searches := func(text string) func(context.Context, *explainer) error {
		return func(ctx context.Context, e *explainer) error {
			_, err := search.NewStore(e, catalog).Search(ctx, text, page.DefaultFirst, true)
			return err
		}
	}
	return []planCase{
		{"factories(filter: {search: \"ศิลา\"})", factories(factory.ScopeAll, "", factory.Filter{Search: "ศิลา"}, factory.DefaultOrder)},
		{"factories(filter: {search: (a registration number)})", factories(factory.ScopeAll, "", factory.Filter{Search: pick.RegNo}, factory.DefaultOrder)},
		{"province(40).factories(filter: {search: \"ศิลา\"})", factories(factory.ScopeProvince, "40", factory.Filter{Search: "ศิลา"}, factory.DefaultOrder)},
		{"factories(filter: {within: 20 km of Khon Kaen}, orderBy: WORKERS DESC)", factories(factory.ScopeAll, "",
			factory.Filter{Within: factory.Circle{Latitude: 16.43, Longitude: 102.83, RadiusKm: 20}}, factory.Order{Field: factory.ByWorkers, Direction: page.Desc})},
		{"factories(filter: {region: NORTHEAST, category: 3, governanceCertified: true})", factories(factory.ScopeAll, "",
			factory.Filter{Region: "NORTHEAST", Category: 3, GovernanceCertified: factory.Yes}, factory.DefaultOrder)},
		{"members(filter: {search: (a family name)})", members(member.ScopeAll, "", member.Filter{Search: pick.Surname})},
		{"members(filter: {search: (a full name)})", members(member.ScopeAll, "", member.Filter{Search: pick.Name})},
		{"members(filter: {sector: PRIVATE, province: 40})", members(member.ScopeAll, "", member.Filter{Sector: member.Private, ProvinceCode: "40"})},
		{"province(40).members(filter: {sector: CITIZEN, joined in FY 2567})", members(member.ScopeProvince, "40",
			member.Filter{Sector: member.Citizen, JoinedFrom: fy2567, JoinedTo: fy2567.AddDate(1, 0, -1)})},
		{"complaints(filter: {category: ODOR, status: [RECEIVED, INVESTIGATING], fiscalYear: 2567})", complaints(complaint.ScopeAll, "",
			complaint.Filter{Category: complaint.Odor, Statuses: open, FiscalYear: 2567})},
		{"complaints(filter: {region: NORTHEAST, filed in FY 2567})", complaints(complaint.ScopeAll, "",
			complaint.Filter{Region: "NORTHEAST", FiledFrom: fy2567, FiledTo: fy2567.AddDate(1, 0, 0)})},
		{"complaints(filter: {inspectionZone: 5})", complaints(complaint.ScopeAll, "", complaint.Filter{InspectionZone: 5})},
		{"complaints(filter: {search: (a reference number)})", complaints(complaint.ScopeAll, "", complaint.Filter{Search: pick.RefNo})},
		{"complaints(filter: {search: \"ควันดำ\"})", complaints(complaint.ScopeAll, "", complaint.Filter{Search: "ควันดำ"})},
		{"complaints(filter: {factoryRegistrationNo: (a factory's)})", complaints(complaint.ScopeAll, "", complaint.Filter{FactoryRegistrationNo: pick.FactoryR})},
		{"seminars(filter: {search: \"ธรรมาภิบาล\"})", seminars(seminar.Filter{Search: "ธรรมาภิบาล"})},
		{"seminars(filter: {organizerCode: PIO-40, fiscalYear: 2567})", seminars(seminar.Filter{OrganizerCode: "PIO-40", FiscalYear: 2567})},
		{"complaintStats(groupBy: [PROVINCE], filter: {fiscalYear: 2567})", stats([]complaint.Dimension{complaint.DimProvince}, complaint.Filter{FiscalYear: 2567})},
		{"complaintStats(groupBy: [REGION, CATEGORY])", stats([]complaint.Dimension{complaint.DimRegion, complaint.DimCategory}, complaint.Filter{})},
		{"complaintStats(groupBy: [MONTH], filter: {category: CANE_BURNING, province: 40})", stats([]complaint.Dimension{complaint.DimMonth},
			complaint.Filter{Category: complaint.CaneBurning, ProvinceCode: "40"})},
		{"search(text: \"ศิลา\")", searches("ศิลา")},
		{"search(text: \"ขอนแก่น\")", searches("ขอนแก่น")},
		{"search(text: \"บางพลี\")", searches("บางพลี")},
		{"search(text: (a registration number))", searches(pick.RegNo)},
		{"search(text: \"ธรรมาภิบาลสิ่งแวดล้อมอย่างยั่งยืน\") (similar titles only)", searches("ธรรมาภิบาลสิ่งแวดล้อมอย่างยั่งยืน")},
	}, nil
}

// reportPlans runs each case and reports the indexes its statements read,
// the large tables they scanned whole, and their execution times.
func reportPlans(ctx context.Context, rep *report, db *sqlx.DB, catalog *refdata.Catalog, scale int) error {
	cases, err := planCases(ctx, db, catalog)
	if err != nil {
		return err
	}
	lines := []string{
		"Each filtered read runs as its resolver runs it (the page statement, then the count) under",
		"`EXPLAIN (ANALYZE, FORMAT JSON)`, with the planner's",
		"default settings. Sequential scans of the small reference tables (provinces, offices, districts) are",
		"left out; nodes a one-time filter skipped are not counted.",
		"",
		"| read | statement | indexes used | large tables scanned whole | execution ms |",
		"|---|---|---|---|---:|",
	}
	for _, c := range cases {
		e := &explainer{DB: db}
		// The first run warms the cache; the second is reported.
		for range 2 {
			e.plans = nil
			if err := c.run(ctx, e); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
		}
		for i, p := range e.plans {
			name := ""
			if i == 0 {
				name = c.name
			}
			lines = append(lines, fmt.Sprintf("| %s | %d | %s | %s | %.2f |", name, i+1,
				orNone(p.indexes), orNone(p.seqScans), p.ms))
		}
	}
	rep.add(fmt.Sprintf("Filter, search and aggregate plans (scale %d)", scale), lines...)
	return nil
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return "`" + strings.Join(names, "`, `") + "`"
}
