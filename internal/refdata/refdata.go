// Package refdata keeps the reference data in memory: the provinces and
// offices themselves, the codes of factory types and inspection zones, and
// the names of districts, so that provinces and offices are answered,
// arguments naming them checked, and text searches resolved to districts,
// without a statement per request. The tables only change by migration,
// which runs before the catalog is loaded. The rows it answers are shared
// by every request: nobody may change them.
package refdata

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/office"
	"eilnet/internal/province"
)

// Catalog is the set of known reference codes.
type Catalog struct {
	// provinces maps each province to the office that runs its network.
	provinces map[string]string
	// offices maps each office to its province.
	offices   map[string]string
	zones     map[int]bool
	types     map[int]bool
	districts []district

	// The rows: provinces by code, offices central first then by province.
	provinceList []*province.Province
	provinceRows map[string]*province.Province
	officeList   []*office.Office
	officeRows   map[string]*office.Office
}

// district is a district's code, province and names in lower case.
type district struct {
	Code     string `db:"code"`
	Province string `db:"province_code"`
	NameTh   string `db:"name_th"`
	NameEn   string `db:"name_en"`
}

// Load reads the catalog from the database.
func Load(ctx context.Context, db sqlx.ExtContext) (*Catalog, error) {
	c := &Catalog{provinces: map[string]string{}, offices: map[string]string{}, zones: map[int]bool{}, types: map[int]bool{},
		provinceRows: map[string]*province.Province{}, officeRows: map[string]*office.Office{}}
	var err error
	if c.provinceList, err = province.NewStore(db).List(ctx, "", 0); err != nil {
		return nil, fmt.Errorf("load provinces: %w", err)
	}
	for _, p := range c.provinceList {
		c.provinceRows[p.Code] = p
	}
	if c.officeList, err = office.NewStore(db).List(ctx, ""); err != nil {
		return nil, fmt.Errorf("load offices: %w", err)
	}
	// Every province has exactly one office (Bangkok's is OPS).
	for _, o := range c.officeList {
		c.officeRows[o.Code] = o
		c.offices[o.Code] = o.ProvinceCode
		c.provinces[o.ProvinceCode] = o.Code
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
	if err := sqlx.SelectContext(ctx, db, &c.districts, `SELECT code, province_code, lower(name_th) AS name_th, lower(name_en) AS name_en
		FROM districts ORDER BY code`); err != nil {
		return nil, fmt.Errorf("load districts: %w", err)
	}
	return c, nil
}

// Provinces are the provinces of region and inspection zone (zero values:
// any), ordered by code.
func (c *Catalog) Provinces(region province.Region, zone int) []*province.Province {
	ps := []*province.Province{}
	for _, p := range c.provinceList {
		if (region == "" || p.Region == region) && (zone == 0 || p.InspectionZone != nil && *p.InspectionZone == zone) {
			ps = append(ps, p)
		}
	}
	return ps
}

// ProvinceRow is the province with the code, nil when none has it.
func (c *Catalog) ProvinceRow(code string) *province.Province { return c.provinceRows[code] }

// Offices are the offices of kind (empty: all), the central office
// first, then the provincial ones by province.
func (c *Catalog) Offices(kind office.Kind) []*office.Office {
	os := []*office.Office{}
	for _, o := range c.officeList {
		if kind == "" || o.Kind == kind {
			os = append(os, o)
		}
	}
	return os
}

// OfficeRow is the office with the code, nil when none has it.
func (c *Catalog) OfficeRow(code string) *office.Office { return c.officeRows[code] }

// OfficeRunning is the office that runs the province's part of the
// network, nil for an unknown province.
func (c *Catalog) OfficeRunning(province string) *office.Office {
	return c.officeRows[c.provinces[province]]
}

// Province tells whether a province has the code.
func (c *Catalog) Province(code string) bool { return c.provinces[code] != "" }

// OfficeOfProvince is the code of the office running the province's part
// of the network, or "" for an unknown province.
func (c *Catalog) OfficeOfProvince(province string) string { return c.provinces[province] }

// Office tells whether an office has the code.
func (c *Catalog) Office(code string) bool { return c.offices[code] != "" }

// ProvinceOfOffice is the code of the office's province, or "" for an
// unknown office.
func (c *Catalog) ProvinceOfOffice(office string) string { return c.offices[office] }

// District finds a district of the province by its code, or its Thai or
// English name in any case, and answers its code.
func (c *Catalog) District(province, name string) (string, bool) {
	n := strings.ToLower(name)
	for _, d := range c.districts {
		if d.Province == province && (d.Code == name || d.NameTh == n || d.NameEn == n) {
			return d.Code, true
		}
	}
	return "", false
}

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
