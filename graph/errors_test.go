package graph_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/gqltest"
)

func TestBadInput(t *testing.T) {
	s := newSeededServer(t)
	var cursors struct {
		Open    struct{ PageInfo struct{ EndCursor string } }
		Members struct{ PageInfo struct{ EndCursor string } }
		Khon    struct {
			Factories struct{ PageInfo struct{ EndCursor string } }
		}
	}
	s.Query(t, `{
		open: complaints(first: 2, filter: {status: [RECEIVED]}) { pageInfo { endCursor } }
		members(first: 2) { pageInfo { endCursor } }
		khon: province(code: "40") { factories(first: 2) { pageInfo { endCursor } } }
	}`, nil).MustData(t, &cursors)

	cases := []struct {
		name   string
		query  string
		vars   map[string]any
		code   string
		status int
	}{
		{"malformed id", `{ node(id: "not-an-id") { id } }`, nil, "BAD_USER_INPUT", 200},
		{"id of an unknown type", `{ node(id: "VXNlcjox") { id } }`, nil, "BAD_USER_INPUT", 200}, // "User:1"
		{"malformed id among nodes", `{ nodes(ids: ["UHJvdmluY2U6NDA", "%%%"]) { id } }`, nil, "BAD_USER_INPUT", 200},
		{"too many ids", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
			map[string]any{"ids": strings.Split(strings.Repeat("UHJvdmluY2U6NDA,", 101)[:16*101-1], ",")}, "BAD_USER_INPUT", 200},
		{"malformed cursor", `{ complaints(after: "bm90IGEgY3Vyc29y") { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"cursor of another filter", `query($c: String) { complaints(after: $c, filter: {status: [INVESTIGATING]}) { totalCount } }`,
			map[string]any{"c": cursors.Open.PageInfo.EndCursor}, "BAD_USER_INPUT", 200},
		{"cursor of another order", `query($c: String) { complaints(after: $c, filter: {status: [RECEIVED]}, orderBy: {field: FILED_AT, direction: ASC}) { totalCount } }`,
			map[string]any{"c": cursors.Open.PageInfo.EndCursor}, "BAD_USER_INPUT", 200},
		{"cursor of another list", `query($c: String) { factories(after: $c) { totalCount } }`,
			map[string]any{"c": cursors.Members.PageInfo.EndCursor}, "BAD_USER_INPUT", 200},
		{"cursor of another parent", `query($c: String) { province(code: "41") { factories(first: 2, after: $c) { totalCount } } }`,
			map[string]any{"c": cursors.Khon.Factories.PageInfo.EndCursor}, "BAD_USER_INPUT", 200},
		{"first above 100", `{ members(first: 101) { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"negative first", `{ province(code: "40") { members(first: -1) { totalCount } } }`, nil, "BAD_USER_INPUT", 200},
		{"first beyond Int", `{ members(first: 99999999999) { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"unknown province in a filter", `{ factories(filter: {provinceCode: "99"}) { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"unknown office in a filter", `{ members(filter: {officeCode: "PIO-10"}) { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"province code not two digits", `{ province(code: "Khon Kaen") { code } }`, nil, "BAD_USER_INPUT", 200},
		{"unknown inspection zone", `{ provinces(inspectionZone: 19) { code } }`, nil, "BAD_USER_INPUT", 200},
		{"fiscal year out of range", `{ complaints(filter: {fiscalYear: 2025}) { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"factory category out of range", `{ factories(filter: {category: 4}) { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"unknown factory type", `{ factories(filter: {typeCode: 7}) { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"date that does not exist", `{ members(filter: {joinedFrom: "2023-02-30"}) { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"date in a variable", `query($d: Date) { members(filter: {joinedTo: $d}) { totalCount } }`, map[string]any{"d": "yesterday"}, "BAD_USER_INPUT", 200},
		{"instant without zone", `{ complaints(filter: {filedFrom: "2024-01-01T00:00:00"}) { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"range that ends before it starts", `{ members(filter: {joinedFrom: "2024-01-01", joinedTo: "2023-01-01"}) { totalCount } }`, nil, "BAD_USER_INPUT", 200},
		{"syntax error", `{ provinces { code `, nil, "GRAPHQL_PARSE_FAILED", 400},
		{"unknown field", `{ provinces { population } }`, nil, "GRAPHQL_VALIDATION_FAILED", 400},
		{"variable of the wrong type", `query($fy: Int!) { seminars(filter: {fiscalYear: $fy}) { totalCount } }`,
			map[string]any{"fy": "last year"}, "GRAPHQL_VALIDATION_FAILED", 400},
		{"missing variable", `query($reg: String!) { factory(registrationNo: $reg) { name } }`, nil, "GRAPHQL_VALIDATION_FAILED", 400},
		{"unknown enum value", `{ members(filter: {sector: ACADEMIC}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", 400},
		// PostgreSQL's text cannot hold U+0000: the request is refused,
		// naming the input, before any statement fails on it.
		{"NUL in a registration number", `{ factory(registrationNo: "a\u0000") { name } }`, nil, "BAD_USER_INPUT", 400},
		{"NUL in a reference number", `{ complaint(referenceNo: "2567/\u0000") { status } }`, nil, "BAD_USER_INPUT", 400},
		{"NUL in an office code", `{ office(code: "PIO-\u000040") { code } }`, nil, "BAD_USER_INPUT", 400},
		{"NUL in a filter", `{ factories(filter: {search: "ศิลา\u0000"}) { totalCount } }`, nil, "BAD_USER_INPUT", 400},
		{"NUL in a variable", `query($t: String!) { search(text: $t) { score } }`, map[string]any{"t": "x\x00"}, "BAD_USER_INPUT", 400},
		{"NUL in an input", `mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id } }`,
			map[string]any{"i": map[string]any{"category": "ODOR", "description": "กลิ่น\x00", "provinceCode": "40"}}, "BAD_USER_INPUT", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := s.Query(t, c.query, c.vars)
			if resp.Status != c.status {
				t.Errorf("HTTP %d, want %d", resp.Status, c.status)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("no error; data %s", resp.Data)
			}
			if got := resp.Errors[0].Code(); got != c.code {
				t.Errorf("code %q (%s), want %q", got, resp.Errors[0].Message, c.code)
			}
			if strings.HasPrefix(c.name, "NUL") && resp.Errors[0].Field() == "" {
				t.Errorf("the error names no input field: %+v", resp.Errors[0])
			}
		})
	}

	// Unknown things that may be asked for answer null, without error.
	var found struct {
		Province  *struct{ Code string }
		Office    *struct{ Code string }
		Node      *struct{ ID string }
		Complaint *struct{ ReferenceNo string }
	}
	s.Query(t, `{ province(code: "99") { code } office(code: "PIO-99") { code }
		node(id: "RmFjdG9yeTo5OTk5OTk5") { id } complaint(referenceNo: "2567/999999") { referenceNo } }`, nil).MustData(t, &found)
	if found.Province != nil || found.Office != nil || found.Node != nil || found.Complaint != nil {
		t.Errorf("unknown objects found: %+v", found)
	}
}

func TestBadRequests(t *testing.T) {
	s := newSeededServer(t)
	cases := []struct {
		name        string
		method      string
		contentType string
		body        []byte
		url         string
		code        string
		status      int
	}{
		{"malformed JSON", "POST", "application/json", []byte(`{"query": "{ provinces { code } }"`), "", "BAD_REQUEST", 400},
		{"JSON that is not an object", "POST", "application/json", []byte(`"{ provinces { code } }"`), "", "BAD_REQUEST", 400},
		{"body over the limit", "POST", "application/json",
			append(append([]byte(`{"query": "{ provinces { code } }", "variables": {"x": "`), bytes.Repeat([]byte("ก"), 1<<19)...), `"}}`...),
			"", "PAYLOAD_TOO_LARGE", 413},
		{"wrong content type", "POST", "text/plain", []byte(`{ provinces { code } }`), "", "BAD_REQUEST", 415},
		{"wrong method", "PUT", "application/json", []byte(`{"query": "{ provinces { code } }"}`), "", "BAD_REQUEST", 405},
		{"GET with malformed variables", "GET", "", nil, "?query=%7B%20provinces%20%7B%20code%20%7D%20%7D&variables=%7Bx", "BAD_REQUEST", 400},
		{"GET without query", "GET", "", nil, "", "BAD_REQUEST", 400},
		{"GET with a mutation", "GET", "", nil, "?query=" + url.QueryEscape(
			`mutation { fileComplaint(input: {category: ODOR, description: "x", provinceCode: "40"}) { id } }`), "BAD_REQUEST", 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, s.URL+"/query"+c.url, bytes.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			r := gqltest.Decode(t, resp)
			if r.Status != c.status {
				t.Errorf("HTTP %d, want %d", r.Status, c.status)
			}
			if len(r.Errors) != 1 || r.Errors[0].Code() != c.code {
				t.Fatalf("errors %+v, want one with code %s", r.Errors, c.code)
			}
			if strings.Contains(r.Errors[0].Message, "provinces") {
				t.Errorf("the error quotes the request back: %q", r.Errors[0].Message)
			}
		})
	}
	if n := count(t, s.DB, `SELECT count(*) FROM audit_log`); n != 0 {
		t.Errorf("a refused request wrote %d audit records", n)
	}
	// A GET may read.
	resp, err := http.Get(s.URL + "/query?query=%7B%20province(code%3A%20%2240%22)%20%7B%20nameEn%20%7D%20%7D")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var data struct{ Province struct{ NameEn string } }
	gqltest.Decode(t, resp).MustData(t, &data)
	if data.Province.NameEn != "Khon Kaen" {
		t.Errorf("GET answered %+v", data)
	}
}

// A fault of the server shows as "internal error" at the field's path:
// no SQL, no stack, and the rest of the answer is served.
func TestInternalErrorsAreOpaque(t *testing.T) {
	db := dbtest.Seeded(t)
	s := gqltest.NewServer(t, db, gqltest.Options{})
	if _, err := db.Exec(`ALTER TABLE awards RENAME TO awards_moved`); err != nil {
		t.Fatal(err)
	}
	resp := s.Query(t, `{ province(code: "40") { nameEn } node(id: "TWVtYmVyOjE") { ... on Member { fullName awards { level } } } }`, nil)
	if resp.Status != 200 || len(resp.Errors) != 1 {
		t.Fatalf("HTTP %d, errors %+v", resp.Status, resp.Errors)
	}
	e := resp.Errors[0]
	if e.Message != "internal error" || e.Code() != "INTERNAL_SERVER_ERROR" || len(e.Path) == 0 {
		t.Errorf("error %+v", e)
	}
	if !strings.Contains(string(resp.Data), "Khon Kaen") {
		t.Errorf("the rest of the answer is missing: %s", resp.Data)
	}
	// And the server goes on serving.
	var data struct{ Province struct{ NameEn string } }
	s.Query(t, `{ province(code: "40") { nameEn } }`, nil).MustData(t, &data)
	if data.Province.NameEn != "Khon Kaen" {
		t.Errorf("after the fault: %+v", data)
	}
}
