package access_test

import (
	"context"
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
