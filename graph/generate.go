package graph

// gqlgen with the lean executor's plugin (internal/leangen).
//go:generate go run eilnet/internal/leangen/generate
