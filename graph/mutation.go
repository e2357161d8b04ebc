package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"eilnet/internal/loader"
	"eilnet/internal/validate"
)

// responseKey names the mutation field being resolved as the response
// does (its alias, if any): a request's Idempotency-Key covers each of its
// creates separately.
func responseKey(ctx context.Context) string {
	return graphql.GetFieldContext(ctx).Field.Alias
}

// written answers the object a mutation wrote, read afresh: the request's
// loaders are replaced first, so that neither the answer nor a later
// mutation of the request sees what was read before the write.
func written[V any](ctx context.Context, r *Resolver, id int64, err error, pick func(*loader.Loaders) *loader.Loader[int64, V]) (V, error) {
	var zero V
	if err != nil {
		return zero, fieldErrors(ctx, err)
	}
	loader.Reset(ctx)
	v, err := pick(loader.For(ctx)).Load(ctx, id)
	if err != nil {
		return zero, err
	}
	return lookAhead(ctx, r, v, nil)
}

// optional turns gqlgen's omittable input field into the domain's.
func optional[T any](o graphql.Omittable[*T]) validate.Optional[T] {
	v, set := o.ValueOK()
	return validate.Optional[T]{Set: set, Value: v}
}
