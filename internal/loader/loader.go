// Package loader batches every read of a relation through per-request
// dataloadgen loaders, so that a nested query costs one SQL statement per
// level and argument set, not one per parent.
//
// Loaders are built for each request by Attach and reached with For;
// they are never shared between requests, because a loader caches results
// (and errors) for its whole life and runs each batch with the context of
// the request that started it.
package loader

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/vikstrous/dataloadgen"

	"eilnet/internal/award"
	"eilnet/internal/complaint"
	"eilnet/internal/factory"
	"eilnet/internal/member"
	"eilnet/internal/page"
	"eilnet/internal/search"
	"eilnet/internal/seminar"
)

// Stores are the domain stores the loaders read from.
type Stores struct {
	Members    *member.Store
	Factories  *factory.Store
	Complaints *complaint.Store
	Seminars   *seminar.Store
	Awards     *award.Store
}

// NewStores returns the stores reading through db, finding districts by
// name in districts.
func NewStores(db sqlx.ExtContext, districts search.Districts) *Stores {
	return &Stores{
		Members:    member.NewStore(db),
		Factories:  factory.NewStore(db, districts),
		Complaints: complaint.NewStore(db),
		Seminars:   seminar.NewStore(db),
		Awards:     award.NewStore(db),
	}
}

// Config tunes batching.
type Config struct {
	// Wait is how long a loader collects keys that nobody announced (see
	// Loader) before it reads them.
	Wait time.Duration
	// NoBatching makes every key its own fetch: one statement per parent,
	// the N+1 behaviour batching avoids. Only for measuring that.
	NoBatching bool
	// Observe, if set, is told the size of every batch.
	Observe func(loader string, keys int)
}

// Loaders are one request's loaders, one per relation.
type Loaders struct {
	// NoBatching is Config.NoBatching: announcing levels is pointless then.
	NoBatching bool

	// Provinces and offices are reference data, held by the catalog
	// (internal/refdata), not read per request.
	Member    *Loader[int64, *member.Member]
	Factory   *Loader[int64, *factory.Factory]
	Complaint *Loader[int64, *complaint.Complaint]
	Seminar   *Loader[int64, *seminar.Seminar]
	Award     *Loader[int64, *award.Award]

	// Lists of a parent, by the parent's id.
	Operators     *Loader[int64, []*member.Member]
	Investigators *Loader[int64, []*member.Member]
	Timeline      *Loader[int64, []*complaint.Event]
	MemberAwards  *Loader[int64, []*award.Award]
	SeminarAwards *Loader[int64, []*award.Award]

	// Pages and counts of connections.
	MemberPage     *Loader[PageKey[member.Query], *page.Page[*member.Member]]
	MemberCount    *Loader[CountKey[member.Filter], int]
	FactoryPage    *Loader[PageKey[factory.Query], *page.Page[*factory.Factory]]
	FactoryCount   *Loader[CountKey[factory.Filter], int]
	ComplaintPage  *Loader[PageKey[complaint.Query], *page.Page[*complaint.Complaint]]
	ComplaintCount *Loader[CountKey[complaint.Filter], int]
	SeminarPage    *Loader[PageKey[seminar.Query], *page.Page[*seminar.Seminar]]
	SeminarCount   *Loader[CountKey[seminar.Filter], int]

	memoMu sync.Mutex
	memo   map[any]any
}

// Memo answers what build makes of key, once per request: for what the
// GraphQL layer works out once per field of a query (its arguments as a
// list query, what its selection asks for) rather than once per parent.
func Memo[V any](l *Loaders, key any, build func() V) V {
	l.memoMu.Lock()
	v, ok := l.memo[key]
	l.memoMu.Unlock()
	if ok {
		return v.(V)
	}
	made := build()
	l.memoMu.Lock()
	defer l.memoMu.Unlock()
	if v, ok := l.memo[key]; ok {
		return v.(V)
	}
	if l.memo == nil {
		l.memo = map[any]any{}
	}
	l.memo[key] = made
	return made
}

// New builds the loaders of one request.
func New(s *Stores, cfg Config) *Loaders {
	return &Loaders{
		NoBatching: cfg.NoBatching,

		Member: newLoader(cfg, "member", byKey(s.Members.ByIDs,
			func(m *member.Member) int64 { return m.ID })),
		Factory: newLoader(cfg, "factory", byKey(s.Factories.ByIDs,
			func(f *factory.Factory) int64 { return f.ID })),
		Complaint: newLoader(cfg, "complaint", byKey(s.Complaints.ByIDs,
			func(c *complaint.Complaint) int64 { return c.ID })),
		Seminar: newLoader(cfg, "seminar", byKey(s.Seminars.ByIDs,
			func(s *seminar.Seminar) int64 { return s.ID })),
		Award: newLoader(cfg, "award", byKey(s.Awards.ByIDs,
			func(a *award.Award) int64 { return a.ID })),

		Operators: newLoader(cfg, "operators", grouped(s.Members.ByFactories,
			func(m *member.Member) (int64, *member.Member) { return *m.FactoryID, m })),
		Investigators: newLoader(cfg, "investigators", grouped(s.Members.Investigators,
			func(i *member.Investigator) (int64, *member.Member) { return i.ComplaintID, &i.Member })),
		Timeline: newLoader(cfg, "timeline", grouped(s.Complaints.Timelines,
			func(e *complaint.Event) (int64, *complaint.Event) { return e.ComplaintID, e })),
		MemberAwards: newLoader(cfg, "member_awards", grouped(s.Awards.ByMembers,
			func(a *award.Award) (int64, *award.Award) { return a.MemberID, a })),
		SeminarAwards: newLoader(cfg, "seminar_awards", grouped(s.Awards.BySeminars,
			func(a *award.Award) (int64, *award.Award) { return *a.SeminarID, a })),

		MemberPage:     newLoader(cfg, "member_pages", pages(s.Members.List, member.Query.Key)),
		MemberCount:    newLoader(cfg, "member_counts", counts(s.Members.Count)),
		FactoryPage:    newLoader(cfg, "factory_pages", pages(s.Factories.List, factory.Query.Key)),
		FactoryCount:   newLoader(cfg, "factory_counts", counts(s.Factories.Count)),
		ComplaintPage:  newLoader(cfg, "complaint_pages", pages(s.Complaints.List, complaint.Query.Key)),
		ComplaintCount: newLoader(cfg, "complaint_counts", counts(s.Complaints.Count)),
		SeminarPage:    newLoader(cfg, "seminar_pages", pages(s.Seminars.List, seminar.Query.Key)),
		SeminarCount:   newLoader(cfg, "seminar_counts", counts(s.Seminars.Count)),
	}
}

type fetcher[K comparable, V any] func(context.Context, []K) ([]V, []error)

// Loader reads one relation for one request. Keys reach it two ways:
//
//   - announced by Prefetch, a whole level of a query at a time (see
//     Level): each level is read as one batch the moment it is complete,
//     by a dataloadgen loader whose batch capacity is the level's size, so
//     no timer decides what is batched;
//   - loaded by Load without announcement: these wait Config.Wait for
//     company, as with any dataloader.
//
// Either way each key is read once per request and cached, errors too.
type Loader[K comparable, V any] struct {
	name    string
	fetch   fetcher[K, V]
	observe func(loader string, keys int)
	cfg     Config

	// The rest is made on first use (made): most requests use a few of
	// their loaders.
	mu       sync.Mutex
	fallback *dataloadgen.Loader[K, V]
	thunks   map[K]func() (V, error)
	queued   []K
	isQueue  map[K]bool
	waiting  map[K][]func(*Level, V)
	loaded   map[K]V
}

// levelWait is the timer of a level's loader. Its batch is full, and read,
// as soon as the last key of the level is added, so the timer only has to
// outlast adding them: dataloadgen reads what it has when the timer fires,
// and a level split that way costs a statement more (TestStatementBudget
// saw 7 statements for the dashboard's then 6 levels with 10 ms, under the
// race detector with every package's tests running), and the rest of the
// level waits for the timer.
// Each level keeps a sleeping goroutine for this long.
const levelWait = 100 * time.Millisecond

// newLoader makes a loader of fetch, as cfg says, named name in metrics.
func newLoader[K comparable, V any](cfg Config, name string, fetch fetcher[K, V]) *Loader[K, V] {
	return &Loader[K, V]{name: name, fetch: fetch, observe: cfg.Observe, cfg: cfg}
}

// made makes what l keeps, the first time it is used; l.mu is held.
func (l *Loader[K, V]) made() {
	if l.thunks != nil {
		return
	}
	l.thunks = map[K]func() (V, error){}
	l.isQueue = map[K]bool{}
	l.waiting = map[K][]func(*Level, V){}
	l.loaded = map[K]V{}
	opts := []dataloadgen.Option{dataloadgen.WithWait(l.cfg.Wait)}
	if l.cfg.NoBatching {
		opts = append(opts, dataloadgen.WithBatchCapacity(1))
	}
	l.fallback = dataloadgen.NewLoader(l.read, opts...)
}

// read is the batch function of every dataloadgen loader behind l: it
// reads the keys, then hands the values to their followers.
func (l *Loader[K, V]) read(ctx context.Context, keys []K) ([]V, []error) {
	if l.observe != nil {
		l.observe(l.name, len(keys))
	}
	values, errs := l.fetch(ctx, keys)
	l.follow(ctx, keys, values, errs)
	return values, errs
}

// Load returns the value of key: from the batch that announced it, or
// read with other unannounced keys after Config.Wait.
func (l *Loader[K, V]) Load(ctx context.Context, key K) (V, error) {
	return l.Thunk(ctx, key)()
}

// Thunk starts loading key as Load does, and answers the function that
// waits for its value: for loading several keys at once.
func (l *Loader[K, V]) Thunk(ctx context.Context, key K) func() (V, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.made()
	thunk, ok := l.thunks[key]
	if !ok {
		thunk = l.fallback.LoadThunk(ctx, key)
		l.thunks[key] = thunk
	}
	return thunk
}

// Prefetch announces key as part of level lv, and, if then is not nil,
// calls then with its value as soon as it has been read (at once if it
// has), with a new level for what then announces in turn. Followers run in
// the goroutine that read the batch, before its waiters wake, so the next
// level of a query is announced, and read, whole.
func (l *Loader[K, V]) Prefetch(lv *Level, key K, then func(*Level, V)) {
	l.mu.Lock()
	l.made()
	v, done := l.loaded[key]
	if !done && then != nil {
		l.waiting[key] = append(l.waiting[key], then)
	}
	if _, known := l.thunks[key]; !known && !l.isQueue[key] {
		l.queued = append(l.queued, key)
		l.isQueue[key] = true
	}
	l.mu.Unlock()
	lv.touch(l)
	if done && then != nil {
		then(lv, v)
	}
}

// flush reads the keys announced since the last flush as one batch.
func (l *Loader[K, V]) flush(ctx context.Context) {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := l.queued[:0:0]
	for _, k := range l.queued {
		if _, known := l.thunks[k]; !known {
			keys = append(keys, k)
		}
	}
	l.queued = nil
	clear(l.isQueue)
	if len(keys) == 0 {
		return
	}
	dl := dataloadgen.NewLoader(l.read, dataloadgen.WithBatchCapacity(len(keys)), dataloadgen.WithWait(levelWait))
	for _, k := range keys {
		l.thunks[k] = dl.LoadThunk(ctx, k)
	}
}

// follow hands the values of a batch to the keys' followers.
func (l *Loader[K, V]) follow(ctx context.Context, keys []K, values []V, errs []error) {
	if len(values) != len(keys) || (len(errs) == 1 && errs[0] != nil) {
		return
	}
	type call struct {
		fns []func(*Level, V)
		v   V
	}
	var calls []call
	l.mu.Lock()
	for i, k := range keys {
		if i < len(errs) && errs[i] != nil {
			continue
		}
		l.loaded[k] = values[i]
		if fns := l.waiting[k]; fns != nil {
			calls = append(calls, call{fns, values[i]})
			delete(l.waiting, k)
		}
	}
	l.mu.Unlock()
	if len(calls) == 0 {
		return
	}
	next := NewLevel(ctx)
	for _, c := range calls {
		for _, fn := range c.fns {
			fn(next, c.v)
		}
	}
	next.Flush()
}

// Level gathers the keys of one level of a query, in any number of
// loaders, so that each loader reads them as one batch: announce them with
// Prefetch, then Flush. A Level belongs to one goroutine.
type Level struct {
	ctx     context.Context
	touched []interface{ flush(context.Context) }
	seen    map[any]bool
}

// NewLevel starts a level; ctx is the request's.
func NewLevel(ctx context.Context) *Level {
	return &Level{ctx: ctx, seen: map[any]bool{}}
}

func (lv *Level) touch(l interface{ flush(context.Context) }) {
	if !lv.seen[l] {
		lv.seen[l] = true
		lv.touched = append(lv.touched, l)
	}
}

// Flush starts reading what the level announced, one batch per loader.
func (lv *Level) Flush() {
	for _, l := range lv.touched {
		l.flush(lv.ctx)
	}
	lv.touched = lv.touched[:0]
	clear(lv.seen)
}

type ctxKey struct{}

// current holds a request's loaders; Reset replaces them.
type current struct {
	loaders atomic.Pointer[Loaders]
	stores  *Stores
	cfg     Config
}

// Attach gives a request its own loaders: the endpoint calls it for
// every request, so that loaders are never shared across requests.
func Attach(ctx context.Context, s *Stores, cfg Config) context.Context {
	c := &current{stores: s, cfg: cfg}
	c.loaders.Store(New(s, cfg))
	return context.WithValue(ctx, ctxKey{}, c)
}

// For returns the request's loaders. It panics when the request was not
// given them (Attach), a wiring mistake that tests catch at once.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*current).loaders.Load()
}

// Reset gives the request new, empty loaders: after a write, so that
// nothing it changed is answered from what the request read before.
// gqlgen runs a request's mutations one after the other, each with its
// selection, so no resolver is still reading from the old ones.
func Reset(ctx context.Context) {
	c := ctx.Value(ctxKey{}).(*current)
	c.loaders.Store(New(c.stores, c.cfg))
}

// byKey turns a store lookup into a batch function answering each key's
// row, or nil for keys the store does not answer.
func byKey[K comparable, V any](fetch func(context.Context, []K) ([]*V, error), key func(*V) K) fetcher[K, *V] {
	return func(ctx context.Context, keys []K) ([]*V, []error) {
		vs, err := fetch(ctx, keys)
		if err != nil {
			return nil, []error{err}
		}
		byKey := make(map[K]*V, len(vs))
		for _, v := range vs {
			byKey[key(v)] = v
		}
		out := make([]*V, len(keys))
		for i, k := range keys {
			out[i] = byKey[k]
		}
		return out, nil
	}
}

// grouped turns a store lookup of the rows of many parents into a batch
// function answering each parent's rows, in the store's order, and an
// empty list for parents without rows.
func grouped[K comparable, R, V any](fetch func(context.Context, []K) ([]*R, error), split func(*R) (K, V)) fetcher[K, []V] {
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
