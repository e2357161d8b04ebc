// Package config reads eilnet's command line and environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
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
	// BatchWait is how long a loader collects keys before it reads them.
	BatchWait time.Duration
	// NoBatching makes loaders read one key per statement (the N+1
	// baseline of the benchmark).
	NoBatching bool
	// RequestTimeout bounds a GraphQL request.
	RequestTimeout time.Duration
	// Debug reports each request's SQL in its response's extensions.
	Debug bool
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
		Command:     Serve,
		DatabaseURL: databaseURL(getenv),
		Scale:       1,
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
			"how long to let in-flight requests finish after SIGTERM or SIGINT")
		fs.DurationVar(&cfg.BatchWait, "batch-wait", time.Millisecond,
			"how long a loader waits for company for keys that were not announced with their level")
		fs.BoolVar(&cfg.NoBatching, "no-batching", false,
			"read every relation one parent at a time (the N+1 baseline, for benchmarks only)")
		fs.DurationVar(&cfg.RequestTimeout, "request-timeout", 30*time.Second,
			"longest time a GraphQL request may take; its SQL is cancelled then")
		fs.BoolVar(&cfg.Debug, "debug", false,
			"report each request's SQL statement count and time in the response's extensions.sql")
		if err := parseFlags(fs, args, "Migrates the database, then serves the API on /query, the GraphQL\nplayground on /, and /healthz and /readyz."); err != nil {
			return cfg, err
		}
		n, err := strconv.Atoi(port)
		if err != nil || n < 0 || n > 65535 {
			fmt.Fprintf(out, "invalid port %q\n", port)
			return cfg, errors.New("invalid port")
		}
		if cfg.BatchWait < 0 || cfg.RequestTimeout < 0 || cfg.ShutdownTimeout < 0 {
			fmt.Fprintln(out, "durations may not be negative")
			return cfg, errors.New("negative setting")
		}
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
	default:
		fmt.Fprintf(out, "unknown command %q\n\n%s", cfg.Command, usage)
		return cfg, fmt.Errorf("unknown command %q", cfg.Command)
	}
	return cfg, nil
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
	switch {
	case dsn == "":
		return "sslmode=prefer"
	case strings.Contains(dsn, "://") && strings.Contains(dsn, "?"):
		return dsn + "&sslmode=prefer"
	case strings.Contains(dsn, "://"):
		return dsn + "?sslmode=prefer"
	default:
		return dsn + " sslmode=prefer"
	}
}
