// Package limits protects the API from expensive requests: limits on a
// query's shape checked on the parsed document before it is validated
// (validation itself is costly for alias and fragment bombs), a static cost
// computed from the schema before execution, and budgets of cost points
// per caller and minute.
package limits

import (
	"math"

	"github.com/vektah/gqlparser/v2/ast"

	"eilnet/internal/apperr"
)

// Shape bounds a query document. Zero means no limit.
type Shape struct {
	// MaxDepth is the deepest nesting of fields (introspection's own
	// fields aside, which the validator bounds).
	MaxDepth int
	// MaxAliases is the number of aliased fields, fragments expanded.
	MaxAliases int
	// MaxRootFields is the number of fields at an operation's top level.
	MaxRootFields int
	// MaxDirectives is the number of directives written in the document.
	MaxDirectives int
	// MaxFields is the number of fields, fragments expanded: it stops
	// fragment bombs, whose expansion grows exponentially.
	MaxFields int
}

// span is what a selection set amounts to once its fragments are expanded.
type span struct {
	depth, fields, aliases, roots int
}

// CheckShape answers a QUERY_TOO_COMPLEX error when doc exceeds a limit,
// and a GRAPHQL_VALIDATION_FAILED one for a fragment that spreads itself.
// It looks only at the document, so it runs before validation.
func (s Shape) CheckShape(doc *ast.QueryDocument) error {
	directives := 0
	countDirectives := func(ds ast.DirectiveList) { directives += len(ds) }
	for _, op := range doc.Operations {
		countDirectives(op.Directives)
		walkDirectives(op.SelectionSet, countDirectives)
	}
	for _, f := range doc.Fragments {
		countDirectives(f.Directives)
		walkDirectives(f.SelectionSet, countDirectives)
	}
	if s.MaxDirectives > 0 && directives > s.MaxDirectives {
		return tooComplex("the query has %d directives; the limit is %d", directives, s.MaxDirectives)
	}

	// The validator checks every operation and every fragment of the
	// document, whichever one runs and whether a fragment is spread or
	// not: the limits bound the whole document, so that no part of it
	// reaches the validator unsized.
	e := expander{doc: doc, done: map[string]span{}, active: map[string]bool{}, reached: map[string]bool{}}
	var whole span
	for _, op := range doc.Operations {
		sp, err := e.selectionSet(op.SelectionSet, true)
		if err != nil {
			return err
		}
		if s.MaxRootFields > 0 && sp.roots > s.MaxRootFields {
			return tooComplex("the operation asks for %d top-level fields; the limit is %d", sp.roots, s.MaxRootFields)
		}
		whole = whole.and(sp)
	}
	for _, f := range doc.Fragments {
		if e.reached[f.Name] {
			continue
		}
		sp, err := e.fragment(f.Name, false)
		if err != nil {
			return err
		}
		// Spreads in it reach other fragments, sized with it.
		whole = whole.and(sp)
	}
	switch {
	case s.MaxDepth > 0 && whole.depth > s.MaxDepth:
		return tooComplex("the query nests %d fields deep; the limit is %d", whole.depth, s.MaxDepth)
	case s.MaxFields > 0 && whole.fields > s.MaxFields:
		return tooComplex("the query has %d fields with its fragments expanded (every operation and fragment of the document counts); the limit is %d", whole.fields, s.MaxFields)
	case s.MaxAliases > 0 && whole.aliases > s.MaxAliases:
		return tooComplex("the query has %d aliases with its fragments expanded (every operation and fragment of the document counts); the limit is %d", whole.aliases, s.MaxAliases)
	}
	return nil
}

// and is a document's size with another part of it.
func (a span) and(b span) span {
	return span{depth: max(a.depth, b.depth), fields: satAdd(a.fields, b.fields),
		aliases: satAdd(a.aliases, b.aliases), roots: satAdd(a.roots, b.roots)}
}

func tooComplex(format string, args ...any) error {
	return apperr.Errorf(apperr.QueryTooComplex, format, args...)
}

func walkDirectives(set ast.SelectionSet, visit func(ast.DirectiveList)) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			visit(sel.Directives)
			walkDirectives(sel.SelectionSet, visit)
		case *ast.InlineFragment:
			visit(sel.Directives)
			walkDirectives(sel.SelectionSet, visit)
		case *ast.FragmentSpread:
			visit(sel.Directives)
		}
	}
}

// expander sizes selection sets with their fragments expanded, each
// fragment once (memoised), so that a fragment bomb costs time linear in
// its text while its counts grow as its expansion would.
type expander struct {
	doc    *ast.QueryDocument
	done   map[string]span
	active map[string]bool
	// reached are the fragments sized so far, spread or not.
	reached map[string]bool
}

func (e *expander) selectionSet(set ast.SelectionSet, root bool) (span, error) {
	var total span
	add := func(sp span) { total = total.and(sp) }
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			sp := span{fields: 1}
			if sel.Alias != "" && sel.Alias != sel.Name {
				sp.aliases = 1
			}
			if root {
				sp.roots = 1
			}
			inner, err := e.selectionSet(sel.SelectionSet, false)
			if err != nil {
				return span{}, err
			}
			// The validator bounds introspection's depth itself, and the
			// playground's own introspection query nests deep; its fields
			// and aliases count like any others.
			if sel.Name != "__schema" && sel.Name != "__type" {
				sp.depth = inner.depth + 1
			}
			sp.fields = satAdd(sp.fields, inner.fields)
			sp.aliases = satAdd(sp.aliases, inner.aliases)
			add(sp)
		case *ast.InlineFragment:
			sp, err := e.selectionSet(sel.SelectionSet, root)
			if err != nil {
				return span{}, err
			}
			add(sp)
		case *ast.FragmentSpread:
			sp, err := e.fragment(sel.Name, root)
			if err != nil {
				return span{}, err
			}
			add(sp)
		}
	}
	return total, nil
}

func (e *expander) fragment(name string, root bool) (span, error) {
	memo := name
	if root {
		memo += " at the root"
	}
	if sp, ok := e.done[memo]; ok {
		return sp, nil
	}
	e.reached[name] = true
	f := e.doc.Fragments.ForName(name)
	if f == nil {
		// The validator reports unknown fragments.
		return span{}, nil
	}
	if e.active[name] {
		return span{}, &cycleError{name: name}
	}
	e.active[name] = true
	sp, err := e.selectionSet(f.SelectionSet, root)
	delete(e.active, name)
	if err != nil {
		return span{}, err
	}
	e.done[memo] = sp
	return sp, nil
}

// cycleError is a fragment that spreads itself, directly or not.
type cycleError struct{ name string }

func (c *cycleError) Error() string {
	return "fragment " + c.name + " spreads itself: fragments may not form cycles"
}

// IsCycle tells whether err is a fragment cycle (a validation error).
func IsCycle(err error) bool {
	_, ok := err.(*cycleError)
	return ok
}

// satAdd adds without overflowing: the counts of a fragment bomb are
// astronomical.
func satAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// satMul multiplies non-negative numbers without overflowing.
func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}
