package endpoint

import (
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"eilnet/internal/apperr"
)

// nulFree refuses an operation that gives a string holding the NUL
// character, as a variable or as a literal argument, wherever it would
// go: PostgreSQL's text cannot hold it, and would fail the statement as
// a fault of the server. The error names the input at fault, as a
// variable ("$input.description") or as a field's argument
// ("factory.registrationNo").
func nulFree(rc *graphql.OperationContext) *gqlerror.Error {
	for name, v := range rc.Variables {
		if path, ok := nulInVariable(v, "$"+name); ok {
			return nulError(path)
		}
	}
	sets := []ast.SelectionSet{rc.Operation.SelectionSet}
	for _, f := range rc.Doc.Fragments {
		sets = append(sets, f.SelectionSet)
	}
	for len(sets) > 0 {
		set := sets[len(sets)-1]
		sets = sets[:len(sets)-1]
		for _, sel := range set {
			var directives ast.DirectiveList
			switch sel := sel.(type) {
			case *ast.Field:
				for _, a := range sel.Arguments {
					if path, ok := nulInValue(a.Value, sel.Name+"."+a.Name); ok {
						return nulError(path)
					}
				}
				directives = sel.Directives
				sets = append(sets, sel.SelectionSet)
			case *ast.InlineFragment:
				directives = sel.Directives
				sets = append(sets, sel.SelectionSet)
			case *ast.FragmentSpread:
				directives = sel.Directives
			}
			for _, d := range directives {
				for _, a := range d.Arguments {
					if path, ok := nulInValue(a.Value, "@"+d.Name+"."+a.Name); ok {
						return nulError(path)
					}
				}
			}
		}
	}
	return nil
}

func nulError(path string) *gqlerror.Error {
	return gqlerror.WrapPath(nil, &apperr.Error{Code: apperr.BadUserInput, Field: path,
		Message: "a string may not hold the NUL character (U+0000)"})
}

// nulInVariable finds a NUL in a variable's coerced value, and answers
// where.
func nulInVariable(v any, path string) (string, bool) {
	switch v := v.(type) {
	case string:
		return path, strings.IndexByte(v, 0) >= 0
	case []any:
		for i, e := range v {
			if p, ok := nulInVariable(e, fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, true
			}
		}
	case map[string]any:
		for k, e := range v {
			if p, ok := nulInVariable(e, path+"."+k); ok {
				return p, true
			}
		}
	}
	return "", false
}

// nulInValue finds a NUL in a literal, and answers where.
func nulInValue(v *ast.Value, path string) (string, bool) {
	if v == nil {
		return "", false
	}
	switch v.Kind {
	case ast.StringValue, ast.BlockValue:
		return path, strings.IndexByte(v.Raw, 0) >= 0
	case ast.ListValue:
		for i, c := range v.Children {
			if p, ok := nulInValue(c.Value, fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, true
			}
		}
	case ast.ObjectValue:
		for _, c := range v.Children {
			if p, ok := nulInValue(c.Value, path+"."+c.Name); ok {
				return p, true
			}
		}
	}
	return "", false
}
