// Package summary computes the network's headline figures.
package summary

import (
	"context"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/member"
	"eilnet/internal/postgres"
	"eilnet/internal/validate"
)

// Summary is the network's headline figures, now or for one fiscal year.
type Summary struct {
	Members                      int `db:"members"`
	Citizens                     int `db:"citizens"`
	Private                      int `db:"private"`
	Government                   int `db:"government"`
	Factories                    int `db:"factories"`
	GovernanceCertifiedFactories int `db:"certified"`
	Complaints                   int `db:"complaints"`
	OpenComplaints               int `db:"open_complaints"`
	Seminars                     int `db:"seminars"`
	SeminarAttendances           int `db:"attendances"`
	Awards                       int `db:"awards"`
}

// SectorCount is the number of members of one sector.
type SectorCount struct {
	Sector member.Sector
	Count  int
}

// MembersBySector breaks the members down by sector.
func (s *Summary) MembersBySector() []*SectorCount {
	return []*SectorCount{
		{member.Citizen, s.Citizens},
		{member.Private, s.Private},
		{member.Government, s.Government},
	}
}

// Store computes summaries from PostgreSQL.
type Store struct {
	db sqlx.ExtContext
}

// NewStore returns a Store reading through db.
func NewStore(db sqlx.ExtContext) *Store { return &Store{db: db} }

// Stock figures count what existed at :until (the day after the fiscal
// year, or no bound); flow figures what happened in :fiscal_year.
const summary = `SELECT m.*, f.*, c.*, s.*, a.*
FROM (SELECT count(*) AS members,
             count(*) FILTER (WHERE sector = 'CITIZEN') AS citizens,
             count(*) FILTER (WHERE sector = 'PRIVATE') AS private,
             count(*) FILTER (WHERE sector = 'GOVERNMENT') AS government
      FROM members
      WHERE CAST(:until AS date) IS NULL OR joined_on < :until) AS m,
     (SELECT count(*) AS factories,
             count(*) FILTER (WHERE governance_certified) AS certified
      FROM factories
      WHERE CAST(:until AS date) IS NULL OR registered_on < :until) AS f,
     (SELECT count(*) AS complaints,
             count(*) FILTER (WHERE status IN ('RECEIVED', 'INVESTIGATING')) AS open_complaints
      FROM complaints
      WHERE CAST(:fiscal_year AS smallint) IS NULL OR fiscal_year = :fiscal_year) AS c,
     (SELECT count(*) AS seminars,
             coalesce(sum((SELECT count(*) FROM attendances a WHERE a.seminar_id = s.id)), 0) AS attendances
      FROM seminars s
      WHERE CAST(:fiscal_year AS smallint) IS NULL OR s.fiscal_year = :fiscal_year) AS s,
     (SELECT count(*) AS awards
      FROM awards
      WHERE CAST(:fiscal_year AS smallint) IS NULL OR fiscal_year = :fiscal_year) AS a`

// Network computes the summary now (fiscalYear 0) or for a fiscal year.
func (s *Store) Network(ctx context.Context, fiscalYear int) (*Summary, error) {
	arg := map[string]any{"until": nil, "fiscal_year": nil}
	if fiscalYear != 0 {
		// The fiscal year ends where the next one starts.
		arg["until"] = validate.FiscalYearStart(fiscalYear + 1)
		arg["fiscal_year"] = fiscalYear
	}
	var out []*Summary
	if err := postgres.Select(ctx, s.db, &out, summary, arg); err != nil {
		return nil, err
	}
	return out[0], nil
}
