package endpoint

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/idempotency"
	"eilnet/internal/limits"
	"eilnet/internal/postgres"
)

// The endpoint reads GraphQL requests itself rather than through
// gqlgen's transports, so that every refused request answers a GraphQL
// error with extensions.code (gqlgen's give none, and quote the whole body
// back), the body is bounded, and the answer's media type and status
// follow GraphQL over HTTP.

// exchange is one request and its answer as the endpoint sees them.
type exchange struct {
	start time.Time
	w     http.ResponseWriter
	// media is the answer's media type, as negotiated; parts tells
	// whether the client accepts multipart/mixed (@defer).
	media  string
	parts  bool
	caller access.Caller
	stats  *postgres.Stats
	// usage is what the request cost and what is left of its caller's
	// budget, once the guard knows; metered tells whether it does.
	usage   limits.Usage
	metered bool
	// mutation tells an operation that may have written.
	mutation bool
	// get tells a GET (or HEAD), whose answer says how it may be cached;
	// ifNoneMatch are its validators of the answer it holds.
	get         bool
	ifNoneMatch []string
	// operation, outcome and status are what the metrics and the log
	// record.
	operation, outcome string
	status             int
}

func (x *exchange) meter(u limits.Usage) { x.usage, x.metered = u, true }

// The media types of answers: the one GraphQL over HTTP defines, and the
// legacy one every client understands.
const (
	graphQLResponse = "application/graphql-response+json"
	legacyJSON      = "application/json"
)

// negotiate chooses the answer's media type from the request's Accept
// headers: application/graphql-response+json when the client prefers it
// (by q-value; the first listed on a tie), else application/json, which
// is also the answer to a client that accepts anything, says nothing, or
// accepts neither (GraphQL over HTTP lets a server answer legacy JSON
// then, rather than 406).
func negotiate(accept []string) string {
	// The q-values the client gives each type, and its wildcards; a
	// wildcard speaks for application/json only where the client names
	// it not (application/json;q=0, */* refuses legacy JSON).
	q := map[string]float64{}
	wildcard := -1.0
	for _, header := range accept {
		for _, part := range strings.Split(header, ",") {
			mediaType, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			v := 1.0
			if s, ok := params["q"]; ok {
				if v, err = strconv.ParseFloat(s, 64); err != nil {
					continue
				}
			}
			switch mediaType {
			case graphQLResponse, legacyJSON:
				if old, ok := q[mediaType]; !ok || v > old {
					q[mediaType] = v
				}
			case "application/*", "*/*":
				wildcard = max(wildcard, v)
			}
		}
	}
	modern, ok := q[graphQLResponse]
	if !ok {
		modern = -1
	}
	legacy, ok := q[legacyJSON]
	if !ok {
		legacy = wildcard
	}
	if modern > 0 && modern >= legacy {
		return graphQLResponse
	}
	if legacy <= 0 && modern <= 0 && wildcard > 0 {
		// Legacy JSON refused, anything else welcome.
		return graphQLResponse
	}
	return legacyJSON
}

func isJSON(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == "application/json"
}

// post serves a POST with a JSON body.
func (e *endpoint) post(ctx context.Context, x *exchange, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(x.w, r.Body, e.opts.MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			e.refuse(ctx, x, http.StatusRequestEntityTooLarge, apperr.Errorf(apperr.PayloadTooLarge,
				"the request body is larger than the limit of %d bytes", e.opts.MaxBodyBytes))
			return
		}
		// The body's read deadline is the request's.
		if errors.Is(err, os.ErrDeadlineExceeded) || ctx.Err() != nil {
			e.refuse(ctx, x, http.StatusServiceUnavailable, apperr.Errorf(apperr.Timeout, "the request body did not arrive in time"))
			return
		}
		e.refuse(ctx, x, http.StatusBadRequest, badRequest("the request body could not be read"))
		return
	}
	// encoding/json would quietly replace invalid UTF-8 with U+FFFD: what
	// runs would not be what the client sent.
	if !utf8.Valid(body) {
		e.refuse(ctx, x, http.StatusBadRequest, badRequest("the request body is not valid UTF-8"))
		return
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '[' {
		e.refuse(ctx, x, http.StatusBadRequest, badRequest("batched operations are not served: send one operation per request"))
		return
	}
	params := &graphql.RawParams{Headers: r.Header, ReadTime: graphql.TraceTiming{Start: x.start}}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		e.refuse(ctx, x, http.StatusBadRequest, badRequest(
			`the request body must be one JSON object with "query" and optionally "variables", "operationName" and "extensions"`))
		return
	}
	params.ReadTime.End = graphql.Now()
	if key := r.Header.Values("Idempotency-Key"); len(key) > 0 {
		if err := idempotency.Check(key[0]); len(key) > 1 || err != nil {
			e.refuse(ctx, x, http.StatusBadRequest, badRequest(
				"Idempotency-Key must be one header of 1 to %d visible ASCII characters", idempotency.MaxKeyLength))
			return
		}
		ctx = idempotency.WithKey(ctx, key[0])
	}
	e.serve(ctx, x, params, false)
}

// get serves a GET (or HEAD) with the query in the URL. It may only read:
// a GET must not change anything.
func (e *endpoint) get(ctx context.Context, x *exchange, r *http.Request) {
	q := r.URL.Query()
	for _, values := range q {
		for _, v := range values {
			if !utf8.ValidString(v) {
				e.refuse(ctx, x, http.StatusBadRequest, badRequest("the URL's parameters are not valid UTF-8"))
				return
			}
		}
	}
	params := &graphql.RawParams{
		Query:         q.Get("query"),
		OperationName: q.Get("operationName"),
		Headers:       r.Header,
		ReadTime:      graphql.TraceTiming{Start: x.start, End: graphql.Now()},
	}
	for _, p := range []struct {
		name string
		into any
	}{{"variables", &params.Variables}, {"extensions", &params.Extensions}} {
		if v := q.Get(p.name); v != "" {
			dec := json.NewDecoder(strings.NewReader(v))
			dec.UseNumber()
			if err := dec.Decode(p.into); err != nil {
				e.refuse(ctx, x, http.StatusBadRequest, badRequest("the %s parameter is not a JSON object", p.name))
				return
			}
		}
	}
	x.get, x.ifNoneMatch = true, r.Header.Values("If-None-Match")
	e.serve(ctx, x, params, true)
}

func badRequest(format string, args ...any) *apperr.Error {
	return apperr.Errorf(apperr.BadRequest, format, args...)
}

// serve runs a decoded request: the guard's checks, parsing and
// validation, the guard's checks of the operation, the anonymous share,
// execution; then the answer.
func (e *endpoint) serve(ctx context.Context, x *exchange, params *graphql.RawParams, readOnly bool) {
	if params.Query == "" && params.Extensions["persistedQuery"] == nil {
		e.refuse(ctx, x, http.StatusBadRequest, badRequest(`the request has no "query"`))
		return
	}
	if err := e.checkParams(ctx, x, params); err != nil {
		e.refused(ctx, x, params.Query, gqlerror.List{err})
		return
	}
	rc, errs := e.exec.CreateOperationContext(ctx, params)
	if errs == nil {
		if err := e.checkOperation(ctx, x, rc, readOnly); err != nil {
			errs = gqlerror.List{err}
		}
	}
	if errs != nil {
		e.refused(graphql.WithOperationContext(ctx, rc), x, params.Query, errs)
		return
	}
	if rc.Operation != nil {
		x.operation = rc.Operation.Name
	}
	parts := defers(rc)
	if parts && !x.parts {
		e.refund(x, rc)
		e.chargeRefusal(x, params.Query)
		e.refuse(ctx, x, http.StatusNotAcceptable, badRequest(
			"the operation defers a part (@defer), which is answered as multipart/mixed only: send Accept: multipart/mixed;deferSpec=%s", deferSpec))
		return
	}
	x.mutation = rc.Operation.Operation == ast.Mutation
	share := int64(0)
	// The share is given back once the answer is computed, and whatever
	// happens (a panic the endpoint recovers must not keep it).
	defer func() {
		if share > 0 {
			e.anonymous.Release(share)
		}
	}()
	if e.anonymous != nil && x.caller.Role == access.Anonymous {
		// Anonymous work waits its turn, in order of arrival, within its
		// deadline: what anonymous callers run at once is bounded by its
		// cost, so that keyed callers keep the rest of the machine.
		want := min(int64(x.usage.Requested), int64(e.cfg.AnonymousInFlight))
		if err := e.anonymous.Acquire(ctx, want); err != nil {
			// Nothing ran: what it paid is given back.
			e.refund(x, rc)
			e.ended(ctx, x)
			return
		}
		share = want
	}
	responses, ctx := e.exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if parts && resp != nil {
		// The later parts are computed while the first is written: the
		// share is held until the last.
		e.answerParts(ctx, x, resp, responses)
		return
	}
	if share > 0 {
		// Released before the answer is written: a client that does not
		// read must not hold the share.
		e.anonymous.Release(share)
		share = 0
	}
	if resp == nil {
		// gqlgen answers nothing when the request's context ended before
		// the operation ran: the deadline passed while the request was
		// read or checked, the server is stopping, or the client went
		// away.
		e.ended(ctx, x)
		return
	}
	status := http.StatusOK
	// A database outage is the same answer for every caller: 503, and
	// when to come back. Not for a mutation: one of its fields may have
	// written before the fault (its answer then null all the same, the
	// fields being non-null), and a client retrying a 503 would write it
	// twice; the error's code tells it what happened.
	for _, err := range resp.Errors {
		if err.Extensions["code"] == string(apperr.ServiceUnavailable) && !x.mutation {
			status = http.StatusServiceUnavailable
			break
		}
	}
	e.answer(ctx, x, status, resp, true)
}

// ended answers a request whose context ended before its operation ran.
func (e *endpoint) ended(ctx context.Context, x *exchange) {
	cause, ok := apperr.Ended(ctx)
	if !ok {
		e.opts.Log.InfoContext(ctx, "client went away before its operation ran")
	}
	e.answer(ctx, x, http.StatusServiceUnavailable, e.exec.DispatchError(ctx, gqlerror.List{gqlerror.WrapPath(nil, cause)}), false)
}

// refused answers a request refused before it ran, with the status its
// error's code maps to. A refusal for what the client sent costs it the
// parsing it took, unless the guard charged it already, and its answer is
// held for the refusal delay; not a refusal for the server's sake (the
// database, the deadline, a shutdown), nor the persisted-query miss
// Apollo's clients meet on every first request of a query.
func (e *endpoint) refused(ctx context.Context, x *exchange, query string, errs gqlerror.List) {
	resp := e.exec.DispatchError(ctx, errs)
	code, _ := resp.Errors[0].Extensions["code"].(string)
	status := requestStatus(code, x.media, resp.Errors[0])
	if clientsFault(code) {
		if a := e.cfg.Allowance(x.caller.Role); a.Rate > 0 && !x.metered {
			x.meter(e.budgets.Charge(x.caller.Owner(), a, refusalCost(query)))
		}
		limits.Pause(ctx, e.cfg.RefusalDelay)
	}
	e.answer(ctx, x, status, resp, false)
}

// refuse answers a request that is not a GraphQL request the server takes.
func (e *endpoint) refuse(ctx context.Context, x *exchange, status int, err *apperr.Error) {
	if clientsFault(string(err.Code)) {
		limits.Pause(ctx, e.cfg.RefusalDelay)
	}
	gqlErr := gqlerror.Errorf("%s", err.Message)
	gqlErr.Extensions = map[string]any{"code": string(err.Code)}
	e.answer(ctx, x, status, e.exec.DispatchError(ctx, gqlerror.List{gqlErr}), false)
}

// unauthenticated answers a request whose caller could not be told: 401
// for a bad key (held for the refusal delay); when the keys could not be
// read, what an executed request would have answered had its SQL failed
// so (TIMEOUT, SERVICE_UNAVAILABLE).
func (e *endpoint) unauthenticated(ctx context.Context, x *exchange, err error) {
	cause, _ := errors.AsType[*apperr.Error](err)
	switch {
	case cause != nil && (cause.Code == apperr.Unauthenticated || cause.Code == apperr.RateLimited):
		if cause.Code == apperr.Unauthenticated {
			x.w.Header().Set("WWW-Authenticate", `Bearer realm="eilnet"`)
		}
		limits.Pause(ctx, e.cfg.RefusalDelay)
	case ctx.Err() != nil:
		// Out of time, the server stopping, or the client gone (and
		// reading nothing).
		cause, _ = apperr.Ended(ctx)
	case postgres.Unavailable(err):
		e.opts.Log.WarnContext(ctx, "authenticate: database unavailable", "err", err)
		cause = apperr.ErrUnavailable
	default:
		e.opts.Log.ErrorContext(ctx, "authenticate", "err", err)
		cause = apperr.Errorf(apperr.ServiceUnavailable, "the API keys cannot be read now; try again")
	}
	gqlErr := &gqlerror.Error{Message: cause.Message, Extensions: map[string]any{"code": string(cause.Code)}}
	for k, v := range cause.Details {
		gqlErr.Extensions[k] = v
	}
	e.answer(ctx, x, requestStatus(string(cause.Code), x.media, gqlErr), &graphql.Response{Errors: gqlerror.List{gqlErr}}, false)
}

// answer writes resp with status, the request's cost in its extensions
// and, in debug mode, its SQL. An answer to a request that did not run
// has no data entry (GraphQL over HTTP). A GET's answer says how it may be
// cached.
func (e *endpoint) answer(ctx context.Context, x *exchange, status int, resp *graphql.Response, executed bool) {
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["cost"] = e.report(x)
	if e.opts.Debug && x.stats != nil {
		resp.Extensions["sql"] = map[string]any{
			"statements": x.stats.Statements(),
			"ms":         float64(x.stats.Duration().Microseconds()) / 1000,
		}
	}
	e.outcomeOf(x, resp)
	h := x.w.Header()
	if status == http.StatusServiceUnavailable {
		apperr.RetryLater(h)
	}
	if len(resp.Errors) > 0 {
		if allow, ok := resp.Errors[0].Extensions["allow"].(string); ok {
			h.Set("Allow", allow)
		}
	}
	if secs, ok := retryAfterOf(resp.Errors); ok {
		h.Set("Retry-After", strconv.Itoa(secs))
	}
	h.Set("Content-Type", x.media+"; charset=utf-8")
	if x.get {
		etag := e.cacheHeaders(h, x, resp)
		if etag != "" {
			// A shared cache may give the answer to anyone: it holds no
			// one's budget.
			resp.Extensions["cost"] = map[string]any{"requested": x.usage.Requested}
		}
		// A client that holds the answer already gets 304 and no body.
		if etag != "" && matches(x.ifNoneMatch, etag) {
			x.status = http.StatusNotModified
			x.w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	x.status = status
	x.w.WriteHeader(status)
	// A failed write means the client has gone.
	x.w.Write(encode(resp, executed))
}

// outcomeOf records the outcome of an answer with errors: its first
// error's code.
func (e *endpoint) outcomeOf(x *exchange, resp *graphql.Response) {
	if len(resp.Errors) > 0 && x.outcome == "" {
		x.outcome = "error"
		if code, ok := resp.Errors[0].Extensions["code"].(string); ok {
			x.outcome = code
		}
	}
}

// retryAfterOf is the retryAfter of a RATE_LIMITED error.
func retryAfterOf(errs gqlerror.List) (int, bool) {
	for _, err := range errs {
		if err.Extensions["code"] == string(apperr.RateLimited) {
			n, ok := err.Extensions["retryAfter"].(int)
			return n, ok
		}
	}
	return 0, false
}

// cacheHeaders says how a GET's answer may be kept, and answers its ETag
// ("" for none): an anonymous answer without errors by any cache for
// CacheMaxAge (revalidated with its ETag after), a keyed one nowhere (it
// is the key's: a shared computer's browser must not keep it either), and
// an answer with errors nowhere.
func (e *endpoint) cacheHeaders(h http.Header, x *exchange, resp *graphql.Response) string {
	h.Add("Vary", "Accept, Authorization")
	if len(resp.Errors) > 0 || x.caller.Role != access.Anonymous {
		h.Set("Cache-Control", "no-store")
		return ""
	}
	// The answer's data is what it is: its extensions (what is left of
	// the caller's budget) change with every request.
	sum := sha256.Sum256(resp.Data)
	etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
	h.Set("ETag", etag)
	if age := int(e.opts.CacheMaxAge.Seconds()); age > 0 {
		h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", age))
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	return etag
}

// matches tells whether an If-None-Match header names etag (weakly, as
// GET's revalidation compares).
func matches(ifNoneMatch []string, etag string) bool {
	for _, header := range ifNoneMatch {
		for _, tag := range strings.Split(header, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
	}
	return false
}

// encode writes a response as JSON. Its data is JSON already, written by
// the executor: json.Marshal of the whole response would scan and compact
// it again, which costs a noticeable share of a large answer's time.
func encode(resp *graphql.Response, executed bool) []byte {
	buf := make([]byte, 0, len(resp.Data)+64)
	buf = append(buf, '{')
	entry := func(name string, value []byte) {
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = append(append(append(append(buf, '"'), name...), `":`...), value...)
	}
	// Errors and extensions are built from marshalled values only, so
	// encoding them cannot fail.
	if len(resp.Errors) > 0 {
		errs, _ := json.Marshal(resp.Errors)
		entry("errors", errs)
	}
	if executed {
		data := []byte(resp.Data)
		if len(data) == 0 {
			data = []byte("null")
		}
		entry("data", data)
	}
	if len(resp.Extensions) > 0 {
		ext, _ := json.Marshal(resp.Extensions)
		entry("extensions", ext)
	}
	return append(buf, '}')
}
