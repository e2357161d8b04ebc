package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"eilnet/internal/access"
	"eilnet/internal/award"
	"eilnet/internal/complaint"
	"eilnet/internal/factory"
	"eilnet/internal/gid"
	"eilnet/internal/loader"
	"eilnet/internal/member"
	"eilnet/internal/seminar"
)

// enforceAccess is the @access directive: the one place where the access
// policy the schema declares is enforced. A caller whose role is not
// listed, or an OFFICER outside the scope, gets null and an error at the
// field's path (UNAUTHENTICATED without a key, FORBIDDEN with one), or
// only null for a silent field.
func (r *Resolver) enforceAccess(ctx context.Context, obj any, next graphql.Resolver, roles []access.Role, officer access.Scope, silent bool) (any, error) {
	caller := access.From(ctx)
	pol := &policy{roles, officer, silent}
	allowed := pol.mayReach(caller)
	if allowed && pol.scoped(caller) {
		where, err := r.whereOf(ctx, obj)
		if err != nil {
			return nil, err
		}
		// An object that does not exist is the resolver's to report.
		allowed = where == nil || caller.Reaches(officer, *where)
	}
	switch {
	case allowed:
		return next(ctx)
	case silent:
		return nil, nil
	}
	fc := graphql.GetFieldContext(ctx)
	what := fc.Object + "." + fc.Field.Name
	if pc := graphql.GetPathContext(ctx); pc != nil && pc.Field != nil && fc.Field.Name != *pc.Field {
		// An input field, met while the field's arguments are read.
		what = "input field " + *pc.Field + " of " + what
	}
	if caller.Role == access.Officer {
		return nil, caller.Denied("%s is not open to officers outside the province or office it belongs to", what)
	}
	return nil, caller.Denied("%s is not open to %s callers", what, caller.Role)
}

// whereOf is the province and office of what an officer-scoped field or
// mutation is about: the parent object of a field, or the object a
// mutation's arguments name. nil when that object does not exist.
func (r *Resolver) whereOf(ctx context.Context, obj any) (*access.Where, error) {
	if where, ok := r.whereOfObject(obj); ok {
		return where, nil
	}
	l := loader.For(ctx)
	switch obj := obj.(type) {
	case map[string]any:
		// An input field, read before its input: the input's province
		// (a complaint's, for the member named as its filer).
		province, _ := graphql.UnmarshalString(obj["provinceCode"])
		return &access.Where{ProvinceCode: province, OfficeCode: r.Catalog.OfficeOfProvince(province)}, nil
	}
	args := graphql.GetFieldContext(ctx).Args
	switch input := args["input"].(type) {
	case member.Registration:
		return r.whereOffice(input.OfficeCode), nil
	case factory.Registration:
		return &access.Where{ProvinceCode: input.ProvinceCode, OfficeCode: r.Catalog.OfficeOfProvince(input.ProvinceCode)}, nil
	case seminar.Creation:
		return r.whereOffice(input.OrganizerCode), nil
	case award.Grant:
		return whereLoaded(ctx, input.MemberID, gid.Member, l.Member, func(m *member.Member) *access.Where { return r.whereOffice(m.OfficeCode) })
	}
	id, _ := args["id"].(string)
	switch graphql.GetFieldContext(ctx).Field.Name {
	case "updateMember":
		return whereLoaded(ctx, id, gid.Member, l.Member, func(m *member.Member) *access.Where { return r.whereOffice(m.OfficeCode) })
	case "updateFactory":
		return whereLoaded(ctx, id, gid.Factory, l.Factory, func(f *factory.Factory) *access.Where {
			return &access.Where{ProvinceCode: f.ProvinceCode, OfficeCode: r.Catalog.OfficeOfProvince(f.ProvinceCode)}
		})
	case "transitionComplaint":
		return whereLoaded(ctx, id, gid.Complaint, l.Complaint, func(c *complaint.Complaint) *access.Where { return r.whereOffice(c.HandledBy) })
	case "assignInvestigators":
		id, _ := args["complaintId"].(string)
		return whereLoaded(ctx, id, gid.Complaint, l.Complaint, func(c *complaint.Complaint) *access.Where { return r.whereOffice(c.HandledBy) })
	case "recordAttendance":
		id, _ := args["seminarId"].(string)
		return whereLoaded(ctx, id, gid.Seminar, l.Seminar, func(s *seminar.Seminar) *access.Where { return r.whereOffice(s.OrganizerCode) })
	}
	// A field declared officer-scoped must be known here: refusing is the
	// safe answer to a policy this code does not understand.
	return &access.Where{}, nil
}

// whereOfObject is the province and office of an object whose fields are
// officer-scoped; ok is false for any other kind of object.
func (r *Resolver) whereOfObject(obj any) (where *access.Where, ok bool) {
	switch obj := obj.(type) {
	case *member.Member:
		return r.whereOffice(obj.OfficeCode), true
	case *complaint.Complaint:
		return r.whereOffice(obj.HandledBy), true
	}
	return nil, false
}

// A policy is a field's @access: the roles that may see it, and an
// officer's scope. A nil policy is an open field.
type policy struct {
	roles   []access.Role
	officer access.Scope
	// silent answers null without an error to a caller refused.
	silent bool
}

// mayReach tells whether the caller's role is listed.
func (p *policy) mayReach(caller access.Caller) bool {
	return p == nil || slices.Contains(p.roles, caller.Role)
}

// scoped tells whether the caller reaches the field only for objects in
// its province or office.
func (p *policy) scoped(caller access.Caller) bool {
	return p != nil && caller.Role == access.Officer && p.officer != access.Anywhere
}

// policies holds the @access of every field definition of the schema, read
// once: the schema does not change while the server runs.
var policies sync.Map

// policyOf is the @access of a field definition, nil for an open field.
func policyOf(def *ast.FieldDefinition) *policy {
	if def == nil {
		return nil
	}
	if p, ok := policies.Load(def); ok {
		return p.(*policy)
	}
	var p *policy
	if d := def.Directives.ForName("access"); d != nil {
		p = &policy{officer: access.Anywhere}
		if roles := d.Arguments.ForName("roles"); roles != nil {
			for _, c := range roles.Value.Children {
				p.roles = append(p.roles, access.Role(c.Value.Raw))
			}
		}
		if officer := d.Arguments.ForName("officer"); officer != nil {
			p.officer = access.Scope(officer.Value.Raw)
		}
		if silent := d.Arguments.ForName("silent"); silent != nil {
			p.silent = silent.Value.Raw == "true"
		}
	}
	policies.Store(def, p)
	return p
}

func (r *Resolver) whereOffice(code string) *access.Where {
	return &access.Where{ProvinceCode: r.Catalog.ProvinceOfOffice(code), OfficeCode: code}
}

// whereLoaded loads the object of type t a mutation's argument id names;
// nil when id is not one or names nothing (the mutation reports that).
func whereLoaded[V any](ctx context.Context, id string, t gid.Type, l *loader.Loader[int64, *V], where func(*V) *access.Where) (*access.Where, error) {
	d, err := gid.Decode(id)
	if err != nil || d.Type != t {
		return nil, nil
	}
	v, err := l.Load(ctx, d.Num)
	if err != nil || v == nil {
		return nil, err
	}
	return where(v), nil
}
