package endpoint

import (
	"context"
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/limits"
)

// guard keeps requests within the server's limits, in the order the
// endpoint calls it: checkParams resolves persisted queries, refuses
// unregistered ones to keys that may only run registered operations, and
// checks the shape of a query it has not seen before validation (which is
// itself costly for alias and fragment bombs); checkOperation, after
// validation, refuses a query whose static cost exceeds the caller's limit
// or what its budget holds.
type guard struct {
	cfg     limits.Config
	costs   *limits.Costs
	budgets *limits.Budgets
	// writes counts each caller's mutation fields, apart from budgets.
	writes *limits.Budgets
	// persisted holds the queries clients sent with their hash (Apollo's
	// automatic persisted queries).
	persisted graphql.Cache[string]
	// parsed is the executor's cache of valid queries: a query found
	// there had its shape checked already.
	parsed graphql.Cache[*ast.QueryDocument]
	// operations answers registered operations by hash; registered
	// remembers the hashes found registered (registrations are never
	// withdrawn).
	operations func(ctx context.Context, hash string) (string, error)
	registered sync.Map
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (g *guard) checkParams(ctx context.Context, x *exchange, p *graphql.RawParams) *gqlerror.Error {
	if ext, ok := p.Extensions["persistedQuery"]; ok {
		if err := g.resolvePersisted(ctx, p, ext); err != nil {
			return err
		}
	}
	if x.caller.RegisteredOnly {
		ok, err := g.isRegistered(ctx, access.QueryHash(p.Query))
		if err != nil {
			return gqlerror.WrapPath(nil, err)
		}
		if !ok {
			return requestError(apperr.Forbidden, nil,
				"this API key may only run registered operations; this query is not one")
		}
	}
	if _, known := g.parsed.Get(ctx, p.Query); known {
		return nil
	}
	// A caller whose budget is empty gets nothing parsed: a request
	// refused for its shape costs too (refusalCost), so refused requests
	// cannot be sent for free.
	allowance := g.cfg.Allowance(x.caller.Role)
	if allowance.Rate > 0 {
		if u := g.budgets.Standing(x.caller.Owner(), allowance); u.Remaining <= 0 {
			x.meter(u)
			retry := retryAfter(u)
			return requestError(apperr.RateLimited, map[string]any{"retryAfter": retry},
				"the budget is spent; try again in %d s", retry)
		}
	}
	refuse := func(err *gqlerror.Error) *gqlerror.Error {
		if allowance.Rate > 0 {
			x.meter(g.budgets.Charge(x.caller.Owner(), allowance, refusalCost(p.Query)))
		}
		return err
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, g.cfg.MaxTokens)
	if err != nil {
		if strings.Contains(err.Error(), "exceeded token limit") {
			return refuse(requestError(apperr.QueryTooComplex, nil, "the query has more than %d tokens", g.cfg.MaxTokens))
		}
		// The executor parses it again and reports the syntax error; the
		// parse has cost the caller all the same.
		refuse(nil)
		return nil
	}
	if err := g.cfg.CheckShape(doc); err != nil {
		if limits.IsCycle(err) {
			e := gqlerror.Errorf("%s", err.Error())
			errcode.Set(e, errcode.ValidationFailed)
			return refuse(e)
		}
		return refuse(gqlerror.WrapPath(nil, err))
	}
	return nil
}

// refusalCost is what a request refused for its size or shape costs its
// caller: a point per 100 bytes of query, the parsing it took.
func refusalCost(query string) int { return max(1, len(query)/100) }

// retryAfter is the whole seconds until a refused request can be paid
// for, at least one.
func retryAfter(u limits.Usage) int {
	return max(1, int(math.Ceil(time.Until(u.RetryAt).Seconds())))
}

// resolvePersisted fills in the text of a query sent by its hash alone, or
// remembers the text sent with its hash.
func (g *guard) resolvePersisted(ctx context.Context, p *graphql.RawParams, ext any) *gqlerror.Error {
	pq, _ := ext.(map[string]any)
	hash, _ := pq["sha256Hash"].(string)
	if !sha256Hex.MatchString(hash) || !isOne(pq["version"]) {
		return requestError(apperr.BadRequest, nil,
			`extensions.persistedQuery must be {"version": 1, "sha256Hash": "<64 lower-case hex digits>"}`)
	}
	if p.Query != "" {
		if access.QueryHash(p.Query) != hash {
			return requestError(apperr.BadRequest, nil, "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query")
		}
		g.persisted.Add(ctx, hash, p.Query)
		return nil
	}
	if q, ok := g.persisted.Get(ctx, hash); ok {
		p.Query = q
		return nil
	}
	q, err := g.operations(ctx, hash)
	if err != nil {
		return gqlerror.WrapPath(nil, err)
	}
	if q == "" {
		// Apollo's clients recognise this message and send the query.
		return requestError(apperr.PersistedQueryNotFound, nil, "PersistedQueryNotFound")
	}
	g.registered.Store(hash, true)
	g.persisted.Add(ctx, hash, q)
	p.Query = q
	return nil
}

// isOne tells whether v, decoded with json.Decoder.UseNumber, is 1.
func isOne(v any) bool {
	n, ok := v.(json.Number)
	return ok && n.String() == "1"
}

func (g *guard) isRegistered(ctx context.Context, hash string) (bool, error) {
	if _, ok := g.registered.Load(hash); ok {
		return true, nil
	}
	q, err := g.operations(ctx, hash)
	if err != nil || q == "" {
		return false, err
	}
	g.registered.Store(hash, true)
	return true, nil
}

func (g *guard) checkOperation(ctx context.Context, x *exchange, rc *graphql.OperationContext, readOnly bool) *gqlerror.Error {
	if readOnly && rc.Operation.Operation != ast.Query {
		return requestError(apperr.BadRequest, map[string]any{"allow": "POST"},
			"only queries may be sent with GET; send %ss as a POST", rc.Operation.Operation)
	}
	if err := nulFree(rc); err != nil {
		return err
	}
	caller := x.caller
	writes := limits.Writes(rc.Operation)
	writeAllowance := g.cfg.WriteAllowance(caller.Role)
	if limit := g.writeLimit(writeAllowance); limit > 0 && writes > limit {
		return requestError(apperr.QueryTooComplex, map[string]any{"writes": writes, "limit": limit},
			"the mutation writes %d times; the limit is %d per request", writes, limit)
	}
	cost := g.costs.Of(rc.Operation, rc.Variables)
	allowance := g.cfg.Allowance(caller.Role)
	// A request its caller's bucket can never hold is refused as too
	// costly, not asked to wait for ever.
	limit := g.cfg.MaxCost[caller.Role]
	if most := allowance.Most(); allowance.Rate > 0 && (limit <= 0 || most < limit) {
		limit = most
	}
	if limit > 0 && cost > limit {
		// Refused, it has cost its parsing and validation all the same.
		u := limits.Usage{Remaining: -1}
		if allowance.Rate > 0 {
			u = g.budgets.Charge(caller.Owner(), allowance, refusalCost(rc.RawQuery))
		}
		u.Requested = cost
		x.meter(u)
		return requestError(apperr.QueryTooComplex, map[string]any{"cost": cost, "limit": limit},
			"the query costs %d points, more than the %d a %s caller may ask for at once; ask for fewer items (first) or fewer fields",
			cost, limit, caller.Role)
	}
	if allowance.Rate > 0 {
		usage, ok := g.budgets.Spend(caller.Owner(), allowance, cost)
		if !ok {
			// Refused, it has cost its parsing and validation.
			charged := g.budgets.Charge(caller.Owner(), allowance, refusalCost(rc.RawQuery))
			usage.Remaining = charged.Remaining
			x.meter(usage)
			return rateLimited(cost, usage)
		}
		x.meter(usage)
	} else {
		x.meter(limits.Usage{Requested: cost, Remaining: -1})
	}
	// Writes are counted last, once nothing else refuses the request.
	if writes > 0 && writeAllowance.Rate > 0 {
		if u, ok := g.writes.Spend(caller.Owner(), writeAllowance, writes); !ok {
			g.refundPoints(x)
			g.chargeRefusal(x, rc.RawQuery)
			retry := retryAfter(u)
			return requestError(apperr.RateLimited, map[string]any{"retryAfter": retry},
				"%d writes are left of the %d a %s caller may run per %s, and the mutation writes %d times; try again in %d s",
				u.Remaining, writeAllowance.Rate, caller.Role, g.cfg.Window, writes, retry)
		}
	}
	return nil
}

// writeLimit is the most mutation fields one request may hold: MaxWrites,
// or fewer when the caller's write budget holds fewer.
func (g *guard) writeLimit(a limits.Allowance) int {
	limit := g.cfg.MaxWrites
	if most := a.Most(); a.Rate > 0 && (limit <= 0 || most < limit) {
		limit = most
	}
	return limit
}

// refund gives back what a request paid that then did not run.
func (g *guard) refund(x *exchange, rc *graphql.OperationContext) {
	g.refundPoints(x)
	if writes := limits.Writes(rc.Operation); writes > 0 {
		if a := g.cfg.WriteAllowance(x.caller.Role); a.Rate > 0 {
			g.writes.Refund(x.caller.Owner(), a, writes)
		}
	}
}

// chargeRefusal charges a request refused after it was paid for and
// refunded what its parsing and validation cost.
func (g *guard) chargeRefusal(x *exchange, query string) {
	if a := g.cfg.Allowance(x.caller.Role); a.Rate > 0 {
		u := g.budgets.Charge(x.caller.Owner(), a, refusalCost(query))
		u.Requested = x.usage.Requested
		x.meter(u)
	}
}

// refundPoints gives back the cost points a request spent.
func (g *guard) refundPoints(x *exchange) {
	if a := g.cfg.Allowance(x.caller.Role); a.Rate > 0 && x.usage.Requested > 0 {
		x.meter(g.budgets.Refund(x.caller.Owner(), a, x.usage.Requested))
	}
}

// standing is the caller's budget as it stands, for answers to requests
// that spent nothing.
func (g *guard) standing(caller access.Caller) limits.Usage {
	allowance := g.cfg.Allowance(caller.Role)
	if allowance.Rate <= 0 {
		return limits.Usage{Remaining: -1}
	}
	return g.budgets.Standing(caller.Owner(), allowance)
}

func requestError(code apperr.Code, details map[string]any, format string, args ...any) *gqlerror.Error {
	err := apperr.Errorf(code, format, args...)
	err.Details = details
	return gqlerror.WrapPath(nil, err)
}

// rateLimited refuses a request of cost when the caller's standing u
// cannot pay for it.
func rateLimited(cost int, u limits.Usage) *gqlerror.Error {
	retry := retryAfter(u)
	return requestError(apperr.RateLimited, map[string]any{"retryAfter": retry},
		"the query costs %d points and %d are left of the budget; try again in %d s",
		cost, u.Remaining, retry)
}

// report is extensions.cost: what the request cost and what is left of
// the caller's budget.
func (g *guard) report(x *exchange) map[string]any {
	u := x.usage
	if !x.metered {
		u = g.standing(x.caller)
	}
	cost := map[string]any{"requested": u.Requested}
	if u.Remaining >= 0 {
		cost["remaining"] = u.Remaining
		cost["resetAt"] = u.ResetAt.UTC().Format(time.RFC3339)
	}
	return cost
}
