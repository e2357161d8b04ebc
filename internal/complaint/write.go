package complaint

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/apperr"
	"eilnet/internal/audit"
	"eilnet/internal/gid"
	"eilnet/internal/postgres"
	"eilnet/internal/refdata"
	"eilnet/internal/validate"
)

// Limits of a complaint's texts, as the database has them.
const (
	MaxDescription = 5000
	MaxNote        = 2000
)

// Filing is a new complaint, as a client gives it.
type Filing struct {
	Category              Category   `json:"category"`
	Description           string     `json:"description"`
	ProvinceCode          string     `json:"provinceCode"`
	FactoryRegistrationNo *string    `json:"factoryRegistrationNo"`
	FiledByMemberID       *string    `json:"filedByMemberId"`
	OccurredAt            *time.Time `json:"occurredAt"`
	// FiledBy is the member FiledByMemberID names, once Clean decoded it.
	FiledBy *int64 `json:"-"`
}

// Clean normalises f and records in c what is wrong with it, but for the
// factory and the member, which only the database knows.
func (f *Filing) Clean(c *apperr.Check, catalog *refdata.Catalog, now time.Time) {
	f.Description = validate.Text(c, "description", f.Description, MaxDescription)
	if !catalog.Province(f.ProvinceCode) {
		c.Failf("provinceCode", "no province has the code %q", f.ProvinceCode)
	}
	if f.FactoryRegistrationNo != nil {
		no := validate.Identifier(c, "factoryRegistrationNo", *f.FactoryRegistrationNo, 1, 40)
		f.FactoryRegistrationNo = &no
	}
	if f.FiledByMemberID != nil {
		if id := gid.DecodeAs(c, "filedByMemberId", *f.FiledByMemberID, gid.Member); id != 0 {
			f.FiledBy = &id
		}
	}
	if f.OccurredAt != nil {
		if earliest := validate.FiscalYearStart(2540); f.OccurredAt.Before(earliest) || f.OccurredAt.After(now) {
			c.Failf("occurredAt", "must be between %s and now", earliest.Format(time.DateOnly))
		}
	}
}

// fileComplaint takes the next serial of the current fiscal year (see
// migration 00005: the counter row stays locked until the filing commits),
// then writes the complaint, handled by :handled_by, and its first event.
// A fiscal year without a counter row yet starts after its highest serial.
const fileComplaint = `WITH fy AS (
    SELECT CAST(extract(year FROM timezone('Asia/Bangkok', now()) + interval '3 months') + 543 AS smallint) AS year
), serial AS (
    INSERT INTO complaint_serials AS s (fiscal_year, last)
    SELECT fy.year, (SELECT coalesce(max(x.serial), 0) + 1 FROM complaints x WHERE x.fiscal_year = fy.year) FROM fy
    ON CONFLICT (fiscal_year) DO UPDATE SET last = s.last + 1
    RETURNING last
), complaint AS (
    INSERT INTO complaints (serial, category, description, filed_at, province_code, factory_id, handled_by, filed_by, occurred_at)
    SELECT serial.last, $1, $2, now(), $3, $4, $5, $6, $7 FROM serial
    RETURNING id, filed_at
)
INSERT INTO complaint_events (complaint_id, at, status)
SELECT id, filed_at, 'RECEIVED' FROM complaint
RETURNING complaint_id`

// constraints say which input field each constraint of complaints guards.
var constraints = map[string]postgres.Constraint{
	"complaints_factory_id_province_code_fkey": {Field: "input.factoryRegistrationNo",
		Message: "the factory is not in the complaint's province"},
	"complaints_filed_by_fkey":     {Field: "input.filedByMemberId", Message: "no member has this ID"},
	"complaints_occurred_at_check": {Field: "input.occurredAt", Message: "must not be after the filing"},
}

// File writes a new complaint about factoryID (if known), handled by the
// office handledBy, and answers its id.
func File(ctx context.Context, tx sqlx.QueryerContext, f *Filing, factoryID *int64, handledBy string) (int64, error) {
	var id int64
	err := tx.QueryRowxContext(ctx, fileComplaint, f.Category, f.Description, f.ProvinceCode, factoryID,
		handledBy, f.FiledBy, f.OccurredAt).Scan(&id)
	if err != nil {
		return 0, postgres.ConstraintError(fmt.Errorf("file complaint: %w", err), constraints)
	}
	return id, nil
}

// next lists the statuses each status may move to.
var next = map[Status][]Status{
	Received:      {Investigating},
	Investigating: {Resolved, Dismissed, Referred},
	Resolved:      {Investigating},
	Dismissed:     {Investigating},
}

// CanMove tells whether the workflow allows moving from one status to
// another.
func CanMove(from, to Status) bool {
	for _, s := range next[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Closed tells whether a status closes a complaint.
func Closed(s Status) bool { return s == Resolved || s == Dismissed || s == Referred }

// Lock reads the complaint with id for update, or nil when there is none.
func Lock(ctx context.Context, tx sqlx.QueryerContext, id int64) (*Complaint, error) {
	c, err := postgres.One[Complaint](ctx, tx, `SELECT `+columns.List()+` FROM complaints c WHERE c.id = $1 FOR UPDATE`, id)
	if err != nil {
		return nil, fmt.Errorf("lock complaint: %w", err)
	}
	return c, nil
}

// transition moves a complaint and appends the event, at the time of the
// statement: after the row lock was granted, so that a complaint's events
// are in the order their transitions committed. Closing sets resolved_at,
// reopening clears it.
const transition = `WITH moved AS (
    UPDATE complaints
    SET status = $2, version = version + 1,
        resolved_at = CASE WHEN $4 THEN clock_timestamp() END
    WHERE id = $1
    RETURNING id, status
)
INSERT INTO complaint_events (complaint_id, at, status, note)
SELECT id, clock_timestamp(), status, $3 FROM moved`

// Transition moves the locked complaint c to status to with an optional
// note (checked by the caller against CanMove).
func Transition(ctx context.Context, tx sqlx.ExecerContext, c *Complaint, to Status, note *string) error {
	if _, err := tx.ExecContext(ctx, transition, c.ID, to, note, Closed(to)); err != nil {
		return fmt.Errorf("transition complaint: %w", err)
	}
	return nil
}

// AddInvestigators assigns the members to complaint id and answers those
// who were not assigned yet.
func AddInvestigators(ctx context.Context, tx sqlx.QueryerContext, id int64, members []int64) ([]int64, error) {
	var added []int64
	err := sqlx.SelectContext(ctx, tx, &added, `INSERT INTO complaint_investigators (complaint_id, member_id)
		SELECT $1, m FROM unnest(CAST($2 AS bigint[])) AS m
		ON CONFLICT DO NOTHING
		RETURNING member_id`, id, pq.Array(members))
	if err != nil {
		return nil, fmt.Errorf("assign investigators: %w", err)
	}
	return added, nil
}

// Record gives r the fields of a complaint before and after a write, by
// their API names.
func Record(r audit.Recorder, before, after *Complaint) {
	r.Set("referenceNo", before.ReferenceNo, after.ReferenceNo)
	r.Set("category", before.Category, after.Category)
	r.Set("status", before.Status, after.Status)
	r.Set("description", before.Description, after.Description)
	r.Set("provinceCode", before.ProvinceCode, after.ProvinceCode)
	r.Set("factoryId", before.FactoryID, after.FactoryID)
	r.Set("handledBy", before.HandledBy, after.HandledBy)
	r.Set("filedBy", before.FiledBy, after.FiledBy)
	r.Set("occurredAt", before.OccurredAt, after.OccurredAt)
	r.Set("resolvedAt", before.ResolvedAt, after.ResolvedAt)
	r.Set("version", before.Version, after.Version)
}
