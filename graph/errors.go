package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"eilnet/internal/apperr"
	"eilnet/internal/postgres"
)

// PresentError is the one place where errors become what clients see:
// errors of the apperr vocabulary keep their message and give their code;
// gqlgen's own parse and validation errors keep theirs; anything else is
// logged with its path and shown only as "internal error". Messages are
// cut short: the parser's and validator's quote the query, and a client
// must not get a megabyte literal back.
func PresentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := present(ctx, log, err)
		if len(gqlErr.Message) > maxMessage {
			cut := maxMessage
			for cut > 0 && !utf8.RuneStart(gqlErr.Message[cut]) {
				cut--
			}
			gqlErr.Message = gqlErr.Message[:cut] + "…"
		}
		return gqlErr
	}
}

// maxMessage bounds error messages, in bytes.
const maxMessage = 300

func present(ctx context.Context, log *slog.Logger, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	if e, ok := errors.AsType[*apperr.Error](err); ok {
		gqlErr.Message = e.Message
		gqlErr.Extensions = map[string]any{"code": string(e.Code)}
		if field := cmp.Or(e.Field, argumentField(ctx, gqlErr.Path)); field != "" {
			gqlErr.Extensions["field"] = field
		}
		for k, v := range e.Details {
			gqlErr.Extensions[k] = v
		}
		return gqlErr
	}
	if _, ok := gqlErr.Extensions["code"]; ok && gqlErr.Err == nil {
		return gqlErr
	}
	// The SQL of a request that runs out of time is cancelled and fails
	// with PostgreSQL's own error; the request's context tells why.
	if e, ok := apperr.Ended(ctx); ok {
		return presented(gqlErr, e)
	}
	switch {
	case ctx.Err() != nil:
		log.WarnContext(ctx, "client went away before the answer", "path", gqlErr.Path.String(), "err", err)
	case postgres.Unavailable(err):
		// A database that cannot be reached or is restarting is not a
		// fault of the request, nor of the server's code.
		log.WarnContext(ctx, "database unavailable", "path", gqlErr.Path.String(), "err", err)
		return presented(gqlErr, apperr.ErrUnavailable)
	default:
		log.ErrorContext(ctx, "internal error", "path", gqlErr.Path.String(), "err", err)
	}
	return internal(gqlErr)
}

// presented is gqlErr, where it is, as e.
func presented(gqlErr *gqlerror.Error, e *apperr.Error) *gqlerror.Error {
	gqlErr.Message = e.Message
	gqlErr.Extensions = map[string]any{"code": string(e.Code)}
	gqlErr.Err = nil
	return gqlErr
}

// internal is what a client sees of a fault of the server: where, not what.
func internal(gqlErr *gqlerror.Error) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    "internal error",
		Path:       gqlErr.Path,
		Locations:  gqlErr.Locations,
		Extensions: map[string]any{"code": string(apperr.Internal)},
	}
}

// RecoverPanic logs a panic of a resolver with its stack; the client sees
// an internal error at the field's path and the server carries on.
func RecoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return apperr.Errorf(apperr.Internal, "internal error")
	}
}

// fieldErrors makes each field error of an apperr.Invalid its own GraphQL
// error at the field's location (gqlgen reports every error of a
// gqlerror.List a resolver returns, but locates only the first), so that a
// client sees every invalid field at once.
func fieldErrors(ctx context.Context, err error) error {
	invalid, ok := errors.AsType[apperr.Invalid](err)
	if !ok {
		return err
	}
	var locations []gqlerror.Location
	if pos := graphql.GetFieldContext(ctx).Field.Position; pos != nil {
		locations = []gqlerror.Location{{Line: pos.Line, Column: pos.Column}}
	}
	list := make(gqlerror.List, len(invalid))
	for i, e := range invalid {
		list[i] = &gqlerror.Error{Message: e.Message, Err: e, Locations: locations}
	}
	return list
}

// argumentField names the argument field an error of argument coercion
// (a bad Date in an input, say) is about: gqlgen gives such an error the
// field's path followed by the argument's ("input", "joinedOn"), which
// becomes "input.joinedOn" like the field errors of the writes.
func argumentField(ctx context.Context, errPath ast.Path) string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return ""
	}
	fieldPath := fc.Path()
	if len(errPath) <= len(fieldPath) || errPath[:len(fieldPath)].String() != fieldPath.String() {
		return ""
	}
	var b strings.Builder
	for _, el := range errPath[len(fieldPath):] {
		switch el := el.(type) {
		case ast.PathName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(el))
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(el))
		}
	}
	return b.String()
}
