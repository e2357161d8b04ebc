package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"eilnet/internal/access"
	"eilnet/internal/dbtest"
	"eilnet/internal/gqltest"
)

// The database misbehaving, as production sees it: every request and
// every probe ends by its deadline with a coded answer, whatever the
// database does, and the server serves again once it is back.

// answer is one HTTP answer to a GraphQL request, and how long it took.
type answer struct {
	status int
	header http.Header
	codes  []string
	took   time.Duration
	body   string
}

// post sends query to base within a client timeout far beyond the
// server's deadlines: a server that hangs fails the test, not the client.
// It may run in a goroutine of its own: a failure to get an answer is
// reported, and answered as HTTP status 0.
func post(t *testing.T, base, key, query string) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, err := http.NewRequest(http.MethodPost, base+"/query", bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return answer{body: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	start := time.Now()
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Errorf("%s: no answer after %s: %v", query, time.Since(start).Round(time.Millisecond), err)
		return answer{took: time.Since(start), body: err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, took: time.Since(start), body: string(b)}
	var r struct {
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	json.Unmarshal(b, &r)
	for _, e := range r.Errors {
		a.codes = append(a.codes, e.Extensions.Code)
	}
	return a
}

// ready is /readyz's status and how long it took.
func ready(t *testing.T, base string) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Get(base + "/readyz")
	if err != nil {
		t.Fatalf("/readyz: no answer after %s: %v", time.Since(start).Round(time.Millisecond), err)
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

func newKey(t *testing.T, db *dbtest.DB) string {
	t.Helper()
	key, err := access.CreateKey(context.Background(), db, access.NewKey{Name: fmt.Sprintf("faults-%d", time.Now().UnixNano()), Role: access.Partner})
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// A database that stops answering (paused, or behind a silent network)
// cannot hold a request past its deadline, nor /readyz past its own.
func TestSilentDatabase(t *testing.T) {
	db := dbtest.Seeded(t)
	proxy := dbtest.NewProxy(t)
	base, stop := startServer(t, proxy.URL(db), "serve", "--port", "0", "--request-timeout", "1s", "--key-cache-ttl", "0")
	defer stop()
	key := newKey(t, db)
	const query = `{ factories(first: 2, orderBy: {field: WORKERS, direction: DESC}) { totalCount nodes { name } } }`
	if a := post(t, base, key, query); a.status != 200 || len(a.codes) > 0 {
		t.Fatalf("before the fault: HTTP %d %s", a.status, a.body)
	}

	proxy.Freeze()
	for _, caller := range []struct{ name, key string }{{"anonymous", ""}, {"keyed", key}} {
		a := post(t, base, caller.key, query)
		// The deadline, lib/pq's cancel request (at most a second against a
		// silent database) and slack for a loaded machine.
		if a.took > 3500*time.Millisecond || len(a.codes) == 0 || a.codes[0] != "TIMEOUT" {
			t.Errorf("%s, database silent: HTTP %d after %s: %s", caller.name, a.status, a.took.Round(time.Millisecond), a.body)
		}
	}
	if status, took := ready(t, base); status != http.StatusServiceUnavailable || took > 3*time.Second {
		t.Errorf("/readyz, database silent: %d after %s, want 503 within its 2 s", status, took.Round(time.Millisecond))
	}
	if status, _ := gqltest.Get(t, base+"/healthz"); status != 200 {
		t.Errorf("/healthz, database silent: %d", status)
	}

	proxy.Thaw()
	if status, _ := ready(t, base); status != 200 {
		t.Errorf("/readyz, database back: %d", status)
	}
	if a := post(t, base, key, query); a.status != 200 || len(a.codes) > 0 {
		t.Errorf("database back: HTTP %d %s", a.status, a.body)
	}
}

// Start-up against a database that accepts connections and never answers
// gives up after --connect-timeout, saying why, and stops at once on a
// signal (the end of run's context).
func TestStartUpSilentDatabase(t *testing.T) {
	db := dbtest.Seeded(t)
	proxy := dbtest.NewProxy(t)
	proxy.Freeze()
	vars := env(map[string]string{"DATABASE_URL": proxy.URL(db)})

	start := time.Now()
	err := run(context.Background(), []string{"serve", "--port", "0", "--connect-timeout", "1s"}, vars, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no answer within 1s") || time.Since(start) > 4*time.Second {
		t.Errorf("start-up with a silent database: %v after %s", err, time.Since(start).Round(time.Millisecond))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = run(ctx, []string{"serve", "--port", "0", "--connect-timeout", "30s"}, vars, io.Discard, io.Discard)
	if err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("start-up interrupted: %v after %s", err, time.Since(start).Round(time.Millisecond))
	}
}

// A table locked for long holds no connection past --lock-timeout: what
// needs it is SERVICE_UNAVAILABLE (503, Retry-After), what does not is
// served, and /readyz answers.
func TestLockedTable(t *testing.T) {
	db := dbtest.Seeded(t)
	base, stop := startServer(t, db.URL, "serve", "--port", "0", "--lock-timeout", "300ms", "--request-timeout", "10s", "--db-max-conns", "4")
	defer stop()
	db.Lock(t, "factories")
	// More requests for the locked table than the pool has connections.
	answers := make(chan answer, 8)
	for range 8 {
		go func() { answers <- post(t, base, "", `{ factories(first: 2) { nodes { name } } }`) }()
	}
	for range 8 {
		a := <-answers
		if a.status != http.StatusServiceUnavailable || len(a.codes) == 0 || a.codes[0] != "SERVICE_UNAVAILABLE" ||
			a.header.Get("Retry-After") == "" || a.took > 3*time.Second {
			t.Errorf("locked table: HTTP %d after %s, Retry-After %q: %s", a.status, a.took.Round(time.Millisecond), a.header.Get("Retry-After"), a.body)
		}
	}
	if a := post(t, base, "", `{ complaints(first: 1) { totalCount } }`); a.status != 200 || len(a.codes) > 0 || a.took > 2*time.Second {
		t.Errorf("another table, factories locked: HTTP %d after %s: %s", a.status, a.took, a.body)
	}
	if status, took := ready(t, base); status != 200 || took > 2*time.Second {
		t.Errorf("/readyz, factories locked: %d after %s", status, took)
	}
}

// The request's deadline covers looking up its API key.
func TestKeyLookupUnderDeadline(t *testing.T) {
	db := dbtest.Seeded(t)
	base, stop := startServer(t, db.URL, "serve", "--port", "0", "--request-timeout", "1s", "--lock-timeout", "0")
	defer stop()
	key := newKey(t, db)
	db.Lock(t, "api_keys")
	a := post(t, base, key, `{ provinces { code } }`)
	if a.took > 2500*time.Millisecond || a.status != http.StatusServiceUnavailable || len(a.codes) != 1 || a.codes[0] != "TIMEOUT" {
		t.Errorf("keyed request, api_keys locked: HTTP %d after %s: %s", a.status, a.took.Round(time.Millisecond), a.body)
	}
}

// After a restart (every connection dropped), the first /readyz says
// ready: a dead pooled connection does not decide it.
func TestReadyAfterRestart(t *testing.T) {
	db := dbtest.Seeded(t)
	proxy := dbtest.NewProxy(t)
	base, stop := startServer(t, proxy.URL(db), "serve", "--port", "0")
	defer stop()
	// Requests at once leave several connections open, all of which the
	// restart kills, /readyz's own among them.
	done := make(chan answer, 8)
	for range 8 {
		go func() {
			done <- post(t, base, "", `{ complaints(first: 1, filter: {category: NOISE}) { totalCount } }`)
		}()
	}
	for range 8 {
		if a := <-done; a.status != 200 {
			t.Fatalf("before the restart: HTTP %d %s", a.status, a.body)
		}
	}
	if status, _ := ready(t, base); status != 200 {
		t.Fatalf("/readyz before the restart: %d", status)
	}
	proxy.Drop()
	for i := range 3 {
		if status, _ := ready(t, base); status != 200 {
			t.Errorf("/readyz %d after the restart: %d", i+1, status)
		}
	}
}

// A database that is down is SERVICE_UNAVAILABLE for every caller, with
// 503 and Retry-After; never INTERNAL_SERVER_ERROR.
func TestDatabaseDown(t *testing.T) {
	db := dbtest.Seeded(t)
	proxy := dbtest.NewProxy(t)
	base, stop := startServer(t, proxy.URL(db), "serve", "--port", "0", "--key-cache-ttl", "0")
	defer stop()
	key := newKey(t, db)
	proxy.Refuse(true)
	proxy.Drop()
	for _, caller := range []struct{ name, key string }{{"anonymous", ""}, {"keyed", key}} {
		a := post(t, base, caller.key, `{ factories(first: 1) { nodes { name } } }`)
		if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" || len(a.codes) == 0 || a.codes[0] != "SERVICE_UNAVAILABLE" {
			t.Errorf("%s, database down: HTTP %d, Retry-After %q: %s", caller.name, a.status, a.header.Get("Retry-After"), a.body)
		}
	}
	proxy.Refuse(false)
	if a := post(t, base, key, `{ factories(first: 1) { nodes { name } } }`); a.status != 200 || len(a.codes) > 0 {
		t.Errorf("database back: HTTP %d %s", a.status, a.body)
	}
}

// A body sent a byte at a time holds its connection no longer than the
// request's deadline, and is answered TIMEOUT.
func TestSlowBody(t *testing.T) {
	db := dbtest.Seeded(t)
	base, stop := startServer(t, db.URL, "serve", "--port", "0", "--request-timeout", "1s")
	defer stop()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"query": "{ provinces { code } }"}`
	fmt.Fprintf(conn, "POST /query HTTP/1.1\r\nHost: eilnet\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	start := time.Now()
	go func() {
		for i := range len(body) {
			if _, err := conn.Write([]byte{body[i]}); err != nil {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
	}()
	conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("a body trickling in: no answer after %s: %v", time.Since(start).Round(time.Millisecond), err)
	}
	reply, _ := io.ReadAll(resp.Body)
	if took := time.Since(start); took > 3*time.Second || !strings.Contains(string(reply), `"TIMEOUT"`) {
		t.Errorf("a body trickling in: after %s the server answered %d %s", took.Round(time.Millisecond), resp.StatusCode, reply)
	}
}

// SIGTERM first drains (/readyz 503, requests still served), then stops
// taking requests; one still running at --shutdown-timeout is answered
// SERVICE_UNAVAILABLE, not cut off.
func TestShutdownDrains(t *testing.T) {
	db := dbtest.Seeded(t)
	base, stop := startServer(t, db.URL, "serve", "--port", "0", "--drain-period", "3s", "--shutdown-timeout", "500ms", "--lock-timeout", "0")
	defer stop()
	db.Lock(t, "factories")
	straggler := make(chan answer, 1)
	go func() { straggler <- post(t, base, "", `{ factories(first: 2) { nodes { name } } }`) }()
	db.AwaitLockWaiter(t)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(300 * time.Millisecond)
	if status, _ := ready(t, base); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz while draining: %d, want 503", status)
	}
	if a := post(t, base, "", `{ provinces { code } }`); a.status != 200 || len(a.codes) > 0 {
		t.Errorf("a request while draining: HTTP %d %s", a.status, a.body)
	}
	a := <-straggler
	if a.status != http.StatusServiceUnavailable || len(a.codes) != 1 || a.codes[0] != "SERVICE_UNAVAILABLE" || a.header.Get("Retry-After") == "" {
		t.Errorf("a request running at the shutdown timeout: HTTP %d, Retry-After %q: %s", a.status, a.header.Get("Retry-After"), a.body)
	}
	if err := <-stopped; err != nil {
		t.Errorf("run: %v", err)
	}
}
