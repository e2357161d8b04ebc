package limits

import (
	"context"
	"runtime"
	"time"

	"eilnet/internal/access"
)

// Config is every limit a request must keep. Zero means no limit.
type Config struct {
	Shape
	// MaxTokens bounds the tokens of a query document, counted while it is
	// parsed.
	MaxTokens int
	// MaxCost is the largest static cost of one request, by role.
	MaxCost map[access.Role]int
	// Budget is the cost points a caller may spend per Window, by role:
	// per key, and per client address for ANONYMOUS callers.
	Budget map[access.Role]int
	Window time.Duration
	// Burst is the most of its Budget a caller may spend at once, by
	// role: the budget refills continuously, so a caller that has spent
	// its burst waits for what it asks next (absent or 0: the whole
	// Budget).
	Burst map[access.Role]int
	// MaxWrites is the most mutation fields one request may hold.
	MaxWrites int
	// WriteBudget is the mutation fields a caller may run per Window, by
	// role, apart from Budget: writes are dearer than their cost points
	// say (a row, its audit record, an index entry or more, kept for
	// good).
	WriteBudget map[access.Role]int
	// RefusalDelay holds the answer to a request refused before it ran
	// (a bad key, a spent budget, a query too large, invalid or
	// malformed): a client looping on refusals gets one answer per
	// connection per delay, so that refusals cost the server almost
	// nothing however fast they are sent.
	RefusalDelay time.Duration
	// AnonymousInFlight bounds the cost points of the operations of
	// ANONYMOUS callers, from every address together, that run at once
	// (one costing more takes it all); the others wait their turn within
	// their deadline. Keyed callers (partners, officers) keep the rest
	// of the machine however many anonymous callers come. 0: no limit.
	AnonymousInFlight int
}

// Pause holds a refused request's answer for d, or until ctx ends.
func Pause(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Allowance is what a caller of role may spend per Window (Rate 0: no
// limit).
func (c Config) Allowance(role access.Role) Allowance {
	return Allowance{Rate: c.Budget[role], Burst: c.Burst[role]}
}

// WriteAllowance is the mutation fields a caller of role may run per
// Window (Rate 0: no limit), all of them at once if it likes.
func (c Config) WriteAllowance(role access.Role) Allowance {
	return Allowance{Rate: c.WriteBudget[role]}
}

// Defaults are the limits the server applies unless told otherwise. The
// contract's dashboard query costs 2,156 points; the introspection query
// of the playground nests 13 levels deep but is not counted (the
// validator bounds introspection itself).
func Defaults() Config {
	c := Config{
		Shape: Shape{
			MaxDepth:      12,
			MaxAliases:    50,
			MaxRootFields: 20,
			MaxDirectives: 50,
			MaxFields:     2000,
		},
		MaxTokens: 10000,
		MaxCost: map[access.Role]int{
			access.Anonymous: 5000,
			access.Partner:   20000,
			access.Officer:   20000,
			access.Admin:     50000,
		},
		Budget: map[access.Role]int{
			access.Anonymous: 50000,
			access.Partner:   500000,
			access.Officer:   500000,
			access.Admin:     2000000,
		},
		Burst: map[access.Role]int{
			access.Anonymous: 10000,
			access.Partner:   100000,
			access.Officer:   100000,
			access.Admin:     400000,
		},
		Window:       time.Minute,
		MaxWrites:    10,
		RefusalDelay: 500 * time.Millisecond,
		WriteBudget: map[access.Role]int{
			access.Anonymous: 20,
			access.Partner:   200,
			access.Officer:   1000,
		},
	}
	// The dearest anonymous request for every other processor: on two,
	// one such at a time, or many cheap ones.
	c.AnonymousInFlight = c.MaxCost[access.Anonymous] * max(1, runtime.GOMAXPROCS(0)/2)
	return c
}
