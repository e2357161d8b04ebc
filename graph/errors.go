package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"eilnet/internal/apperr"
)

// presentError is the one place where errors become what clients see:
// errors of the apperr vocabulary keep their message and give their code;
// gqlgen's own parse and validation errors keep theirs; anything else is
// logged with its path and shown only as "internal error".
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if e, ok := errors.AsType[*apperr.Error](err); ok {
			gqlErr.Message = e.Message
			gqlErr.Extensions = map[string]any{"code": string(e.Code)}
			return gqlErr
		}
		if _, ok := gqlErr.Extensions["code"]; ok && gqlErr.Err == nil {
			return gqlErr
		}
		// The SQL of a request that runs out of time is cancelled and fails
		// with PostgreSQL's own error; the request's context tells why.
		switch ctx.Err() {
		case context.DeadlineExceeded:
			gqlErr.Message = "the request took longer than the server allows"
			gqlErr.Extensions = map[string]any{"code": string(apperr.Timeout)}
			return gqlErr
		case context.Canceled:
			log.WarnContext(ctx, "client went away before the answer", "path", gqlErr.Path.String(), "err", err)
		default:
			log.ErrorContext(ctx, "internal error", "path", gqlErr.Path.String(), "err", err)
		}
		return &gqlerror.Error{
			Message:    "internal error",
			Path:       gqlErr.Path,
			Locations:  gqlErr.Locations,
			Extensions: map[string]any{"code": string(apperr.Internal)},
		}
	}
}

// recoverPanic logs a panic of a resolver with its stack; the client sees
// an internal error at the field's path and the server carries on.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return apperr.Errorf(apperr.Internal, "internal error")
	}
}
