package config

import (
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"eilnet/internal/access"
	"eilnet/internal/limits"
)

// served completes c with the defaults of serve's limits.
func served(c Config) Config {
	c.StatementTimeout = 35 * time.Second
	c.PreparedStatements = 256
	c.Limits = limits.Defaults()
	c.MaxBodyBytes = 1 << 20
	c.Introspection = true
	c.KeyCacheTTL = 5 * time.Second
	c.DrainPeriod = 5 * time.Second
	c.LockTimeout = 5 * time.Second
	c.DBMaxConns, c.DBMaxIdleConns = 32, 32
	c.DBConnMaxIdleTime, c.DBConnMaxLifetime = 5*time.Minute, time.Hour
	c.ReadTimeout = 30 * time.Second
	c.CacheMaxAge = 10 * time.Second
	return c
}

func TestParse(t *testing.T) {
	tight := served(Config{Command: Serve, DatabaseURL: "sslmode=prefer", Addr: ":8080", Scale: 1, ConnectTimeout: 10 * time.Second, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second})
	tight.Limits.MaxCost[access.Anonymous] = 100
	tight.Limits.MaxCost[access.Admin] = 0
	tight.Limits.MaxDepth = 5
	tight.Introspection = false
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want Config
	}{
		{"defaults", nil, nil,
			served(Config{Command: Serve, DatabaseURL: "sslmode=prefer", Addr: ":8080", Scale: 1, ConnectTimeout: 10 * time.Second, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second})},
		{"PORT and a URL", []string{"serve", "--demo"}, map[string]string{"PORT": "9000", "DATABASE_URL": "postgres://u@h/db"},
			served(Config{Command: Serve, DatabaseURL: "postgres://u@h/db?sslmode=prefer", Addr: ":9000", Demo: true, Scale: 1, ConnectTimeout: 10 * time.Second, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second})},
		{"--port wins over PORT", []string{"--port", "0"}, map[string]string{"PORT": "9000", "DATABASE_URL": "postgres://u@h/db?x=1"},
			served(Config{Command: Serve, DatabaseURL: "postgres://u@h/db?x=1&sslmode=prefer", Addr: ":0", Scale: 1, ConnectTimeout: 10 * time.Second, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second})},
		{"sslmode chosen in the URL", []string{"migrate"}, map[string]string{"DATABASE_URL": "host=h sslmode=require"},
			Config{Command: Migrate, DatabaseURL: "host=h sslmode=require", Scale: 1, ConnectTimeout: 10 * time.Second}},
		{"sslmode chosen in PGSSLMODE", []string{"seed", "--scale", "10"}, map[string]string{"DATABASE_URL": "host=h", "PGSSLMODE": "disable"},
			Config{Command: Seed, DatabaseURL: "host=h", Scale: 10, ConnectTimeout: 10 * time.Second}},
		{"key=value DSN", []string{"migrate"}, map[string]string{"DATABASE_URL": "host=h dbname=x"},
			Config{Command: Migrate, DatabaseURL: "host=h dbname=x sslmode=prefer", Scale: 1, ConnectTimeout: 10 * time.Second}},
		{"limits", []string{"--max-cost", "anonymous=100,ADMIN=0", "--max-depth", "5", "--introspection=false"}, nil, tight},
		{"apikey create", []string{"apikey", "create", "--role", "officer", "--name", "khon-kaen", "--office", "PIO-40"}, nil,
			Config{Command: APIKey, DatabaseURL: "sslmode=prefer", Scale: 1, ConnectTimeout: 10 * time.Second, Action: "create",
				Key: access.NewKey{Name: "khon-kaen", Role: access.Officer, OfficeCode: "PIO-40"}}},
		{"apikey revoke", []string{"apikey", "revoke", "--name", "khon-kaen"}, nil,
			Config{Command: APIKey, DatabaseURL: "sslmode=prefer", Scale: 1, ConnectTimeout: 10 * time.Second, Action: "revoke", Key: access.NewKey{Name: "khon-kaen"}}},
		{"operations register", []string{"operations", "register", "a.graphql", "b.graphql"}, nil,
			Config{Command: Operations, DatabaseURL: "sslmode=prefer", Scale: 1, ConnectTimeout: 10 * time.Second, Files: []string{"a.graphql", "b.graphql"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.args, func(k string) string { return c.env[k] }, io.Discard, io.Discard)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("Parse = %+v, %v\nwant %+v", got, err, c.want)
			}
		})
	}
}

// Settings that cannot work are refused, saying why.
func TestParseRefuses(t *testing.T) {
	for _, args := range [][]string{
		{"--rate-burst", "ANONYMOUS=4999"},
		{"--rate-budget", "PARTNER=1000"},
		{"--refusal-delay", "-1s"},
		{"--anonymous-in-flight", "-1"},
		{"--db-max-conns", "0"},
	} {
		var out strings.Builder
		if _, err := Parse(args, func(string) string { return "" }, io.Discard, &out); err == nil || out.Len() == 0 {
			t.Errorf("%v: %v, said %q", args, err, out.String())
		}
	}
}

func TestParseVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		got, err := Parse(args, func(string) string { return "" }, io.Discard, io.Discard)
		if err != nil || got.Command != Version {
			t.Errorf("%v: %+v, %v", args, got.Command, err)
		}
	}
	got, err := Parse([]string{"migrate", "--allow-foreign-tables"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err != nil || got.Command != Migrate || !got.AllowForeignTables {
		t.Errorf("migrate --allow-foreign-tables: %+v, %v", got, err)
	}
}

// Help is there at every level, asked for with -h, --help or help, on
// stdout: what the command does, its flags with their defaults, an
// example.
func TestHelp(t *testing.T) {
	cases := []struct {
		command []string
		// want are lines, or parts of lines, the help holds.
		want []string
	}{
		{nil, []string{"Usage:", "eilnet apikey create", "DATABASE_URL", "Examples:", "eilnet version"}},
		{[]string{"serve"}, []string{"Usage: eilnet [serve] [flags]", "Migrates the database, then serves", "  --port string",
			"(default 8080)", "  --drain-period duration", "(default 5s)", "  --max-cost value", "ANONYMOUS=", "PORT", "Examples:\n  DATABASE_URL="}},
		{[]string{"seed"}, []string{"Usage: eilnet seed", "demo network", "  --scale int", "(default 1)", "Examples:\n  eilnet seed"}},
		{[]string{"migrate"}, []string{"Usage: eilnet migrate", "Applies the database migrations", "  --allow-foreign-tables", "Example:\n  DATABASE_URL="}},
		{[]string{"version"}, []string{"Usage: eilnet version", "revision", "Example:\n  eilnet version"}},
		{[]string{"apikey"}, []string{"Usage: eilnet apikey create|revoke|list", "Actions:", "  revoke", "Examples:\n  eilnet apikey create"}},
		{[]string{"apikey", "create"}, []string{"Usage: eilnet apikey create --role ROLE --name NAME", "prints it", "  --role string",
			"  --office string", "  --registered-only", "Examples:\n  eilnet apikey create --role PARTNER"}},
		{[]string{"apikey", "revoke"}, []string{"Usage: eilnet apikey revoke --name NAME", "401", "  --name string", "Example:\n  eilnet apikey revoke --name"}},
		{[]string{"apikey", "list"}, []string{"Usage: eilnet apikey list", "Lists the keys", "Example:\n  eilnet apikey list"}},
		{[]string{"operations"}, []string{"Usage: eilnet operations register FILE...", "Actions:", "  register", "Example:"}},
		{[]string{"operations", "register"}, []string{"Usage: eilnet operations register FILE...", "Registers the operation in each FILE", "Example:\n  eilnet operations register "}},
	}
	for _, c := range cases {
		asks := [][]string{
			append(slices.Clone(c.command), "-h"),
			append(slices.Clone(c.command), "--help"),
			append(slices.Clone(c.command), "help"),
			append([]string{"help"}, c.command...),
		}
		if len(c.command) == 0 {
			asks = [][]string{{"-h"}, {"--help"}, {"-help"}, {"help"}}
		}
		for _, args := range asks {
			var stdout, stderr strings.Builder
			_, err := Parse(args, func(string) string { return "" }, &stdout, &stderr)
			if !errors.Is(err, ErrHelp) || stderr.Len() > 0 {
				t.Errorf("%q: %v, stderr %q", args, err, stderr.String())
			}
			for _, w := range c.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("%q: the help lacks %q:\n%s", args, w, stdout.String())
				}
			}
		}
	}
}

// A command line eilnet cannot run is a UsageError, said in one line and
// a hint to the command's help, on stderr, and nothing else.
func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args    []string
		command string
		msg     string
	}{
		{[]string{"frobnicate"}, "eilnet", `unknown command "frobnicate"`},
		{[]string{"help", "frobnicate"}, "eilnet", `unknown command "frobnicate"`},
		{[]string{"--frob"}, "eilnet serve", "unknown flag --frob"},
		{[]string{"serve", "--port", "http"}, "eilnet serve", `invalid port "http"`},
		{[]string{"serve", "extra"}, "eilnet serve", `unexpected argument "extra"`},
		{[]string{"serve", "--debug=maybe"}, "eilnet serve", `invalid boolean value "maybe" for --debug: want true or false`},
		{[]string{"serve", "--drain-period", "soon"}, "eilnet serve", `invalid value "soon" for --drain-period: want a duration`},
		{[]string{"serve", "--max-cost", "NOBODY=1"}, "eilnet serve", `invalid value "NOBODY=1" for --max-cost: "NOBODY=1" is not ROLE=N`},
		{[]string{"--db-max-conns", "0"}, "eilnet serve", "--db-max-conns must be at least 1"},
		{[]string{"seed", "--scale", "0"}, "eilnet seed", "--scale must be between 1 and 100, not 0"},
		{[]string{"seed", "--scale", "x"}, "eilnet seed", `invalid value "x" for --scale: want a whole number`},
		{[]string{"migrate", "now"}, "eilnet migrate", `unexpected argument "now"`},
		{[]string{"version", "--short"}, "eilnet version", "unknown flag --short"},
		{[]string{"apikey"}, "eilnet apikey", "missing action: create, revoke or list"},
		{[]string{"apikey", "rotate"}, "eilnet apikey", `unknown action "rotate"`},
		{[]string{"apikey", "--name", "x"}, "eilnet apikey", "missing action before --name"},
		{[]string{"apikey", "create", "--role", "ADMIN"}, "eilnet apikey create", "--name is required"},
		{[]string{"apikey", "create", "--name", "x"}, "eilnet apikey create", "--role is required"},
		{[]string{"apikey", "create", "--name", "x", "--role", "boss"}, "eilnet apikey create", `invalid value "boss" for --role`},
		{[]string{"apikey", "create", "--name", "x", "--role", "officer"}, "eilnet apikey create", "--office is required for an OFFICER key"},
		{[]string{"apikey", "create", "--name", "x", "--role", "PARTNER", "--office", "PIO-40"}, "eilnet apikey create", "--office is for OFFICER keys only"},
		{[]string{"apikey", "create", "--name"}, "eilnet apikey create", "flag --name needs a value"},
		{[]string{"apikey", "revoke"}, "eilnet apikey revoke", "--name is required"},
		{[]string{"apikey", "list", "--all"}, "eilnet apikey list", "unknown flag --all"},
		{[]string{"operations"}, "eilnet operations", "missing action: register"},
		{[]string{"operations", "list"}, "eilnet operations", `unknown action "list"`},
		{[]string{"operations", "register"}, "eilnet operations register", "missing FILE"},
	}
	for _, c := range cases {
		var stdout, stderr strings.Builder
		_, err := Parse(c.args, func(string) string { return "" }, &stdout, &stderr)
		u, ok := errors.AsType[*UsageError](err)
		if !ok || u.Command != c.command || !strings.HasPrefix(u.Msg, c.msg) {
			t.Errorf("%q: %#v, want a UsageError of %q: %q", c.args, err, c.command, c.msg)
			continue
		}
		want := c.command + ": " + u.Msg + "\nrun '" + c.command + " --help' for usage\n"
		if stderr.String() != want || strings.Contains(u.Msg, "\n") || stdout.Len() > 0 {
			t.Errorf("%q: stderr %q, want %q; stdout %q", c.args, stderr.String(), want, stdout.String())
		}
	}
}
