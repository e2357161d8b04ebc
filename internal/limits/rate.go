package limits

import (
	"sync"
	"time"
)

// Budgets gives each caller a budget of cost points per window (a fixed
// window: the budget is whole again when the window that began with the
// caller's first request ends). It lives in memory: each server counts for
// itself.
type Budgets struct {
	window time.Duration
	now    func() time.Time

	mu        sync.Mutex
	spent     map[string]*spending
	lastSweep time.Time
}

type spending struct {
	points int
	resets time.Time
}

// Usage is a caller's standing after a request, reported to it as
// extensions.cost.
type Usage struct {
	// Requested is the cost of the request (0 when it was refused before
	// its cost was known).
	Requested int
	// Remaining is what is left of the budget in this window.
	Remaining int
	// ResetAt is when the budget is whole again.
	ResetAt time.Time
}

// NewBudgets counts budgets over windows of the given length; now is the
// clock (time.Now outside tests).
func NewBudgets(window time.Duration, now func() time.Time) *Budgets {
	return &Budgets{window: window, now: now, spent: map[string]*spending{}}
}

// Spend takes cost points from caller's budget of limit points when they
// are left, and reports the caller's standing; ok is false (and nothing is
// taken) when they are not.
func (b *Budgets) Spend(caller string, limit, cost int) (u Usage, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.current(caller)
	if s.points+cost > limit {
		return Usage{Requested: cost, Remaining: max(limit-s.points, 0), ResetAt: s.resets}, false
	}
	s.points += cost
	return Usage{Requested: cost, Remaining: limit - s.points, ResetAt: s.resets}, true
}

// Charge takes cost points from caller's budget of limit points whatever
// is left (a request refused for its shape has cost the parsing), down
// to none, and reports the caller's standing.
func (b *Budgets) Charge(caller string, limit, cost int) Usage {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.current(caller)
	s.points = min(s.points+cost, limit)
	return Usage{Requested: cost, Remaining: limit - s.points, ResetAt: s.resets}
}

// Standing reports caller's standing without spending.
func (b *Budgets) Standing(caller string, limit int) Usage {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.current(caller)
	return Usage{Remaining: max(limit-s.points, 0), ResetAt: s.resets}
}

// current is caller's spending in the current window. Once a window, the
// spendings of callers whose windows have ended are forgotten, so that
// the map holds only recent callers.
func (b *Budgets) current(caller string) *spending {
	now := b.now()
	if now.Sub(b.lastSweep) > b.window {
		for k, s := range b.spent {
			if !now.Before(s.resets) {
				delete(b.spent, k)
			}
		}
		b.lastSweep = now
	}
	s := b.spent[caller]
	if s == nil || !now.Before(s.resets) {
		s = &spending{resets: now.Add(b.window)}
		b.spent[caller] = s
	}
	return s
}
