// Package apperr is eilnet's one error vocabulary. Domain code returns an
// *Error when the caller can act on the failure; anything else is internal
// and reaches clients only as "internal error" (the GraphQL error presenter
// maps both, once, in graph/errors.go).
package apperr

import (
	"errors"
	"fmt"
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
	// Internal: a fault of the server; details go to the log only.
	Internal Code = "INTERNAL_SERVER_ERROR"
)

// Error is an error whose message is safe to show to API clients.
type Error struct {
	Code    Code
	Message string
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
