package search

import (
	"context"
	"strings"
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/refdata"
)

// At the demo network's real size, a search reads the large tables through
// their indexes: the containing tier for a Thai part of a name and for a
// reference number, and the similar-names tier, which a misspelt name
// ("สมชาบ" for "สมชาย") brings in, through the trigram indexes rather than
// computing word similarity on every row (migration 00004 declares that
// cost). The 600 seminars may be scanned, and long text is left to the
// planner: a pattern of thirty trigrams costs the index about as much as a
// scan of 6,000 rows.
func TestSearchPlan(t *testing.T) {
	db := dbtest.Seeded(t)
	catalog, err := refdata.Load(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s := NewStore(db, catalog)
	for _, text := range []string{"ศิลา", "2567/000123", "สมชาบ"} {
		hits, err := s.Search(context.Background(), text, 20, true)
		if err != nil || len(hits) == 0 {
			t.Fatalf("search %q: %d hits, %v", text, len(hits), err)
		}
		plan := dbtest.Explain(t, db, containingQuery, s.params(text, 20, true)) + dbtest.Explain(t, db, similarQuery, s.params(text, 20, true))
		for _, table := range []string{"members", "factories", "complaints"} {
			if strings.Contains(plan, "Seq Scan on "+table+" ") {
				t.Errorf("search %q scans %s:\n%s", text, table, plan)
			}
		}
	}
}
