package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/access"
	"eilnet/internal/limits"
)

// The costliest queries an anonymous caller may send under the default
// limits (each at most --max-cost's 5,000 points), and one it may not (a
// search of two letters, 15,000 points): what an outsider looping on the
// dearest work can make the database do.
var abuses = []struct{ query, about string }{
	{`{ complaintStats(groupBy: [REGION, CATEGORY]) { count } }`,
		"complaintStats by region and category (5,000 points, the limit)"},
	{`{ a: search(text: "ศิลา", first: 1) { score } b: search(text: "บางพลี", first: 1) { score }
	   c: search(text: "โรงงาน", first: 1) { score } d: search(text: "ขอนแก่น", first: 1) { score } }`,
		"four searches of 4-7 characters (4,004 points)"},
	{`{ a: networkSummary { members complaints } b: networkSummary(fiscalYear: 2567) { members complaints } }`,
		"two network summaries (4,002 points)"},
	{`{ search(text: "ศิ", first: 1) { score } }`,
		"a search of two letters (15,000 points: refused)"},
}

// abuseAddresses are the client addresses the abusers send from (the
// loopback network is 127.0.0.0/8 on Linux), each with its own anonymous
// budget.
var abuseAddresses = []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"}

// compareUnderAbuse measures a partner's normal query (its registration
// lookup) alone and then while the costliest anonymous queries allowed
// run in a loop from three addresses, four at a time each, on a server
// with the default limits.
func compareUnderAbuse(ctx context.Context, rep *report, db *sqlx.DB, database string, scale int) error {
	srv, err := start(ctx, database, 18109)
	if err != nil {
		return err
	}
	defer srv.stop()
	key, err := createKey(ctx, *eilnet, database, "PARTNER")
	if err != nil {
		return err
	}
	var reg string
	if err := db.GetContext(ctx, &reg, `SELECT registration_no FROM factories WHERE province_code = '40' ORDER BY id LIMIT 1`); err != nil {
		return err
	}
	normal, _ := json.Marshal(map[string]any{"query": contract("partner_factory_lookup"), "variables": map[string]any{"reg": reg}})
	partner := &process{base: srv.base, path: srv.path, key: key}
	if _, err := partner.answer(normal); err != nil {
		return fmt.Errorf("the partner's lookup: %w", err)
	}
	measureNormal := func() (measure, error) {
		var lat []float64
		for end := time.Now().Add(*duration); time.Now().Before(end); {
			start := time.Now()
			if _, err := partner.answer(normal); err != nil {
				return measure{}, fmt.Errorf("the partner's lookup under abuse: %w", err)
			}
			lat = append(lat, float64(time.Since(start).Microseconds())/1000)
		}
		return summarize(lat, *duration), nil
	}
	quiet, err := measureNormal()
	if err != nil {
		return err
	}

	type outcome struct {
		m        measure
		answered []string
	}
	underAbuse := func(honour bool) (outcome, error) {
		abuseCtx, stop := context.WithCancel(ctx)
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for _, addr := range abuseAddresses {
			client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
				DialContext:         (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}}).DialContext,
				MaxIdleConnsPerHost: 4,
			}}
			for w := range 4 {
				wg.Go(func() {
					for i := w; abuseCtx.Err() == nil; i++ {
						body, _ := json.Marshal(map[string]any{"query": abuses[i%len(abuses)].query})
						req, _ := http.NewRequestWithContext(abuseCtx, http.MethodPost, srv.base+srv.path, bytes.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						// As modern clients do: refusals then have their own
						// statuses, which the report counts.
						req.Header.Set("Accept", "application/graphql-response+json")
						resp, err := client.Do(req)
						if err != nil {
							continue
						}
						resp.Body.Close()
						mu.Lock()
						statuses[resp.StatusCode]++
						mu.Unlock()
						// A client that honours Retry-After: what the limits
						// allow. One that does not is a flood of refusals,
						// which no budget makes free (reported apart).
						if honour && resp.StatusCode == http.StatusTooManyRequests {
							secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
							select {
							case <-abuseCtx.Done():
							case <-time.After(time.Duration(secs) * time.Second):
							}
						}
					}
				})
			}
		}
		// The abusers start on their whole budgets: the measure begins with
		// them.
		under, err := measureNormal()
		stop()
		wg.Wait()
		if err != nil {
			return outcome{}, err
		}
		var answered []string
		for _, code := range slices.Sorted(maps.Keys(statuses)) {
			answered = append(answered, fmt.Sprintf("%d HTTP %d", statuses[code], code))
		}
		return outcome{under, answered}, nil
	}
	polite, err := underAbuse(true)
	if err != nil {
		return err
	}
	// The buckets the first abusers emptied are full again for the
	// second.
	d := limits.Defaults()
	time.Sleep(d.Window*time.Duration(d.Burst[access.Anonymous])/time.Duration(d.Budget[access.Anonymous]) + time.Second)
	flood, err := underAbuse(false)
	if err != nil {
		return err
	}
	rep.add(fmt.Sprintf("A partner's lookup while anonymous callers loop on the costliest queries (scale %d, %s per load)", scale, *duration),
		"| partner_factory_lookup, one request at a time | req/s | p50 ms | p99 ms |",
		"|---|---:|---:|---:|",
		fmt.Sprintf("| alone | %.1f | %.2f | %.2f |", quiet.rps, quiet.p50, quiet.p99),
		fmt.Sprintf("| 3 anonymous addresses × 4 looping, honouring Retry-After | %.1f | %.2f | %.2f |", polite.m.rps, polite.m.p50, polite.m.p99),
		fmt.Sprintf("| 3 anonymous addresses × 4 looping, ignoring Retry-After | %.1f | %.2f | %.2f |", flood.m.rps, flood.m.p50, flood.m.p99),
		"",
		fmt.Sprintf("p99 is %.2fx the quiet p99 with abusers that honour Retry-After (answered %s) and %.2fx with abusers that ignore it (answered %s). "+
			"The abusers (default limits: %d points a request; per address a bucket of %d refilling at %d a minute; "+
			"anonymous operations of every address together %d points at once; refusals held %s) sent, in turn: %s. "+
			"The load generator runs on the server's machine, so a flood of refusals also takes the server's CPU from it.",
			polite.m.p99/quiet.p99, strings.Join(polite.answered, ", "), flood.m.p99/quiet.p99, strings.Join(flood.answered, ", "),
			d.MaxCost[access.Anonymous], d.Burst[access.Anonymous], d.Budget[access.Anonymous], d.AnonymousInFlight, d.RefusalDelay,
			strings.Join(abuseAbouts(), "; ")))
	return nil
}

// runAbuse measures only the partner's lookup under abuse, at scale, for
// make bench-abuse.
func runAbuse(ctx context.Context, rep *report, admin *sqlx.DB, scale int) error {
	rep.intro = "# Under abuse\n\n" +
		"Produced by `make bench-abuse` (`go run ./internal/bench --abuse-only`; `make bench` measures the same in its run):\n" +
		"a partner's registration lookup, one request at a time for " + duration.String() + ", first alone, then while anonymous\n" +
		"callers from three addresses, four connections each, loop on the costliest queries the default limits allow, once\n" +
		"honouring Retry-After and once ignoring it. The load generator runs on the server's machine.\n\n"
	name, db, err := openSeeded(ctx, rep, admin, scale)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := compareUnderAbuse(ctx, rep, db, name, scale); err != nil {
		return err
	}
	return rep.write()
}

// abuseAbouts describes the abusers' queries for the report.
func abuseAbouts() []string {
	about := make([]string, len(abuses))
	for i, a := range abuses {
		about[i] = a.about
	}
	return about
}
