package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
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
func openCounted(dsn string, connectTimeout time.Duration) (*sqlx.DB, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, err
	}
	oneRoundTrip(&cfg, dsn)
	// A server that accepts but never answers must not hold a connection
	// attempt made without a deadline (a background job): unless the
	// connection string says otherwise, connect_timeout is the pool's.
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	c, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, err
	}
	c.Dialer(newDialer())
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

// Connect makes a connection, bounded by ctx (socket.go).
func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	slot := &socketSlot{ctx: ctx, release: func() {}}
	cn, err := c.Connector.Connect(context.WithValue(ctx, socketSlotKey{}, slot))
	slot.release()
	if err != nil {
		if slot.socket != nil {
			err = slot.socket.failed(ctx, err)
		}
		return nil, err
	}
	if slot.socket == nil || slot.socket.cut.Load() {
		cn.Close()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New("lib/pq connected without eilnet's dialer")
	}
	pc, ok := cn.(pqConn)
	if !ok {
		cn.Close()
		return nil, fmt.Errorf("lib/pq connection %T lacks a driver interface", cn)
	}
	return &conn{pqConn: pc, sock: slot.socket}, nil
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

// conn is a connection whose work is counted (Stats) and bounded by its
// context (socket.go).
type conn struct {
	pqConn
	sock *socket
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return boundQuery(ctx, c.sock, func() (driver.Rows, error) { return c.pqConn.QueryContext(ctx, query, args) })
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return boundExec(ctx, c.sock, func() (driver.Result, error) { return c.pqConn.ExecContext(ctx, query, args) })
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	release := c.sock.bound(ctx)
	tx, err := c.pqConn.BeginTx(ctx, opts)
	if err != nil {
		release()
		return nil, c.sock.failed(ctx, err)
	}
	return &boundTx{Tx: tx, ctx: ctx, sock: c.sock, release: release}, nil
}

func (c *conn) Ping(ctx context.Context) error {
	defer c.sock.bound(ctx)()
	return c.sock.failed(ctx, c.pqConn.Ping(ctx))
}

// ResetSession and IsValid refuse a connection whose socket was cut.
func (c *conn) ResetSession(ctx context.Context) error {
	if c.sock.cut.Load() {
		return driver.ErrBadConn
	}
	return c.pqConn.ResetSession(ctx)
}

func (c *conn) IsValid() bool { return !c.sock.cut.Load() && c.pqConn.IsValid() }

// boundQuery runs query bounded by ctx until its rows are closed, and
// counts it.
func boundQuery(ctx context.Context, sock *socket, query func() (driver.Rows, error)) (driver.Rows, error) {
	release := sock.bound(ctx)
	rows, err := countedQuery(ctx, query)
	if err != nil {
		release()
		return nil, sock.failed(ctx, err)
	}
	return &boundRows{Rows: rows, release: release}, nil
}

// boundExec runs exec bounded by ctx, and counts it.
func boundExec(ctx context.Context, sock *socket, exec func() (driver.Result, error)) (driver.Result, error) {
	defer sock.bound(ctx)()
	res, err := countedExec(ctx, exec)
	return res, sock.failed(ctx, err)
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
	release := c.sock.bound(ctx)
	s, err := c.pqConn.PrepareContext(ctx, query)
	release()
	if err != nil {
		return nil, c.sock.failed(ctx, err)
	}
	ps, ok := s.(pqStmt)
	if !ok {
		// COPY's statement (pq.CopyIn) runs only through Exec, uncounted
		// and bounded only by its transaction.
		return s, nil
	}
	return &stmt{pqStmt: ps, sock: c.sock}, nil
}

// pqStmt is what lib/pq's prepared statement implements.
type pqStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
}

type stmt struct {
	pqStmt
	sock *socket
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return boundQuery(ctx, s.sock, func() (driver.Rows, error) { return s.pqStmt.QueryContext(ctx, args) })
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return boundExec(ctx, s.sock, func() (driver.Result, error) { return s.pqStmt.ExecContext(ctx, args) })
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
