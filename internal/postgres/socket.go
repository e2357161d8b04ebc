package postgres

import (
	"context"
	"database/sql/driver"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// A statement's context cannot stop lib/pq when the server stops
// answering: lib/pq then sends a cancel request and waits for the reply
// to the statement, which a frozen server (or a proxy gone silent) never
// sends, so the request waits on the socket forever. Every connection's
// socket is therefore opened by eilnet's dialer, and while a connection
// works for a context (connecting, a statement and its rows, a
// transaction) the end of that context puts the socket's deadline in the
// past: the read fails at once, lib/pq reports the connection bad, and
// database/sql drops it. lib/pq still sends its cancel request, so a
// server that is only slow stops the statement too.

// dialer opens the pool's sockets. TCP keepalive and, on Linux,
// TCP_USER_TIMEOUT notice a peer that has gone away (a host down, a
// network cut), which a context alone would notice only at its deadline.
type dialer struct {
	net.Dialer
}

// Keepalive probes start after keepaliveIdle of silence and give up after
// keepaliveCount unanswered probes keepaliveInterval apart; data unacknowledged
// for userTimeout closes the connection.
const (
	keepaliveIdle     = 15 * time.Second
	keepaliveInterval = 5 * time.Second
	keepaliveCount    = 3
	userTimeout       = 30 * time.Second
)

func newDialer() dialer {
	return dialer{net.Dialer{
		KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: keepaliveIdle, Interval: keepaliveInterval, Count: keepaliveCount},
		Control:         setUserTimeout,
	}}
}

func (d dialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

func (d dialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, network, address)
}

// DialContext opens a socket and, when the connector is connecting for a
// context (socketSlot), hands it over, bounded by that context until the
// connection is made; any other socket is a cancel request's, bounded by
// cancelTimeout.
func (d dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	slot, ok := ctx.Value(socketSlotKey{}).(*socketSlot)
	if !ok {
		// Not a connection: lib/pq's cancel request, which waits for the
		// server to close it. A prepared statement's cancellation waits
		// for it before the statement returns; a frozen server never
		// closes it, a silent network never connects it.
		limit := time.Now().Add(cancelTimeout)
		ctx, cancel := context.WithDeadline(ctx, limit)
		defer cancel()
		c, err := d.Dialer.DialContext(ctx, network, address)
		if err != nil {
			return nil, err
		}
		s := &socket{Conn: c, limit: limit}
		c.SetDeadline(limit)
		return s, nil
	}
	c, err := d.Dialer.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	s := &socket{Conn: c}
	// lib/pq may dial more than once (another host, another TLS mode):
	// the last socket is the connection's. It is bound to the context of
	// the whole connection attempt, not to ctx, which lib/pq ends as soon
	// as the dial returns.
	slot.release()
	slot.socket, slot.release = s, s.bound(slot.ctx)
	return s, nil
}

// socketSlot receives the socket of a connection being made for ctx.
type socketSlot struct {
	ctx     context.Context
	socket  *socket
	release func()
}

type socketSlotKey struct{}

// cancelTimeout bounds a cancel request.
const cancelTimeout = time.Second

// socket is one connection's socket.
type socket struct {
	net.Conn
	// cut is set once a context ended while the connection worked for
	// it: the deadline is past, and the connection serves no more.
	cut atomic.Bool
	// limit, when set, is a deadline no later one replaces.
	limit time.Time
}

// SetDeadline and its kin keep a cut socket cut and a limited one
// limited: lib/pq sets and clears deadlines of its own while it connects.
func (s *socket) SetDeadline(t time.Time) error      { return s.set(t, s.Conn.SetDeadline) }
func (s *socket) SetReadDeadline(t time.Time) error  { return s.set(t, s.Conn.SetReadDeadline) }
func (s *socket) SetWriteDeadline(t time.Time) error { return s.set(t, s.Conn.SetWriteDeadline) }

func (s *socket) set(t time.Time, set func(time.Time) error) error {
	if s.cut.Load() {
		return nil
	}
	if !s.limit.IsZero() && (t.IsZero() || t.After(s.limit)) {
		t = s.limit
	}
	return set(t)
}

// cutGrace is how long after its context ends a socket is cut. lib/pq
// sends its cancel request only when the statement is still waiting when
// it looks, an instant after the context ends: cut at once, the statement
// would return first and a healthy server would go on running it,
// abandoned. A server that answers the cancel ends the statement within
// the grace anyway.
const cutGrace = 100 * time.Millisecond

// bound makes the socket's reads and writes fail once ctx has ended (and
// cutGrace passed), until release is called.
func (s *socket) bound(ctx context.Context) (release func()) {
	if ctx.Done() == nil {
		return func() {}
	}
	var (
		mu       sync.Mutex
		released bool
		timer    *time.Timer
	)
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if released {
			return
		}
		timer = time.AfterFunc(cutGrace, func() {
			mu.Lock()
			defer mu.Unlock()
			// Released meanwhile: the connection may be another
			// request's by now.
			if released {
				return
			}
			s.cut.Store(true)
			s.Conn.SetDeadline(time.Unix(1, 0))
		})
	})
	return func() {
		if stop() {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		released = true
		if timer != nil {
			timer.Stop()
		}
	}
}

// failed is the error of an operation that failed for ctx: ctx's own when
// the socket was cut for it, so that callers see a deadline as a deadline
// and not as the read error it caused.
func (s *socket) failed(ctx context.Context, err error) error {
	if err != nil && s.cut.Load() && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// boundRows releases its socket's bound when its rows are closed: reading
// them goes on reading the socket.
type boundRows struct {
	driver.Rows
	release func()
}

func (r *boundRows) Close() error {
	err := r.Rows.Close()
	r.release()
	return err
}

// boundTx keeps its socket bound to the transaction's context until it
// commits or rolls back: a commit waits on the server too.
type boundTx struct {
	driver.Tx
	ctx     context.Context
	sock    *socket
	release func()
}

func (t *boundTx) Commit() error {
	defer t.release()
	return t.sock.failed(t.ctx, t.Tx.Commit())
}

func (t *boundTx) Rollback() error {
	defer t.release()
	return t.sock.failed(t.ctx, t.Tx.Rollback())
}
