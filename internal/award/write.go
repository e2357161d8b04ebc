package award

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/apperr"
	"eilnet/internal/audit"
	"eilnet/internal/gid"
	"eilnet/internal/postgres"
	"eilnet/internal/validate"
)

// Grant is an award to confer, as a client gives it.
type Grant struct {
	MemberID   string  `json:"memberId"`
	Level      Level   `json:"level"`
	FiscalYear int     `json:"fiscalYear"`
	SeminarID  *string `json:"seminarId"`
	// Member and Seminar are the ids Clean decoded.
	Member  int64  `json:"-"`
	Seminar *int64 `json:"-"`
}

// Clean decodes g's IDs and records in c what is wrong with it, but for
// whether the member and the ceremony exist, which only the database
// knows.
func (g *Grant) Clean(c *apperr.Check) {
	g.Member = gid.DecodeAs(c, "memberId", g.MemberID, gid.Member)
	if g.FiscalYear < validate.MinFiscalYear || g.FiscalYear > validate.MaxFiscalYear {
		c.Failf("fiscalYear", "must be a fiscal year of the Buddhist Era between %d and %d, not %d",
			validate.MinFiscalYear, validate.MaxFiscalYear, g.FiscalYear)
	}
	if g.SeminarID != nil {
		if id := gid.DecodeAs(c, "seminarId", *g.SeminarID, gid.Seminar); id != 0 {
			g.Seminar = &id
		}
	}
}

var constraints = map[string]postgres.Constraint{
	"awards_member_id_fiscal_year_key": {Field: "input.fiscalYear",
		Message: "the member has been honoured for this fiscal year already"},
	"awards_member_id_fkey":  {Field: "input.memberId", Message: "no member has this ID"},
	"awards_seminar_id_fkey": {Field: "input.seminarId", Message: "no seminar has this ID"},
}

// Insert writes a new award and answers its id.
func Insert(ctx context.Context, tx sqlx.QueryerContext, g *Grant) (int64, error) {
	var id int64
	err := tx.QueryRowxContext(ctx, `INSERT INTO awards (member_id, level, fiscal_year, seminar_id)
		VALUES ($1, $2, $3, $4) RETURNING id`, g.Member, g.Level, g.FiscalYear, g.Seminar).Scan(&id)
	if err != nil {
		return 0, postgres.ConstraintError(fmt.Errorf("insert award: %w", err), constraints)
	}
	return id, nil
}

// Record gives r the fields of a award before and after a write, by
// their API names.
func Record(r audit.Recorder, before, after *Award) {
	r.Set("memberId", before.MemberID, after.MemberID)
	r.Set("level", before.Level, after.Level)
	r.Set("fiscalYear", before.FiscalYear, after.FiscalYear)
	r.Set("seminarId", before.SeminarID, after.SeminarID)
}
