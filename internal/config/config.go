// Package config reads eilnet's command line and environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"eilnet/internal/access"
	"eilnet/internal/limits"
	"eilnet/internal/postgres"
)

// Command is what the binary was asked to do.
type Command string

const (
	// Serve migrates the database and serves the API.
	Serve Command = "serve"
	// Seed fills an empty database with the demo network.
	Seed Command = "seed"
	// Migrate only applies the database migrations.
	Migrate Command = "migrate"
	// APIKey creates, revokes and lists API keys.
	APIKey Command = "apikey"
	// Operations registers the operations that keys limited to registered
	// operations may run.
	Operations Command = "operations"
)

// Config is everything a command needs to run.
type Config struct {
	Command Command
	// DatabaseURL is a lib/pq connection string, completed by the PG*
	// environment variables.
	DatabaseURL string
	// Addr is the address serve listens on, e.g. ":8080".
	Addr string
	// Demo makes serve seed an empty database with the scale-1 demo network.
	Demo bool
	// Scale multiplies the demo network's volume for seed.
	Scale int
	// ShutdownTimeout bounds how long serve waits for in-flight requests
	// after SIGTERM.
	ShutdownTimeout time.Duration
	// DrainPeriod is how long serve goes on serving after SIGTERM, with
	// /readyz answering 503, before it stops taking requests.
	DrainPeriod time.Duration
	// BatchWait is how long a loader collects keys before it reads them.
	BatchWait time.Duration
	// NoBatching makes loaders read one key per statement (the N+1
	// baseline of the benchmark).
	NoBatching bool
	// GQLGenExecutor answers queries with gqlgen's generated executor
	// instead of the lean one (for the benchmark's comparison).
	GQLGenExecutor bool
	// PreparedStatements is how many distinct read statements stay
	// prepared on each connection (0: none are).
	PreparedStatements int
	// RequestTimeout bounds a GraphQL request.
	RequestTimeout time.Duration
	// Debug reports each request's SQL in its response's extensions.
	Debug bool
	// StatementTimeout is PostgreSQL's statement_timeout for serving: a
	// backstop behind RequestTimeout.
	StatementTimeout time.Duration
	// LockTimeout is PostgreSQL's lock_timeout for serving: how long a
	// statement waits for a lock before it fails (SERVICE_UNAVAILABLE).
	LockTimeout time.Duration
	// ConnectTimeout bounds connecting to the database at start-up.
	ConnectTimeout time.Duration
	// DBMaxConns, DBMaxIdleConns, DBConnMaxIdleTime and DBConnMaxLifetime
	// size the serving connection pool.
	DBMaxConns, DBMaxIdleConns           int
	DBConnMaxIdleTime, DBConnMaxLifetime time.Duration
	// ReadTimeout bounds reading a whole request, headers and body.
	ReadTimeout time.Duration
	// MetricsAddr, when set, is the address /metrics is served on
	// instead of the API's (without a key there).
	MetricsAddr string
	// Limits bound requests and callers' budgets.
	Limits limits.Config
	// MaxBodyBytes bounds a request's body.
	MaxBodyBytes int64
	// Introspection answers schema introspection.
	Introspection bool
	// KeyCacheTTL is how long a live API key is remembered, and so how long
	// its revocation may take to reach the server.
	KeyCacheTTL time.Duration
	// CORSOrigins are the origins whose pages may call the API from a
	// browser ("*": any, without credentials); none: same-origin only.
	CORSOrigins []string
	// CacheMaxAge is the max-age of an anonymous GET query's answer
	// (0: no-cache, revalidated with its ETag every time).
	CacheMaxAge time.Duration

	// Action is what apikey does: create, revoke or list keys.
	Action string
	// Key is the key apikey create makes, or (by name) revokes.
	Key access.NewKey
	// Files are the operations operations register reads.
	Files []string
}

// ErrHelp is returned when the user asked for help; the usage has been
// written already.
var ErrHelp = flag.ErrHelp

const usage = `eilnet serves the GraphQL API of Thailand's Environment-Loving Industry
Network (เครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อม).

Usage:
  eilnet [serve] [flags]   migrate the database, then serve the API (default)
  eilnet seed [flags]      migrate, then fill an empty database with demo data
  eilnet migrate           apply the database migrations and exit
  eilnet apikey create --role ROLE --name NAME [--office CODE] [--registered-only]
                           create an API key and print it (alone) on stdout
  eilnet apikey revoke --name NAME
                           revoke a key: requests with it fail with 401
  eilnet apikey list       list the keys (never the keys themselves)
  eilnet operations register FILE...
                           register the operations in FILE (one named
                           operation each) for registered-only keys

Environment:
  DATABASE_URL  PostgreSQL connection string (URL or key=value); when unset,
                libpq's variables PGHOST, PGPORT, PGUSER, PGPASSWORD,
                PGDATABASE and PGSSLMODE are used. sslmode defaults to
                "prefer", as in libpq.
  PORT          port serve listens on (default 8080)

Run 'eilnet <command> --help' for the flags of a command.
`

// Parse reads the command and its flags from args (without the program
// name) and settings from the environment. Usage and flag errors are
// written to out.
func Parse(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	cfg := Config{
		Command:        Serve,
		DatabaseURL:    databaseURL(getenv),
		Scale:          1,
		ConnectTimeout: 10 * time.Second,
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cfg.Command = Command(args[0])
		args = args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprint(out, usage)
		return cfg, ErrHelp
	}

	fs := flag.NewFlagSet("eilnet "+string(cfg.Command), flag.ContinueOnError)
	fs.SetOutput(out)
	switch cfg.Command {
	case Serve:
		port := getenv("PORT")
		if port == "" {
			port = "8080"
		}
		fs.StringVar(&port, "port", port, "port to listen on (overrides $PORT)")
		fs.BoolVar(&cfg.Demo, "demo", false, "seed an empty database with the scale-1 demo network before serving")
		fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 30*time.Second,
			"how long to let in-flight requests finish once the server stops taking requests; those still running then are answered SERVICE_UNAVAILABLE")
		fs.DurationVar(&cfg.DrainPeriod, "drain-period", 5*time.Second,
			"how long to go on serving after SIGTERM or SIGINT, with /readyz answering 503, so that a load balancer sends no more requests before the listener closes")
		fs.DurationVar(&cfg.BatchWait, "batch-wait", time.Millisecond,
			"how long a loader waits for company for keys that were not announced with their level")
		fs.BoolVar(&cfg.NoBatching, "no-batching", false,
			"read every relation one parent at a time (the N+1 baseline, for benchmarks only)")
		fs.IntVar(&cfg.PreparedStatements, "prepared-statements", 256,
			"how many distinct read statements stay prepared on each database connection (0: none, e.g. behind a pooler in transaction mode)")
		fs.BoolVar(&cfg.GQLGenExecutor, "gqlgen-executor", false,
			"answer queries with gqlgen's generated executor instead of the lean one (for benchmarks only)")
		fs.DurationVar(&cfg.RequestTimeout, "request-timeout", 30*time.Second,
			"longest time a GraphQL request may take; its SQL is cancelled then")
		fs.BoolVar(&cfg.Debug, "debug", false,
			"report each request's SQL statement count and time in the response's extensions.sql")
		fs.DurationVar(&cfg.StatementTimeout, "statement-timeout", 35*time.Second,
			"PostgreSQL statement_timeout of the serving connections, a backstop behind --request-timeout (0: none)")
		fs.DurationVar(&cfg.LockTimeout, "lock-timeout", 5*time.Second,
			"PostgreSQL lock_timeout of the serving connections: a statement waiting longer for a lock fails with SERVICE_UNAVAILABLE instead of holding a connection (0: wait for ever)")
		fs.DurationVar(&cfg.ConnectTimeout, "connect-timeout", cfg.ConnectTimeout,
			"how long start-up waits for the database to answer")
		fs.IntVar(&cfg.DBMaxConns, "db-max-conns", 32, "most open connections to the database")
		fs.IntVar(&cfg.DBMaxIdleConns, "db-max-idle-conns", 32, "most idle connections kept open")
		fs.DurationVar(&cfg.DBConnMaxIdleTime, "db-conn-max-idle-time", 5*time.Minute, "close a connection idle this long (0: never)")
		fs.DurationVar(&cfg.DBConnMaxLifetime, "db-conn-max-lifetime", time.Hour, "close a connection open this long (0: never)")
		fs.StringVar(&cfg.MetricsAddr, "metrics-addr", "",
			"serve /metrics on this address (e.g. 127.0.0.1:9090, for the scraper only) instead of on the API's port, where it answers ADMIN keys only")
		fs.DurationVar(&cfg.ReadTimeout, "read-timeout", 30*time.Second,
			"longest time to read a request, headers and body (a GraphQL request's body is bound by --request-timeout too)")
		cfg.Limits = limits.Defaults()
		cfg.MaxBodyBytes = 1 << 20
		fs.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", cfg.MaxBodyBytes, "largest request body")
		fs.BoolVar(&cfg.Introspection, "introspection", true, "answer schema introspection (the playground needs it)")
		fs.Func("cors-origins", "origins whose pages may call the API from a browser, comma-separated (https://dash.example.go.th); * for any, answered without credentials (default: none, same-origin only)", func(v string) error {
			cfg.CORSOrigins = nil
			for _, o := range strings.Split(v, ",") {
				if o = strings.TrimSpace(o); o != "" {
					cfg.CORSOrigins = append(cfg.CORSOrigins, o)
				}
			}
			return nil
		})
		fs.DurationVar(&cfg.CacheMaxAge, "cache-max-age", 10*time.Second,
			"how long browsers and caches may keep an anonymous GET query's answer (Cache-Control max-age; 0: revalidate every time); keyed answers are never shared")
		fs.DurationVar(&cfg.KeyCacheTTL, "key-cache-ttl", 5*time.Second,
			"how long a live API key is remembered: a revocation reaches the server within this time (0: look keys up on every request)")
		fs.IntVar(&cfg.Limits.MaxDepth, "max-depth", cfg.Limits.MaxDepth, "deepest nesting of fields in a query (0: no limit)")
		fs.IntVar(&cfg.Limits.MaxAliases, "max-aliases", cfg.Limits.MaxAliases, "most aliases in a query, fragments expanded (0: no limit)")
		fs.IntVar(&cfg.Limits.MaxRootFields, "max-root-fields", cfg.Limits.MaxRootFields, "most top-level fields in an operation (0: no limit)")
		fs.IntVar(&cfg.Limits.MaxDirectives, "max-directives", cfg.Limits.MaxDirectives, "most directives in a query (0: no limit)")
		fs.IntVar(&cfg.Limits.MaxFields, "max-fields", cfg.Limits.MaxFields, "most fields in a query, fragments expanded (0: no limit)")
		fs.IntVar(&cfg.Limits.MaxTokens, "max-tokens", cfg.Limits.MaxTokens, "most tokens in a query document (0: no limit)")
		fs.Var(roleInts(cfg.Limits.MaxCost), "max-cost", "largest static cost of one request, by role, e.g. ANONYMOUS=5000,PARTNER=20000 (0: no limit)")
		fs.Var(roleInts(cfg.Limits.Budget), "rate-budget", "cost points a caller may spend per --rate-window, by role, e.g. ANONYMOUS=50000 (0: no limit)")
		fs.Var(roleInts(cfg.Limits.Burst), "rate-burst", "most of --rate-budget a caller may spend at once, by role, e.g. ANONYMOUS=10000 (0 or absent: all of it); the budget refills continuously")
		fs.DurationVar(&cfg.Limits.Window, "rate-window", cfg.Limits.Window, "the window of --rate-budget and --write-budget")
		fs.DurationVar(&cfg.Limits.RefusalDelay, "refusal-delay", cfg.Limits.RefusalDelay,
			"how long the answer to a request refused before it ran (bad key, spent budget, query too large or invalid) is held: a client looping on refusals gets one answer per connection per delay")
		fs.IntVar(&cfg.Limits.AnonymousInFlight, "anonymous-in-flight", cfg.Limits.AnonymousInFlight,
			"cost points of ANONYMOUS operations, from every address together, that run at once; the others wait their turn (0: no limit; default: the anonymous --max-cost for every other processor)")
		fs.IntVar(&cfg.Limits.MaxWrites, "max-writes", cfg.Limits.MaxWrites, "most mutation fields in one request (0: no limit)")
		fs.Var(roleInts(cfg.Limits.WriteBudget), "write-budget", "mutation fields a caller may run per --rate-window, by role, apart from --rate-budget, e.g. ANONYMOUS=20 (0 or absent: no limit)")
		if err := parseFlags(fs, args, "Migrates the database, then serves the API on /query, the GraphQL\nplayground on /, and /healthz and /readyz."); err != nil {
			return cfg, err
		}
		n, err := strconv.Atoi(port)
		if err != nil || n < 0 || n > 65535 {
			fmt.Fprintf(out, "invalid port %q\n", port)
			return cfg, errors.New("invalid port")
		}
		if cfg.BatchWait < 0 || cfg.RequestTimeout < 0 || cfg.ShutdownTimeout < 0 || cfg.StatementTimeout < 0 || cfg.KeyCacheTTL < 0 ||
			cfg.LockTimeout < 0 || cfg.DrainPeriod < 0 || cfg.DBConnMaxIdleTime < 0 || cfg.DBConnMaxLifetime < 0 || cfg.ReadTimeout < 0 ||
			cfg.Limits.Window <= 0 || cfg.ConnectTimeout <= 0 || cfg.Limits.RefusalDelay < 0 || cfg.CacheMaxAge < 0 {
			fmt.Fprintln(out, "durations may not be negative, and --rate-window and --connect-timeout must be positive")
			return cfg, errors.New("negative setting")
		}
		if cfg.Limits.AnonymousInFlight < 0 {
			fmt.Fprintln(out, "--anonymous-in-flight may not be negative")
			return cfg, errors.New("negative setting")
		}
		for role, limit := range cfg.Limits.MaxCost {
			// A request the bucket can never hold would be refused with
			// a Retry-After that never comes.
			if a := cfg.Limits.Allowance(role); limit > 0 && a.Rate > 0 && a.Most() < limit {
				fmt.Fprintf(out, "%s callers could never pay for a request of --max-cost %d: --rate-budget and --rate-burst must be at least that\n", role, limit)
				return cfg, errors.New("invalid limits")
			}
		}
		if cfg.DBMaxConns < 1 || cfg.DBMaxIdleConns < 0 {
			fmt.Fprintln(out, "--db-max-conns must be at least 1, and --db-max-idle-conns at least 0")
			return cfg, errors.New("invalid pool")
		}
		// More idle connections than open ones cannot be kept.
		cfg.DBMaxIdleConns = min(cfg.DBMaxIdleConns, cfg.DBMaxConns)
		cfg.Addr = ":" + port
	case Seed:
		fs.IntVar(&cfg.Scale, "scale", 1, "multiply the demo network's volume by this (1-100)")
		if err := parseFlags(fs, args, "Migrates the database, then fills it with the deterministic demo network.\nThe database must hold no network data yet."); err != nil {
			return cfg, err
		}
		if cfg.Scale < 1 || cfg.Scale > 100 {
			fmt.Fprintf(out, "--scale must be between 1 and 100, not %d\n", cfg.Scale)
			return cfg, errors.New("invalid scale")
		}
	case Migrate:
		if err := parseFlags(fs, args, "Applies the database migrations that are not applied yet, then exits."); err != nil {
			return cfg, err
		}
	case APIKey:
		if err := parseAPIKey(&cfg, fs, args); err != nil {
			return cfg, err
		}
	case Operations:
		if len(args) == 0 || args[0] != "register" {
			fmt.Fprint(out, "Usage: eilnet operations register FILE...\n")
			return cfg, errors.New("unknown operations action")
		}
		if err := fs.Parse(args[1:]); err != nil {
			return cfg, err
		}
		cfg.Files = fs.Args()
		if len(cfg.Files) == 0 {
			fmt.Fprint(out, "Usage: eilnet operations register FILE...\n")
			return cfg, errors.New("no files")
		}
	default:
		fmt.Fprintf(out, "unknown command %q\n\n%s", cfg.Command, usage)
		return cfg, fmt.Errorf("unknown command %q", cfg.Command)
	}
	return cfg, nil
}

// parseAPIKey reads `apikey create|revoke|list` and its flags.
func parseAPIKey(cfg *Config, fs *flag.FlagSet, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke" && args[0] != "list") {
		fmt.Fprint(fs.Output(), usage)
		return errors.New("apikey needs an action: create, revoke or list")
	}
	cfg.Action, args = args[0], args[1:]
	var role string
	switch cfg.Action {
	case "create":
		fs.StringVar(&cfg.Key.Name, "name", "", "the key's name, unique (letters, digits, '.', '_', '-')")
		fs.StringVar(&role, "role", "", "PARTNER, OFFICER or ADMIN")
		fs.StringVar(&cfg.Key.OfficeCode, "office", "", "the office of an OFFICER key (OPS, PIO-40, ...)")
		fs.BoolVar(&cfg.Key.RegisteredOnly, "registered-only", false, "the key may only run registered operations")
	case "revoke":
		fs.StringVar(&cfg.Key.Name, "name", "", "the name of the key to revoke")
	}
	if err := parseFlags(fs, args, "Manages API keys ("+cfg.Action+")."); err != nil {
		return err
	}
	cfg.Key.Role = access.Role(strings.ToUpper(role))
	if cfg.Action != "list" && cfg.Key.Name == "" {
		fmt.Fprintln(fs.Output(), "--name is required")
		return errors.New("--name is required")
	}
	return nil
}

// roleInts is a flag of numbers by role: "ANONYMOUS=5000,ADMIN=0".
type roleInts map[access.Role]int

func (r roleInts) String() string {
	parts := make([]string, 0, len(r))
	for _, role := range access.Roles {
		if n, ok := r[role]; ok {
			parts = append(parts, fmt.Sprintf("%s=%d", role, n))
		}
	}
	return strings.Join(parts, ",")
}

func (r roleInts) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		role, n, ok := strings.Cut(strings.TrimSpace(part), "=")
		value, err := strconv.Atoi(n)
		if !ok || err != nil || value < 0 || !slices.Contains(access.Roles, access.Role(strings.ToUpper(role))) {
			return fmt.Errorf("%q is not ROLE=N with a role of %v and N >= 0", part, access.Roles)
		}
		r[access.Role(strings.ToUpper(role))] = value
	}
	return nil
}

func parseFlags(fs *flag.FlagSet, args []string, about string) error {
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s [flags]\n\n%s\n\nFlags:\n", fs.Name(), about)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// databaseURL is $DATABASE_URL, with libpq's default sslmode ("prefer")
// unless the URL or $PGSSLMODE choose one: lib/pq alone would insist on
// TLS, which a local PostgreSQL usually does not offer.
func databaseURL(getenv func(string) string) string {
	dsn := getenv("DATABASE_URL")
	if strings.Contains(dsn, "sslmode=") || getenv("PGSSLMODE") != "" {
		return dsn
	}
	return postgres.WithSetting(dsn, "sslmode", "prefer")
}
