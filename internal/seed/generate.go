package seed

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Volumes of the demo network at scale 1, as the network's own figures
// give them: over 11,500 members, about 2,971 operators in the
// environmental-governance programme.
const (
	membersPerScale    = 11500
	certifiedPerScale  = 2971
	factoriesPerScale  = 6000
	seminarsPerScale   = 600
	citizensPerScale   = 6325
	privatePerScale    = 3450
	governmentPerScale = membersPerScale - citizensPerScale - privatePerScale
)

// Complaints per fiscal year 2561-2568 at scale 1: about 20,000 in all.
var complaintsPerYear = []int{2000, 2200, 2300, 2400, 2600, 2700, 2900, 2900}

const (
	firstFiscalYear = 2561
	lastFiscalYear  = 2568
)

// ict is Thai time, UTC+07:00 all year.
var ict = time.FixedZone("ICT", 7*60*60)

// snapshot is the moment the demo network describes: the end of fiscal
// year 2568. Nothing happens after it.
var snapshot = time.Date(2025, 9, 30, 23, 59, 59, 0, ict)

// networkStart is when the network began recruiting (B.E. 2551).
var networkStart = time.Date(2008, 3, 1, 0, 0, 0, 0, time.UTC)

// Factory weights by province: the industrial provinces of the central
// and eastern regions hold most factories; 1.2 elsewhere.
var factoryWeights = map[string]float64{
	"10": 14, "11": 14, "74": 12, "20": 10, "13": 9, "21": 8, "30": 8, "14": 7, "73": 7,
	"24": 6, "12": 4, "19": 5, "70": 5, "40": 5, "25": 4, "50": 4, "90": 4, "84": 3,
	"71": 3, "60": 3, "41": 3, "34": 3, "65": 2, "52": 2, "72": 2, "18": 2, "15": 1.5,
}

// Factory type weights, with boosts where a trade is regional: tobacco
// curing in the upper north, fish and seafood on the coasts.
var typeWeights = map[int]float64{
	1: 1, 2: 14, 3: 9, 4: 8, 5: 3, 6: 6, 69: 4, 88: 5, 89: 2, 90: 4, 91: 16, 101: 3, 102: 3, 105: 10, 106: 9,
}

var tobaccoProvinces = map[string]bool{"50": true, "57": true, "54": true, "55": true, "64": true, "53": true}
var coastalProvinces = map[string]bool{
	"11": true, "74": true, "75": true, "20": true, "21": true, "22": true, "23": true, "76": true, "77": true,
	"80": true, "84": true, "86": true, "90": true, "92": true, "93": true, "94": true, "83": true, "81": true, "82": true,
}

// Types the Factory Act makes category 3 whatever their size.
var alwaysCategory3 = map[int]bool{88: true, 89: true, 90: true, 101: true, 105: true, 106: true}

// gen holds the generator's state while it builds a network.
type gen struct {
	ref   *Reference
	scale int
	r     rng
	net   *Network

	// Lookups filled as rows are made.
	factoriesOf map[string][]*Factory                 // by province
	typeIndex   map[string]map[int]*weightedFactories // by province and type
	membersOf   map[string]map[string][]*Member       // by province and sector, by joining
	province    map[string]*Province
}

type weightedFactories struct {
	factories []*Factory
	weights   cumulative
}

// Generate builds the demo network at the given scale from the reference
// data. The same inputs always give the same network.
func Generate(ref *Reference, scale int) *Network {
	g := &gen{
		ref:         ref,
		scale:       scale,
		r:           newRNG(),
		net:         &Network{},
		factoriesOf: map[string][]*Factory{},
		typeIndex:   map[string]map[int]*weightedFactories{},
		membersOf:   map[string]map[string][]*Member{},
		province:    map[string]*Province{},
	}
	for i := range ref.Provinces {
		g.province[ref.Provinces[i].Code] = &ref.Provinces[i]
	}
	g.makeFactories()
	g.makeMembers()
	g.makeSeminars()
	g.makeComplaints()
	return g.net
}

func (g *gen) provinceWeights(base float64, extra func(code string) float64) []float64 {
	ws := make([]float64, len(g.ref.Provinces))
	for i, p := range g.ref.Provinces {
		ws[i] = base + extra(p.Code)
	}
	return ws
}

func factoryWeight(code string) float64 {
	if w, ok := factoryWeights[code]; ok {
		return w
	}
	return 1.2
}

// randomDate is a uniform day in [from, to].
func (g *gen) randomDate(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, g.r.IntN(days+1))
}

// randomWeekday is a uniform Monday-Friday day in [from, to].
func (g *gen) randomWeekday(from, to time.Time) time.Time {
	for {
		d := g.randomDate(from, to)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return d
		}
	}
}

// fiscalYearStart is 1 October before fiscal year fy (B.E.).
func fiscalYearStart(fy int) time.Time {
	return time.Date(fy-543-1, 10, 1, 0, 0, 0, 0, time.UTC)
}

func fiscalYearOf(d time.Time) int {
	if d.Month() >= time.October {
		return d.Year() + 544
	}
	return d.Year() + 543
}

func (g *gen) makeFactories() {
	types := g.ref.FactoryTypes
	counts := allocate(factoriesPerScale*g.scale, g.provinceWeights(0, factoryWeight))
	serials := map[string]int{}
	var all []*Factory
	for pi, p := range g.ref.Provinces {
		var located []District
		for _, d := range p.Districts {
			if d.HasPoint {
				located = append(located, d)
			}
		}
		tw := make([]float64, len(types))
		for i, t := range types {
			tw[i] = typeWeights[t]
			switch {
			case t == 1 && tobaccoProvinces[p.Code]:
				tw[i] *= 12
			case t == 6 && coastalProvinces[p.Code]:
				tw[i] *= 3
			case t == 6:
				tw[i] *= 0.3
			}
		}
		typeTable := newCumulative(tw)
		for n := 0; n < counts[pi]; n++ {
			f := &Factory{ProvinceCode: p.Code, Status: "OPERATING"}
			f.TypeCode = types[typeTable.pick(g.r)]
			if !g.r.chance(0.03) {
				w := int(math.Round(math.Exp(3.8 + 1.0*g.r.NormFloat64())))
				w = min(max(w, 7), 5000)
				f.Workers = &w
			}
			f.Category = category(f.TypeCode, f.Workers)
			switch u := g.r.Float64(); {
			case u < 0.05:
				f.Status = "SUSPENDED"
			case u < 0.08:
				f.Status = "CLOSED"
			}
			var year int
			if !g.r.chance(0.02) {
				d := g.randomDate(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC))
				f.RegisteredOn = &d
				year = d.Year() + 543
			} else {
				year = g.r.between(2533, 2568)
			}
			key := fmt.Sprintf("%d-%d-%d-%s", f.Category, f.TypeCode, year, p.Code)
			serials[key]++
			f.RegistrationNo = fmt.Sprintf("%d-%d-%d/%d-%s", f.Category, f.TypeCode, serials[key], year, p.Code)
			f.Name = g.factoryName(f.TypeCode, &p)
			if !g.r.chance(0.02) {
				d := pickOne(g.r, p.Districts)
				if len(located) > 0 && !g.r.chance(0.03) {
					d = pickOne(g.r, located)
					// Within about 4 km of the district's centre.
					angle, dist := 2*math.Pi*g.r.Float64(), 0.036*math.Sqrt(g.r.Float64())
					lat := round6(d.Lat + dist*math.Sin(angle))
					lon := round6(d.Lon + dist*math.Cos(angle)/math.Cos(d.Lat*math.Pi/180))
					f.Latitude, f.Longitude = &lat, &lon
				}
				f.DistrictCode, f.DistrictName = &d.Code, d.NameTh
			}
			all = append(all, f)
		}
	}
	// Ids follow registration, those without a date last.
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i].RegisteredOn, all[j].RegisteredOn
		switch {
		case a == nil || b == nil:
			return a != nil && b == nil
		default:
			return a.Before(*b)
		}
	})
	for i, f := range all {
		f.ID = int64(i + 1)
	}
	g.certify(all)
	for _, f := range all {
		g.factoriesOf[f.ProvinceCode] = append(g.factoriesOf[f.ProvinceCode], f)
	}
	// Some factories draw many complaints, most few: each gets a lasting
	// propensity, and complaints pick factories by it.
	for code, fs := range g.factoriesOf {
		byType := map[int][]*Factory{}
		for _, f := range fs {
			byType[f.TypeCode] = append(byType[f.TypeCode], f)
			byType[0] = append(byType[0], f)
		}
		g.typeIndex[code] = map[int]*weightedFactories{}
		for t, list := range byType {
			ws := make([]float64, len(list))
			for i, f := range list {
				ws[i] = f.propensity
			}
			g.typeIndex[code][t] = &weightedFactories{factories: list, weights: newCumulative(ws)}
		}
	}
	g.net.Factories = all
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// category follows the Factory Act's size bands: up to 20 workers class
// 1, up to 50 class 2, more class 3; some types are class 3 at any size.
func category(typeCode int, workers *int) int {
	switch {
	case alwaysCategory3[typeCode]:
		return 3
	case workers == nil:
		return 2
	case *workers <= 20:
		return 1
	case *workers <= 50:
		return 2
	default:
		return 3
	}
}

// certify puts exactly certifiedPerScale*scale operating factories into
// the governance programme, larger and licensed ones more likely.
func (g *gen) certify(all []*Factory) {
	type scored struct {
		f     *Factory
		score float64
	}
	var candidates []scored
	for _, f := range all {
		s := g.r.Float64()
		f.propensity = math.Pow(g.r.Float64(), 3) + 0.02
		if f.Status != "OPERATING" {
			continue
		}
		if f.Category == 3 {
			s += 0.4
		}
		if f.Workers != nil && *f.Workers > 100 {
			s += 0.2
		}
		candidates = append(candidates, scored{f, s})
	}
	sort.SliceStable(candidates, func(i, j int) bool { return candidates[i].score > candidates[j].score })
	for _, c := range candidates[:certifiedPerScale*g.scale] {
		c.f.Certified = true
		// The programme's factories cause fewer complaints.
		c.f.propensity /= 3
	}
}

func (g *gen) factoryName(typeCode int, p *Province) string {
	brand := pickOne(g.r, brandWords)
	product := pickOne(g.r, productWords[typeCode])
	if g.r.chance(0.3) {
		brand += p.NameTh
	}
	switch u := g.r.Float64(); {
	case u < 0.55:
		return "บริษัท " + brand + product + " จำกัด"
	case u < 0.60:
		return "บริษัท " + product + brand + " จำกัด (มหาชน)"
	case u < 0.85:
		return "ห้างหุ้นส่วนจำกัด " + brand + product
	default:
		return "โรงงาน" + product + brand
	}
}

func (g *gen) makeMembers() {
	var all []*Member
	add := func(sector string, total int, weights []float64) {
		for pi, n := range allocate(total, weights) {
			p := &g.ref.Provinces[pi]
			for range n {
				all = append(all, g.member(sector, p))
			}
		}
	}
	factoryCount := func(code string) float64 { return float64(len(g.factoriesOf[code])) }
	add("CITIZEN", citizensPerScale*g.scale, g.provinceWeights(1, func(c string) float64 { return 0.3 * factoryWeight(c) }))
	add("PRIVATE", privatePerScale*g.scale, g.provinceWeights(0, factoryCount))
	// The central office's own staff make Bangkok's share larger.
	add("GOVERNMENT", governmentPerScale*g.scale, g.provinceWeights(1, func(c string) float64 {
		if c == "10" {
			return 2
		}
		return 0
	}))
	sort.SliceStable(all, func(i, j int) bool { return all[i].JoinedOn.Before(all[j].JoinedOn) })
	for i, m := range all {
		m.ID = int64(i + 1)
		bySector := g.membersOf[m.ProvinceCode]
		if bySector == nil {
			bySector = map[string][]*Member{}
			g.membersOf[m.ProvinceCode] = bySector
		}
		bySector[m.Sector] = append(bySector[m.Sector], m)
	}
	g.net.Members = all
}

// Recruitment by calendar year 2008-2025: the network grew until 2017,
// slowed during COVID-19 and picked up again.
var joinYears = newCumulative([]float64{2, 3, 4, 5, 5, 6, 6, 7, 8, 8, 8, 7, 5, 5, 7, 8, 8, 6})

func (g *gen) member(sector string, p *Province) *Member {
	m := &Member{Sector: sector, ProvinceCode: p.Code, OfficeCode: p.Office}
	first := maleNames
	if g.r.chance(0.5) {
		first = femaleNames
	}
	given := pickOne(g.r, first)
	head := pickOne(g.r, surnameHeads)
	tail := pickOne(g.r, surnameTails)
	for tail.th == head.th {
		tail = pickOne(g.r, surnameTails)
	}
	m.FullName = given.th + " " + head.th + tail.th
	year := 2008 + joinYears.pick(g.r)
	from, to := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	from, to = maxTime(from, networkStart), minTime(to, snapshot.Truncate(24*time.Hour))
	m.JoinedOn = g.randomDate(from, to)
	if sector == "PRIVATE" && !g.r.chance(0.05) {
		if fs := g.factoriesOf[p.Code]; len(fs) > 0 {
			f := pickOne(g.r, fs)
			if !f.Certified && g.r.chance(0.7) {
				// Operators in the governance programme join the network more.
				f = pickOne(g.r, fs)
			}
			m.FactoryID = &f.ID
		}
	}
	if g.r.chance(0.9) {
		phone := fmt.Sprintf("0%d%08d", pickOne(g.r, []int{6, 8, 9}), g.r.IntN(100000000))
		m.Phone = &phone
	}
	if g.r.chance(0.6) {
		email := fmt.Sprintf("%s.%s%s%d@example.com", given.en, head.en, tail.en[:1], g.r.IntN(100))
		m.Email = &email
	}
	return m
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// joinedBy returns the members of ms (sorted by joining) who had joined by
// day d.
func joinedBy(ms []*Member, d time.Time) []*Member {
	n := sort.Search(len(ms), func(i int) bool { return ms[i].JoinedOn.After(d) })
	return ms[:n]
}

// eligible returns the members of province code in the given sectors who
// had joined by day d.
func (g *gen) eligible(code string, d time.Time, sectors ...string) []*Member {
	var out []*Member
	for _, s := range sectors {
		out = append(out, joinedBy(g.membersOf[code][s], d)...)
	}
	return out
}

// nationwide returns the members of every province in the given sectors
// who had joined by day d.
func (g *gen) nationwide(d time.Time, sectors ...string) []*Member {
	var out []*Member
	for _, p := range g.ref.Provinces {
		out = append(out, g.eligible(p.Code, d, sectors...)...)
	}
	return out
}

func sortedBySeminarDate(ss []*Seminar) {
	sort.SliceStable(ss, func(i, j int) bool {
		if !ss[i].StartsOn.Equal(ss[j].StartsOn) {
			return ss[i].StartsOn.Before(ss[j].StartsOn)
		}
		return ss[i].Title < ss[j].Title
	})
}

func strPtr(s string) *string { return &s }

func joinTitle(parts ...string) string { return strings.Join(parts, " ") }
