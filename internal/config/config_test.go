package config

import (
	"io"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want Config
	}{
		{"defaults", nil, nil,
			Config{Command: Serve, DatabaseURL: "sslmode=prefer", Addr: ":8080", Scale: 1, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second}},
		{"PORT and a URL", []string{"serve", "--demo"}, map[string]string{"PORT": "9000", "DATABASE_URL": "postgres://u@h/db"},
			Config{Command: Serve, DatabaseURL: "postgres://u@h/db?sslmode=prefer", Addr: ":9000", Demo: true, Scale: 1, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second}},
		{"--port wins over PORT", []string{"--port", "0"}, map[string]string{"PORT": "9000", "DATABASE_URL": "postgres://u@h/db?x=1"},
			Config{Command: Serve, DatabaseURL: "postgres://u@h/db?x=1&sslmode=prefer", Addr: ":0", Scale: 1, ShutdownTimeout: 30 * time.Second, BatchWait: time.Millisecond, RequestTimeout: 30 * time.Second}},
		{"sslmode chosen in the URL", []string{"migrate"}, map[string]string{"DATABASE_URL": "host=h sslmode=require"},
			Config{Command: Migrate, DatabaseURL: "host=h sslmode=require", Scale: 1}},
		{"sslmode chosen in PGSSLMODE", []string{"seed", "--scale", "10"}, map[string]string{"DATABASE_URL": "host=h", "PGSSLMODE": "disable"},
			Config{Command: Seed, DatabaseURL: "host=h", Scale: 10}},
		{"key=value DSN", []string{"migrate"}, map[string]string{"DATABASE_URL": "host=h dbname=x"},
			Config{Command: Migrate, DatabaseURL: "host=h dbname=x sslmode=prefer", Scale: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.args, func(k string) string { return c.env[k] }, io.Discard)
			if err != nil || got != c.want {
				t.Errorf("Parse = %+v, %v\nwant %+v", got, err, c.want)
			}
		})
	}
}
