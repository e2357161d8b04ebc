// Package leangen generates eilnet's lean executor (graph/lean.generated.go;
// graph/lean.go explains it) as a gqlgen plugin, from the same schema and
// bindings as gqlgen's own executor. It refuses a binding it does not know
// how to execute, so that a schema change it cannot serve fails `go
// generate` instead of answering wrongly.
package leangen

import (
	_ "embed"
	"fmt"
	"go/types"
	"sort"
	"strings"
	"text/template"

	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/99designs/gqlgen/codegen/templates"
	"github.com/vektah/gqlparser/v2/ast"
)

//go:embed lean.gotpl
var leanTemplate string

// Plugin writes the lean executor to its file.
type Plugin struct {
	filename string
}

// New is the plugin writing to filename.
func New(filename string) *Plugin { return &Plugin{filename} }

func (p *Plugin) Name() string { return "lean" }

// leanData is what the template renders: the types a query can reach.
type leanData struct {
	Data       *codegen.Data
	Root       *codegen.Object
	Objects    []*codegen.Object
	Interfaces []*codegen.Interface
	Types      []*config.TypeReference
}

func (p *Plugin) GenerateCode(data *codegen.Data) error {
	d := &leanData{Data: data, Root: data.QueryRoot}
	if err := d.reach(data); err != nil {
		return err
	}
	return templates.Render(templates.Options{
		PackageName:     data.Config.Exec.Package,
		Filename:        p.filename,
		Data:            d,
		GeneratedHeader: true,
		Packages:        data.Config.Packages,
		Template:        leanTemplate,
		Funcs: template.FuncMap{
			"kind":          kind,
			"direct":        direct,
			"ownContext":    ownContext,
			"objectLike":    objectLike,
			"leanFunc":      leanFunc,
			"introspection": func(f *codegen.Field) bool { return strings.HasPrefix(f.Name, "__") },
		},
		PruneOptions: data.Config.GetPruneOptions(),
	})
}

// reach collects the objects, interfaces and type references a query can
// reach from the query root, and checks that every field of them is one
// the lean executor can serve.
func (d *leanData) reach(data *codegen.Data) error {
	objects := map[string]*codegen.Object{}
	for _, o := range data.Objects {
		objects[o.Name] = o
	}
	seen := map[string]bool{}
	types := map[string]*config.TypeReference{}
	var visit func(name string) error
	var visitType func(t *config.TypeReference) error
	visitType = func(t *config.TypeReference) error {
		if !objectLike(t) {
			return nil
		}
		if _, ok := types[t.MarshalFunc()]; !ok {
			types[t.MarshalFunc()] = t
			if t.IsSlice() || t.IsPtrToSlice() || t.IsPtrToIntf() || t.IsPtrToPtr() {
				if err := visitType(t.Elem()); err != nil {
					return err
				}
			}
		}
		return visit(t.Definition.Name)
	}
	visit = func(name string) error {
		if seen[name] || strings.HasPrefix(name, "__") {
			return nil
		}
		seen[name] = true
		if i, ok := data.Interfaces[name]; ok {
			d.Interfaces = append(d.Interfaces, i)
			for _, impl := range i.Implementors {
				if err := visit(impl.Name); err != nil {
					return err
				}
			}
			return nil
		}
		o, ok := objects[name]
		if !ok {
			return fmt.Errorf("leangen: type %s is not an object gqlgen generated", name)
		}
		if o != data.QueryRoot {
			d.Objects = append(d.Objects, o)
		}
		for _, f := range o.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if kind(f) == "" {
				return fmt.Errorf("leangen: %s.%s is bound in a way the lean executor does not serve (a map, a haser, an (any, bool) method, a batch or stream resolver, or a directive other than @access at run time); teach internal/leangen", o.Name, f.Name)
			}
			if err := visitType(f.TypeReference); err != nil {
				return err
			}
		}
		return nil
	}
	for _, dir := range data.AllDirectives {
		if !dir.SkipRuntime && dir.IsLocation(ast.LocationField, ast.LocationInlineFragment, ast.LocationFragmentSpread) {
			return fmt.Errorf("leangen: directive @%s runs on a query's fields, which the lean executor does not do; teach internal/leangen", dir.Name)
		}
	}
	if err := visit(data.QueryRoot.Name); err != nil {
		return err
	}
	sort.Slice(d.Objects, func(i, j int) bool { return d.Objects[i].Name < d.Objects[j].Name })
	sort.Slice(d.Interfaces, func(i, j int) bool { return d.Interfaces[i].Name < d.Interfaces[j].Name })
	for _, t := range types {
		d.Types = append(d.Types, t)
	}
	sort.Slice(d.Types, func(i, j int) bool { return d.Types[i].MarshalFunc() < d.Types[j].MarshalFunc() })
	return nil
}

// kind is how the lean executor serves a field: "plain" reads a struct
// field or a method without context, arguments or error; "resolver" calls
// the resolver (or method) with a field context, the @access directive
// and the field middleware; "" is a binding it does not serve.
func kind(f *codegen.Field) string {
	if f.IsMap() || f.VOkFunc || f.HasHaser || f.IsBatch() || f.Stream {
		return ""
	}
	access := false
	for _, d := range f.Directives {
		switch {
		case d.SkipRuntime:
		case d.Name == "access":
			access = true
		default:
			return ""
		}
	}
	switch {
	case f.IsResolver || access || len(f.Args) > 0:
		return "resolver"
	case f.IsMethod() && (f.MethodHasContext || !f.NoErr):
		return "resolver"
	}
	return "plain"
}

// objectLike tells whether t's values are objects (or lists of them),
// which the lean executor writes itself; leaves go through gqlgen's
// marshalers.
func objectLike(t *config.TypeReference) bool {
	switch t.Definition.Kind {
	case ast.Object, ast.Interface, ast.Union:
		return true
	}
	return false
}

// leanFunc names the lean writer of the values of t, after gqlgen's
// marshaler of them.
func leanFunc(t *config.TypeReference) string {
	return "lean" + strings.TrimPrefix(t.MarshalFunc(), "marshal")
}

// direct names the writer of the lean executor (lean.go) that writes
// values of t without gqlgen's marshaler, the same JSON without a closure
// per value: "str", "int" or "bool" for gqlgen's own String, ID, Int and
// Boolean read into a plain Go string, int or bool (or a pointer to one,
// for a nullable field); "" for any other type.
func direct(t *config.TypeReference) string {
	if t.Marshaler == nil || t.CastType != nil || t.HasEnumValues() || t.IsMarshaler || t.IsContext {
		return ""
	}
	if t.Marshaler.Pkg() == nil || t.Marshaler.Pkg().Path() != "github.com/99designs/gqlgen/graphql" {
		return ""
	}
	goType := t.GO
	if p, ok := goType.(*types.Pointer); ok {
		if t.GQL.NonNull {
			return ""
		}
		goType = p.Elem()
	}
	basic, ok := goType.(*types.Basic)
	if !ok {
		return ""
	}
	switch {
	case (t.Marshaler.Name() == "MarshalString" || t.Marshaler.Name() == "MarshalID") && basic.Kind() == types.String:
		return "str"
	case t.Marshaler.Name() == "MarshalInt" && basic.Kind() == types.Int:
		return "int"
	case t.Marshaler.Name() == "MarshalBoolean" && basic.Kind() == types.Bool:
		return "bool"
	}
	return ""
}

// ownContext tells whether gqlgen's marshaler of t reads the field's
// context: a context marshaler (Float's, which reports NaN as the
// field's error), or one that may answer null for a value, which it
// reports at the field's path. The marshalers of String, ID, Int,
// Boolean, of enums (by their names) and of types that marshal
// themselves do neither, and are called with the object's context.
func ownContext(t *config.TypeReference) bool {
	if t.IsContext {
		return true
	}
	if t.IsMarshaler || t.Marshaler == nil {
		return false
	}
	if t.Marshaler.Pkg() != nil && t.Marshaler.Pkg().Path() == "github.com/99designs/gqlgen/graphql" {
		switch t.Marshaler.Name() {
		case "MarshalString", "MarshalID", "MarshalInt", "MarshalInt32", "MarshalInt64", "MarshalBoolean":
			return false
		}
	}
	return true
}
