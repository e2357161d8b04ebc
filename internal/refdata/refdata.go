// Package refdata keeps the codes of the reference data (provinces,
// offices, factory types, inspection zones) and the names of districts in
// memory, so that arguments naming them are checked, and text searches
// resolved to districts, without a statement per request. The tables only
// change by migration, which runs before the catalog is loaded.
package refdata

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Catalog is the set of known reference codes.
type Catalog struct {
	provinces map[string]bool
	offices   map[string]bool
	zones     map[int]bool
	types     map[int]bool
	districts []district
}

// district is a district's code and its names in lower case.
type district struct {
	Code   string `db:"code"`
	NameTh string `db:"name_th"`
	NameEn string `db:"name_en"`
}

// Load reads the catalog from the database.
func Load(ctx context.Context, db sqlx.QueryerContext) (*Catalog, error) {
	c := &Catalog{provinces: map[string]bool{}, offices: map[string]bool{}, zones: map[int]bool{}, types: map[int]bool{}}
	var codes []string
	if err := sqlx.SelectContext(ctx, db, &codes, `SELECT code FROM provinces`); err != nil {
		return nil, fmt.Errorf("load province codes: %w", err)
	}
	for _, code := range codes {
		c.provinces[code] = true
	}
	codes = nil
	if err := sqlx.SelectContext(ctx, db, &codes, `SELECT code FROM offices`); err != nil {
		return nil, fmt.Errorf("load office codes: %w", err)
	}
	for _, code := range codes {
		c.offices[code] = true
	}
	var zones []int
	if err := sqlx.SelectContext(ctx, db, &zones, `SELECT zone FROM inspection_zones`); err != nil {
		return nil, fmt.Errorf("load inspection zones: %w", err)
	}
	for _, z := range zones {
		c.zones[z] = true
	}
	var types []int
	if err := sqlx.SelectContext(ctx, db, &types, `SELECT number FROM factory_types`); err != nil {
		return nil, fmt.Errorf("load factory types: %w", err)
	}
	for _, t := range types {
		c.types[t] = true
	}
	if err := sqlx.SelectContext(ctx, db, &c.districts, `SELECT code, lower(name_th) AS name_th, lower(name_en) AS name_en FROM districts ORDER BY code`); err != nil {
		return nil, fmt.Errorf("load districts: %w", err)
	}
	return c, nil
}

// Province tells whether a province has the code.
func (c *Catalog) Province(code string) bool { return c.provinces[code] }

// Office tells whether an office has the code.
func (c *Catalog) Office(code string) bool { return c.offices[code] }

// Zone tells whether the inspection zone exists.
func (c *Catalog) Zone(zone int) bool { return c.zones[zone] }

// FactoryType tells whether a factory type has the number.
func (c *Catalog) FactoryType(number int) bool { return c.types[number] }

// DistrictsContaining answers the codes of the districts whose Thai or
// English name contains text, ignoring case as ILIKE does. Resolving them
// here rather than in a subquery gives the planner the actual codes (most
// often none), so that it estimates a search filter by what it matches.
func (c *Catalog) DistrictsContaining(text string) []string {
	t := strings.ToLower(text)
	codes := []string{}
	for _, d := range c.districts {
		if strings.Contains(d.NameTh, t) || strings.Contains(d.NameEn, t) {
			codes = append(codes, d.Code)
		}
	}
	return codes
}
