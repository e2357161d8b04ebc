package mutation

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/apperr"
	"eilnet/internal/audit"
	"eilnet/internal/complaint"
	"eilnet/internal/gid"
	"eilnet/internal/member"
	"eilnet/internal/validate"
)

// FileComplaint files a new complaint, handled by the office of its
// province, and answers its id.
func (s *Service) FileComplaint(ctx context.Context, field string, f complaint.Filing) (int64, error) {
	c := apperr.NewCheck("input")
	f.Clean(c, s.catalog, s.now())
	return s.create(ctx, "fileComplaint", field, "Complaint", f, func(tx *sqlx.Tx) (int64, audit.Changes, error) {
		factoryID, err := s.factoryIn(ctx, tx, c, f.FactoryRegistrationNo, f.ProvinceCode, f.ProvinceCode)
		if err != nil {
			return 0, nil, err
		}
		if f.FiledBy != nil {
			ms, err := member.NewStore(tx).ByIDs(ctx, []int64{*f.FiledBy})
			if err != nil {
				return 0, nil, err
			}
			if len(ms) == 0 {
				c.Failf("filedByMemberId", "no member has the ID %q", *f.FiledByMemberID)
			} else if err := withinScope(ctx, "input.filedByMemberId", *f.FiledByMemberID, ms[0].ProvinceCode); err != nil {
				return 0, nil, err
			}
		}
		if err := c.Err(); err != nil {
			return 0, nil, err
		}
		id, err := complaint.File(ctx, tx, &f, factoryID, s.catalog.OfficeOfProvince(f.ProvinceCode))
		if err != nil {
			return 0, nil, err
		}
		after, err := complaint.Lock(ctx, tx, id)
		if err != nil {
			return 0, nil, err
		}
		created := audit.Created{}
		complaint.Record(created, &complaint.Complaint{}, after)
		return id, audit.Changes(created), nil
	})
}

// TransitionComplaint moves a complaint along its workflow and answers its
// id. expectedVersion is the version the caller saw: when the complaint
// has moved since, the answer is a CONFLICT that gives the current version.
func (s *Service) TransitionComplaint(ctx context.Context, id string, to complaint.Status, note *string, expectedVersion int) (int64, error) {
	n, err := target("id", id, gid.Complaint)
	if err != nil {
		return 0, err
	}
	c := apperr.NewCheck("")
	note = validate.OptionalLine(c, "note", note, complaint.MaxNote)
	if err := c.Err(); err != nil {
		return 0, err
	}
	return s.change(ctx, "transitionComplaint", "Complaint", func(tx *sqlx.Tx) (int64, audit.Changes, error) {
		before, err := complaint.Lock(ctx, tx, n)
		switch {
		case err != nil:
			return 0, nil, err
		case before == nil:
			return 0, nil, notFound("id", id, gid.Complaint)
		case before.Version != expectedVersion:
			return 0, nil, &apperr.Error{Code: apperr.Conflict, Field: "expectedVersion",
				Message: fmt.Sprintf("the complaint is at version %d, not %d: it has moved since; re-read it and decide again",
					before.Version, expectedVersion),
				Details: map[string]any{"currentVersion": before.Version, "currentStatus": before.Status}}
		case !complaint.CanMove(before.Status, to):
			return 0, nil, &apperr.Error{Code: apperr.BadUserInput, Field: "to",
				Message: fmt.Sprintf("a %s complaint cannot move to %s", before.Status, to)}
		}
		if err := complaint.Transition(ctx, tx, before, to, note); err != nil {
			return 0, nil, err
		}
		after, err := complaint.Lock(ctx, tx, n)
		if err != nil {
			return 0, nil, err
		}
		changes := audit.Changes{}
		complaint.Record(changes, before, after)
		if note != nil {
			changes.Set("note", nil, *note)
		}
		return n, changes, nil
	})
}

// AssignInvestigators adds members to those checking an open complaint on
// site and answers the complaint's id. Assigning someone twice changes
// nothing.
func (s *Service) AssignInvestigators(ctx context.Context, complaintID string, memberIDStrings []string) (int64, error) {
	n, err := target("complaintId", complaintID, gid.Complaint)
	if err != nil {
		return 0, err
	}
	c := apperr.NewCheck("")
	ids := memberIDs(c, "memberIds", memberIDStrings)
	return s.change(ctx, "assignInvestigators", "Complaint", func(tx *sqlx.Tx) (int64, audit.Changes, error) {
		cp, err := complaint.Lock(ctx, tx, n)
		switch {
		case err != nil:
			return 0, nil, err
		case cp == nil:
			return 0, nil, notFound("complaintId", complaintID, gid.Complaint)
		case complaint.Closed(cp.Status):
			c.Failf("complaintId", "the complaint is %s: reopen it before assigning investigators", cp.Status)
		}
		if err := checkMembers(ctx, tx, c, "memberIds", memberIDStrings, ids); err != nil {
			return 0, nil, err
		}
		if err := c.Err(); err != nil {
			return 0, nil, err
		}
		added, err := complaint.AddInvestigators(ctx, tx, n, ids)
		if err != nil {
			return 0, nil, err
		}
		changes := audit.Changes{}
		if len(added) > 0 {
			changes.Set("investigatorsAdded", nil, added)
		}
		return n, changes, nil
	})
}
