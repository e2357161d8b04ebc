package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/gid"
	"eilnet/internal/gqltest"
)

// statements runs query and answers how many SQL statements it cost, as
// the server reports in extensions.sql with --debug.
func statements(t *testing.T, s *gqltest.Server, query string, vars map[string]any) int {
	t.Helper()
	resp := s.Query(t, query, vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	sql, ok := resp.Extensions["sql"].(map[string]any)
	if !ok {
		t.Fatalf("no extensions.sql in %v", resp.Extensions)
	}
	n, ok := sql["statements"].(float64)
	if !ok {
		t.Fatalf("extensions.sql = %v", sql)
	}
	return int(n)
}

// A nested query costs one statement per (list field, argument set) level,
// whatever the number of parents. Levels are announced whole, so no timer
// decides the batches: the loaders' wait is zero here, which would split
// any level that a resolver reached on its own.
func TestStatementBudget(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{Debug: true, BatchWait: -1})

	var ids struct {
		Provinces []struct {
			ID     string
			Office struct{ ID string }
		}
		Members struct {
			Nodes []struct {
				ID      string
				Factory *struct{ ID string }
			}
		}
		Complaints struct{ Nodes []struct{ ID string } }
		Seminars   struct {
			Nodes []struct {
				ID     string
				Awards []struct{ ID string }
			}
		}
	}
	s.Query(t, `{
		provinces(region: WEST) { id office { id } }
		members(first: 3, filter: {sector: PRIVATE}) { nodes { id factory { id } } }
		complaints(first: 3) { nodes { id } }
		seminars(first: 3, filter: {kind: AWARD_CEREMONY}) { nodes { id awards { id } } }
	}`, nil).MustData(t, &ids)
	// One object of each of the seven types, then three of each.
	var few, many []string
	for i := range 3 {
		m, c, se := ids.Members.Nodes[i], ids.Complaints.Nodes[i].ID, ids.Seminars.Nodes[i]
		if m.Factory == nil {
			t.Fatal("pick members with factories")
		}
		many = append(many, ids.Provinces[i].ID, ids.Provinces[i].Office.ID, m.ID, m.Factory.ID, c, se.ID, se.Awards[0].ID)
		if i == 0 {
			few = append(few, many...)
		}
	}

	var deepIDs []int64
	if err := s.DB.Select(&deepIDs, `SELECT c.id FROM complaints c
		WHERE EXISTS (SELECT 1 FROM members m WHERE m.factory_id = c.factory_id)
		  AND EXISTS (SELECT 1 FROM complaint_investigators i WHERE i.complaint_id = c.id)
		ORDER BY c.id LIMIT 50`); err != nil {
		t.Fatal(err)
	}
	var deep []string
	for _, id := range deepIDs {
		deep = append(deep, gid.EncodeInt(gid.Complaint, id))
	}

	dashboard, _ := contractQuery(t, "dashboard_overview")
	analyst, _ := contractQuery(t, "analyst_member_graph")
	paging, _ := contractQuery(t, "complaint_paging")
	history, _ := contractQuery(t, "seminar_history")
	refetch, _ := contractQuery(t, "node_refetch")
	partner, _ := contractQuery(t, "partner_factory_lookup")
	var reg string
	if err := s.DB.Get(&reg, `SELECT registration_no FROM factories ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		// levels is the number of (list field, argument set) levels: the
		// most statements the query may cost.
		levels    int
		query     string
		few, many map[string]any
		fewQuery  string
	}{
		// factories and their count, complaints and their count (provinces
		// and offices are reference data, in memory)
		{"dashboard_overview", 4, dashboard, nil, nil, strings.Replace(dashboard, "provinces {", "provinces(inspectionZone: 11) {", 1)},
		// members and count, factory, its complaints and count, seminars,
		// their attendees and count, awards
		{"analyst_member_graph", 9, analyst, map[string]any{"province": "40"}, map[string]any{"province": "40"},
			strings.Replace(analyst, "members(first: 20,", "members(first: 2,", 1)},
		// complaints and count, factory, timeline
		{"complaint_paging", 4, paging, map[string]any{"first": 2}, map[string]any{"first": 100}, ""},
		// seminars and count, attendee count, awards, their members
		// (the few: the first award ceremony alone, so that every
		// relation is asked for)
		{"seminar_history", 5, history, map[string]any{"fy": 2562}, map[string]any{"fy": 2562},
			strings.Replace(history, "filter: {fiscalYear: $fy}", "filter: {fiscalYear: $fy, kind: AWARD_CEREMONY}", 1)},
		// one loader per type read from the database
		{"node_refetch", 5, refetch, map[string]any{"ids": few}, map[string]any{"ids": many}, ""},
		// the factory (its province is in memory)
		{"partner_factory_lookup", 1, partner, map[string]any{"reg": reg}, map[string]any{"reg": reg}, ""},

		// Aliases of one field with different arguments: one statement per
		// argument set.
		{"aliases", 3, `{ provinces { code
			a: factories(first: 2) { nodes { name } }
			b: factories(first: 4, orderBy: {field: NAME, direction: DESC}) { totalCount nodes { name } } } }`, nil, nil,
			`{ provinces(inspectionZone: 11) { code
			a: factories(first: 2) { nodes { name } }
			b: factories(first: 4, orderBy: {field: NAME, direction: DESC}) { totalCount nodes { name } } } }`},
		// The same relation reached by two paths: each path is a list field
		// of its own, so up to two statements; which path announces the
		// shared keys first decides whether the second reads them again.
		{"two paths", 2, `{ provinces { office { members(first: 2) { nodes { fullName } } } }
			offices { members(first: 2) { nodes { fullName } } } }`, nil, nil,
			`{ provinces(inspectionZone: 11) { office { members(first: 2) { nodes { fullName } } } }
			offices { members(first: 2) { nodes { fullName } } } }`},
		// Fragments, and nodes beside edges of one connection.
		{"fragments", 3, `fragment F on Factory { name complaints(first: 1) { totalCount nodes { status } } }
			{ provinces { factories(first: 3) { nodes { ...F } edges { cursor node { ...F registrationNo } } } } }`, nil, nil,
			`fragment F on Factory { name complaints(first: 1) { totalCount nodes { status } } }
			{ provinces(inspectionZone: 11) { factories(first: 3) { nodes { ...F } edges { cursor node { ...F registrationNo } } } } }`},
		// Deep nesting through to-one and to-many relations.
		// complaints, factory, operators, investigators (of complaints that
		// have all of these; the operators' office and the investigators'
		// province are in memory)
		{"deep", 4, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Complaint {
			factory { operators { office { code } } } investigators { province { code } } } } }`,
			map[string]any{"ids": deep[:2]}, map[string]any{"ids": deep}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fewQuery := c.fewQuery
			if fewQuery == "" {
				fewQuery = c.query
			}
			nFew := statements(t, s, fewQuery, c.few)
			nMany := statements(t, s, c.query, c.many)
			if nFew != nMany && c.name != "two paths" {
				t.Errorf("%d statements for few parents, %d for many", nFew, nMany)
			}
			if nMany > c.levels || nFew > c.levels {
				t.Errorf("%d and %d statements, more than its %d levels", nFew, nMany, c.levels)
			}
		})
	}
}

// Without batching, the same query costs a statement per parent: the
// baseline the budget is measured against.
func TestNoBatchingIsNPlusOne(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{Debug: true, NoBatching: true})
	dashboard, _ := contractQuery(t, "dashboard_overview")
	// per province its factories and count, then per factory (5 each) its
	// complaints and count (provinces and offices are in memory).
	want := 77*2 + 77*5*2
	if n := statements(t, s, dashboard, nil); n != want {
		t.Errorf("%d statements without batching, want %d", n, want)
	}
}

func TestMetrics(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{})
	dashboard, _ := contractQuery(t, "dashboard_overview")
	s.Query(t, dashboard, nil)
	s.Query(t, `query Broken { provinces { nope } }`, nil)
	// Anonymous callers' operation names take no label value of their
	// own, however valid: junk names cannot use the bounded set up.
	for i := range 3 {
		s.As("").Query(t, fmt.Sprintf(`query Junk%d { __typename }`, i), nil)
	}
	if status, _ := gqltest.Get(t, s.URL+"/metrics"); status != http.StatusUnauthorized {
		t.Errorf("/metrics without a key: HTTP %d, want 401", status)
	}
	status, body := s.Get(t, "/metrics")
	if status != 200 {
		t.Fatalf("/metrics: HTTP %d", status)
	}
	if strings.Contains(body, `operation="Junk`) || !strings.Contains(body, `eilnet_graphql_requests_total{operation="other",outcome="ok"} 3`) {
		t.Errorf("anonymous operation names took label values:\n%s", body)
	}
	for _, want := range []string{
		`eilnet_graphql_requests_total{operation="DashboardOverview",outcome="ok"} 1`,
		`eilnet_graphql_requests_total{operation="anonymous",outcome="GRAPHQL_VALIDATION_FAILED"} 1`,
		`eilnet_graphql_request_duration_seconds_count{operation="DashboardOverview"} 1`,
		`eilnet_sql_statements_per_request_count 5`,
		`eilnet_loader_batch_size_sum{loader="factory_pages"} 77`,
		`eilnet_loader_batch_size_sum{loader="complaint_pages"} 385`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestDebugExtensionOnlyWhenAsked(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{})
	resp := s.Query(t, `{ province(code: "40") { nameEn } }`, nil)
	if _, ok := resp.Extensions["sql"]; ok {
		b, _ := json.Marshal(resp.Extensions)
		t.Errorf("extensions.sql without --debug: %s", b)
	}
}
