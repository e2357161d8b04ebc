package mutation

import (
	"context"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/apperr"
	"eilnet/internal/audit"
	"eilnet/internal/award"
	"eilnet/internal/gid"
	"eilnet/internal/member"
	"eilnet/internal/seminar"
)

// CreateSeminar records a new seminar and answers its id.
func (s *Service) CreateSeminar(ctx context.Context, field string, cr seminar.Creation) (int64, error) {
	c := apperr.NewCheck("input")
	cr.Clean(c, s.catalog)
	// Nothing of it needs the database: refuse it before a transaction.
	if err := c.Err(); err != nil {
		return 0, err
	}
	return s.create(ctx, "createSeminar", field, "Seminar", cr, func(tx *sqlx.Tx) (int64, audit.Changes, error) {
		id, err := seminar.Insert(ctx, tx, &cr)
		if err != nil {
			return 0, nil, err
		}
		after, err := seminar.Lock(ctx, tx, id)
		if err != nil {
			return 0, nil, err
		}
		created := audit.Created{}
		seminar.Record(created, &seminar.Seminar{}, after)
		return id, audit.Changes(created), nil
	})
}

// RecordAttendance adds attendees to a seminar and answers its id.
// Recording someone twice changes nothing.
func (s *Service) RecordAttendance(ctx context.Context, seminarID string, memberIDStrings []string) (int64, error) {
	n, err := target("seminarId", seminarID, gid.Seminar)
	if err != nil {
		return 0, err
	}
	c := apperr.NewCheck("")
	ids := memberIDs(c, "memberIds", memberIDStrings)
	return s.change(ctx, "recordAttendance", "Seminar", func(tx *sqlx.Tx) (int64, audit.Changes, error) {
		sem, err := seminar.Lock(ctx, tx, n)
		switch {
		case err != nil:
			return 0, nil, err
		case sem == nil:
			return 0, nil, notFound("seminarId", seminarID, gid.Seminar)
		}
		if err := checkMembers(ctx, tx, c, "memberIds", memberIDStrings, ids); err != nil {
			return 0, nil, err
		}
		if err := c.Err(); err != nil {
			return 0, nil, err
		}
		added, err := seminar.AddAttendees(ctx, tx, n, ids)
		if err != nil {
			return 0, nil, err
		}
		changes := audit.Changes{}
		if len(added) > 0 {
			changes.Set("attendeesAdded", nil, added)
		}
		return n, changes, nil
	})
}

// GrantAward confers an award on a member and answers its id. A member is
// honoured at most once a fiscal year (a second grant is a CONFLICT); the
// ceremony, if named, is an AWARD_CEREMONY in or after the year honoured.
func (s *Service) GrantAward(ctx context.Context, field string, g award.Grant) (int64, error) {
	c := apperr.NewCheck("input")
	g.Clean(c)
	return s.create(ctx, "grantAward", field, "Award", g, func(tx *sqlx.Tx) (int64, audit.Changes, error) {
		if g.Member != 0 {
			ms, err := member.NewStore(tx).ByIDs(ctx, []int64{g.Member})
			if err != nil {
				return 0, nil, err
			}
			if len(ms) == 0 {
				c.Failf("memberId", "no member has the ID %q", g.MemberID)
			}
		}
		if g.Seminar != nil {
			sem, err := seminar.Lock(ctx, tx, *g.Seminar)
			switch {
			case err != nil:
				return 0, nil, err
			case sem == nil:
				c.Failf("seminarId", "no seminar has the ID %q", *g.SeminarID)
			case sem.Kind != seminar.KindAwardCeremony:
				c.Failf("seminarId", "awards are conferred at an AWARD_CEREMONY, not at a %s", sem.Kind)
			case sem.FiscalYear < g.FiscalYear:
				c.Failf("seminarId", "the ceremony (fiscal year %d) is before the year it would honour (%d)", sem.FiscalYear, g.FiscalYear)
			}
		}
		if err := c.Err(); err != nil {
			return 0, nil, err
		}
		id, err := award.Insert(ctx, tx, &g)
		if err != nil {
			return 0, nil, err
		}
		as, err := award.NewStore(tx).ByIDs(ctx, []int64{id})
		if err != nil {
			return 0, nil, err
		}
		created := audit.Created{}
		award.Record(created, &award.Award{}, as[0])
		return id, audit.Changes(created), nil
	})
}
