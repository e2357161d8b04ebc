package seed

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"

	"github.com/jmoiron/sqlx"
)

// district_points.csv holds approximate centre points of 882 of the 928
// districts (facts extracted from a public geocoded district list; see
// docs/data-sources.md). Factories are placed around them.
//
//go:embed data/district_points.csv
var districtPointsCSV []byte

// Reference is the reference data the demo network is built on, read from
// the migrated database so that the generator invents no province,
// district, office or factory type.
type Reference struct {
	Provinces    []Province
	FactoryTypes []int
}

// Province is a province with what the generator needs of it.
type Province struct {
	Code      string
	NameTh    string
	NameEn    string
	Region    string
	Office    string
	Districts []District
}

// District is a district with its centre point, if known.
type District struct {
	Code     string
	NameTh   string
	Lat, Lon float64
	HasPoint bool
}

// LoadReference reads the reference data from db.
func LoadReference(ctx context.Context, db sqlx.QueryerContext) (*Reference, error) {
	points, err := districtPoints()
	if err != nil {
		return nil, err
	}
	var provinces []struct {
		Code   string `db:"code"`
		NameTh string `db:"name_th"`
		NameEn string `db:"name_en"`
		Region string `db:"region"`
		Office string `db:"office"`
	}
	if err := sqlx.SelectContext(ctx, db, &provinces, `
		SELECT p.code, p.name_th, p.name_en, p.region, o.code AS office
		FROM provinces p JOIN offices o ON o.province_code = p.code
		ORDER BY p.code`); err != nil {
		return nil, fmt.Errorf("read provinces: %w", err)
	}
	var districts []struct {
		Code     string `db:"code"`
		Province string `db:"province_code"`
		NameTh   string `db:"name_th"`
	}
	if err := sqlx.SelectContext(ctx, db, &districts, `
		SELECT code, province_code, name_th FROM districts ORDER BY code`); err != nil {
		return nil, fmt.Errorf("read districts: %w", err)
	}
	ref := &Reference{}
	if err := sqlx.SelectContext(ctx, db, &ref.FactoryTypes, `SELECT number FROM factory_types ORDER BY number`); err != nil {
		return nil, fmt.Errorf("read factory types: %w", err)
	}
	byCode := map[string]*Province{}
	for _, p := range provinces {
		ref.Provinces = append(ref.Provinces, Province{Code: p.Code, NameTh: p.NameTh, NameEn: p.NameEn, Region: p.Region, Office: p.Office})
	}
	for i := range ref.Provinces {
		byCode[ref.Provinces[i].Code] = &ref.Provinces[i]
	}
	for _, d := range districts {
		p := byCode[d.Province]
		pt, ok := points[d.Code]
		p.Districts = append(p.Districts, District{Code: d.Code, NameTh: d.NameTh, Lat: pt[0], Lon: pt[1], HasPoint: ok})
	}
	for _, p := range ref.Provinces {
		if !sort.SliceIsSorted(p.Districts, func(i, j int) bool { return p.Districts[i].Code < p.Districts[j].Code }) {
			return nil, fmt.Errorf("districts of %s are not in code order", p.Code)
		}
		if len(p.Districts) == 0 {
			return nil, fmt.Errorf("province %s has no districts", p.Code)
		}
	}
	return ref, nil
}

func districtPoints() (map[string][2]float64, error) {
	records, err := csv.NewReader(bytes.NewReader(districtPointsCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read district points: %w", err)
	}
	points := make(map[string][2]float64, len(records))
	for _, r := range records[1:] {
		lat, err1 := strconv.ParseFloat(r[1], 64)
		lon, err2 := strconv.ParseFloat(r[2], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("district point %v: not numbers", r)
		}
		points[r[0]] = [2]float64{lat, lon}
	}
	return points, nil
}
