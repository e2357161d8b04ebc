package graph_test

import (
	"slices"
	"testing"
	"time"

	"eilnet/internal/gqltest"
)

type complaintPage struct {
	Complaints struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Edges []struct {
			Cursor string
			Node   struct {
				ReferenceNo string
				Status      string
				FiledAt     string
				Province    struct{ Code string }
				Factory     *struct{ RegistrationNo string }
				HandledBy   struct{ Code string }
				Timeline    []struct {
					At     string
					Status string
					Note   *string
				}
			}
		}
	}
}

// walkComplaints follows complaint_paging from the first page to the last,
// calling between after each page, and answers the reference numbers in
// the order they came.
func walkComplaints(t *testing.T, s *gqltest.Server, first int, between func(page int)) ([]string, int) {
	t.Helper()
	q, _ := contractQuery(t, "complaint_paging")
	var refs []string
	var after any
	total := -1
	for page := 0; ; page++ {
		var data complaintPage
		s.Query(t, q, map[string]any{"first": first, "after": after}).MustData(t, &data)
		c := data.Complaints
		if total < 0 {
			total = c.TotalCount
		}
		if len(c.Edges) > first {
			t.Fatalf("page %d has %d edges, more than first = %d", page, len(c.Edges), first)
		}
		for _, e := range c.Edges {
			refs = append(refs, e.Node.ReferenceNo)
			if e.Node.Status != "RECEIVED" && e.Node.Status != "INVESTIGATING" {
				t.Fatalf("%s has status %s, outside the filter", e.Node.ReferenceNo, e.Node.Status)
			}
			tl := e.Node.Timeline
			if len(tl) == 0 || tl[0].Status != "RECEIVED" || tl[0].At != e.Node.FiledAt || tl[len(tl)-1].Status != e.Node.Status {
				t.Fatalf("%s: timeline %+v does not run from its filing to its status %s", e.Node.ReferenceNo, tl, e.Node.Status)
			}
		}
		if !c.PageInfo.HasNextPage {
			return refs, total
		}
		if c.PageInfo.EndCursor == nil || *c.PageInfo.EndCursor != c.Edges[len(c.Edges)-1].Cursor {
			t.Fatalf("page %d: endCursor %v is not the last edge's cursor", page, c.PageInfo.EndCursor)
		}
		after = *c.PageInfo.EndCursor
		if between != nil {
			between(page)
		}
	}
}

func openComplaints(t *testing.T, s *gqltest.Server) []string {
	t.Helper()
	var want []string
	if err := s.DB.Select(&want, `SELECT reference_no FROM complaints WHERE status IN ('RECEIVED', 'INVESTIGATING')
		ORDER BY filed_at DESC, id DESC`); err != nil {
		t.Fatal(err)
	}
	return want
}

func TestComplaintPaging(t *testing.T) {
	s := newSeededServer(t)
	q, vars := contractQuery(t, "complaint_paging")
	first := s.Query(t, q, vars)
	golden(t, "complaint_paging", first.Data)

	want := openComplaints(t, s)
	got, total := walkComplaints(t, s, 100, nil)
	if total != len(want) {
		t.Errorf("totalCount %d, want %d", total, len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("walk returned %d complaints, want the %d open ones newest first", len(got), len(want))
	}
}

// A page walk returns every row exactly once even while rows are added
// before and after its position.
func TestComplaintPagingWhileInserting(t *testing.T) {
	s := newSeededServer(t)
	want := openComplaints(t, s)
	var times []time.Time
	if err := s.DB.Select(&times, `SELECT filed_at FROM complaints WHERE status IN ('RECEIVED', 'INVESTIGATING')
		ORDER BY filed_at DESC, id DESC`); err != nil {
		t.Fatal(err)
	}
	serial := 900000
	insert := func(at time.Time) {
		serial++
		if _, err := s.DB.Exec(`WITH c AS (
				INSERT INTO complaints (serial, category, status, description, filed_at, province_code, handled_by)
				VALUES ($1, 'ODOR', 'RECEIVED', 'ทดสอบ', $2, '40', 'PIO-40') RETURNING id, filed_at)
			INSERT INTO complaint_events (complaint_id, at, status) SELECT id, filed_at, 'RECEIVED' FROM c`, serial, at); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := walkComplaints(t, s, 37, func(page int) {
		// One complaint newer than all (already passed), one at exactly
		// the filing time of a row ahead (a tie on the sort key), and one
		// between rows ahead.
		insert(times[0].Add(time.Hour))
		ahead := times[min(len(times)-1, (page+2)*37)]
		insert(ahead)
		insert(ahead.Add(-time.Second))
	})
	seen := map[string]int{}
	for _, r := range got {
		seen[r]++
		if seen[r] > 1 {
			t.Fatalf("%s returned twice", r)
		}
	}
	for _, r := range want {
		if seen[r] != 1 {
			t.Fatalf("%s, open before the walk, was not returned", r)
		}
	}
}

type memberPage struct {
	Members struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Edges []struct {
			Node struct {
				ID       string
				FullName string
				Sector   string
				JoinedOn string
				Office   struct{ Code string }
				Seminars struct {
					Nodes []struct {
						Attendees struct {
							TotalCount int
							Nodes      []struct{ FullName string }
						}
					}
				}
			}
		}
	}
}

func TestAnalystMemberGraph(t *testing.T) {
	s := newSeededServer(t)
	q, vars := contractQuery(t, "analyst_member_graph")
	resp := s.Query(t, q, vars)
	golden(t, "analyst_member_graph", resp.Data)

	var want []string
	if err := s.DB.Select(&want, `SELECT full_name || '|' || joined_on FROM members
		WHERE sector = 'PRIVATE' AND province_code = '40' ORDER BY joined_on, id`); err != nil {
		t.Fatal(err)
	}
	var got []string
	after := any(nil)
	for {
		var data memberPage
		s.Query(t, q, map[string]any{"province": "40", "after": after}).MustData(t, &data)
		m := data.Members
		if m.TotalCount != len(want) {
			t.Fatalf("totalCount %d, want %d", m.TotalCount, len(want))
		}
		for _, e := range m.Edges {
			n := e.Node
			got = append(got, n.FullName+"|"+n.JoinedOn)
			if n.Sector != "PRIVATE" || n.Office.Code != "PIO-40" {
				t.Errorf("member %s: sector %s, office %s", n.FullName, n.Sector, n.Office.Code)
			}
			if len(n.Seminars.Nodes) > 3 {
				t.Errorf("member %s: %d seminars, asked for 3", n.FullName, len(n.Seminars.Nodes))
			}
			for _, sem := range n.Seminars.Nodes {
				if len(sem.Attendees.Nodes) > 3 || sem.Attendees.TotalCount < len(sem.Attendees.Nodes) || sem.Attendees.TotalCount == 0 {
					t.Errorf("attendees %d of %d", len(sem.Attendees.Nodes), sem.Attendees.TotalCount)
				}
			}
		}
		if !m.PageInfo.HasNextPage {
			break
		}
		after = *m.PageInfo.EndCursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("walk returned %d members, want the %d private members of Khon Kaen in order of joining", len(got), len(want))
	}
}

func TestNodeRefetch(t *testing.T) {
	s := newSeededServer(t)
	var data struct {
		Province struct {
			ID     string
			Office struct{ ID string }
		}
		Complaint struct {
			ID      string
			FiledBy struct{ ID string }
			Factory struct{ ID string }
		}
		Seminars struct {
			Nodes []struct {
				ID     string
				Awards []struct{ ID string }
			}
		}
	}
	var ref string
	if err := s.DB.Get(&ref, `SELECT reference_no FROM complaints WHERE province_code = '40'
		AND filed_by IS NOT NULL AND factory_id IS NOT NULL ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	s.Query(t, `query($ref: String!) {
		province(code: "40") { id office { id } }
		complaint(referenceNo: $ref) { id filedBy { id } factory { id } }
		seminars(first: 1, filter: {kind: AWARD_CEREMONY}, orderBy: {field: STARTS_ON, direction: ASC}) { nodes { id awards { id } } }
	}`, map[string]any{"ref": ref}).MustData(t, &data)
	c := data.Complaint
	ids := []string{data.Province.ID, data.Province.Office.ID, c.FiledBy.ID, c.Factory.ID, c.ID,
		data.Seminars.Nodes[0].ID, data.Seminars.Nodes[0].Awards[0].ID,
		// An ID of the right form whose member does not exist.
		"TWVtYmVyOjk5OTk5OTk"}
	q, _ := contractQuery(t, "node_refetch")
	resp := s.Query(t, q, map[string]any{"ids": ids})
	golden(t, "node_refetch", resp.Data)
	var got struct {
		Nodes []*struct {
			ID       string
			Typename string `json:"__typename"`
			Code     string
		}
	}
	resp.MustData(t, &got)
	wantTypes := []string{"Province", "Office", "Member", "Factory", "Complaint", "Seminar", "Award"}
	if len(got.Nodes) != len(ids) {
		t.Fatalf("%d nodes for %d ids", len(got.Nodes), len(ids))
	}
	for i, typ := range wantTypes {
		n := got.Nodes[i]
		if n == nil || n.Typename != typ || n.ID != ids[i] {
			t.Errorf("node %d = %+v, want a %s with id %s", i, n, typ, ids[i])
		}
	}
	if got.Nodes[0].Code != "40" || got.Nodes[1].Code != "PIO-40" {
		t.Errorf("province and office codes %q, %q", got.Nodes[0].Code, got.Nodes[1].Code)
	}
	if got.Nodes[len(ids)-1] != nil {
		t.Errorf("unknown member refetched as %+v, want null", got.Nodes[len(ids)-1])
	}
	// node answers the same objects one by one.
	for i, id := range ids[:len(wantTypes)] {
		var one struct {
			Node *struct{ ID, Typename string }
		}
		s.Query(t, `query($id: ID!) { node(id: $id) { id typename: __typename } }`, map[string]any{"id": id}).MustData(t, &one)
		if one.Node == nil || one.Node.ID != id || one.Node.Typename != wantTypes[i] {
			t.Errorf("node(%s) = %+v", id, one.Node)
		}
	}
}

func TestConnectionPageInfo(t *testing.T) {
	s := newSeededServer(t)
	var data struct {
		Province struct {
			Factories struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage, HasPreviousPage bool
					StartCursor, EndCursor       *string
				}
				Edges []struct{ Cursor string }
			}
		}
	}
	q := `query($after: String, $first: Int) { province(code: "96") { factories(first: $first, after: $after) {
		totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor } } } }`
	s.Query(t, q, nil).MustData(t, &data)
	f := data.Province.Factories
	if len(f.Edges) != 20 || !f.PageInfo.HasNextPage || f.PageInfo.HasPreviousPage ||
		*f.PageInfo.StartCursor != f.Edges[0].Cursor || *f.PageInfo.EndCursor != f.Edges[19].Cursor {
		t.Fatalf("first page with the default size: %+v", f)
	}
	// The last page: what remains after all but the last row.
	var total int
	s.DB.Get(&total, `SELECT count(*) FROM factories WHERE province_code = '96'`)
	if f.TotalCount != total || total <= 20 {
		t.Fatalf("totalCount %d, want %d (more than one page)", f.TotalCount, total)
	}
	s.Query(t, q, map[string]any{"first": total - 1}).MustData(t, &data)
	last := data.Province.Factories.PageInfo.EndCursor
	s.Query(t, q, map[string]any{"after": *last}).MustData(t, &data)
	f = data.Province.Factories
	if len(f.Edges) != 1 || f.PageInfo.HasNextPage || !f.PageInfo.HasPreviousPage {
		t.Errorf("last page: %+v", f)
	}
	// Past the end: an empty page without cursors.
	s.Query(t, q, map[string]any{"after": f.Edges[0].Cursor}).MustData(t, &data)
	f = data.Province.Factories
	if len(f.Edges) != 0 || f.PageInfo.HasNextPage || f.PageInfo.StartCursor != nil || f.PageInfo.EndCursor != nil {
		t.Errorf("page after the end: %+v", f)
	}
	// first: 0 reads no rows but still counts.
	s.Query(t, q, map[string]any{"first": 0}).MustData(t, &data)
	if f = data.Province.Factories; len(f.Edges) != 0 || f.TotalCount != total || !f.PageInfo.HasNextPage {
		t.Errorf("first: 0 gave %+v", f)
	}
}
