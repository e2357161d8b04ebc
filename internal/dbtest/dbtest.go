// Package dbtest gives each test its own PostgreSQL database, cloned from a
// template database that is migrated (and, for Seeded, filled with the
// scale-1 demo network) once and kept between runs for as long as the
// migrations and the demo network stay the same.
//
// The server is $EILNET_TEST_POSTGRES (set by `make test`), else
// postgres://postgres@127.0.0.1:5432. A test fails, never skips, when the
// server does not answer.
package dbtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/postgres"
	"eilnet/internal/seed"
	"eilnet/migrations"
)

// DB is a test's own database.
type DB struct {
	*sqlx.DB
	// URL connects to the database, for code that opens its own pool.
	URL  string
	name string
}

// Empty returns a new migrated database holding only reference data.
func Empty(tb testing.TB) *DB {
	tb.Helper()
	return clone(tb, templates(tb).empty)
}

// Seeded returns a new database holding the scale-1 demo network.
func Seeded(tb testing.TB) *DB {
	tb.Helper()
	return clone(tb, templates(tb).seeded)
}

// Admin is a connection to the test server's "postgres" database, for
// tests that act on a test database from outside.
func Admin(tb testing.TB) *sqlx.DB {
	tb.Helper()
	return adminDB(tb)
}

// Name is the database's name.
func (db *DB) Name() string { return db.name }

// ServerURL is the URL of the test server, without database.
func ServerURL() string {
	if u := os.Getenv("EILNET_TEST_POSTGRES"); u != "" {
		return strings.TrimSuffix(u, "/")
	}
	return "postgres://postgres@127.0.0.1:5432"
}

// databaseURL is the URL of database name on the test server.
func databaseURL(name string) string {
	u, err := postgres.DatabaseURL(ServerURL(), name)
	if err != nil {
		panic(fmt.Sprintf("EILNET_TEST_POSTGRES: %v", err))
	}
	return u
}

var (
	adminOnce sync.Once
	admin     *sqlx.DB
	adminErr  error

	tplOnce sync.Once
	tpl     templateNames
	tplErr  error

	counter atomic.Int64
)

type templateNames struct{ empty, seeded string }

func adminDB(tb testing.TB) *sqlx.DB {
	tb.Helper()
	adminOnce.Do(func() {
		admin, adminErr = postgres.Open(context.Background(), databaseURL("postgres"))
		if adminErr == nil {
			dropAbandoned(admin)
		}
	})
	if adminErr != nil {
		tb.Fatalf("test PostgreSQL at %s does not answer (run the tests with `make test`, which starts one): %v", ServerURL(), adminErr)
	}
	return admin
}

// dropAbandoned drops the databases of test processes that have ended
// without cleaning up (killed, or a crash).
func dropAbandoned(db *sqlx.DB) {
	var names []string
	if err := db.Select(&names, `SELECT datname FROM pg_database WHERE datname LIKE 'eilnet\_test\_%'`); err != nil {
		return
	}
	for _, name := range names {
		pid, err := strconv.Atoi(strings.Split(strings.TrimPrefix(name, "eilnet_test_"), "_")[0])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); os.IsNotExist(err) {
			db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		}
	}
}

func templates(tb testing.TB) templateNames {
	tb.Helper()
	db := adminDB(tb)
	tplOnce.Do(func() { tpl, tplErr = buildTemplates(db) })
	if tplErr != nil {
		tb.Fatalf("build template databases: %v", tplErr)
	}
	return tpl
}

func buildTemplates(admin *sqlx.DB) (templateNames, error) {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	key, err := migrationsKey()
	if err != nil {
		return templateNames{}, err
	}
	names := templateNames{empty: "eilnet_tpl_" + key}
	if err := ensure(ctx, admin, names.empty, "", func(db *sqlx.DB) error {
		return postgres.Migrate(ctx, db, quiet)
	}); err != nil {
		return names, err
	}

	// The seeded template is named after the network it holds, so that a
	// change to the generator makes a new one. The generator reads the
	// reference data from a copy: a session on a template would make
	// every clone of it fail.
	ref, err := referenceOf(ctx, admin, names.empty)
	if err != nil {
		return names, err
	}
	digest := seed.Generate(ref, 1).Digest()
	sum := sha256.Sum256([]byte(key + digest))
	names.seeded = "eilnet_tpls_" + hex.EncodeToString(sum[:6])
	err = ensure(ctx, admin, names.seeded, names.empty, func(db *sqlx.DB) error {
		return seed.Fill(ctx, db, 1, quiet)
	})
	return names, err
}

func referenceOf(ctx context.Context, admin *sqlx.DB, template string) (*seed.Reference, error) {
	name := fmt.Sprintf("eilnet_test_%d_ref", os.Getpid())
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+template); err != nil {
		return nil, err
	}
	defer admin.ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`)
	db, err := postgres.Open(ctx, databaseURL(name))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return seed.LoadReference(ctx, db)
}

// migrationsKey is a short hash of every migration.
func migrationsKey() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		fmt.Fprintf(h, "%s\n%s\n", path, b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)[:6]), err
}

// ensure creates template name, by build on a copy of from (or an empty
// database), unless it exists. Concurrent test processes take turns.
func ensure(ctx context.Context, admin *sqlx.DB, name, from string, build func(*sqlx.DB) error) error {
	conn, err := admin.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext('eilnet test templates'))`); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext('eilnet test templates'))`)

	var exists bool
	if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return err
	}
	if exists {
		return nil
	}
	// Older templates of the same kind are of no further use.
	prefix := name[:strings.LastIndex(name, "_")+1]
	var stale []string
	if err := conn.SelectContext(ctx, &stale, `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, prefix); err != nil {
		return err
	}
	for _, s := range stale {
		if _, err := conn.ExecContext(ctx, `DROP DATABASE `+s+` WITH (FORCE)`); err != nil {
			return err
		}
	}
	building := name + "_building"
	create := `CREATE DATABASE ` + building
	if from != "" {
		create += ` TEMPLATE ` + from
	}
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("create %s: %w", building, err)
	}
	db, err := postgres.Open(ctx, databaseURL(building))
	if err != nil {
		return err
	}
	err = build(db)
	db.Close()
	if err != nil {
		return fmt.Errorf("build %s: %w", name, err)
	}
	_, err = conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+name)
	return err
}

func clone(tb testing.TB, template string) *DB {
	tb.Helper()
	admin := adminDB(tb)
	name := fmt.Sprintf("eilnet_test_%d_%d", os.Getpid(), counter.Add(1))
	if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + template); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	u := databaseURL(name)
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() {
		db.Close()
		if _, err := admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	return &DB{DB: db, URL: u, name: name}
}

// ReadsThrough fails the test unless the plan PostgreSQL chooses for query,
// with :named parameters from arg, reads table through index. Sequential
// scans are priced out first: on the small tables of a test database they
// would hide whether the index can serve the query at all.
func ReadsThrough(tb testing.TB, db *DB, query string, arg any, table, index string) {
	tb.Helper()
	plan := explain(tb, db, query, arg, "SET LOCAL enable_seqscan = off")
	if !strings.Contains(plan, " "+index+" ") || strings.Contains(plan, "Seq Scan on "+table+" ") {
		tb.Errorf("the plan does not read %s through %s:\n%s", table, index, plan)
	}
}

// Explain answers the plan PostgreSQL chooses for query, with :named
// parameters from arg, under its default settings.
func Explain(tb testing.TB, db *DB, query string, arg any) string {
	tb.Helper()
	return explain(tb, db, query, arg, "")
}

func explain(tb testing.TB, db *DB, query string, arg any, setting string) string {
	tb.Helper()
	tx, err := db.Beginx()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	if setting != "" {
		if _, err := tx.Exec(setting); err != nil {
			tb.Fatal(err)
		}
	}
	bound, args, err := tx.BindNamed("EXPLAIN "+query, arg)
	if err != nil {
		tb.Fatal(err)
	}
	var lines []string
	if err := tx.Select(&lines, bound, args...); err != nil {
		tb.Fatalf("explain: %v", err)
	}
	return strings.Join(lines, "\n")
}
