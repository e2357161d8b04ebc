// Package province holds Thailand's 77 provinces, reference data loaded by
// migration.
package province

import (
	"context"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/gid"
	"eilnet/internal/postgres"
)

// Region is one of the six geographic regions.
type Region string

const (
	North     Region = "NORTH"
	Northeast Region = "NORTHEAST"
	Central   Region = "CENTRAL"
	East      Region = "EAST"
	West      Region = "WEST"
	South     Region = "SOUTH"
)

// Province is a province or Bangkok.
type Province struct {
	Code   string `db:"code"`
	NameTh string `db:"name_th"`
	NameEn string `db:"name_en"`
	Region Region `db:"region"`
	// InspectionZone is nil for Bangkok, which is in no numbered zone.
	InspectionZone *int `db:"inspection_zone"`
}

// NodeID is the province's opaque global ID.
func (p *Province) NodeID() string { return gid.Encode(gid.Province, p.Code) }

// Store reads provinces from PostgreSQL.
type Store struct {
	db sqlx.ExtContext
}

// NewStore returns a Store reading through db.
func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

const columns = `p.code, p.name_th, p.name_en, p.region, p.inspection_zone`

const list = `SELECT ` + columns + `
FROM provinces p
WHERE (CAST(:region AS text) IS NULL OR p.region = :region)
  AND (CAST(:zone AS smallint) IS NULL OR p.inspection_zone = :zone)
ORDER BY p.code`

// List returns the provinces of region and inspection zone (zero values:
// any), ordered by code.
func (s *Store) List(ctx context.Context, region Region, zone int) ([]*Province, error) {
	var ps []*Province
	arg := map[string]any{"region": postgres.NullString(string(region)), "zone": nil}
	if zone != 0 {
		arg["zone"] = zone
	}
	err := postgres.Select(ctx, s.db, &ps, list, arg)
	return ps, err
}
