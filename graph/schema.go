package graph

import "github.com/99designs/gqlgen/graphql"

// NewSchema is the executable schema over r: the lean executor for the
// queries it serves, gqlgen's generated one for the rest, or gqlgen's for
// everything (gqlgenExecutor), to compare the two.
func NewSchema(r *Resolver, gqlgenExecutor bool) graphql.ExecutableSchema {
	es := NewExecutableSchema(Config{Resolvers: r, Directives: DirectiveRoot{Access: r.enforceAccess}})
	if gqlgenExecutor {
		return es
	}
	return leanSchema{es.(*executableSchema)}
}
