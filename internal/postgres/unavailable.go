package postgres

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/lib/pq"
)

// Unavailable tells whether err means the database cannot serve now
// rather than that the statement is wrong: it cannot be reached, it
// dropped the connection (a restart), it is starting up or shutting down,
// it has no connection left, or what the statement needs stayed locked
// past lock_timeout. A client can only retry later.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if pqErr, ok := errors.AsType[*pq.Error](err); ok {
		code := string(pqErr.Code)
		return strings.HasPrefix(code, "08") || // connection exception
			code == "57P01" || code == "57P02" || code == "57P03" || // admin or crash shutdown, cannot connect now
			code == "53300" || // too many connections
			code == "55P03" // lock not available (lock_timeout)
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
