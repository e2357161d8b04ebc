package graph_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"eilnet/graph"
)

// contractParts are the parts of the public contract (copied from
// ../shared/contract) that the schema implements so far.
var contractParts = []string{"contract.graphqls", "analytics.graphqls", "mutations.graphqls", "access.graphqls"}

// Every type, field, argument, enum value, interface and union member of
// the contract exists in the schema with the same type and nullability.
func TestSchemaImplementsContract(t *testing.T) {
	ours := graph.NewExecutableSchema(graph.Config{}).Schema()
	var sources []*ast.Source
	for _, part := range contractParts {
		b, err := os.ReadFile(filepath.Join("testdata", "contract", part))
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: part, Input: string(b)})
	}
	contract, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatalf("contract does not parse: %v", err)
	}
	for name, want := range contract.Types {
		if want.BuiltIn {
			continue
		}
		got := ours.Types[name]
		if got == nil {
			t.Errorf("type %s is missing", name)
			continue
		}
		if got.Kind != want.Kind {
			t.Errorf("%s is a %s, the contract says %s", name, got.Kind, want.Kind)
		}
		for _, wf := range want.Fields {
			gf := got.Fields.ForName(wf.Name)
			if gf == nil {
				t.Errorf("%s.%s is missing", name, wf.Name)
				continue
			}
			if gf.Type.String() != wf.Type.String() {
				t.Errorf("%s.%s is %s, the contract says %s", name, wf.Name, gf.Type, wf.Type)
			}
			for _, wa := range wf.Arguments {
				ga := gf.Arguments.ForName(wa.Name)
				if ga == nil {
					t.Errorf("%s.%s(%s) is missing", name, wf.Name, wa.Name)
				} else if ga.Type.String() != wa.Type.String() {
					t.Errorf("%s.%s(%s) is %s, the contract says %s", name, wf.Name, wa.Name, ga.Type, wa.Type)
				}
			}
			for _, ga := range gf.Arguments {
				if wf.Arguments.ForName(ga.Name) == nil && ga.Type.NonNull && ga.DefaultValue == nil {
					t.Errorf("%s.%s(%s) is required, but the contract does not have it", name, wf.Name, ga.Name)
				}
			}
		}
		for _, wv := range want.EnumValues {
			if got.EnumValues.ForName(wv.Name) == nil {
				t.Errorf("enum value %s.%s is missing", name, wv.Name)
			}
		}
		for _, iface := range want.Interfaces {
			found := false
			for _, g := range got.Interfaces {
				found = found || g == iface
			}
			if !found {
				t.Errorf("%s does not implement %s", name, iface)
			}
		}
		for _, member := range want.Types {
			found := false
			for _, g := range got.Types {
				found = found || g == member
			}
			if !found {
				t.Errorf("union %s lacks %s", name, member)
			}
		}
	}
}

// Every type and field of the schema is described for the API's readers.
func TestSchemaIsDescribed(t *testing.T) {
	for name, typ := range graph.NewExecutableSchema(graph.Config{}).Schema().Types {
		if typ.BuiltIn || name == "Query" || name == "Mutation" {
			continue
		}
		if typ.Description == "" {
			t.Errorf("type %s has no description", name)
		}
	}
}
