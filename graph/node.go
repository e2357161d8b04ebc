package graph

import (
	"context"
	"sync"

	"eilnet/graph/model"
	"eilnet/internal/gid"
	"eilnet/internal/loader"
)

// maxNodes bounds Query.nodes, like a connection's page.
const maxNodes = 100

// node loads the object with global ID id, or answers nil when none has it.
func node(ctx context.Context, id string) (model.Node, error) {
	g, err := gid.Decode(id)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	var n model.Node
	switch g.Type {
	case gid.Province:
		n, err = found(l.Province(ctx, g.Key))
	case gid.Office:
		n, err = found(l.Office(ctx, g.Key))
	case gid.Member:
		n, err = found(l.Member(ctx, g.Num))
	case gid.Factory:
		n, err = found(l.Factory(ctx, g.Num))
	case gid.Complaint:
		n, err = found(l.Complaint(ctx, g.Num))
	case gid.Seminar:
		n, err = found(l.Seminar(ctx, g.Num))
	case gid.Award:
		n, err = found(l.Award(ctx, g.Num))
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

// nodes loads many objects concurrently, so that their loads share batches.
func nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	if len(ids) > maxNodes {
		return nil, badInput("ids: at most %d IDs per call, not %d", maxNodes, len(ids))
	}
	for _, id := range ids {
		if _, err := gid.Decode(id); err != nil {
			return nil, err
		}
	}
	out := make([]model.Node, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { out[i], errs[i] = node(ctx, id) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
