package seminar

import (
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/page"
)

// A search by title can be served by the trigram index of migration 00004.
func TestSearchPlan(t *testing.T) {
	db := dbtest.Seeded(t)
	var title string
	if err := db.Get(&title, `SELECT title FROM seminars ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	q := Query{Filter: Filter{Search: title}, Order: DefaultOrder}
	conds, ps := where(page.NewParams([]string{""}, page.Window{}), q.Filter)
	dbtest.ReadsThrough(t, db, source.CountQuery(ScopeAll, conds), ps,
		"seminars", "seminars_title_trgm_idx")
}
