package postgres_test

import (
	"context"
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
