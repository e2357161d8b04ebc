package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Columns are the columns of row type T, in the order of a select list,
// each with the field of T it is read into. They are both the select list
// of T's statements (List) and how their rows are scanned (Select), so the
// two cannot disagree, and scanning needs no reflection: sqlx's struct
// scan finds every field of every row by reflection, which was a tenth of
// the CPU of a large nested query.
type Columns[T any] []Column[T]

// A Column is an SQL expression of a select list and the address of the
// field of a row it is read into.
type Column[T any] struct {
	Expr  string
	Field func(*T) any
	// For are the GraphQL fields of T's type that read the column: a
	// statement whose rows serve none of them leaves it out (Omitting).
	// Without For the column is always read: the id, and what more than
	// one field needs, such as a sort key (every cursor holds it) or what
	// the access policy decides by.
	For []string
}

// Omit is a set of columns left out of a select list, by their position
// (a Columns has at most 64): the zero Omit reads every column.
type Omit uint64

// Omitting is the set of columns that none of fields, the GraphQL fields a
// statement's rows serve, reads.
func (cs Columns[T]) Omitting(fields []string) Omit {
	var o Omit
	for i, c := range cs {
		if len(c.For) > 0 && !slices.ContainsFunc(c.For, func(f string) bool { return slices.Contains(fields, f) }) {
			o |= 1 << i
		}
	}
	return o
}

// Without is cs without the columns of o.
func (cs Columns[T]) Without(o Omit) Columns[T] {
	if o == 0 {
		return cs
	}
	out := make(Columns[T], 0, len(cs))
	for i, c := range cs {
		if o&(1<<i) == 0 {
			out = append(out, c)
		}
	}
	return out
}

// List is the columns as a select list.
func (cs Columns[T]) List() string {
	exprs := make([]string, len(cs))
	for i, c := range cs {
		exprs[i] = c.Expr
	}
	return strings.Join(exprs, ", ")
}

// Select runs query, whose parameters are :names taken from arg's db tags
// and whose select list is lead's columns then cs, and answers its rows.
// lead are where the columns before cs go, read again for every row; each
// is called with the row and lead's values for it.
func (cs Columns[T]) Select(ctx context.Context, db sqlx.ExtContext, query string, arg any, lead []any, each func(*T)) error {
	bound, args, err := db.BindNamed(query, arg)
	if err != nil {
		return fmt.Errorf("bind query: %w", err)
	}
	rows, err := db.QueryxContext(ctx, bound, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	dest := make([]any, len(lead)+len(cs))
	copy(dest, lead)
	for rows.Next() {
		t := new(T)
		for i, c := range cs {
			dest[len(lead)+i] = c.Field(t)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		each(t)
	}
	return rows.Err()
}

// All runs query as Select does, without lead columns, and answers every
// row.
func (cs Columns[T]) All(ctx context.Context, db sqlx.ExtContext, query string, arg any) ([]*T, error) {
	var out []*T
	err := cs.Select(ctx, db, query, arg, nil, func(t *T) { out = append(out, t) })
	return out, err
}
