package config

import (
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"eilnet/internal/access"
	"eilnet/internal/limits"
)

// served completes c with the defaults of serve's limits.
func served(c Config) Config {
	c.StatementTimeout = 35 * time.Second
	c.PreparedStatements = 256
	c.Limits = limits.Defaults()
	c.MaxBodyBytes = 1 << 20
	c.Introspection = true
	c.KeyCacheTTL = 5 * time.Second
	c.DrainPeriod = 5 * time.Second
	c.LockTimeout = 5 * time.Second
	c.DBMaxConns, c.DBMaxIdleConns = 32, 32
	c.DBConnMaxIdleTime, c.DBConnMaxLifetime = 5*time.Minute, time.Hour
	c.ReadTimeout = 30 * time.Second
	c.CacheMaxAge = 10 * time.Second
	return c
}

func TestParse(t *testing.T) {
	tight := served(Config{Command: Serve, DatabaseURL: "sslmode=prefer", Addr: ":8080", Scale: 1, ConnectTimeout: 10 * time.Second, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second})
	tight.Limits.MaxCost[access.Anonymous] = 100
	tight.Limits.MaxCost[access.Admin] = 0
	tight.Limits.MaxDepth = 5
	tight.Introspection = false
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want Config
	}{
		{"defaults", nil, nil,
			served(Config{Command: Serve, DatabaseURL: "sslmode=prefer", Addr: ":8080", Scale: 1, ConnectTimeout: 10 * time.Second, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second})},
		{"PORT and a URL", []string{"serve", "--demo"}, map[string]string{"PORT": "9000", "DATABASE_URL": "postgres://u@h/db"},
			served(Config{Command: Serve, DatabaseURL: "postgres://u@h/db?sslmode=prefer", Addr: ":9000", Demo: true, Scale: 1, ConnectTimeout: 10 * time.Second, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second})},
		{"--port wins over PORT", []string{"--port", "0"}, map[string]string{"PORT": "9000", "DATABASE_URL": "postgres://u@h/db?x=1"},
			served(Config{Command: Serve, DatabaseURL: "postgres://u@h/db?x=1&sslmode=prefer", Addr: ":0", Scale: 1, ConnectTimeout: 10 * time.Second, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second})},
		{"sslmode chosen in the URL", []string{"migrate"}, map[string]string{"DATABASE_URL": "host=h sslmode=require"},
			Config{Command: Migrate, DatabaseURL: "host=h sslmode=require", Scale: 1, ConnectTimeout: 10 * time.Second}},
		{"sslmode chosen in PGSSLMODE", []string{"seed", "--scale", "10"}, map[string]string{"DATABASE_URL": "host=h", "PGSSLMODE": "disable"},
			Config{Command: Seed, DatabaseURL: "host=h", Scale: 10, ConnectTimeout: 10 * time.Second}},
		{"key=value DSN", []string{"migrate"}, map[string]string{"DATABASE_URL": "host=h dbname=x"},
			Config{Command: Migrate, DatabaseURL: "host=h dbname=x sslmode=prefer", Scale: 1, ConnectTimeout: 10 * time.Second}},
		{"limits", []string{"--max-cost", "anonymous=100,ADMIN=0", "--max-depth", "5", "--introspection=false"}, nil, tight},
		{"apikey create", []string{"apikey", "create", "--role", "officer", "--name", "khon-kaen", "--office", "PIO-40"}, nil,
			Config{Command: APIKey, DatabaseURL: "sslmode=prefer", Scale: 1, ConnectTimeout: 10 * time.Second, Action: "create",
				Key: access.NewKey{Name: "khon-kaen", Role: access.Officer, OfficeCode: "PIO-40"}}},
		{"apikey revoke", []string{"apikey", "revoke", "--name", "khon-kaen"}, nil,
			Config{Command: APIKey, DatabaseURL: "sslmode=prefer", Scale: 1, ConnectTimeout: 10 * time.Second, Action: "revoke", Key: access.NewKey{Name: "khon-kaen"}}},
		{"operations register", []string{"operations", "register", "a.graphql", "b.graphql"}, nil,
			Config{Command: Operations, DatabaseURL: "sslmode=prefer", Scale: 1, ConnectTimeout: 10 * time.Second, Files: []string{"a.graphql", "b.graphql"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.args, func(k string) string { return c.env[k] }, io.Discard)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("Parse = %+v, %v\nwant %+v", got, err, c.want)
			}
		})
	}
}

// Settings that cannot work are refused, saying why.
func TestParseRefuses(t *testing.T) {
	for _, args := range [][]string{
		{"--rate-burst", "ANONYMOUS=4999"},
		{"--rate-budget", "PARTNER=1000"},
		{"--refusal-delay", "-1s"},
		{"--anonymous-in-flight", "-1"},
		{"--db-max-conns", "0"},
	} {
		var out strings.Builder
		if _, err := Parse(args, func(string) string { return "" }, &out); err == nil || out.Len() == 0 {
			t.Errorf("%v: %v, said %q", args, err, out.String())
		}
	}
}
