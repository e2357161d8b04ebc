package access

import (
	"context"
	"fmt"
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
	// to reach a running server.
	ttl   time.Duration
	now   func() time.Time
	mu    sync.Mutex
	known map[string]knownKey
	// refused remembers, by hash, keys found unknown or revoked, for ttl
	// too: a client retrying a bad key costs no lookup each time.
	refused map[string]time.Time
	// failures counts each address's refused keys in the current
	// minute: past MaxFailures it is refused without a lookup, so that
	// guessing keys is slow and costs the database nothing.
	failures map[string]*failureCount
	// vouched remembers, by hash, keys found live in the last
	// vouchedFor: they are looked up even from an address out of
	// failures, so that one client's bad keys do not lock out the good
	// keys of others behind the same address (a proxy, a NAT).
	vouched map[string]time.Time
}

type failureCount struct {
	n      int
	resets time.Time
}

// MaxFailures is how many requests with a bad key an address may send a
// minute before it gets RATE_LIMITED; maxRefused bounds how many refused
// keys are remembered.
const (
	MaxFailures   = 20
	failureWindow = time.Minute
	maxRefused    = 10000
	vouchedFor    = time.Hour
)

type knownKey struct {
	key     *Key
	expires time.Time
}

// NewAuthenticator reads keys from db, remembering live ones for ttl (0:
// not at all); now is the clock.
func NewAuthenticator(db sqlx.QueryerContext, provinceOf func(office string) string, ttl time.Duration, now func() time.Time) *Authenticator {
	return &Authenticator{db: db, provinceOf: provinceOf, ttl: ttl, now: now, known: map[string]knownKey{},
		refused: map[string]time.Time{}, failures: map[string]*failureCount{}, vouched: map[string]time.Time{}}
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
	key, err := a.key(ctx, strings.TrimSpace(token), address)
	if err != nil {
		return Caller{}, err
	}
	if key == nil {
		a.fail(address)
		return Caller{}, apperr.Errorf(apperr.Unauthenticated, "the API key is unknown or has been revoked")
	}
	c := Caller{Role: key.Role, Name: key.Name, RegisteredOnly: key.RegisteredOnly, Address: address}
	if key.OfficeCode != nil {
		c.OfficeCode = *key.OfficeCode
		c.ProvinceCode = a.provinceOf(c.OfficeCode)
	}
	return c, nil
}

// failing tells whether address may still try a key (ok), or in how
// many seconds it may again.
func (a *Authenticator) failing(address string) (retry int, ok bool) {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.failures[address]
	if f == nil || !now.Before(f.resets) || f.n < MaxFailures {
		return 0, true
	}
	return int(f.resets.Sub(now).Seconds()) + 1, false
}

// fail counts a refused key against address.
func (a *Authenticator) fail(address string) {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.failures) >= maxRefused {
		for addr, f := range a.failures {
			if !now.Before(f.resets) {
				delete(a.failures, addr)
			}
		}
	}
	f := a.failures[address]
	if f == nil && len(a.failures) >= maxRefused {
		// So many addresses failing at once: the map stays bounded, and
		// the remembered refusals still spare the database repeats.
		return
	}
	if f == nil || !now.Before(f.resets) {
		f = &failureCount{resets: now.Add(failureWindow)}
		a.failures[address] = f
	}
	f.n++
}

// key is the live key token names, or nil. A key remembered live is
// answered whatever address sends it; any other is looked up only while
// address has failures to spare, so that one client's bad keys do not
// lock out the good keys of others behind the same address.
func (a *Authenticator) key(ctx context.Context, token, address string) (*Key, error) {
	now := a.now()
	hash := string(hashKey(token))
	a.mu.Lock()
	k, ok := a.known[token]
	refusedUntil, refused := a.refused[hash]
	vouchedUntil, vouched := a.vouched[hash]
	a.mu.Unlock()
	if ok && now.Before(k.expires) {
		return k.key, nil
	}
	if refused && now.Before(refusedUntil) {
		return nil, nil
	}
	if retry, ok := a.failing(address); !ok && !(vouched && now.Before(vouchedUntil)) {
		return nil, &apperr.Error{Code: apperr.RateLimited, Details: map[string]any{"retryAfter": retry},
			Message: fmt.Sprintf("too many requests with unknown or revoked API keys from this address; try again in %d s", retry)}
	}
	key, err := Authenticate(ctx, a.db, token)
	a.mu.Lock()
	defer a.mu.Unlock()
	if key != nil {
		if len(a.vouched) >= maxRefused {
			for h, until := range a.vouched {
				if !now.Before(until) {
					delete(a.vouched, h)
				}
			}
		}
		if len(a.vouched) < maxRefused {
			a.vouched[hash] = now.Add(vouchedFor)
		}
	}
	if a.ttl <= 0 {
		return key, err
	}
	// Forget expired keys, so that revoked ones do not linger.
	for t, k := range a.known {
		if !now.Before(k.expires) {
			delete(a.known, t)
		}
	}
	switch {
	case key != nil:
		a.known[token] = knownKey{key: key, expires: now.Add(a.ttl)}
	case err == nil:
		if len(a.refused) >= maxRefused {
			for h, until := range a.refused {
				if !now.Before(until) {
					delete(a.refused, h)
				}
			}
		}
		if len(a.refused) < maxRefused {
			a.refused[hash] = now.Add(a.ttl)
		}
	}
	return key, err
}
