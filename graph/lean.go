package graph

import (
	"context"
	"io"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// The lean executor answers queries. gqlgen's generated executor spends,
// on every object of an answer, a field set, a deferred group, a
// goroutine per list element and per resolver field, a field context per
// field and a closure per value, and it coerces a field's arguments again
// for every parent; with every relation already loaded by the look-ahead
// (relations.go), that bookkeeping is most of a request's CPU. The lean
// executor walks the same collected fields in document order on one
// goroutine per root field and writes JSON straight into one buffer: a
// field context only where a resolver or an error needs one, a field's
// arguments coerced once per request, the fields of a selection collected
// once per request.
//
// It is generated (lean.generated.go, by internal/leangen, as a gqlgen
// plugin) from the same schema, bindings and resolvers as gqlgen's
// executor, and keeps its semantics: the @access directive and field
// middleware around every resolver, errors with their paths, a null that
// the schema forbids making its parent null. Mutations, subscriptions,
// introspection and @defer stay with gqlgen's executor. The two must give
// the same answers: gqltest asks a twin server with gqlgen's executor every
// query a test sends, and fails the test when the answers differ.

// leanSchema serves queries with the lean executor and everything else
// with gqlgen's.
type leanSchema struct {
	*executableSchema
}

func (s leanSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Query || !leanServes(oc.Doc, oc.Operation.SelectionSet) {
		return s.executableSchema.Exec(ctx)
	}
	ec := newExecutionContext(oc, s.executableSchema, nil)
	done := false
	return func(ctx context.Context) *graphql.Response {
		if done {
			return nil
		}
		done = true
		ctx = graphql.WithLazyInputUnmarshalerIndex(ctx, ec.leanInputs)
		return &graphql.Response{Data: ec.leanOperation(ctx, oc.Operation.SelectionSet)}
	}
}

// leanServes tells whether the lean executor answers a selection: not
// when it asks for introspection or defers a part.
func leanServes(doc *ast.QueryDocument, sel ast.SelectionSet) bool {
	for _, s := range sel {
		var (
			dirs ast.DirectiveList
			sub  ast.SelectionSet
		)
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return false
			}
			dirs, sub = s.Directives, s.SelectionSet
		case *ast.InlineFragment:
			dirs, sub = s.Directives, s.SelectionSet
		case *ast.FragmentSpread:
			dirs = s.Directives
			if def := doc.Fragments.ForName(s.Name); def != nil {
				sub = def.SelectionSet
			}
		}
		if dirs.ForName("defer") != nil || dirs.ForName("stream") != nil || !leanServes(doc, sub) {
			return false
		}
	}
	return true
}

// leanOperation answers the root fields of a query, each on its own
// goroutine when there are several (as gqlgen does), and joins them in
// document order.
func (ec *executionContext) leanOperation(ctx context.Context, sel ast.SelectionSet) []byte {
	fields := graphql.CollectFields(ec.OperationContext, sel, queryImplementors)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query"})
	values := make([]graphql.Marshaler, len(fields))
	root := func(i int) {
		f := &fields[i]
		ctx := graphql.WithRootFieldContext(ctx, &graphql.RootFieldContext{Object: f.Name, Field: *f})
		values[i] = ec.OperationContext.RootResolverMiddleware(ctx, func(ctx context.Context) (m graphql.Marshaler) {
			x := &lean{ec: ec, sels: map[selectionKey]leanSelection{}}
			defer func() {
				if r := recover(); r != nil {
					fctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query", Field: *f})
					ec.OperationContext.Error(fctx, ec.OperationContext.Recover(fctx, r))
					m = graphql.Null
				}
			}()
			if !ec.leanQuery(ctx, x, f) {
				return graphql.Null
			}
			return leanValue(x.buf)
		})
	}
	if len(fields) == 1 {
		root(0)
	} else {
		var wg sync.WaitGroup
		for i := range fields {
			wg.Go(func() { root(i) })
		}
		wg.Wait()
	}
	x := &lean{}
	x.open()
	for i, f := range fields {
		// A null the schema forbids at a root field makes data null.
		if values[i] == graphql.Null && f.Definition != nil && f.Definition.Type.NonNull {
			return []byte("null")
		}
		x.key(i, f.Alias)
		values[i].MarshalGQL(x)
	}
	x.close()
	return x.buf
}

// leanValue is a root field's answer, written already.
type leanValue []byte

func (v leanValue) MarshalGQL(w io.Writer) { _, _ = w.Write(v) }

// lean is the state of one root field's lean execution: the answer
// written so far, and what is worked out once per request.
type lean struct {
	ec   *executionContext
	buf  []byte
	sels map[selectionKey]leanSelection
	args map[*graphql.CollectedField]map[string]any
}

func (x *lean) Write(p []byte) (int, error) {
	x.buf = append(x.buf, p...)
	return len(p), nil
}

func (x *lean) WriteString(s string) (int, error) {
	x.buf = append(x.buf, s...)
	return len(s), nil
}

// leanSelection is the fields a selection selects of one type, and which
// of them repeat the alias of an earlier one: gqlgen collects a union's
// own __typename and a fragment's apart, executes both and writes the
// first.
type leanSelection struct {
	fields []graphql.CollectedField
	repeat []bool
}

// collect is the fields that sel selects of an object that satisfies
// the given types, collected once per root field.
func (x *lean) collect(sel ast.SelectionSet, satisfies []string) leanSelection {
	key := selectionKey{&sel[0], len(sel), satisfies[0]}
	s, ok := x.sels[key]
	if !ok {
		s.fields = graphql.CollectFields(x.ec.OperationContext, sel, satisfies)
		for i := range s.fields {
			for j := range i {
				if s.fields[j].Alias == s.fields[i].Alias {
					if s.repeat == nil {
						s.repeat = make([]bool, len(s.fields))
					}
					s.repeat[i] = true
					break
				}
			}
		}
		x.sels[key] = s
	}
	return s
}

// field starts the i-th field of s: its key, or, for a repeated alias,
// nothing; done then drops what the field wrote.
func (x *lean) field(s leanSelection, i int) (done func()) {
	if s.repeat == nil || !s.repeat[i] {
		x.key(i, s.fields[i].Alias)
		return func() {}
	}
	mark := len(x.buf)
	return func() { x.buf = x.buf[:mark] }
}

// open starts an object and returns where it starts in the answer.
func (x *lean) open() int {
	start := len(x.buf)
	x.buf = append(x.buf, '{')
	return start
}

func (x *lean) close() { x.buf = append(x.buf, '}') }

// key writes the name of the i-th field of an object.
func (x *lean) key(i int, alias string) {
	if i > 0 {
		x.buf = append(x.buf, ',')
	}
	x.str(alias)
	x.buf = append(x.buf, ':')
}

func (x *lean) null() { x.buf = append(x.buf, "null"...) }

// invalid replaces what was written from start on with null: a field the
// schema says is never null was null. It returns false, which is what the
// writer of an object or list returns when it is null for that reason.
func (x *lean) invalid(start int) bool {
	x.buf = append(x.buf[:start], "null"...)
	return false
}

// scalar writes the answer of a leaf field the schema says is never
// null; false when it is null all the same.
func (x *lean) scalar(m graphql.Marshaler) bool {
	m.MarshalGQL(x)
	return m != graphql.Null
}

// int writes n as gqlgen's MarshalInt does.
func (x *lean) int(n int) { x.buf = strconv.AppendInt(x.buf, int64(n), 10) }

// bool writes b as gqlgen's MarshalBoolean does.
func (x *lean) bool(b bool) { x.buf = strconv.AppendBool(x.buf, b) }

// str writes s as a JSON string, as gqlgen's MarshalString does.
func (x *lean) str(s string) {
	const hex = "0123456789ABCDEF"
	x.buf = append(x.buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		x.buf = append(x.buf, s[start:i]...)
		switch c {
		case '\t':
			x.buf = append(x.buf, `\t`...)
		case '\r':
			x.buf = append(x.buf, `\r`...)
		case '\n':
			x.buf = append(x.buf, `\n`...)
		case '\\':
			x.buf = append(x.buf, `\\`...)
		case '"':
			x.buf = append(x.buf, `\"`...)
		default:
			x.buf = append(x.buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	x.buf = append(x.buf, s[start:]...)
	x.buf = append(x.buf, '"')
}

// leanField is the context of a field whose value is an object or a list
// of them: what its resolvers, and errors beneath it, find as their
// parent.
func leanField(ctx context.Context, object string, f *graphql.CollectedField, isMethod bool) context.Context {
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: object, Field: *f, IsMethod: isMethod})
}

// leanElement is the context of the i-th element of a list.
func leanElement(ctx context.Context, i int) context.Context {
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
}

// leanResolve runs the resolver of field f the way gqlgen's ResolveField
// does: its arguments (coerced once per request), the @access directive
// and the field middleware around it, an error reported at the field's
// path. ok is false when there is no value to write (null is written
// then); valid is false when that null is one the schema forbids.
func leanResolve[T any](ctx context.Context, x *lean, object string, f *graphql.CollectedField, isMethod, isResolver bool,
	argsOf func(context.Context, map[string]any) (map[string]any, error), obj any, resolve func(context.Context) (T, error),
) (fctx context.Context, v T, ok, valid bool) {
	oc := x.ec.OperationContext
	fc := &graphql.FieldContext{Object: object, Field: *f, IsMethod: isMethod, IsResolver: isResolver}
	fctx = graphql.WithFieldContext(ctx, fc)
	nonNull := f.Definition.Type.NonNull
	if argsOf != nil {
		args, seen := x.args[f]
		if !seen {
			// Arguments refused are refused for each parent, at its path,
			// as gqlgen reports them: only accepted ones are kept.
			var err error
			if args, err = argsOf(fctx, f.ArgumentMap(oc.Variables)); err != nil {
				x.ec.Error(fctx, err)
				x.null()
				return fctx, v, false, !nonNull
			}
			if x.args == nil {
				x.args = map[*graphql.CollectedField]map[string]any{}
			}
			x.args[f] = args
		}
		fc.Args = args
	}
	// The children of the field see the context the resolver saw.
	next := func(ctx context.Context) (any, error) {
		fctx = ctx
		return resolve(ctx)
	}
	if pol := policyOf(f.Definition); pol != nil {
		resolver := next
		next = func(ctx context.Context) (any, error) {
			return x.ec.Directives.Access(ctx, obj, resolver, pol.roles, pol.officer, pol.silent)
		}
	}
	res, err, panicked := resolveRecovered(fctx, oc, next)
	if panicked != nil {
		oc.Error(fctx, panicked)
		x.null()
		return fctx, v, false, !nonNull
	}
	if err != nil {
		oc.Error(fctx, graphql.AddFieldLocationToError(fctx, err))
		x.null()
		return fctx, v, false, !nonNull
	}
	if res == nil {
		if nonNull {
			graphql.AddInvalidNullError(fctx, "")
		}
		x.null()
		return fctx, v, false, !nonNull
	}
	v, ok = res.(T)
	if !ok {
		oc.Errorf(fctx, "unexpected type %T from middleware/directive chain, should be %T", res, v)
		x.null()
		return fctx, v, false, !nonNull
	}
	return fctx, v, true, true
}

// resolveRecovered runs next through the field middleware; a panic is
// recovered as gqlgen's ResolveField recovers it, into the field's error.
func resolveRecovered(ctx context.Context, oc *graphql.OperationContext, next graphql.Resolver) (res any, err, panicked error) {
	defer func() {
		if r := recover(); r != nil {
			panicked = oc.Recover(ctx, r)
		}
	}()
	res, err = oc.ResolverMiddleware(ctx, next)
	return res, err, nil
}
