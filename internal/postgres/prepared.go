package postgres

import (
	"context"
	"database/sql"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/jmoiron/sqlx"
)

// Prepared reads through db with prepared statements: each distinct
// statement text is prepared once per connection and then only bound and
// executed. Planning dominates eilnet's statements: a registration-number
// lookup plans in 0.17 ms and runs in 0.03-0.06 ms (EXPLAIN (ANALYZE,
// SUMMARY), repeated in one session, scale 1). After five runs PostgreSQL
// keeps a generic plan when it is no worse than the custom ones, and plans
// no more. A statement carries only the conditions of the filters given
// (page.Conds), so a generic plan has no catch-all to keep as a filter.
//
// The texts are constants of the domain packages assembled by which
// filters, scope and order a list has, so there are few; the most recently
// used size of them stay prepared. Statements whose plan depends on their
// values are not prepared: text searches (Unprepared), the search store's
// and the summary's (wired to db itself). Writes go through db itself, in
// their transactions; QueryRowx (which the stores' reads do not use) is not
// prepared either.
type Prepared struct {
	*sqlx.DB
	stmts *lru.Cache[string, *prepared]
}

// prepared is a prepared statement and whether the cache has let it go.
// Rows being read keep a closed statement alive (database/sql holds it
// for them); only a query started on it after that fails, and is run
// unprepared instead.
type prepared struct {
	*sqlx.Stmt
	gone atomic.Bool
}

// NewPrepared reads through db, keeping up to size statements prepared.
func NewPrepared(db *sqlx.DB, size int) *Prepared {
	stmts, err := lru.NewWithEvict(size, func(_ string, s *prepared) {
		s.gone.Store(true)
		s.Close()
	})
	if err != nil {
		// Only a size below one fails, which is a wiring mistake.
		panic(err)
	}
	return &Prepared{DB: db, stmts: stmts}
}

// stmt is query, prepared.
func (p *Prepared) stmt(ctx context.Context, query string) (*prepared, error) {
	if s, ok := p.stmts.Get(query); ok {
		return s, nil
	}
	st, err := p.DB.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s := &prepared{Stmt: st}
	if prev, ok, _ := p.stmts.PeekOrAdd(query, s); ok {
		// Another request prepared it meanwhile.
		st.Close()
		return prev, nil
	}
	return s, nil
}

// run runs query with the prepared statement, or unprepared (plain) when
// the cache closed the statement meanwhile or the request marked its
// statements Unprepared.
func run[R any](ctx context.Context, p *Prepared, query string, do func(*prepared) (R, error), plain func() (R, error)) (R, error) {
	if ctx.Value(unpreparedKey{}) != nil {
		return plain()
	}
	s, err := p.stmt(ctx, query)
	if err != nil {
		var none R
		return none, err
	}
	r, err := do(s)
	if err != nil && s.gone.Load() {
		return plain()
	}
	return r, err
}

type unpreparedKey struct{}

// Unprepared marks ctx's statements to be planned for their values each
// time: a text search, whose pattern decides whether an index is worth
// reading, which a generic plan cannot know.
func Unprepared(ctx context.Context) context.Context {
	return context.WithValue(ctx, unpreparedKey{}, true)
}

func (p *Prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return run(ctx, p, query, func(s *prepared) (*sql.Rows, error) { return s.QueryContext(ctx, args...) },
		func() (*sql.Rows, error) { return p.DB.QueryContext(ctx, query, args...) })
}

func (p *Prepared) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	return run(ctx, p, query, func(s *prepared) (*sqlx.Rows, error) { return s.QueryxContext(ctx, args...) },
		func() (*sqlx.Rows, error) { return p.DB.QueryxContext(ctx, query, args...) })
}
