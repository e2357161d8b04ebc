package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/postgres"
)

// clearPGEnv unsets libpq's variables for the test, and sets $USER, which
// lib/pq takes for the default user.
func clearPGEnv(t *testing.T, user string) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "PG") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	t.Setenv("USER", user)
}

// The target is resolved as lib/pq resolves it: the connection string,
// then the PG* variables, then the defaults.
func TestTargetOf(t *testing.T) {
	cases := []struct {
		name string
		dsn  string
		env  map[string]string
		want postgres.Target
	}{
		{"URL", "postgres://u:pw-url@db.example:6000/eil?sslmode=disable", nil,
			postgres.Target{Hosts: []string{"db.example"}, Ports: []uint16{6000}, Database: "eil", User: "u", SSLMode: "disable"}},
		{"key=value", "host=10.0.0.5 port=5433 user=a password='pw kv' dbname=b sslmode=prefer", nil,
			postgres.Target{Hosts: []string{"10.0.0.5"}, Ports: []uint16{5433}, Database: "b", User: "a", SSLMode: "prefer"}},
		{"environment", "sslmode=prefer", map[string]string{"PGHOST": "pghost", "PGPORT": "7000", "PGUSER": "pguser", "PGDATABASE": "pgdb", "PGPASSWORD": "pw-env"},
			postgres.Target{Hosts: []string{"pghost"}, Ports: []uint16{7000}, Database: "pgdb", User: "pguser", SSLMode: "prefer"}},
		{"the string over the environment", "postgres://u@h/d", map[string]string{"PGHOST": "pghost", "PGDATABASE": "pgdb", "PGSSLMODE": "verify-full"},
			postgres.Target{Hosts: []string{"h"}, Ports: []uint16{5432}, Database: "d", User: "u", SSLMode: "verify-full"}},
		{"defaults", "", nil,
			postgres.Target{Hosts: []string{"localhost"}, Ports: []uint16{5432}, Database: "osuser", User: "osuser", SSLMode: "require"}},
		{"database named after PGUSER", "", map[string]string{"PGUSER": "pguser"},
			postgres.Target{Hosts: []string{"localhost"}, Ports: []uint16{5432}, Database: "pguser", User: "pguser", SSLMode: "require"}},
		{"several hosts", "host=a,b,c port=1,2,3 dbname=d user=u", nil,
			postgres.Target{Hosts: []string{"a", "b", "c"}, Ports: []uint16{1, 2, 3}, Database: "d", User: "u", SSLMode: "require"}},
		{"a socket", "host=/var/run/postgresql dbname=d", nil,
			postgres.Target{Hosts: []string{"/var/run/postgresql"}, Ports: []uint16{5432}, Database: "d", User: "osuser", SSLMode: "disable"}},
		{"hostaddr", "host=db.example hostaddr=10.1.2.3 dbname=d", nil,
			postgres.Target{Hosts: []string{"db.example (10.1.2.3)"}, Ports: []uint16{5432}, Database: "d", User: "osuser", SSLMode: "require"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearPGEnv(t, "osuser")
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			got, err := postgres.TargetOf(c.dsn)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("TargetOf(%q) = %+v, %v\nwant %+v", c.dsn, got, err, c.want)
			}
			var logged bytes.Buffer
			slog.New(slog.NewJSONHandler(&logged, nil)).LogAttrs(context.Background(), slog.LevelInfo, "database target", got.Attrs()...)
			if strings.Contains(logged.String(), "pw") {
				t.Errorf("the log holds the password: %s", &logged)
			}
		})
	}

	var logged bytes.Buffer
	clearPGEnv(t, "osuser")
	target, _ := postgres.TargetOf("host=a,b port=5432 dbname=d user=u sslmode=disable")
	slog.New(slog.NewJSONHandler(&logged, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})).LogAttrs(context.Background(), slog.LevelInfo, "database target", target.Attrs()...)
	if want := `{"level":"INFO","msg":"database target","host":"a,b","port":"5432,5432","dbname":"d","user":"u","sslmode":"disable"}` + "\n"; logged.String() != want {
		t.Errorf("logged %s, want %s", &logged, want)
	}
}

// A connection string lib/pq refuses is reported without its password.
func TestTargetOfRedacts(t *testing.T) {
	clearPGEnv(t, "osuser")
	for _, dsn := range []string{"postgres://u:s3cret@h/db%zz", "postgres://u:s3cret@h:port/db", "host=h password=s3cret port=many"} {
		_, err := postgres.TargetOf(dsn)
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: %v", dsn, err)
		}
	}
}

// CheckOwn accepts an empty database and eilnet's, and refuses one
// holding tables of something else, naming them.
func TestCheckOwn(t *testing.T) {
	ctx := context.Background()
	if err := postgres.CheckOwn(ctx, dbtest.Empty(t)); err != nil {
		t.Errorf("eilnet's database: %v", err)
	}

	admin := dbtest.Admin(t)
	name := fmt.Sprintf("eilnet_test_%d_checkown", os.Getpid())
	if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	u, err := postgres.DatabaseURL(dbtest.ServerURL(), name)
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := postgres.CheckOwn(ctx, db); err != nil {
		t.Errorf("an empty database: %v", err)
	}
	// An extension's tables are not the database's own.
	db.MustExec(`CREATE EXTENSION IF NOT EXISTS pg_trgm`)
	db.MustExec(`CREATE TEMPORARY TABLE scratch (id int)`)
	if err := postgres.CheckOwn(ctx, db); err != nil {
		t.Errorf("a database with an extension and a temporary table: %v", err)
	}

	db.MustExec(`CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int); CREATE TABLE "Users" (id int); CREATE VIEW active AS SELECT 1 AS one`)
	err = postgres.CheckOwn(ctx, db)
	foreign, ok := errors.AsType[*postgres.ForeignError](err)
	if want := []string{`billing.invoices`, `public."Users"`, `public.active`}; !ok || foreign.Database != name || !reflect.DeepEqual(foreign.Tables, want) {
		t.Fatalf("a foreign database: %#v, want the tables %q", err, want)
	}
	for _, w := range []string{`database "` + name + `" is not eilnet's`, "3 tables (billing.invoices, public.\"Users\", public.active)", "goose_db_version", "--allow-foreign-tables"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}

	// Once the version table is there (migrate --allow-foreign-tables), the
	// database is eilnet's.
	db.MustExec(`CREATE TABLE ` + postgres.VersionTable + ` (id serial, version_id bigint, is_applied boolean)`)
	db.MustExec(`INSERT INTO ` + postgres.VersionTable + ` (version_id, is_applied) VALUES (0, true), (1, true)`)
	if err := postgres.CheckOwn(ctx, db); err != nil {
		t.Errorf("with %s: %v", postgres.VersionTable, err)
	}
	// Another application's goose table, by the same name, holds versions
	// that are not eilnet's migrations.
	db.MustExec(`INSERT INTO ` + postgres.VersionTable + ` (version_id, is_applied) VALUES (20240101120000, true)`)
	if _, ok := errors.AsType[*postgres.ForeignError](postgres.CheckOwn(ctx, db)); !ok {
		t.Errorf("another application's %s: not refused", postgres.VersionTable)
	}
}

func TestForeignErrorNamesFew(t *testing.T) {
	err := &postgres.ForeignError{Database: "root", Tables: []string{"a.a", "a.b", "a.c", "a.d", "a.e", "a.f", "a.g"}}
	if msg := err.Error(); !strings.Contains(msg, `database "root" is not eilnet's: it holds 7 tables (a.a, a.b, a.c, a.d, a.e and 2 more)`) {
		t.Errorf("%s", msg)
	}
}
