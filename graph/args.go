package graph

import (
	"math"
	"regexp"
	"time"

	"eilnet/graph/model"
	"eilnet/internal/apperr"
	"eilnet/internal/complaint"
	"eilnet/internal/factory"
	"eilnet/internal/member"
	"eilnet/internal/search"
	"eilnet/internal/seminar"
	"eilnet/internal/validate"
)

// This file turns GraphQL filter and order arguments into domain queries,
// refusing what cannot be served with BAD_USER_INPUT: a filter naming a
// province or office that does not exist would otherwise answer an empty
// list that looks like a fact.

var provinceCodeFormat = regexp.MustCompile(`^[0-9]{2}$`)

func badInput(format string, args ...any) error {
	return apperr.Errorf(apperr.BadUserInput, format, args...)
}

func (r *Resolver) checkProvince(arg string, code *string) (string, error) {
	if code == nil {
		return "", nil
	}
	if !r.Catalog.Province(*code) {
		return "", badInput("%s: no province has the code %q", arg, *code)
	}
	return *code, nil
}

func (r *Resolver) checkOffice(arg string, code *string) (string, error) {
	if code == nil {
		return "", nil
	}
	if !r.Catalog.Office(*code) {
		return "", badInput("%s: no office has the code %q", arg, *code)
	}
	return *code, nil
}

func checkFiscalYear(arg string, fy *int) (int, error) {
	if fy == nil {
		return 0, nil
	}
	if *fy < validate.MinFiscalYear || *fy > validate.MaxFiscalYear {
		return 0, badInput("%s must be a Buddhist Era year between %d and %d, not %d", arg, validate.MinFiscalYear, validate.MaxFiscalYear, *fy)
	}
	return *fy, nil
}

// checkRange refuses a range whose end comes before its start.
func checkRange(arg string, from, to *time.Time) error {
	if from != nil && to != nil && to.Before(*from) {
		return badInput("%s: the range ends before it starts", arg)
	}
	return nil
}

// searchText checks and normalises an optional search text.
func searchText(arg string, text *string) (string, error) {
	if text == nil {
		return "", nil
	}
	return search.Text(arg, *text)
}

// maxRadiusKm bounds a radius search: Thailand is about 1,650 km long.
const maxRadiusKm = 500

// circle checks an optional radius.
func circle(arg string, g *model.GeoRadius) (factory.Circle, error) {
	if g == nil {
		return factory.Circle{}, nil
	}
	switch {
	case math.IsNaN(g.Latitude) || g.Latitude < -90 || g.Latitude > 90:
		return factory.Circle{}, badInput("%s.latitude must be between -90 and 90", arg)
	case math.IsNaN(g.Longitude) || g.Longitude < -180 || g.Longitude > 180:
		return factory.Circle{}, badInput("%s.longitude must be between -180 and 180", arg)
	case math.IsNaN(g.RadiusKm) || g.RadiusKm <= 0 || g.RadiusKm > maxRadiusKm:
		return factory.Circle{}, badInput("%s.radiusKm must be more than 0 and at most %d", arg, maxRadiusKm)
	}
	return factory.Circle{Latitude: g.Latitude, Longitude: g.Longitude, RadiusKm: g.RadiusKm}, nil
}

func value[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (r *Resolver) memberQuery(f *model.MemberFilter, o *member.Order) (member.Query, error) {
	q := member.Query{Order: member.DefaultOrder}
	if o != nil {
		q.Order = *o
	}
	if f == nil {
		return q, nil
	}
	var err error
	if q.Filter.ProvinceCode, err = r.checkProvince("filter.provinceCode", f.ProvinceCode); err != nil {
		return q, err
	}
	if q.Filter.OfficeCode, err = r.checkOffice("filter.officeCode", f.OfficeCode); err != nil {
		return q, err
	}
	if err := checkRange("filter.joinedFrom/joinedTo", f.JoinedFrom, f.JoinedTo); err != nil {
		return q, err
	}
	if q.Filter.Search, err = searchText("filter.search", f.Search); err != nil {
		return q, err
	}
	q.Filter.Sector = value(f.Sector)
	q.Filter.JoinedFrom = value(f.JoinedFrom)
	q.Filter.JoinedTo = value(f.JoinedTo)
	return q, nil
}

func (r *Resolver) factoryQuery(f *model.FactoryFilter, o *factory.Order) (factory.Query, error) {
	q := factory.Query{Order: factory.DefaultOrder}
	if o != nil {
		q.Order = *o
	}
	if f == nil {
		return q, nil
	}
	var err error
	if q.Filter.ProvinceCode, err = r.checkProvince("filter.provinceCode", f.ProvinceCode); err != nil {
		return q, err
	}
	if f.Category != nil && (*f.Category < 1 || *f.Category > 3) {
		return q, badInput("filter.category must be 1, 2 or 3, not %d", *f.Category)
	}
	if f.TypeCode != nil && !r.Catalog.FactoryType(*f.TypeCode) {
		return q, badInput("filter.typeCode: no factory type has the number %d", *f.TypeCode)
	}
	if q.Filter.Search, err = searchText("filter.search", f.Search); err != nil {
		return q, err
	}
	if q.Filter.Within, err = circle("filter.within", f.Within); err != nil {
		return q, err
	}
	q.Filter.Region = string(value(f.Region))
	q.Filter.Category = value(f.Category)
	q.Filter.TypeCode = value(f.TypeCode)
	q.Filter.Status = value(f.Status)
	if f.GovernanceCertified != nil {
		q.Filter.GovernanceCertified = factory.No
		if *f.GovernanceCertified {
			q.Filter.GovernanceCertified = factory.Yes
		}
	}
	return q, nil
}

func (r *Resolver) complaintQuery(f *model.ComplaintFilter, o *complaint.Order) (complaint.Query, error) {
	q := complaint.Query{Order: complaint.DefaultOrder}
	if o != nil {
		q.Order = *o
	}
	if f == nil {
		return q, nil
	}
	var err error
	if q.Filter.ProvinceCode, err = r.checkProvince("filter.provinceCode", f.ProvinceCode); err != nil {
		return q, err
	}
	if q.Filter.FiscalYear, err = checkFiscalYear("filter.fiscalYear", f.FiscalYear); err != nil {
		return q, err
	}
	if err := checkRange("filter.filedFrom/filedTo", f.FiledFrom, f.FiledTo); err != nil {
		return q, err
	}
	if q.Filter.Search, err = searchText("filter.search", f.Search); err != nil {
		return q, err
	}
	if f.InspectionZone != nil && !r.Catalog.Zone(*f.InspectionZone) {
		return q, badInput("filter.inspectionZone: no inspection zone has the number %d", *f.InspectionZone)
	}
	q.Filter.InspectionZone = value(f.InspectionZone)
	q.Filter.FactoryRegistrationNo = value(f.FactoryRegistrationNo)
	q.Filter.Region = string(value(f.Region))
	q.Filter.Category = value(f.Category)
	if f.Status != nil {
		q.Filter.Statuses = complaint.NewStatusSet(f.Status)
	}
	q.Filter.FiledFrom = value(f.FiledFrom)
	q.Filter.FiledTo = value(f.FiledTo)
	return q, nil
}

func (r *Resolver) seminarQuery(f *model.SeminarFilter, o *seminar.Order) (seminar.Query, error) {
	q := seminar.Query{Order: seminar.DefaultOrder}
	if o != nil {
		q.Order = *o
	}
	if f == nil {
		return q, nil
	}
	var err error
	if q.Filter.ProvinceCode, err = r.checkProvince("filter.provinceCode", f.ProvinceCode); err != nil {
		return q, err
	}
	if q.Filter.FiscalYear, err = checkFiscalYear("filter.fiscalYear", f.FiscalYear); err != nil {
		return q, err
	}
	if q.Filter.OrganizerCode, err = r.checkOffice("filter.organizerCode", f.OrganizerCode); err != nil {
		return q, err
	}
	if q.Filter.Search, err = searchText("filter.search", f.Search); err != nil {
		return q, err
	}
	q.Filter.Kind = value(f.Kind)
	q.Filter.Mode = value(f.Mode)
	return q, nil
}
