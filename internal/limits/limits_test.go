package limits_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"eilnet/graph"
	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/limits"
)

func schema() *ast.Schema {
	return graph.NewExecutableSchema(graph.Config{}).Schema()
}

func validDoc(t *testing.T, s *ast.Schema, q string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatal(err)
	}
	if errs := validator.Validate(s, doc); len(errs) > 0 {
		t.Fatal(errs)
	}
	return doc
}

// TestContractQueryCosts pins the static cost of the users' queries; the
// dashboard must fit the anonymous limit.
func TestContractQueryCosts(t *testing.T) {
	s := schema()
	costs, err := limits.NewCosts(s)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		vars map[string]any
		cost int
	}{
		// 77 × (province + office + factories + 5 × (factory + complaints + 3 complaints))
		{"dashboard_overview", nil, 2156},
		// members + 20 × (edge + node + office + factory + complaints + 2 + seminars
		// + 3 × (seminar + attendees + 3) + 10 awards)
		{"analyst_member_graph", map[string]any{"province": "40"}, 662},
		// complaints + 100 × (edge + node + province + factory + office + 10 timeline events)
		{"complaint_paging", map[string]any{"first": 100}, 1502},
		{"node_refetch", map[string]any{"ids": []any{"a", "b", "c"}}, 3},
		{"partner_factory_lookup", map[string]any{"reg": "x"}, 2},
		// seminars + 50 × (seminar + organizer + province + attendees + 50 × (award + member + province))
		{"seminar_history", map[string]any{"fy": 2567}, 7701},
	}
	for _, c := range cases {
		text, err := os.ReadFile(filepath.Join("..", "..", "graph", "testdata", "contract", "queries", c.name+".graphql"))
		if err != nil {
			t.Fatal(err)
		}
		if got := costs.Of(validDoc(t, s, string(text)).Operations[0], c.vars); got != c.cost {
			t.Errorf("%s costs %d, want %d", c.name, got, c.cost)
		}
	}
	if limit := limits.Defaults().MaxCost[access.Anonymous]; cases[0].cost > limit {
		t.Errorf("the dashboard costs more than the anonymous limit of %d", limit)
	}
}

func TestCostArguments(t *testing.T) {
	s := schema()
	costs, err := limits.NewCosts(s)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		query string
		vars  map[string]any
		cost  int
	}{
		{`{ factories { totalCount } }`, nil, 1},
		{`{ factories { nodes { name } } }`, nil, 1 + 20},
		{`{ factories(first: 3) { edges { node { name } } } }`, nil, 1 + 3*2},
		{`query($n: Int) { factories(first: $n) { nodes { name } } }`, map[string]any{"n": int64(7)}, 1 + 7},
		// A first beyond 100 fails when it runs; its cost is that of 100.
		{`{ factories(first: 100000) { nodes { name } } }`, nil, 1 + 100},
		{`{ factories(first: -5) { nodes { name } } }`, nil, 1},
		{`{ provinces { code } }`, nil, 77},
		// Work of the database the objects do not show is priced too: a
		// search, by its text's length; a count under one; an aggregate.
		{`{ search(text: "โรงงาน", first: 5) { node { __typename } } }`, nil, 5*2 + 1000},
		{`{ search(text: "รง", first: 5) { node { __typename } } }`, nil, 5*2 + 15000},
		{`{ factories(filter: {search: "ศิลา"}) { totalCount } }`, nil, 1 + 500},
		{`{ factories(filter: {search: "ศิ"}) { totalCount } }`, nil, 1 + 6000},
		// A text too short for the indexes is read row by row for a page
		// as for a count, and invisible characters do not lengthen it.
		{`{ factories(filter: {search: "ศิ"}) { nodes { name } } }`, nil, 1 + 20 + 6000},
		{`{ factories(filter: {search: "ศิลา"}) { nodes { name } } }`, nil, 1 + 20},
		{`{ search(text: "ศิ\u2060", first: 1) { score } }`, nil, 1 + 15000},
		{`{ complaintStats(groupBy: [REGION], filter: {search: "กล"}) { count } }`, nil, 1000 + 4000 + 6000},
		{`{ provinces { members(filter: {search: "สมชาย"}) { totalCount } } }`, nil, 77 * (1 + 1 + 500)},
		{`{ networkSummary { members } }`, nil, 1 + 2000},
		{`{ a: provinces { code } b: provinces { code } }`, nil, 154},
		{`fragment F on Province { office { code } } { provinces { ...F } }`, nil, 77 * 2},
		// A variable is read as the resolver reads it: "7" is 7.
		{`query($n: Int) { factories(first: $n) { nodes { name } } }`, map[string]any{"n": "7"}, 1 + 7},
		{`query($n: Int) { factories(first: $n) { nodes { name } } }`, map[string]any{"n": "lots"}, 1 + 100},
		{`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{"a", "b"}}, 2},
		{`{ nodes(ids: "TWVtYmVyOjE") { ... on Member { office { code } } } }`, nil, 2},
		{`{ complaintStats(groupBy: [REGION]) { count } }`, nil, 1000 + 4000},
		{`{ __typename }`, nil, 0},
	}
	for _, c := range cases {
		if got := costs.Of(validDoc(t, s, c.query).Operations[0], c.vars); got != c.cost {
			t.Errorf("%s costs %d, want %d", c.query, got, c.cost)
		}
	}
}

// TestIntrospectionCost checks that introspection is charged by the lists
// it asks for: the playground's query fits the anonymous limit, the same
// types asked for fifty times over does not.
func TestIntrospectionCost(t *testing.T) {
	s := schema()
	costs, err := limits.NewCosts(s)
	if err != nil {
		t.Fatal(err)
	}
	types := len(s.Types)
	anonymous := limits.Defaults().MaxCost[access.Anonymous]
	// types, their fields and the fields' args, inputFields, interfaces,
	// enumValues, possibleTypes, directives and their args: the nine lists
	// of objects the query asks for, fragments expanded.
	playground := costs.Of(validDoc(t, s, playgroundIntrospection).Operations[0], nil)
	if playground != 1+9*types || playground > anonymous {
		t.Errorf("the playground's introspection costs %d (%d types), want %d within %d", playground, types, 1+9*types, anonymous)
	}
	bomb := "{ __schema { " + strings.Repeat("t#: types { fields { name } } ", 50) + "} }"
	for i := range 50 {
		bomb = strings.Replace(bomb, "t#", "t"+strconv.Itoa(i), 1)
	}
	if got := costs.Of(validDoc(t, s, bomb).Operations[0], nil); got != 1+100*types || got <= anonymous {
		t.Errorf("fifty copies of the types cost %d, want %d (over %d)", got, 1+100*types, anonymous)
	}
}

// TestUnsizedListsAreRefused checks that a list of objects without a
// declared size cannot slip past the cost.
func TestUnsizedListsAreRefused(t *testing.T) {
	s := schema()
	s.Types["Province"].Fields.ForName("factories").Arguments = nil
	_, err := limits.NewCosts(s)
	if err != nil {
		t.Fatalf("connections are sized by their pages: %v", err)
	}
	offices := s.Query.Fields.ForName("offices")
	offices.Directives = nil
	if _, err := limits.NewCosts(s); err == nil || !strings.Contains(err.Error(), "Query.offices") {
		t.Errorf("an unsized list was accepted: %v", err)
	}
}

func TestShape(t *testing.T) {
	shape := limits.Shape{MaxDepth: 4, MaxAliases: 2, MaxRootFields: 3, MaxDirectives: 2, MaxFields: 50}
	bomb := "fragment F0 on Province { code nameTh }\n"
	for i := 1; i <= 30; i++ {
		bomb += "fragment F" + strconv.Itoa(i) + " on Province { ...F" + strconv.Itoa(i-1) + " ...F" + strconv.Itoa(i-1) + " }\n"
	}
	cases := []struct {
		name, query string
		code        apperr.Code // "" for none
	}{
		{"within", `{ provinces { code office { code } } }`, ""},
		{"deep", `{ a { b { c { d { e } } } } }`, apperr.QueryTooComplex},
		{"deep through a fragment", `fragment F on X { c { d { e } } } { a { b { ...F } } }`, apperr.QueryTooComplex},
		{"aliases", `{ a: x b: x c: x }`, apperr.QueryTooComplex},
		{"roots", `{ a b c d }`, apperr.QueryTooComplex},
		{"roots through a fragment", `fragment F on Query { c d } { a b ...F }`, apperr.QueryTooComplex},
		{"directives", `{ a @skip(if: true) b @skip(if: true) c @include(if: true) }`, apperr.QueryTooComplex},
		{"fragment bomb", bomb + `{ provinces { ...F30 } }`, apperr.QueryTooComplex},
		{"introspection is not counted for depth", `{ __schema { types { fields { type { ofType { ofType { name } } } } } } }`, ""},
		{"introspection's aliases count", `{ __schema { a: types { name } b: types { name } c: types { name } } }`, apperr.QueryTooComplex},
		// The validator checks what no operation uses too.
		{"unused fragment", "fragment F on Province {" + strings.Repeat(" code", 60) + " } { viewer { role } }", apperr.QueryTooComplex},
		{"unused fragment bomb", bomb + `{ viewer { role } }`, apperr.QueryTooComplex},
		{"unused deep fragment", `fragment F on X { a { b { c { d { e } } } } } { x }`, apperr.QueryTooComplex},
		{"operations that only together are too large", manyOperations(20), apperr.QueryTooComplex},
	}
	for _, c := range cases {
		doc, err := parser.ParseQuery(&ast.Source{Input: c.query})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() { done <- shape.CheckShape(doc) }()
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the check did not finish", c.name)
		}
		if got := apperr.CodeOf(err); err == nil && c.code != "" || err != nil && got != c.code {
			t.Errorf("%s: %v, want %q", c.name, err, c.code)
		}
	}
	// The playground's introspection query passes the default limits.
	playground, err := parser.ParseQuery(&ast.Source{Input: playgroundIntrospection})
	if err != nil {
		t.Fatal(err)
	}
	if err := limits.Defaults().CheckShape(playground); err != nil {
		t.Errorf("the playground's introspection: %v", err)
	}
	cycle, _ := parser.ParseQuery(&ast.Source{Input: `fragment A on Q { ...B } fragment B on Q { ...A } { ...A }`})
	if err := shape.CheckShape(cycle); !limits.IsCycle(err) {
		t.Errorf("a fragment cycle: %v", err)
	}
}

// TestBudgets checks the buckets: full at first, at most the burst at
// once, refilled at the rate continuously, and each caller its own.
func TestBudgets(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	b := limits.NewBudgets(time.Minute, func() time.Time { return now })
	a := limits.Allowance{Rate: 600, Burst: 100} // 10 points a second
	if u, ok := b.Spend("a", a, 60); !ok || u.Remaining != 40 || !u.ResetAt.Equal(now.Add(6*time.Second)) {
		t.Errorf("first spend: %+v %v", u, ok)
	}
	// 50 asked, 40 there: 1 s until the bucket holds 50.
	if u, ok := b.Spend("a", a, 50); ok || u.Remaining != 40 || u.Requested != 50 || !u.RetryAt.Equal(now.Add(time.Second)) {
		t.Errorf("over budget: %+v %v", u, ok)
	}
	if u, ok := b.Spend("b", a, 50); !ok || u.Remaining != 50 {
		t.Errorf("another caller: %+v %v", u, ok)
	}
	now = now.Add(time.Second)
	if u, ok := b.Spend("a", a, 50); !ok || u.Remaining != 0 || !u.ResetAt.Equal(now.Add(10*time.Second)) {
		t.Errorf("a second later: %+v %v", u, ok)
	}
	// Empty: a point is there in a tenth of a second.
	if u := b.Standing("a", a); u.Remaining != 0 || !u.RetryAt.Equal(now.Add(100*time.Millisecond)) {
		t.Errorf("standing of an empty bucket: %+v", u)
	}
	// A long wait fills the bucket up to the burst, not beyond (30 s
	// would bring 300 points).
	now = now.Add(30 * time.Second)
	if u := b.Standing("a", a); u.Remaining != 100 || !u.ResetAt.Equal(now) {
		t.Errorf("after 30 s: %+v", u)
	}
	// A refund too.
	b.Spend("a", a, 30)
	if u := b.Refund("a", a, 50); u.Remaining != 100 {
		t.Errorf("refunded more than was spent: %+v", u)
	}
	// Charging takes what is there, down to nothing.
	if u := b.Charge("a", a, 250); u.Remaining != 0 || u.Requested != 250 {
		t.Errorf("charged more than there is: %+v", u)
	}
	if u := b.Standing("c", a); u.Remaining != 100 || u.Requested != 0 {
		t.Errorf("standing of a new caller: %+v", u)
	}
	// Without a burst, the whole rate at once.
	if u, ok := b.Spend("d", limits.Allowance{Rate: 600}, 600); !ok || u.Remaining != 0 {
		t.Errorf("the whole rate at once: %+v %v", u, ok)
	}
}

// playgroundIntrospection is the introspection query GraphiQL sends.
const playgroundIntrospection = `query IntrospectionQuery { __schema { queryType { name } mutationType { name }
  subscriptionType { name } types { ...FullType } directives { name description locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description
  args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue }
  interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`

// manyOperations is a document of n named operations of 3 fields each.
func manyOperations(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "query Op%d { a b c }\n", i)
	}
	return b.String()
}
