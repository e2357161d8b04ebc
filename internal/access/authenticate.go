package access

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/apperr"
)

// Authenticator tells who sent a request, from its Authorization header.
type Authenticator struct {
	db sqlx.QueryerContext
	// provinceOf answers the province of an office.
	provinceOf func(office string) string
	// Live keys are remembered for ttl, which spares most requests a
	// round trip to the database, and is how long a revocation may take
	// to reach a running server. Unknown keys are never remembered.
	ttl   time.Duration
	now   func() time.Time
	mu    sync.Mutex
	known map[string]knownKey
}

type knownKey struct {
	key     *Key
	expires time.Time
}

// NewAuthenticator reads keys from db, remembering live ones for ttl (0:
// not at all); now is the clock.
func NewAuthenticator(db sqlx.QueryerContext, provinceOf func(office string) string, ttl time.Duration, now func() time.Time) *Authenticator {
	return &Authenticator{db: db, provinceOf: provinceOf, ttl: ttl, now: now, known: map[string]knownKey{}}
}

// Caller is the caller of r: Anonymous without an Authorization header,
// the key's caller with a live key, and an UNAUTHENTICATED error for
// anything else (an unknown or revoked key is not taken for no key, so
// that a client notices).
func (a *Authenticator) Caller(ctx context.Context, r *http.Request) (Caller, error) {
	address, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		address = r.RemoteAddr
	}
	header := r.Header.Values("Authorization")
	if len(header) == 0 {
		return Caller{Role: Anonymous, Address: address}, nil
	}
	scheme, token, _ := strings.Cut(header[0], " ")
	if len(header) > 1 || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return Caller{}, apperr.Errorf(apperr.Unauthenticated, "send the API key as one header: Authorization: Bearer <key>")
	}
	key, err := a.key(ctx, strings.TrimSpace(token))
	if err != nil {
		return Caller{}, err
	}
	if key == nil {
		return Caller{}, apperr.Errorf(apperr.Unauthenticated, "the API key is unknown or has been revoked")
	}
	c := Caller{Role: key.Role, Name: key.Name, RegisteredOnly: key.RegisteredOnly, Address: address}
	if key.OfficeCode != nil {
		c.OfficeCode = *key.OfficeCode
		c.ProvinceCode = a.provinceOf(c.OfficeCode)
	}
	return c, nil
}

// key is the live key token names, or nil.
func (a *Authenticator) key(ctx context.Context, token string) (*Key, error) {
	if a.ttl <= 0 {
		return Authenticate(ctx, a.db, token)
	}
	now := a.now()
	a.mu.Lock()
	k, ok := a.known[token]
	a.mu.Unlock()
	if ok && now.Before(k.expires) {
		return k.key, nil
	}
	key, err := Authenticate(ctx, a.db, token)
	a.mu.Lock()
	defer a.mu.Unlock()
	// Forget expired keys, so that revoked ones do not linger.
	for t, k := range a.known {
		if !now.Before(k.expires) {
			delete(a.known, t)
		}
	}
	if key != nil {
		a.known[token] = knownKey{key: key, expires: now.Add(a.ttl)}
	}
	return key, err
}
