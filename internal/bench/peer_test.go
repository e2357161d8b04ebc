package main

import (
	"strings"
	"testing"
)

func TestSameAnswer(t *testing.T) {
	eilnet := `{"provinces":[{"code":"40","office":{"code":"PIO-40"},"factories":{"totalCount":2,"nodes":[{"id":"RmFjdG9yeTox","filedAt":"2025-09-30T10:38:24Z"}]}}]}`
	for _, c := range []struct {
		peer, err string
	}{
		// A list as a connection's nodes, another engine's IDs, a time
		// written with its offset: the same answer.
		{`{"provinces":{"nodes":[{"code":"40","office":{"code":"PIO-40"},"factories":{"totalCount":2,"nodes":[{"id":"WyJmIiwxXQ==","filedAt":"2025-09-30T17:38:24.000000+07:00"}]}}]}}`, ""},
		{`{"provinces":{"nodes":[{"code":"40","office":{"code":"PIO-41"},"factories":{"totalCount":2,"nodes":[{"filedAt":"2025-09-30T10:38:24Z"}]}}]}}`, `value 2 of 4 differs: eilnet code="PIO-40", PostGraphile code="PIO-41"`},
		{`{"provinces":{"nodes":[{"code":"40","office":{"code":"PIO-40"},"factories":{"totalCount":2,"nodes":[]}}]}}`, "eilnet answered 4 values, PostGraphile 3"},
		{`{"provinces":{"nodes":[{"code":"40","office":{"code":"PIO-40"},"factories":{"count":2,"nodes":[{"filedAt":"2025-09-30T10:38:24Z"}]}}]}}`, `eilnet totalCount=2, PostGraphile count=2`},
	} {
		err := sameAnswer([]byte(eilnet), []byte(c.peer))
		if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("sameAnswer(%s) = %v, want %q", c.peer, err, c.err)
		}
	}
}
