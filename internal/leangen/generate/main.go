// Command generate runs gqlgen as `gqlgen generate` does, with the lean
// executor's plugin added: `go generate ./...` runs it (graph/generate.go).
package main

import (
	"fmt"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"

	"eilnet/internal/leangen"
)

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		fmt.Fprintln(os.Stderr, "failed to load config:", err)
		os.Exit(2)
	}
	if err := api.Generate(cfg, api.AddPlugin(leangen.New("graph/lean.generated.go"))); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
}
