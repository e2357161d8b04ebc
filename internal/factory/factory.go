// Package factory holds factories registered under the Factory Act.
package factory

import (
	"math"
	"strconv"
	"time"

	"eilnet/internal/gid"
	"eilnet/internal/page"
)

// Status tells whether a factory is running.
type Status string

const (
	Operating Status = "OPERATING"
	Suspended Status = "SUSPENDED"
	Closed    Status = "CLOSED"
)

// Factory is a registered factory.
type Factory struct {
	ID             int64  `db:"id"`
	RegistrationNo string `db:"registration_no"`
	Name           string `db:"name"`
	TypeCode       int    `db:"type_code"`
	Category       int    `db:"category"`
	Status         Status `db:"status"`
	ProvinceCode   string `db:"province_code"`
	// District is the district's Thai name.
	District            *string    `db:"district"`
	Latitude            *float64   `db:"latitude"`
	Longitude           *float64   `db:"longitude"`
	Workers             *int       `db:"workers"`
	RegisteredOn        *time.Time `db:"registered_on"`
	GovernanceCertified bool       `db:"governance_certified"`
}

// NodeID is the factory's opaque global ID.
func (f *Factory) NodeID() string { return gid.EncodeInt(gid.Factory, f.ID) }

// Tristate is an optional yes/no condition.
type Tristate int8

const (
	Any Tristate = iota
	No
	Yes
)

// Filter narrows a list of factories; zero fields match everything. It is
// comparable, so that it can be part of a loader key.
type Filter struct {
	ProvinceCode        string
	Region              string
	Category            int
	TypeCode            int
	Status              Status
	GovernanceCertified Tristate
	// Search is normalised text (search.Text) the name, registration
	// number or district name contains.
	Search string
	// Within, when set, keeps factories within a circle.
	Within Circle
}

// Circle is a circle on the Earth; the zero value is no circle.
type Circle struct {
	Latitude, Longitude, RadiusKm float64
}

// kmPerDegree is the length of a degree of latitude (and of longitude at
// the equator) on the sphere great_circle_km uses.
const kmPerDegree = 2 * math.Pi * 6371.0088 / 360

// box is the circle's bounding box in degrees, generous at the poles'
// side: the index finds candidates in it, the distance decides. It does
// not wrap at the antimeridian, where no factory is: their coordinates lie
// in Thailand (migration 00001).
func (c Circle) box() (latMin, lonMin, latMax, lonMax float64) {
	dLat := c.RadiusKm / kmPerDegree
	latMin, latMax = max(c.Latitude-dLat, -90), min(c.Latitude+dLat, 90)
	widest := max(math.Abs(latMin), math.Abs(latMax))
	dLon := 180.0
	if widest < 89 {
		dLon = min(180, c.RadiusKm/(kmPerDegree*math.Cos(widest*math.Pi/180)))
	}
	return latMin, c.Longitude - dLon, latMax, c.Longitude + dLon
}

// OrderField is what factories are sorted by.
type OrderField string

const (
	ByRegisteredOn OrderField = "REGISTERED_ON"
	ByName         OrderField = "NAME"
	ByWorkers      OrderField = "WORKERS"
)

// Order is how a list of factories is sorted; the id breaks ties.
type Order struct {
	Field     OrderField
	Direction page.Direction
}

// DefaultOrder lists factories by name.
var DefaultOrder = Order{Field: ByName, Direction: page.Asc}

// Query is what a list of factories shows.
type Query struct {
	Filter Filter
	Order  Order
}

// Missing figures sort as the smallest values; the indexes of migration
// 00001 are on exactly these expressions.
const (
	workersKey      = "coalesce(f.workers, -1)"
	registeredOnKey = "coalesce(f.registered_on, DATE '0001-01-01')"
	noWorkers       = -1
)

var noRegistration = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// SortKey is the SQL sort key of the order.
func (o Order) SortKey() page.SortKey {
	switch o.Field {
	case ByWorkers:
		return page.SortKey{Expr: workersKey, Type: "integer", Kind: page.KeyInt}
	case ByRegisteredOn:
		return page.SortKey{Expr: registeredOnKey, Type: "date", Kind: page.KeyDate}
	default:
		return page.SortKey{Expr: "f.name", Type: "text", Kind: page.KeyText}
	}
}

// Key is a factory's sort key under the query's order, as a cursor holds it.
func (q Query) Key(f *Factory) (string, int64) {
	switch q.Order.Field {
	case ByWorkers:
		w := noWorkers
		if f.Workers != nil {
			w = *f.Workers
		}
		return strconv.Itoa(w), f.ID
	case ByRegisteredOn:
		d := noRegistration
		if f.RegisteredOn != nil {
			d = *f.RegisteredOn
		}
		return d.Format(page.DateLayout), f.ID
	default:
		return f.Name, f.ID
	}
}

// The kinds of parent a list of factories belongs to.
const (
	// ScopeAll is the root list, with the single parent "".
	ScopeAll = "all"
	// ScopeProvince lists a province's factories, by province code.
	ScopeProvince = "province"
)
