package seed_test

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/lib/pq"

	"eilnet/internal/dbtest"
	"eilnet/internal/seed"
)

var update = flag.Bool("update", false, "rewrite testdata/digest")

// The generator makes the same network every time: twice in one process,
// and the same as when testdata/digest was written.
func TestGenerateIsDeterministic(t *testing.T) {
	db := dbtest.Empty(t)
	ref, err := seed.LoadReference(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	first := seed.Generate(ref, 1).Digest()
	if again := seed.Generate(ref, 1).Digest(); again != first {
		t.Fatalf("two runs differ: %s, %s", first, again)
	}
	if *update {
		if err := os.WriteFile("testdata/digest", []byte(first+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/digest")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(want)) != first {
		t.Errorf("the demo network changed: digest %s, testdata/digest has %s (run with -update if intended)", first, want)
	}
}

func count(t *testing.T, db *dbtest.DB, query string) int {
	t.Helper()
	var n int
	if err := db.Get(&n, query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// The scale-1 network is the network the reports describe.
func TestDemoNetwork(t *testing.T) {
	db := dbtest.Seeded(t)
	exact := []struct {
		what  string
		query string
		want  int
	}{
		{"provinces", `SELECT count(*) FROM provinces`, 77},
		{"provincial offices", `SELECT count(*) FROM offices WHERE kind = 'PROVINCIAL' AND code = 'PIO-' || province_code`, 76},
		{"central office running Bangkok", `SELECT count(*) FROM offices WHERE code = 'OPS' AND kind = 'CENTRAL' AND province_code = '10'`, 1},
		{"members", `SELECT count(*) FROM members`, 11500},
		{"sectors", `SELECT count(DISTINCT sector) FROM members`, 3},
		{"factories", `SELECT count(*) FROM factories`, 6000},
		{"governance-certified factories", `SELECT count(*) FROM factories WHERE governance_certified`, 2971},
		{"complaints", `SELECT count(*) FROM complaints`, 20000},
		{"fiscal years of complaints", `SELECT count(DISTINCT fiscal_year) FROM complaints WHERE fiscal_year BETWEEN 2561 AND 2568`, 8},
		{"complaints outside 2561-2568", `SELECT count(*) FROM complaints WHERE fiscal_year NOT BETWEEN 2561 AND 2568`, 0},
		{"seminars", `SELECT count(*) FROM seminars`, 600},
		{"awards of the first ceremony", `SELECT count(*) FROM awards a JOIN seminars s ON s.id = a.seminar_id
			WHERE s.starts_on = '2018-10-17' AND s.ends_on = '2018-10-18' AND a.fiscal_year = 2561
			AND s.fiscal_year = 2562 AND s.kind = 'AWARD_CEREMONY'`, 33},
		{"awardees of the first ceremony outside government and private sectors", `SELECT count(*) FROM awards a
			JOIN members m ON m.id = a.member_id WHERE a.fiscal_year = 2561 AND m.sector = 'CITIZEN'`, 0},
		{"officers at the online seminar of 20 December 2023", `SELECT count(*) FROM attendances a JOIN seminars s ON s.id = a.seminar_id
			JOIN members m ON m.id = a.member_id
			WHERE s.starts_on = '2023-12-20' AND s.organizer_code = 'OPS' AND s.mode = 'ONLINE' AND m.sector = 'GOVERNMENT' AND m.office_code <> 'OPS'`, 214},
		{"topics of the online seminar", `SELECT cardinality(topics) FROM seminars WHERE starts_on = '2023-12-20' AND organizer_code = 'OPS'`, 4},
		{"MIND Community Meet Up", `SELECT count(*) FROM seminars WHERE starts_on = '2025-03-14' AND title LIKE 'MIND Community Meet Up%'`, 1},
		{"Khon Kaen inspection visit", `SELECT count(*) FROM seminars WHERE starts_on = '2023-03-01'
			AND kind = 'INSPECTION_VISIT' AND province_code = '40'`, 1},
		// Plausibility: nothing happens before it can.
		{"attendees who had not joined yet", `SELECT count(*) FROM attendances a JOIN seminars s ON s.id = a.seminar_id
			JOIN members m ON m.id = a.member_id WHERE m.joined_on > s.starts_on`, 0},
		{"complaints filed before the filer joined", `SELECT count(*) FROM complaints c JOIN members m ON m.id = c.filed_by
			WHERE m.joined_on > c.filed_at::date`, 0},
		{"awards before joining", `SELECT count(*) FROM awards a JOIN members m ON m.id = a.member_id
			JOIN seminars s ON s.id = a.seminar_id WHERE m.joined_on > s.starts_on`, 0},
		{"timelines not starting at filing", `SELECT count(*) FROM complaints c WHERE (SELECT e.at FROM complaint_events e
			WHERE e.complaint_id = c.id ORDER BY e.at, e.id LIMIT 1) IS DISTINCT FROM c.filed_at`, 0},
		{"timelines not ending at the status", `SELECT count(*) FROM complaints c WHERE (SELECT e.status FROM complaint_events e
			WHERE e.complaint_id = c.id ORDER BY e.at DESC, e.id DESC LIMIT 1) <> c.status`, 0},
		{"closing times other than the last event", `SELECT count(*) FROM complaints c WHERE c.resolved_at IS NOT NULL
			AND c.resolved_at <> (SELECT max(e.at) FROM complaint_events e WHERE e.complaint_id = c.id)`, 0},
		{"events after the end of fiscal year 2568", `SELECT count(*) FROM complaint_events WHERE at >= '2025-10-01T00:00:00+07:00'`, 0},
		{"cane burning in the south or east", `SELECT count(*) FROM complaints c JOIN provinces p ON p.code = c.province_code
			WHERE c.category = 'CANE_BURNING' AND p.region IN ('SOUTH', 'EAST')`, 0},
		{"serials not sequential within a fiscal year", `SELECT count(*) FROM (SELECT serial, row_number() OVER
			(PARTITION BY fiscal_year ORDER BY filed_at, id) AS n FROM complaints) s WHERE serial <> n`, 0},
	}
	for _, c := range exact {
		if got := count(t, db, c.query); got != c.want {
			t.Errorf("%s: %d, want %d", c.what, got, c.want)
		}
	}
	// Factories lie in their province: in one of its districts, within
	// 4.1 km of the district's centre, and every province has some.
	if n := count(t, db, `SELECT count(*) FROM factories f LEFT JOIN districts d ON d.code = f.district_code
		WHERE f.latitude IS NOT NULL AND d.province_code IS DISTINCT FROM f.province_code`); n != 0 {
		t.Errorf("%d factories have coordinates but no district of their province", n)
	}
	if n := count(t, db, `SELECT count(DISTINCT province_code) FROM factories WHERE latitude IS NOT NULL`); n != 77 {
		t.Errorf("factories with coordinates in %d provinces, want 77", n)
	}
	centres := districtCentres(t)
	var located []struct {
		ID       int64   `db:"id"`
		District string  `db:"district_code"`
		Km       float64 `db:"km"`
	}
	if err := db.Select(&located, `SELECT f.id, f.district_code,
			great_circle_km(f.latitude, f.longitude, c.lat, c.lon) AS km
		FROM factories f JOIN unnest($1::text[], $2::float8[], $3::float8[]) AS c(code, lat, lon) ON c.code = f.district_code
		WHERE f.latitude IS NOT NULL`, pq.Array(centres.codes), pq.Array(centres.lats), pq.Array(centres.lons)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM factories WHERE latitude IS NOT NULL`); n != len(located) || n < 5000 {
		t.Errorf("%d factories with coordinates, %d of them around a district centre", n, len(located))
	}
	for _, f := range located {
		if f.Km > 4.1 {
			t.Errorf("factory %d is %.1f km from the centre of district %s", f.ID, f.Km, f.District)
		}
	}
}

type centres struct {
	codes      []string
	lats, lons []float64
}

// districtCentres reads the district centre points the generator places
// factories around.
func districtCentres(t *testing.T) centres {
	t.Helper()
	f, err := os.Open("data/district_points.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var c centres
	for _, r := range records[1:] {
		lat, err1 := strconv.ParseFloat(r[1], 64)
		lon, err2 := strconv.ParseFloat(r[2], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("district point %v", r)
		}
		c.codes, c.lats, c.lons = append(c.codes, r[0]), append(c.lats, lat), append(c.lons, lon)
	}
	return c
}

func TestFillRefusesADatabaseWithData(t *testing.T) {
	db := dbtest.Seeded(t)
	err := seed.Fill(context.Background(), db.DB, 1, slog.New(slog.DiscardHandler))
	if !errors.Is(err, seed.ErrNotEmpty) {
		t.Fatalf("Fill on a seeded database: %v, want ErrNotEmpty", err)
	}
	if n := count(t, db, `SELECT count(*) FROM members`); n != 11500 {
		t.Errorf("%d members after the refused fill", n)
	}
}

// Scale multiplies the volume; the real events stay single.
func TestFillAtScale2(t *testing.T) {
	db := dbtest.Empty(t)
	if err := seed.Fill(context.Background(), db.DB, 2, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]int{
		`SELECT count(*) FROM members`:                              23000,
		`SELECT count(*) FROM factories WHERE governance_certified`: 5942,
		`SELECT count(*) FROM factories`:                            12000,
		`SELECT count(*) FROM complaints`:                           40000,
		`SELECT count(*) FROM seminars`:                             1200,
		`SELECT count(*) FROM seminars WHERE title LIKE 'สัมมนาเชิงปฏิบัติการเสริมสร้างองค์ความรู้%'`: 1,
		`SELECT count(*) FROM awards WHERE fiscal_year = 2561`: 33,
	} {
		if got := count(t, db, query); got != want {
			t.Errorf("%s: %d, want %d", query, got, want)
		}
	}
	// Ids continue after the generated ones.
	var id int64
	if err := db.Get(&id, `INSERT INTO awards (member_id, level, fiscal_year) VALUES (1, 'EXCELLENT', 2599) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if want := int64(count(t, db, `SELECT count(*) FROM awards`)); id != want {
		t.Errorf("new award got id %d, want %d", id, want)
	}
}
