package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"

	"eilnet/migrations"
)

// Target is the database a connection string names, as lib/pq resolves
// it: the string (a URL or key=value), then libpq's PG* environment
// variables, then lib/pq's defaults. It holds no password.
type Target struct {
	// Hosts are the servers tried, in order: host names, addresses or
	// Unix socket directories. Ports are their ports, one each.
	Hosts []string
	Ports []uint16
	// Database is the database's name: the user's when none is given, as
	// PostgreSQL chooses.
	Database string
	User     string
	SSLMode  string
}

// TargetOf resolves dsn as lib/pq does when it connects, with the process's
// environment.
func TargetOf(dsn string) (Target, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return Target{}, errors.New(redact(err.Error(), dsn))
	}
	t := Target{Database: cfg.Database, User: cfg.User, SSLMode: string(cfg.SSLMode)}
	if t.Database == "" {
		t.Database = t.User
	}
	if t.SSLMode == "" {
		t.SSLMode = "require" // lib/pq's default
	}
	t.add(cfg.Host, cfg.Hostaddr, cfg.Port)
	for _, m := range cfg.Multi {
		t.add(m.Host, m.Hostaddr, m.Port)
	}
	return t, nil
}

func (t *Target) add(host string, addr netip.Addr, port uint16) {
	switch {
	case addr.IsValid() && host != "":
		// lib/pq connects to the address, and names the host to TLS and
		// Kerberos.
		host = host + " (" + addr.String() + ")"
	case addr.IsValid():
		host = addr.String()
	case host == "":
		host = "localhost"
	}
	t.Hosts = append(t.Hosts, host)
	t.Ports = append(t.Ports, port)
}

// Attrs are t's log attributes: host and port (comma-separated when there
// are several, as in a connection string), dbname, user and sslmode.
func (t Target) Attrs() []slog.Attr {
	ports := make([]string, len(t.Ports))
	for i, p := range t.Ports {
		ports[i] = strconv.Itoa(int(p))
	}
	return []slog.Attr{
		slog.String("host", strings.Join(t.Hosts, ",")),
		slog.String("port", strings.Join(ports, ",")),
		slog.String("dbname", t.Database),
		slog.String("user", t.User),
		slog.String("sslmode", t.SSLMode),
	}
}

// urlPassword finds the password of a URL connection string.
var urlPassword = regexp.MustCompile(`^postgres(?:ql)?://[^:@/?#]*:([^@/?#]*)@`)

// kvPassword finds the password of a key=value connection string.
var kvPassword = regexp.MustCompile(`(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S*)`)

// redact hides dsn's password in msg, an error about dsn: Go's URL parser
// quotes the whole URL it refuses.
func redact(msg, dsn string) string {
	for _, re := range []*regexp.Regexp{urlPassword, kvPassword} {
		if m := re.FindStringSubmatch(dsn); m != nil && strings.Trim(m[1], "'") != "" {
			msg = strings.ReplaceAll(msg, m[1], "xxxxx")
		}
	}
	return msg
}

// VersionTable is the table in which Migrate (goose, with its default
// table name) records the migrations applied: a database holding it in
// its current schema is eilnet's.
const VersionTable = goose.DefaultTablename

// ForeignError is a database that holds tables but no VersionTable: some
// other application's, which eilnet must not migrate into.
type ForeignError struct {
	// Database is the database's name.
	Database string
	// Tables are its tables and views, schema-qualified, in order.
	Tables []string
}

func (e *ForeignError) Error() string {
	const shown = 5
	names := strings.Join(e.Tables[:min(len(e.Tables), shown)], ", ")
	if len(e.Tables) > shown {
		names += fmt.Sprintf(" and %d more", len(e.Tables)-shown)
	}
	what := "tables"
	if len(e.Tables) == 1 {
		what = "table"
	}
	return fmt.Sprintf("database %q is not eilnet's: it holds %d %s (%s) but no %s, eilnet's migration table; "+
		"refusing to migrate or write anything into it. Point DATABASE_URL at eilnet's database or an empty one, "+
		"or run 'eilnet migrate --allow-foreign-tables' to add eilnet's tables to this one",
		e.Database, len(e.Tables), what, names, VersionTable)
}

// CheckOwn answers a *ForeignError unless db is empty (no tables nor views
// outside PostgreSQL's own schemas, extensions' apart) or eilnet's (it
// holds VersionTable where Migrate looks for it).
func CheckOwn(ctx context.Context, db sqlx.QueryerContext) error {
	var state struct {
		Database string   `db:"database"`
		Own      bool     `db:"own"`
		Tables   []string `db:"-"`
	}
	// The version table is looked for as goose looks for it.
	if err := sqlx.GetContext(ctx, db, &state, `SELECT current_database() AS database,
		EXISTS (SELECT 1 FROM pg_tables WHERE (current_schema() IS NULL OR schemaname = current_schema()) AND tablename = $1) AS own`,
		VersionTable); err != nil {
		return fmt.Errorf("look for eilnet's migration table: %w", err)
	}
	if state.Own {
		// Another application's goose table goes by the same name: the
		// versions it holds must be eilnet's.
		var applied []int64
		if err := sqlx.SelectContext(ctx, db, &applied, `SELECT DISTINCT version_id FROM `+VersionTable+` WHERE version_id > 0`); err != nil {
			return fmt.Errorf("read eilnet's migration table: %w", err)
		}
		ours, err := migrationVersions()
		if err != nil {
			return err
		}
		for _, v := range applied {
			if !ours[v] {
				return &ForeignError{Database: state.Database, Tables: []string{fmt.Sprintf("%s with version %d, not one of eilnet's migrations", VersionTable, v)}}
			}
		}
		return nil
	}
	if err := sqlx.SelectContext(ctx, db, &state.Tables, `SELECT format('%I.%I', n.nspname, c.relname)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
		  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
		  AND NOT EXISTS (SELECT 1 FROM pg_depend d
			WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
		ORDER BY n.nspname, c.relname`); err != nil {
		return fmt.Errorf("list the database's tables: %w", err)
	}
	if len(state.Tables) > 0 {
		return &ForeignError{Database: state.Database, Tables: state.Tables}
	}
	return nil
}

// migrationVersions are the versions of eilnet's migrations, from their
// file names (goose's NNNNN_name.sql).
func migrationVersions() (map[int64]bool, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return nil, err
	}
	versions := map[int64]bool{}
	for _, e := range entries {
		digits, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(digits, 10, 64); err == nil {
			versions[v] = true
		}
	}
	return versions, nil
}
