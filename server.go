// Command eilnet serves the GraphQL API of Thailand's Environment-Loving
// Industry Network. It only wires: configuration, database, migrations,
// handler, graceful shutdown.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"

	"eilnet/graph"
	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/config"
	"eilnet/internal/idempotency"
	"eilnet/internal/loader"
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
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, config.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "eilnet:", err)
		os.Exit(1)
	}
}

// run executes the command in args; what a command answers (a new key, a
// list) goes to stdout, logs and usage to stderr.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))

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
	metrics := obs.NewMetrics()
	var reads sqlx.ExtContext = db
	if cfg.PreparedStatements > 0 {
		reads = postgres.NewPrepared(db, cfg.PreparedStatements)
	}
	api, err := graph.NewHandler(graph.NewResolver(db, reads, catalog), graph.Options{
		Loader: loader.Config{
			Wait: cfg.BatchWait, NoBatching: cfg.NoBatching, Observe: metrics.ObserveBatch,
		},
		MaxBodyBytes:  cfg.MaxBodyBytes,
		Debug:         cfg.Debug,
		Log:           log,
		Limits:        cfg.Limits,
		Introspection: cfg.Introspection,
		Operations:    access.Operations{DB: db}.Query,

		GQLGenExecutor: cfg.GQLGenExecutor,
	})
	if err != nil {
		return err
	}
	auth := access.NewAuthenticator(db, catalog.ProvinceOfOffice, cfg.KeyCacheTTL, time.Now)
	// Requests run under a context of their own, which the end of
	// --shutdown-timeout cancels with a cause they answer.
	base, stopRequests := context.WithCancelCause(context.WithoutCancel(ctx))
	defer stopRequests(nil)
	draining := &atomic.Bool{}
	srv := &http.Server{
		Handler: web.NewHandler(api, probe, web.Options{
			Log: log, Metrics: metrics, RequestTimeout: cfg.RequestTimeout, Authenticate: auth.Caller, Draining: draining,
			MetricsElsewhere: cfg.MetricsAddr != "", RefusalDelay: cfg.Limits.RefusalDelay,
		}),
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
