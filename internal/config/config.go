// Package config reads eilnet's command line and environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	// Version prints the version eilnet was built as.
	Version Command = "version"
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
	// AllowForeignTables lets migrate add eilnet's tables to a database
	// that holds tables of something else.
	AllowForeignTables bool
}

// ErrHelp is returned when the user asked for help; the help has been
// written to stdout already.
var ErrHelp = flag.ErrHelp

// UsageError is a command line eilnet cannot run: an unknown command,
// action or flag, a bad flag value, a missing argument. Parse has written
// it, with a hint, to stderr already.
type UsageError struct {
	// Command is the command the line runs, e.g. "eilnet apikey create",
	// whose help the hint names.
	Command string
	// Msg says what is wrong, in one line.
	Msg string
}

func (e *UsageError) Error() string { return e.Command + ": " + e.Msg }

// Hint tells where to read how the command is used.
func (e *UsageError) Hint() string { return "run '" + e.Command + " --help' for usage" }

func usageErr(command, format string, args ...any) *UsageError {
	return &UsageError{Command: command, Msg: fmt.Sprintf(format, args...)}
}

const usage = `eilnet serves the GraphQL API of Thailand's Environment-Loving Industry
Network (เครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อม).

Usage:
  eilnet [serve] [flags]   migrate the database, then serve the API (default)
  eilnet seed [flags]      migrate, then fill an empty database with demo data
  eilnet migrate [flags]   apply the database migrations and exit
  eilnet apikey create --role ROLE --name NAME [--office CODE] [--registered-only]
                           create an API key and print it (alone) on stdout
  eilnet apikey revoke --name NAME
                           revoke a key: requests with it fail with 401
  eilnet apikey list       list the keys (never the keys themselves)
  eilnet operations register FILE...
                           register the operations in FILE (one named
                           operation each) for registered-only keys
  eilnet version           print the version and the commit built from
  eilnet help [COMMAND]    print this help, or a command's

Environment:
` + databaseEnv + `  PORT          port serve listens on (default 8080)

Examples:
  DATABASE_URL=postgres://eilnet@localhost/eilnet eilnet serve --demo
  eilnet apikey create --role PARTNER --name dash.example.go.th
  eilnet seed --help

Run 'eilnet <command> --help' for the flags of a command, with their
defaults. Exit status: 0 when done (or help was asked for), 2 for a command
line eilnet cannot run, 1 for any other failure.
`

const databaseEnv = `  DATABASE_URL  PostgreSQL connection string (URL or key=value); when unset,
                libpq's variables PGHOST, PGPORT, PGUSER, PGPASSWORD,
                PGDATABASE and PGSSLMODE are used, then lib/pq's defaults
                (localhost:5432, the OS user, a database named after the
                user). sslmode defaults to "prefer", as in libpq.
`

// help is what a command's --help prints.
type help struct {
	// usage is the synopsis, after "Usage: ".
	usage string
	// about says what the command does; more follows the flags.
	about, more string
	// examples are command lines, one a line.
	examples string
	// database tells that the command connects to DATABASE_URL.
	database bool
	// env is more environment the command reads, as databaseEnv lays it
	// out.
	env string
}

func (h help) write(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", h.usage, strings.TrimRight(h.about, "\n"))
	if fs != nil {
		has := false
		fs.VisitAll(func(*flag.Flag) { has = true })
		if has {
			fmt.Fprint(w, "\nFlags:\n")
			printFlags(w, fs)
		}
	}
	if h.more != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(h.more, "\n"))
	}
	if h.database || h.env != "" {
		fmt.Fprint(w, "\nEnvironment:\n")
		if h.database {
			fmt.Fprint(w, databaseEnv)
		}
		fmt.Fprint(w, h.env)
	}
	fmt.Fprint(w, "\nExample")
	if strings.Count(strings.TrimRight(h.examples, "\n"), "\n") > 0 {
		fmt.Fprint(w, "s")
	}
	fmt.Fprint(w, ":\n")
	for line := range strings.SplitSeq(strings.TrimRight(h.examples, "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", line)
	}
}

// printFlags lists fs's flags, --name VALUE, with their usage wrapped
// below and their default.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		value, text := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if value != "" {
			line += " " + value
		}
		fmt.Fprintln(w, line)
		if d := f.DefValue; d != "" && !(isBool(f) && d == "false") {
			text += " (default " + d + ")"
		}
		for _, l := range wrap(text, 70) {
			fmt.Fprintf(w, "        %s\n", l)
		}
	})
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// wrap breaks text into lines of at most width characters, between
// words.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for word := range strings.FieldsSeq(text) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// parser parses one command line, writing help to stdout.
type parser struct {
	stdout io.Writer
}

// flags parses args into fs, whose command takes no arguments but its
// flags unless positional: then fs.Args() are the arguments. It answers
// ErrHelp, with h written to stdout, for -h, --help or a lone help.
func (p parser) flags(fs *flag.FlagSet, args []string, h help, positional bool) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 && (fs.Arg(0) == "help" && (!positional || fs.NArg() == 1) || positional && slices.ContainsFunc(fs.Args(), isHelp)) {
		err = ErrHelp
	}
	switch {
	case errors.Is(err, ErrHelp):
		h.write(p.stdout, fs)
		return ErrHelp
	case err != nil:
		return usageErr(fs.Name(), "%s", flagError(fs, err))
	case !positional && fs.NArg() > 0:
		return usageErr(fs.Name(), "unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// flagError is the flag package's complaint about fs's args, naming
// flags --name as the help does, and saying what a value should be
// instead of "parse error".
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag --" + name
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "flag --" + name + " needs a value"
	}
	m := badValue.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	msg = m[1] + " for --" + m[2] + ": " + m[3]
	if f := fs.Lookup(m[2]); f != nil && m[3] == "parse error" {
		value, _ := flag.UnquoteUsage(f)
		want := map[string]string{
			"": "true or false", "int": "a whole number", "uint": "a whole number",
			"duration": "a duration such as 300ms, 30s or 5m", "float": "a number",
		}
		if w, ok := want[value]; ok {
			msg = m[1] + " for --" + m[2] + ": want " + w
		}
	}
	return msg
}

// badValue matches the flag package's "invalid value "x" for flag -name:
// why" and "invalid boolean value "x" for -name: why".
var badValue = regexp.MustCompile(`^(invalid (?:boolean )?value ".*") for (?:flag )?-(\S+): (.*)$`)

// Parse reads the command and its flags from args (without the program
// name) and settings from the environment. Help goes to stdout (and Parse
// answers ErrHelp); a command line it cannot run is a *UsageError, written
// with a hint to stderr.
func Parse(args []string, getenv func(string) string, stdout, stderr io.Writer) (Config, error) {
	cfg, err := parser{stdout: stdout}.parse(args, getenv)
	if u, ok := errors.AsType[*UsageError](err); ok {
		fmt.Fprintf(stderr, "%s\n%s\n", u, u.Hint())
	}
	return cfg, err
}

func (p parser) parse(args []string, getenv func(string) string) (Config, error) {
	cfg := Config{
		Command:        Serve,
		DatabaseURL:    databaseURL(getenv),
		Scale:          1,
		ConnectTimeout: 10 * time.Second,
	}
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "help":
			// eilnet help apikey create: eilnet apikey create --help.
			return p.parse(slices.Concat(args[1:], []string{"--help"}), getenv)
		case isHelp(a):
			fmt.Fprint(p.stdout, usage)
			return cfg, ErrHelp
		case a == "--version" || a == "-version":
			cfg.Command, args = Version, args[1:]
		case !strings.HasPrefix(a, "-"):
			cfg.Command, args = Command(a), args[1:]
		}
	}

	fs := flag.NewFlagSet("eilnet "+string(cfg.Command), flag.ContinueOnError)
	switch cfg.Command {
	case Serve:
		port := serveFlags(fs, &cfg, getenv)
		if err := p.flags(fs, args, serveHelp, false); err != nil {
			return cfg, err
		}
		if err := checkServe(&cfg, *port); err != nil {
			return cfg, usageErr(fs.Name(), "%s", err)
		}
	case Seed:
		fs.IntVar(&cfg.Scale, "scale", 1, "multiply the demo network's volume by this (1-100)")
		if err := p.flags(fs, args, seedHelp, false); err != nil {
			return cfg, err
		}
		if cfg.Scale < 1 || cfg.Scale > 100 {
			return cfg, usageErr(fs.Name(), "--scale must be between 1 and 100, not %d", cfg.Scale)
		}
	case Migrate:
		fs.BoolVar(&cfg.AllowForeignTables, "allow-foreign-tables", false,
			"migrate even though the database holds tables that are not eilnet's (and no eilnet migration table): eilnet's tables join them")
		if err := p.flags(fs, args, migrateHelp, false); err != nil {
			return cfg, err
		}
	case APIKey:
		if err := p.apiKey(&cfg, args); err != nil {
			return cfg, err
		}
	case Operations:
		if err := p.operations(&cfg, args); err != nil {
			return cfg, err
		}
	case Version:
		if err := p.flags(fs, args, versionHelp, false); err != nil {
			return cfg, err
		}
	default:
		return cfg, usageErr("eilnet", "unknown command %q", cfg.Command)
	}
	return cfg, nil
}

// serveFlags defines serve's flags on fs, into cfg; it answers the port.
func serveFlags(fs *flag.FlagSet, cfg *Config, getenv func(string) string) *string {
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
		"cost points of ANONYMOUS operations, from every address together, that run at once; the others wait their turn (0: no limit; default: 5,000 for every other processor)")
	fs.IntVar(&cfg.Limits.MaxWrites, "max-writes", cfg.Limits.MaxWrites, "most mutation fields in one request (0: no limit)")
	fs.Var(roleInts(cfg.Limits.WriteBudget), "write-budget", "mutation fields a caller may run per --rate-window, by role, apart from --rate-budget, e.g. ANONYMOUS=20 (0 or absent: no limit)")
	return &port
}

// checkServe refuses serve's settings that cannot work, and completes
// cfg with port.
func checkServe(cfg *Config, port string) error {
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("invalid port %q (--port or $PORT): want a number from 0 to 65535", port)
	}
	if cfg.BatchWait < 0 || cfg.RequestTimeout < 0 || cfg.ShutdownTimeout < 0 || cfg.StatementTimeout < 0 || cfg.KeyCacheTTL < 0 ||
		cfg.LockTimeout < 0 || cfg.DrainPeriod < 0 || cfg.DBConnMaxIdleTime < 0 || cfg.DBConnMaxLifetime < 0 || cfg.ReadTimeout < 0 ||
		cfg.Limits.Window <= 0 || cfg.ConnectTimeout <= 0 || cfg.Limits.RefusalDelay < 0 || cfg.CacheMaxAge < 0 {
		return errors.New("durations may not be negative, and --rate-window and --connect-timeout must be positive")
	}
	if cfg.Limits.AnonymousInFlight < 0 {
		return errors.New("--anonymous-in-flight may not be negative")
	}
	for _, role := range access.Roles {
		// A request the bucket can never hold would be refused with
		// a Retry-After that never comes.
		limit := cfg.Limits.MaxCost[role]
		if a := cfg.Limits.Allowance(role); limit > 0 && a.Rate > 0 && a.Most() < limit {
			return fmt.Errorf("%s callers could never pay for a request of --max-cost %d: --rate-budget and --rate-burst must be at least that", role, limit)
		}
	}
	if cfg.DBMaxConns < 1 || cfg.DBMaxIdleConns < 0 {
		return errors.New("--db-max-conns must be at least 1, and --db-max-idle-conns at least 0")
	}
	// More idle connections than open ones cannot be kept.
	cfg.DBMaxIdleConns = min(cfg.DBMaxIdleConns, cfg.DBMaxConns)
	cfg.Addr = ":" + port
	return nil
}

// apiKey reads `apikey create|revoke|list` and its flags.
func (p parser) apiKey(cfg *Config, args []string) error {
	const command = "eilnet apikey"
	switch {
	case len(args) == 0:
		return usageErr(command, "missing action: create, revoke or list")
	case args[0] == "help" || isHelp(args[0]):
		apiKeyHelp.write(p.stdout, nil)
		return ErrHelp
	case args[0] != "create" && args[0] != "revoke" && args[0] != "list":
		if strings.HasPrefix(args[0], "-") {
			return usageErr(command, "missing action before %s: create, revoke or list", args[0])
		}
		return usageErr(command, "unknown action %q: want create, revoke or list", args[0])
	}
	cfg.Action, args = args[0], args[1:]
	fs := flag.NewFlagSet(command+" "+cfg.Action, flag.ContinueOnError)
	var role string
	h := apiKeyListHelp
	switch cfg.Action {
	case "create":
		fs.StringVar(&role, "role", "", "the key's role: PARTNER, OFFICER or ADMIN (required)")
		fs.StringVar(&cfg.Key.Name, "name", "", "the key's name, unique: 1-64 letters, digits, '.', '_' or '-' (required)")
		fs.StringVar(&cfg.Key.OfficeCode, "office", "", "the office of an OFFICER key (OPS, PIO-40, ...); required for OFFICER keys, refused for others")
		fs.BoolVar(&cfg.Key.RegisteredOnly, "registered-only", false, "the key may only run operations registered with 'eilnet operations register'")
		h = apiKeyCreateHelp
	case "revoke":
		fs.StringVar(&cfg.Key.Name, "name", "", "the name of the key to revoke (required)")
		h = apiKeyRevokeHelp
	}
	if err := p.flags(fs, args, h, false); err != nil {
		return err
	}
	cfg.Key.Role = access.Role(strings.ToUpper(role))
	if cfg.Action == "create" {
		switch {
		case role == "":
			return usageErr(fs.Name(), "--role is required: PARTNER, OFFICER or ADMIN")
		case cfg.Key.Role != access.Partner && cfg.Key.Role != access.Officer && cfg.Key.Role != access.Admin:
			return usageErr(fs.Name(), "invalid value %q for --role: want PARTNER, OFFICER or ADMIN", role)
		case cfg.Key.Role == access.Officer && cfg.Key.OfficeCode == "":
			return usageErr(fs.Name(), "--office is required for an OFFICER key")
		case cfg.Key.Role != access.Officer && cfg.Key.OfficeCode != "":
			return usageErr(fs.Name(), "--office is for OFFICER keys only, not %s", cfg.Key.Role)
		}
	}
	if cfg.Action != "list" && cfg.Key.Name == "" {
		return usageErr(fs.Name(), "--name is required")
	}
	return nil
}

// operations reads `operations register FILE...`.
func (p parser) operations(cfg *Config, args []string) error {
	const command = "eilnet operations"
	switch {
	case len(args) == 0:
		return usageErr(command, "missing action: register")
	case args[0] == "help" || isHelp(args[0]):
		operationsHelp.write(p.stdout, nil)
		return ErrHelp
	case args[0] != "register":
		return usageErr(command, "unknown action %q: want register", args[0])
	}
	fs := flag.NewFlagSet(command+" register", flag.ContinueOnError)
	if err := p.flags(fs, args[1:], operationsRegisterHelp, true); err != nil {
		return err
	}
	cfg.Files = fs.Args()
	if len(cfg.Files) == 0 {
		return usageErr(fs.Name(), "missing FILE: the files of the operations to register")
	}
	return nil
}

var (
	serveHelp = help{
		usage: "eilnet [serve] [flags]",
		about: `Migrates the database, then serves the API on /query, the GraphQL
playground on /, and /healthz and /readyz, until SIGTERM or SIGINT, when
it drains (--drain-period) and finishes the requests in flight
(--shutdown-timeout). serve is the default command.`,
		database: true,
		env:      "  PORT          port to listen on, unless --port is given (default 8080)\n",
		examples: `DATABASE_URL=postgres://eilnet@localhost/eilnet eilnet serve --demo
eilnet serve --port 9000 --metrics-addr 127.0.0.1:9090 --max-cost ANONYMOUS=2000`,
	}
	seedHelp = help{
		usage: "eilnet seed [--scale N]",
		about: `Migrates the database, then fills it with the deterministic demo network
(11,500 members at scale 1). The database must hold no network data yet:
seed refuses one that does, and one that holds tables of something else.`,
		database: true,
		examples: `eilnet seed
eilnet seed --scale 10`,
	}
	migrateHelp = help{
		usage: "eilnet migrate [--allow-foreign-tables]",
		about: `Applies the database migrations that are not applied yet, then exits.
Every command migrates first; migrate alone lets a deployment migrate
before it starts servers. A database that holds tables but not eilnet's
migration table is refused, unless --allow-foreign-tables.`,
		database: true,
		examples: `DATABASE_URL=postgres://eilnet@db.internal/eilnet eilnet migrate`,
	}
	versionHelp = help{
		usage:    "eilnet version",
		about:    "Prints the module version and the commit eilnet was built from (revision,\ntime, and whether the work tree was modified), as far as the build recorded\nthem. Also: eilnet --version.",
		examples: "eilnet version",
	}
	apiKeyHelp = help{
		usage: "eilnet apikey create|revoke|list [flags]",
		about: `Manages the API keys callers send as "Authorization: Bearer KEY". The
database keeps only a hash of each key.`,
		more: `Actions:
  create   create a key and print it (alone) on stdout
  revoke   revoke a key by name: requests with it fail with 401
  list     list the keys, with their role, office and state (never the keys)

Run 'eilnet apikey ACTION --help' for an action's flags.`,
		database: true,
		examples: `eilnet apikey create --role OFFICER --name khon-kaen --office PIO-40
eilnet apikey revoke --name khon-kaen
eilnet apikey list`,
	}
	apiKeyCreateHelp = help{
		usage: "eilnet apikey create --role ROLE --name NAME [--office CODE] [--registered-only]",
		about: `Creates an API key and prints it, alone, on stdout: it is shown this once
only (the database keeps its hash).`,
		database: true,
		examples: `eilnet apikey create --role PARTNER --name dash.example.go.th
eilnet apikey create --role OFFICER --name khon-kaen --office PIO-40 --registered-only`,
	}
	apiKeyRevokeHelp = help{
		usage:    "eilnet apikey revoke --name NAME",
		about:    "Revokes the key called NAME: requests with it fail with 401 once servers'\n--key-cache-ttl has passed. Revoking a key again changes nothing.",
		database: true,
		examples: "eilnet apikey revoke --name khon-kaen",
	}
	apiKeyListHelp = help{
		usage:    "eilnet apikey list",
		about:    "Lists the keys on stdout, one a line: name, role, office, the key's first\ncharacters, when it was created, and whether it is active or revoked.",
		database: true,
		examples: "eilnet apikey list",
	}
	operationsHelp = help{
		usage: "eilnet operations register FILE...",
		about: `Manages the operations that keys created with --registered-only may run.`,
		more: `Actions:
  register   register the operation in each FILE

Run 'eilnet operations register --help' for details.`,
		database: true,
		examples: "eilnet operations register queries/*.graphql",
	}
	operationsRegisterHelp = help{
		usage: "eilnet operations register FILE...",
		about: `Registers the operation in each FILE (a GraphQL document with one named
operation), so that keys created with --registered-only may run it, and
prints its hash and name, tab-separated, one a line.`,
		database: true,
		examples: "eilnet operations register dashboard.graphql lookup.graphql",
	}
)

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
