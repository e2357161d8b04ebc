// Package graph is eilnet's GraphQL layer: gqlgen's generated executor and
// thin resolvers that turn arguments into loader keys or store calls.
package graph

import (
	"eilnet/internal/loader"
	"eilnet/internal/refdata"
)

// Resolver is the root resolver and the only dependency container of the
// GraphQL layer. Field resolvers read through the request's loaders; root
// resolvers may call the stores directly.
type Resolver struct {
	Stores  *loader.Stores
	Catalog *refdata.Catalog
}
