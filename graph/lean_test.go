package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"eilnet/internal/access"
	"eilnet/internal/dbtest"
	"eilnet/internal/gqltest"
	"eilnet/internal/limits"
)

// Cases where the lean executor once answered unlike gqlgen's (the twin
// server gqltest asks every query fails the test on any difference); each
// also asserts what a client relies on.
func TestLeanEdgeCases(t *testing.T) {
	db := dbtest.Seeded(t)
	// Anonymous callers' cost limit and budget would refuse the 77
	// searched counts below before they run; the access policy is what
	// is tested.
	cfg := limits.Defaults()
	cfg.MaxCost[access.Anonymous], cfg.Budget[access.Anonymous] = 0, 0
	s := gqltest.NewServer(t, db, gqltest.Options{Limits: &cfg})

	t.Run("a union's __typename asked twice is one key", func(t *testing.T) {
		// Apollo Client adds __typename to every selection, fragments too.
		resp := s.Query(t, `{ search(text: "ขอนแก่น", first: 3) { node { __typename ... on Province { code __typename } } } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatalf("errors: %+v", resp.Errors)
		}
		if n := strings.Count(string(resp.Data), `"__typename":"Province"`); n != 1 {
			t.Errorf(`"__typename":"Province" %d times in %s`, n, resp.Data)
		}
	})

	t.Run("arguments refused for each parent at its path", func(t *testing.T) {
		var offices int
		if err := db.Get(&offices, `SELECT count(*) FROM offices`); err != nil {
			t.Fatal(err)
		}
		// MemberFilter.search is not open to anonymous callers.
		resp := s.As("").Query(t, `{ offices { code members(filter: {search: "สม"}) { totalCount } } }`, nil)
		paths := map[string]bool{}
		for _, e := range resp.Errors {
			if e.Code() != "UNAUTHENTICATED" || e.Field() != "filter.search" {
				t.Errorf("error %+v, want UNAUTHENTICATED for field filter.search", e)
			}
			paths[fmt.Sprint(e.Path)] = true
		}
		if len(resp.Errors) != offices || len(paths) != offices {
			t.Errorf("%d errors at %d paths, want one at each of %d offices", len(resp.Errors), len(paths), offices)
		}
	})
}
