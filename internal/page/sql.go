package page

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/postgres"
)

// Source is the SQL of one kind of list, as constant fragments that the
// list queries are assembled from. Values never enter the SQL text: they are
// :named parameters. Which fragments a statement has depends only on which
// filters were given (Conds), never on their values.
//
// Every list is read for many parents at once: the parent keys arrive as
// the text array :parents, and each parent's rows are found by a LATERAL
// subquery, so the first N rows of every parent cost one statement. A list
// without parent (a root connection) is the scope whose condition is TRUE,
// read for the single parent "".
type Source[T any] struct {
	// Columns are the select list of a row, and how it is scanned.
	Columns postgres.Columns[T]
	// From names the table and its alias.
	From string
	// ID is the row's unique id column, the last sort key of every order.
	ID string
	// Scopes maps each kind of parent to how its rows are found.
	Scopes map[string]Scope
}

// Scope selects the rows of one parent, whose key is p.key (text).
type Scope struct {
	// Join is added after From, e.g. to go through a link table.
	Join string
	// Where is the condition on p.key.
	Where string
}

// Conds are the conditions of the filters a list was given, each a
// constant fragment of SQL whose values are :named parameters. A filter
// that was not given adds nothing: a catch-all such as
// "(CAST(:x AS text) IS NULL OR col = :x)" for every possible filter would
// make each statement a dozen predicates the planner must reason about
// (and a generic plan would keep them all as filters), where the given
// ones alone make a simple, index-friendly statement.
type Conds []string

// Add adds cond, when given.
func (c *Conds) Add(given bool, cond string) {
	if given {
		*c = append(*c, cond)
	}
}

// SQL is the conditions as a WHERE clause's continuation: " AND (c)" for
// each, or "" for none.
func (c Conds) SQL() string {
	var b strings.Builder
	for _, cond := range c {
		b.WriteString("\n      AND (")
		b.WriteString(cond)
		b.WriteString(")")
	}
	return b.String()
}

// Where is the conditions as a whole WHERE clause: "TRUE" for none.
func (c Conds) Where() string {
	if len(c) == 0 {
		return "TRUE"
	}
	return "(" + strings.Join(c, ")\n  AND (") + ")"
}

// Planned is ctx for the statements of a list searched for text (search
// not empty): planned for their pattern each time, not prepared
// (postgres.Unprepared), since the pattern decides which index is worth
// reading.
func Planned(ctx context.Context, search string) context.Context {
	if search == "" {
		return ctx
	}
	return postgres.Unprepared(ctx)
}

// SortKey is the expression a list is ordered by, before the id.
type SortKey struct {
	// Expr is the SQL expression; an index must exist on exactly it.
	Expr string
	// Type is the SQL type a cursor's key is cast to.
	Type string
	// Kind is how a cursor's key is checked before it reaches SQL.
	Kind KeyKind
}

// Params are the parameters every list query takes; a domain embeds them
// in its own parameter struct next to its filter's.
type Params struct {
	Parents  pq.StringArray `db:"parents"`
	Limit    int            `db:"limit"`
	AfterKey *string        `db:"after_key"`
	AfterID  *int64         `db:"after_id"`
}

// NewParams are the parameters that read window w for each of parents: one
// row more than the page, to tell whether more follow.
func NewParams(parents []string, w Window) Params {
	p := Params{Parents: parents, Limit: w.First + 1}
	if w.HasAfter {
		p.AfterKey, p.AfterID = &w.After.Key, &w.After.ID
	}
	return p
}

// PageQuery is the statement that reads a page of every parent of kind
// scope with the conditions conds, sorted by key in direction dir, after
// the cursor of the parameters when hasAfter. It answers the parent's key
// as column "parent" before the columns of cs, the row's columns without
// those the page's selection does not read.
func (s Source[T]) PageQuery(scope string, cs postgres.Columns[T], key SortKey, dir Direction, conds Conds, hasAfter bool) string {
	sc := s.Scopes[scope]
	order, after := key.Expr+" ASC, "+s.ID+" ASC", ">"
	if dir == Desc {
		order, after = key.Expr+" DESC, "+s.ID+" DESC", "<"
	}
	conds = conds[:len(conds):len(conds)] // adding must not write into the caller's array
	conds.Add(hasAfter, "("+key.Expr+", "+s.ID+") "+after+" (CAST(:after_key AS "+key.Type+"), CAST(:after_id AS bigint))")
	return `SELECT p.key AS parent, t.*
FROM unnest(CAST(:parents AS text[])) AS p(key)
CROSS JOIN LATERAL (
    SELECT ` + cs.List() + `
    FROM ` + s.From + ` ` + sc.Join + `
    WHERE (` + sc.Where + `)` + conds.SQL() + `
    ORDER BY ` + order + `
    LIMIT :limit
) AS t`
}

// CountQuery is the statement that counts the rows of every parent of
// kind scope that meet conds, as columns "parent" and "count".
func (s Source[T]) CountQuery(scope string, conds Conds) string {
	sc := s.Scopes[scope]
	return `SELECT p.key AS parent, (
    SELECT count(*)
    FROM ` + s.From + ` ` + sc.Join + `
    WHERE (` + sc.Where + `)` + conds.SQL() + `
) AS count
FROM unnest(CAST(:parents AS text[])) AS p(key)`
}

// List runs src's page query for scope, sorted by key in direction dir,
// reading window w with the conditions conds and parameters arg, without
// the columns of omit, and groups the rows by parent.
func List[T any](ctx context.Context, db sqlx.ExtContext, src Source[T], scope string, omit postgres.Omit, key SortKey, dir Direction,
	w Window, conds Conds, arg any) (map[string][]*T, error) {
	out := make(map[string][]*T)
	var parent string
	cs := src.Columns.Without(omit)
	err := cs.Select(ctx, db, src.PageQuery(scope, cs, key, dir, conds, w.HasAfter), arg, []any{&parent},
		func(t *T) { out[parent] = append(out[parent], t) })
	return out, err
}

// Count runs src's count query for scope with the conditions conds and
// parameters arg, and answers each parent's count.
func (s Source[T]) Count(ctx context.Context, db sqlx.ExtContext, scope string, conds Conds, arg any) (map[string]int, error) {
	out := make(map[string]int)
	var (
		parent string
		n      int
	)
	err := postgres.Columns[struct{}]{}.Select(ctx, db, s.CountQuery(scope, conds), arg, []any{&parent, &n},
		func(*struct{}) { out[parent] = n })
	if err != nil {
		return nil, err
	}
	return out, nil
}
