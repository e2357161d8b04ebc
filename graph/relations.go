package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"eilnet/graph/model"
	"eilnet/internal/access"
	"eilnet/internal/award"
	"eilnet/internal/complaint"
	"eilnet/internal/factory"
	"eilnet/internal/loader"
	"eilnet/internal/member"
	"eilnet/internal/office"
	"eilnet/internal/page"
	"eilnet/internal/postgres"
	"eilnet/internal/province"
	"eilnet/internal/refdata"
	"eilnet/internal/seminar"
)

// Every relation field is described once, by a descriptor (below, under
// "The relations"): its resolver loads through the descriptor, and the
// look-ahead announces through the same descriptor, so the keys the two
// make cannot diverge. TestEveryRelationHasADescriptor walks the generated
// resolver interfaces and fails on a field without one.
//
// Prefetching makes batching independent of timing. Left to themselves,
// the resolvers of one level of a query reach their loaders one object at
// a time: gqlgen spends a goroutine, argument parsing and field collection
// on every object, so a level of a few hundred objects trickles in over
// more than ten milliseconds on a small machine, and a loader's wait would
// have to cover all of it for the level to stay one batch. Instead, when a
// root field returns, lookAhead announces the loads of the relations its
// selection asks for, as one loader.Level, and asks each loader to follow
// up: when a batch has been read, the loads of the next level are
// announced for all its values at once, before the batch's waiters wake.
// Every level is read as one batch per loader the moment it is complete;
// the resolvers find every value already loaded or in flight.
//
// The look-ahead obeys the access policy: a field the caller may not see
// (by its @access) is not read ahead for it.

// A relation is one relation field of objects of type T.
type relation[T any] interface {
	// prepare works out, once for field f of a query, what to announce for
	// each object; nil when nothing (its arguments are refused, which its
	// resolver reports). Whether the caller may see f is each's to check.
	prepare(ctx context.Context, r *Resolver, f graphql.CollectedField) func(lv *loader.Level, l *loader.Loaders, obj T)
}

// lookAhead announces, as one level, the loads that the selection of the
// root field being resolved will make of v, and returns v: every root
// resolver that answers objects returns through it.
func lookAhead[T any](ctx context.Context, r *Resolver, v T, err error) (T, error) {
	l := loader.For(ctx)
	if err != nil || l.NoBatching {
		return v, err
	}
	if sel := graphql.GetFieldContext(ctx).Field.Selections; len(sel) > 0 {
		lv := loader.NewLevel(ctx)
		ahead(ctx, lv, r, v, sel)
		lv.Flush()
	}
	return v, nil
}

// ahead registers the loads of the relations that sel selects on the
// objects of res.
func ahead(ctx context.Context, lv *loader.Level, r *Resolver, res any, sel ast.SelectionSet) {
	switch v := res.(type) {
	case []*province.Province:
		each(ctx, lv, r, v, sel, provinceImplementors, provinceRelations)
	case *province.Province:
		each(ctx, lv, r, []*province.Province{v}, sel, provinceImplementors, provinceRelations)
	case []*office.Office:
		each(ctx, lv, r, v, sel, officeImplementors, officeRelations)
	case *office.Office:
		each(ctx, lv, r, []*office.Office{v}, sel, officeImplementors, officeRelations)
	case []*member.Member:
		each(ctx, lv, r, v, sel, memberImplementors, memberRelations)
	case *member.Member:
		each(ctx, lv, r, []*member.Member{v}, sel, memberImplementors, memberRelations)
	case []*factory.Factory:
		each(ctx, lv, r, v, sel, factoryImplementors, factoryRelations)
	case *factory.Factory:
		each(ctx, lv, r, []*factory.Factory{v}, sel, factoryImplementors, factoryRelations)
	case []*complaint.Complaint:
		each(ctx, lv, r, v, sel, complaintImplementors, complaintRelations)
	case *complaint.Complaint:
		each(ctx, lv, r, []*complaint.Complaint{v}, sel, complaintImplementors, complaintRelations)
	case []*seminar.Seminar:
		each(ctx, lv, r, v, sel, seminarImplementors, seminarRelations)
	case *seminar.Seminar:
		each(ctx, lv, r, []*seminar.Seminar{v}, sel, seminarImplementors, seminarRelations)
	case []*award.Award:
		each(ctx, lv, r, v, sel, awardImplementors, awardRelations)
	case *award.Award:
		each(ctx, lv, r, []*award.Award{v}, sel, awardImplementors, awardRelations)
	case []model.Node:
		for _, n := range v {
			ahead(ctx, lv, r, n, sel)
		}
	case []*model.SearchHit:
		for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), sel, searchHitImplementors) {
			if f.Name == "node" {
				for _, h := range v {
					ahead(ctx, lv, r, h.Node, f.Selections)
				}
			}
		}
	case []*complaint.Bucket:
		each(ctx, lv, r, v, sel, complaintBucketImplementors, bucketRelations)
	}
}

// selectionKey identifies a collected selection of one type in a query:
// the same selection is met once per parent page.
type selectionKey struct {
	first *ast.Selection
	n     int
	typ   string
}

// each registers, for every object of objs, the loads of the relations
// that sel selects. What to register per field is worked out once per
// request and selection, not once per page of parents.
func each[T comparable](ctx context.Context, lv *loader.Level, r *Resolver, objs []T, sel ast.SelectionSet, satisfies []string, relations map[string]relation[T]) {
	if len(sel) == 0 {
		return
	}
	l := loader.For(ctx)
	key := selectionKey{&sel[0], len(sel), satisfies[0]}
	registers := loader.Memo(l, key, func() []func(*loader.Level, *loader.Loaders, T) {
		caller := access.From(ctx)
		var out []func(*loader.Level, *loader.Loaders, T)
		for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), sel, satisfies) {
			rel := relations[f.Name]
			if rel == nil {
				continue
			}
			pol := policyOf(f.Definition)
			if !pol.mayReach(caller) {
				continue
			}
			register := rel.prepare(ctx, r, f)
			if register == nil {
				continue
			}
			if pol.scoped(caller) {
				register = scopedTo(r, caller, pol, register)
			}
			out = append(out, register)
		}
		return out
	})
	var none T
	for _, register := range registers {
		for _, obj := range objs {
			if obj != none {
				register(lv, l, obj)
			}
		}
	}
}

// scopedTo registers only for the objects within the officer's scope.
func scopedTo[T any](r *Resolver, caller access.Caller, pol *policy, register func(*loader.Level, *loader.Loaders, T)) func(*loader.Level, *loader.Loaders, T) {
	return func(lv *loader.Level, l *loader.Loaders, obj T) {
		if where, ok := r.whereOfObject(obj); ok && caller.Reaches(pol.officer, *where) {
			register(lv, l, obj)
		}
	}
}

// follow is what to do with a loaded value: look ahead into what f
// selects of it.
func follow[V any](ctx context.Context, r *Resolver, sel ast.SelectionSet) func(*loader.Level, V) {
	if len(sel) == 0 {
		return nil
	}
	return func(lv *loader.Level, v V) { ahead(ctx, lv, r, v, sel) }
}

// toRel is a field that loads one value (a row, or a parent's list) by a
// key of its parent, none when ok is false.
type toRel[T any, K comparable, V any] struct {
	loader func(*loader.Loaders) *loader.Loader[K, V]
	key    func(T) (k K, ok bool)
}

func to[T any, K comparable, V any](ld func(*loader.Loaders) *loader.Loader[K, V], key func(T) (K, bool)) toRel[T, K, V] {
	return toRel[T, K, V]{ld, key}
}

// load is the field's resolver.
func (d toRel[T, K, V]) load(ctx context.Context, obj T) (V, error) {
	k, ok := d.key(obj)
	if !ok {
		var none V
		return none, nil
	}
	return d.loader(loader.For(ctx)).Load(ctx, k)
}

func (d toRel[T, K, V]) prepare(ctx context.Context, r *Resolver, f graphql.CollectedField) func(*loader.Level, *loader.Loaders, T) {
	then := follow[V](ctx, r, f.Selections)
	return func(lv *loader.Level, l *loader.Loaders, obj T) {
		if k, ok := d.key(obj); ok {
			d.loader(l).Prefetch(lv, k, then)
		}
	}
}

// fixedRel is a field whose value is reference data, which the catalog
// holds in memory (internal/refdata): read from there, nothing to announce;
// the look-ahead goes on into the value's own relations.
type fixedRel[T any, V comparable] struct {
	get func(c *refdata.Catalog, obj T) V
}

func fixed[T any, V comparable](get func(c *refdata.Catalog, obj T) V) fixedRel[T, V] {
	return fixedRel[T, V]{get}
}

// load is the field's resolver.
func (d fixedRel[T, V]) load(r *Resolver, obj T) (V, error) { return d.get(r.Catalog, obj), nil }

func (d fixedRel[T, V]) prepare(ctx context.Context, r *Resolver, f graphql.CollectedField) func(*loader.Level, *loader.Loaders, T) {
	then := follow[V](ctx, r, f.Selections)
	if then == nil {
		return nil
	}
	var none V
	return func(lv *loader.Level, _ *loader.Loaders, obj T) {
		if v := d.get(r.Catalog, obj); v != none {
			then(lv, v)
		}
	}
}

// connKind is what differs between the four kinds of connection: F and O
// are the GraphQL filter and order, Q the domain query and QF its filter,
// T the row, C the connection.
type connKind[F, O any, Q, QF comparable, T, C any] struct {
	filter       func(context.Context, any) (F, error)
	order        func(context.Context, any) (O, error)
	query        func(r *Resolver, f *F, o *O) (Q, error)
	parts        func(Q) (QF, page.KeyKind)
	implementors []string
	edges        []string
	// rowTypes are the implementors of the row type; omitting are the
	// columns a page need not read, given the fields selected on its rows.
	rowTypes []string
	omitting func(fields []string) postgres.Omit
	page     func(*loader.Loaders) *loader.Loader[loader.PageKey[Q], *page.Page[T]]
	count    func(*loader.Loaders) *loader.Loader[loader.CountKey[QF], int]
	wrap     func(model.Conn[T]) *C
	// narrow, if set, applies the access policy to a query.
	narrow func(ctx context.Context, scope string, q *Q)
}

var (
	memberConns = &connKind[model.MemberFilter, member.Order, member.Query, member.Filter, *member.Member, model.MemberConnection]{
		UnmarshalMemberFilter, UnmarshalMemberOrder, (*Resolver).memberQuery,
		func(q member.Query) (member.Filter, page.KeyKind) { return q.Filter, q.Order.SortKey().Kind },
		memberConnectionImplementors, memberEdgeImplementors,
		memberImplementors, member.Omitting,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey[member.Query], *page.Page[*member.Member]] {
			return l.MemberPage
		},
		func(l *loader.Loaders) *loader.Loader[loader.CountKey[member.Filter], int] { return l.MemberCount },
		func(c model.Conn[*member.Member]) *model.MemberConnection {
			return &model.MemberConnection{Conn: c}
		},
		nil}
	factoryConns = &connKind[model.FactoryFilter, factory.Order, factory.Query, factory.Filter, *factory.Factory, model.FactoryConnection]{
		UnmarshalFactoryFilter, UnmarshalFactoryOrder, (*Resolver).factoryQuery,
		func(q factory.Query) (factory.Filter, page.KeyKind) { return q.Filter, q.Order.SortKey().Kind },
		factoryConnectionImplementors, factoryEdgeImplementors,
		factoryImplementors, factory.Omitting,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey[factory.Query], *page.Page[*factory.Factory]] {
			return l.FactoryPage
		},
		func(l *loader.Loaders) *loader.Loader[loader.CountKey[factory.Filter], int] { return l.FactoryCount },
		func(c model.Conn[*factory.Factory]) *model.FactoryConnection {
			return &model.FactoryConnection{Conn: c}
		},
		nil}
	complaintConns = &connKind[model.ComplaintFilter, complaint.Order, complaint.Query, complaint.Filter, *complaint.Complaint, model.ComplaintConnection]{
		UnmarshalComplaintFilter, UnmarshalComplaintOrder, (*Resolver).complaintQuery,
		func(q complaint.Query) (complaint.Filter, page.KeyKind) { return q.Filter, q.Order.SortKey().Kind },
		complaintConnectionImplementors, complaintEdgeImplementors,
		complaintImplementors, complaint.Omitting,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey[complaint.Query], *page.Page[*complaint.Complaint]] {
			return l.ComplaintPage
		},
		func(l *loader.Loaders) *loader.Loader[loader.CountKey[complaint.Filter], int] {
			return l.ComplaintCount
		},
		func(c model.Conn[*complaint.Complaint]) *model.ComplaintConnection {
			return &model.ComplaintConnection{Conn: c}
		},
		narrowComplaints}
	seminarConns = &connKind[model.SeminarFilter, seminar.Order, seminar.Query, seminar.Filter, *seminar.Seminar, model.SeminarConnection]{
		UnmarshalSeminarFilter, UnmarshalSeminarOrder, (*Resolver).seminarQuery,
		func(q seminar.Query) (seminar.Filter, page.KeyKind) { return q.Filter, q.Order.SortKey().Kind },
		seminarConnectionImplementors, seminarEdgeImplementors,
		seminarImplementors, seminar.Omitting,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey[seminar.Query], *page.Page[*seminar.Seminar]] {
			return l.SeminarPage
		},
		func(l *loader.Loaders) *loader.Loader[loader.CountKey[seminar.Filter], int] { return l.SeminarCount },
		func(c model.Conn[*seminar.Seminar]) *model.SeminarConnection {
			return &model.SeminarConnection{Conn: c}
		},
		nil}
)

// connPlan is what one connection field of a query makes of its arguments
// and its selection: the same for every parent whose selection collects it
// alike, so worked out once per request for them (by its resolver or the
// look-ahead, whichever comes first) and shared by both.
type connPlan[Q, QF comparable, T any] struct {
	q     Q
	omit  postgres.Omit
	qf    QF
	kind  page.KeyKind
	first *int
	after *string
	// err refuses the arguments; every parent's resolver reports it.
	err error
	// rows and count tell what the selection asks for (and the caller
	// may see); then looks ahead into the rows.
	rows, count bool
	then        func(*loader.Level, *page.Page[T])
	// list and counted are what every parent's keys share, when that does
	// not depend on the parent (no after: a cursor belongs to one
	// parent's list and is checked for each).
	list    *loader.List[Q]
	counted *loader.Counted[QF]
}

// planKey identifies a connection field as collected under one parent
// selection. The same *ast.Field can be collected with different
// selections (a fragment's field, merged with a sibling of the same name
// in one place and not in another), so the collected selection is part of
// the key; gqlgen collects each selection set once per request, so its
// slice is the same for every parent that shares it.
type planKey struct {
	kind  any
	field *ast.Field
	sel   *ast.Selection
	n     int
	scope string
}

// plan is the plan of connection field f in scope.
func (k *connKind[F, O, Q, QF, T, C]) plan(ctx context.Context, r *Resolver, scope string, f graphql.CollectedField) *connPlan[Q, QF, T] {
	key := planKey{kind: k, field: f.Field, n: len(f.Selections), scope: scope}
	if key.n > 0 {
		key.sel = &f.Selections[0]
	}
	return loader.Memo(loader.For(ctx), key, func() *connPlan[Q, QF, T] {
		pl := &connPlan[Q, QF, T]{}
		var filter *F
		var order *O
		pl.first, pl.after, filter, order, pl.err = connArgs(ctx, f, k.filter, k.order)
		if pl.err != nil {
			return pl
		}
		if pl.q, pl.err = k.query(r, filter, order); pl.err != nil {
			return pl
		}
		if k.narrow != nil {
			k.narrow(ctx, scope, &pl.q)
		}
		k.selection(ctx, r, f.Selections, pl)
		pl.qf, pl.kind = k.parts(pl.q)
		if pl.after == nil {
			var p loader.PageKey[Q]
			var n loader.CountKey[QF]
			if p, n, pl.err = loader.NewKeys(loader.For(ctx), scope, "", pl.q, pl.omit, pl.qf, pl.kind, pl.first, nil); pl.err != nil {
				return pl
			}
			pl.list, pl.counted = p.List, n.Of
		}
		return pl
	})
}

// selection reads what sel, a connection's selection, asks for: the
// page, the count, and the fields of the rows, whose columns alone the
// page reads.
func (k *connKind[F, O, Q, QF, T, C]) selection(ctx context.Context, r *Resolver, sel ast.SelectionSet, pl *connPlan[Q, QF, T]) {
	oc := graphql.GetOperationContext(ctx)
	caller := access.From(ctx)
	var rows []ast.SelectionSet
	for _, f := range graphql.CollectFields(oc, sel, k.implementors) {
		// The fields of a connection are not about one object: their
		// policy is by role alone.
		if !policyOf(f.Definition).mayReach(caller) {
			continue
		}
		switch f.Name {
		case "totalCount":
			pl.count = true
		case "pageInfo":
			pl.rows = true
		case "nodes":
			pl.rows = true
			rows = append(rows, f.Selections)
		case "edges":
			pl.rows = true
			for _, e := range graphql.CollectFields(oc, f.Selections, k.edges) {
				if e.Name == "node" {
					rows = append(rows, e.Selections)
				}
			}
		}
	}
	var fields []string
	for _, s := range rows {
		for _, f := range graphql.CollectFields(oc, s, k.rowTypes) {
			fields = append(fields, f.Name)
		}
	}
	pl.omit = k.omitting(fields)
	if len(rows) > 0 {
		pl.then = func(lv *loader.Level, pg *page.Page[T]) {
			for _, s := range rows {
				ahead(ctx, lv, r, pg.Nodes, s)
			}
		}
	}
}

// register announces the page and the count the plan reads.
func (k *connKind[F, O, Q, QF, T, C]) register(pl *connPlan[Q, QF, T], lv *loader.Level, l *loader.Loaders, p loader.PageKey[Q], n loader.CountKey[QF]) {
	if pl.rows {
		k.page(l).Prefetch(lv, p, pl.then)
	}
	if pl.count {
		k.count(l).Prefetch(lv, n, nil)
	}
}

// fill reads the page and the count the plan asks for, as a connection.
func (k *connKind[F, O, Q, QF, T, C]) fill(ctx context.Context, pl *connPlan[Q, QF, T], p loader.PageKey[Q], n loader.CountKey[QF]) (*C, error) {
	l := loader.For(ctx)
	var rows func() (*page.Page[T], error)
	var count func() (int, error)
	if pl.rows {
		rows = k.page(l).Thunk(ctx, p)
	}
	if pl.count {
		count = k.count(l).Thunk(ctx, n)
	}
	var c model.Conn[T]
	var err error
	if rows != nil {
		if c.Rows, err = rows(); err != nil {
			return nil, err
		}
	}
	if count != nil {
		if c.Total, err = count(); err != nil {
			return nil, err
		}
		c.Counted = true
	}
	return k.wrap(c), nil
}

// connRel is a connection field of objects of type P, whose parent key is
// parent(obj) in scope.
type connRel[P any, F, O any, Q, QF comparable, T, C any] struct {
	kind   *connKind[F, O, Q, QF, T, C]
	scope  string
	parent func(P) string
}

func connection[P any, F, O any, Q, QF comparable, T, C any](k *connKind[F, O, Q, QF, T, C], scope string, parent func(P) string) connRel[P, F, O, Q, QF, T, C] {
	return connRel[P, F, O, Q, QF, T, C]{k, scope, parent}
}

// keys are the page and count keys of the connection of obj.
func (c connRel[P, F, O, Q, QF, T, C]) keys(l *loader.Loaders, pl *connPlan[Q, QF, T], obj P) (loader.PageKey[Q], loader.CountKey[QF], error) {
	parent := c.parent(obj)
	if pl.list != nil {
		return loader.PageKey[Q]{List: pl.list, Parent: parent}, loader.CountKey[QF]{Of: pl.counted, Parent: parent}, nil
	}
	return loader.NewKeys(l, c.scope, parent, pl.q, pl.omit, pl.qf, pl.kind, pl.first, pl.after)
}

// resolve is the field's resolver: the connection of obj, loaded. The
// field's arguments are read by its plan, once for every parent.
func (c connRel[P, F, O, Q, QF, T, C]) resolve(ctx context.Context, r *Resolver, obj P) (*C, error) {
	return c.load(ctx, r, obj, false)
}

// resolveRoot is the resolver of a root connection: it announces the
// first level of the query itself, then reads it.
func (c connRel[P, F, O, Q, QF, T, C]) resolveRoot(ctx context.Context, r *Resolver) (*C, error) {
	var root P
	return c.load(ctx, r, root, true)
}

// load reads the connection of obj as its plan says, announcing it first
// as a level of its own when announce is set.
func (c connRel[P, F, O, Q, QF, T, C]) load(ctx context.Context, r *Resolver, obj P, announce bool) (*C, error) {
	l := loader.For(ctx)
	pl := c.kind.plan(ctx, r, c.scope, graphql.GetFieldContext(ctx).Field)
	if pl.err != nil {
		return nil, pl.err
	}
	p, n, err := c.keys(l, pl, obj)
	if err != nil {
		return nil, err
	}
	if announce && !l.NoBatching {
		lv := loader.NewLevel(ctx)
		c.kind.register(pl, lv, l, p, n)
		lv.Flush()
	}
	return c.kind.fill(ctx, pl, p, n)
}

func (c connRel[P, F, O, Q, QF, T, C]) prepare(ctx context.Context, r *Resolver, f graphql.CollectedField) func(*loader.Level, *loader.Loaders, P) {
	pl := c.kind.plan(ctx, r, c.scope, f)
	if pl.err != nil {
		return nil
	}
	return func(lv *loader.Level, l *loader.Loaders, obj P) {
		if p, n, err := c.keys(l, pl, obj); err == nil {
			c.kind.register(pl, lv, l, p, n)
		}
	}
}

// connArgs reads a connection field's arguments as gqlgen gives them to
// its resolver.
func connArgs[F, O any](ctx context.Context, f graphql.CollectedField,
	filterOf func(context.Context, any) (F, error), orderOf func(context.Context, any) (O, error),
) (first *int, after *string, filter *F, order *O, err error) {
	args := f.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
	if v := args["first"]; v != nil {
		n, err := graphql.UnmarshalInt(v)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		first = &n
	}
	if v := args["after"]; v != nil {
		s, err := graphql.UnmarshalString(v)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		after = &s
	}
	if v := args["filter"]; v != nil {
		x, err := filterOf(ctx, v)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		filter = &x
	}
	if v := args["orderBy"]; v != nil {
		x, err := orderOf(ctx, v)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		order = &x
	}
	return first, after, filter, order, nil
}

// The relations. Their resolvers (graph/*.resolvers.go) call them by name.

// provinceOf and officeOf are the province and office with the code
// given, nil for none.
func provinceOf[T any](code func(T) (string, bool)) fixedRel[T, *province.Province] {
	return fixed(func(c *refdata.Catalog, obj T) *province.Province {
		if k, ok := code(obj); ok {
			return c.ProvinceRow(k)
		}
		return nil
	})
}

func officeOf[T any](code func(T) string) fixedRel[T, *office.Office] {
	return fixed(func(c *refdata.Catalog, obj T) *office.Office { return c.OfficeRow(code(obj)) })
}

func membersByID(l *loader.Loaders) *loader.Loader[int64, *member.Member] { return l.Member }
func factoriesByID(l *loader.Loaders) *loader.Loader[int64, *factory.Factory] {
	return l.Factory
}

func always[K any](k K) (K, bool) { return k, true }
func given[K any](k *K) (K, bool) {
	if k == nil {
		var zero K
		return zero, false
	}
	return *k, true
}

func provinceCode(p *province.Province) string { return p.Code }
func officeCode(o *office.Office) string       { return o.Code }
func memberKey(m *member.Member) string        { return idKey(m.ID) }
func factoryKey(f *factory.Factory) string     { return idKey(f.ID) }
func seminarKey(s *seminar.Seminar) string     { return idKey(s.ID) }
func root(struct{}) string                     { return "" }

var (
	provinceOffice     = fixed(func(c *refdata.Catalog, p *province.Province) *office.Office { return c.OfficeRunning(p.Code) })
	provinceFactories  = connection(factoryConns, factory.ScopeProvince, provinceCode)
	provinceMembers    = connection(memberConns, member.ScopeProvince, provinceCode)
	provinceComplaints = connection(complaintConns, complaint.ScopeProvince, provinceCode)
	provinceSeminars   = connection(seminarConns, seminar.ScopeProvince, provinceCode)

	officeProvince = provinceOf(func(o *office.Office) (string, bool) {
		return o.ProvinceCode, o.Kind != office.Central
	})
	officeMembers    = connection(memberConns, member.ScopeOffice, officeCode)
	officeSeminars   = connection(seminarConns, seminar.ScopeOrganizer, officeCode)
	officeComplaints = connection(complaintConns, complaint.ScopeOffice, officeCode)

	memberProvince = provinceOf(func(m *member.Member) (string, bool) { return always(m.ProvinceCode) })
	memberOffice   = officeOf(func(m *member.Member) string { return m.OfficeCode })
	memberFactory  = to(factoriesByID, func(m *member.Member) (int64, bool) { return given(m.FactoryID) })
	memberAwards   = to(func(l *loader.Loaders) *loader.Loader[int64, []*award.Award] { return l.MemberAwards },
		func(m *member.Member) (int64, bool) { return always(m.ID) })
	memberSeminars        = connection(seminarConns, seminar.ScopeAttendee, memberKey)
	memberComplaintsFiled = connection(complaintConns, complaint.ScopeFiledBy, memberKey)

	factoryProvince  = provinceOf(func(f *factory.Factory) (string, bool) { return always(f.ProvinceCode) })
	factoryOperators = to(func(l *loader.Loaders) *loader.Loader[int64, []*member.Member] { return l.Operators },
		func(f *factory.Factory) (int64, bool) { return always(f.ID) })
	factoryComplaints = connection(complaintConns, complaint.ScopeFactory, factoryKey)

	complaintProvince      = provinceOf(func(c *complaint.Complaint) (string, bool) { return always(c.ProvinceCode) })
	complaintFactory       = to(factoriesByID, func(c *complaint.Complaint) (int64, bool) { return given(c.FactoryID) })
	complaintHandledBy     = officeOf(func(c *complaint.Complaint) string { return c.HandledBy })
	complaintFiledBy       = to(membersByID, func(c *complaint.Complaint) (int64, bool) { return given(c.FiledBy) })
	complaintInvestigators = to(func(l *loader.Loaders) *loader.Loader[int64, []*member.Member] { return l.Investigators },
		func(c *complaint.Complaint) (int64, bool) { return always(c.ID) })
	complaintTimeline = to(func(l *loader.Loaders) *loader.Loader[int64, []*complaint.Event] { return l.Timeline },
		func(c *complaint.Complaint) (int64, bool) { return always(c.ID) })

	seminarOrganizer = officeOf(func(s *seminar.Seminar) string { return s.OrganizerCode })
	seminarProvince  = provinceOf(func(s *seminar.Seminar) (string, bool) { return given(s.ProvinceCode) })
	seminarAttendees = connection(memberConns, member.ScopeSeminar, seminarKey)
	seminarAwards    = to(func(l *loader.Loaders) *loader.Loader[int64, []*award.Award] { return l.SeminarAwards },
		func(s *seminar.Seminar) (int64, bool) { return always(s.ID) })

	bucketProvince = provinceOf(func(b *complaint.Bucket) (string, bool) { return given(b.ProvinceCode) })

	awardMember  = to(membersByID, func(a *award.Award) (int64, bool) { return always(a.MemberID) })
	awardSeminar = to(func(l *loader.Loaders) *loader.Loader[int64, *seminar.Seminar] { return l.Seminar },
		func(a *award.Award) (int64, bool) { return given(a.SeminarID) })

	rootMembers    = connection(memberConns, member.ScopeAll, root)
	rootFactories  = connection(factoryConns, factory.ScopeAll, root)
	rootComplaints = connection(complaintConns, complaint.ScopeAll, root)
	rootSeminars   = connection(seminarConns, seminar.ScopeAll, root)
)

// The relations of each type by field name, for the look-ahead. They are
// set in init because they refer, through ahead, to themselves.
var (
	provinceRelations  map[string]relation[*province.Province]
	officeRelations    map[string]relation[*office.Office]
	memberRelations    map[string]relation[*member.Member]
	factoryRelations   map[string]relation[*factory.Factory]
	complaintRelations map[string]relation[*complaint.Complaint]
	seminarRelations   map[string]relation[*seminar.Seminar]
	awardRelations     map[string]relation[*award.Award]
	bucketRelations    map[string]relation[*complaint.Bucket]
)

func init() {
	provinceRelations = map[string]relation[*province.Province]{
		"office": provinceOffice, "factories": provinceFactories, "members": provinceMembers,
		"complaints": provinceComplaints, "seminars": provinceSeminars,
	}
	officeRelations = map[string]relation[*office.Office]{
		"province": officeProvince, "members": officeMembers, "seminars": officeSeminars,
		"complaints": officeComplaints,
	}
	memberRelations = map[string]relation[*member.Member]{
		"province": memberProvince, "office": memberOffice, "factory": memberFactory, "awards": memberAwards,
		"seminars": memberSeminars, "complaintsFiled": memberComplaintsFiled,
	}
	factoryRelations = map[string]relation[*factory.Factory]{
		"province": factoryProvince, "operators": factoryOperators, "complaints": factoryComplaints,
	}
	complaintRelations = map[string]relation[*complaint.Complaint]{
		"province": complaintProvince, "factory": complaintFactory, "handledBy": complaintHandledBy,
		"filedBy": complaintFiledBy, "investigators": complaintInvestigators, "timeline": complaintTimeline,
	}
	seminarRelations = map[string]relation[*seminar.Seminar]{
		"organizer": seminarOrganizer, "province": seminarProvince, "attendees": seminarAttendees,
		"awards": seminarAwards,
	}
	bucketRelations = map[string]relation[*complaint.Bucket]{"province": bucketProvince}
	awardRelations = map[string]relation[*award.Award]{"member": awardMember, "seminar": awardSeminar}
}
