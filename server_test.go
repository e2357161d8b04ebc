package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"eilnet/internal/access"
	"eilnet/internal/config"
	"eilnet/internal/dbtest"
	"eilnet/internal/gqltest"
	"eilnet/internal/seed"
)

// logWatch collects run's log and tells the address it listens on.
type logWatch struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	addr  chan string
	found bool
}

func newLogWatch() *logWatch { return &logWatch{addr: make(chan string, 1)} }

func (w *logWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for _, line := range strings.Split(string(p), "\n") {
		var entry struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "listening" && !w.found {
			w.found = true
			w.addr <- entry.Addr
		}
	}
	return len(p), nil
}

func (w *logWatch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// startServer starts run with args against databaseURL and answers the
// server's base URL and a function that stops it (once, however often it
// is called) and returns run's error.
func startServer(t *testing.T, databaseURL string, args ...string) (string, func() error) {
	t.Helper()
	// Tests stop their servers without a load balancer to drain.
	if !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--drain-period") }) {
		args = append(args, "--drain-period", "0")
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := newLogWatch()
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, env(map[string]string{"DATABASE_URL": databaseURL}), io.Discard, logs) }()
	select {
	case addr := <-logs.addr:
		port := addr[strings.LastIndex(addr, ":"):]
		return "http://127.0.0.1" + port, sync.OnceValue(func() error {
			cancel()
			select {
			case err := <-done:
				return err
			case <-time.After(30 * time.Second):
				return errors.New("run did not return within 30 s after its context ended")
			}
		})
	case err := <-done:
		cancel()
		t.Fatalf("run ended before listening: %v\n%s", err, logs)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("run did not listen within a minute\n%s", logs)
	}
	return "", nil
}

func TestServe(t *testing.T) {
	db := dbtest.Seeded(t)
	base, stop := startServer(t, db.URL, "serve", "--port", "0")
	defer stop()

	if status, body := gqltest.Get(t, base+"/healthz"); status != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", status, body)
	}
	if status, body := gqltest.Get(t, base+"/readyz"); status != 200 || body != "ok\n" {
		t.Errorf("/readyz: %d %q", status, body)
	}
	if status, body := gqltest.Get(t, base+"/"); status != 200 || !strings.Contains(body, "/query") {
		t.Errorf("playground: %d %q", status, body[:min(len(body), 200)])
	}
	s := &gqltest.Server{URL: base}
	var data struct{ Province struct{ NameTh string } }
	s.Query(t, `{ province(code: "40") { nameTh } }`, nil).MustData(t, &data)
	if data.Province.NameTh != "ขอนแก่น" {
		t.Errorf("province 40 = %+v", data)
	}

	// The database goes away: not ready, but alive; then back.
	admin := dbtest.Admin(t)
	if _, err := admin.Exec(`ALTER DATABASE ` + db.Name() + ` ALLOW_CONNECTIONS false`); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, db.Name()); err != nil {
		t.Fatal(err)
	}
	if status, _ := gqltest.Get(t, base+"/readyz"); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz without database: %d, want 503", status)
	}
	if status, _ := gqltest.Get(t, base+"/healthz"); status != 200 {
		t.Errorf("/healthz without database: %d, want 200", status)
	}
	if _, err := admin.Exec(`ALTER DATABASE ` + db.Name() + ` ALLOW_CONNECTIONS true`); err != nil {
		t.Fatal(err)
	}
	if status, _ := gqltest.Get(t, base+"/readyz"); status != 200 {
		t.Errorf("/readyz with the database back: %d, want 200", status)
	}
	if err := stop(); err != nil {
		t.Errorf("run after stop: %v", err)
	}
}

// SIGTERM (here: the end of run's context) lets in-flight requests finish.
func TestGracefulShutdown(t *testing.T) {
	db := dbtest.Seeded(t)
	base, stop := startServer(t, db.URL, "serve", "--port", "0")
	// A lock on factories holds the request's statement until released.
	release := db.Lock(t, "factories")
	body := []byte(`{"query": "{ factories(first: 2) { nodes { name } } }"}`)
	type result struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan result, 1)
	go func() {
		resp, err := http.Post(base+"/query", "application/json", bytes.NewReader(body))
		if err != nil {
			answered <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- result{resp.StatusCode, b, err}
	}()
	// Wait until the request's statement waits for the lock.
	db.AwaitLockWaiter(t)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("run returned with a request in flight: %v", err)
	default:
	}
	release()

	r := <-answered
	if r.err != nil || r.status != 200 || !bytes.Contains(r.body, []byte(`"nodes"`)) || bytes.Contains(r.body, []byte(`"errors"`)) {
		t.Fatalf("in-flight request: %v, HTTP %d, %s", r.err, r.status, r.body)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after shutting down")
	}
}

func TestCommands(t *testing.T) {
	db := dbtest.Empty(t)
	vars := env(map[string]string{"DATABASE_URL": db.URL})
	var logs bytes.Buffer
	ctx := context.Background()
	members := func() int {
		t.Helper()
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM members`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := run(ctx, []string{"migrate"}, vars, io.Discard, &logs); err != nil {
		t.Fatalf("migrate: %v\n%s", err, &logs)
	}
	// serve --demo seeds an empty database, once.
	for range 2 {
		_, stop := startServer(t, db.URL, "serve", "--demo", "--port", "0")
		if err := stop(); err != nil {
			t.Fatalf("serve --demo: %v", err)
		}
		if n := members(); n != 11500 {
			t.Fatalf("%d members after serve --demo", n)
		}
	}
	if err := run(ctx, []string{"seed"}, vars, io.Discard, &logs); !errors.Is(err, seed.ErrNotEmpty) {
		t.Errorf("seed on a seeded database: %v, want ErrNotEmpty", err)
	}
	other := dbtest.Empty(t)
	if err := run(ctx, []string{"seed", "--scale", "1"}, env(map[string]string{"DATABASE_URL": other.URL}), io.Discard, &logs); err != nil {
		t.Fatalf("seed: %v\n%s", err, &logs)
	}

	for _, bad := range [][]string{{"seed", "--scale", "0"}, {"serve", "--port", "http"}, {"frobnicate"}, {"serve", "extra"}} {
		var out bytes.Buffer
		if err := run(ctx, bad, vars, io.Discard, &out); err == nil || out.Len() == 0 {
			t.Errorf("%v: error %v, usage %q", bad, err, &out)
		}
	}
	var help bytes.Buffer
	if err := run(ctx, []string{"--help"}, vars, &help, io.Discard); !errors.Is(err, config.ErrHelp) || !strings.Contains(help.String(), "DATABASE_URL") {
		t.Errorf("--help: %v\n%s", err, &help)
	}
}

func TestAPIKeyCommands(t *testing.T) {
	db := dbtest.Seeded(t)
	vars := env(map[string]string{"DATABASE_URL": db.URL})
	ctx := context.Background()
	command := func(args ...string) (string, error) {
		var out, logs bytes.Buffer
		err := run(ctx, args, vars, &out, &logs)
		return out.String(), err
	}
	out, err := command("apikey", "create", "--role", "officer", "--name", "khon-kaen", "--office", "PIO-40")
	if err != nil || !regexp.MustCompile(`^eil_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("create printed %q, %v", out, err)
	}
	key := strings.TrimSpace(out)
	for _, bad := range [][]string{
		{"apikey", "create", "--role", "OFFICER", "--name", "no-office"},
		{"apikey", "create", "--role", "PARTNER", "--name", "with-office", "--office", "PIO-40"},
		{"apikey", "create", "--role", "OFFICER", "--name", "unknown-office", "--office", "PIO-99"},
		{"apikey", "create", "--role", "ANONYMOUS", "--name", "anon"},
		{"apikey", "create", "--role", "ADMIN", "--name", "khon-kaen"},
		{"apikey", "create", "--role", "ADMIN"},
		{"apikey", "revoke", "--name", "nobody"},
		{"apikey", "rotate"},
	} {
		if out, err := command(bad...); err == nil || out != "" {
			t.Errorf("%v: printed %q, error %v", bad, out, err)
		}
	}

	// Keys are looked up on every request, so that the revocation below
	// shows at once.
	base, stop := startServer(t, db.URL, "serve", "--port", "0", "--key-cache-ttl", "0")
	defer stop()
	s := (&gqltest.Server{URL: base}).As(key)
	if r := s.Query(t, `{ viewer { role name office { code } } }`, nil); string(r.Data) != `{"viewer":{"role":"OFFICER","name":"khon-kaen","office":{"code":"PIO-40"}}}` {
		t.Errorf("viewer with the new key: %s %+v", r.Data, r.Errors)
	}
	if out, err := command("apikey", "list"); err != nil || !regexp.MustCompile(`(?m)^khon-kaen\tOFFICER\tPIO-40\teil_\S{6}…\tcreated \S+\tactive$`).MatchString(out) ||
		strings.Contains(out, key) {
		t.Errorf("list: %q, %v", out, err)
	}
	if out, err := command("apikey", "revoke", "--name", "khon-kaen"); err != nil || out != "" {
		t.Fatalf("revoke: %q, %v", out, err)
	}
	if r := s.Query(t, `{ viewer { role } }`, nil); r.Status != 401 || len(r.Errors) != 1 || r.Errors[0].Code() != "UNAUTHENTICATED" {
		t.Errorf("a revoked key: HTTP %d %+v", r.Status, r.Errors)
	}
	if out, err := command("apikey", "list"); err != nil || !strings.Contains(out, "\trevoked ") {
		t.Errorf("list after revoking: %q, %v", out, err)
	}

	// Registered operations, for registered-only keys.
	file := filepath.Join(t.TempDir(), "lookup.graphql")
	if err := os.WriteFile(file, []byte(`query Lookup { viewer { role } }`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := command("operations", "register", file); err != nil || out != access.QueryHash(`query Lookup { viewer { role } }`)+"\tLookup\n" {
		t.Errorf("operations register: %q, %v", out, err)
	}
}
