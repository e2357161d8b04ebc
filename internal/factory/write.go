package factory

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/apperr"
	"eilnet/internal/audit"
	"eilnet/internal/postgres"
	"eilnet/internal/refdata"
	"eilnet/internal/validate"
)

// Limits of a factory's fields, as the database has them.
const (
	MaxName    = 300
	MaxWorkers = 1_000_000
)

// Registration is a new factory, as a client gives it.
type Registration struct {
	RegistrationNo string  `json:"registrationNo"`
	Name           string  `json:"name"`
	TypeCode       int     `json:"typeCode"`
	Category       int     `json:"category"`
	ProvinceCode   string  `json:"provinceCode"`
	District       *string `json:"district"`
	// DistrictCode is the district Clean found by name.
	DistrictCode *string    `json:"-"`
	Latitude     *float64   `json:"latitude"`
	Longitude    *float64   `json:"longitude"`
	Workers      *int       `json:"workers"`
	RegisteredOn *time.Time `json:"registeredOn"`
}

// Clean normalises r and records in c what is wrong with it. today is the
// current Thai day.
func (r *Registration) Clean(c *apperr.Check, catalog *refdata.Catalog, today time.Time) {
	r.RegistrationNo = validate.Identifier(c, "registrationNo", r.RegistrationNo, 3, 40)
	r.Name = validate.Line(c, "name", r.Name, MaxName)
	if !catalog.FactoryType(r.TypeCode) {
		c.Failf("typeCode", "no factory type has the number %d", r.TypeCode)
	}
	if r.Category < 1 || r.Category > 3 {
		c.Failf("category", "must be 1, 2 or 3 (the Factory Act's categories), not %d", r.Category)
	}
	if !catalog.Province(r.ProvinceCode) {
		c.Failf("provinceCode", "no province has the code %q", r.ProvinceCode)
	} else if r.District != nil {
		name := validate.Normalize(*r.District)
		if code, ok := catalog.District(r.ProvinceCode, name); ok {
			r.District, r.DistrictCode = &name, &code
		} else {
			c.Failf("district", "province %s has no district called %q", r.ProvinceCode, name)
		}
	}
	validate.Point(c, "latitude", "longitude", r.Latitude, r.Longitude)
	checkWorkers(c, r.Workers)
	if r.RegisteredOn != nil {
		validate.Day(c, "registeredOn", *r.RegisteredOn, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), today)
	}
}

func checkWorkers(c *apperr.Check, workers *int) {
	if workers != nil && (*workers < 0 || *workers > MaxWorkers) {
		c.Failf("workers", "must be between 0 and %d, not %d", MaxWorkers, *workers)
	}
}

// constraints say which input field each constraint of factories guards.
var constraints = map[string]postgres.Constraint{
	"factories_registration_no_key": {Field: "input.registrationNo",
		Message: "a factory with this registration number is registered already"},
}

// Insert writes a new factory and answers its id.
func Insert(ctx context.Context, tx sqlx.QueryerContext, r *Registration) (int64, error) {
	var id int64
	err := tx.QueryRowxContext(ctx, `INSERT INTO factories (registration_no, name, type_code, category, province_code,
			district_code, latitude, longitude, workers, registered_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		r.RegistrationNo, r.Name, r.TypeCode, r.Category, r.ProvinceCode,
		r.DistrictCode, r.Latitude, r.Longitude, r.Workers, r.RegisteredOn).Scan(&id)
	if err != nil {
		return 0, postgres.ConstraintError(fmt.Errorf("insert factory: %w", err), constraints)
	}
	return id, nil
}

// Update is a change to a factory; fields not set stay as they are.
// Latitude and longitude change together.
type Update struct {
	Name                validate.Optional[string]
	Status              validate.Optional[Status]
	Workers             validate.Optional[int]
	GovernanceCertified validate.Optional[bool]
	Latitude            validate.Optional[float64]
	Longitude           validate.Optional[float64]
}

// Clean normalises u and records in c what is wrong with it.
func (u *Update) Clean(c *apperr.Check) {
	validate.Kept(c, "name", u.Name)
	validate.Kept(c, "status", u.Status)
	validate.Kept(c, "governanceCertified", u.GovernanceCertified)
	if u.Name.Value != nil {
		name := validate.Line(c, "name", *u.Name.Value, MaxName)
		u.Name.Value = &name
	}
	checkWorkers(c, u.Workers.Value)
	if u.Latitude.Set != u.Longitude.Set {
		field := "latitude"
		if !u.Longitude.Set {
			field = "longitude"
		}
		c.Failf(field, "latitude and longitude change together")
		return
	}
	validate.Point(c, "latitude", "longitude", u.Latitude.Value, u.Longitude.Value)
}

// Apply changes f as u says.
func (u *Update) Apply(f *Factory) {
	if u.Name.Value != nil {
		f.Name = *u.Name.Value
	}
	if u.Status.Value != nil {
		f.Status = *u.Status.Value
	}
	if u.Workers.Set {
		f.Workers = u.Workers.Value
	}
	if u.GovernanceCertified.Value != nil {
		f.GovernanceCertified = *u.GovernanceCertified.Value
	}
	if u.Latitude.Set {
		f.Latitude, f.Longitude = u.Latitude.Value, u.Longitude.Value
	}
}

// Lock reads the factory with id for update, or nil when there is none.
func Lock(ctx context.Context, tx sqlx.QueryerContext, id int64) (*Factory, error) {
	f, err := postgres.One[Factory](ctx, tx, `SELECT `+columns.List()+` FROM factories f WHERE f.id = $1 FOR UPDATE`, id)
	if err != nil {
		return nil, fmt.Errorf("lock factory: %w", err)
	}
	return f, nil
}

// Save writes f's changeable fields.
func Save(ctx context.Context, tx sqlx.ExecerContext, f *Factory) error {
	_, err := tx.ExecContext(ctx, `UPDATE factories SET name = $2, status = $3, workers = $4, governance_certified = $5,
			latitude = $6, longitude = $7
		WHERE id = $1`, f.ID, f.Name, f.Status, f.Workers, f.GovernanceCertified, f.Latitude, f.Longitude)
	if err != nil {
		return postgres.ConstraintError(fmt.Errorf("update factory: %w", err), constraints)
	}
	return nil
}

// Record gives r the fields of a factory before and after a write, by
// their API names.
func Record(r audit.Recorder, before, after *Factory) {
	r.Set("registrationNo", before.RegistrationNo, after.RegistrationNo)
	r.Set("name", before.Name, after.Name)
	r.Set("typeCode", before.TypeCode, after.TypeCode)
	r.Set("category", before.Category, after.Category)
	r.Set("status", before.Status, after.Status)
	r.Set("provinceCode", before.ProvinceCode, after.ProvinceCode)
	r.Set("district", before.District, after.District)
	r.Set("latitude", before.Latitude, after.Latitude)
	r.Set("longitude", before.Longitude, after.Longitude)
	r.Set("workers", before.Workers, after.Workers)
	r.Set("registeredOn", before.RegisteredOn, after.RegisteredOn)
	r.Set("governanceCertified", before.GovernanceCertified, after.GovernanceCertified)
}
