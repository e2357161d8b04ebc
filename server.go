// Command eilnet serves the GraphQL API of Thailand's Environment-Loving
// Industry Network. It only wires: configuration, database, migrations,
// handler, graceful shutdown.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/config"
	"eilnet/internal/idempotency"
	"eilnet/internal/obs"
	"eilnet/internal/postgres"
	"eilnet/internal/refdata"
	"eilnet/internal/seed"
	"eilnet/internal/web"
)

func main() {
	// A GraphQL answer allocates a great deal that dies at once: collecting
	// less often trades some memory for a fifth less CPU (one profile, in
	// docs/performance.md).
	// GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if code := exitCode(err, os.Stderr); code != 0 {
		os.Exit(code)
	}
}

// loggedError is a failure run has logged already.
type loggedError struct{ error }

func (e loggedError) Unwrap() error { return e.error }

// exitCode is the exit status for run's answer err: 0 when done or when
// help was asked for, 2 for a command line eilnet cannot run (said on
// stderr already), 1 for any other failure. A failure not logged yet is
// written to stderr.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, config.ErrHelp):
		return 0
	case errors.As(err, new(*config.UsageError)):
		return 2
	case errors.As(err, new(loggedError)):
		return 1
	}
	fmt.Fprintln(stderr, "eilnet:", err)
	return 1
}

// run executes the command in args; what a command answers (a new key, a
// list, help, the version) goes to stdout, logs and usage errors to
// stderr. Once the command is known, its failure is logged (as every log
// line, in JSON) and returned as a loggedError.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Parse(args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	if cfg.Command == config.Version {
		return printVersion(stdout)
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	if err := runCommand(ctx, cfg, stdout, log); err != nil {
		log.Error(commandName(cfg)+" failed", "err", err)
		return loggedError{err}
	}
	return nil
}

// commandName is cfg's command with its action: "serve", "apikey create".
func commandName(cfg config.Config) string {
	switch cfg.Command {
	case config.APIKey:
		return "apikey " + cfg.Action
	case config.Operations:
		return "operations register"
	}
	return string(cfg.Command)
}

// runCommand runs cfg's command, which needs the database.
func runCommand(ctx context.Context, cfg config.Config, stdout io.Writer, log *slog.Logger) error {
	target, err := postgres.TargetOf(cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	log.LogAttrs(ctx, slog.LevelInfo, "database target", target.Attrs()...)

	pool := postgres.Pool{
		MaxConns: cfg.DBMaxConns, MaxIdleConns: cfg.DBMaxIdleConns,
		ConnMaxIdleTime: cfg.DBConnMaxIdleTime, ConnMaxLifetime: cfg.DBConnMaxLifetime,
		ConnectTimeout: cfg.ConnectTimeout,
	}
	if cfg.Command != config.Serve {
		pool = postgres.DefaultPool
		pool.ConnectTimeout = cfg.ConnectTimeout
	}
	db, err := postgres.OpenPool(ctx, cfg.DatabaseURL, pool)
	if err != nil {
		return err
	}
	defer db.Close()
	// Every command migrates, and so writes: never into a database that
	// holds something else (a shared one, DATABASE_URL pointing at the
	// wrong database) unless migrate is told to.
	if !cfg.AllowForeignTables {
		if err := postgres.CheckOwn(ctx, db); err != nil {
			return err
		}
	}
	if err := postgres.Migrate(ctx, db, log); err != nil {
		return err
	}

	switch cfg.Command {
	case config.Migrate:
		return nil
	case config.Seed:
		return seed.Fill(ctx, db, cfg.Scale, log)
	case config.APIKey:
		return apiKey(ctx, db, cfg, stdout)
	case config.Operations:
		return registerOperations(ctx, db, cfg.Files, stdout)
	}
	if cfg.Demo {
		err := seed.Fill(ctx, db, 1, log)
		if errors.Is(err, seed.ErrNotEmpty) {
			log.Info("database holds data already; not seeding")
		} else if err != nil {
			return err
		}
	}
	db.Close()
	// The serving connections get statement_timeout, a backstop behind the
	// request deadline, and lock_timeout, so that a locked table holds no
	// connection for long; migrating and seeding may take longer.
	dsn := cfg.DatabaseURL
	if cfg.StatementTimeout > 0 {
		dsn = postgres.WithSetting(dsn, "statement_timeout", fmt.Sprint(cfg.StatementTimeout.Milliseconds()))
	}
	if cfg.LockTimeout > 0 {
		dsn = postgres.WithSetting(dsn, "lock_timeout", fmt.Sprint(cfg.LockTimeout.Milliseconds()))
	}
	serving, err := postgres.OpenPool(ctx, dsn, pool)
	if err != nil {
		return err
	}
	defer serving.Close()
	// /readyz asks through a connection of its own, so that it does not
	// queue behind requests for the pool's.
	probe, err := postgres.OpenPool(ctx, dsn, postgres.Pool{MaxConns: 1, MaxIdleConns: 1, ConnectTimeout: cfg.ConnectTimeout})
	if err != nil {
		return err
	}
	defer probe.Close()
	return serve(ctx, cfg, serving, probe, log)
}

// printVersion writes what the build recorded of eilnet's version: the
// module's version ("(devel)" when built from a work tree), Go's, and the
// commit (revision, time, modified) when the build stamped it, which go
// build does in a Git work tree and go run and go test do not.
func printVersion(w io.Writer) error {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		_, err := fmt.Fprintln(w, "eilnet (unknown version: the binary records no build information)")
		return err
	}
	setting := map[string]string{}
	for _, s := range bi.Settings {
		setting[s.Key] = s.Value
	}
	fmt.Fprintf(w, "eilnet %s\n", cmp.Or(bi.Main.Version, "(unknown)"))
	fmt.Fprintf(w, "  module:   %s\n", cmp.Or(bi.Main.Path, bi.Path, "(unknown)"))
	fmt.Fprintf(w, "  go:       %s %s/%s\n", bi.GoVersion, cmp.Or(setting["GOOS"], runtime.GOOS), cmp.Or(setting["GOARCH"], runtime.GOARCH))
	if setting["vcs.revision"] == "" {
		_, err := fmt.Fprintln(w, "  revision: (unknown: the build recorded no VCS information)")
		return err
	}
	fmt.Fprintf(w, "  vcs:      %s\n", cmp.Or(setting["vcs"], "(unknown)"))
	fmt.Fprintf(w, "  revision: %s\n", setting["vcs.revision"])
	fmt.Fprintf(w, "  time:     %s\n", cmp.Or(setting["vcs.time"], "(unknown)"))
	_, err := fmt.Fprintf(w, "  modified: %s\n", cmp.Or(setting["vcs.modified"], "(unknown)"))
	return err
}

// apiKey creates, revokes or lists API keys.
func apiKey(ctx context.Context, db *sqlx.DB, cfg config.Config, stdout io.Writer) error {
	switch cfg.Action {
	case "create":
		key, err := access.CreateKey(ctx, db, cfg.Key)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, key)
		return err
	case "revoke":
		return access.RevokeKey(ctx, db, cfg.Key.Name)
	}
	keys, err := access.ListKeys(ctx, db)
	for _, k := range keys {
		fmt.Fprintln(stdout, k)
	}
	return err
}

// registerOperations registers the operation of each file.
func registerOperations(ctx context.Context, db *sqlx.DB, files []string, stdout io.Writer) error {
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		hash, name, err := access.RegisterOperation(ctx, db, string(text))
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		fmt.Fprintf(stdout, "%s\t%s\n", hash, name)
	}
	return nil
}

// answerGrace is how long requests cancelled at the shutdown timeout have
// to write their answer.
const answerGrace = 2 * time.Second

func serve(ctx context.Context, cfg config.Config, db, probe *sqlx.DB, log *slog.Logger) error {
	catalog, err := refdata.Load(ctx, db)
	if err != nil {
		return err
	}
	metrics := obs.NewMetrics(cfg.RequestTimeout)
	// Requests run under a context of their own, which the end of
	// --shutdown-timeout cancels with a cause they answer.
	base, stopRequests := context.WithCancelCause(context.WithoutCancel(ctx))
	defer stopRequests(nil)
	draining := &atomic.Bool{}
	handler, err := web.New(cfg, web.Deps{DB: db, Probe: probe, Catalog: catalog, Log: log, Metrics: metrics, Draining: draining})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		BaseContext:       func(net.Listener) context.Context { return base },
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.ReadTimeout,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String())
	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	if cfg.MetricsAddr != "" {
		metricsLn, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return err
		}
		log.Info("serving metrics", "addr", metricsLn.Addr().String())
		metricsSrv := &http.Server{Handler: metrics.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: cfg.ReadTimeout}
		go func() { served <- metricsSrv.Serve(metricsLn) }()
		defer metricsSrv.Close()
	}
	go idempotency.PurgeEvery(ctx, db, time.Hour, log)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Not ready any more, but still serving: a load balancer has the
	// drain period to stop sending requests here before the listener
	// closes.
	draining.Store(true)
	log.Info("draining: /readyz answers 503", "period", cfg.DrainPeriod.String())
	time.Sleep(cfg.DrainPeriod)
	log.Info("shutting down; finishing in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// The requests still running are told to stop, and given a moment
		// to answer so (SERVICE_UNAVAILABLE) before their connections close.
		log.Warn("requests still running at the shutdown timeout: answering them SERVICE_UNAVAILABLE")
		stopRequests(apperr.ErrShuttingDown)
		answered, cancel := context.WithTimeout(context.Background(), answerGrace)
		defer cancel()
		if err := srv.Shutdown(answered); err != nil {
			srv.Close()
			return fmt.Errorf("shutdown: %w", err)
		}
	}
	log.Info("stopped")
	return nil
}
