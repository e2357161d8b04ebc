package endpoint

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"eilnet/internal/apperr"
)

// requestStatus is the one table from the code of a request refused
// before it ran to its HTTP status (an executed request is 200, or 503
// when the database failed it). Failures of the GraphQL document itself
// (its syntax, its validity, its variables, its shape or cost) are 200
// with their errors for a client of legacy application/json, whose
// clients (Apollo's among them) read errors only from a 200, and 4xx for
// application/graphql-response+json, as GraphQL over HTTP says; what
// concerns the HTTP request (its parameters, its key, its caller's budget,
// its size, the server's state) has its own status for both.
func requestStatus(code, media string, first *gqlerror.Error) int {
	document := func(status int) int {
		if media == legacyJSON {
			return http.StatusOK
		}
		return status
	}
	switch apperr.Code(code) {
	case apperr.BadRequest:
		if _, ok := first.Extensions["allow"]; ok {
			return http.StatusMethodNotAllowed
		}
		return http.StatusBadRequest
	case apperr.Unauthenticated:
		return http.StatusUnauthorized
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.PayloadTooLarge:
		return http.StatusRequestEntityTooLarge
	case apperr.RateLimited:
		return http.StatusTooManyRequests
	case apperr.ServiceUnavailable, apperr.Timeout:
		return http.StatusServiceUnavailable
	case apperr.QueryTooComplex:
		return document(http.StatusUnprocessableEntity)
	case apperr.BadUserInput, errcode.ValidationFailed, errcode.ParseFailed:
		return document(http.StatusBadRequest)
	case apperr.PersistedQueryNotFound:
		// Apollo's clients read it from a 200 and send the query.
		return http.StatusOK
	}
	// The guard could not read what it needed (the database).
	return http.StatusServiceUnavailable
}

// clientsFault tells whether a request refused with code was refused for
// what its client sent.
func clientsFault(code string) bool {
	switch apperr.Code(code) {
	case apperr.PersistedQueryNotFound, apperr.ServiceUnavailable, apperr.Timeout, apperr.Internal:
		return false
	}
	return true
}
