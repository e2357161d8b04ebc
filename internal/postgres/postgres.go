// Package postgres opens and migrates eilnet's PostgreSQL database.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"eilnet/migrations"
)

// Pool sizes a connection pool and bounds connecting.
type Pool struct {
	// MaxConns is the most connections open at once; MaxIdleConns the
	// most kept open while idle.
	MaxConns, MaxIdleConns int
	// ConnMaxIdleTime and ConnMaxLifetime retire connections idle, or
	// open, that long (0: never).
	ConnMaxIdleTime, ConnMaxLifetime time.Duration
	// ConnectTimeout bounds the first connection Open makes, which tells
	// whether the database answers at all, and every connection attempt
	// (lib/pq's connect_timeout) unless the connection string sets one.
	ConnectTimeout time.Duration
}

// DefaultPool is the pool of the serve command's flags' defaults. Two
// cores serve at most a few dozen useful concurrent statements; more
// connections only queue inside PostgreSQL.
var DefaultPool = Pool{MaxConns: 32, MaxIdleConns: 32, ConnMaxIdleTime: 5 * time.Minute, ConnMaxLifetime: time.Hour, ConnectTimeout: 10 * time.Second}

// Open connects to the database named by dsn (a URL or key=value string,
// completed by libpq's PG* environment variables) with DefaultPool and
// checks that it answers.
func Open(ctx context.Context, dsn string) (*sqlx.DB, error) {
	return OpenPool(ctx, dsn, DefaultPool)
}

// OpenPool connects to the database named by dsn with pool p and checks
// that it answers within p.ConnectTimeout.
func OpenPool(ctx context.Context, dsn string, p Pool) (*sqlx.DB, error) {
	db, err := openCounted(dsn, p.ConnectTimeout)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(p.MaxConns)
	db.SetMaxIdleConns(p.MaxIdleConns)
	db.SetConnMaxIdleTime(p.ConnMaxIdleTime)
	db.SetConnMaxLifetime(p.ConnMaxLifetime)
	pingCtx, cancel := context.WithTimeout(ctx, p.ConnectTimeout)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		// lib/pq's connect_timeout (the same time) may end it first.
		netErr, timedOut := errors.AsType[net.Error](err)
		if ctx.Err() == nil && (pingCtx.Err() != nil || timedOut && netErr.Timeout()) {
			return nil, fmt.Errorf("connect to database: no answer within %s", p.ConnectTimeout)
		}
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// Migrate applies every migration not yet applied. A PostgreSQL advisory
// lock makes concurrent start-ups of several servers safe.
func Migrate(ctx context.Context, db *sqlx.DB, log *slog.Logger) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db.DB, migrations.FS,
		goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "source", r.Source.Path, "duration", r.Duration.String())
	}
	return nil
}

// Select runs query, whose parameters are :names taken from arg's db tags,
// and scans every row into dest, a pointer to a slice.
func Select(ctx context.Context, db sqlx.ExtContext, dest any, query string, arg any) error {
	bound, args, err := db.BindNamed(query, arg)
	if err != nil {
		return fmt.Errorf("bind query: %w", err)
	}
	return sqlx.SelectContext(ctx, db, dest, bound, args...)
}

// One answers the row query selects with positional args, or nil when it
// selects none.
func One[T any](ctx context.Context, db sqlx.QueryerContext, query string, args ...any) (*T, error) {
	var rows []*T
	if err := sqlx.SelectContext(ctx, db, &rows, query, args...); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return rows[0], nil
}

// NullString is s as an optional parameter: NULL when empty.
func NullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// NullTime is t as an optional parameter: NULL when zero.
func NullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// WithSetting adds a run-time setting (a GUC such as statement_timeout)
// to dsn, a URL or key=value connection string: lib/pq sends parameters it
// does not know itself to the server when it connects.
func WithSetting(dsn, name, value string) string {
	switch {
	case strings.Contains(dsn, "://") && strings.Contains(dsn, "?"):
		return dsn + "&" + url.QueryEscape(name) + "=" + url.QueryEscape(value)
	case strings.Contains(dsn, "://"):
		return dsn + "?" + url.QueryEscape(name) + "=" + url.QueryEscape(value)
	case dsn == "":
		return name + "=" + value
	}
	return dsn + " " + name + "=" + value
}

// DatabaseURL is the URL of database name on the server at serverURL
// (postgres://user@host:port), without TLS unless serverURL asks for it:
// for the development and test servers scripts/postgres provides.
func DatabaseURL(serverURL, name string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("server URL: %w", err)
	}
	u.Path = "/" + name
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
