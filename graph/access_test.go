package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"eilnet/internal/access"
	"eilnet/internal/dbtest"
	"eilnet/internal/gid"
	"eilnet/internal/gqltest"
)

// callers are the four roles of the access matrix: ANONYMOUS, a partner,
// the officer of Khon Kaen (PIO-40, province 40) and an admin.
type callers map[access.Role]*gqltest.Server

func newCallers(t *testing.T, s *gqltest.Server) callers {
	return callers{
		access.Anonymous: s.As(""),
		access.Partner:   s.As(s.NewKey(t, access.NewKey{Name: "partner", Role: access.Partner})),
		access.Officer:   s.As(s.NewKey(t, access.NewKey{Name: "khon-kaen", Role: access.Officer, OfficeCode: "PIO-40"})),
		access.Admin:     s,
	}
}

// fixtures are objects of Khon Kaen (40) and of Bangkok (10) for the matrix.
type fixtures struct {
	member40, member10       string // with phone and e-mail
	complaint40, complaint10 string // filed by a member; handled by PIO-40 and OPS
	factory40, factory10     string
	seminar40, seminar10     string // organised by PIO-40 and OPS
}

func loadFixtures(t *testing.T, s *gqltest.Server) fixtures {
	t.Helper()
	one := func(query string) int64 {
		var id int64
		if err := s.DB.Get(&id, query); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return id
	}
	return fixtures{
		member40:    gid.EncodeInt(gid.Member, one(`SELECT min(id) FROM members WHERE office_code = 'PIO-40' AND phone IS NOT NULL AND email IS NOT NULL`)),
		member10:    gid.EncodeInt(gid.Member, one(`SELECT min(id) FROM members WHERE office_code = 'OPS' AND phone IS NOT NULL AND email IS NOT NULL`)),
		complaint40: gid.EncodeInt(gid.Complaint, one(`SELECT min(id) FROM complaints WHERE handled_by = 'PIO-40' AND filed_by IS NOT NULL`)),
		complaint10: gid.EncodeInt(gid.Complaint, one(`SELECT min(id) FROM complaints WHERE handled_by = 'OPS' AND filed_by IS NOT NULL`)),
		factory40:   gid.EncodeInt(gid.Factory, one(`SELECT min(id) FROM factories WHERE province_code = '40'`)),
		factory10:   gid.EncodeInt(gid.Factory, one(`SELECT min(id) FROM factories WHERE province_code = '10'`)),
		seminar40:   gid.EncodeInt(gid.Seminar, one(`SELECT min(id) FROM seminars WHERE organizer_code = 'PIO-40'`)),
		seminar10:   gid.EncodeInt(gid.Seminar, one(`SELECT min(id) FROM seminars WHERE organizer_code = 'OPS'`)),
	}
}

// outcome is what a caller gets for a protected field or mutation.
type outcome string

const (
	isValue  outcome = "value"           // the field's value, no error
	isHidden outcome = "null"            // null, no error (silent fields)
	isUnauth outcome = "UNAUTHENTICATED" // null and this error at the path
	isForbid outcome = "FORBIDDEN"       // null and this error at the path
)

// outcomeOf sends query as the caller and tells what came back at path.
func outcomeOf(t *testing.T, s *gqltest.Server, query string, vars map[string]any, path ...string) (outcome, string) {
	t.Helper()
	r, err := s.Send(t.Context(), query, vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusOK {
		t.Fatalf("HTTP %d: %+v", r.Status, r.Errors)
	}
	for _, e := range r.Errors {
		// An input field's error is at the field, then the argument.
		if len(e.Path) < len(path) || fmt.Sprint(e.Path[:len(path)]) != fmt.Sprint(toAny(path)) {
			t.Fatalf("error at %v, want at %v: %+v", e.Path, path, e)
		}
		if len(r.Errors) != 1 {
			t.Fatalf("%d errors: %+v", len(r.Errors), r.Errors)
		}
		return outcome(e.Code()), e.Message
	}
	var data map[string]any
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	var v any = data
	for _, p := range path {
		v = v.(map[string]any)[p]
	}
	if v == nil {
		return isHidden, ""
	}
	return isValue, ""
}

func toAny(path []string) []any {
	out := make([]any, len(path))
	for i, p := range path {
		out[i] = p
	}
	return out
}

// TestReadAccessMatrix checks every protected field for every role.
func TestReadAccessMatrix(t *testing.T) {
	s := newSeededServer(t)
	as := newCallers(t, s)
	f := loadFixtures(t, s)
	member := func(field string) string {
		return `query($id: ID!) { node(id: $id) { ... on Member { ` + field + ` } } }`
	}
	complaint := `query($id: ID!) { node(id: $id) { ... on Complaint { referenceNo filedBy { id } } } }`
	type want map[access.Role]outcome
	all := want{access.Anonymous: isUnauth, access.Partner: isValue, access.Officer: isValue, access.Admin: isValue}
	cases := []struct {
		name  string
		query string
		vars  map[string]any
		path  []string
		want  want
	}{
		{"Member.id", member("id"), map[string]any{"id": f.member10}, []string{"node", "id"}, all},
		{"Member.fullName", member("fullName"), map[string]any{"id": f.member10}, []string{"node", "fullName"}, all},
		{"Member.sector", member("sector"), map[string]any{"id": f.member10}, []string{"node", "sector"}, all},
		{"Member.joinedOn", member("joinedOn"), map[string]any{"id": f.member10}, []string{"node", "joinedOn"}, all},
		{"Member.province", member("province { code }"), map[string]any{"id": f.member10}, []string{"node", "province"}, all},
		{"Member.office", member("office { code }"), map[string]any{"id": f.member10}, []string{"node", "office"}, all},
		{"Member.seminars", member("seminars { totalCount }"), map[string]any{"id": f.member10}, []string{"node", "seminars"}, all},
		{"Member.awards", member("awards { level }"), map[string]any{"id": f.member10}, []string{"node", "awards"}, all},
		{"Member.phone of the officer's province", member("phone"), map[string]any{"id": f.member40}, []string{"node", "phone"},
			want{access.Anonymous: isUnauth, access.Partner: isForbid, access.Officer: isValue, access.Admin: isValue}},
		{"Member.email of the officer's province", member("email"), map[string]any{"id": f.member40}, []string{"node", "email"},
			want{access.Anonymous: isUnauth, access.Partner: isForbid, access.Officer: isValue, access.Admin: isValue}},
		{"Member.phone of another province", member("phone"), map[string]any{"id": f.member10}, []string{"node", "phone"},
			want{access.Anonymous: isUnauth, access.Partner: isForbid, access.Officer: isForbid, access.Admin: isValue}},
		{"Member.email of another province", member("email"), map[string]any{"id": f.member10}, []string{"node", "email"},
			want{access.Anonymous: isUnauth, access.Partner: isForbid, access.Officer: isForbid, access.Admin: isValue}},
		{"Member.complaintsFiled of the officer's province", member("complaintsFiled { totalCount }"), map[string]any{"id": f.member40},
			[]string{"node", "complaintsFiled"}, want{access.Anonymous: isUnauth, access.Partner: isForbid, access.Officer: isValue, access.Admin: isValue}},
		{"Member.complaintsFiled of another province", member("complaintsFiled { totalCount }"), map[string]any{"id": f.member10},
			[]string{"node", "complaintsFiled"}, want{access.Anonymous: isUnauth, access.Partner: isForbid, access.Officer: isForbid, access.Admin: isValue}},
		{"Complaint.filedBy of the officer's office", complaint, map[string]any{"id": f.complaint40}, []string{"node", "filedBy"},
			want{access.Anonymous: isHidden, access.Partner: isHidden, access.Officer: isValue, access.Admin: isValue}},
		{"Complaint.filedBy of another office", complaint, map[string]any{"id": f.complaint10}, []string{"node", "filedBy"},
			want{access.Anonymous: isHidden, access.Partner: isHidden, access.Officer: isHidden, access.Admin: isValue}},
		{"MemberFilter.search", `{ members(filter: {search: "สมช"}) { totalCount } }`, nil, []string{"members"},
			want{access.Anonymous: isUnauth, access.Partner: isValue, access.Officer: isValue, access.Admin: isValue}},
		{"members' count", `{ members(filter: {officeCode: "PIO-40"}) { totalCount } }`, nil, []string{"members"},
			want{access.Anonymous: isValue, access.Partner: isValue, access.Officer: isValue, access.Admin: isValue}},
		{"MemberConnection.edges", `{ members(first: 2, orderBy: {field: FULL_NAME, direction: ASC}) { edges { cursor } } }`, nil,
			[]string{"members", "edges"}, all},
		{"MemberConnection.nodes", `{ members(first: 2) { nodes { __typename } } }`, nil, []string{"members", "nodes"}, all},
		{"MemberConnection.pageInfo", `{ members(first: 2) { pageInfo { endCursor } } }`, nil, []string{"members", "pageInfo"}, all},
	}
	for _, c := range cases {
		for _, role := range access.Roles {
			t.Run(c.name+"/"+string(role), func(t *testing.T) {
				got, msg := outcomeOf(t, as[role], c.query, c.vars, c.path...)
				if got != c.want[role] {
					t.Errorf("got %s (%s), want %s", got, msg, c.want[role])
				}
			})
		}
	}
}

// TestDeniedFieldsLeaveTheRest checks that a refused field costs only its
// own isValue: an anonymous dashboard asking for member names gets its
// counts and one error per refused field.
func TestDeniedFieldsLeaveTheRest(t *testing.T) {
	s := newSeededServer(t).As("")
	r := s.Query(t, `{ members(filter: {officeCode: "PIO-40"}, first: 2) { totalCount }
		complaints(first: 3) { nodes { referenceNo filedBy { fullName } } } }`, nil)
	var data struct {
		Members    struct{ TotalCount int }
		Complaints struct {
			Nodes []struct {
				ReferenceNo string
				FiledBy     *struct{ FullName string }
			}
		}
	}
	r.MustData(t, &data)
	if data.Members.TotalCount == 0 || len(data.Complaints.Nodes) != 3 {
		t.Fatalf("data %+v", data)
	}
	for _, n := range data.Complaints.Nodes {
		if n.FiledBy != nil || n.ReferenceNo == "" {
			t.Errorf("complaint %+v", n)
		}
	}
	// A list of members is refused whole (its cursors would give away
	// names and ids), and null propagates to the nullable root.
	r = s.Query(t, `{ members(first: 2) { totalCount nodes { fullName } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Code() != "UNAUTHENTICATED" || fmt.Sprint(r.Errors[0].Path) != "[members nodes]" || string(r.Data) != "null" {
		t.Errorf("%s %+v", r.Data, r.Errors)
	}
}

// TestViewer checks that each caller sees who its key makes it.
func TestViewer(t *testing.T) {
	s := newSeededServer(t)
	as := newCallers(t, s)
	want := map[access.Role]string{
		access.Anonymous: `{"viewer":{"role":"ANONYMOUS","name":null,"office":null}}`,
		access.Partner:   `{"viewer":{"role":"PARTNER","name":"partner","office":null}}`,
		access.Officer:   `{"viewer":{"role":"OFFICER","name":"khon-kaen","office":{"code":"PIO-40"}}}`,
		access.Admin:     `{"viewer":{"role":"ADMIN","name":"test-admin","office":null}}`,
	}
	for role, srv := range as {
		r := srv.Query(t, `{ viewer { role name office { code } } }`, nil)
		if len(r.Errors) > 0 || string(r.Data) != want[role] {
			t.Errorf("%s: %s %+v", role, r.Data, r.Errors)
		}
	}
}

// TestKeys checks that only live keys are accepted: an unknown, malformed
// or revoked key is refused with 401, not taken for no key.
func TestKeys(t *testing.T) {
	s := newSeededServer(t)
	key := s.NewKey(t, access.NewKey{Name: "to-revoke", Role: access.Partner})
	viewer := `{ viewer { role } }`
	if r := s.As(key).Query(t, viewer, nil); string(r.Data) != `{"viewer":{"role":"PARTNER"}}` {
		t.Fatalf("live key: %s %+v", r.Data, r.Errors)
	}
	if err := access.RevokeKey(t.Context(), s.DB, "to-revoke"); err != nil {
		t.Fatal(err)
	}
	for name, header := range map[string]string{
		"revoked":   "Bearer " + key,
		"unknown":   "Bearer eil_" + key[4:len(key)-1] + "x",
		"not ours":  "Bearer abc",
		"no token":  "Bearer ",
		"basic":     "Basic dXNlcjpwYXNz",
		"no scheme": key,
	} {
		r, err := s.As("").Send(t.Context(), viewer, nil, http.Header{"Authorization": {header}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != http.StatusUnauthorized || len(r.Errors) != 1 || r.Errors[0].Code() != "UNAUTHENTICATED" || r.Data != nil {
			t.Errorf("%s: HTTP %d %s %+v", name, r.Status, r.Data, r.Errors)
		}
	}
	// Keys are stored only as hashes: no column holds the key, one holds
	// its SHA-256.
	if n := count(t, s.DB, `SELECT count(*) FROM api_keys k WHERE k::text LIKE '%' || $1 || '%'`, key); n != 0 {
		t.Errorf("%d rows hold the key as it is", n)
	}
	if n := count(t, s.DB, `SELECT count(*) FROM api_keys WHERE name = 'to-revoke' AND key_hash = sha256(convert_to($1, 'UTF8'))`, key); n != 1 {
		t.Errorf("%d keys have the key's SHA-256", n)
	}
	if _, err := access.CreateKey(t.Context(), s.DB, access.NewKey{Name: "to-revoke", Role: access.Admin}); err == nil {
		t.Error("a second key of the same name was created")
	}
	if _, err := access.CreateKey(t.Context(), s.DB, access.NewKey{Name: "officer", Role: access.Officer}); err == nil {
		t.Error("an officer key without an office was created")
	}
	if err := access.RevokeKey(t.Context(), s.DB, "nobody"); err == nil {
		t.Error("revoking an unknown key succeeded")
	}
}

// TestWriteAccessMatrix checks every mutation for every role, inside the
// officer's province and outside it.
func TestWriteAccessMatrix(t *testing.T) {
	s := newSeededServer(t)
	as := newCallers(t, s)
	f := loadFixtures(t, s)
	serial := 0
	next := func() int { serial++; return serial }
	office := map[string]string{"40": "PIO-40", "10": "OPS"}
	// newMember and newComplaint make, as the admin, fresh objects for
	// writes that may succeed once only.
	newMember := func(province string) string {
		var d struct{ RegisterMember struct{ ID string } }
		s.Query(t, `mutation($i: RegisterMemberInput!) { registerMember(input: $i) { id } }`, map[string]any{"i": map[string]any{
			"fullName": fmt.Sprintf("สมาชิก ทดสอบ %d", next()), "sector": "CITIZEN", "officeCode": office[province]}}).MustData(t, &d)
		return d.RegisterMember.ID
	}
	newComplaint := func(province string) string {
		var d struct{ FileComplaint struct{ ID string } }
		s.Query(t, `mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id } }`, map[string]any{"i": map[string]any{
			"category": "NOISE", "description": "เสียงดังตอนกลางคืน", "provinceCode": province}}).MustData(t, &d)
		return d.FileComplaint.ID
	}
	pick := func(province, in40, in10 string) string {
		if province == "40" {
			return in40
		}
		return in10
	}
	type request struct {
		query string
		vars  map[string]any
	}
	mutations := []struct {
		name string
		make func(province string) request
		// open is true for mutations every role may call.
		open bool
	}{
		{"registerMember", func(p string) request {
			return request{`mutation($i: RegisterMemberInput!) { registerMember(input: $i) { id } }`, map[string]any{"i": map[string]any{
				"fullName": fmt.Sprintf("ผู้สมัคร ใหม่ %d", next()), "sector": "CITIZEN", "officeCode": office[p]}}}
		}, false},
		{"updateMember", func(p string) request {
			return request{`mutation($id: ID!) { updateMember(id: $id, input: {email: "changed@example.org"}) { id } }`,
				map[string]any{"id": pick(p, f.member40, f.member10)}}
		}, false},
		{"registerFactory", func(p string) request {
			return request{`mutation($i: RegisterFactoryInput!) { registerFactory(input: $i) { id } }`, map[string]any{"i": map[string]any{
				"registrationNo": fmt.Sprintf("3-105-%d/2569-%s", 900+next(), p), "name": "โรงงาน ทดสอบ", "typeCode": 105,
				"category": 3, "provinceCode": p}}}
		}, false},
		{"updateFactory", func(p string) request {
			return request{`mutation($id: ID!) { updateFactory(id: $id, input: {workers: 42}) { id } }`,
				map[string]any{"id": pick(p, f.factory40, f.factory10)}}
		}, false},
		{"fileComplaint", func(p string) request {
			return request{`mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id } }`, map[string]any{"i": map[string]any{
				"category": "SMOKE", "description": "ควันดำ", "provinceCode": p}}}
		}, true},
		{"transitionComplaint", func(p string) request {
			return request{`mutation($id: ID!) { transitionComplaint(id: $id, to: INVESTIGATING, expectedVersion: 1) { id } }`,
				map[string]any{"id": newComplaint(p)}}
		}, false},
		{"assignInvestigators", func(p string) request {
			return request{`mutation($id: ID!, $m: [ID!]!) { assignInvestigators(complaintId: $id, memberIds: $m) { id } }`,
				map[string]any{"id": newComplaint(p), "m": []string{f.member40}}}
		}, false},
		{"createSeminar", func(p string) request {
			return request{`mutation($i: CreateSeminarInput!) { createSeminar(input: $i) { id } }`, map[string]any{"i": map[string]any{
				"title": fmt.Sprintf("อบรม %d", next()), "kind": "TRAINING", "mode": "ONSITE", "startsOn": "2026-01-10",
				"endsOn": "2026-01-11", "organizerCode": office[p], "provinceCode": p}}}
		}, false},
		{"recordAttendance", func(p string) request {
			return request{`mutation($id: ID!, $m: [ID!]!) { recordAttendance(seminarId: $id, memberIds: $m) { id } }`,
				map[string]any{"id": pick(p, f.seminar40, f.seminar10), "m": []string{f.member40}}}
		}, false},
		{"grantAward", func(p string) request {
			return request{`mutation($i: GrantAwardInput!) { grantAward(input: $i) { id } }`, map[string]any{"i": map[string]any{
				"memberId": newMember(p), "level": "EXCELLENT", "fiscalYear": 2568}}}
		}, false},
	}
	for _, m := range mutations {
		for _, province := range []string{"40", "10"} {
			for _, role := range access.Roles {
				want := isValue
				switch {
				case m.open:
				case role == access.Anonymous:
					want = isUnauth
				case role == access.Partner, role == access.Officer && province != "40":
					want = isForbid
				}
				t.Run(fmt.Sprintf("%s/%s/%s", m.name, province, role), func(t *testing.T) {
					req := m.make(province)
					before := count(t, s.DB, `SELECT count(*) FROM audit_log`)
					if got, msg := outcomeOf(t, as[role], req.query, req.vars, m.name); got != want {
						t.Errorf("got %s (%s), want %s", got, msg, want)
					}
					// A write is audited once; a refused one leaves nothing.
					wantRows := 0
					if want == isValue {
						wantRows = 1
					}
					if n := count(t, s.DB, `SELECT count(*) FROM audit_log`) - before; n != wantRows {
						t.Errorf("%d audit rows, want %d", n, wantRows)
					}
				})
			}
		}
	}
	// Naming the member who files a complaint is for offices only, and for
	// an officer only in its province (whose office handles it).
	named := `mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id } }`
	for _, province := range []string{"40", "10"} {
		for role, want := range map[access.Role]outcome{access.Anonymous: isUnauth, access.Partner: isForbid, access.Officer: isValue, access.Admin: isValue} {
			if role == access.Officer && province != "40" {
				want = isForbid
			}
			vars := map[string]any{"i": map[string]any{"category": "DUST", "description": "ฝุ่น", "provinceCode": province, "filedByMemberId": f.member40}}
			if got, msg := outcomeOf(t, as[role], named, vars, "fileComplaint"); got != want {
				t.Errorf("fileComplaint in %s naming a member as %s: got %s (%s), want %s", province, role, got, msg, want)
			}
		}
	}
}

// TestSearchHidesMembersFromAnonymous checks that search does not tell an
// anonymous caller that a name belongs to a member.
func TestSearchHidesMembersFromAnonymous(t *testing.T) {
	s := newSeededServer(t)
	as := newCallers(t, s)
	var name string
	if err := s.DB.Get(&name, `SELECT full_name FROM members ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	q := `query($t: String!) { search(text: $t) { score node { __typename } } }`
	for role, wantMember := range map[access.Role]bool{access.Anonymous: false, access.Partner: true} {
		var d struct {
			Search []struct {
				Score float64
				Node  struct {
					Typename string `json:"__typename"`
				}
			}
		}
		as[role].Query(t, q, map[string]any{"t": name}).MustData(t, &d)
		members := 0
		for _, h := range d.Search {
			if h.Node.Typename == "Member" {
				members++
			}
		}
		if wantMember && (len(d.Search) == 0 || d.Search[0].Node.Typename != "Member" || d.Search[0].Score != 1) || !wantMember && members > 0 {
			t.Errorf("%s searching a member's name: %+v", role, d.Search)
		}
	}
}

// TestOfficerSeesFilersOfItsOwnComplaints checks that an officer reading a
// member's complaintsFiled gets only the complaints its office handles.
func TestOfficerSeesFilersOfItsOwnComplaints(t *testing.T) {
	s := newSeededServer(t)
	as := newCallers(t, s)
	// A member of Khon Kaen with complaints handled by two offices.
	var member int64
	if err := s.DB.Get(&member, `SELECT m.id FROM members m JOIN complaints c ON c.filed_by = m.id
		WHERE m.office_code = 'PIO-40' GROUP BY m.id ORDER BY m.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE complaints SET handled_by = 'OPS', province_code = '10', factory_id = NULL
		WHERE id = (SELECT min(id) FROM complaints WHERE filed_by = $1)`, member); err != nil {
		t.Fatal(err)
	}
	var all, own int
	if err := s.DB.Get(&all, `SELECT count(*) FROM complaints WHERE filed_by = $1`, member); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Get(&own, `SELECT count(*) FROM complaints WHERE filed_by = $1 AND handled_by = 'PIO-40'`, member); err != nil {
		t.Fatal(err)
	}
	q := `query($id: ID!) { node(id: $id) { ... on Member { complaintsFiled(first: 100) { totalCount nodes { handledBy { code } } } } } }`
	for role, want := range map[access.Role]int{access.Officer: own, access.Admin: all} {
		var d struct {
			Node struct {
				ComplaintsFiled struct {
					TotalCount int
					Nodes      []struct{ HandledBy struct{ Code string } }
				}
			}
		}
		as[role].Query(t, q, map[string]any{"id": gid.EncodeInt(gid.Member, member)}).MustData(t, &d)
		got := d.Node.ComplaintsFiled
		if got.TotalCount != want || len(got.Nodes) != want {
			t.Errorf("%s: %d complaints (%d listed), want %d", role, got.TotalCount, len(got.Nodes), want)
		}
		for _, n := range got.Nodes {
			if role == access.Officer && n.HandledBy.Code != "PIO-40" {
				t.Errorf("the officer sees a complaint handled by %s", n.HandledBy.Code)
			}
		}
	}
	if own == all {
		t.Fatal("the fixture has no complaint handled elsewhere")
	}
}

// TestNarrowedListsStayBatched checks that an officer's narrowed
// complaintsFiled is read by level like anyone's: the look-ahead announces
// the keys the resolvers load.
func TestNarrowedListsStayBatched(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{Debug: true, BatchWait: -1})
	officer := s.As(s.NewKey(t, access.NewKey{Name: "khon-kaen", Role: access.Officer, OfficeCode: "PIO-40"}))
	q := `{ members(first: 50, filter: {officeCode: "PIO-40"}) { nodes { complaintsFiled(first: 3) {
		totalCount nodes { referenceNo factory { name } } } } } }`
	// members, their complaints, the complaints' count, their factories
	for name, srv := range map[string]*gqltest.Server{"admin": s, "officer": officer} {
		if n := statements(t, srv, q, nil); n != 4 {
			t.Errorf("%s: %d statements, want 4", name, n)
		}
	}
}
