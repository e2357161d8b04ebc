package complaint

import (
	"regexp"
	"slices"
	"strings"
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
			conds, ps := where(page.NewParams([]string{""}, page.Window{}), c.f)
			dbtest.ReadsThrough(t, db, source.CountQuery(ScopeAll, conds), ps,
				"complaints", c.index)
		})
	}
}

// A statement carries the conditions of the filters given and no others:
// a catch-all per possible filter would be planned (and, in a generic
// plan, evaluated) on every row.
func TestOnlyGivenFilters(t *testing.T) {
	unfiltered, _ := where(page.Params{}, Filter{})
	sql := source.PageQuery(ScopeFactory, source.Columns, DefaultOrder.SortKey(), page.Desc, unfiltered, false)
	if got := regexp.MustCompile(`:[a-z_]+`).FindAllString(sql, -1); !slices.Equal(got, []string{":parents", ":limit"}) {
		t.Errorf("an unfiltered page reads the parameters %q, not only its parents and limit:\n%s", got, sql)
	}
	one, ps := where(page.Params{}, Filter{Category: Noise})
	if len(one) != 1 || ps.Category != string(Noise) {
		t.Errorf("a filter by category gives the conditions %q", one)
	}
	sql = source.CountQuery(ScopeAll, one)
	if strings.Contains(sql, "IS NULL") || !strings.Contains(sql, "c.category = :category") {
		t.Errorf("the count by category is not one plain condition:\n%s", sql)
	}
}

// A page reads the columns of the fields selected on its rows, and those
// every row needs (id, sort key, the office the access policy decides
// by): not the description a dashboard's list never shows.
func TestPageReadsSelectedColumns(t *testing.T) {
	cs := columns.Without(Omitting([]string{"referenceNo", "category", "status", "filedAt", "__typename"}))
	if got, want := cs.List(), "c.id, c.reference_no, c.category, c.status, c.filed_at, c.handled_by"; got != want {
		t.Errorf("the columns of a dashboard's complaint list are %s, want %s", got, want)
	}
	if got := columns.Without(Omitting([]string{"filedBy", "factory"})).List(); !strings.Contains(got, "c.filed_by") || !strings.Contains(got, "c.factory_id") {
		t.Errorf("relations selected, but their keys are not read: %s", got)
	}
}
