// Package graph is eilnet's GraphQL layer: gqlgen's generated executor and
// thin resolvers that turn arguments into loader keys or store calls.
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

// NewResolver wires the stores and the writes to db.
func NewResolver(db *sqlx.DB, catalog *refdata.Catalog) *Resolver {
	return &Resolver{
		Stores:   loader.NewStores(db, catalog),
		Searches: search.NewStore(db, catalog),
		Summary:  summary.NewStore(db),
		Catalog:  catalog,
		Writes:   mutation.New(db, catalog),
	}
}
