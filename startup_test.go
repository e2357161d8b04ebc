package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"eilnet/internal/dbtest"
	"eilnet/internal/postgres"
)

// Start-up says, in one JSON line, which database it uses, never with
// the password; its failure is a JSON line too.
func TestStartUpLogs(t *testing.T) {
	db := dbtest.Empty(t)
	u, err := url.Parse(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	// The test server trusts: the password is only there to be hidden.
	u.User = url.UserPassword(u.User.Username(), "pw-not-logged")
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, env(map[string]string{"DATABASE_URL": u.String()}), io.Discard, &stderr); err != nil {
		t.Fatalf("migrate: %v\n%s", err, &stderr)
	}
	if strings.Contains(stderr.String(), "pw-not-logged") {
		t.Errorf("the log holds the password:\n%s", &stderr)
	}
	lines := jsonLines(t, stderr.String())
	i := slices.IndexFunc(lines, func(l map[string]any) bool { return l["msg"] == "database target" })
	if i < 0 {
		t.Fatalf("no database target line:\n%s", &stderr)
	}
	want := map[string]any{"level": "INFO", "host": u.Hostname(), "port": u.Port(), "dbname": db.Name(), "user": u.User.Username(), "sslmode": "disable"}
	for k, v := range want {
		if lines[i][k] != v {
			t.Errorf("database target %s = %v, want %v", k, lines[i][k], v)
		}
	}

	// Fatal start-up errors of serve, seed and migrate: JSON, level ERROR.
	for _, args := range [][]string{{"serve", "--port", "0", "--connect-timeout", "2s"}, {"seed"}, {"migrate"}} {
		var stderr bytes.Buffer
		nowhere := env(map[string]string{"DATABASE_URL": "postgres://postgres:pw-not-logged@127.0.0.1:1/none?sslmode=disable"})
		err := run(context.Background(), args, nowhere, io.Discard, &stderr)
		lines := jsonLines(t, stderr.String())
		if err == nil || len(lines) < 2 || strings.Contains(stderr.String(), "pw-not-logged") {
			t.Errorf("%v without a database: %v\n%s", args, err, &stderr)
			continue
		}
		target, last := lines[0], lines[len(lines)-1]
		if target["msg"] != "database target" || target["port"] != "1" || target["dbname"] != "none" {
			t.Errorf("%v: the first line: %v", args, target)
		}
		if last["level"] != "ERROR" || last["msg"] != args[0]+" failed" || !strings.Contains(fmt.Sprint(last["err"]), "connect to database") {
			t.Errorf("%v: the last line: %v", args, last)
		}
		if code := exitCode(err, io.Discard); code != 1 {
			t.Errorf("%v: exit code %d", args, code)
		}
	}
}

// newDatabase creates a database of its own for the test, empty, and
// drops it after.
func newDatabase(t *testing.T, suffix string) (*dbtest.DB, func(string) string) {
	t.Helper()
	admin := dbtest.Admin(t)
	// Named as dbtest names them, for dbtest to drop it should this test be
	// killed.
	name := fmt.Sprintf("eilnet_test_%d_%s", os.Getpid(), suffix)
	if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	u, err := postgres.DatabaseURL(dbtest.ServerURL(), name)
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	return &dbtest.DB{DB: db, URL: u}, env(map[string]string{"DATABASE_URL": u})
}

// A database holding tables of something else (a shared one) is never
// migrated nor seeded: every command refuses it, naming it and what it
// holds, and writes nothing, until migrate is told to share it.
func TestRefusesForeignDatabase(t *testing.T) {
	db, vars := newDatabase(t, "foreign")
	db.MustExec(`CREATE TABLE accounts (id int PRIMARY KEY, owner text); INSERT INTO accounts VALUES (1, 'someone else');
		CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int)`)
	relations := func() []string {
		t.Helper()
		var names []string
		if err := db.Select(&names, `SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		return names
	}
	before := relations()

	for _, args := range [][]string{
		{"serve", "--demo", "--port", "0", "--drain-period", "0"},
		{"seed"},
		{"serve", "--port", "0", "--drain-period", "0"},
		{"migrate"},
		{"apikey", "list"},
	} {
		// The current code would serve: the deadline ends it.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		var stdout, stderr bytes.Buffer
		err := run(ctx, args, vars, &stdout, &stderr)
		cancel()
		foreign, ok := errors.AsType[*postgres.ForeignError](err)
		if !ok || !slices.Equal(foreign.Tables, []string{"billing.invoices", "public.accounts"}) {
			t.Errorf("%v on a foreign database: %v\n%s", args, err, &stderr)
			continue
		}
		for _, w := range []string{`database "` + foreign.Database + `" is not eilnet's`, "2 tables (billing.invoices, public.accounts)", "goose_db_version"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %q lacks %q", args, err, w)
			}
		}
		if lines := jsonLines(t, stderr.String()); len(lines) == 0 || lines[len(lines)-1]["level"] != "ERROR" || !strings.Contains(fmt.Sprint(lines[len(lines)-1]["err"]), "is not eilnet's") {
			t.Errorf("%v: log\n%s", args, &stderr)
		}
		if stdout.Len() > 0 || exitCode(err, io.Discard) != 1 {
			t.Errorf("%v: stdout %q, exit code %d", args, &stdout, exitCode(err, io.Discard))
		}
		if after := relations(); !slices.Equal(after, before) {
			t.Fatalf("%v wrote into the foreign database: %v, was %v", args, after, before)
		}
	}
	var extensions int
	if err := db.Get(&extensions, `SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'`); err != nil || extensions != 0 {
		t.Errorf("pg_trgm installed: %d, %v", extensions, err)
	}

	// Told to, migrate adds eilnet's tables beside the others; the database
	// is eilnet's then.
	var logs bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "--allow-foreign-tables"}, vars, io.Discard, &logs); err != nil {
		t.Fatalf("migrate --allow-foreign-tables: %v\n%s", err, &logs)
	}
	if err := run(context.Background(), []string{"apikey", "list"}, vars, io.Discard, &logs); err != nil {
		t.Fatalf("apikey list once migrated: %v\n%s", err, &logs)
	}
	var owner string
	if err := db.Get(&owner, `SELECT owner FROM accounts WHERE id = 1`); err != nil || owner != "someone else" {
		t.Errorf("the foreign table: %q, %v", owner, err)
	}
}

// A database just created, with no tables, is migrated and seeded.
func TestSeedsFreshDatabase(t *testing.T) {
	db, vars := newDatabase(t, "fresh")
	var logs bytes.Buffer
	if err := run(context.Background(), []string{"seed"}, vars, io.Discard, &logs); err != nil {
		t.Fatalf("seed on a fresh database: %v\n%s", err, &logs)
	}
	var members int
	if err := db.Get(&members, `SELECT count(*) FROM members`); err != nil || members == 0 {
		t.Errorf("members after seed: %d, %v", members, err)
	}
}
