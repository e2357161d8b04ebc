// Package access knows who is calling and what they may do: the caller a
// request acts for (anonymous, or the API key it presented), and the rules
// of the access policy that the schema's @access directives name.
package access

import (
	"context"

	"eilnet/internal/apperr"
)

// Role is what a caller may do.
type Role string

const (
	// Anonymous presented no key: public data, counts and aggregates, and
	// filing a complaint without naming a member.
	Anonymous Role = "ANONYMOUS"
	// Partner is an agency's key: everything but members' contact data
	// and who filed a complaint; no writes but complaints.
	Partner Role = "PARTNER"
	// Officer works for one office: reads everything, sees the contact
	// data of its province's members and who filed its office's
	// complaints, and writes within its province.
	Officer Role = "OFFICER"
	// Admin may do everything.
	Admin Role = "ADMIN"
)

// Roles lists the roles, from the least to the most trusted.
var Roles = []Role{Anonymous, Partner, Officer, Admin}

// Caller is who a request acts for.
type Caller struct {
	Role Role
	// Name is the API key's name; "" for Anonymous.
	Name string
	// OfficeCode and ProvinceCode are an Officer's office and its province.
	OfficeCode, ProvinceCode string
	// RegisteredOnly limits the key to registered operations.
	RegisteredOnly bool
	// Address is the client's address, which identifies Anonymous callers
	// for rate limits.
	Address string
}

// Actor names the caller in the audit log: "anonymous", or "key:" and the
// key's name.
func (c Caller) Actor() string {
	if c.Role == Anonymous {
		return "anonymous"
	}
	return "key:" + c.Name
}

// Owner is whose rate budget a request spends and whose Idempotency-Keys
// it uses: the API key's, or for anonymous callers their address's, so
// that two anonymous clients neither share a budget nor get each other's
// answers.
func (c Caller) Owner() string {
	if c.Role == Anonymous {
		return "anonymous@" + c.Address
	}
	return c.Actor()
}

type ctxKey struct{}

// WithCaller attaches the caller to a request's context.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// From answers the caller of the request ctx belongs to: Anonymous when
// none was attached.
func From(ctx context.Context) Caller {
	if c, ok := ctx.Value(ctxKey{}).(Caller); ok {
		return c
	}
	return Caller{Role: Anonymous}
}

// Denied is the error for a caller refused something: UNAUTHENTICATED for
// an anonymous caller (a key would help), FORBIDDEN otherwise.
func (c Caller) Denied(format string, args ...any) error {
	if c.Role == Anonymous {
		return apperr.Errorf(apperr.Unauthenticated, format+"; present an API key", args...)
	}
	return apperr.Errorf(apperr.Forbidden, format, args...)
}

// Scope narrows what an Officer may do to its own part of the network.
type Scope string

const (
	// Anywhere: an Officer may, wherever the object is.
	Anywhere Scope = "ANYWHERE"
	// OwnProvince: only for objects in the Officer's province.
	OwnProvince Scope = "OWN_PROVINCE"
	// OwnOffice: only for objects of the Officer's office (the complaints it
	// handles, the seminars it organises).
	OwnOffice Scope = "OWN_OFFICE"
)

// Where is the province and office an object or a write belongs to, as
// far as the policy asks.
type Where struct {
	ProvinceCode, OfficeCode string
}

// Reaches tells whether an Officer's permission, narrowed by scope, reaches
// an object where says. An office the server does not know (created after
// it started) has no province: it reaches nothing rather than everything
// unknown.
func (c Caller) Reaches(scope Scope, where Where) bool {
	switch scope {
	case OwnProvince:
		return c.ProvinceCode != "" && where.ProvinceCode == c.ProvinceCode
	case OwnOffice:
		return c.OfficeCode != "" && where.OfficeCode == c.OfficeCode
	}
	return true
}
