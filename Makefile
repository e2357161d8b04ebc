# eilnet's tasks. `make run` serves the demo network on :8080; `make test`
# runs every check and test. Both set up PostgreSQL themselves (see
# scripts/postgres).
SHELL := /bin/bash
GO ?= go

.PHONY: build run test check generate bench bench-abuse playground

build:
	$(GO) build -o bin/eilnet .

# Serves the API with the scale-1 demo network (seeded on first run).
run: build
	DATABASE_URL="$$(scripts/postgres eilnet)?sslmode=disable" ./bin/eilnet serve --demo

# Formatting, vet, generated code in step with the schema, then every test
# with the race detector against a real PostgreSQL, then the fuzz targets.
# The fuzz targets (request decoding, cursors) run for a fixed number of
# inputs, about ten seconds each: a -fuzztime given as a duration can fail
# with a bare "context deadline exceeded" when it expires (a race in Go
# 1.26's fuzzing coordinator, golang/go#75804, fixed in Go 1.27), a count
# has no deadline to race.
test: check
	EILNET_TEST_POSTGRES="$$(scripts/postgres)" $(GO) test -race -count=1 ./...
	EILNET_TEST_POSTGRES="$$(scripts/postgres)" $(GO) test -run '^$$' -fuzz '^FuzzRequest$$' -fuzztime 15000x -fuzzminimizetime 200x ./graph
	$(GO) test -run '^$$' -fuzz '^FuzzCursor$$' -fuzztime 250000x -fuzzminimizetime 2000x ./internal/page

check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	GO=$(GO) scripts/check-generated

generate:
	$(GO) generate ./...

# Loads demo databases of scale 1 and 10 and measures eilnet against itself with gqlgen's executor, its
# N+1 baseline, PostGraphile (installed with npm), the raw-SQL minimum and
# the server of revision BASELINE (built from git); writes
# docs/benchmarks.md. Takes about fifty minutes.
# BASELINE is the last revision before the lean read path.
BASELINE ?= 6e597d7
bench: build
	GOBIN=$(CURDIR)/bin $(GO) install github.com/rakyll/hey@v0.1.5
	EILNET_POSTGRES="$$(scripts/postgres)" $(GO) run ./internal/bench --baseline $(BASELINE)

# A partner's lookup alone and while anonymous callers from three addresses
# loop on the costliest queries the limits allow (scale 10); writes
# docs/abuse.md. Takes about four minutes (seeding scale 10 included).
bench-abuse: build
	EILNET_POSTGRES="$$(scripts/postgres)" $(GO) run ./internal/bench --abuse-only --scales 10 --duration 10s --out docs/abuse.md

# Rebuilds the GraphiQL page (web/playground: GraphiQL 5, its explorer
# plugin, Monaco's workers) into internal/playground/dist, which is committed
# and embedded in the binary. Same sources, same bytes; the playground's
# tests fail when dist/ is out of step with web/playground.
playground:
	cd web/playground && npm ci --ignore-scripts --no-audit --no-fund && node build.mjs
