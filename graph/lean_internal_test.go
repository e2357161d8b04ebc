package graph

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// The lean executor serves every query of the contract, and leaves
// introspection and deferred parts to gqlgen's executor. (That both give
// the same answers, every test's queries check: gqltest asks both.)
func TestLeanServes(t *testing.T) {
	files, err := filepath.Glob("testdata/contract/queries/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("contract queries: %v %v", files, err)
	}
	serves := func(query string) bool {
		t.Helper()
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil {
			t.Fatal(err)
		}
		return leanServes(doc, doc.Operations[0].SelectionSet)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !serves(string(b)) {
			t.Errorf("%s: not served by the lean executor", filepath.Base(f))
		}
	}
	for _, q := range []string{
		`{ __schema { types { name } } }`,
		`{ provinces { code } __type(name: "Province") { name } }`,
		`{ provinces { code ... @defer { office { code } } } }`,
		`{ provinces { ...P } } fragment P on Province { office { ... @defer(label: "o") { code } } }`,
	} {
		if serves(q) {
			t.Errorf("%s: served by the lean executor", q)
		}
	}
}
