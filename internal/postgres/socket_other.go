//go:build !linux

package postgres

import "syscall"

// setUserTimeout does nothing where TCP_USER_TIMEOUT does not exist;
// keepalive alone notices a peer gone.
func setUserTimeout(network, address string, c syscall.RawConn) error { return nil }
