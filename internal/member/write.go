package member

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

// MaxFullName bounds a member's name, as the database does.
const MaxFullName = 200

// Registration is a new member, as a client gives it.
type Registration struct {
	FullName   string `json:"fullName"`
	Sector     Sector `json:"sector"`
	OfficeCode string `json:"officeCode"`
	// JoinedOn is the day of registration when nil.
	JoinedOn *time.Time `json:"joinedOn"`
	// FactoryRegistrationNo is the factory a PRIVATE member operates.
	FactoryRegistrationNo *string `json:"factoryRegistrationNo"`
	Phone                 *string `json:"phone"`
	Email                 *string `json:"email"`
}

// Clean normalises r and records in c what is wrong with it, but for the
// factory, which only the database knows. today is the current Thai day.
func (r *Registration) Clean(c *apperr.Check, catalog *refdata.Catalog, today time.Time) {
	r.FullName = validate.Line(c, "fullName", r.FullName, MaxFullName)
	if !catalog.Office(r.OfficeCode) {
		c.Failf("officeCode", "no office has the code %q", r.OfficeCode)
	}
	// A day left out stays out, and Insert makes it today: a retry of the
	// same registration is the same request the next day too.
	if r.JoinedOn != nil {
		validate.Day(c, "joinedOn", *r.JoinedOn, validate.FiscalYearStart(validate.MinFiscalYear), today)
	}
	if r.FactoryRegistrationNo != nil {
		no := validate.Identifier(c, "factoryRegistrationNo", *r.FactoryRegistrationNo, 1, 40)
		r.FactoryRegistrationNo = &no
		if r.Sector != Private {
			c.Failf("factoryRegistrationNo", "only PRIVATE members represent a factory, not %s ones", r.Sector)
		}
	}
	r.Phone = cleanPhone(c, r.Phone)
	r.Email = cleanEmail(c, r.Email)
}

func cleanPhone(c *apperr.Check, phone *string) *string {
	if phone == nil {
		return nil
	}
	p := validate.Phone(c, "phone", *phone)
	return &p
}

func cleanEmail(c *apperr.Check, email *string) *string {
	if email == nil {
		return nil
	}
	e := validate.Email(c, "email", *email)
	return &e
}

// constraints say which input field each constraint of members guards,
// for the rare write that validation passed and the database refused (a
// race with another write).
var constraints = map[string]postgres.Constraint{
	"members_factory_id_fkey": {Field: "input.factoryRegistrationNo", Message: "the factory does not exist"},
	"members_check":           {Field: "input.factoryRegistrationNo", Message: "only PRIVATE members represent a factory"},
	"members_office_code_province_code_fkey": {Field: "input.officeCode",
		Message: "the office does not exist"},
}

// Insert writes a new member of the office in province, operating
// factoryID if any, joined today unless r says otherwise, and answers its
// id.
func Insert(ctx context.Context, tx sqlx.QueryerContext, r *Registration, province string, factoryID *int64, today time.Time) (int64, error) {
	joined := today
	if r.JoinedOn != nil {
		joined = *r.JoinedOn
	}
	var id int64
	err := tx.QueryRowxContext(ctx, `INSERT INTO members (full_name, sector, joined_on, office_code, province_code, factory_id, phone, email)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.FullName, r.Sector, joined, r.OfficeCode, province, factoryID, r.Phone, r.Email).Scan(&id)
	if err != nil {
		return 0, postgres.ConstraintError(fmt.Errorf("insert member: %w", err), constraints)
	}
	return id, nil
}

// Update is a change to a member; fields not set stay as they are.
type Update struct {
	FullName              validate.Optional[string]
	Phone                 validate.Optional[string]
	Email                 validate.Optional[string]
	FactoryRegistrationNo validate.Optional[string]
}

// Clean normalises u and records in c what is wrong with it, but for the
// factory, which only the database knows.
func (u *Update) Clean(c *apperr.Check) {
	validate.Kept(c, "fullName", u.FullName)
	if u.FullName.Value != nil {
		name := validate.Line(c, "fullName", *u.FullName.Value, MaxFullName)
		u.FullName.Value = &name
	}
	u.Phone.Value = cleanPhone(c, u.Phone.Value)
	u.Email.Value = cleanEmail(c, u.Email.Value)
	if v := u.FactoryRegistrationNo.Value; v != nil {
		no := validate.Identifier(c, "factoryRegistrationNo", *v, 1, 40)
		u.FactoryRegistrationNo.Value = &no
	}
}

// Lock reads the member with id for update, or nil when there is none.
func Lock(ctx context.Context, tx sqlx.QueryerContext, id int64) (*Member, error) {
	m, err := postgres.One[Member](ctx, tx, `SELECT `+columns.List()+` FROM members m WHERE m.id = $1 FOR UPDATE`, id)
	if err != nil {
		return nil, fmt.Errorf("lock member: %w", err)
	}
	return m, nil
}

// Save writes m's changeable fields.
func Save(ctx context.Context, tx sqlx.ExecerContext, m *Member) error {
	_, err := tx.ExecContext(ctx, `UPDATE members SET full_name = $2, phone = $3, email = $4, factory_id = $5 WHERE id = $1`,
		m.ID, m.FullName, m.Phone, m.Email, m.FactoryID)
	if err != nil {
		return postgres.ConstraintError(fmt.Errorf("update member: %w", err), constraints)
	}
	return nil
}

// Record gives r the fields of a member before and after a write, by
// their API names; the factory by its id.
func Record(r audit.Recorder, before, after *Member) {
	r.Set("fullName", before.FullName, after.FullName)
	r.Set("sector", before.Sector, after.Sector)
	r.Set("joinedOn", before.JoinedOn, after.JoinedOn)
	r.Set("officeCode", before.OfficeCode, after.OfficeCode)
	r.Set("factoryId", before.FactoryID, after.FactoryID)
	r.Set("phone", before.Phone, after.Phone)
	r.Set("email", before.Email, after.Email)
}
