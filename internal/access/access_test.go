package access_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/dbtest"
)

// TestAuthenticatorRemembersLiveKeys checks the cache of live keys: a
// revocation takes effect once the key's entry expires, and unknown keys
// are looked up every time (a key created later works at once).
func TestAuthenticatorRemembersLiveKeys(t *testing.T) {
	db := dbtest.Seeded(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	auth := access.NewAuthenticator(db, func(office string) string { return map[string]string{"PIO-40": "40"}[office] },
		5*time.Second, func() time.Time { return now })
	caller := func(key string) (access.Caller, error) {
		r := httptest.NewRequest("POST", "/query", nil)
		r.RemoteAddr = "192.0.2.7:4711"
		if key != "" {
			r.Header.Set("Authorization", "Bearer "+key)
		}
		return auth.Caller(ctx, r)
	}
	if c, err := caller(""); err != nil || c.Role != access.Anonymous || c.Address != "192.0.2.7" {
		t.Errorf("no key: %+v %v", c, err)
	}
	key, err := access.CreateKey(ctx, db, access.NewKey{Name: "khon-kaen", Role: access.Officer, OfficeCode: "PIO-40"})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := caller(key); err != nil || c.Role != access.Officer || c.Name != "khon-kaen" || c.OfficeCode != "PIO-40" || c.ProvinceCode != "40" {
		t.Fatalf("live key: %+v %v", c, err)
	}
	if err := access.RevokeKey(ctx, db, "khon-kaen"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(4 * time.Second)
	if c, err := caller(key); err != nil || c.Role != access.Officer {
		t.Errorf("a revoked key within the cache's time: %+v %v", c, err)
	}
	now = now.Add(2 * time.Second)
	if _, err := caller(key); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Errorf("a revoked key after the cache's time: %v", err)
	}
	if _, err := caller("eil_unknown"); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Errorf("an unknown key: %v", err)
	}
}

// TestAllowsNothingToAnOfficeWithoutProvince checks that an officer whose
// office the server does not know reaches nothing, not everything unknown.
func TestAllowsNothingToAnOfficeWithoutProvince(t *testing.T) {
	stale := access.Caller{Role: access.Officer, Name: "new-office", OfficeCode: "PIO-99"}
	if stale.Reaches(access.OwnProvince, access.Where{}) {
		t.Error("an officer without province reached an object without province")
	}
	known := access.Caller{Role: access.Officer, OfficeCode: "PIO-40", ProvinceCode: "40"}
	if !known.Reaches(access.OwnProvince, access.Where{ProvinceCode: "40"}) ||
		known.Reaches(access.OwnProvince, access.Where{ProvinceCode: "10"}) ||
		!known.Reaches(access.OwnOffice, access.Where{OfficeCode: "PIO-40"}) ||
		known.Reaches(access.OwnOffice, access.Where{}) {
		t.Error("an officer's scope is wrong")
	}
}

// Bad keys cost the database little: a refused key is remembered (by its
// hash) for the cache's time, and an address that sent MaxFailures bad
// keys in a minute is refused without a lookup until the minute ends.
func TestAuthenticatorBoundsBadKeys(t *testing.T) {
	db := dbtest.Seeded(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	auth := access.NewAuthenticator(db, func(string) string { return "" }, 5*time.Second, func() time.Time { return now })
	caller := func(key, address string) error {
		r := httptest.NewRequest("POST", "/query", nil)
		r.RemoteAddr = address + ":4711"
		r.Header.Set("Authorization", "Bearer "+key)
		// With api_keys locked below, a lookup would wait out this
		// deadline and fail with it.
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		_, err := auth.Caller(ctx, r)
		return err
	}
	if err := caller("eil_bad", "192.0.2.7"); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("an unknown key: %v", err)
	}
	release := db.Lock(t, "api_keys")
	for i := 2; i <= access.MaxFailures; i++ {
		if err := caller("eil_bad", "192.0.2.7"); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Fatalf("the unknown key again (%d), without a lookup: %v", i, err)
		}
	}
	err := caller("eil_other", "192.0.2.7")
	e, ok := errors.AsType[*apperr.Error](err)
	if !ok || e.Code != apperr.RateLimited || e.Details["retryAfter"] != 61 {
		t.Errorf("a bad key past the address's budget: %v", err)
	}
	release()
	now = now.Add(61 * time.Second)
	if err := caller("eil_other", "192.0.2.7"); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Errorf("a bad key in the next minute: %v", err)
	}
}

// An address out of failures still gets its good keys through: one
// client's bad keys do not lock out the others behind the same proxy.
func TestBadKeysDoNotLockOutGoodOnes(t *testing.T) {
	db := dbtest.Seeded(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	auth := access.NewAuthenticator(db, func(string) string { return "" }, 5*time.Second, func() time.Time { return now })
	key, err := access.CreateKey(context.Background(), db, access.NewKey{Name: "behind-proxy", Role: access.Partner})
	if err != nil {
		t.Fatal(err)
	}
	caller := func(k string) error {
		r := httptest.NewRequest("POST", "/query", nil)
		r.RemoteAddr = "192.0.2.9:4711"
		r.Header.Set("Authorization", "Bearer "+k)
		_, err := auth.Caller(context.Background(), r)
		return err
	}
	if err := caller(key); err != nil {
		t.Fatalf("the good key: %v", err)
	}
	for i := range access.MaxFailures {
		caller(fmt.Sprintf("eil_bad_%d", i))
	}
	if err := caller("eil_bad_more"); apperr.CodeOf(err) != apperr.RateLimited {
		t.Fatalf("a bad key past the budget: %v", err)
	}
	now = now.Add(10 * time.Second) // the good key's cache entry expired
	if err := caller(key); err != nil {
		t.Errorf("the good key from the same address: %v", err)
	}
}
