// Command bench measures eilnet side by side with its N+1 baseline, with
// PostGraphile and with the raw-SQL minimum, on demo databases of scale 1
// and 10, and writes docs/benchmarks.md. Run it with `make bench`, which
// builds the server and the load generator (hey) first; the bench installs
// PostGraphile itself (internal/bench/postgraphile, with npm).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/postgres"
	"eilnet/internal/refdata"
)

var (
	eilnet    = flag.String("eilnet", "bin/eilnet", "the server binary")
	hey       = flag.String("hey", "bin/hey", "the load generator")
	server    = flag.String("postgres", os.Getenv("EILNET_POSTGRES"), "PostgreSQL server URL (postgres://user@host:port)")
	out       = flag.String("out", "docs/benchmarks.md", "where to write the report")
	duration  = flag.Duration("duration", 5*time.Second, "how long each load runs")
	scales    = flag.String("scales", "1,10", "demo network scales to measure")
	sweep     = flag.Bool("sweep", true, "also measure loader waits (at the first scale)")
	only      = flag.String("only", "", "measure only these queries (comma-separated names)")
	extra     = flag.String("flags", "", "extra flags for the measured eilnet server (space-separated)")
	loads     = flag.Bool("loads", true, "run the loads (false: only the query plans)")
	peer      = flag.Bool("peer", true, "also measure PostGraphile side by side (at the first scale; installs it with npm)")
	rounds    = flag.Int("rounds", 3, "interleaved rounds of the side-by-side comparisons")
	baseline  = flag.String("baseline", "", "also measure the server built from this git revision side by side (at the first scale)")
	abuse     = flag.Bool("abuse", true, "also measure a partner's lookup while anonymous callers loop on the costliest queries (at the last scale)")
	abuseOnly = flag.Bool("abuse-only", false, "measure only the partner's lookup under abuse, at the last scale (make bench-abuse)")
)

func main() {
	flag.Parse()
	if *rounds < 1 {
		log.Fatal("--rounds must be at least 1")
	}
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// report collects what the run measured, for the markdown.
type report struct {
	// intro replaces the introduction of the full run.
	intro    string
	machine  []string
	seeding  []string
	sections []section
}

type section struct {
	title string
	lines []string
}

func (r *report) add(title string, lines ...string) {
	r.sections = append(r.sections, section{title, lines})
	fmt.Fprintf(os.Stderr, "\n## %s\n%s\n", title, strings.Join(lines, "\n"))
}

func run(ctx context.Context) error {
	if *server == "" {
		return errors.New("no PostgreSQL server: set EILNET_POSTGRES or --postgres (make bench does)")
	}
	admin, err := postgres.Open(ctx, dbURL("postgres"))
	if err != nil {
		return err
	}
	defer admin.Close()
	rep := &report{}
	rep.machine = machine(ctx, admin)

	var scaleList []int
	for _, s := range strings.Split(*scales, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("--scales: %w", err)
		}
		scaleList = append(scaleList, n)
	}
	if *abuseOnly {
		return runAbuse(ctx, rep, admin, scaleList[len(scaleList)-1])
	}
	results := map[int][]row{}
	for i, scale := range scaleList {
		name, db, err := openSeeded(ctx, rep, admin, scale)
		if err != nil {
			return err
		}
		catalog, err := refdata.Load(ctx, db)
		if err != nil {
			db.Close()
			return err
		}
		if i == len(scaleList)-1 {
			if err := reportPlans(ctx, rep, db, catalog, scale); err != nil {
				db.Close()
				return err
			}
		}
		if !*loads {
			db.Close()
			continue
		}
		rows, err := measureScale(ctx, rep, db, catalog, name, scale)
		if err != nil {
			db.Close()
			return err
		}
		results[scale] = rows
		if err := compareChildPages(ctx, rep, db, catalog, scale); err != nil {
			db.Close()
			return err
		}
		if i == len(scaleList)-1 && *abuse {
			if err := compareUnderAbuse(ctx, rep, db, name, scale); err != nil {
				db.Close()
				return err
			}
		}
		if i == 0 && *peer {
			if err := comparePeers(ctx, rep, db, name, scale); err != nil {
				db.Close()
				return err
			}
		}
		if i == 0 && *baseline != "" {
			if err := compareBaseline(ctx, rep, admin, db, catalog, scale); err != nil {
				db.Close()
				return err
			}
		}
		if i == 0 && *sweep {
			if err := sweepBatching(ctx, rep, db, name, scale); err != nil {
				db.Close()
				return err
			}
		}
		db.Close()
	}
	if len(scaleList) >= 2 && *loads {
		rep.add(fmt.Sprintf("Paginated queries: p99 at scale %d against scale %d", scaleList[len(scaleList)-1], scaleList[0]),
			paginationRatios(results[scaleList[0]], results[scaleList[len(scaleList)-1]])...)
	}
	return rep.write()
}

// openSeeded opens the database of the demo network at scale, seeding it
// first when it is not there (and reporting how long that took).
func openSeeded(ctx context.Context, rep *report, admin *sqlx.DB, scale int) (string, *sqlx.DB, error) {
	name := fmt.Sprintf("eilnet_bench_%d", scale)
	took, err := ensureSeeded(ctx, admin, name, scale)
	if err != nil {
		return "", nil, err
	}
	if took > 0 {
		rep.seeding = append(rep.seeding, fmt.Sprintf("- scale %d: `eilnet seed --scale %d` took %s", scale, scale, took.Round(100*time.Millisecond)))
	}
	db, err := postgres.Open(ctx, dbURL(name))
	return name, db, err
}

// dbURL is the URL of database name on the server.
func dbURL(name string) string {
	u, err := postgres.DatabaseURL(*server, name)
	if err != nil {
		log.Fatalf("--postgres: %v", err)
	}
	return u
}

func machine(ctx context.Context, db *sqlx.DB) []string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
		f.Close()
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		mem = strings.Fields(strings.SplitN(string(b), "\n", 2)[0])[1]
		if kb, err := strconv.Atoi(mem); err == nil {
			mem = fmt.Sprintf("%.0f GiB RAM", float64(kb)/1024/1024)
		}
	}
	var pg string
	db.GetContext(ctx, &pg, `SELECT split_part(version(), ' on ', 1)`)
	return []string{
		fmt.Sprintf("- %s, %d cores, %s; %s; %s (server and PostgreSQL on the same machine, over loopback)",
			cpu, runtime.NumCPU(), mem, runtime.Version(), pg),
	}
}

// ensureSeeded makes database name hold the demo network at scale, seeding
// it with the server binary if needed, and answers how long seeding took
// (0 when the database was there already).
func ensureSeeded(ctx context.Context, admin *sqlx.DB, name string, scale int) (time.Duration, error) {
	var exists bool
	if err := admin.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return 0, err
	}
	if exists {
		db, err := postgres.Open(ctx, dbURL(name))
		if err == nil {
			var members int
			err = db.GetContext(ctx, &members, `SELECT count(*) FROM members`)
			db.Close()
			if err == nil && members == 11500*scale {
				// Seeded by an earlier run: bring its schema up to date.
				return 0, runEilnet(ctx, name, "migrate")
			}
		}
		if _, err := admin.ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			return 0, err
		}
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := runEilnet(ctx, name, "seed", "--scale", strconv.Itoa(scale)); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// runEilnet runs an eilnet command against database name.
func runEilnet(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, *eilnet, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL(name))
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("eilnet %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return nil
}

// process is a running eilnet server.
type process struct {
	cmd *exec.Cmd
	// exited is closed when the process has ended.
	exited chan struct{}
	base   string
	// path is where the server answers GraphQL.
	path string
	// key is an ADMIN API key the load presents: the analyst's query reads
	// members. PostGraphile takes none.
	key string
}

// start serves database. The load runs as an ADMIN without a budget: the
// benchmark measures the server, not its rate limits.
func start(ctx context.Context, database string, port int, flags ...string) (*process, error) {
	// Nothing balances load here: stop without draining.
	return startBinary(ctx, *eilnet, database, port, append([]string{"--drain-period", "0"}, flags...)...)
}

// startBinary serves database with the eilnet binary bin, as start does.
func startBinary(ctx context.Context, bin, database string, port int, flags ...string) (*process, error) {
	key, err := createKey(ctx, bin, database, "ADMIN")
	if err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--port", strconv.Itoa(port), "--debug", "--rate-budget", "ADMIN=0"}, flags...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL(database))
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := newProcess(cmd, port, "/query", key)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && p.running(); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(p.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, nil
			}
		}
	}
	p.stop()
	return nil, fmt.Errorf("server %v did not get ready", args)
}

// createKey creates an API key of role on database with the eilnet binary
// bin, and answers it.
func createKey(ctx context.Context, bin, database, role string) (string, error) {
	create := exec.CommandContext(ctx, bin, "apikey", "create", "--role", role,
		"--name", fmt.Sprintf("bench-%s-%d", strings.ToLower(role), time.Now().UnixNano()))
	create.Env = append(os.Environ(), "DATABASE_URL="+dbURL(database))
	key, err := create.Output()
	if err != nil {
		return "", fmt.Errorf("create an API key: %w", err)
	}
	return strings.TrimSpace(string(key)), nil
}

// newProcess follows cmd, started, which serves GraphQL at path on port.
func newProcess(cmd *exec.Cmd, port int, path, key string) *process {
	p := &process{cmd: cmd, exited: make(chan struct{}), base: fmt.Sprintf("http://127.0.0.1:%d", port), path: path, key: key}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	return p
}

// running reports whether the process is still up: one that exited at
// once (its port taken, say) must not leave another to be measured.
func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// stop interrupts the process, and kills it unless it ends within 10 s.
func (p *process) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// peakRSS is the server's peak resident memory in MiB.
func (p *process) peakRSS() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.Fields(v)[0], 64)
			return kb / 1024
		}
	}
	return 0
}

// statementTotals reads the server's count of requests and of their
// statements from /metrics.
func (p *process) statementTotals() (requests, statements float64) {
	req, err := http.NewRequest(http.MethodGet, p.base+"/metrics", nil)
	if err != nil {
		return 0, 0
	}
	// The metrics answer ADMIN keys.
	req.Header.Set("Authorization", "Bearer "+p.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "eilnet_sql_statements_per_request_count":
			requests = v
		case "eilnet_sql_statements_per_request_sum":
			statements = v
		}
	}
	return requests, statements
}

// check sends one request and fails unless it answers data without errors.
func (p *process) check(body []byte) error {
	_, err := p.answer(body)
	return err
}

// answer sends one request and answers its data, or an error unless the
// server answered data without errors.
func (p *process) answer(body []byte) (json.RawMessage, error) {
	req, err := http.NewRequest(http.MethodPost, p.base+p.path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if p.key != "" {
		req.Header.Set("Authorization", "Bearer "+p.key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []json.RawMessage
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 || len(r.Errors) > 0 || len(r.Data) < 10 {
		return nil, fmt.Errorf("HTTP %d, errors %s", resp.StatusCode, r.Errors)
	}
	return r.Data, nil
}

// cpu is the CPU time the server has used so far.
func (p *process) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which may hold spaces: utime and
	// stime are the 12th and 13th, in clock ticks of 1/100 s (Linux's
	// USER_HZ).
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	user, _ := strconv.ParseInt(f[11], 10, 64)
	sys, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(user+sys) * 10 * time.Millisecond
}

// measure is one load run's outcome.
type measure struct {
	rps, p50, p99 float64 // p50 and p99 in milliseconds
	n             int
}

// load runs hey against the server for the configured duration.
func (p *process) load(ctx context.Context, body []byte, concurrency int, d time.Duration) (measure, error) {
	f, err := os.CreateTemp("", "eilnet-bench-*.json")
	if err != nil {
		return measure{}, err
	}
	defer os.Remove(f.Name())
	f.Write(body)
	f.Close()
	args := []string{"-z", d.String(), "-c", strconv.Itoa(concurrency), "-m", "POST", "-T", "application/json"}
	if p.key != "" {
		args = append(args, "-H", "Authorization: Bearer "+p.key)
	}
	cmd := exec.CommandContext(ctx, *hey, append(args, "-D", f.Name(), "-t", "60", "-o", "csv", p.base+p.path)...)
	outb, err := cmd.Output()
	if err != nil {
		return measure{}, fmt.Errorf("hey: %w", err)
	}
	records, err := csv.NewReader(bytes.NewReader(outb)).ReadAll()
	if err != nil {
		return measure{}, fmt.Errorf("hey output: %w", err)
	}
	var lat []float64
	for _, rec := range records[1:] {
		if rec[6] != "200" {
			return measure{}, fmt.Errorf("HTTP %s under load", rec[6])
		}
		s, _ := strconv.ParseFloat(rec[0], 64)
		lat = append(lat, s*1000)
	}
	return summarize(lat, d), nil
}

func summarize(lat []float64, d time.Duration) measure {
	if len(lat) == 0 {
		return measure{}
	}
	slices.Sort(lat)
	pct := func(q float64) float64 { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	return measure{rps: float64(len(lat)) / d.Seconds(), p50: pct(0.50), p99: pct(0.99), n: len(lat)}
}

// loadRaw runs f on concurrency dedicated connections for d.
func loadRaw(ctx context.Context, db *sqlx.DB, f rawFunc, concurrency int, d time.Duration) (measure, int, error) {
	var mu sync.Mutex
	var lat []float64
	var firstErr error
	statements := 0
	var wg sync.WaitGroup
	end := time.Now().Add(d)
	for range concurrency {
		wg.Go(func() {
			conn, err := db.Connx(ctx)
			if err != nil {
				mu.Lock()
				firstErr = err
				mu.Unlock()
				return
			}
			defer conn.Close()
			var mine []float64
			for time.Now().Before(end) {
				t := time.Now()
				n, err := f(ctx, conn)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, float64(time.Since(t).Microseconds())/1000)
				mu.Lock()
				statements = n
				mu.Unlock()
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return summarize(lat, d), statements, firstErr
}

// row is one query, variant and concurrency's measurement.
type row struct {
	query, variant string
	statements     float64
	c1, c8         measure
	rss            float64
}

// selected reports whether --only lets the query named name be measured.
func selected(name string) bool {
	return *only == "" || slices.Contains(strings.Split(*only, ","), name)
}

func fmtMeasure(m measure) string {
	return fmt.Sprintf("%.1f | %.2f | %.2f", m.rps, m.p50, m.p99)
}

func measureScale(ctx context.Context, rep *report, db *sqlx.DB, catalog *refdata.Catalog, database string, scale int) ([]row, error) {
	queries, err := benchQueries(ctx, db)
	if err != nil {
		return nil, err
	}
	analytics, err := analyticsQueries(ctx, db, catalog)
	if err != nil {
		return nil, err
	}
	queries = slices.DeleteFunc(append(queries, analytics...), func(q benchQuery) bool { return !selected(q.name) })
	batched, err := start(ctx, database, 18101, strings.Fields(*extra)...)
	if err != nil {
		return nil, err
	}
	defer batched.stop()
	naive, err := start(ctx, database, 18102, "--no-batching")
	if err != nil {
		return nil, err
	}
	defer naive.stop()
	// The same binary executing queries as gqlgen's generated code does:
	// what the lean executor changed, query by query.
	generated, err := start(ctx, database, 18104, append(strings.Fields(*extra), "--gqlgen-executor")...)
	if err != nil {
		return nil, err
	}
	defer generated.stop()

	var rows []row
	for _, q := range queries {
		body, _ := json.Marshal(map[string]any{"query": q.query, "variables": q.vars})
		for _, v := range []struct {
			name string
			p    *process
		}{{"eilnet", batched}, {gqlgenVariant, generated}, {"N+1 (no batching)", naive}} {
			if v.p == naive && !q.n1 {
				continue
			}
			if err := v.p.check(body); err != nil {
				return nil, fmt.Errorf("%s on %s: %w", q.name, v.name, err)
			}
			r := row{query: q.name, variant: v.name}
			reqs0, stmts0 := v.p.statementTotals()
			if r.c1, err = v.p.load(ctx, body, 1, *duration); err != nil {
				return nil, err
			}
			if r.c8, err = v.p.load(ctx, body, 8, *duration); err != nil {
				return nil, err
			}
			reqs1, stmts1 := v.p.statementTotals()
			if reqs1 > reqs0 {
				r.statements = (stmts1 - stmts0) / (reqs1 - reqs0)
			}
			rows = append(rows, r)
		}
		r := row{query: q.name, variant: "raw SQL"}
		var n int
		if r.c1, n, err = loadRaw(ctx, db, q.raw, 1, *duration); err != nil {
			return nil, fmt.Errorf("%s raw: %w", q.name, err)
		}
		if r.c8, _, err = loadRaw(ctx, db, q.raw, 8, *duration); err != nil {
			return nil, fmt.Errorf("%s raw: %w", q.name, err)
		}
		r.statements = float64(n)
		rows = append(rows, r)
	}
	lines := []string{
		"| query | variant | statements / request | c=1 req/s | c=1 p50 ms | c=1 p99 ms | c=8 req/s | c=8 p50 ms | c=8 p99 ms |",
		"|---|---|---:|---:|---:|---:|---:|---:|---:|",
	}
	for _, r := range rows {
		lines = append(lines, fmt.Sprintf("| %s | %s | %.1f | %s | %s |", r.query, r.variant, r.statements, fmtMeasure(r.c1), fmtMeasure(r.c8)))
	}
	lines = append(lines, "", fmt.Sprintf("Peak server RSS after all loads: eilnet %.0f MiB, with gqlgen's executor %.0f MiB, N+1 %.0f MiB.",
		batched.peakRSS(), generated.peakRSS(), naive.peakRSS()))
	lines = append(lines, "", "Ratios at concurrency 1 (p50 latency of eilnet / raw SQL; req/s of eilnet / eilnet with gqlgen's executor, at c=1 and c=8; req/s of eilnet / N+1):", "")
	for _, q := range queries {
		find := func(variant string) row {
			i := slices.IndexFunc(rows, func(r row) bool { return r.query == q.name && r.variant == variant })
			if i < 0 {
				return row{}
			}
			return rows[i]
		}
		e, g, n, raw := find("eilnet"), find(gqlgenVariant), find("N+1 (no batching)"), find("raw SQL")
		line := fmt.Sprintf("- %s: latency %.1fx %s; %.2fx the throughput with gqlgen's executor (%.2fx at c=8)",
			q.name, e.c1.p50/raw.c1.p50, ratioLabel(q), e.c1.rps/g.c1.rps, e.c8.rps/g.c8.rps)
		if q.n1 {
			line += fmt.Sprintf("; %.1fx the throughput of N+1 (%.1fx at c=8)", e.c1.rps/n.c1.rps, e.c8.rps/n.c8.rps)
		}
		lines = append(lines, line)
	}
	rep.add(fmt.Sprintf("Scale %d", scale), lines...)
	return rows, nil
}

// gqlgenVariant names the rows of eilnet serving queries with gqlgen's
// generated executor (--gqlgen-executor) instead of the lean one.
const gqlgenVariant = "eilnet, gqlgen's executor"

func paginationRatios(small, large []row) []string {
	var lines []string
	for _, name := range []string{"complaint_paging", "analyst_member_graph"} {
		var a, b row
		for _, r := range small {
			if r.query == name && r.variant == "eilnet" {
				a = r
			}
		}
		for _, r := range large {
			if r.query == name && r.variant == "eilnet" {
				b = r
			}
		}
		if a.c1.p99 > 0 {
			lines = append(lines, fmt.Sprintf("- %s: p99 %.2f ms against %.2f ms at c=1 (%.2fx); %.2f ms against %.2f ms at c=8 (%.2fx)",
				name, b.c1.p99, a.c1.p99, b.c1.p99/a.c1.p99, b.c8.p99, a.c8.p99, b.c8.p99/a.c8.p99))
		}
	}
	return lines
}

// sweepBatching measures the dashboard and a single-object lookup at
// several loader waits, which only unannounced loads wait for.
func sweepBatching(ctx context.Context, rep *report, db *sqlx.DB, database string, scale int) error {
	queries, err := benchQueries(ctx, db)
	if err != nil {
		return err
	}
	var picked []benchQuery
	for _, q := range queries {
		if q.name == "dashboard_overview" || q.name == "partner_factory_lookup" {
			picked = append(picked, q)
		}
	}
	lines := []string{
		"| query | --batch-wait | statements / request | c=1 req/s | c=1 p50 ms | c=1 p99 ms | c=8 req/s | c=8 p50 ms | c=8 p99 ms |",
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|",
	}
	d := *duration / 2
	for _, wait := range []string{"0s", "1ms", "16ms"} {
		p, err := start(ctx, database, 18103, "--batch-wait", wait)
		if err != nil {
			return err
		}
		for _, q := range picked {
			body, _ := json.Marshal(map[string]any{"query": q.query, "variables": q.vars})
			reqs0, stmts0 := p.statementTotals()
			c1, err := p.load(ctx, body, 1, d)
			if err != nil {
				p.stop()
				return err
			}
			c8, err := p.load(ctx, body, 8, d)
			if err != nil {
				p.stop()
				return err
			}
			reqs1, stmts1 := p.statementTotals()
			lines = append(lines, fmt.Sprintf("| %s | %s | %.1f | %s | %s |", q.name, wait,
				(stmts1-stmts0)/(reqs1-reqs0), fmtMeasure(c1), fmtMeasure(c8)))
		}
		p.stop()
	}
	rep.add(fmt.Sprintf("Loader wait (scale %d)", scale), lines...)
	return nil
}

func (r *report) write() error {
	var b strings.Builder
	if r.intro != "" {
		b.WriteString(r.intro)
		return r.finish(&b)
	}
	b.WriteString("# Benchmarks\n\n")
	b.WriteString("Produced by `make bench` (which runs `go run ./internal/bench`): each contract query is loaded with\n")
	b.WriteString("[hey](https://github.com/rakyll/hey) v0.1.5 over HTTP for " + duration.String() + " at concurrency 1 and 8 against\n")
	b.WriteString("eilnet as it ships, against the same binary executing queries with gqlgen's generated executor\n")
	b.WriteString("(`--gqlgen-executor`: what the lean executor saves), and against eilnet with `--no-batching` (every\n")
	b.WriteString("relation read one parent per statement: the N+1 baseline); the raw-SQL minimum runs hand-written SQL for the same data over\n")
	b.WriteString("dedicated connections (one per worker), with no HTTP and no GraphQL. The search, aggregate and\n")
	b.WriteString("filter queries of the analytics contract follow no relations worth batching, so they have no N+1\n")
	b.WriteString("row; their raw variant runs eilnet's own statements through its stores (the SQL is the work), so\n")
	b.WriteString("their ratio is the cost of serving that SQL as GraphQL over HTTP. Statements per request are\n")
	b.WriteString("averaged over the loads from the server's own count (`/metrics`). All variants ran in the same run,\n")
	b.WriteString("one after the other; absolute figures on a shared two-core machine are noisy, the ratios less so.\n\n")
	b.WriteString("The side-by-side section serves the same database with PostGraphile 5.1.5 (amber preset, production\n")
	b.WriteString("mode, on Node.js 22; configuration and translated queries in `internal/bench/postgraphile/`), after\n")
	b.WriteString("checking that its answer to each query holds eilnet's values; eilnet, PostGraphile and raw SQL then\n")
	b.WriteString("take turns in rounds. Server CPU is the process's user and system time over the load (`/proc`);\n")
	b.WriteString("PostgreSQL's transactions and execution time per request come from `pg_stat_database` over 30\n")
	b.WriteString("requests sent one after another while nothing else runs.\n\n")
	return r.finish(&b)
}

// finish writes the machine, the seeding and the sections after b's
// introduction.
func (r *report) finish(b *strings.Builder) error {
	b.WriteString("## Machine\n\n" + strings.Join(r.machine, "\n") + "\n\n")
	if len(r.seeding) > 0 {
		b.WriteString("## Seeding\n\n" + strings.Join(r.seeding, "\n") + "\n\n")
	}
	for _, s := range r.sections {
		b.WriteString("## " + s.title + "\n\n" + strings.Join(s.lines, "\n") + "\n\n")
	}
	return os.WriteFile(*out, []byte(strings.TrimRight(b.String(), "\n")+"\n"), 0o644)
}
