package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"eilnet/graph/model"
	"eilnet/internal/award"
	"eilnet/internal/complaint"
	"eilnet/internal/factory"
	"eilnet/internal/loader"
	"eilnet/internal/member"
	"eilnet/internal/office"
	"eilnet/internal/page"
	"eilnet/internal/province"
	"eilnet/internal/seminar"
)

// Prefetching makes batching independent of timing. Left to themselves, the
// resolvers of one level of a query reach their loaders one object at a
// time: gqlgen spends goroutines, argument parsing and field collection on
// every object, so a level of a few hundred objects trickles in over more
// than ten milliseconds on a small machine, and a loader's wait would have
// to cover all of it for the level to stay one batch (Go's timers add
// about a millisecond more to any wait on an idle server).
//
// Instead, when a root field returns, lookAhead announces the loads of the
// relations its selection asks for, as one loader.Level, and asks each
// loader to follow up: when a batch has been read, the loads of the next
// level are announced for all its values at once, before the batch's
// waiters wake. Every level is read as one batch per loader the moment it
// is complete, without waiting; the resolvers build the same keys and find
// them cached.
// lookAhead announces, as one level, the loads that the selection of the
// root field being resolved will make of v, and returns v: every root
// resolver returns through it.
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
	case *model.MemberConnection:
		planConnection(ctx, r, memberConns, sel)(lv, loader.For(ctx), v.Page, v.Count)
	case *model.FactoryConnection:
		planConnection(ctx, r, factoryConns, sel)(lv, loader.For(ctx), v.Page, v.Count)
	case *model.ComplaintConnection:
		planConnection(ctx, r, complaintConns, sel)(lv, loader.For(ctx), v.Page, v.Count)
	case *model.SeminarConnection:
		planConnection(ctx, r, seminarConns, sel)(lv, loader.For(ctx), v.Page, v.Count)
	}
}

// A relation prepares, once for a field, what to register for each
// object; preparing once per field, not per object, keeps the
// registration of a large level short.
type relation[T any] func(ctx context.Context, r *Resolver, f graphql.CollectedField) func(lv *loader.Level, l *loader.Loaders, obj T)

func each[T comparable](ctx context.Context, lv *loader.Level, r *Resolver, objs []T, sel ast.SelectionSet, satisfies []string, relations map[string]relation[T]) {
	var none T
	l := loader.For(ctx)
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), sel, satisfies) {
		rel := relations[f.Name]
		if rel == nil {
			continue
		}
		register := rel(ctx, r, f)
		if register == nil {
			continue
		}
		for _, obj := range objs {
			if obj != none {
				register(lv, l, obj)
			}
		}
	}
}

// follow is what to do with a loaded value: look ahead into what f
// selects of it.
func follow[V any](ctx context.Context, r *Resolver, f graphql.CollectedField) func(*loader.Level, V) {
	if len(f.Selections) == 0 {
		return nil
	}
	return func(lv *loader.Level, v V) { ahead(ctx, lv, r, v, f.Selections) }
}

// to is the relation of a field that loads one value with the loader ld
// picks, by the key of obj (none when ok is false).
func to[T any, K comparable, V any](ld func(*loader.Loaders) *loader.Loader[K, V], key func(T) (K, bool)) relation[T] {
	return func(ctx context.Context, r *Resolver, f graphql.CollectedField) func(*loader.Level, *loader.Loaders, T) {
		then := follow[V](ctx, r, f)
		return func(lv *loader.Level, l *loader.Loaders, obj T) {
			if k, ok := key(obj); ok {
				ld(l).Prefetch(lv, k, then)
			}
		}
	}
}

// connKind is what differs between the four kinds of connection.
type connKind[F, O any, Q, QF comparable, T any] struct {
	filter       func(context.Context, any) (F, error)
	order        func(context.Context, any) (O, error)
	query        func(r *Resolver, f *F, o *O) (Q, error)
	parts        func(Q) (QF, page.KeyKind)
	implementors []string
	edges        []string
	page         func(*loader.Loaders) *loader.Loader[loader.PageKey[Q], *page.Page[T]]
	count        func(*loader.Loaders) *loader.Loader[loader.CountKey[QF], int]
	// narrow, if set, applies the access policy to a query, as the
	// connection's resolver does.
	narrow func(ctx context.Context, scope string, q *Q)
}

var (
	memberConns = connKind[model.MemberFilter, member.Order, member.Query, member.Filter, *member.Member]{
		UnmarshalMemberFilter, UnmarshalMemberOrder, (*Resolver).memberQuery,
		func(q member.Query) (member.Filter, page.KeyKind) { return q.Filter, q.Order.SortKey().Kind },
		memberConnectionImplementors, memberEdgeImplementors,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey[member.Query], *page.Page[*member.Member]] {
			return l.MemberPage
		},
		func(l *loader.Loaders) *loader.Loader[loader.CountKey[member.Filter], int] { return l.MemberCount }, nil}
	factoryConns = connKind[model.FactoryFilter, factory.Order, factory.Query, factory.Filter, *factory.Factory]{
		UnmarshalFactoryFilter, UnmarshalFactoryOrder, (*Resolver).factoryQuery,
		func(q factory.Query) (factory.Filter, page.KeyKind) { return q.Filter, q.Order.SortKey().Kind },
		factoryConnectionImplementors, factoryEdgeImplementors,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey[factory.Query], *page.Page[*factory.Factory]] {
			return l.FactoryPage
		},
		func(l *loader.Loaders) *loader.Loader[loader.CountKey[factory.Filter], int] { return l.FactoryCount }, nil}
	complaintConns = connKind[model.ComplaintFilter, complaint.Order, complaint.Query, complaint.Filter, *complaint.Complaint]{
		UnmarshalComplaintFilter, UnmarshalComplaintOrder, (*Resolver).complaintQuery,
		func(q complaint.Query) (complaint.Filter, page.KeyKind) { return q.Filter, q.Order.SortKey().Kind },
		complaintConnectionImplementors, complaintEdgeImplementors,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey[complaint.Query], *page.Page[*complaint.Complaint]] {
			return l.ComplaintPage
		},
		func(l *loader.Loaders) *loader.Loader[loader.CountKey[complaint.Filter], int] {
			return l.ComplaintCount
		},
		narrowComplaints}
	seminarConns = connKind[model.SeminarFilter, seminar.Order, seminar.Query, seminar.Filter, *seminar.Seminar]{
		UnmarshalSeminarFilter, UnmarshalSeminarOrder, (*Resolver).seminarQuery,
		func(q seminar.Query) (seminar.Filter, page.KeyKind) { return q.Filter, q.Order.SortKey().Kind },
		seminarConnectionImplementors, seminarEdgeImplementors,
		func(l *loader.Loaders) *loader.Loader[loader.PageKey[seminar.Query], *page.Page[*seminar.Seminar]] {
			return l.SeminarPage
		},
		func(l *loader.Loaders) *loader.Loader[loader.CountKey[seminar.Filter], int] { return l.SeminarCount }, nil}
)

// connection is the relation of a connection field whose parent key is
// parent(obj), with the keys its resolver makes.
func connection[T any, F, O any, Q, QF comparable, R any](k connKind[F, O, Q, QF, R], scope string, parent func(T) string) relation[T] {
	return func(ctx context.Context, r *Resolver, f graphql.CollectedField) func(*loader.Level, *loader.Loaders, T) {
		first, after, filter, order, ok := connArgs(ctx, f, k.filter, k.order)
		if !ok {
			return nil
		}
		q, err := k.query(r, filter, order)
		if err != nil {
			return nil
		}
		if k.narrow != nil {
			k.narrow(ctx, scope, &q)
		}
		qf, kind := k.parts(q)
		plan := planConnection(ctx, r, k, f.Selections)
		return func(lv *loader.Level, l *loader.Loaders, obj T) {
			if p, c, err := loader.NewKeys(scope, parent(obj), q, qf, kind, first, after); err == nil {
				plan(lv, l, p, c)
			}
		}
	}
}

// planConnection reads once what sel, a connection's selection, asks for,
// and answers how to register the page and the count of one connection
// for it, looking ahead into the page's rows when they arrive.
func planConnection[F, O any, Q, QF comparable, R any](ctx context.Context, r *Resolver, k connKind[F, O, Q, QF, R],
	sel ast.SelectionSet) func(*loader.Level, *loader.Loaders, loader.PageKey[Q], loader.CountKey[QF]) {
	oc := graphql.GetOperationContext(ctx)
	var rows []ast.SelectionSet
	wantRows, wantCount := false, false
	for _, f := range graphql.CollectFields(oc, sel, k.implementors) {
		switch f.Name {
		case "totalCount":
			wantCount = true
		case "pageInfo":
			wantRows = true
		case "nodes":
			wantRows = true
			rows = append(rows, f.Selections)
		case "edges":
			wantRows = true
			for _, e := range graphql.CollectFields(oc, f.Selections, k.edges) {
				if e.Name == "node" {
					rows = append(rows, e.Selections)
				}
			}
		}
	}
	var then func(*loader.Level, *page.Page[R])
	if len(rows) > 0 {
		then = func(lv *loader.Level, pg *page.Page[R]) {
			for _, s := range rows {
				ahead(ctx, lv, r, pg.Nodes, s)
			}
		}
	}
	return func(lv *loader.Level, l *loader.Loaders, p loader.PageKey[Q], c loader.CountKey[QF]) {
		if wantRows {
			k.page(l).Prefetch(lv, p, then)
		}
		if wantCount {
			k.count(l).Prefetch(lv, c, nil)
		}
	}
}

// connArgs reads a connection field's arguments as gqlgen gives them to
// its resolver; ok is false when they do not parse (the resolver will
// report why).
func connArgs[F, O any](ctx context.Context, f graphql.CollectedField,
	filterOf func(context.Context, any) (F, error), orderOf func(context.Context, any) (O, error),
) (first *int, after *string, filter *F, order *O, ok bool) {
	args := f.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
	if v := args["first"]; v != nil {
		n, err := graphql.UnmarshalInt(v)
		if err != nil {
			return nil, nil, nil, nil, false
		}
		first = &n
	}
	if v := args["after"]; v != nil {
		s, err := graphql.UnmarshalString(v)
		if err != nil {
			return nil, nil, nil, nil, false
		}
		after = &s
	}
	if v := args["filter"]; v != nil {
		x, err := filterOf(ctx, v)
		if err != nil {
			return nil, nil, nil, nil, false
		}
		filter = &x
	}
	if v := args["orderBy"]; v != nil {
		x, err := orderOf(ctx, v)
		if err != nil {
			return nil, nil, nil, nil, false
		}
		order = &x
	}
	return first, after, filter, order, true
}

// Loader pickers and keys of the relations below.

func provinces(l *loader.Loaders) *loader.Loader[string, *province.Province] { return l.Province }
func offices(l *loader.Loaders) *loader.Loader[string, *office.Office]       { return l.Office }
func membersByID(l *loader.Loaders) *loader.Loader[int64, *member.Member]    { return l.Member }
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

// The relations of each type, as its resolvers load them. They are set in
// init because they refer, through ahead, to themselves.
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
		"office": to(func(l *loader.Loaders) *loader.Loader[string, *office.Office] { return l.OfficeOfProvince },
			func(p *province.Province) (string, bool) { return p.Code, true }),
		"factories":  connection(factoryConns, factory.ScopeProvince, provinceCode),
		"members":    connection(memberConns, member.ScopeProvince, provinceCode),
		"complaints": connection(complaintConns, complaint.ScopeProvince, provinceCode),
		"seminars":   connection(seminarConns, seminar.ScopeProvince, provinceCode),
	}

	officeRelations = map[string]relation[*office.Office]{
		"province": to(provinces, func(o *office.Office) (string, bool) {
			return o.ProvinceCode, o.Kind != office.Central
		}),
		"members":    connection(memberConns, member.ScopeOffice, officeCode),
		"seminars":   connection(seminarConns, seminar.ScopeOrganizer, officeCode),
		"complaints": connection(complaintConns, complaint.ScopeOffice, officeCode),
	}

	memberRelations = map[string]relation[*member.Member]{
		"province": to(provinces, func(m *member.Member) (string, bool) { return always(m.ProvinceCode) }),
		"office":   to(offices, func(m *member.Member) (string, bool) { return always(m.OfficeCode) }),
		"factory":  to(factoriesByID, func(m *member.Member) (int64, bool) { return given(m.FactoryID) }),
		"awards": to(func(l *loader.Loaders) *loader.Loader[int64, []*award.Award] { return l.MemberAwards },
			func(m *member.Member) (int64, bool) { return always(m.ID) }),
		"seminars":        connection(seminarConns, seminar.ScopeAttendee, memberKey),
		"complaintsFiled": connection(complaintConns, complaint.ScopeFiledBy, memberKey),
	}

	factoryRelations = map[string]relation[*factory.Factory]{
		"province": to(provinces, func(f *factory.Factory) (string, bool) { return always(f.ProvinceCode) }),
		"operators": to(func(l *loader.Loaders) *loader.Loader[int64, []*member.Member] { return l.Operators },
			func(f *factory.Factory) (int64, bool) { return always(f.ID) }),
		"complaints": connection(complaintConns, complaint.ScopeFactory, factoryKey),
	}

	complaintRelations = map[string]relation[*complaint.Complaint]{
		"province":  to(provinces, func(c *complaint.Complaint) (string, bool) { return always(c.ProvinceCode) }),
		"factory":   to(factoriesByID, func(c *complaint.Complaint) (int64, bool) { return given(c.FactoryID) }),
		"handledBy": to(offices, func(c *complaint.Complaint) (string, bool) { return always(c.HandledBy) }),
		"filedBy":   to(membersByID, func(c *complaint.Complaint) (int64, bool) { return given(c.FiledBy) }),
		"investigators": to(func(l *loader.Loaders) *loader.Loader[int64, []*member.Member] { return l.Investigators },
			func(c *complaint.Complaint) (int64, bool) { return always(c.ID) }),
		"timeline": to(func(l *loader.Loaders) *loader.Loader[int64, []*complaint.Event] { return l.Timeline },
			func(c *complaint.Complaint) (int64, bool) { return always(c.ID) }),
	}

	seminarRelations = map[string]relation[*seminar.Seminar]{
		"organizer": to(offices, func(s *seminar.Seminar) (string, bool) { return always(s.OrganizerCode) }),
		"province":  to(provinces, func(s *seminar.Seminar) (string, bool) { return given(s.ProvinceCode) }),
		"attendees": connection(memberConns, member.ScopeSeminar, seminarKey),
		"awards": to(func(l *loader.Loaders) *loader.Loader[int64, []*award.Award] { return l.SeminarAwards },
			func(s *seminar.Seminar) (int64, bool) { return always(s.ID) }),
	}

	bucketRelations = map[string]relation[*complaint.Bucket]{
		"province": to(provinces, func(b *complaint.Bucket) (string, bool) { return given(b.ProvinceCode) }),
	}

	awardRelations = map[string]relation[*award.Award]{
		"member": to(membersByID, func(a *award.Award) (int64, bool) { return always(a.MemberID) }),
		"seminar": to(func(l *loader.Loaders) *loader.Loader[int64, *seminar.Seminar] { return l.Seminar },
			func(a *award.Award) (int64, bool) { return given(a.SeminarID) }),
	}
}
