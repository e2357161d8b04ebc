// Package access knows who is calling: the caller a request acts for,
// which the audit log and idempotency keys record.
package access

import "context"

// Caller is who a request acts for.
type Caller struct {
	// Name identifies the caller in the audit log.
	Name string
}

// Anonymous is a caller who presented no credentials.
var Anonymous = Caller{Name: "anonymous"}

type ctxKey struct{}

// From answers the caller of the request ctx belongs to: Anonymous until
// a caller is attached.
func From(ctx context.Context) Caller {
	if c, ok := ctx.Value(ctxKey{}).(Caller); ok {
		return c
	}
	return Anonymous
}
