package graph

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Every field that gqlgen resolves through a resolver of ours, other than
// the roots, is a relation, and has a descriptor that both its resolver and
// the look-ahead use: a field without one would be read one parent at a
// time, after the loaders' timer, whatever the look-ahead announced.
func TestEveryRelationHasADescriptor(t *testing.T) {
	keys := func(m any) (names []string) {
		for _, k := range reflect.ValueOf(m).MapKeys() {
			names = append(names, k.String())
		}
		return names
	}
	described := map[string][]string{
		"Province":        keys(provinceRelations),
		"Office":          keys(officeRelations),
		"Member":          keys(memberRelations),
		"Factory":         keys(factoryRelations),
		"Complaint":       keys(complaintRelations),
		"Seminar":         keys(seminarRelations),
		"Award":           keys(awardRelations),
		"ComplaintBucket": keys(bucketRelations),
	}
	root := reflect.TypeFor[ResolverRoot]()
	for i := range root.NumMethod() {
		typ := root.Method(i)
		if typ.Name == "Query" || typ.Name == "Mutation" {
			continue
		}
		fields := typ.Type.Out(0)
		for j := range fields.NumMethod() {
			name := fields.Method(j).Name
			field := strings.ToLower(name[:1]) + name[1:]
			if !slices.Contains(described[typ.Name], field) {
				t.Errorf("%s.%s has a resolver but no relation descriptor (graph/relations.go)", typ.Name, field)
			}
		}
	}
}
