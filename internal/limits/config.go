package limits

import (
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
	// MaxWrites is the most mutation fields one request may hold.
	MaxWrites int
	// WriteBudget is the mutation fields a caller may run per Window, by
	// role, apart from Budget: writes are dearer than their cost points
	// say (a row, its audit record, an index entry or more, kept for
	// good).
	WriteBudget map[access.Role]int
}

// Defaults are the limits the server applies unless told otherwise. The
// contract's dashboard query costs 2,156 points; the introspection query
// of the playground nests 13 levels deep but is not counted (the
// validator bounds introspection itself).
func Defaults() Config {
	return Config{
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
		Window:    time.Minute,
		MaxWrites: 10,
		WriteBudget: map[access.Role]int{
			access.Anonymous: 20,
			access.Partner:   200,
			access.Officer:   1000,
		},
	}
}
