package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"eilnet/internal/access"
	"eilnet/internal/gqltest"
	"eilnet/internal/limits"
)

// abuse is one abusive request and the answer it must get.
type abuse struct {
	name        string
	method      string // POST when empty
	contentType string // application/json when empty
	header      http.Header
	body        []byte // for POST
	query       string // for GET: the URL's query
	status      int
	code        string
}

func gqlBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

func repeat(s string, n int, sep string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strings.ReplaceAll(s, "#", strconv.Itoa(i))
	}
	return strings.Join(parts, sep)
}

func abuses() []abuse {
	deep := "{ complaints(first: 1) { nodes { factory { province { office { province { office { province { office { province { office { province { office { code } } } } } } } } } } } } } }"
	fragmentBomb := "fragment F0 on Province { code nameTh nameEn }\n"
	for i := 1; i <= 40; i++ {
		fragmentBomb += fmt.Sprintf("fragment F%d on Province { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	fragmentBomb += "{ provinces { ...F40 } }"
	nestedVars := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	ids := make([]string, 6000)
	for i := range ids {
		ids[i] = "TWVtYmVyOjE"
	}
	post := func(name, query string, vars map[string]any, status int, code string) abuse {
		return abuse{name: name, body: gqlBody(query, vars), status: status, code: code}
	}
	return []abuse{
		post("deep nesting", deep, nil, 422, "QUERY_TOO_COMPLEX"),
		post("alias bomb", "{ "+repeat("a#: provinces { code }", 1000, " ")+" }", nil, 422, "QUERY_TOO_COMPLEX"),
		post("fragment bomb", fragmentBomb, nil, 422, "QUERY_TOO_COMPLEX"),
		// Fragments no operation spreads are validated all the same.
		post("unused fragment", "fragment F on Province {"+strings.Repeat(" code", 9985)+" } { viewer { role } }", nil, 422, "QUERY_TOO_COMPLEX"),
		post("unused fragment bomb", strings.TrimSuffix(fragmentBomb, "{ provinces { ...F40 } }")+"{ viewer { role } }", nil, 422, "QUERY_TOO_COMPLEX"),
		post("circular fragments", "fragment A on Province { office { province { ...B } } } fragment B on Province { office { province { ...A } } } { provinces { ...A } }", nil, 400, "GRAPHQL_VALIDATION_FAILED"),
		post("self-spreading fragment", "fragment A on Province { ...A } { provinces { ...A } }", nil, 400, "GRAPHQL_VALIDATION_FAILED"),
		post("huge first", "{ factories(first: 1000000) { nodes { name } } }", nil, 200, "BAD_USER_INPUT"),
		post("negative first", "{ factories(first: -1) { nodes { name } } }", nil, 200, "BAD_USER_INPUT"),
		post("first beyond 32 bits", "{ factories(first: 2147483648) { nodes { name } } }", nil, 200, "BAD_USER_INPUT"),
		post("giant number literal", "{ factories(first: "+strings.Repeat("9", 5000)+") { nodes { name } } }", nil, 400, "GRAPHQL_VALIDATION_FAILED"),
		post("giant number variable", "query($n: Int) { factories(first: $n) { nodes { name } } }", map[string]any{"n": json.Number("1e400")}, 400, "GRAPHQL_VALIDATION_FAILED"),
		post("giant string argument", `query($t: String!) { search(text: $t) { score } }`, map[string]any{"t": strings.Repeat("โรงงาน", 50000)}, 200, "BAD_USER_INPUT"),
		post("giant string literal", `{ search(text: "`+strings.Repeat("a", 900000)+`") { score } }`, nil, 200, "BAD_USER_INPUT"),
		post("too many tokens", "{ provinces { "+strings.Repeat("code ", 12000)+"} }", nil, 422, "QUERY_TOO_COMPLEX"),
		post("too many root fields", "{ "+repeat("p#: province(code: \"40\") { code }", 25, " ")+" }", nil, 422, "QUERY_TOO_COMPLEX"),
		post("directive bomb", "{ provinces { "+repeat("code @include(if: true)", 60, " ")+" } }", nil, 422, "QUERY_TOO_COMPLEX"),
		post("thousand-operation document", repeat("query Q# { viewer { role } }", 1000, "\n"), nil, 400, "GRAPHQL_VALIDATION_FAILED"),
		post("introspection many times over", "{ __schema { "+repeat("t#: types { fields { name } }", 50, " ")+" } }", nil, 422, "QUERY_TOO_COMPLEX"),
		post("costly nesting", "{ members(first: 100) { nodes { seminars(first: 100) { nodes { attendees(first: 100) { nodes { sector } } } } } } }", nil, 422, "QUERY_TOO_COMPLEX"),
		post("six thousand ids", "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", map[string]any{"ids": ids}, 422, "QUERY_TOO_COMPLEX"),
		post("malformed cursor", `{ factories(after: "bm90IGEgY3Vyc29y") { totalCount } }`, nil, 200, "BAD_USER_INPUT"),
		{name: "unknown operation name", body: []byte(`{"query": "query A { viewer { role } }", "operationName": "B"}`), status: 400, code: "GRAPHQL_VALIDATION_FAILED"},
		post("syntax error", "{ provinces { code ", nil, 400, "GRAPHQL_PARSE_FAILED"),
		post("NUL in the query", "{ provinces \x00 { code } }", nil, 400, "GRAPHQL_PARSE_FAILED"),
		post("wrong variable type", "query($n: Int) { factories(first: $n) { totalCount } }", map[string]any{"n": "ten"}, 400, "GRAPHQL_VALIDATION_FAILED"),
		{name: "thousand-operation batch", body: []byte("[" + repeat(`{"query": "{ viewer { role } }"}`, 1000, ",") + "]"), status: 400, code: "BAD_REQUEST"},
		{name: "two-operation batch", body: []byte(`[{"query": "{ viewer { role } }"}, {"query": "{ viewer { role } }"}]`), status: 400, code: "BAD_REQUEST"},
		{name: "invalid UTF-8", body: []byte("{\"query\": \"{ search(text: \\\"\xff\xfe\xfd\\\") { score } }\"}"), status: 400, code: "BAD_REQUEST"},
		{name: "deeply nested variables", body: []byte(`{"query": "{ viewer { role } }", "variables": {"x": ` + nestedVars + `}}`), status: 400, code: "BAD_REQUEST"},
		{name: "query that is not a string", body: []byte(`{"query": 42}`), status: 400, code: "BAD_REQUEST"},
		{name: "body over the limit", body: gqlBody("{ viewer { role } }", map[string]any{"x": strings.Repeat("x", 2<<20)}), status: 413, code: "PAYLOAD_TOO_LARGE"},
		{name: "empty body", body: nil, status: 400, code: "BAD_REQUEST"},
		{name: "text/plain", contentType: "text/plain", body: []byte("{ viewer { role } }"), status: 415, code: "BAD_REQUEST"},
		{name: "form post", contentType: "application/x-www-form-urlencoded", body: []byte("query=%7B%20viewer%20%7B%20role%20%7D%20%7D"), status: 415, code: "BAD_REQUEST"},
		{name: "multipart upload", contentType: "multipart/form-data; boundary=x", body: []byte("--x\r\n\r\n--x--"), status: 415, code: "BAD_REQUEST"},
		{name: "mutation in a GET", method: "GET", query: "query=" + url.QueryEscape(`mutation { fileComplaint(input: {category: NOISE, description: "x", provinceCode: "40"}) { id } }`), status: 405, code: "BAD_REQUEST"},
		{name: "invalid UTF-8 in a GET", method: "GET", query: "query=%7B%20search(text%3A%20%22%FF%FF%22)%20%7B%20score%20%7D%20%7D", status: 400, code: "BAD_REQUEST"},
		{name: "DELETE", method: "DELETE", status: 405, code: "BAD_REQUEST"},
		{name: "unknown persisted query", body: []byte(`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + strings.Repeat("ab", 32) + `"}}}`), status: 200, code: "PERSISTED_QUERY_NOT_FOUND"},
		{name: "persisted query of another text", body: []byte(`{"query": "{ viewer { role } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + strings.Repeat("ab", 32) + `"}}}`), status: 400, code: "BAD_REQUEST"},
		{name: "malformed persisted query", body: []byte(`{"query": "{ viewer { role } }", "extensions": {"persistedQuery": {"version": 2, "sha256Hash": 7}}}`), status: 400, code: "BAD_REQUEST"},
		{name: "unknown API key", header: http.Header{"Authorization": {"Bearer eil_forged"}}, body: gqlBody("{ viewer { role } }", nil), status: 401, code: "UNAUTHENTICATED"},
	}
}

// TestAbusiveRequests sends each abusive request while a normal query runs
// in a loop: each gets its own code and status, and the normal query keeps
// being answered.
func TestAbusiveRequests(t *testing.T) {
	s := newSeededServer(t)
	anonymous := s.As("")
	battery := abuses()
	if len(battery) < 30 {
		t.Fatalf("only %d abusive requests", len(battery))
	}

	ctx, stop := context.WithCancel(t.Context())
	var normal, failed atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			r, err := s.Send(ctx, `{ province(code: "40") { nameEn factories(first: 3) { totalCount } } }`, nil, nil)
			if ctx.Err() != nil {
				return
			}
			if err != nil || r.Status != 200 || len(r.Errors) > 0 || !strings.Contains(string(r.Data), "Khon Kaen") {
				failed.Add(1)
				t.Errorf("the normal query failed during the battery: %v %d %+v", err, r.Status, r.Errors)
			}
			normal.Add(1)
		}
	})

	for _, a := range battery {
		t.Run(a.name, func(t *testing.T) {
			method := a.method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, anonymous.URL+"/query?"+a.query, bytes.NewReader(a.body))
			if err != nil {
				t.Fatal(err)
			}
			if method != http.MethodGet {
				ct := a.contentType
				if ct == "" {
					ct = "application/json"
				}
				req.Header.Set("Content-Type", ct)
			}
			req.Header.Set("Accept", "application/graphql-response+json")
			for k, v := range a.header {
				req.Header[k] = v
			}
			start := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			r := gqltest.Decode(t, resp)
			if r.Status != a.status || len(r.Errors) == 0 || r.Errors[0].Code() != a.code {
				t.Errorf("HTTP %d %+v, want %d %s", r.Status, firstErrors(r.Errors), a.status, a.code)
			}
			for _, e := range r.Errors {
				if len(e.Message) > 500 || strings.Contains(e.Message, "goroutine") || strings.Contains(e.Message, "SQL") {
					t.Errorf("error message leaks or quotes: %.200q", e.Message)
				}
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v to refuse", d)
			}
		})
	}
	stop()
	wg.Wait()
	if normal.Load() == 0 || failed.Load() > 0 {
		t.Errorf("normal queries: %d answered, %d failed", normal.Load(), failed.Load())
	}
	if code, body := gqltest.Get(t, s.URL+"/healthz"); code != 200 {
		t.Errorf("healthz after the battery: %d %s", code, body)
	}
}

func firstErrors(errs []gqltest.Error) []gqltest.Error {
	if len(errs) > 3 {
		return errs[:3]
	}
	return errs
}

// TestCostAndRate checks the cost reported with every answer, the
// per-request limit, and the budget: past it, 429 with Retry-After (when
// the bucket holds what the request costs), for that caller only.
func TestCostAndRate(t *testing.T) {
	cfg := limits.Defaults()
	// An hour's budget: the buckets refill by less than a point in the
	// seconds the test takes, so what is left is exact.
	cfg.Window = time.Hour
	cfg.Budget[access.Anonymous] = 200
	cfg.Budget[access.Partner] = 1000
	perPoint := time.Hour / 200
	s := gqltest.NewServer(t, newSeededServer(t).DB, gqltest.Options{Limits: &cfg})
	anonymous := s.As("")
	provinces := `{ provinces { code } }` // 77 points

	// The bucket is full again when what was spent has flowed back in
	// (what flows back while the test runs, and RFC 3339's whole seconds,
	// make it a second or two sooner).
	for i, remaining := range []int{123, 46} {
		start := time.Now()
		r := anonymous.Query(t, provinces, nil)
		cost, _ := r.Extensions["cost"].(map[string]any)
		reset, err := time.Parse(time.RFC3339, fmt.Sprint(cost["resetAt"]))
		full := time.Duration(200-remaining) * perPoint
		if r.Status != 200 || len(r.Errors) > 0 || cost["requested"] != 77.0 || cost["remaining"] != float64(remaining) ||
			err != nil || reset.Before(start.Add(full).Add(-3*time.Second)) || reset.After(time.Now().Add(full).Add(time.Second)) {
			t.Fatalf("request %d: HTTP %d cost %v %+v", i, r.Status, cost, r.Errors)
		}
	}
	// Refused, it costs its parsing: a point.
	r := anonymous.Query(t, provinces, nil)
	cost, _ := r.Extensions["cost"].(map[string]any)
	if r.Status != 429 || len(r.Errors) != 1 || r.Errors[0].Code() != "RATE_LIMITED" || r.Data != nil ||
		cost["remaining"] != 45.0 || cost["requested"] != 77.0 {
		t.Fatalf("over budget: HTTP %d %s cost %v %+v", r.Status, r.Data, cost, r.Errors)
	}
	// 31 points more were needed: 31 × 18 s.
	wait := (31 * perPoint).Seconds()
	retry, ok := r.Errors[0].Extensions["retryAfter"].(float64)
	if !ok || retry < wait-2 || retry > wait+1 {
		t.Errorf("retryAfter %v, want %.0f", r.Errors[0].Extensions["retryAfter"], wait)
	}
	// A cheaper query still fits what is left.
	if r := anonymous.Query(t, `{ province(code: "40") { code } }`, nil); r.Status != 200 || len(r.Errors) > 0 {
		t.Errorf("a query within the rest of the budget: %d %+v", r.Status, r.Errors)
	}
	// Each key has its own budget.
	partner := s.As(s.NewKey(t, access.NewKey{Name: "partner", Role: access.Partner}))
	if r := partner.Query(t, provinces, nil); r.Status != 200 || r.Extensions["cost"].(map[string]any)["remaining"] != 923.0 {
		t.Errorf("the partner's budget: %d %v", r.Status, r.Extensions)
	}
	// Over what the caller's bucket can hold (here less than --max-cost):
	// refused before it runs, with its cost; it spends only its parsing.
	q, vars := contractQuery(t, "seminar_history")
	r = partner.As("").Query(t, q, vars)
	if r.Status != 422 || len(r.Errors) != 1 || r.Errors[0].Code() != "QUERY_TOO_COMPLEX" ||
		r.Errors[0].Extensions["cost"] != 7701.0 || r.Errors[0].Extensions["limit"] != 200.0 {
		t.Errorf("seminar history as ANONYMOUS (a bucket of 200 points): %d %+v", r.Status, r.Errors)
	}
	left := r.Extensions["cost"].(map[string]any)["remaining"].(float64)

	// Sent last, to one server only (the twin would count apart): a
	// mutation sent with GET is refused before it runs, and costs only
	// its parsing; a 429 says when to retry in its header too.
	resp, err := http.Get(s.URL + "/query?query=" + url.QueryEscape(`mutation { fileComplaint(input: {category: NOISE, description: "x", provinceCode: "40"}) { id } }`))
	if err != nil {
		t.Fatal(err)
	}
	get := gqltest.Decode(t, resp)
	resp.Body.Close()
	if cost, _ := get.Extensions["cost"].(map[string]any); get.Status != 405 || resp.Header.Get("Allow") != "POST" ||
		cost["requested"] != 1.0 || cost["remaining"] != left-1 {
		t.Errorf("mutation in a GET: HTTP %d Allow %q %v", get.Status, resp.Header.Get("Allow"), get.Extensions)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/query", bytes.NewReader(gqlBody(provinces, nil)))
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// What is left (left-1, about 30) is 47 points short.
	wait = ((77 - (left - 1)) * float64(perPoint)) / float64(time.Second)
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); resp.StatusCode != 429 || err != nil || float64(secs) < wait-2 || float64(secs) > wait+1 {
		t.Errorf("HTTP %d Retry-After %q, want %.0f", resp.StatusCode, resp.Header.Get("Retry-After"), wait)
	}

	// The dashboard fits the anonymous limit.
	dashboard, _ := contractQuery(t, "dashboard_overview")
	cfg2 := limits.Defaults()
	fresh := gqltest.NewServer(t, s.DB, gqltest.Options{Limits: &cfg2}).As("")
	if r := fresh.Query(t, dashboard, nil); r.Status != 200 || len(r.Errors) > 0 || r.Extensions["cost"].(map[string]any)["requested"] != 2156.0 {
		t.Errorf("dashboard as ANONYMOUS: %d %+v %v", r.Status, r.Errors, r.Extensions)
	}
}

// TestPersistedQueries checks Apollo's automatic persisted queries, and
// keys limited to registered operations.
func TestPersistedQueries(t *testing.T) {
	s := newSeededServer(t)
	query := `query Viewer { viewer { role } }`
	hash := access.QueryHash(query)
	send := func(srv *gqltest.Server, body string) gqltest.Response {
		return srv.PostJSON(t, []byte(body))
	}
	hashOnly := `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + hash + `"}}}`
	withText := `{"query": "` + query + `", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + hash + `"}}}`
	if r := send(s, hashOnly); len(r.Errors) != 1 || r.Errors[0].Code() != "PERSISTED_QUERY_NOT_FOUND" || r.Errors[0].Message != "PersistedQueryNotFound" {
		t.Fatalf("unknown hash: %+v", r.Errors)
	}
	if r := send(s, withText); len(r.Errors) > 0 || string(r.Data) != `{"viewer":{"role":"ADMIN"}}` {
		t.Fatalf("hash with text: %s %+v", r.Data, r.Errors)
	}
	if r := send(s, hashOnly); len(r.Errors) > 0 || string(r.Data) != `{"viewer":{"role":"ADMIN"}}` {
		t.Fatalf("hash alone once known: %s %+v", r.Data, r.Errors)
	}

	// A long query is remembered too: the caches are bounded by the bytes
	// they hold, not by the length of one query
	// (TestParsedCacheBoundedByMemory).
	long := `query Long { viewer { role } } # ` + strings.Repeat("x", 70<<10)
	longBody, _ := json.Marshal(map[string]any{"query": long,
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": access.QueryHash(long)}}})
	if r := send(s, string(longBody)); len(r.Errors) > 0 || string(r.Data) != `{"viewer":{"role":"ADMIN"}}` {
		t.Fatalf("long query with its hash: %s %+v", r.Data, r.Errors)
	}
	longHash := `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + access.QueryHash(long) + `"}}}`
	if r := send(s, longHash); len(r.Errors) > 0 || string(r.Data) != `{"viewer":{"role":"ADMIN"}}` {
		t.Errorf("long query by hash: %s %+v", r.Data, r.Errors)
	}

	// A registered-only key runs registered operations only, by text or
	// by hash, even before any client sent their text.
	only := s.As(s.NewKey(t, access.NewKey{Name: "registered", Role: access.Partner, RegisteredOnly: true}))
	lookup, vars := contractQuery(t, "partner_factory_lookup")
	vars["reg"] = "nothing"
	r, err := only.Send(t.Context(), lookup, vars, nil)
	if err != nil || r.Status != 403 || len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" {
		t.Fatalf("unregistered operation: %v %d %+v", err, r.Status, r.Errors)
	}
	registeredHash, name, err := access.RegisterOperation(t.Context(), s.DB, lookup)
	if err != nil || name != "PartnerFactoryLookup" {
		t.Fatal(name, err)
	}
	if r, err := only.Send(t.Context(), lookup, vars, nil); err != nil || r.Status != 200 || len(r.Errors) > 0 || string(r.Data) != `{"factory":null}` {
		t.Errorf("registered operation by text: %v %d %s %+v", err, r.Status, r.Data, r.Errors)
	}
	body, _ := json.Marshal(map[string]any{"variables": vars,
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": registeredHash}}})
	if r := send(only, string(body)); r.Status != 200 || len(r.Errors) > 0 || string(r.Data) != `{"factory":null}` {
		t.Errorf("registered operation by hash: %d %s %+v", r.Status, r.Data, r.Errors)
	}
	if r := send(only, hashOnly); r.Status != 403 || len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" {
		t.Errorf("a persisted but unregistered query: %d %+v", r.Status, r.Errors)
	}
}

// TestIntrospectionSwitch checks that introspection can be switched off.
func TestIntrospectionSwitch(t *testing.T) {
	s := newSeededServer(t)
	q := `{ __schema { queryType { name } } }`
	if r := s.Query(t, q, nil); len(r.Errors) > 0 || string(r.Data) != `{"__schema":{"queryType":{"name":"Query"}}}` {
		t.Errorf("introspection on: %s %+v", r.Data, r.Errors)
	}
	off := gqltest.NewServer(t, s.DB, gqltest.Options{NoIntrospection: true})
	if r := off.Query(t, q, nil); len(r.Errors) != 1 || r.Errors[0].Code() == "" {
		t.Errorf("introspection off: %s %+v", r.Data, r.Errors)
	}
}

// FuzzRequest sends arbitrary bytes as a request: as a POST body of some
// content type, or as a GET's query. Every answer must be a GraphQL
// response whose errors have codes, never a 5xx or a panic.
func FuzzRequest(f *testing.F) {
	cfg := limits.Defaults()
	cfg.Budget = nil // the fuzzer is no abuser of budgets
	s := gqltest.NewServer(f, newSeededServer(f).DB, gqltest.Options{Limits: &cfg, RequestTimeout: 2 * time.Second})
	for _, a := range abuses() {
		if len(a.body) < 4096 {
			f.Add(a.body, uint8(0), false)
		}
	}
	for _, name := range []string{"dashboard_overview", "partner_factory_lookup", "node_refetch"} {
		q, vars := contractQuery(f, name)
		f.Add(gqlBody(q, vars), uint8(0), false)
		f.Add([]byte(q), uint8(0), true)
	}
	contentTypes := []string{"application/json", "application/json; charset=utf-8", "text/plain", "application/graphql", ""}
	f.Fuzz(func(t *testing.T, body []byte, contentType uint8, get bool) {
		var req *http.Request
		if get {
			req = httptest.NewRequest(http.MethodGet, "/query?query="+url.QueryEscape(string(body)), nil)
		} else {
			req = httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
			if ct := contentTypes[int(contentType)%len(contentTypes)]; ct != "" {
				req.Header.Set("Content-Type", ct)
			}
		}
		rec := httptest.NewRecorder()
		s.Handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("HTTP %d for %q: %s", rec.Code, body, rec.Body)
		}
		var resp struct {
			Data   json.RawMessage
			Errors []gqltest.Error
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("HTTP %d answer is not JSON: %v\n%s", rec.Code, err, rec.Body)
		}
		for _, e := range resp.Errors {
			if e.Code() == "" || e.Code() == "INTERNAL_SERVER_ERROR" {
				t.Fatalf("error without a client code for %q: %+v", body, e)
			}
		}
	})
}

// A request refused for its size or shape costs its caller the parsing it
// took (a point per 100 bytes), and a caller whose budget is spent gets
// nothing parsed: refusals cannot be sent for free.
func TestRefusalsCost(t *testing.T) {
	cfg := limits.Defaults()
	cfg.Budget[access.Anonymous] = 300
	s := gqltest.NewServer(t, newSeededServer(t).DB, gqltest.Options{Limits: &cfg}).As("")
	bomb := "fragment F on Province {" + strings.Repeat(" code", 3000) + " } { viewer { role } }"
	for i, want := range []struct {
		status    int
		code      string
		remaining float64
	}{{422, "QUERY_TOO_COMPLEX", 300 - float64(len(bomb)/100)}, {422, "QUERY_TOO_COMPLEX", 0}, {429, "RATE_LIMITED", 0}} {
		r := s.Query(t, bomb, nil)
		cost, _ := r.Extensions["cost"].(map[string]any)
		if r.Status != want.status || len(r.Errors) != 1 || r.Errors[0].Code() != want.code || cost["remaining"] != want.remaining {
			t.Errorf("refused request %d: HTTP %d %+v cost %v", i+1, r.Status, r.Errors, cost)
		}
	}
	if r := s.Query(t, `{ viewer { role } }`, nil); r.Status != 429 || len(r.Errors) != 1 || r.Errors[0].Code() != "RATE_LIMITED" {
		t.Errorf("a small query with the budget spent: HTTP %d %+v", r.Status, r.Errors)
	}

	// Refused by the validator or for its cost, a request has cost its
	// parsing all the same.
	cfg = limits.Defaults()
	cfg.Window = time.Hour // nothing flows back in while the test runs
	cfg.Budget[access.Anonymous] = 300
	s = gqltest.NewServer(t, s.DB, gqltest.Options{Limits: &cfg}).As("")
	invalid := `{ provinces { noSuchField } }` + strings.Repeat(" ", 300)
	dear := `{ search(text: "ศิ", first: 1) { score } }`
	for i, c := range []struct {
		query, code string
		remaining   float64
	}{{invalid, "GRAPHQL_VALIDATION_FAILED", 297}, {dear, "QUERY_TOO_COMPLEX", 296}} {
		r := s.Query(t, c.query, nil)
		cost, _ := r.Extensions["cost"].(map[string]any)
		if len(r.Errors) != 1 || r.Errors[0].Code() != c.code || cost["remaining"] != c.remaining {
			t.Errorf("refusal %d: HTTP %d %+v cost %v", i+1, r.Status, r.Errors, cost)
		}
	}
}

// A request refused before it ran, for what its client sent, is answered
// after the refusal delay: a client looping on refusals gets one answer
// per connection per delay, whatever it sends. Not the persisted-query
// miss every Apollo client meets.
func TestRefusalsAreHeld(t *testing.T) {
	const delay = 500 * time.Millisecond
	s := gqltest.NewServer(t, newSeededServer(t).DB, gqltest.Options{RefusalDelay: delay})
	timed := func(send func() gqltest.Response) (gqltest.Response, time.Duration) {
		start := time.Now()
		r := send()
		return r, time.Since(start)
	}
	anonymous := s.As("")
	for _, c := range []struct {
		name, query, code string
	}{
		{"syntax", `{ provinces { code }`, "GRAPHQL_PARSE_FAILED"},
		{"validation", `{ provinces { noSuchField } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"too dear", `{ search(text: "ศิ", first: 1) { score } }`, "QUERY_TOO_COMPLEX"},
		{"too deep", `{ provinces { factories { nodes { province { factories { nodes { province { factories { nodes { province { code } } } } } } } } } } }`, "QUERY_TOO_COMPLEX"},
	} {
		r, took := timed(func() gqltest.Response { return anonymous.Query(t, c.query, nil) })
		if len(r.Errors) != 1 || r.Errors[0].Code() != c.code || took < delay {
			t.Errorf("%s: answered after %s: HTTP %d %+v", c.name, took, r.Status, r.Errors)
		}
	}
	r, took := timed(func() gqltest.Response { return s.As("eil_nosuchkey").Query(t, `{ viewer { role } }`, nil) })
	if r.Status != 401 || took < delay {
		t.Errorf("a bad key: answered after %s: HTTP %d %+v", took, r.Status, r.Errors)
	}
	r, took = timed(func() gqltest.Response {
		return anonymous.PostJSON(t, []byte(`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "`+access.QueryHash("{ viewer { role } }")+`"}}}`))
	})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "PERSISTED_QUERY_NOT_FOUND" || took >= delay {
		t.Errorf("a persisted-query miss: answered after %s: %+v", took, r.Errors)
	}
	if r, took := timed(func() gqltest.Response { return anonymous.Query(t, `{ viewer { role } }`, nil) }); len(r.Errors) > 0 || took >= delay {
		t.Errorf("a good query: answered after %s: %+v", took, r.Errors)
	}
}

// Anonymous operations run at once only up to AnonymousInFlight points
// together; the others wait their turn, and keyed callers do not wait.
func TestAnonymousShare(t *testing.T) {
	cfg := limits.Defaults()
	cfg.AnonymousInFlight = 50
	s := gqltest.NewServer(t, newSeededServer(t).DB, gqltest.Options{Limits: &cfg, RequestTimeout: 10 * time.Second})
	anonymous := s.As("")
	release := s.DB.Lock(t, "factories")
	defer release()
	type answer struct {
		r   gqltest.Response
		err error
	}
	send := func(query string) chan answer {
		c := make(chan answer, 1)
		go func() {
			r, err := anonymous.Send(t.Context(), query, nil, nil)
			c <- answer{r, err}
		}()
		return c
	}
	first := send(`{ factories(first: 20) { nodes { name } } }`)
	s.DB.AwaitLockWaiter(t)
	// 77 points: more than is left of the share while the first runs.
	second := send(`{ provinces { code } }`)
	if r := s.Query(t, `{ provinces { code } }`, nil); r.Status != 200 || len(r.Errors) > 0 {
		t.Errorf("a keyed query while anonymous ones wait: HTTP %d %+v", r.Status, r.Errors)
	}
	select {
	case a := <-second:
		t.Fatalf("the second anonymous query ran beside the first: HTTP %d %+v %v", a.r.Status, a.r.Errors, a.err)
	case <-time.After(300 * time.Millisecond):
	}
	release()
	for i, c := range []chan answer{first, second} {
		select {
		case a := <-c:
			if a.err != nil || a.r.Status != 200 || len(a.r.Errors) > 0 {
				t.Errorf("anonymous query %d: HTTP %d %+v %v", i+1, a.r.Status, a.r.Errors, a.err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("anonymous query %d did not finish once the lock was gone", i+1)
		}
	}
}

// Writes are priced and bounded apart from reads: each mutation field
// costs WriteCost points besides its selection, a request holds at most
// MaxWrites of them, and a caller runs at most its write budget a minute.
// A refused request writes nothing.
func TestWritesAreBounded(t *testing.T) {
	cfg := limits.Defaults()
	cfg.Window = time.Hour // little flows back into the bucket while the test runs
	cfg.WriteBudget[access.Anonymous] = 3
	s := gqltest.NewServer(t, newSeededServer(t).DB, gqltest.Options{Limits: &cfg})
	anonymous := s.As("")
	files := func(n int) string {
		var b strings.Builder
		b.WriteString("mutation {")
		for i := range n {
			fmt.Fprintf(&b, ` f%d: fileComplaint(input: {category: NOISE, description: "เสียงดังกลางคืน", provinceCode: "40"}) { id }`, i)
		}
		b.WriteString(" }")
		return b.String()
	}
	count := func() int {
		var n int
		if err := s.DB.Get(&n, `SELECT count(*) FROM complaints`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	r := anonymous.Query(t, files(limits.Defaults().MaxWrites+1), nil)
	if r.Status != 422 || len(r.Errors) != 1 || r.Errors[0].Code() != "QUERY_TOO_COMPLEX" || r.Errors[0].Extensions["writes"] != 11.0 {
		t.Errorf("11 writes in one request: HTTP %d %+v", r.Status, r.Errors)
	}
	r = anonymous.Query(t, files(2), nil)
	cost, _ := r.Extensions["cost"].(map[string]any)
	if r.Status != 200 || len(r.Errors) > 0 || cost["requested"] != float64(2*(limits.WriteCost+1)) {
		t.Errorf("2 writes: HTTP %d %+v cost %v", r.Status, r.Errors, r.Extensions["cost"])
	}
	left, _ := cost["remaining"].(float64)
	// Refused for its writes, the request gets back its points but for
	// its parsing: a refusal is never free.
	r = anonymous.Query(t, files(2), nil)
	after, _ := r.Extensions["cost"].(map[string]any)["remaining"].(float64)
	if r.Status != 429 || len(r.Errors) != 1 || r.Errors[0].Code() != "RATE_LIMITED" || after >= left || after < left-10 {
		t.Errorf("2 writes past a budget of 3: HTTP %d %+v, %v points left of %v", r.Status, r.Errors, after, left)
	}
	if n := count(); n != before+2 {
		t.Errorf("%d complaints filed, want the 2 of the request allowed", n-before)
	}
	// The budget is per caller: a key has its own.
	partner := s.As(s.NewKey(t, access.NewKey{Name: "writes-partner", Role: access.Partner}))
	if r := partner.Query(t, files(2), nil); r.Status != 200 || len(r.Errors) > 0 {
		t.Errorf("a partner's writes: HTTP %d %+v", r.Status, r.Errors)
	}
}
