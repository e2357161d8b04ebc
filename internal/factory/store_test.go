package factory

import (
	"context"
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/page"
	"eilnet/internal/refdata"
)

// Each filter that migration 00004 indexes can be served by its index, in
// the statement that reads every match: the count.
// (Which plan the planner prefers on real volumes is measured at scale 10
// by the benchmark, in docs/benchmarks.md.)
func TestFilterPlans(t *testing.T) {
	db := dbtest.Seeded(t)
	catalog, err := refdata.Load(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s := NewStore(db, catalog)
	var regNo string
	if err := db.Get(&regNo, `SELECT registration_no FROM factories ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		scope  string
		parent string
		q      Query
		index  string
	}{
		{"registration number", ScopeAll, "",
			Query{Filter: Filter{Search: regNo}, Order: DefaultOrder}, "factories_registration_no_trgm_idx"},
		{"name in a province", ScopeProvince, "40",
			Query{Filter: Filter{Search: "ศิลา"}, Order: DefaultOrder}, "factories_name_trgm_idx"},
		{"within", ScopeAll, "",
			Query{Filter: Filter{Within: Circle{16.43, 102.83, 20}}, Order: Order{ByWorkers, page.Desc}}, "factories_location_idx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conds, ps := s.where(page.NewParams([]string{c.parent}, page.Window{}), c.q.Filter)
			dbtest.ReadsThrough(t, db, source.CountQuery(c.scope, conds), ps,
				"factories", c.index)
		})
	}
}
