package graph_test

import (
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/gqltest"
)

// sqlStatements is the statement count a response reports in
// extensions.sql (with --debug), whatever errors it carries.
func sqlStatements(t *testing.T, resp gqltest.Response) int {
	t.Helper()
	sql, ok := resp.Extensions["sql"].(map[string]any)
	if !ok {
		t.Fatalf("no extensions.sql in %v", resp.Extensions)
	}
	return int(sql["statements"].(float64))
}

// The look-ahead reads nothing that the access policy then refuses: an
// anonymous caller's query reads no member pages and no filers, which an
// administrator's same query does.
func TestLookAheadObeysAccess(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{Debug: true, BatchWait: -1})
	const query = `{
		seminars(first: 3) { nodes { title attendees(first: 5) { totalCount nodes { fullName } } } }
		complaints(first: 3) { nodes { referenceNo filedBy { fullName } } }
	}`
	anonymous := s.As("").Query(t, query, nil)
	// seminars, their attendee counts, complaints.
	if n := sqlStatements(t, anonymous); n != 3 {
		t.Errorf("an anonymous caller's query cost %d statements, want 3", n)
	}
	codes := map[string]int{}
	for _, e := range anonymous.Errors {
		codes[e.Code()]++
	}
	if codes["UNAUTHENTICATED"] != 3 || len(codes) != 1 {
		t.Errorf("anonymous errors: %+v, want UNAUTHENTICATED for each seminar's attendees", anonymous.Errors)
	}
	// ...and the attendee pages and filers besides.
	admin := s.Query(t, query, nil)
	if len(admin.Errors) > 0 {
		t.Fatalf("errors: %+v", admin.Errors)
	}
	if n := sqlStatements(t, admin); n != 5 {
		t.Errorf("an administrator's query cost %d statements, want 5", n)
	}
}

// One fragment's connection field, collected with a sibling of the same
// name under one parent and alone under another, is planned for each of
// them: each parent answers what its own selection asked, whichever was
// planned first.
func TestFragmentFieldMergedDifferently(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{BatchWait: -1})
	for _, query := range []string{
		`{ provinces(region: WEST) { code ...F }
		   province(code: "10") { code ...F factories(first: 5) { totalCount } } }
		 fragment F on Province { factories(first: 5) { nodes { name } } }`,
		`{ province(code: "10") { code ...F factories(first: 5) { totalCount } }
		   provinces(region: WEST) { code ...F } }
		 fragment F on Province { factories(first: 5) { nodes { name } } }`,
	} {
		var got struct {
			Provinces []struct {
				Factories struct {
					Nodes []struct{ Name string }
				}
			}
			Province struct {
				Factories struct {
					TotalCount int
					Nodes      []struct{ Name string }
				}
			}
		}
		resp := s.Query(t, query, nil)
		if len(resp.Errors) > 0 {
			t.Fatalf("errors: %+v", resp.Errors)
		}
		resp.MustData(t, &got)
		var want int
		if err := s.DB.Get(&want, `SELECT count(*) FROM factories WHERE province_code = '10'`); err != nil {
			t.Fatal(err)
		}
		if got.Province.Factories.TotalCount != want || len(got.Province.Factories.Nodes) != 5 {
			t.Errorf("Bangkok's factories: totalCount %d (want %d), %d nodes (want 5)",
				got.Province.Factories.TotalCount, want, len(got.Province.Factories.Nodes))
		}
		if len(got.Provinces) != 5 || len(got.Provinces[0].Factories.Nodes) != 5 {
			t.Errorf("the west's provinces: %+v", got.Provinces)
		}
	}
}
