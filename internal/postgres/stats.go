package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Stats counts the SQL statements one request runs and the time they take
// (from sending a statement until its last row is read; concurrent
// statements add up).
type Stats struct {
	statements atomic.Int64
	nanos      atomic.Int64
}

// Statements is how many statements ran.
func (s *Stats) Statements() int64 { return s.statements.Load() }

// Duration is the time the statements took, summed.
func (s *Stats) Duration() time.Duration { return time.Duration(s.nanos.Load()) }

func (s *Stats) add(start time.Time) {
	s.statements.Add(1)
	s.nanos.Add(int64(time.Since(start)))
}

type statsKey struct{}

// WithStats returns a context whose statements are counted in a new Stats.
func WithStats(ctx context.Context) (context.Context, *Stats) {
	s := &Stats{}
	return context.WithValue(ctx, statsKey{}, s), s
}

// StatsFrom returns the context's Stats, or nil.
func StatsFrom(ctx context.Context) *Stats {
	s, _ := ctx.Value(statsKey{}).(*Stats)
	return s
}

// openCounted opens dsn through lib/pq, counting every statement run with
// a context made by WithStats. Wrapping the driver, rather than the stores,
// counts every statement whoever runs it.
func openCounted(dsn string) (*sqlx.DB, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, err
	}
	oneRoundTrip(&cfg, dsn)
	c, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, err
	}
	return sqlx.NewDb(sql.OpenDB(connector{c}), "postgres"), nil
}

// oneRoundTrip makes lib/pq send a statement with parameters in one round
// trip (Parse, Bind and Execute together) instead of two (a Parse and
// Describe first, to learn the parameter types): each statement costs a
// round trip and an implicit transaction less. The
// server infers the parameter types either way. A DSN that names
// binary_parameters keeps its own choice. It is set on the parsed
// configuration, not appended to the DSN, which a trailing "password=" or
// a URL's fragment would swallow.
func oneRoundTrip(cfg *pq.Config, dsn string) {
	if !strings.Contains(dsn, "binary_parameters") {
		cfg.BinaryParameters = true
	}
}

type connector struct {
	*pq.Connector
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := cn.(pqConn)
	if !ok {
		cn.Close()
		return nil, fmt.Errorf("lib/pq connection %T lacks a driver interface", cn)
	}
	return &conn{pc}, nil
}

// pqConn is what lib/pq's connection implements, all of which conn passes
// on, so that database/sql finds the same abilities.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

type conn struct {
	pqConn
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return countedQuery(ctx, func() (driver.Rows, error) { return c.pqConn.QueryContext(ctx, query, args) })
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return countedExec(ctx, func() (driver.Result, error) { return c.pqConn.ExecContext(ctx, query, args) })
}

// countedQuery runs query, counting it in ctx's Stats (if any) when its
// rows are read or closed.
func countedQuery(ctx context.Context, query func() (driver.Rows, error)) (driver.Rows, error) {
	s := StatsFrom(ctx)
	if s == nil {
		return query()
	}
	start := time.Now()
	rows, err := query()
	if err != nil {
		s.add(start)
		return nil, err
	}
	return &rowsTimer{Rows: rows, stats: s, start: start}, nil
}

// countedExec runs exec, counting it in ctx's Stats (if any).
func countedExec(ctx context.Context, exec func() (driver.Result, error)) (driver.Result, error) {
	s := StatsFrom(ctx)
	if s == nil {
		return exec()
	}
	start := time.Now()
	defer s.add(start)
	return exec()
}

// PrepareContext prepares query; the statement's runs are counted like
// the connection's.
func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, err := c.pqConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	ps, ok := s.(pqStmt)
	if !ok {
		// COPY's statement (pq.CopyIn) runs only through Exec, uncounted.
		return s, nil
	}
	return &stmt{ps}, nil
}

// pqStmt is what lib/pq's prepared statement implements.
type pqStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
}

type stmt struct {
	pqStmt
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return countedQuery(ctx, func() (driver.Rows, error) { return s.pqStmt.QueryContext(ctx, args) })
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return countedExec(ctx, func() (driver.Result, error) { return s.pqStmt.ExecContext(ctx, args) })
}

// rowsTimer counts its statement when its rows are closed.
type rowsTimer struct {
	driver.Rows
	stats  *Stats
	start  time.Time
	closed bool
}

func (r *rowsTimer) Next(dest []driver.Value) error {
	err := r.Rows.Next(dest)
	if err == io.EOF && !r.closed {
		r.closed = true
		r.stats.add(r.start)
	}
	return err
}

func (r *rowsTimer) Close() error {
	if !r.closed {
		r.closed = true
		r.stats.add(r.start)
	}
	return r.Rows.Close()
}
