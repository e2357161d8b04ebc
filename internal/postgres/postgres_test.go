package postgres_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/postgres"
)

func TestWithSetting(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://u@h/db":     "postgres://u@h/db?statement_timeout=1234",
		"postgres://u@h/db?x=1": "postgres://u@h/db?x=1&statement_timeout=1234",
		"host=h dbname=db":      "host=h dbname=db statement_timeout=1234",
		"":                      "statement_timeout=1234",
	} {
		if got := postgres.WithSetting(dsn, "statement_timeout", "1234"); got != want {
			t.Errorf("WithSetting(%q) = %q, want %q", dsn, got, want)
		}
	}
	// The server takes it: the serving connections' backstop.
	db, err := postgres.Open(context.Background(), postgres.WithSetting(dbtest.Empty(t).URL, "statement_timeout", "1234"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.Get(&got, `SHOW statement_timeout`); err != nil || got != "1234ms" {
		t.Errorf("statement_timeout = %q, %v", got, err)
	}
	if _, err := db.Exec(`SELECT pg_sleep(2)`); err == nil {
		t.Error("a statement outlived statement_timeout")
	}
}

// A statement with parameters is one exchange with the server, not a
// Parse and Describe first and the execution after: PostgreSQL counts each
// Sync-terminated exchange outside a transaction as one transaction.
func TestStatementIsOneRoundTrip(t *testing.T) {
	target := dbtest.Empty(t)
	// A key=value DSN ending in an empty value, which a setting appended
	// to the string would become.
	dsn, err := keyValue(target.URL)
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(context.Background(), dsn+" password=")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	admin := dbtest.Admin(t)
	// pg_stat_force_next_flush makes the backend publish its counts as it
	// goes idle, before it answers, so the admin reads them at once.
	transactions := func() int {
		t.Helper()
		if _, err := db.Exec(`SELECT pg_stat_force_next_flush()`); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := admin.Get(&n, `SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, target.Name()); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := transactions()
	const statements = 40
	for i := range statements {
		var got int
		if err := db.Get(&got, `SELECT $1::int + 1`, i); err != nil || got != i+1 {
			t.Fatalf("SELECT %d + 1 = %d, %v", i, got, err)
		}
	}
	// The statements and the flush call that reads the count: 41, or 81
	// in two exchanges each. The margin is for a background worker
	// visiting the new database meanwhile.
	if n := transactions() - before; n < statements || n > statements*3/2 {
		t.Errorf("%d statements with parameters took %d exchanges, want %d", statements, n, statements+1)
	}
}

// keyValue is a postgres:// URL as a key=value DSN.
func keyValue(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	kv := []string{"host=" + u.Hostname(), "port=" + u.Port(), "user=" + u.User.Username(), "dbname=" + strings.TrimPrefix(u.Path, "/")}
	for k, v := range u.Query() {
		kv = append(kv, k+"="+v[0])
	}
	return strings.Join(kv, " "), nil
}
