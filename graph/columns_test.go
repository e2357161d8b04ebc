package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/gqltest"
)

// A page reads only the columns of the fields selected on its rows
// (postgres.Column.For): every field of every row type, selected alone
// (through a fragment, as clients select them), answers what it answers
// when every field is selected. A column a field needs but does not name
// would answer a zero value or null here.
func TestPagesReadTheColumnsOfTheirFields(t *testing.T) {
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{})
	// The demo network records no time of occurrence: one complaint that
	// has one, the latest, is among the rows compared.
	filed := s.Query(t, `mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id } }`, map[string]any{"i": map[string]any{
		"category": "ODOR", "description": "กลิ่นเหม็นจากปล่องควัน", "provinceCode": "40", "occurredAt": "2026-11-30T21:00:00+07:00",
	}})
	if len(filed.Errors) > 0 {
		t.Fatalf("file a complaint: %+v", filed.Errors)
	}
	for _, c := range []struct{ root, typ string }{
		{"members", "Member"}, {"factories", "Factory"}, {"complaints", "Complaint"}, {"seminars", "Seminar"},
	} {
		t.Run(c.typ, func(t *testing.T) {
			fields := rowFields(t, s, c.typ)
			var all string
			for _, f := range fields {
				all += " " + f.selection
			}
			every := pageRows(t, s, fmt.Sprintf(`{ %s(first: 100) { nodes { id%s } } }`, c.root, all))
			for _, f := range fields {
				alone := pageRows(t, s, fmt.Sprintf(`{ %s(first: 100) { nodes { id ...F } } } fragment F on %s { %s }`, c.root, c.typ, f.selection))
				if len(alone) != len(every) {
					t.Fatalf("%s alone: %d rows, with every field %d", f.name, len(alone), len(every))
				}
				shown := false
				for i := range every {
					want, got := string(every[i][f.name]), string(alone[i][f.name])
					if got != want {
						t.Errorf("%s of row %s alone is %s, with every field %s", f.name, every[i]["id"], got, want)
						break
					}
					shown = shown || !slices.Contains([]string{"null", `""`, "[]", "0", "false"}, want)
				}
				if !shown {
					t.Errorf("%s is empty on all %d rows: the comparison proves nothing", f.name, len(every))
				}
			}
		})
	}
}

type rowField struct{ name, selection string }

// rowFields are the fields of typ that take no arguments, each as a
// selection: a leaf as itself, an object as its __typename.
func rowFields(t *testing.T, s *gqltest.Server, typ string) []rowField {
	t.Helper()
	resp := s.Query(t, `query($t: String!) { __type(name: $t) { fields { name args { name }
		type { kind ofType { kind ofType { kind ofType { kind } } } } } } }`, map[string]any{"t": typ})
	type kind struct {
		Kind   string
		OfType *kind
	}
	var data struct {
		Type struct {
			Fields []struct {
				Name string
				Args []struct{ Name string }
				Type kind
			}
		} `json:"__type"`
	}
	resp.MustData(t, &data)
	var out []rowField
	for _, f := range data.Type.Fields {
		if len(f.Args) > 0 || f.Name == "id" {
			continue
		}
		k := &f.Type
		for (k.Kind == "NON_NULL" || k.Kind == "LIST") && k.OfType != nil {
			k = k.OfType
		}
		sel := f.Name
		if k.Kind != "SCALAR" && k.Kind != "ENUM" {
			sel += " { __typename }"
		}
		out = append(out, rowField{f.Name, sel})
	}
	if len(out) < 5 {
		t.Fatalf("%s has only the fields %v", typ, out)
	}
	return out
}

// pageRows are the rows a query of one root connection answers, each by
// field.
func pageRows(t *testing.T, s *gqltest.Server, query string) []map[string]json.RawMessage {
	t.Helper()
	resp := s.Query(t, query, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("%s: %+v", query, resp.Errors)
	}
	var data map[string]struct{ Nodes []map[string]json.RawMessage }
	resp.MustData(t, &data)
	for _, conn := range data {
		return conn.Nodes
	}
	t.Fatalf("%s answered no connection", query)
	return nil
}
