package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"eilnet/internal/obs"
	"eilnet/internal/postgres"
)

// observe tells the request's log line and metrics the operation's name
// and outcome, and in debug mode reports in extensions.sql how many
// statements the request ran and how long they took.
type observe struct {
	debug bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = observe{}

func (observe) ExtensionName() string                          { return "Observe" }
func (observe) Validate(schema graphql.ExecutableSchema) error { return nil }

func (o observe) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	// A request that fails parsing or validation has no operation: it
	// counts as anonymous.
	var operation string
	if graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil {
			operation = op.Name
		}
	}
	outcome := "ok"
	if len(resp.Errors) > 0 {
		outcome = "error"
		if code, ok := resp.Errors[0].Extensions["code"].(string); ok {
			outcome = code
		}
	}
	obs.RequestFrom(ctx).Set(operation, outcome)
	if s := postgres.StatsFrom(ctx); o.debug && s != nil {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["sql"] = map[string]any{
			"statements": s.Statements(),
			"ms":         float64(s.Duration().Microseconds()) / 1000,
		}
	}
	return resp
}
