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
