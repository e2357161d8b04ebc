package complaint

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"eilnet/internal/apperr"
	"eilnet/internal/page"
	"eilnet/internal/postgres"
	"eilnet/internal/province"
)

// Dimension is what complaints can be grouped by.
type Dimension string

const (
	DimProvince        Dimension = "PROVINCE"
	DimRegion          Dimension = "REGION"
	DimInspectionZone  Dimension = "INSPECTION_ZONE"
	DimCategory        Dimension = "CATEGORY"
	DimStatus          Dimension = "STATUS"
	DimFiscalYear      Dimension = "FISCAL_YEAR"
	DimMonth           Dimension = "MONTH"
	DimFactoryCategory Dimension = "FACTORY_CATEGORY"
)

// Joins a dimension needs besides complaints c.
const (
	joinProvince = "JOIN provinces p ON p.code = c.province_code"
	joinFactory  = "LEFT JOIN factories f ON f.id = c.factory_id"
)

// dimensions lists each dimension's column of Bucket, its SQL expression
// and the join that expression reads, if any. Text values are codes and
// compared bytewise (COLLATE "C"): the same order under any database
// collation, and a faster sort of every complaint grouped.
var dimensions = []struct {
	dim    Dimension
	column string
	expr   string
	join   string
}{
	{DimProvince, "province_code", `c.province_code COLLATE "C"`, ""},
	{DimRegion, "region", `p.region COLLATE "C"`, joinProvince},
	{DimInspectionZone, "inspection_zone", "p.inspection_zone", joinProvince},
	{DimCategory, "category", `c.category COLLATE "C"`, ""},
	{DimStatus, "status", `c.status COLLATE "C"`, ""},
	{DimFiscalYear, "fiscal_year", "c.fiscal_year", ""},
	{DimMonth, "month", `to_char(timezone('Asia/Bangkok', c.filed_at), 'YYYY-MM') COLLATE "C"`, ""},
	{DimFactoryCategory, "factory_category", "f.category", joinFactory},
}

// implied lists dimensions that another one determines: grouping by both
// gives the same buckets as grouping by the finer one.
var implied = map[Dimension]Dimension{
	DimRegion:         DimProvince,
	DimInspectionZone: DimProvince,
	DimFiscalYear:     DimMonth,
}

// MaxDimensions bounds a grouping.
const MaxDimensions = 3

// Bucket is the complaints of one combination of dimension values; the
// values of dimensions not grouped by are nil.
type Bucket struct {
	ProvinceCode        *string          `db:"province_code"`
	Region              *province.Region `db:"region"`
	InspectionZone      *int             `db:"inspection_zone"`
	Category            *Category        `db:"category"`
	Status              *Status          `db:"status"`
	FiscalYear          *int             `db:"fiscal_year"`
	Month               *string          `db:"month"`
	FactoryCategory     *int             `db:"factory_category"`
	Count               int              `db:"count"`
	ResolvedCount       int              `db:"resolved_count"`
	MedianDaysToResolve *float64         `db:"median_days"`
}

// CheckDimensions refuses groupings that are empty, too long, repeat a
// dimension or pair a dimension with one that implies it.
func CheckDimensions(dims []Dimension) error {
	if len(dims) == 0 || len(dims) > MaxDimensions {
		return apperr.Errorf(apperr.BadUserInput, "groupBy needs 1 to %d dimensions, not %d", MaxDimensions, len(dims))
	}
	seen := map[Dimension]bool{}
	for _, d := range dims {
		if seen[d] {
			return apperr.Errorf(apperr.BadUserInput, "groupBy names %s twice", d)
		}
		seen[d] = true
	}
	for _, d := range dims {
		if finer, ok := implied[d]; ok && seen[finer] {
			return apperr.Errorf(apperr.BadUserInput, "groupBy: %s is implied by %s; group by %s alone", d, finer, finer)
		}
	}
	return nil
}

// Stats counts the complaints matching f by the dimensions dims (checked
// by CheckDimensions), in one statement: how many, how many RESOLVED, and
// the median days from filing to closing of those.
func (s *Store) Stats(ctx context.Context, dims []Dimension, f Filter) ([]*Bucket, error) {
	var selects, groups, joins []string
	for _, d := range dimensions {
		if slices.Contains(dims, d.dim) {
			selects = append(selects, d.expr+" AS "+d.column)
			groups = append(groups, d.expr)
			if d.join != "" && !slices.Contains(joins, d.join) {
				joins = append(joins, d.join)
			}
		} else {
			selects = append(selects, "NULL AS "+d.column)
		}
	}
	group := strings.Join(groups, ", ")
	conds, ps := where(page.Params{}, f)
	// The dimension expressions and the filter are constants of this
	// package; only the filter's values are parameters. The median is taken
	// of intervals and converted to days once per bucket: numeric
	// arithmetic on every complaint costs more than the sort.
	query := `SELECT ` + strings.Join(selects, ", ") + `,
       count(*) AS count,
       count(*) FILTER (WHERE c.status = 'RESOLVED') AS resolved_count,
       extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY c.resolved_at - c.filed_at)
           FILTER (WHERE c.status = 'RESOLVED')) / 86400 AS median_days
FROM complaints c
` + strings.Join(joins, "\n") + `
WHERE ` + conds.Where() + `
GROUP BY ` + group + `
ORDER BY ` + group + `
LIMIT ` + strconv.Itoa(MaxBuckets+1)
	var buckets []*Bucket
	if err := postgres.Select(ctx, s.db, &buckets, query, ps); err != nil {
		return nil, err
	}
	if len(buckets) > MaxBuckets {
		return nil, apperr.Errorf(apperr.BadUserInput,
			"the grouping gives more than %d buckets: narrow the filter (a fiscal year, a province) or group by fewer dimensions", MaxBuckets)
	}
	return buckets, nil
}

// MaxBuckets bounds what Stats answers: the static cost of complaintStats
// (its @listSize) assumes no more.
const MaxBuckets = 1000
