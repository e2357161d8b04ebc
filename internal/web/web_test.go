package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"eilnet/internal/access"
	"eilnet/internal/browsertest"
	"eilnet/internal/dbtest"
	"eilnet/internal/gqltest"
)

// exchange sends one request as a browser or a client library would, and
// answers the response with its body as it came (not decompressed).
func exchange(t *testing.T, method, target string, header http.Header, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func jsonPost(accept string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	if accept != "" {
		h.Set("Accept", accept)
	}
	return h
}

func body(query string, vars map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return string(b)
}

// A page of another origin may call the API only when --cors-origins
// lists that origin (or *): preflights are answered with the methods,
// headers and max-age, and every answer varies by Origin.
func TestCrossOrigin(t *testing.T) {
	db := dbtest.Seeded(t)
	const dash = "https://dash.example.go.th"
	preflight := http.Header{
		"Origin":                        {dash},
		"Access-Control-Request-Method": {"POST"},
		// As browsers send it: lower case, sorted, no spaces.
		"Access-Control-Request-Headers": {"authorization,content-type,idempotency-key"},
	}
	listed := gqltest.NewServer(t, db, gqltest.Options{CORSOrigins: []string{dash}})
	resp, _ := exchange(t, http.MethodOptions, listed.URL+"/query", preflight, "")
	h := resp.Header
	if resp.StatusCode/100 != 2 || h.Get("Access-Control-Allow-Origin") != dash ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "authorization") ||
		!strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "idempotency-key") ||
		h.Get("Access-Control-Max-Age") != "600" || h.Get("Access-Control-Allow-Credentials") != "" ||
		!strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
		t.Errorf("preflight from a listed origin: HTTP %d %v", resp.StatusCode, h)
	}
	post := jsonPost("")
	post.Set("Origin", dash)
	resp, b := exchange(t, http.MethodPost, listed.URL+"/query", post, body(`{ province(code: "40") { code } }`, nil))
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != dash ||
		!strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") ||
		!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "Retry-After") {
		t.Errorf("POST from a listed origin: HTTP %d %v %s", resp.StatusCode, resp.Header, b)
	}
	other := preflight.Clone()
	other.Set("Origin", "https://evil.example")
	if resp, _ := exchange(t, http.MethodOptions, listed.URL+"/query", other, ""); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from an origin not listed: %v", resp.Header)
	}
	// By default, same-origin only: no page of another origin can read.
	none := gqltest.NewServer(t, db, gqltest.Options{})
	if resp, _ := exchange(t, http.MethodOptions, none.URL+"/query", preflight, ""); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight with no origins configured: %v", resp.Header)
	}
	any := gqltest.NewServer(t, db, gqltest.Options{CORSOrigins: []string{"*"}})
	resp, _ = exchange(t, http.MethodOptions, any.URL+"/query", preflight, "")
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("preflight with *: %v", resp.Header)
	}
}

// Answers are compressed for clients that accept gzip, and vary by it.
func TestCompression(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{})
	query := body(`{ provinces { code nameTh nameEn office { code nameTh } } }`, nil)
	plain, want := exchange(t, http.MethodPost, s.URL+"/query", jsonPost(""), query)
	h := jsonPost("")
	h.Set("Accept-Encoding", "gzip")
	resp, zipped := exchange(t, http.MethodPost, s.URL+"/query", h, query)
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Accept-Encoding") ||
		len(zipped) >= len(want)/2 {
		t.Fatalf("HTTP %d %v: %d bytes zipped, %d plain", resp.StatusCode, resp.Header, len(zipped), len(want))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	// The answers differ only in what is left of the budget.
	data := func(b []byte) string { return string(b[:bytes.Index(b, []byte(`"extensions"`))]) }
	if err != nil || data(got) != data(want) || plain.Header.Get("Content-Encoding") != "" {
		t.Errorf("unzipped answer differs (%v): %d bytes, want %d", err, len(got), len(want))
	}
}

// GET answers say how they may be kept: an anonymous answer by any cache
// for --cache-max-age with an ETag (304 when the client has it), a keyed
// one nowhere; HEAD answers the same headers without a body.
func TestGETCaching(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{CacheMaxAge: 30e9})
	target := s.URL + "/query?query=" + url.QueryEscape(`{ province(code: "40") { code nameTh } }`)
	resp, first := exchange(t, http.MethodGet, target, nil, "")
	etag := resp.Header.Get("ETag")
	vary := strings.Join(resp.Header.Values("Vary"), ",")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=30" || !strings.HasPrefix(etag, `W/"`) ||
		!strings.Contains(vary, "Authorization") || !strings.Contains(vary, "Accept") {
		t.Fatalf("anonymous GET: HTTP %d %v %s", resp.StatusCode, resp.Header, first)
	}
	// What a shared cache keeps shows no caller's budget.
	if !bytes.Contains(first, []byte(`"extensions":{"cost":{"requested":1}}`)) {
		t.Errorf("a cacheable answer's extensions: %s", first)
	}
	resp, b := exchange(t, http.MethodGet, target, http.Header{"If-None-Match": {etag}}, "")
	if resp.StatusCode != http.StatusNotModified || len(b) != 0 || resp.Header.Get("ETag") != etag {
		t.Errorf("GET with the ETag: HTTP %d %v %q", resp.StatusCode, resp.Header, b)
	}
	if resp, b := exchange(t, http.MethodGet, target, http.Header{"If-None-Match": {`W/"other"`}}, ""); resp.StatusCode != 200 || resp.Header.Get("ETag") != etag {
		t.Errorf("GET with another ETag: HTTP %d %q", resp.StatusCode, b)
	}
	resp, b = exchange(t, http.MethodHead, target, nil, "")
	if resp.StatusCode != 200 || len(b) != 0 || resp.Header.Get("ETag") != etag || resp.Header.Get("Cache-Control") != "public, max-age=30" {
		t.Errorf("HEAD: HTTP %d %v %q", resp.StatusCode, resp.Header, b)
	}
	key := s.NewKey(t, access.NewKey{Name: "cache-partner", Role: access.Partner})
	resp, _ = exchange(t, http.MethodGet, target, http.Header{"Authorization": {"Bearer " + key}}, "")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("ETag") != "" {
		t.Errorf("keyed GET: HTTP %d %v", resp.StatusCode, resp.Header)
	}
	bad := s.URL + "/query?query=" + url.QueryEscape(`{ province(code: "40") { noSuchField } }`)
	if resp, _ := exchange(t, http.MethodGet, bad, nil, ""); resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("GET with errors: HTTP %d %v", resp.StatusCode, resp.Header)
	}
}

// Answers come in the media type the client accepts (GraphQL over HTTP):
// application/graphql-response+json with 4xx and no data for a request
// that did not run; application/json, the legacy type, with 200 and the
// errors for a document that fails, so that every client can read its
// code; 400 for parameters that are not a GraphQL request.
func TestMediaTypes(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{})
	invalid := body(`{ provinces { noSuchField } }`, nil)
	coerce := body(`query($n: Int!) { complaints(first: $n) { totalCount } }`, map[string]any{"n": "many"})
	for _, c := range []struct {
		name, accept, body string
		status             int
		media, code        string
	}{
		{"valid, modern", "application/graphql-response+json", body(`{ __typename }`, nil), 200, "application/graphql-response+json", ""},
		{"valid, legacy", "application/json", body(`{ __typename }`, nil), 200, "application/json", ""},
		{"valid, anything", "*/*", body(`{ __typename }`, nil), 200, "application/json", ""},
		{"valid, nothing said", "", body(`{ __typename }`, nil), 200, "application/json", ""},
		{"preferred by q", "application/json;q=0.5, application/graphql-response+json", body(`{ __typename }`, nil), 200, "application/graphql-response+json", ""},
		{"legacy refused, anything else", "application/json;q=0, */*", body(`{ __typename }`, nil), 200, "application/graphql-response+json", ""},
		{"a tie", "application/json, application/graphql-response+json", body(`{ __typename }`, nil), 200, "application/graphql-response+json", ""},
		{"neither", "text/html", body(`{ __typename }`, nil), 200, "application/json", ""},
		{"invalid, modern", "application/graphql-response+json", invalid, 400, "application/graphql-response+json", "GRAPHQL_VALIDATION_FAILED"},
		{"invalid, legacy", "application/json", invalid, 200, "application/json", "GRAPHQL_VALIDATION_FAILED"},
		{"syntax, modern", "application/graphql-response+json", body(`{ provinces {`, nil), 400, "application/graphql-response+json", "GRAPHQL_PARSE_FAILED"},
		{"syntax, legacy", "application/json", body(`{ provinces {`, nil), 200, "application/json", "GRAPHQL_PARSE_FAILED"},
		{"coercion, modern", "application/graphql-response+json", coerce, 400, "application/graphql-response+json", "GRAPHQL_VALIDATION_FAILED"},
		{"coercion, legacy", "application/json", coerce, 200, "application/json", "GRAPHQL_VALIDATION_FAILED"},
		{"too dear, legacy", "application/json", body(`{ search(text: "ศิ", first: 1) { score } }`, nil), 200, "application/json", "QUERY_TOO_COMPLEX"},
		{"no query", "application/json", `{"qeury": "{ __typename }"}`, 400, "application/json", "BAD_REQUEST"},
		{"query not a string", "application/json", `{"query": 0}`, 400, "application/json", "BAD_REQUEST"},
		{"not JSON", "application/graphql-response+json", `{ "not a JSON`, 400, "application/graphql-response+json", "BAD_REQUEST"},
	} {
		resp, b := exchange(t, http.MethodPost, s.As("").URL+"/query", jsonPost(c.accept), c.body)
		var r struct {
			Data   *json.RawMessage
			Errors []struct{ Extensions struct{ Code string } }
		}
		media, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		err := json.Unmarshal(b, &r)
		hasData := bytes.Contains(b, []byte(`"data":`))
		code := ""
		if len(r.Errors) > 0 {
			code = r.Errors[0].Extensions.Code
		}
		if err != nil || resp.StatusCode != c.status || media != c.media || code != c.code || hasData != (c.code == "") {
			t.Errorf("%s: HTTP %d %s: %s", c.name, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	}
}

// The GraphQL over HTTP spec's own audit (graphql-http's auditServer)
// passes whole: every MUST, SHOULD and MAY.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{})
	out := browsertest.Node(t, []string{"URL=" + s.URL + "/query"}, filepath.Join("testdata", "audit.js"))
	var results []struct{ ID, Name, Status, Reason string }
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("the audit's output: %v\n%s", err, out)
	}
	passed, total := map[string]int{}, map[string]int{}
	for _, r := range results {
		level := strings.Fields(r.Name)[0]
		total[level]++
		if r.Status == "ok" {
			passed[level]++
		} else {
			t.Errorf("%s %s: %s %s", r.ID, r.Name, r.Status, r.Reason)
		}
	}
	t.Logf("graphql-http audit: MUST %d/%d, SHOULD %d/%d, MAY %d/%d",
		passed["MUST"], total["MUST"], passed["SHOULD"], total["SHOULD"], passed["MAY"], total["MAY"])
	if len(results) < 61 {
		t.Errorf("the audit ran %d checks", len(results))
	}
}

// An operation that defers a part is answered in parts (multipart/mixed,
// read here with a multipart reader): first what was not deferred, then
// the deferred fields at their path, with their values. A client that
// does not accept parts is refused, never answered nulls.
func TestDefer(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{})
	// office has a resolver: gqlgen defers only what it resolves apart.
	query := body(`{ province(code: "40") { code ... @defer(label: "office") { office { code } } } }`, nil)
	resp, b := exchange(t, http.MethodPost, s.URL+"/query", jsonPost("multipart/mixed;deferSpec=20220824, application/json"), query)
	media, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || resp.StatusCode != 200 || media != "multipart/mixed" || params["deferspec"] != "20220824" {
		t.Fatalf("HTTP %d %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	mr := multipart.NewReader(bytes.NewReader(b), params["boundary"])
	var parts []map[string]any
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("part %d: %v\n%s", len(parts)+1, err, b)
		}
		var v map[string]any
		if err := json.NewDecoder(p).Decode(&v); err != nil {
			t.Fatalf("part %d is not JSON: %v", len(parts)+1, err)
		}
		parts = append(parts, v)
	}
	if len(parts) != 2 {
		t.Fatalf("%d parts: %v", len(parts), parts)
	}
	first, _ := json.Marshal(parts[0]["data"])
	if !strings.HasPrefix(string(first), `{"province":{"code":"40"`) || strings.Contains(string(first), "PIO-40") || parts[0]["hasNext"] != true {
		t.Errorf("first part: %v", parts[0])
	}
	later, _ := json.Marshal(parts[1])
	if !strings.Contains(string(later), `"data":{"office":{"code":"PIO-40"}}`) ||
		!strings.Contains(string(later), `"label":"office"`) || !strings.Contains(string(later), `"path":["province"]`) ||
		parts[1]["hasNext"] != false {
		t.Errorf("deferred part: %s", later)
	}
	resp, b = exchange(t, http.MethodPost, s.URL+"/query", jsonPost("application/json"), query)
	if resp.StatusCode != http.StatusNotAcceptable || !strings.Contains(string(b), "multipart/mixed") || bytes.Contains(b, []byte(`"data"`)) {
		t.Errorf("deferring without accepting parts: HTTP %d %s", resp.StatusCode, b)
	}
}

// /metrics shows the database pool and the build, counts requests in
// buckets up to the request timeout, and does not count OPTIONS.
func TestMetricsEdge(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{RequestTimeout: 30e9})
	exchange(t, http.MethodOptions, s.URL+"/query", nil, "")
	exchange(t, http.MethodHead, s.URL+"/query?query="+url.QueryEscape(`{ __typename }`), nil, "")
	status, text := s.Get(t, "/metrics")
	if status != 200 {
		t.Fatalf("/metrics: %d", status)
	}
	for _, want := range []string{
		`go_sql_open_connections{db_name="serving"}`,
		`go_build_info{`,
		`eilnet_graphql_request_duration_seconds_bucket{operation="anonymous",le="30"}`,
		`eilnet_graphql_requests_total{operation="anonymous",outcome="ok"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, `outcome=""`) {
		t.Errorf("/metrics counts a request with no outcome:\n%s", grep(text, "eilnet_graphql_requests_total"))
	}
}

func grep(text, prefix string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			fmt.Fprintln(&b, line)
		}
	}
	return b.String()
}
