package seed

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// rng is the generator's only source of randomness: a PCG with a fixed
// seed, drawn from in a fixed order, so that the same reference data and
// scale always give the same network.
type rng struct {
	*rand.Rand
}

func newRNG() rng { return rng{rand.New(rand.NewPCG(2551, 11500))} }

func (r rng) chance(p float64) bool { return r.Float64() < p }

// between is a uniform integer in [lo, hi].
func (r rng) between(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// expDays is an exponentially distributed duration with the given mean.
func (r rng) expDays(mean float64) time.Duration {
	return time.Duration(r.ExpFloat64() * mean * float64(24*time.Hour))
}

func pickOne[T any](r rng, xs []T) T { return xs[r.IntN(len(xs))] }

// cumulative is a table of running weight totals for weighted picks in
// logarithmic time.
type cumulative []float64

func newCumulative(weights []float64) cumulative {
	c := make(cumulative, len(weights))
	sum := 0.0
	for i, w := range weights {
		sum += w
		c[i] = sum
	}
	return c
}

// pick returns an index with probability proportional to its weight.
func (c cumulative) pick(r rng) int {
	u := r.Float64() * c[len(c)-1]
	i := sort.SearchFloat64s(c, u)
	if i == len(c) {
		i--
	}
	return i
}

// allocate splits total into parts proportional to weights (largest
// remainder method), so that the parts add up to exactly total.
func allocate(total int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	parts := make([]int, len(weights))
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, len(weights))
	given := 0
	for i, w := range weights {
		exact := float64(total) * w / sum
		parts[i] = int(math.Floor(exact))
		given += parts[i]
		rems[i] = rem{i, exact - float64(parts[i])}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].f > rems[b].f })
	for k := 0; given < total; k++ {
		parts[rems[k].i]++
		given++
	}
	return parts
}

// sample picks up to k distinct elements of pool.
func sample[T any](r rng, pool []T, k int) []T {
	if k >= len(pool) {
		return append([]T(nil), pool...)
	}
	if k*4 < len(pool) {
		seen := make(map[int]bool, k)
		out := make([]T, 0, k)
		for len(out) < k {
			i := r.IntN(len(pool))
			if !seen[i] {
				seen[i] = true
				out = append(out, pool[i])
			}
		}
		return out
	}
	idx := r.Perm(len(pool))[:k]
	sort.Ints(idx)
	out := make([]T, k)
	for j, i := range idx {
		out[j] = pool[i]
	}
	return out
}
