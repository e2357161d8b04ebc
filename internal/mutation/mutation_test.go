package mutation

import (
	"context"
	"testing"
	"time"

	"eilnet/internal/access"
	"eilnet/internal/dbtest"
	"eilnet/internal/idempotency"
	"eilnet/internal/member"
	"eilnet/internal/refdata"
	"eilnet/internal/validate"
)

// TestRetryAfterMidnight checks that a registration retried with the same
// Idempotency-Key after midnight is the same request: the day it defaults
// to is not part of what the client sent.
func TestRetryAfterMidnight(t *testing.T) {
	db := dbtest.Seeded(t)
	catalog, err := refdata.Load(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s := New(db.DB, catalog)
	ctx := idempotency.WithKey(access.WithCaller(context.Background(), access.Caller{Role: access.Admin, Name: "test"}), "retry-1")
	register := func(at time.Time) (int64, error) {
		s.now = func() time.Time { return at }
		return s.RegisterMember(ctx, "registerMember", member.Registration{FullName: "ลองใหม่ ข้ามคืน", Sector: member.Citizen, OfficeCode: "PIO-40"})
	}
	evening := time.Date(2026, 11, 22, 23, 59, 0, 0, validate.ThaiTime)
	first, err := register(evening)
	if err != nil {
		t.Fatal(err)
	}
	again, err := register(evening.Add(2 * time.Minute))
	if err != nil || again != first {
		t.Fatalf("retry after midnight: %d, %v; first %d", again, err, first)
	}
	var joined time.Time
	if err := db.Get(&joined, `SELECT joined_on FROM members WHERE id = $1`, first); err != nil || joined.Format(time.DateOnly) != "2026-11-22" {
		t.Errorf("joined on %v (%v), want the day of the first attempt", joined, err)
	}
}
