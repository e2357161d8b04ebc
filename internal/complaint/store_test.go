package complaint

import (
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/page"
)

// The filters that migration 00004 indexes can be served by their indexes,
// in the statement that reads every match: the count.
func TestFilterPlans(t *testing.T) {
	db := dbtest.Seeded(t)
	var ref string
	if err := db.Get(&ref, `SELECT reference_no FROM complaints ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		f     Filter
		index string
	}{
		{"reference number", Filter{Search: ref}, "complaints_reference_no_trgm_idx"},
		{"description", Filter{Search: "ควันดำ"}, "complaints_description_trgm_idx"},
		{"category", Filter{Category: Noise}, "complaints_category_filed_at_idx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbtest.ReadsThrough(t, db, source.CountQuery(ScopeAll),
				newParams(page.NewParams([]string{""}, page.Window{}), c.f),
				"complaints", c.index)
		})
	}
}
