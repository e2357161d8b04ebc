// Package graph is eilnet's GraphQL layer: the executors (gqlgen's
// generated one, and the lean one for queries) and thin resolvers that
// turn arguments into loader keys or store calls.
package graph

import (
	"github.com/jmoiron/sqlx"

	"eilnet/internal/loader"
	"eilnet/internal/mutation"
	"eilnet/internal/refdata"
	"eilnet/internal/search"
	"eilnet/internal/summary"
)

// Resolver is the root resolver and the only dependency container of the
// GraphQL layer. Field resolvers read through the request's loaders; root
// resolvers may call the stores directly.
type Resolver struct {
	Stores   *loader.Stores
	Searches *search.Store
	Summary  *summary.Store
	Catalog  *refdata.Catalog
	Writes   *mutation.Service
}

// NewResolver wires the stores of rows to reads (db itself, or db with
// prepared statements: postgres.Prepared), and search, the summary and the
// writes to db: their statements are planned for their values each time
// (a search's pattern, the summary's optional filters).
func NewResolver(db *sqlx.DB, reads sqlx.ExtContext, catalog *refdata.Catalog) *Resolver {
	return &Resolver{
		Stores:   loader.NewStores(reads, catalog),
		Searches: search.NewStore(db, catalog),
		Summary:  summary.NewStore(db),
		Catalog:  catalog,
		Writes:   mutation.New(db, catalog),
	}
}
