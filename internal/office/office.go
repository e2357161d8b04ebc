// Package office holds the offices that run the network: the Office of the
// Permanent Secretary and the 76 Provincial Industry Offices.
package office

import (
	"context"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/gid"
	"eilnet/internal/postgres"
)

// Kind tells the central office from the provincial ones.
type Kind string

const (
	Central    Kind = "CENTRAL"
	Provincial Kind = "PROVINCIAL"
)

// Office runs the network in one province.
type Office struct {
	Code   string `db:"code"`
	NameTh string `db:"name_th"`
	NameEn string `db:"name_en"`
	Kind   Kind   `db:"kind"`
	// ProvinceCode is the province whose part of the network the office
	// runs: its own, or Bangkok for the central office.
	ProvinceCode string `db:"province_code"`
}

// NodeID is the office's opaque global ID.
func (o *Office) NodeID() string { return gid.Encode(gid.Office, o.Code) }

// Store reads offices from PostgreSQL.
type Store struct {
	db sqlx.ExtContext
}

// NewStore returns a Store reading through db.
func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const columns = `o.code, o.name_th, o.name_en, o.kind, o.province_code`

// The central office sorts first, then the provincial ones by province.
const list = `SELECT ` + columns + `
FROM offices o
WHERE CAST(:kind AS text) IS NULL OR o.kind = :kind
ORDER BY o.kind = 'PROVINCIAL', o.province_code`

// List returns the offices of kind (empty: all), the central office first.
func (s *Store) List(ctx context.Context, kind Kind) ([]*Office, error) {
	var os []*Office
	err := postgres.Select(ctx, s.db, &os, list, map[string]any{"kind": postgres.NullString(string(kind))})
	return os, err
}
