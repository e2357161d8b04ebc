// Package loader batches every read of a relation through per-request
// dataloadgen loaders, so that a nested query costs one SQL statement per
// level and argument set, not one per parent.
//
// Loaders are built for each request by Middleware and reached with For;
// they are never shared between requests, because a loader caches results
// (and errors) for its whole life and runs each batch with the context of
// the request that started it.
package loader

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/vikstrous/dataloadgen"

	"eilnet/internal/award"
	"eilnet/internal/complaint"
	"eilnet/internal/factory"
	"eilnet/internal/member"
	"eilnet/internal/office"
	"eilnet/internal/page"
	"eilnet/internal/province"
	"eilnet/internal/seminar"
)

// Stores are the domain stores the loaders read from.
type Stores struct {
	Provinces  *province.Store
	Offices    *office.Store
	Members    *member.Store
	Factories  *factory.Store
	Complaints *complaint.Store
	Seminars   *seminar.Store
	Awards     *award.Store
}

// NewStores returns the stores reading through db.
func NewStores(db sqlx.ExtContext) *Stores {
	return &Stores{
		Provinces:  province.NewStore(db),
		Offices:    office.NewStore(db),
		Members:    member.NewStore(db),
		Factories:  factory.NewStore(db),
		Complaints: complaint.NewStore(db),
		Seminars:   seminar.NewStore(db),
		Awards:     award.NewStore(db),
	}
}

// Config tunes batching.
type Config struct {
	// Wait is how long a loader collects keys before it fetches them. The
	// resolvers of one level of a query all run within it, so it bounds
	// the batch; every level of a query pays it once.
	Wait time.Duration
}

// Loaders are one request's loaders.
type Loaders struct {
	provinces        *dataloadgen.Loader[string, *province.Province]
	offices          *dataloadgen.Loader[string, *office.Office]
	officeByProvince *dataloadgen.Loader[string, *office.Office]
	members          *dataloadgen.Loader[int64, *member.Member]
	factories        *dataloadgen.Loader[int64, *factory.Factory]
	complaints       *dataloadgen.Loader[int64, *complaint.Complaint]
	seminars         *dataloadgen.Loader[int64, *seminar.Seminar]
	awards           *dataloadgen.Loader[int64, *award.Award]

	operators     *dataloadgen.Loader[int64, []*member.Member]
	investigators *dataloadgen.Loader[int64, []*member.Member]
	timelines     *dataloadgen.Loader[int64, []*complaint.Event]
	memberAwards  *dataloadgen.Loader[int64, []*award.Award]
	seminarAwards *dataloadgen.Loader[int64, []*award.Award]

	memberPages     *dataloadgen.Loader[PageKey[member.Query], *page.Page[*member.Member]]
	memberCounts    *dataloadgen.Loader[CountKey[member.Filter], int]
	factoryPages    *dataloadgen.Loader[PageKey[factory.Query], *page.Page[*factory.Factory]]
	factoryCounts   *dataloadgen.Loader[CountKey[factory.Filter], int]
	complaintPages  *dataloadgen.Loader[PageKey[complaint.Query], *page.Page[*complaint.Complaint]]
	complaintCounts *dataloadgen.Loader[CountKey[complaint.Filter], int]
	seminarPages    *dataloadgen.Loader[PageKey[seminar.Query], *page.Page[*seminar.Seminar]]
	seminarCounts   *dataloadgen.Loader[CountKey[seminar.Filter], int]
}

// New builds the loaders of one request.
func New(s *Stores, cfg Config) *Loaders {
	opts := []dataloadgen.Option{dataloadgen.WithWait(cfg.Wait)}
	return &Loaders{
		provinces: dataloadgen.NewMappedLoader(byKey(s.Provinces.ByCodes,
			func(p *province.Province) string { return p.Code }), opts...),
		offices: dataloadgen.NewMappedLoader(byKey(s.Offices.ByCodes,
			func(o *office.Office) string { return o.Code }), opts...),
		officeByProvince: dataloadgen.NewMappedLoader(byKey(s.Offices.ByProvinces,
			func(o *office.Office) string { return o.ProvinceCode }), opts...),
		members: dataloadgen.NewMappedLoader(byKey(s.Members.ByIDs,
			func(m *member.Member) int64 { return m.ID }), opts...),
		factories: dataloadgen.NewMappedLoader(byKey(s.Factories.ByIDs,
			func(f *factory.Factory) int64 { return f.ID }), opts...),
		complaints: dataloadgen.NewMappedLoader(byKey(s.Complaints.ByIDs,
			func(c *complaint.Complaint) int64 { return c.ID }), opts...),
		seminars: dataloadgen.NewMappedLoader(byKey(s.Seminars.ByIDs,
			func(s *seminar.Seminar) int64 { return s.ID }), opts...),
		awards: dataloadgen.NewMappedLoader(byKey(s.Awards.ByIDs,
			func(a *award.Award) int64 { return a.ID }), opts...),

		operators: dataloadgen.NewLoader(grouped(s.Members.ByFactories,
			func(m *member.Member) (int64, *member.Member) { return *m.FactoryID, m }), opts...),
		investigators: dataloadgen.NewLoader(grouped(s.Members.Investigators,
			func(i *member.Investigator) (int64, *member.Member) { return i.ComplaintID, &i.Member }), opts...),
		timelines: dataloadgen.NewLoader(grouped(s.Complaints.Timelines,
			func(e *complaint.Event) (int64, *complaint.Event) { return e.ComplaintID, e }), opts...),
		memberAwards: dataloadgen.NewLoader(grouped(s.Awards.ByMembers,
			func(a *award.Award) (int64, *award.Award) { return a.MemberID, a }), opts...),
		seminarAwards: dataloadgen.NewLoader(grouped(s.Awards.BySeminars,
			func(a *award.Award) (int64, *award.Award) { return *a.SeminarID, a }), opts...),

		memberPages:     dataloadgen.NewLoader(pages(s.Members.List, member.Query.Key), opts...),
		memberCounts:    dataloadgen.NewLoader(counts(s.Members.Count), opts...),
		factoryPages:    dataloadgen.NewLoader(pages(s.Factories.List, factory.Query.Key), opts...),
		factoryCounts:   dataloadgen.NewLoader(counts(s.Factories.Count), opts...),
		complaintPages:  dataloadgen.NewLoader(pages(s.Complaints.List, complaint.Query.Key), opts...),
		complaintCounts: dataloadgen.NewLoader(counts(s.Complaints.Count), opts...),
		seminarPages:    dataloadgen.NewLoader(pages(s.Seminars.List, seminar.Query.Key), opts...),
		seminarCounts:   dataloadgen.NewLoader(counts(s.Seminars.Count), opts...),
	}
}

type ctxKey struct{}

// Middleware gives every request its own loaders.
func Middleware(s *Stores, cfg Config) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := context.WithValue(r.Context(), ctxKey{}, New(s, cfg))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// For returns the request's loaders. It panics when the request did not
// pass through Middleware, a wiring mistake that tests catch at once.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}

// byKey turns a store lookup into a mapped batch function; keys the store
// does not answer become dataloadgen.ErrNotFound.
func byKey[K comparable, V any](fetch func(context.Context, []K) ([]*V, error), key func(*V) K) func(context.Context, []K) (map[K]*V, error) {
	return func(ctx context.Context, keys []K) (map[K]*V, error) {
		vs, err := fetch(ctx, keys)
		if err != nil {
			return nil, err
		}
		out := make(map[K]*V, len(vs))
		for _, v := range vs {
			out[key(v)] = v
		}
		return out, nil
	}
}

// grouped turns a store lookup of the rows of many parents into a batch
// function answering each parent's rows, in the store's order, and an
// empty list for parents without rows.
func grouped[K comparable, R, V any](fetch func(context.Context, []K) ([]*R, error), split func(*R) (K, V)) func(context.Context, []K) ([][]V, []error) {
	return func(ctx context.Context, keys []K) ([][]V, []error) {
		rows, err := fetch(ctx, keys)
		if err != nil {
			return nil, []error{err}
		}
		byParent := make(map[K][]V, len(keys))
		for _, r := range rows {
			k, v := split(r)
			byParent[k] = append(byParent[k], v)
		}
		out := make([][]V, len(keys))
		for i, k := range keys {
			out[i] = byParent[k]
			if out[i] == nil {
				out[i] = []V{}
			}
		}
		return out, nil
	}
}

// find loads key and answers nil, without error, when it does not exist.
func find[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, *V], key K) (*V, error) {
	v, err := l.Load(ctx, key)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// Province returns the province with the code, or nil.
func (l *Loaders) Province(ctx context.Context, code string) (*province.Province, error) {
	return find(ctx, l.provinces, code)
}

// Office returns the office with the code, or nil.
func (l *Loaders) Office(ctx context.Context, code string) (*office.Office, error) {
	return find(ctx, l.offices, code)
}

// OfficeOfProvince returns the office that runs the province, or nil.
func (l *Loaders) OfficeOfProvince(ctx context.Context, provinceCode string) (*office.Office, error) {
	return find(ctx, l.officeByProvince, provinceCode)
}

// Member returns the member with the id, or nil.
func (l *Loaders) Member(ctx context.Context, id int64) (*member.Member, error) {
	return find(ctx, l.members, id)
}

// Factory returns the factory with the id, or nil.
func (l *Loaders) Factory(ctx context.Context, id int64) (*factory.Factory, error) {
	return find(ctx, l.factories, id)
}

// Complaint returns the complaint with the id, or nil.
func (l *Loaders) Complaint(ctx context.Context, id int64) (*complaint.Complaint, error) {
	return find(ctx, l.complaints, id)
}

// Seminar returns the seminar with the id, or nil.
func (l *Loaders) Seminar(ctx context.Context, id int64) (*seminar.Seminar, error) {
	return find(ctx, l.seminars, id)
}

// Award returns the award with the id, or nil.
func (l *Loaders) Award(ctx context.Context, id int64) (*award.Award, error) {
	return find(ctx, l.awards, id)
}

// Operators returns the members linked to the factory.
func (l *Loaders) Operators(ctx context.Context, factoryID int64) ([]*member.Member, error) {
	return l.operators.Load(ctx, factoryID)
}

// Investigators returns the members assigned to the complaint.
func (l *Loaders) Investigators(ctx context.Context, complaintID int64) ([]*member.Member, error) {
	return l.investigators.Load(ctx, complaintID)
}

// Timeline returns the complaint's events, oldest first.
func (l *Loaders) Timeline(ctx context.Context, complaintID int64) ([]*complaint.Event, error) {
	return l.timelines.Load(ctx, complaintID)
}

// MemberAwards returns the member's awards, oldest first.
func (l *Loaders) MemberAwards(ctx context.Context, memberID int64) ([]*award.Award, error) {
	return l.memberAwards.Load(ctx, memberID)
}

// SeminarAwards returns the awards conferred at the seminar.
func (l *Loaders) SeminarAwards(ctx context.Context, seminarID int64) ([]*award.Award, error) {
	return l.seminarAwards.Load(ctx, seminarID)
}
