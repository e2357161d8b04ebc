package limits

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"eilnet/internal/page"
	"eilnet/internal/validate"
)

// Costs computes the static cost of operations from the schema: every
// object a query may return costs one point; a connection's edges and
// nodes count `first` times (20 when not given), and a list without
// `first` as many times as its @listSize directive declares: its
// assumedSize, or the length of its slicing argument (nodes(ids:)).
// Scalars cost nothing: the objects holding them were counted.
type Costs struct {
	sizes map[string]listSize
	// schemaList is what a list of introspection costs: the number of
	// types, about what any of its lists (types, fields, arguments, enum
	// values) holds.
	schemaList int
}

type listSize struct {
	assumed int
	slicing string
}

// NewCosts reads the @listSize declarations of schema. Every list of
// objects must be sized: by `first`, as a connection's edges or nodes, or
// by @listSize; an undeclared one is an error, so that no list escapes the
// cost.
func NewCosts(schema *ast.Schema) (*Costs, error) {
	c := &Costs{sizes: map[string]listSize{}, schemaList: len(schema.Types)}
	var unsized []string
	for _, t := range schema.Types {
		if t.BuiltIn || strings.HasPrefix(t.Name, "__") || (t.Kind != ast.Object && t.Kind != ast.Interface) {
			continue
		}
		for _, f := range t.Fields {
			if d := f.Directives.ForName("listSize"); d != nil {
				size := listSize{}
				if a := d.Arguments.ForName("assumedSize"); a != nil {
					size.assumed, _ = strconv.Atoi(a.Value.Raw)
				}
				if a := d.Arguments.ForName("slicingArguments"); a != nil && len(a.Value.Children) > 0 {
					size.slicing = a.Value.Children[0].Value.Raw
				}
				c.sizes[t.Name+"."+f.Name] = size
				continue
			}
			target := schema.Types[f.Type.Name()]
			if f.Type.Elem == nil || target == nil || target.Kind == ast.Scalar || target.Kind == ast.Enum ||
				f.Arguments.ForName("first") != nil || isConnection(t) {
				continue
			}
			unsized = append(unsized, t.Name+"."+f.Name)
		}
	}
	if len(unsized) > 0 {
		slices.Sort(unsized)
		return nil, fmt.Errorf("lists without first need @listSize for the query cost: %s", strings.Join(unsized, ", "))
	}
	return c, nil
}

func isConnection(t *ast.Definition) bool {
	return strings.HasSuffix(t.Name, "Connection") && t.Fields.ForName("pageInfo") != nil
}

// WriteCost is what one mutation field costs besides its selection: a
// write takes a transaction, locks, an audit record and durable storage.
const WriteCost = 100

// Of is the cost of op with its variables.
func (c *Costs) Of(op *ast.OperationDefinition, vars map[string]any) int {
	cost := c.selectionSet(op.SelectionSet, vars, -1)
	if op.Operation == ast.Mutation {
		cost = satAdd(cost, satMul(WriteCost, Writes(op)))
	}
	return cost
}

// Writes is how many mutation fields op runs, its fragments expanded (0
// for a query).
func Writes(op *ast.OperationDefinition) int {
	if op.Operation != ast.Mutation {
		return 0
	}
	var count func(ast.SelectionSet) int
	count = func(set ast.SelectionSet) int {
		n := 0
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				if sel.Name != "__typename" {
					n++
				}
			case *ast.InlineFragment:
				n += count(sel.SelectionSet)
			case *ast.FragmentSpread:
				if sel.Definition != nil {
					n += count(sel.Definition.SelectionSet)
				}
			}
		}
		return n
	}
	return count(op.SelectionSet)
}

// selectionSet costs set; page is the size of the connection page whose
// fields set selects, or -1.
func (c *Costs) selectionSet(set ast.SelectionSet, vars map[string]any, page int) int {
	total := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			total = satAdd(total, c.field(sel, vars, page))
		case *ast.InlineFragment:
			total = satAdd(total, c.selectionSet(sel.SelectionSet, vars, page))
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				total = satAdd(total, c.selectionSet(sel.Definition.SelectionSet, vars, page))
			}
		}
	}
	return total
}

func (c *Costs) field(f *ast.Field, vars map[string]any, page int) int {
	if f.Definition == nil || len(f.SelectionSet) == 0 {
		return 0
	}
	if f.Name == "__schema" || f.Name == "__type" {
		return satAdd(1, c.introspection(f.SelectionSet))
	}
	var args map[string]any
	if len(f.Arguments) > 0 {
		args = f.ArgumentMap(vars)
	}
	childPage, n := -1, 1
	hasFirst := f.Definition.Arguments.ForName("first") != nil
	switch {
	case f.Definition.Type.Elem == nil && hasFirst:
		childPage = pageSize(args["first"])
	case f.Definition.Type.Elem == nil:
	case page >= 0:
		n = page
	case hasFirst:
		n = pageSize(args["first"])
	default:
		size := c.sizes[f.ObjectDefinition.Name+"."+f.Name]
		n = size.assumed
		if size.slicing != "" {
			n = listLength(args[size.slicing])
		}
	}
	// Once for the field however many objects it answers; its parents
	// multiply it, as if each ran its own statement: loaders batch them
	// into one, but its work grows with them.
	cost := satMul(n, satAdd(1, c.selectionSet(f.SelectionSet, vars, childPage)))
	return satAdd(cost, sqlPrice(f, args))
}

// Points for work of the database that the objects a field answers do
// not show: 20 points per millisecond the statement takes on the demo
// network at scale 10 (as timed by extensions.sql under --debug, the
// worst of three runs), rounded up. A text shorter than the trigram
// indexes' three characters cannot use them and is read row by row.
const (
	shortSearchPrice = 15000 // search of 1-2 characters: 450-760 ms
	searchPrice      = 1000  // search of 3-200 characters: 12-40 ms
	shortCountPrice  = 6000  // totalCount of a list searched for 1-2 characters: 110-310 ms
	countPrice       = 500   // totalCount of a list searched for 3 or more: 1-21 ms
	statsPrice       = 4000  // complaintStats, whatever the grouping (the scan dominates): up to 190 ms
	summaryPrice     = 2000  // networkSummary: 96 ms
	shortText        = 3
)

// sqlPrice is what f costs besides its objects: a text search, a count
// under one, an aggregate.
func sqlPrice(f *ast.Field, args map[string]any) int {
	if f.ObjectDefinition != nil && f.ObjectDefinition.Name == "Query" {
		switch f.Name {
		case "search":
			if short(args["text"]) {
				return shortSearchPrice
			}
			return searchPrice
		case "complaintStats":
			return satAdd(statsPrice, searchedPrice(args, true))
		case "networkSummary":
			return summaryPrice
		}
	}
	return searchedPrice(args, selects(f.SelectionSet, "totalCount"))
}

// searchedPrice is what a list filtered by a search text costs: a text
// too short for the indexes is read row by row for a page as for a
// count; a longer one costs only when counted.
func searchedPrice(args map[string]any, counted bool) int {
	filter, _ := args["filter"].(map[string]any)
	text, ok := filter["search"]
	switch {
	case !ok || text == nil:
		return 0
	case short(text):
		return shortCountPrice
	case counted:
		return countPrice
	}
	return 0
}

// short tells whether a search text, as the search will see it
// (normalised: invisible characters gone), is too short for the trigram
// indexes.
func short(v any) bool {
	s, _ := v.(string)
	return utf8.RuneCountInString(validate.Normalize(s)) < shortText
}

// selects tells whether set selects a field named name, through fragments
// too.
func selects(set ast.SelectionSet, name string) bool {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name == name {
				return true
			}
		case *ast.InlineFragment:
			if selects(sel.SelectionSet, name) {
				return true
			}
		case *ast.FragmentSpread:
			if sel.Definition != nil && selects(sel.Definition.SelectionSet, name) {
				return true
			}
		}
	}
	return false
}

// introspection costs the introspection below set: the schema's size for
// each list it asks for. Its lists nest (types, their fields, their
// arguments) but their total is what the schema holds, so they add up
// rather than multiply: the playground's query, nine lists, costs nine
// times the number of types, and asking for the types fifty times over
// costs fifty times as much.
func (c *Costs) introspection(set ast.SelectionSet) int {
	total := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Definition != nil && sel.Definition.Type.Elem != nil && len(sel.SelectionSet) > 0 {
				total = satAdd(total, c.schemaList)
			}
			total = satAdd(total, c.introspection(sel.SelectionSet))
		case *ast.InlineFragment:
			total = satAdd(total, c.introspection(sel.SelectionSet))
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				total = satAdd(total, c.introspection(sel.Definition.SelectionSet))
			}
		}
	}
	return total
}

// pageSize is the page a `first` argument asks for: 20 when absent, and at
// most 100 (a larger first fails as BAD_USER_INPUT when it runs). The
// value is read as the resolver will read it (a variable may hold "100");
// one that cannot be read counts as the largest page.
func pageSize(v any) int {
	if v == nil {
		return page.DefaultFirst
	}
	n, err := graphql.UnmarshalInt(v)
	if err != nil {
		return page.MaxFirst
	}
	return min(max(n, 0), page.MaxFirst)
}

// listLength is how many items a list argument holds: GraphQL reads a
// single value where a list is expected as a list of one.
func listLength(v any) int {
	if v == nil {
		return 0
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		return rv.Len()
	}
	return 1
}
