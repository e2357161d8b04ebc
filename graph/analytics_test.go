package graph_test

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"eilnet/internal/gqltest"
)

const searchQuery = `query($t: String!, $first: Int) { search(text: $t, first: $first) { score node {
	__typename
	... on Province { code nameTh nameEn }
	... on Office { code nameEn }
	... on Member { id fullName }
	... on Factory { registrationNo name district }
	... on Complaint { referenceNo description filedAt }
	... on Seminar { title } } } }`

type searchHit struct {
	Score float64
	Node  struct {
		Typename       string `json:"__typename"`
		Code           string
		NameTh, NameEn string
		ID             string
		FullName       string
		RegistrationNo string
		Name           string
		District       *string
		ReferenceNo    string
		Description    string
		FiledAt        time.Time
		Title          string
	}
}

func search(t *testing.T, s *gqltest.Server, text string) []searchHit {
	t.Helper()
	var data struct{ Search []searchHit }
	s.Query(t, searchQuery, map[string]any{"t": text, "first": 100}).MustData(t, &data)
	for i := 1; i < len(data.Search); i++ {
		if data.Search[i].Score > data.Search[i-1].Score {
			t.Fatalf("search %q: hits not best first: %v after %v", text, data.Search[i].Score, data.Search[i-1].Score)
		}
	}
	if len(data.Search) == 0 {
		t.Fatalf("search %q found nothing", text)
	}
	return data.Search
}

func TestSearch(t *testing.T) {
	s := newSeededServer(t)

	// A Thai part of a factory name, without word breaks: the factories whose
	// names contain it, and every hit that scores as containing the text
	// does contain it.
	var f struct {
		Name           string `db:"name"`
		RegistrationNo string `db:"registration_no"`
		District       string `db:"district"`
	}
	if err := s.DB.Get(&f, `SELECT f.name, f.registration_no, d.name_th AS district FROM factories f
		JOIN districts d ON d.code = f.district_code WHERE f.province_code = '40' ORDER BY f.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	core := f.Name
	for _, affix := range []string{"บริษัท ", "ห้างหุ้นส่วนจำกัด ", "โรงงาน", " จำกัด (มหาชน)", " จำกัด"} {
		core = strings.TrimSuffix(strings.TrimPrefix(core, affix), affix)
	}
	text := string([]rune(core)[2:]) // a part of the name, starting mid-word
	var containing int
	if err := s.DB.Get(&containing, `SELECT count(*) FROM factories WHERE name ILIKE '%' || $1 || '%'`, text); err != nil {
		t.Fatal(err)
	}
	hits := search(t, s, text)
	found := 0
	for _, h := range hits {
		if h.Node.Typename == "Factory" && h.Score >= 0.5 {
			if !strings.Contains(h.Node.Name, text) && !strings.Contains(h.Node.RegistrationNo, text) &&
				(h.Node.District == nil || !strings.Contains(*h.Node.District, text)) {
				t.Errorf("search %q: %q scores %v without containing it", text, h.Node.Name, h.Score)
			}
			found++
		}
	}
	// Containing the text outranks mentioning it in a complaint, so every
	// factory containing it is among the hits.
	if containing == 0 || containing > 50 || found != containing {
		t.Errorf("search %q: %d factory hits, %d factories contain it", text, found, containing)
	}

	// An exact registration number is the first hit, scoring 1.
	hits = search(t, s, f.RegistrationNo)
	if h := hits[0]; h.Node.Typename != "Factory" || h.Node.RegistrationNo != f.RegistrationNo || h.Score != 1 {
		t.Errorf("registration number %s: first hit %+v", f.RegistrationNo, h)
	}

	// Nothing only similar follows an exact hit.
	for _, h := range hits {
		if h.Score < 0.5 {
			t.Errorf("registration number %s: similar-name hit %+v", f.RegistrationNo, h)
		}
	}

	// A misspelt name finds the names it resembles, below 0.5.
	hits = search(t, s, "สมชาบ")
	if len(hits) == 0 || !slices.ContainsFunc(hits, func(h searchHit) bool {
		return h.Node.Typename == "Member" && strings.HasPrefix(h.Node.FullName, "สมชาย ") && h.Score < 0.5 && h.Score > 0
	}) {
		t.Errorf("สมชาบ: no member named สมชาย among %+v", hits)
	}

	// An exact reference number likewise.
	var ref string
	if err := s.DB.Get(&ref, `SELECT reference_no FROM complaints ORDER BY id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	hits = search(t, s, ref)
	if h := hits[0]; h.Node.Typename != "Complaint" || h.Node.ReferenceNo != ref || h.Score != 1 {
		t.Errorf("reference number %s: first hit %+v", ref, h)
	}

	// An English name: the province, then its office.
	hits = search(t, s, "khon kaen")
	if hits[0].Node.Typename != "Province" || hits[0].Node.Code != "40" || hits[1].Node.Typename != "Office" || hits[1].Node.Code != "PIO-40" {
		t.Errorf("khon kaen: %+v, %+v", hits[0].Node, hits[1].Node)
	}
	// The Thai name finds the province first too.
	if hits = search(t, s, "ขอนแก่น"); hits[0].Node.Code != "40" || hits[0].Score != 1 {
		t.Errorf("ขอนแก่น: first hit %+v", hits[0])
	}

	// A member's full name: that member first; part of it finds members.
	var member struct {
		ID       int64  `db:"id"`
		FullName string `db:"full_name"`
	}
	if err := s.DB.Get(&member, `SELECT id, full_name FROM members WHERE full_name IN
		(SELECT full_name FROM members GROUP BY full_name HAVING count(*) = 1) ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	hits = search(t, s, member.FullName)
	if h := hits[0]; h.Node.Typename != "Member" || h.Node.FullName != member.FullName || h.Score != 1 {
		t.Errorf("member %s: first hit %+v", member.FullName, h)
	}
	surname := strings.Fields(member.FullName)[1]
	hits = search(t, s, surname)
	if !slices.ContainsFunc(hits, func(h searchHit) bool {
		return h.Node.Typename == "Member" && strings.Contains(h.Node.FullName, surname)
	}) {
		t.Errorf("family name %s found no member", surname)
	}

	// A district's whole name: the factories in it first (0.75, or more
	// when their names contain it too), then the complaints that mention
	// it (0.5), latest first.
	var inDistrict int
	if err := s.DB.Get(&inDistrict, `SELECT count(*) FROM factories f JOIN districts d ON d.code = f.district_code
		WHERE d.name_th ILIKE '%' || $1 || '%'`, f.District); err != nil {
		t.Fatal(err)
	}
	hits = search(t, s, f.District)
	factories, complaints := 0, 0
	for i, h := range hits {
		switch h.Node.Typename {
		case "Factory":
			if complaints > 0 || h.Score < 0.75 {
				t.Errorf("district %s: factory hit %d %+v after a complaint or below 0.75", f.District, i, h)
			}
			factories++
		case "Complaint":
			if h.Score != 0.5 || !strings.Contains(h.Node.Description, f.District) {
				t.Errorf("district %s: complaint hit %+v", f.District, h)
			}
			if prev := hits[i-1]; complaints > 0 && prev.Node.FiledAt.Before(h.Node.FiledAt) {
				t.Errorf("district %s: complaint filed %v after one filed %v", f.District, h.Node.FiledAt, prev.Node.FiledAt)
			}
			complaints++
		}
	}
	if factories != inDistrict || complaints == 0 {
		t.Errorf("district %s: %d factory hits of %d factories in it, %d complaint hits", f.District, factories, inDistrict, complaints)
	}

	// A province's Thai name: the province, then its office.
	hits = search(t, s, "ขอนแก่น")
	if hits[1].Node.Typename != "Office" || hits[1].Node.Code != "PIO-40" || hits[1].Score != 0.9 {
		t.Errorf("ขอนแก่น: second hit %+v", hits[1])
	}

	// A typo still finds the seminar of 20 December 2023, by similarity.
	hits = search(t, s, "ธรรมาภิบาลสิ่งแวดล้อมอย่างยั่งยืน")
	if !slices.ContainsFunc(hits, func(h searchHit) bool {
		return h.Node.Typename == "Seminar" && strings.HasPrefix(h.Node.Title, "สัมมนาเชิงปฏิบัติการเสริมสร้างองค์ความรู้")
	}) {
		t.Error("the seminar of 20 December 2023 was not found by words of its title")
	}

	for _, bad := range []struct {
		text  string
		first int
	}{{"", 5}, {"x", 5}, {"  ก  ", 5}, {strings.Repeat("ก", 201), 5}, {"ขอนแก่น", 101}, {"ขอนแก่น", -1}} {
		resp := s.Query(t, searchQuery, map[string]any{"t": bad.text, "first": bad.first})
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Errorf("search %q first %d: %+v", bad.text, bad.first, resp.Errors)
		}
	}
}

// totalCount runs a connection query that answers one totalCount.
func totalCount(t *testing.T, s *gqltest.Server, query string, vars map[string]any) int {
	t.Helper()
	var data map[string]struct{ TotalCount int }
	s.Query(t, query, vars).MustData(t, &data)
	for _, v := range data {
		return v.TotalCount
	}
	t.Fatal("no totalCount")
	return 0
}

type bucket struct {
	Province        *struct{ Code string }
	Region          *string
	InspectionZone  *int
	Category        *string
	Status          *string
	FiscalYear      *int
	Month           *string
	FactoryCategory *int
	Count           int
	ResolvedCount   int
	MedianDays      *float64 `json:"medianDaysToResolve"`
}

const statsQuery = `query($g: [ComplaintDimension!]!, $f: ComplaintFilter) { complaintStats(groupBy: $g, filter: $f) {
	province { code } region inspectionZone category status fiscalYear month factoryCategory
	count resolvedCount medianDaysToResolve } }`

func stats(t *testing.T, s *gqltest.Server, groupBy []string, filter map[string]any) []bucket {
	t.Helper()
	var data struct{ ComplaintStats []bucket }
	s.Query(t, statsQuery, map[string]any{"g": groupBy, "f": filter}).MustData(t, &data)
	return data.ComplaintStats
}

// The aggregates agree exactly with the lists.
func TestComplaintStatsAgreeWithLists(t *testing.T) {
	s := newSeededServer(t)
	filters := []map[string]any{
		nil,
		{"category": "ODOR"},
		{"fiscalYear": 2567},
		{"region": "NORTHEAST", "status": []string{"RESOLVED", "DISMISSED"}},
		{"inspectionZone": 12, "filedFrom": "2022-01-01T00:00:00+07:00"},
		{"search": "บางพลี"},
	}
	for _, f := range filters {
		t.Run(fmt.Sprint(f), func(t *testing.T) {
			total := totalCount(t, s, `query($f: ComplaintFilter) { complaints(filter: $f) { totalCount } }`, map[string]any{"f": f})
			byProvince := stats(t, s, []string{"PROVINCE"}, f)
			sum := 0
			counts := map[string]int{}
			for _, b := range byProvince {
				sum += b.Count
				counts[b.Province.Code] = b.Count
				if b.Region != nil || b.Category != nil || b.FiscalYear != nil {
					t.Fatalf("dimensions not grouped by are set: %+v", b)
				}
			}
			if sum != total {
				t.Fatalf("buckets sum to %d, the list has %d", sum, total)
			}
			// Every province's bucket is its list's totalCount, in one query.
			var provinces struct {
				Provinces []struct {
					Code       string
					Complaints struct{ TotalCount int }
				}
			}
			s.Query(t, `query($f: ComplaintFilter) { provinces { code complaints(filter: $f) { totalCount } } }`,
				map[string]any{"f": f}).MustData(t, &provinces)
			for _, p := range provinces.Provinces {
				if p.Complaints.TotalCount != counts[p.Code] {
					t.Errorf("province %s: bucket %d, list %d", p.Code, counts[p.Code], p.Complaints.TotalCount)
				}
			}
		})
	}

	// Two dimensions: each bucket is the list filtered by its values.
	for _, b := range stats(t, s, []string{"FISCAL_YEAR", "CATEGORY"}, map[string]any{"region": "NORTH"})[:6] {
		f := map[string]any{"region": "NORTH", "fiscalYear": *b.FiscalYear, "category": *b.Category}
		if n := totalCount(t, s, `query($f: ComplaintFilter) { complaints(filter: $f) { totalCount } }`, map[string]any{"f": f}); n != b.Count {
			t.Errorf("bucket %d %s: %d, list %d", *b.FiscalYear, *b.Category, b.Count, n)
		}
		f["status"] = []string{"RESOLVED"}
		if n := totalCount(t, s, `query($f: ComplaintFilter) { complaints(filter: $f) { totalCount } }`, map[string]any{"f": f}); n != b.ResolvedCount {
			t.Errorf("bucket %d %s: %d resolved, list %d", *b.FiscalYear, *b.Category, b.ResolvedCount, n)
		}
		// The median, computed here from the rows.
		var days []float64
		if err := s.DB.Select(&days, `SELECT extract(epoch FROM c.resolved_at - c.filed_at) / 86400 FROM complaints c
			JOIN provinces p ON p.code = c.province_code
			WHERE p.region = 'NORTH' AND c.fiscal_year = $1 AND c.category = $2 AND c.status = 'RESOLVED'`, *b.FiscalYear, *b.Category); err != nil {
			t.Fatal(err)
		}
		if want := median(days); (want == nil) != (b.MedianDays == nil) || (want != nil && math.Abs(*want-*b.MedianDays) > 1e-6) {
			t.Errorf("bucket %d %s: median %v, want %v", *b.FiscalYear, *b.Category, b.MedianDays, want)
		}
	}

	// Months are in Thai time and add up to the fiscal year.
	months := stats(t, s, []string{"MONTH"}, map[string]any{"fiscalYear": 2567})
	if len(months) != 12 || *months[0].Month != "2023-10" || *months[11].Month != "2024-09" {
		t.Errorf("months of fiscal year 2567: %d, from %v", len(months), months[0].Month)
	}
	sum := 0
	for _, m := range months {
		sum += m.Count
	}
	if n := totalCount(t, s, `{ complaints(filter: {fiscalYear: 2567}) { totalCount } }`, nil); n != sum {
		t.Errorf("months sum to %d, fiscal year 2567 has %d", sum, n)
	}

	for _, bad := range [][]string{{}, {"PROVINCE", "PROVINCE"}, {"PROVINCE", "REGION"}, {"INSPECTION_ZONE", "PROVINCE"},
		{"MONTH", "FISCAL_YEAR"}, {"CATEGORY", "STATUS", "MONTH", "REGION"},
		// 77 provinces x 96 months: more buckets than the cost assumes.
		{"PROVINCE", "MONTH"}} {
		resp := s.Query(t, statsQuery, map[string]any{"g": bad})
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Errorf("groupBy %v: %+v", bad, resp.Errors)
		}
	}
	// Within a fiscal year the same grouping fits.
	if b := stats(t, s, []string{"PROVINCE", "MONTH"}, map[string]any{"fiscalYear": 2567}); len(b) <= 77 || len(b) > 1000 {
		t.Errorf("provinces x months of fiscal year 2567: %d buckets", len(b))
	}
}

func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	sort.Float64s(xs)
	m := xs[len(xs)/2]
	if len(xs)%2 == 0 {
		m = (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	return &m
}

func TestNetworkSummaryAgreesWithLists(t *testing.T) {
	s := newSeededServer(t)
	const q = `query($fy: Int) { networkSummary(fiscalYear: $fy) { members membersBySector { sector count } factories
		governanceCertifiedFactories complaints openComplaints seminars seminarAttendances awards } }`
	type summary struct {
		NetworkSummary struct {
			Members         int
			MembersBySector []struct {
				Sector string
				Count  int
			}
			Factories, GovernanceCertifiedFactories, Complaints, OpenComplaints, Seminars, SeminarAttendances, Awards int
		}
	}
	var now summary
	s.Query(t, q, nil).MustData(t, &now)
	n := now.NetworkSummary
	want := map[string]int{
		"members":     totalCount(t, s, `{ members { totalCount } }`, nil),
		"factories":   totalCount(t, s, `{ factories { totalCount } }`, nil),
		"certified":   totalCount(t, s, `{ factories(filter: {governanceCertified: true}) { totalCount } }`, nil),
		"complaints":  totalCount(t, s, `{ complaints { totalCount } }`, nil),
		"open":        totalCount(t, s, `{ complaints(filter: {status: [RECEIVED, INVESTIGATING]}) { totalCount } }`, nil),
		"seminars":    totalCount(t, s, `{ seminars { totalCount } }`, nil),
		"attendances": count(t, s.DB, `SELECT count(*) FROM attendances`),
		"awards":      count(t, s.DB, `SELECT count(*) FROM awards`),
	}
	got := map[string]int{"members": n.Members, "factories": n.Factories, "certified": n.GovernanceCertifiedFactories,
		"complaints": n.Complaints, "open": n.OpenComplaints, "seminars": n.Seminars, "attendances": n.SeminarAttendances, "awards": n.Awards}
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("%s: summary %d, list %d", k, got[k], want[k])
		}
	}
	if n.Members != 11500 || n.GovernanceCertifiedFactories != 2971 || n.SeminarAttendances != 23201 || n.Awards != 233 {
		t.Errorf("headline figures %d members, %d certified, %d attendances, %d awards",
			n.Members, n.GovernanceCertifiedFactories, n.SeminarAttendances, n.Awards)
	}
	bySector := 0
	for _, sc := range n.MembersBySector {
		bySector += sc.Count
		if c := totalCount(t, s, `query($s: Sector) { members(filter: {sector: $s}) { totalCount } }`, map[string]any{"s": sc.Sector}); c != sc.Count {
			t.Errorf("sector %s: summary %d, list %d", sc.Sector, sc.Count, c)
		}
	}
	if bySector != n.Members || len(n.MembersBySector) != 3 {
		t.Errorf("sectors sum to %d of %d", bySector, n.Members)
	}

	// For a fiscal year: members as at its end, what happened in it.
	var fy summary
	s.Query(t, q, map[string]any{"fy": 2566}).MustData(t, &fy)
	f := fy.NetworkSummary
	checks := []struct {
		what string
		got  int
		list string
	}{
		{"members", f.Members, `{ members(filter: {joinedTo: "2023-09-30"}) { totalCount } }`},
		{"complaints", f.Complaints, `{ complaints(filter: {fiscalYear: 2566}) { totalCount } }`},
		{"open", f.OpenComplaints, `{ complaints(filter: {fiscalYear: 2566, status: [RECEIVED, INVESTIGATING]}) { totalCount } }`},
		{"seminars", f.Seminars, `{ seminars(filter: {fiscalYear: 2566}) { totalCount } }`},
	}
	for _, c := range checks {
		if n := totalCount(t, s, c.list, nil); n != c.got {
			t.Errorf("2566 %s: summary %d, list %d", c.what, c.got, n)
		}
	}
	awards := count(t, s.DB, `SELECT count(*) FROM awards WHERE fiscal_year = 2566`)
	attendances := count(t, s.DB, `SELECT count(*) FROM attendances a JOIN seminars s ON s.id = a.seminar_id WHERE s.fiscal_year = 2566`)
	factories := count(t, s.DB, `SELECT count(*) FROM factories WHERE registered_on <= '2023-09-30'`)
	if f.Awards != awards || f.SeminarAttendances != attendances || f.Factories != factories {
		t.Errorf("2566: %d awards (want %d), %d attendances (want %d), %d factories (want %d)",
			f.Awards, awards, f.SeminarAttendances, attendances, f.Factories, factories)
	}

	for _, bad := range []int{2539, 2601, 2025} {
		resp := s.Query(t, q, map[string]any{"fy": bad})
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Errorf("fiscal year %d: %+v", bad, resp.Errors)
		}
	}
}

// greatCircleKm is the haversine distance, written here independently of
// the server's SQL.
func greatCircleKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	a := math.Pow(math.Sin((lat2-lat1)*rad/2), 2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Pow(math.Sin((lon2-lon1)*rad/2), 2)
	return 2 * 6371.0088 * math.Asin(math.Min(1, math.Sqrt(a)))
}

func TestWithinRadius(t *testing.T) {
	s := newSeededServer(t)
	var all []struct {
		RegistrationNo string  `db:"registration_no"`
		Lat            float64 `db:"latitude"`
		Lon            float64 `db:"longitude"`
		Category       int     `db:"category"`
	}
	if err := s.DB.Select(&all, `SELECT registration_no, latitude, longitude, category FROM factories WHERE latitude IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	const q = `query($w: GeoRadius!, $c: Int, $after: String) { factories(first: 100, after: $after, filter: {within: $w, category: $c}) {
		totalCount pageInfo { hasNextPage endCursor } nodes { registrationNo latitude longitude } } }`
	for _, c := range []struct {
		lat, lon, km float64
		category     any
	}{
		{16.4322, 102.8236, 25, nil}, // Khon Kaen
		{13.5991, 100.5966, 12, 3},   // Samut Prakan, category 3 only
		{18.7883, 98.9853, 60, nil},  // Chiang Mai
		{7.0086, 100.4747, 500, 1},   // Hat Yai, the widest radius
	} {
		var want []string
		for _, f := range all {
			if greatCircleKm(c.lat, c.lon, f.Lat, f.Lon) <= c.km && (c.category == nil || c.category == f.Category) {
				want = append(want, f.RegistrationNo)
			}
		}
		var got []string
		var after any
		for {
			var data struct {
				Factories struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   string
					}
					Nodes []struct {
						RegistrationNo      string
						Latitude, Longitude float64
					}
				}
			}
			s.Query(t, q, map[string]any{"w": map[string]any{"latitude": c.lat, "longitude": c.lon, "radiusKm": c.km},
				"c": c.category, "after": after}).MustData(t, &data)
			if data.Factories.TotalCount != len(want) {
				t.Fatalf("%v: totalCount %d, brute force %d", c, data.Factories.TotalCount, len(want))
			}
			for _, n := range data.Factories.Nodes {
				got = append(got, n.RegistrationNo)
			}
			if !data.Factories.PageInfo.HasNextPage {
				break
			}
			after = data.Factories.PageInfo.EndCursor
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%v: %d factories, brute force %d", c, len(got), len(want))
		}
	}
	for _, w := range []map[string]any{
		{"latitude": 16.4, "longitude": 102.8, "radiusKm": 0},
		{"latitude": 16.4, "longitude": 102.8, "radiusKm": 500.5},
		{"latitude": 16.4, "longitude": 102.8, "radiusKm": -3},
		{"latitude": 91, "longitude": 102.8, "radiusKm": 5},
		{"latitude": 16.4, "longitude": -181, "radiusKm": 5},
	} {
		resp := s.Query(t, q, map[string]any{"w": w})
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Errorf("within %v: %+v", w, resp.Errors)
		}
	}
}

// Each filter the analytics contract adds, on root and nested lists,
// alone and combined, against the same condition in SQL.
func TestAnalyticsFilters(t *testing.T) {
	s := newSeededServer(t)
	var reg string
	if err := s.DB.Get(&reg, `SELECT f.registration_no FROM factories f JOIN complaints c ON c.factory_id = f.id
		GROUP BY f.registration_no ORDER BY count(*) DESC, f.registration_no LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	fy2566 := time.Date(2022, 10, 1, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	cases := []struct {
		name  string
		query string
		vars  map[string]any
		sql   string
		args  []any
	}{
		{"members containing a name", `{ members(filter: {search: "สมชาย"}) { totalCount } }`, nil,
			`SELECT count(*) FROM members WHERE full_name ILIKE '%สมชาย%'`, nil},
		{"private members of a province containing a name", `{ province(code: "11") { members(filter: {search: "ศรี", sector: PRIVATE}) { totalCount } } }`, nil,
			`SELECT count(*) FROM members WHERE province_code = '11' AND sector = 'PRIVATE' AND full_name ILIKE '%ศรี%'`, nil},
		{"factories by name, district or number", `{ factories(filter: {search: "บางพลี"}) { totalCount } }`, nil,
			`SELECT count(*) FROM factories f LEFT JOIN districts d ON d.code = f.district_code
			 WHERE f.name ILIKE '%บางพลี%' OR f.registration_no ILIKE '%บางพลี%' OR d.name_th ILIKE '%บางพลี%' OR d.name_en ILIKE '%บางพลี%'`, nil},
		{"factories of a region, category and status", `{ factories(filter: {region: EAST, category: 3, status: OPERATING, governanceCertified: false}) { totalCount } }`, nil,
			`SELECT count(*) FROM factories f JOIN provinces p ON p.code = f.province_code
			 WHERE p.region = 'EAST' AND f.category = 3 AND f.status = 'OPERATING' AND NOT f.governance_certified`, nil},
		{"complaints about one factory", `query($r: String) { complaints(filter: {factoryRegistrationNo: $r}) { totalCount } }`, map[string]any{"r": reg},
			`SELECT count(*) FROM complaints c JOIN factories f ON f.id = c.factory_id WHERE f.registration_no = $1`, []any{reg}},
		{"complaints of an inspection zone, category, fiscal year and statuses",
			`{ complaints(filter: {inspectionZone: 12, category: CANE_BURNING, fiscalYear: 2566, status: [RESOLVED, REFERRED]}) { totalCount } }`, nil,
			`SELECT count(*) FROM complaints c JOIN provinces p ON p.code = c.province_code
			 WHERE p.inspection_zone = 12 AND c.category = 'CANE_BURNING' AND c.fiscal_year = 2566 AND c.status IN ('RESOLVED', 'REFERRED')`, nil},
		{"complaints of an office containing text in a date range",
			`query($from: DateTime) { office(code: "PIO-11") { complaints(filter: {search: "กลิ่น", filedFrom: $from}) { totalCount } } }`,
			map[string]any{"from": fy2566.Format(time.RFC3339)},
			`SELECT count(*) FROM complaints WHERE handled_by = 'PIO-11' AND (description ILIKE '%กลิ่น%' OR reference_no ILIKE '%กลิ่น%') AND filed_at >= $1`,
			[]any{fy2566}},
		{"complaints with no status", `{ complaints(filter: {status: []}) { totalCount } }`, nil, `SELECT 0`, nil},
		{"seminars of an organiser containing a word", `{ seminars(filter: {organizerCode: "OPS", search: "สัมมนา"}) { totalCount } }`, nil,
			`SELECT count(*) FROM seminars WHERE organizer_code = 'OPS' AND title ILIKE '%สัมมนา%'`, nil},
		{"seminars a member attended, of a kind", `{ province(code: "40") { members(first: 1, orderBy: {field: JOINED_ON, direction: ASC}) {
			nodes { seminars(filter: {kind: TRAINING}) { totalCount } } } } }`, nil,
			`SELECT count(*) FROM attendances a JOIN seminars s ON s.id = a.seminar_id WHERE s.kind = 'TRAINING'
			 AND a.member_id = (SELECT id FROM members WHERE province_code = '40' ORDER BY joined_on, id LIMIT 1)`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want int
			if err := s.DB.Get(&want, c.sql, c.args...); err != nil {
				t.Fatal(err)
			}
			var data any
			s.Query(t, c.query, c.vars).MustData(t, &data)
			counts := collect(data, "totalCount")
			if len(counts) != 1 || counts[0] != float64(want) {
				t.Errorf("totalCount %v, SQL %d", counts, want)
			}
		})
	}

	for _, bad := range []string{
		`{ complaints(filter: {inspectionZone: 19}) { totalCount } }`,
		`{ seminars(filter: {organizerCode: "PIO-10"}) { totalCount } }`,
		`{ members(filter: {search: "ก"}) { totalCount } }`,
		`{ factories(filter: {search: " "}) { totalCount } }`,
	} {
		resp := s.Query(t, bad, nil)
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Errorf("%s: %+v", bad, resp.Errors)
		}
	}

	// A cursor from one search is refused by another.
	var page struct {
		Factories struct{ PageInfo struct{ EndCursor string } }
	}
	s.Query(t, `{ factories(first: 2, filter: {search: "ศิลา"}) { pageInfo { endCursor } } }`, nil).MustData(t, &page)
	resp := s.Query(t, `query($c: String) { factories(first: 2, after: $c, filter: {search: "รีไซเคิล"}) { totalCount } }`,
		map[string]any{"c": page.Factories.PageInfo.EndCursor})
	if len(resp.Errors) != 1 || resp.Errors[0].Code() != "BAD_USER_INPUT" {
		t.Errorf("cursor of another search: %+v", resp.Errors)
	}
}

// collect finds the values of key in a decoded JSON answer, however nested.
func collect(v any, key string) []any {
	var out []any
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == key {
				out = append(out, x)
			} else {
				out = append(out, collect(x, key)...)
			}
		}
	case []any:
		for _, x := range v {
			out = append(out, collect(x, key)...)
		}
	}
	return out
}
