package member

import (
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/page"
)

// A search by name is served by an index: across the network the trigram
// index of migration 00004, within a province the (province, name) index,
// whose entries hold the name to test.
func TestSearchPlan(t *testing.T) {
	db := dbtest.Seeded(t)
	var name string
	if err := db.Get(&name, `SELECT full_name FROM members ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ scope, parent, index string }{
		{ScopeAll, "", "members_full_name_trgm_idx"},
		{ScopeProvince, "40", "members_province_full_name_idx"},
	}
	for _, c := range cases {
		t.Run(c.scope, func(t *testing.T) {
			conds, ps := where(page.NewParams([]string{c.parent}, page.Window{}), Filter{Search: name})
			dbtest.ReadsThrough(t, db, source.CountQuery(c.scope, conds), ps,
				"members", c.index)
		})
	}
}
