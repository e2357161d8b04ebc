// Package seed fills an empty database with a deterministic demo network:
// the network as the ministry's reports describe it (77 provinces, 77
// offices, 11,500 members, about 6,000 factories of which 2,971 are in the
// governance programme, about 20,000 complaints over fiscal years
// 2561-2568, about 600 seminars with attendance and awards), including the
// real events the reports name. Scale multiplies the volume.
package seed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrNotEmpty is returned by Fill when the database holds network data.
var ErrNotEmpty = errors.New("the database already holds network data; seed only fills an empty one")

// Fill generates the demo network at scale and writes it, in one
// transaction, into a database that holds no network data yet.
func Fill(ctx context.Context, db *sqlx.DB, scale int, log *slog.Logger) error {
	start := time.Now()
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	// One seeding at a time: a second server started with --demo waits
	// here, then finds the data.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('eilnet seed'))`); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	var hasData bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM members) OR EXISTS (SELECT 1 FROM factories)
		OR EXISTS (SELECT 1 FROM complaints) OR EXISTS (SELECT 1 FROM seminars)`).Scan(&hasData); err != nil {
		return fmt.Errorf("check for data: %w", err)
	}
	if hasData {
		return ErrNotEmpty
	}
	ref, err := LoadReference(ctx, tx)
	if err != nil {
		return err
	}
	net := Generate(ref, scale)
	generated := time.Since(start)
	if err := net.write(ctx, tx.Tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	// Fresh statistics, so that the first queries are planned for the data
	// that is there, and a visibility map, so that counts are index-only
	// scans from the start rather than after autovacuum comes by.
	if _, err := db.ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	log.Info("demo network seeded", "scale", scale,
		"factories", len(net.Factories), "members", len(net.Members), "complaints", len(net.Complaints),
		"events", len(net.Events), "seminars", len(net.Seminars), "attendances", len(net.Attendances),
		"awards", len(net.Awards), "generate", generated.Round(time.Millisecond).String(), "total", time.Since(start).Round(time.Millisecond).String())
	return nil
}
