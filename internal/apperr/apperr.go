// Package apperr is eilnet's one error vocabulary. Domain code returns an
// *Error when the caller can act on the failure; anything else is internal
// and reaches clients only as "internal error" (the GraphQL error presenter
// maps both, once, in graph/errors.go).
package apperr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Code is the machine-readable kind of an error, sent to clients as
// extensions.code.
type Code string

const (
	// BadUserInput: the request's arguments cannot be served as given.
	BadUserInput Code = "BAD_USER_INPUT"
	// BadRequest: the HTTP request is not a GraphQL request (unreadable
	// body, not JSON).
	BadRequest Code = "BAD_REQUEST"
	// PayloadTooLarge: the request body exceeds the server's limit.
	PayloadTooLarge Code = "PAYLOAD_TOO_LARGE"
	// Timeout: the request took longer than the server allows.
	Timeout Code = "TIMEOUT"
	// NotFound: the object a mutation acts on does not exist.
	NotFound Code = "NOT_FOUND"
	// Conflict: the write collides with the data as it is (a duplicate, a
	// stale version); re-read and decide.
	Conflict Code = "CONFLICT"
	// Unauthenticated: the request needs an API key, or the key presented
	// is unknown or revoked.
	Unauthenticated Code = "UNAUTHENTICATED"
	// Forbidden: the caller's key does not allow this.
	Forbidden Code = "FORBIDDEN"
	// QueryTooComplex: the operation's static cost exceeds the caller's
	// limit per request, or its shape (depth, aliases, ...) a limit of
	// the server.
	QueryTooComplex Code = "QUERY_TOO_COMPLEX"
	// RateLimited: the caller has spent its budget of cost points for the
	// current window.
	RateLimited Code = "RATE_LIMITED"
	// PersistedQueryNotFound: the persisted query's hash is unknown; send
	// the query text with it once.
	PersistedQueryNotFound Code = "PERSISTED_QUERY_NOT_FOUND"
	// ServiceUnavailable: the database cannot be reached, is restarting,
	// or holds what the request needs locked; retry after the response's
	// Retry-After.
	ServiceUnavailable Code = "SERVICE_UNAVAILABLE"
	// Internal: a fault of the server; details go to the log only.
	Internal Code = "INTERNAL_SERVER_ERROR"
)

// The errors every layer answers alike: a request out of time, a
// database that cannot serve, and (as the cause its context is cancelled
// with) a request still running when the server stops.
var (
	ErrTimeout      = &Error{Code: Timeout, Message: "the request took longer than the server allows"}
	ErrUnavailable  = &Error{Code: ServiceUnavailable, Message: "the database is not available now; try again shortly"}
	ErrShuttingDown = &Error{Code: ServiceUnavailable, Message: "the server is shutting down; try again"}
)

// Ended is what a request whose context has ended answers: the cause it
// was cancelled with, or else ErrTimeout; ok is false unless ctx ended by
// a cause or its deadline (it is live, or its client went away).
func Ended(ctx context.Context) (e *Error, ok bool) {
	if ctx.Err() == nil {
		return ErrTimeout, false
	}
	if cause, ok := errors.AsType[*Error](context.Cause(ctx)); ok {
		return cause, true
	}
	return ErrTimeout, ctx.Err() == context.DeadlineExceeded
}

// retryAfter is the Retry-After, in seconds, of a SERVICE_UNAVAILABLE or
// TIMEOUT answer: long enough for a restarting database or a lock to
// pass, short enough for a dashboard to come back by itself.
const retryAfter = "5"

// RetryLater tells the client of a SERVICE_UNAVAILABLE or TIMEOUT answer
// when to come back (Retry-After).
func RetryLater(h http.Header) { h.Set("Retry-After", retryAfter) }

// Error is an error whose message is safe to show to API clients.
type Error struct {
	Code    Code
	Message string
	// Field names the input field at fault, as the client spelt it
	// ("input.fullName", "memberIds[2]"), sent as extensions.field.
	Field string
	// Details are further extensions for the client to act on, such as
	// the current version of a stale write.
	Details map[string]any
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted, client-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf reports the code of err: that of the *Error it wraps, or Internal.
func CodeOf(err error) Code {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return Internal
}

// Invalid is every field error of one input, reported together.
type Invalid []*Error

func (v Invalid) Error() string {
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Field + ": " + e.Message
	}
	return strings.Join(msgs, "; ")
}

// Check collects the field errors of an input. Fields are named under a
// prefix: the argument holding them ("input").
type Check struct {
	prefix string
	errs   Invalid
}

// NewCheck starts a check of the fields under prefix (empty for top-level
// arguments).
func NewCheck(prefix string) *Check { return &Check{prefix: prefix} }

// Failf records that field is invalid, with a client-safe message.
func (c *Check) Failf(field, format string, args ...any) {
	if c.prefix != "" {
		field = c.prefix + "." + field
	}
	c.errs = append(c.errs, &Error{Code: BadUserInput, Message: fmt.Sprintf(format, args...), Field: field})
}

// Failed tells whether a field error has been recorded.
func (c *Check) Failed() bool { return len(c.errs) > 0 }

// Err is the recorded field errors, or nil.
func (c *Check) Err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}
