package graph

import (
	"context"
	"strconv"

	"eilnet/graph/model"
	"eilnet/internal/gid"
	"eilnet/internal/loader"
	"eilnet/internal/page"
	"eilnet/internal/refdata"
	"eilnet/internal/search"
)

// searchFirst checks search's first argument like a connection's.
func searchFirst(first *int) (int, error) {
	w, err := page.NewWindow(first, nil, nil, page.KeyText)
	return w.First, err
}

// searchHits loads the objects of hits, announced as one level so that
// each kind is read in one batch.
func searchHits(ctx context.Context, c *refdata.Catalog, hits []search.Hit) ([]*model.SearchHit, error) {
	ids := make([]gid.ID, len(hits))
	for i, h := range hits {
		ids[i] = gid.ID{Type: gid.Type(h.Kind), Key: h.Key}
		if h.Kind != search.KindProvince && h.Kind != search.KindOffice {
			n, err := strconv.ParseInt(h.Key, 10, 64)
			if err != nil {
				return nil, err
			}
			ids[i] = gid.ID{Type: gid.Type(h.Kind), Num: n}
		}
	}
	lv := loader.NewLevel(ctx)
	announce(lv, loader.For(ctx), ids)
	lv.Flush()
	out := make([]*model.SearchHit, 0, len(hits))
	for i, id := range ids {
		n, err := node(ctx, c, id)
		if err != nil {
			return nil, err
		}
		// An object deleted between the search and its load is no hit.
		if n != nil {
			out = append(out, &model.SearchHit{Score: hits[i].Score, Node: n})
		}
	}
	return out, nil
}
