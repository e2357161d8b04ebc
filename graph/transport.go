package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/idempotency"
	"eilnet/internal/limits"
)

// The transports below replace gqlgen's POST and GET transports so that
// every refused request answers a GraphQL error with extensions.code (gqlgen's
// own give none, and quote the whole body back), and so that the body is
// bounded.

// postJSON serves POST requests with a JSON body.
type postJSON struct {
	maxBody int64
	g       *guard
}

func (postJSON) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("Upgrade") != "" {
		return false
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == "application/json"
}

func (t postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	w.Header().Set("Content-Type", "application/json")
	start := graphql.Now()

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, t.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			t.g.refuse(ctx, w, exec, http.StatusRequestEntityTooLarge, apperr.PayloadTooLarge,
				"the request body is larger than the limit of %d bytes", t.maxBody)
			return
		}
		// The body's read deadline is the request's (internal/web).
		if errors.Is(err, os.ErrDeadlineExceeded) || ctx.Err() != nil {
			apperr.RetryLater(w.Header())
			t.g.refuse(ctx, w, exec, http.StatusServiceUnavailable, apperr.Timeout, "the request body did not arrive in time")
			return
		}
		t.g.refuse(ctx, w, exec, http.StatusBadRequest, apperr.BadRequest, "the request body could not be read")
		return
	}
	// encoding/json would quietly replace invalid UTF-8 with U+FFFD: what
	// runs would not be what the client sent.
	if !utf8.Valid(body) {
		t.g.refuse(ctx, w, exec, http.StatusBadRequest, apperr.BadRequest, "the request body is not valid UTF-8")
		return
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '[' {
		t.g.refuse(ctx, w, exec, http.StatusBadRequest, apperr.BadRequest,
			"batched operations are not served: send one operation per request")
		return
	}
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		t.g.refuse(ctx, w, exec, http.StatusBadRequest, apperr.BadRequest,
			`the request body must be one JSON object with "query" and optionally "variables" and "operationName"`)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	if key := r.Header.Values("Idempotency-Key"); len(key) > 0 {
		if err := idempotency.Check(key[0]); len(key) > 1 || err != nil {
			t.g.refuse(ctx, w, exec, http.StatusBadRequest, apperr.BadRequest,
				"Idempotency-Key must be one header of 1 to %d visible ASCII characters", idempotency.MaxKeyLength)
			return
		}
		ctx = idempotency.WithKey(ctx, key[0])
	}
	t.g.execute(ctx, w, exec, params)
}

// getQuery serves GET requests with the query in the URL. They may only
// read: a GET must not change anything.
type getQuery struct {
	g *guard
}

func (getQuery) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

func (t getQuery) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	w.Header().Set("Content-Type", "application/json")
	start := graphql.Now()
	q := r.URL.Query()
	for _, values := range q {
		for _, v := range values {
			if !utf8.ValidString(v) {
				t.g.refuse(ctx, w, exec, http.StatusBadRequest, apperr.BadRequest, "the URL's parameters are not valid UTF-8")
				return
			}
		}
	}
	params := &graphql.RawParams{
		Query:         q.Get("query"),
		OperationName: q.Get("operationName"),
		Headers:       r.Header,
	}
	for _, p := range []struct {
		name string
		into any
	}{{"variables", &params.Variables}, {"extensions", &params.Extensions}} {
		if v := q.Get(p.name); v != "" {
			dec := json.NewDecoder(bytes.NewReader([]byte(v)))
			dec.UseNumber()
			if err := dec.Decode(p.into); err != nil {
				t.g.refuse(ctx, w, exec, http.StatusBadRequest, apperr.BadRequest, "the %s parameter is not a JSON object", p.name)
				return
			}
		}
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	// A GET must not change anything.
	t.g.execute(withReadOnly(ctx), w, exec, params)
}

// unsupported answers every request the other transports do not take.
type unsupported struct {
	g *guard
}

func (unsupported) Supports(*http.Request) bool { return true }

func (t unsupported) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Allow", "GET, POST, OPTIONS")
	status := http.StatusUnsupportedMediaType
	if r.Method != http.MethodPost {
		status = http.StatusMethodNotAllowed
	}
	t.g.refuse(r.Context(), w, exec, status, apperr.BadRequest,
		"send GraphQL as a POST with Content-Type application/json, or as a GET with the query in the URL")
}

// execute runs a decoded request. Requests refused before they run answer
// the HTTP status of their error's code.
func (g *guard) execute(ctx context.Context, w http.ResponseWriter, exec graphql.GraphExecutor, params *graphql.RawParams) {
	ctx, m := withMeter(ctx)
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		g.refused(ctx, m, params.Query, resp.Errors)
		w.WriteHeader(g.status(w, errs))
		g.write(ctx, w, m, resp)
		return
	}
	if g.anonymous != nil && access.From(ctx).Role == access.Anonymous {
		// Anonymous work waits its turn, in order of arrival, within its
		// deadline: what anonymous callers run at once is bounded by
		// its cost, so that keyed callers keep the rest of the machine.
		share := min(int64(m.usage.Requested), int64(g.cfg.AnonymousInFlight))
		if err := g.anonymous.Acquire(ctx, share); err != nil {
			g.ended(ctx, w, exec, m)
			return
		}
		defer g.anonymous.Release(share)
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen answers nothing when the request's context ended before
		// the operation ran: the deadline passed while the request was
		// read or checked, the server is stopping, or the client went
		// away.
		g.ended(ctx, w, exec, m)
		return
	}
	// A database outage is the same answer for every caller: 503, and
	// when to come back. Not for a mutation: one of its fields may have
	// written before the fault (its answer then null all the same, the
	// fields being non-null), and a client retrying a 503 would write it
	// twice; the error's code tells it what happened.
	for _, e := range resp.Errors {
		if e.Extensions["code"] == string(apperr.ServiceUnavailable) && rc.Operation.Operation != ast.Mutation {
			apperr.RetryLater(w.Header())
			w.WriteHeader(http.StatusServiceUnavailable)
			break
		}
	}
	g.write(ctx, w, m, resp)
}

// ended answers a request whose context ended before its operation ran.
func (g *guard) ended(ctx context.Context, w http.ResponseWriter, exec graphql.GraphExecutor, m *meter) {
	e, ok := apperr.Ended(ctx)
	if !ok {
		g.log.InfoContext(ctx, "client went away before its operation ran")
	}
	err := gqlerror.WrapPath(nil, e)
	// Nothing ran: 503, and when to come back.
	apperr.RetryLater(w.Header())
	w.WriteHeader(http.StatusServiceUnavailable)
	g.write(ctx, w, m, exec.DispatchError(ctx, gqlerror.List{err}))
}

// status is the HTTP status of a request refused with errs.
func (g *guard) status(w http.ResponseWriter, errs gqlerror.List) int {
	if e, ok := errors.AsType[*apperr.Error](errs[0]); ok {
		switch e.Code {
		case apperr.RateLimited:
			w.Header().Set("Retry-After", fmt.Sprint(e.Details["retryAfter"]))
		case apperr.BadRequest:
			if allow, ok := e.Details["allow"].(string); ok {
				w.Header().Set("Allow", allow)
				return http.StatusMethodNotAllowed
			}
		case apperr.ServiceUnavailable, apperr.Timeout:
			apperr.RetryLater(w.Header())
		}
		status, _ := apperr.Status(e.Code)
		return status
	}
	switch {
	case errcode.GetErrorKind(errs) == errcode.KindProtocol:
		return http.StatusUnprocessableEntity
	case errs[0].Err != nil:
		// The guard could not read what it needed (the database).
		apperr.RetryLater(w.Header())
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}

// refused charges a request refused before it ran (for what it sent) the
// parsing it took, unless a refusal charged it already, and holds its
// answer for the refusal delay. Not a refusal for the server's sake (the
// database, the deadline, a shutdown), nor the persisted-query miss
// Apollo's clients meet on every first request of a query.
func (g *guard) refused(ctx context.Context, m *meter, query string, errs gqlerror.List) {
	code, _ := errs[0].Extensions["code"].(string)
	switch apperr.Code(code) {
	case apperr.PersistedQueryNotFound, apperr.ServiceUnavailable, apperr.Timeout, apperr.Internal:
		return
	}
	caller := access.From(ctx)
	if a := g.cfg.Allowance(caller.Role); a.Rate > 0 && !m.set {
		m.record(g.budgets.Charge(caller.Owner(), a, refusalCost(query)))
	}
	limits.Pause(ctx, g.cfg.RefusalDelay)
}

// refuse answers a request that is not a GraphQL request the server takes.
func (g *guard) refuse(ctx context.Context, w http.ResponseWriter, exec graphql.GraphExecutor, status int, code apperr.Code, format string, args ...any) {
	if code != apperr.Timeout {
		limits.Pause(ctx, g.cfg.RefusalDelay)
	}
	w.WriteHeader(status)
	e := gqlerror.Errorf(format, args...)
	e.Extensions = map[string]any{"code": string(code)}
	g.write(ctx, w, &meter{}, exec.DispatchError(ctx, gqlerror.List{e}))
}

// write writes resp with the request's cost in its extensions.
func (g *guard) write(ctx context.Context, w io.Writer, m *meter, resp *graphql.Response) {
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["cost"] = g.report(ctx, m)
	writeJSON(w, resp)
}

// writeJSON writes a response. Its data is JSON already, written by the
// executor: json.Marshal of the whole response would scan and compact it
// again, which costs a noticeable share of a large answer's time.
func writeJSON(w io.Writer, resp *graphql.Response) {
	buf := make([]byte, 0, len(resp.Data)+64)
	buf = append(buf, '{')
	// Errors and extensions are built from marshalled values only, so
	// encoding them cannot fail.
	if len(resp.Errors) > 0 {
		errs, _ := json.Marshal(resp.Errors)
		buf = append(append(append(buf, `"errors":`...), errs...), ',')
	}
	buf = append(buf, `"data":`...)
	if len(resp.Data) > 0 {
		buf = append(buf, resp.Data...)
	} else {
		buf = append(buf, "null"...)
	}
	if len(resp.Extensions) > 0 {
		ext, _ := json.Marshal(resp.Extensions)
		buf = append(append(buf, `,"extensions":`...), ext...)
	}
	buf = append(buf, '}')
	// A failed write means the client has gone.
	w.Write(buf)
}
