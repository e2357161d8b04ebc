// Package mutation carries out the API's writes. Each is one transaction:
// the input is cleaned and checked first (every bad field reported at
// once), references are checked in the transaction, the write and its
// audit record commit together, and a create retried with the same
// Idempotency-Key answers what the first attempt created.
package mutation

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/access"
	"eilnet/internal/apperr"
	"eilnet/internal/audit"
	"eilnet/internal/gid"
	"eilnet/internal/idempotency"
	"eilnet/internal/postgres"
	"eilnet/internal/refdata"
)

// Service carries out writes.
type Service struct {
	db      *sqlx.DB
	catalog *refdata.Catalog
	now     func() time.Time
}

// New returns a Service writing to db, checking codes against catalog.
func New(db *sqlx.DB, catalog *refdata.Catalog) *Service {
	return &Service{db: db, catalog: catalog, now: time.Now}
}

// MaxIDs bounds the members one call assigns or records.
const MaxIDs = 500

// write is the part of a mutation that runs in its transaction: it
// answers the id of the object written and what changed.
type write func(tx *sqlx.Tx) (int64, audit.Changes, error)

// create runs a create mutation named operation, answering for response
// field field (a request may create several things), of an object of kind
// entity from input.
func (s *Service) create(ctx context.Context, operation, field, entity string, input any, w write) (int64, error) {
	fingerprint, err := idempotency.Fingerprint(operation, input)
	if err != nil {
		return 0, err
	}
	caller := access.From(ctx)
	var id int64
	err = postgres.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		claim, prior, replayed, err := idempotency.Begin(ctx, tx, caller.Owner(), field, fingerprint)
		if err != nil || replayed {
			id = prior
			return err
		}
		newID, changes, err := w(tx)
		if err != nil {
			return err
		}
		if err := claim.Complete(ctx, tx, newID); err != nil {
			return err
		}
		id = newID
		return audit.Record(ctx, tx, audit.Entry{Actor: caller.Actor(), Operation: operation, Entity: entity,
			EntityID: newID, Changes: changes})
	})
	return id, err
}

// change runs a mutation named operation that changes an existing object
// of kind entity.
func (s *Service) change(ctx context.Context, operation, entity string, w write) (int64, error) {
	caller := access.From(ctx)
	var id int64
	err := postgres.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		changedID, changes, err := w(tx)
		if err != nil {
			return err
		}
		id = changedID
		return audit.Record(ctx, tx, audit.Entry{Actor: caller.Actor(), Operation: operation, Entity: entity,
			EntityID: changedID, Changes: changes})
	})
	return id, err
}

// target decodes the ID of the object a mutation acts on, given as
// argument arg.
func target(arg, id string, t gid.Type) (int64, error) {
	c := apperr.NewCheck("")
	n := gid.DecodeAs(c, arg, id, t)
	return n, c.Err()
}

// notFound is the error for a target that does not exist.
func notFound(arg, id string, t gid.Type) error {
	return &apperr.Error{Code: apperr.NotFound, Message: fmt.Sprintf("no %s has the ID %q", t, id), Field: arg}
}

// memberIDs decodes the member IDs of list argument arg: at least one, at
// most MaxIDs, repeats ignored.
func memberIDs(c *apperr.Check, arg string, ids []string) []int64 {
	if len(ids) == 0 || len(ids) > MaxIDs {
		c.Failf(arg, "must list 1 to %d members, not %d", MaxIDs, len(ids))
		return nil
	}
	var out []int64
	for i, id := range ids {
		if n := gid.DecodeAs(c, fmt.Sprintf("%s[%d]", arg, i), id, gid.Member); n != 0 && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// checkMembers records in c which of the members named by list argument
// arg (ids, in the order given) do not exist.
func checkMembers(ctx context.Context, tx sqlx.QueryerContext, c *apperr.Check, arg string, given []string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var found []memberProvince
	if err := sqlx.SelectContext(ctx, tx, &found, `SELECT id, province_code FROM members WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
		return fmt.Errorf("check members: %w", err)
	}
	for i, id := range given {
		d, err := gid.Decode(id)
		if err != nil || d.Type != gid.Member {
			continue
		}
		field := fmt.Sprintf("%s[%d]", arg, i)
		at := slices.IndexFunc(found, func(m memberProvince) bool { return m.ID == d.Num })
		if at < 0 {
			c.Failf(field, "no member has the ID %q", id)
			continue
		}
		if err := withinScope(ctx, field, id, found[at].Province); err != nil {
			return err
		}
	}
	return nil
}

// memberProvince is a member's id and province.
type memberProvince struct {
	ID       int64  `db:"id"`
	Province string `db:"province_code"`
}

// withinScope refuses, for an OFFICER, a member of another province than
// the officer's: an officer names as a complaint's filer, assigns as an
// investigator or records as an attendee only members of its own
// province, whose data it may see and answers for. ADMIN links anyone.
func withinScope(ctx context.Context, field, id, province string) error {
	caller := access.From(ctx)
	if caller.Role != access.Officer || province == caller.ProvinceCode {
		return nil
	}
	return &apperr.Error{Code: apperr.Forbidden, Field: field,
		Message: fmt.Sprintf("member %q belongs to province %s: an officer links only members of its own province (%s)", id, province, caller.ProvinceCode)}
}
