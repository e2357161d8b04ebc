package limits

import (
	"math"
	"sync"
	"time"
)

// Budgets gives each caller a bucket of cost points: it holds at most an
// Allowance's Burst and refills at its Rate per window, continuously. A
// fixed window would let a caller spend a whole minute's budget in its
// first second, and again in the first second of the next: bursts that
// stall everyone else on a small machine. It lives in memory: each server
// counts for itself.
type Budgets struct {
	window time.Duration
	now    func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

// Allowance is what a caller may spend: Rate points per window, at most
// Burst of them at once (a bucket starts full). A Burst of 0 or more than
// Rate is Rate.
type Allowance struct {
	Rate, Burst int
}

// Most is the most a caller may spend at once: what its full bucket
// holds.
func (a Allowance) Most() int {
	if a.Burst <= 0 || a.Burst > a.Rate {
		return a.Rate
	}
	return a.Burst
}

func (a Allowance) burst() float64 { return float64(a.Most()) }

type bucket struct {
	points float64
	at     time.Time
}

// Usage is a caller's standing after a request, reported to it as
// extensions.cost.
type Usage struct {
	// Requested is the cost of the request (0 when it was refused before
	// its cost was known).
	Requested int
	// Remaining is what the caller may spend now.
	Remaining int
	// ResetAt is when the bucket is full again.
	ResetAt time.Time
	// RetryAt, for a request refused, is when the bucket holds what it
	// asked for (or, for one refused before its cost was known, a point).
	RetryAt time.Time
}

// NewBudgets counts budgets whose rates are per window; now is the clock
// (time.Now outside tests).
func NewBudgets(window time.Duration, now func() time.Time) *Budgets {
	return &Budgets{window: window, now: now, buckets: map[string]*bucket{}}
}

// Spend takes cost points from caller's bucket when they are there, and
// reports the caller's standing; ok is false (and nothing is taken) when
// they are not.
func (b *Budgets) Spend(caller string, a Allowance, cost int) (u Usage, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	s := b.fill(caller, a, now)
	if s.points < float64(cost) {
		u := b.usage(s, a, now, cost)
		u.RetryAt = b.when(s, a, now, float64(cost))
		return u, false
	}
	s.points -= float64(cost)
	return b.usage(s, a, now, cost), true
}

// Charge takes cost points from caller's bucket whatever is there (a
// request refused for its shape has cost the parsing), down to none, and
// reports the caller's standing.
func (b *Budgets) Charge(caller string, a Allowance, cost int) Usage {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	s := b.fill(caller, a, now)
	s.points = max(s.points-float64(cost), 0)
	return b.usage(s, a, now, cost)
}

// Refund gives back points a request spent and then did not use (it
// never ran), up to what the bucket holds when full.
func (b *Budgets) Refund(caller string, a Allowance, points int) Usage {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	s := b.fill(caller, a, now)
	s.points = min(s.points+float64(points), a.burst())
	return b.usage(s, a, now, 0)
}

// Standing reports caller's standing without spending. When nothing is
// left, RetryAt is when a point is.
func (b *Budgets) Standing(caller string, a Allowance) Usage {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	s := b.fill(caller, a, now)
	u := b.usage(s, a, now, 0)
	if u.Remaining <= 0 {
		u.RetryAt = b.when(s, a, now, 1)
	}
	return u
}

func (b *Budgets) usage(s *bucket, a Allowance, now time.Time, cost int) Usage {
	return Usage{Requested: cost, Remaining: int(s.points), ResetAt: b.when(s, a, now, a.burst())}
}

// when is the time the bucket s holds points, at the allowance's rate.
func (b *Budgets) when(s *bucket, a Allowance, now time.Time, points float64) time.Time {
	if s.points >= points {
		return now
	}
	perPoint := float64(b.window) / float64(a.Rate)
	return now.Add(time.Duration(math.Ceil((points - s.points) * perPoint)))
}

// fill is caller's bucket refilled up to now. Once a window, the buckets
// that have been full for a window are forgotten (a new bucket starts
// full), so that the map holds only recent callers.
func (b *Budgets) fill(caller string, a Allowance, now time.Time) *bucket {
	if now.Sub(b.lastSweep) > b.window {
		for k, s := range b.buckets {
			if now.Sub(s.at) > b.window {
				delete(b.buckets, k)
			}
		}
		b.lastSweep = now
	}
	s := b.buckets[caller]
	if s == nil {
		s = &bucket{points: a.burst(), at: now}
		b.buckets[caller] = s
		return s
	}
	if elapsed := now.Sub(s.at); elapsed > 0 {
		s.points = min(s.points+float64(a.Rate)*float64(elapsed)/float64(b.window), a.burst())
		s.at = now
	}
	return s
}
