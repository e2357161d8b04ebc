package dbtest

import (
	"testing"
	"time"

	"github.com/lib/pq"
)

// Lock holds an exclusive lock on table from another session, so that
// every statement reading it waits, until release is called or the test
// ends.
func (db *DB) Lock(tb testing.TB, table string) (release func()) {
	tb.Helper()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	release = func() { tx.Rollback() }
	tb.Cleanup(release)
	if _, err := tx.Exec(`LOCK TABLE ` + pq.QuoteIdentifier(table) + ` IN ACCESS EXCLUSIVE MODE`); err != nil {
		tb.Fatal(err)
	}
	return release
}

// LockWaiters counts the statements of the database waiting for a lock.
func (db *DB) LockWaiters(tb testing.TB) int {
	tb.Helper()
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
		tb.Fatal(err)
	}
	return n
}

// AwaitLockWaiter waits until a statement of the database waits for a
// lock, and fails the test when none does within 5 s.
func (db *DB) AwaitLockWaiter(tb testing.TB) {
	tb.Helper()
	for deadline := time.Now().Add(5 * time.Second); db.LockWaiters(tb) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatal("no statement reached the lock within 5 s")
		}
	}
}
