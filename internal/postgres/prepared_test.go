package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/dbtest"
	"eilnet/internal/postgres"
)

// A read through Prepared is a statement prepared once on its connection,
// and counted like any other.
func TestPreparedReads(t *testing.T) {
	db, err := postgres.Open(context.Background(), dbtest.Empty(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// One connection: the session whose prepared statements are read.
	db.SetMaxOpenConns(1)
	reads := postgres.NewPrepared(db, 8)
	const query = `SELECT n FROM generate_series(1, $1) AS n`
	ctx, stats := postgres.WithStats(context.Background())
	for range 3 {
		var ns []int
		if err := sqlx.SelectContext(ctx, reads, &ns, query, 4); err != nil {
			t.Fatal(err)
		}
		if len(ns) != 4 || ns[3] != 4 {
			t.Fatalf("rows = %v", ns)
		}
	}
	if n := stats.Statements(); n != 3 {
		t.Errorf("%d statements counted, want 3", n)
	}
	var prepared int
	if err := db.Get(&prepared, `SELECT count(*) FROM pg_prepared_statements WHERE statement = $1`, query); err != nil {
		t.Fatal(err)
	}
	if prepared != 1 {
		t.Errorf("%d prepared statements of the query on the connection, want 1", prepared)
	}
}

// Statements the cache lets go while others still run them are prepared
// again, without failing a read.
func TestPreparedEviction(t *testing.T) {
	db, err := postgres.Open(context.Background(), dbtest.Empty(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reads := postgres.NewPrepared(db, 1)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				k := (w + i) % 3
				var got []string
				q := fmt.Sprintf(`SELECT CAST(%d AS text) || $1`, k)
				if err := sqlx.SelectContext(context.Background(), reads, &got, q, "x"); err != nil {
					errs <- err
					return
				}
				if want := fmt.Sprintf("%dx", k); len(got) != 1 || got[0] != want {
					errs <- fmt.Errorf("%s answered %v, want %s", q, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
