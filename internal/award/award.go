// Package award holds the awards the network confers on its members.
package award

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/gid"
	"eilnet/internal/postgres"
)

// Level is an award's level.
type Level string

const (
	Outstanding Level = "OUTSTANDING"
	Excellent   Level = "EXCELLENT"
)

// Award is an award conferred on a member.
type Award struct {
	ID    int64 `db:"id"`
	Level Level `db:"level"`
	// FiscalYear is the year the award honours.
	FiscalYear int    `db:"fiscal_year"`
	MemberID   int64  `db:"member_id"`
	SeminarID  *int64 `db:"seminar_id"`
}

// NodeID is the award's opaque global ID.
func (a *Award) NodeID() string { return gid.EncodeInt(gid.Award, a.ID) }

// Store reads awards from PostgreSQL.
type Store struct {
	db sqlx.ExtContext
}

// NewStore returns a Store reading through db.
func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const columns = `a.id, a.level, a.fiscal_year, a.member_id, a.seminar_id`

const byIDs = `SELECT ` + columns + `
FROM awards a
WHERE a.id = ANY(:ids)`

// ByIDs returns the awards with the given ids, in no particular order.
func (s *Store) ByIDs(ctx context.Context, ids []int64) ([]*Award, error) {
	var as []*Award
	err := postgres.Select(ctx, s.db, &as, byIDs, map[string]any{"ids": pq.Array(ids)})
	return as, err
}

const byMembers = `SELECT ` + columns + `
FROM awards a
WHERE a.member_id = ANY(:ids)
ORDER BY a.member_id, a.fiscal_year, a.id`

// ByMembers returns the awards of the given members, each member's oldest
// first.
func (s *Store) ByMembers(ctx context.Context, memberIDs []int64) ([]*Award, error) {
	var as []*Award
	err := postgres.Select(ctx, s.db, &as, byMembers, map[string]any{"ids": pq.Array(memberIDs)})
	return as, err
}

const bySeminars = `SELECT ` + columns + `
FROM awards a
WHERE a.seminar_id = ANY(:ids)
ORDER BY a.seminar_id, a.id`

// BySeminars returns the awards conferred at the given seminars, each
// seminar's in order of granting.
func (s *Store) BySeminars(ctx context.Context, seminarIDs []int64) ([]*Award, error) {
	var as []*Award
	err := postgres.Select(ctx, s.db, &as, bySeminars, map[string]any{"ids": pq.Array(seminarIDs)})
	return as, err
}
