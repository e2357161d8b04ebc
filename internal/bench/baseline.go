package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/refdata"
)

// The mutation of the before/after comparison: filing a complaint, the
// write every citizen makes (a new row, its first event and the audit
// record in one transaction, the reference number from the year's
// counter). Each request files one more.
const fileQuery = `mutation($i: FileComplaintInput!) { fileComplaint(input: $i) {
  id referenceNo status filedAt province { code } handledBy { code } } }`

// buildBaseline builds the server of git revision rev into a temporary
// directory and answers the binary's path.
func buildBaseline(ctx context.Context, rev string) (string, error) {
	dir, err := os.MkdirTemp("", "eilnet-baseline-*")
	if err != nil {
		return "", err
	}
	archive := exec.CommandContext(ctx, "sh", "-c", `git archive --format=tar "$1" | tar -x -C "$2"`, "sh", rev, dir)
	if b, err := archive.CombinedOutput(); err != nil {
		return "", fmt.Errorf("git archive %s: %v\n%s", rev, err, b)
	}
	bin := filepath.Join(dir, "eilnet")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = dir
	if b, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %v\n%s", rev, err, b)
	}
	return bin, nil
}

// compareBaseline measures the server as built against the server of the
// --baseline revision, in interleaved rounds on a database of its own
// (the mutation adds rows): the contract's and the analytics' queries, then
// the mutation, so that the search, statistics and write paths are seen
// next to the read path.
func compareBaseline(ctx context.Context, rep *report, admin, db *sqlx.DB, catalog *refdata.Catalog, scale int) error {
	bin, err := buildBaseline(ctx, *baseline)
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(bin))
	database := fmt.Sprintf("eilnet_bench_%d_baseline", scale)
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+database+` WITH (FORCE)`); err != nil {
		return err
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+database); err != nil {
		return err
	}
	defer admin.ExecContext(context.WithoutCancel(ctx), `DROP DATABASE IF EXISTS `+database+` WITH (FORCE)`)
	if err := runEilnet(ctx, database, "seed", "--scale", fmt.Sprint(scale)); err != nil {
		return err
	}

	queries, err := benchQueries(ctx, db)
	if err != nil {
		return err
	}
	analytics, err := analyticsQueries(ctx, db, catalog)
	if err != nil {
		return err
	}
	queries = append(queries, analytics...)
	queries = append(queries, benchQuery{name: "fileComplaint (mutation)", query: fileQuery, vars: map[string]any{"i": map[string]any{
		"category": "ODOR", "description": "กลิ่นเหม็นจากโรงงานช่วงกลางคืน", "provinceCode": "40",
	}}})

	ours, err := start(ctx, database, 18107, strings.Fields(*extra)...)
	if err != nil {
		return err
	}
	defer ours.stop()
	before, err := startBinary(ctx, bin, database, 18108)
	if err != nil {
		return err
	}
	defer before.stop()

	now, then := "eilnet", "eilnet at "+*baseline
	lines := []string{
		"| query | server | c=1 req/s min / median / max | c=1 p50 ms | c=8 req/s min / median / max | c=8 p50 ms | server CPU ms / request, c=1 / c=8 |",
		"|---|---|---:|---:|---:|---:|---:|",
	}
	var ratios []string
	for _, q := range queries {
		if !selected(q.name) {
			continue
		}
		body, _ := json.Marshal(map[string]any{"query": q.query, "variables": q.vars})
		a, err := ours.answer(body)
		if err != nil {
			return fmt.Errorf("%s on eilnet: %w", q.name, err)
		}
		b, err := before.answer(body)
		if err != nil {
			return fmt.Errorf("%s on %s: %w", q.name, then, err)
		}
		// A mutation's answers differ (each files another complaint).
		if q.query != fileQuery && string(a) != string(b) {
			return fmt.Errorf("%s: %s answers otherwise than eilnet:\n%s\n%s", q.name, then, b, a)
		}
		contenders := []contender{serverContender(now, ours, body), serverContender(then, before, body)}
		samples, err := interleave(ctx, q.name, contenders)
		if err != nil {
			return err
		}
		for _, c := range contenders {
			s1, s8 := samples[c.name][1], samples[c.name][8]
			lines = append(lines, fmt.Sprintf("| %s | %s | %s | %.2f | %s | %.2f | %.2f / %.2f |", q.name, c.name,
				spread(s1), medianOf(s1, sampleP50), spread(s8), medianOf(s8, sampleP50),
				ms(medianOf(s1, sampleCPU)), ms(medianOf(s8, sampleCPU))))
		}
		e, b1 := samples[now], samples[then]
		ratios = append(ratios, fmt.Sprintf("- %s: req/s %.2fx at c=1, %.2fx at c=8; server CPU per request %.2fx at c=1, %.2fx at c=8",
			q.name, medianOf(e[1], sampleRPS)/medianOf(b1[1], sampleRPS), medianOf(e[8], sampleRPS)/medianOf(b1[8], sampleRPS),
			medianOf(e[1], sampleCPU)/medianOf(b1[1], sampleCPU), medianOf(e[8], sampleCPU)/medianOf(b1[8], sampleCPU)))
	}
	lines = append(lines, "", fmt.Sprintf("Medians of the rounds, eilnet as built / eilnet at %s:", *baseline), "")
	rep.add(fmt.Sprintf("Before and after: eilnet against its revision %s (scale %d, %d interleaved rounds of %s per load)", *baseline, scale, *rounds, *duration),
		append(lines, ratios...)...)
	return nil
}
