package graph

import (
	"context"

	"eilnet/graph/model"
	"eilnet/internal/gid"
	"eilnet/internal/loader"
	"eilnet/internal/refdata"
)

// maxNodes bounds Query.nodes, like a connection's page.
const maxNodes = 100

// announce puts the loads of the objects with the given IDs into level lv
// (provinces and offices are in the catalog, not read).
func announce(lv *loader.Level, l *loader.Loaders, ids []gid.ID) {
	for _, g := range ids {
		switch g.Type {
		case gid.Member:
			l.Member.Prefetch(lv, g.Num, nil)
		case gid.Factory:
			l.Factory.Prefetch(lv, g.Num, nil)
		case gid.Complaint:
			l.Complaint.Prefetch(lv, g.Num, nil)
		case gid.Seminar:
			l.Seminar.Prefetch(lv, g.Num, nil)
		case gid.Award:
			l.Award.Prefetch(lv, g.Num, nil)
		}
	}
}

// node loads the object with global ID g, or answers nil when none has it.
func node(ctx context.Context, c *refdata.Catalog, g gid.ID) (model.Node, error) {
	l := loader.For(ctx)
	var n model.Node
	var err error
	switch g.Type {
	case gid.Province:
		n, err = found(c.ProvinceRow(g.Key), nil)
	case gid.Office:
		n, err = found(c.OfficeRow(g.Key), nil)
	case gid.Member:
		n, err = found(l.Member.Load(ctx, g.Num))
	case gid.Factory:
		n, err = found(l.Factory.Load(ctx, g.Num))
	case gid.Complaint:
		n, err = found(l.Complaint.Load(ctx, g.Num))
	case gid.Seminar:
		n, err = found(l.Seminar.Load(ctx, g.Num))
	case gid.Award:
		n, err = found(l.Award.Load(ctx, g.Num))
	}
	return n, err
}

// found turns a loader's typed nil into an untyped nil Node.
func found[T any](v *T, err error) (model.Node, error) {
	if v == nil || err != nil {
		return nil, err
	}
	return v, nil
}

// nodes loads the objects with global IDs ids, announced as one level so
// that each type is read in one batch at once; nil for IDs of no object.
func nodes(ctx context.Context, c *refdata.Catalog, ids []string) ([]model.Node, error) {
	if len(ids) > maxNodes {
		return nil, badInput("ids: at most %d IDs per call, not %d", maxNodes, len(ids))
	}
	decoded := make([]gid.ID, len(ids))
	for i, id := range ids {
		var err error
		if decoded[i], err = gid.Decode(id); err != nil {
			return nil, err
		}
	}
	lv := loader.NewLevel(ctx)
	announce(lv, loader.For(ctx), decoded)
	lv.Flush()
	out := make([]model.Node, len(ids))
	for i, g := range decoded {
		var err error
		if out[i], err = node(ctx, c, g); err != nil {
			return nil, err
		}
	}
	return out, nil
}
