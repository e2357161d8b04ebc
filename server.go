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
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"

	"eilnet/graph"
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
	// less often trades some memory for a fifth less CPU (docs/benchmarks.md).
	// GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr)
	switch {
	case errors.Is(err, config.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "eilnet:", err)
		os.Exit(1)
	}
}

// run executes the command in args; logs and usage go to stderr.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := config.Parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))

	db, err := postgres.Open(ctx, cfg.DatabaseURL)
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
	}
	if cfg.Demo {
		err := seed.Fill(ctx, db, 1, log)
		if errors.Is(err, seed.ErrNotEmpty) {
			log.Info("database holds data already; not seeding")
		} else if err != nil {
			return err
		}
	}
	return serve(ctx, cfg, db, log)
}

func serve(ctx context.Context, cfg config.Config, db *sqlx.DB, log *slog.Logger) error {
	catalog, err := refdata.Load(ctx, db)
	if err != nil {
		return err
	}
	metrics := obs.NewMetrics()
	api := graph.NewHandler(graph.NewResolver(db, catalog), graph.Options{
		Loader: loader.Config{
			Wait: cfg.BatchWait, NoBatching: cfg.NoBatching, Observe: metrics.ObserveBatch,
		},
		MaxBodyBytes: 1 << 20,
		Debug:        cfg.Debug,
		Log:          log,
	})
	srv := &http.Server{
		Handler:           web.NewHandler(api, db, web.Options{Log: log, Metrics: metrics, RequestTimeout: cfg.RequestTimeout}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	go idempotency.PurgeEvery(ctx, db, time.Hour, log)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down; finishing in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
