package mutation

import (
	"context"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/apperr"
	"eilnet/internal/audit"
	"eilnet/internal/factory"
	"eilnet/internal/gid"
	"eilnet/internal/member"
	"eilnet/internal/validate"
)

// RegisterMember registers a new member and answers its id.
func (s *Service) RegisterMember(ctx context.Context, field string, r member.Registration) (int64, error) {
	c := apperr.NewCheck("input")
	today := validate.Today(s.now())
	r.Clean(c, s.catalog, today)
	province := s.catalog.ProvinceOfOffice(r.OfficeCode)
	return s.create(ctx, "registerMember", field, "Member", r, func(tx *sqlx.Tx) (int64, audit.Changes, error) {
		factoryID, err := s.factoryIn(ctx, tx, c, r.FactoryRegistrationNo, province,
			"the province of the member's office ("+province+")")
		if err != nil {
			return 0, nil, err
		}
		if err := c.Err(); err != nil {
			return 0, nil, err
		}
		id, err := member.Insert(ctx, tx, &r, province, factoryID, today)
		if err != nil {
			return 0, nil, err
		}
		after, err := member.Lock(ctx, tx, id)
		if err != nil {
			return 0, nil, err
		}
		created := audit.Created{}
		member.Record(created, &member.Member{}, after)
		return id, audit.Changes(created), nil
	})
}

// factoryIn finds a factory by its registration number (nil for none),
// recording in c when there is no such factory in province (inProvince
// names that province for the message); an unknown province ("", already
// reported) is not compared.
func (s *Service) factoryIn(ctx context.Context, tx sqlx.ExtContext, c *apperr.Check, regNo *string, province, inProvince string) (*int64, error) {
	if regNo == nil || *regNo == "" {
		return nil, nil
	}
	f, err := factory.NewStore(tx, s.catalog).ByRegistrationNo(ctx, *regNo)
	switch {
	case err != nil:
		return nil, err
	case f == nil:
		c.Failf("factoryRegistrationNo", "no factory has the registration number %q", *regNo)
		return nil, nil
	case province != "" && f.ProvinceCode != province:
		c.Failf("factoryRegistrationNo", "factory %s is in province %s, not in %s", *regNo, f.ProvinceCode, inProvince)
		return nil, nil
	}
	return &f.ID, nil
}

// UpdateMember changes a member and answers its id.
func (s *Service) UpdateMember(ctx context.Context, id string, u member.Update) (int64, error) {
	n, err := target("id", id, gid.Member)
	if err != nil {
		return 0, err
	}
	c := apperr.NewCheck("input")
	u.Clean(c)
	return s.change(ctx, "updateMember", "Member", func(tx *sqlx.Tx) (int64, audit.Changes, error) {
		before, err := member.Lock(ctx, tx, n)
		switch {
		case err != nil:
			return 0, nil, err
		case before == nil:
			return 0, nil, notFound("id", id, gid.Member)
		}
		after := *before
		if u.FullName.Value != nil {
			after.FullName = *u.FullName.Value
		}
		if u.Phone.Set {
			after.Phone = u.Phone.Value
		}
		if u.Email.Set {
			after.Email = u.Email.Value
		}
		if u.FactoryRegistrationNo.Set {
			if u.FactoryRegistrationNo.Value != nil && before.Sector != member.Private {
				c.Failf("factoryRegistrationNo", "only PRIVATE members represent a factory, not %s ones", before.Sector)
			} else if after.FactoryID, err = s.factoryIn(ctx, tx, c, u.FactoryRegistrationNo.Value, before.ProvinceCode,
				"the province of the member's office ("+before.ProvinceCode+")"); err != nil {
				return 0, nil, err
			}
		}
		if err := c.Err(); err != nil {
			return 0, nil, err
		}
		if err := member.Save(ctx, tx, &after); err != nil {
			return 0, nil, err
		}
		changes := audit.Changes{}
		member.Record(changes, before, &after)
		return n, changes, nil
	})
}
