package mutation

import (
	"context"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/apperr"
	"eilnet/internal/audit"
	"eilnet/internal/factory"
	"eilnet/internal/gid"
	"eilnet/internal/validate"
)

// RegisterFactory registers a new factory and answers its id. A
// registration number registered already is a CONFLICT.
func (s *Service) RegisterFactory(ctx context.Context, field string, r factory.Registration) (int64, error) {
	c := apperr.NewCheck("input")
	r.Clean(c, s.catalog, validate.Today(s.now()))
	// Nothing of it needs the database: refuse it before a transaction.
	if err := c.Err(); err != nil {
		return 0, err
	}
	return s.create(ctx, "registerFactory", field, "Factory", r, func(tx *sqlx.Tx) (int64, audit.Changes, error) {
		id, err := factory.Insert(ctx, tx, &r)
		if err != nil {
			return 0, nil, err
		}
		after, err := factory.Lock(ctx, tx, id)
		if err != nil {
			return 0, nil, err
		}
		created := audit.Created{}
		factory.Record(created, &factory.Factory{}, after)
		return id, audit.Changes(created), nil
	})
}

// UpdateFactory changes a factory and answers its id.
func (s *Service) UpdateFactory(ctx context.Context, id string, u factory.Update) (int64, error) {
	n, err := target("id", id, gid.Factory)
	if err != nil {
		return 0, err
	}
	c := apperr.NewCheck("input")
	u.Clean(c)
	if err := c.Err(); err != nil {
		return 0, err
	}
	return s.change(ctx, "updateFactory", "Factory", func(tx *sqlx.Tx) (int64, audit.Changes, error) {
		before, err := factory.Lock(ctx, tx, n)
		switch {
		case err != nil:
			return 0, nil, err
		case before == nil:
			return 0, nil, notFound("id", id, gid.Factory)
		}
		after := *before
		u.Apply(&after)
		if err := factory.Save(ctx, tx, &after); err != nil {
			return 0, nil, err
		}
		changes := audit.Changes{}
		factory.Record(changes, before, &after)
		return n, changes, nil
	})
}
