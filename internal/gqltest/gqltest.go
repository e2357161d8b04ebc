// Package gqltest runs eilnet's HTTP handler against a test database and
// speaks GraphQL to it, for tests.
package gqltest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"eilnet/internal/access"
	"eilnet/internal/config"
	"eilnet/internal/dbtest"
	"eilnet/internal/limits"
	"eilnet/internal/obs"
	"eilnet/internal/refdata"
	"eilnet/internal/web"
)

// Options tune the server under test.
type Options struct {
	// BatchWait overrides the loaders' wait (default 1ms, as served; a
	// negative value means none).
	BatchWait time.Duration
	// Log receives the server's log (default: discarded).
	Log *slog.Logger
	// Debug reports each request's SQL in extensions.sql.
	Debug bool
	// NoBatching reads one parent per statement.
	NoBatching bool
	// RequestTimeout bounds each request (default: none).
	RequestTimeout time.Duration
	// Limits are the server's request limits (default: limits.Defaults).
	Limits *limits.Config
	// RefusalDelay holds refusals (limits.Config.RefusalDelay; default
	// none, whatever Limits says).
	RefusalDelay time.Duration
	// Introspection is left off when true.
	NoIntrospection bool
	// GQLGenExecutor answers queries with gqlgen's executor, not the lean
	// one, and leaves out the twin.
	GQLGenExecutor bool
	// CORSOrigins are the origins whose pages may call the API (default:
	// none).
	CORSOrigins []string
	// CacheMaxAge is the max-age of anonymous GET answers (default: 0).
	CacheMaxAge time.Duration
}

// Server is the API under test. Its requests carry the key of an ADMIN
// named "test-admin" (the first server of a database) unless As chose
// another caller.
type Server struct {
	URL string
	DB  *dbtest.DB
	// Handler is the server's handler, for tests that call it directly.
	Handler http.Handler
	// key is the API key requests present ("" for none).
	key string
	// twin serves the same database with gqlgen's executor: Query asks it
	// every query too, and fails the test when the answers differ.
	twin *Server
}

// NewServer serves the API over db, wired as the binary wires it.
func NewServer(tb testing.TB, db *dbtest.DB, opts Options) *Server {
	tb.Helper()
	switch {
	case opts.BatchWait == 0:
		opts.BatchWait = time.Millisecond
	case opts.BatchWait < 0:
		opts.BatchWait = 0
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	catalog, err := refdata.Load(context.Background(), db)
	if err != nil {
		tb.Fatalf("load reference codes: %v", err)
	}
	cfg := limits.Defaults()
	// Tests write far more from one address than a person would; the
	// write budget is tested where a test sets it.
	cfg.WriteBudget = nil
	if opts.Limits != nil {
		cfg = *opts.Limits
	}
	// Refusals are answered at once unless a test holds them.
	cfg.RefusalDelay = opts.RefusalDelay
	s := &Server{DB: db}
	s.URL, s.Handler = serve(tb, db, catalog, cfg, opts)
	// Answers that depend on timing are not compared.
	if !opts.GQLGenExecutor && opts.RequestTimeout == 0 {
		twin := opts
		twin.GQLGenExecutor = true
		twin.Log = slog.New(slog.DiscardHandler)
		s.twin = &Server{DB: db}
		s.twin.URL, s.twin.Handler = serve(tb, db, catalog, cfg, twin)
	}
	// Another server on the same database names its key after the first.
	name := "test-admin"
	var others int
	if err := db.Get(&others, `SELECT count(*) FROM api_keys WHERE name LIKE 'test-admin%'`); err != nil {
		tb.Fatal(err)
	}
	if others > 0 {
		name = fmt.Sprintf("%s-%d", name, others+1)
	}
	s.key = s.NewKey(tb, access.NewKey{Name: name, Role: access.Admin})
	if s.twin != nil {
		s.twin.key = s.key
	}
	return s
}

// serve starts the API over db as the binary wires it (web.New), with
// the settings of serve but for what the test chose.
func serve(tb testing.TB, db *dbtest.DB, catalog *refdata.Catalog, limits limits.Config, opts Options) (string, http.Handler) {
	tb.Helper()
	cfg, err := config.Parse([]string{"serve"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Limits = limits
	cfg.BatchWait, cfg.NoBatching, cfg.Debug = opts.BatchWait, opts.NoBatching, opts.Debug
	cfg.RequestTimeout, cfg.Introspection, cfg.GQLGenExecutor = opts.RequestTimeout, !opts.NoIntrospection, opts.GQLGenExecutor
	cfg.CORSOrigins, cfg.CacheMaxAge = opts.CORSOrigins, opts.CacheMaxAge
	// Keys are looked up on every request: a test revokes one and sees
	// it refused at once.
	cfg.KeyCacheTTL = 0
	h, err := web.New(cfg, web.Deps{DB: db.DB, Probe: db, Catalog: catalog, Log: opts.Log, Metrics: obs.NewMetrics(cfg.RequestTimeout)})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL, h
}

// NewKey creates an API key and answers it.
func (s *Server) NewKey(tb testing.TB, k access.NewKey) string {
	tb.Helper()
	key, err := access.CreateKey(context.Background(), s.DB, k)
	if err != nil {
		tb.Fatalf("create key %s: %v", k.Name, err)
	}
	return key
}

// As is the server seen by a caller presenting key ("" for none:
// ANONYMOUS).
func (s *Server) As(key string) *Server {
	c := *s
	c.key = key
	if s.twin != nil {
		c.twin = s.twin.As(key)
	}
	return &c
}

// Response is a GraphQL response with its HTTP status.
type Response struct {
	Status     int             `json:"-"`
	Data       json.RawMessage `json:"data"`
	Errors     []Error         `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
	// raw is the body as it came.
	raw []byte
}

// Error is a GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is the error's extensions.code.
func (e Error) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// Field is the error's extensions.field: the input field at fault.
func (e Error) Field() string {
	f, _ := e.Extensions["field"].(string)
	return f
}

// Query posts query with vars and fails the test on transport errors.
func (s *Server) Query(tb testing.TB, query string, vars map[string]any) Response {
	tb.Helper()
	r, err := s.Send(context.Background(), query, vars, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if s.twin != nil && readOnly(query) {
		t, err := s.twin.Send(context.Background(), query, vars, nil)
		if err != nil {
			tb.Fatal(err)
		}
		if a, b := comparable(r), comparable(t); a != b {
			tb.Errorf("the lean executor and gqlgen's answer differently:\nlean:   %s\ngqlgen: %s", a, b)
		}
	}
	return r
}

// readOnly tells whether a document holds only queries: asking one twice
// changes nothing.
func readOnly(query string) bool {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return true
	}
	for _, op := range doc.Operations {
		if op.Operation != ast.Query {
			return false
		}
	}
	return true
}

// comparable is what both executors must agree on in a response: its
// status, its data byte for byte, and its errors whole (locations too), in
// any order (gqlgen's executor reports them as its goroutines finish).
func comparable(r Response) string {
	var body struct {
		Errors []json.RawMessage `json:"errors"`
	}
	_ = json.Unmarshal(r.raw, &body)
	errs := make([]string, len(body.Errors))
	for i, e := range body.Errors {
		errs[i] = string(e)
	}
	slices.Sort(errs)
	return fmt.Sprintf("HTTP %d\ndata: %s\nerrors: %s", r.Status, r.Data, strings.Join(errs, "\n  "))
}

// Send posts query with vars and the given headers. It answers transport
// errors rather than failing the test, so that any goroutine may call it.
func (s *Server) Send(ctx context.Context, query string, vars map[string]any, header http.Header) (Response, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return Response{}, fmt.Errorf("encode request: %w", err)
	}
	return s.send(ctx, body, header)
}

// PostJSON posts body, JSON as it is, to /query with the server's key.
func (s *Server) PostJSON(tb testing.TB, body []byte) Response {
	tb.Helper()
	r, err := s.send(context.Background(), body, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// send posts body to /query with the server's key and header.
func (s *Server) send(ctx context.Context, body []byte, header http.Header) (Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/query", bytes.NewReader(body))
	if err != nil {
		return Response{}, err
	}
	if s.key != "" {
		req.Header.Set("Authorization", "Bearer "+s.key)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	if req.Header.Get("Accept") == "" {
		// What Apollo Client 4 sends: GraphQL over HTTP's media type,
		// legacy JSON after it.
		req.Header.Set("Accept", "application/graphql-response+json, application/json;q=0.9")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Response{}, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return Response{}, fmt.Errorf("read response: %w", err)
	}
	r := Response{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, &r); err != nil {
		return Response{}, fmt.Errorf("response (HTTP %d) is not GraphQL JSON: %v\n%s", resp.StatusCode, err, raw)
	}
	r.Status, r.raw = resp.StatusCode, raw
	return r, nil
}

// Decode reads a GraphQL response.
func Decode(tb testing.TB, resp *http.Response) Response {
	tb.Helper()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read response: %v", err)
	}
	var r Response
	if err := json.Unmarshal(raw, &r); err != nil {
		tb.Fatalf("response (HTTP %d) is not GraphQL JSON: %v\n%s", resp.StatusCode, err, raw)
	}
	r.Status = resp.StatusCode
	return r
}

// MustData fails the test when r has errors, and decodes its data into v.
func (r Response) MustData(tb testing.TB, v any) {
	tb.Helper()
	if len(r.Errors) > 0 {
		tb.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		tb.Fatalf("decode data: %v\n%s", err, r.Data)
	}
}

// Get fetches path of the server with the server's key, and answers its
// status and body.
func (s *Server) Get(tb testing.TB, path string) (int, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if s.key != "" {
		req.Header.Set("Authorization", "Bearer "+s.key)
	}
	return get(tb, req)
}

// Get fetches url and answers its status and body.
func Get(tb testing.TB, url string) (int, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return get(tb, req)
}

func get(tb testing.TB, req *http.Request) (int, string) {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
