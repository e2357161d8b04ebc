package graph_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"eilnet/internal/dbtest"
	"eilnet/internal/gqltest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// contractQuery reads one of the users' queries of the public contract
// (copied from ../shared/contract/queries) and the variables its header
// comment gives.
func contractQuery(t testing.TB, name string) (string, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "contract", "queries", name+".graphql"))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "# variables:"); ok {
			if err := json.Unmarshal([]byte(v), &vars); err != nil {
				t.Fatalf("variables of %s: %v", name, err)
			}
		}
	}
	return string(b), vars
}

// golden compares data with testdata/golden/name.json, or rewrites the
// file with -update.
func golden(t *testing.T, name string, data json.RawMessage) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, data, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(want, pretty.Bytes()) {
		t.Errorf("answer differs from %s (run with -update if the change is intended)\ngot:\n%s", path, firstLines(pretty.String(), 40))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

func newSeededServer(t testing.TB) *gqltest.Server {
	t.Helper()
	return gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{})
}

func TestDashboardOverview(t *testing.T) {
	s := newSeededServer(t)
	q, vars := contractQuery(t, "dashboard_overview")
	resp := s.Query(t, q, vars)
	var data struct {
		Provinces []struct {
			Code      string
			Office    struct{ Code string }
			Factories struct {
				TotalCount int
				Nodes      []struct {
					RegistrationNo string
					Complaints     struct {
						TotalCount int
						Nodes      []struct{ ReferenceNo string }
					}
				}
			}
		}
	}
	resp.MustData(t, &data)
	golden(t, "dashboard_overview", resp.Data)

	if len(data.Provinces) != 77 {
		t.Fatalf("%d provinces, want 77", len(data.Provinces))
	}
	var codes []string
	if err := s.DB.Select(&codes, `SELECT code FROM provinces ORDER BY code`); err != nil {
		t.Fatal(err)
	}
	for i, p := range data.Provinces {
		if p.Code != codes[i] {
			t.Fatalf("province %d is %s, want %s (ordered by code)", i, p.Code, codes[i])
		}
		wantOffice := "PIO-" + p.Code
		if p.Code == "10" {
			wantOffice = "OPS"
		}
		if p.Office.Code != wantOffice {
			t.Errorf("province %s: office %s, want %s", p.Code, p.Office.Code, wantOffice)
		}
		var total int
		if err := s.DB.Get(&total, `SELECT count(*) FROM factories WHERE province_code = $1`, p.Code); err != nil {
			t.Fatal(err)
		}
		var top []string
		if err := s.DB.Select(&top, `SELECT registration_no FROM factories WHERE province_code = $1
			ORDER BY coalesce(workers, -1) DESC, id DESC LIMIT 5`, p.Code); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range p.Factories.Nodes {
			got = append(got, f.RegistrationNo)
			var complaints []string
			if err := s.DB.Select(&complaints, `SELECT reference_no FROM complaints c JOIN factories f ON f.id = c.factory_id
				WHERE f.registration_no = $1 ORDER BY c.filed_at DESC, c.id DESC`, f.RegistrationNo); err != nil {
				t.Fatal(err)
			}
			var gotComplaints []string
			for _, c := range f.Complaints.Nodes {
				gotComplaints = append(gotComplaints, c.ReferenceNo)
			}
			if f.Complaints.TotalCount != len(complaints) || !slices.Equal(gotComplaints, complaints[:min(3, len(complaints))]) {
				t.Errorf("factory %s: complaints %v of %d, want %v of %d", f.RegistrationNo,
					gotComplaints, f.Complaints.TotalCount, complaints[:min(3, len(complaints))], len(complaints))
			}
		}
		if p.Factories.TotalCount != total || !slices.Equal(got, top) {
			t.Errorf("province %s: factories %v of %d, want %v of %d", p.Code, got, p.Factories.TotalCount, top, total)
		}
	}
}

type seminarNode struct {
	Title      string
	Kind       string
	Mode       string
	StartsOn   string
	EndsOn     string
	FiscalYear int
	Topics     []string
	Organizer  struct{ Code string }
	Province   *struct{ Code string }
	Attendees  struct{ TotalCount int }
	Awards     []struct {
		Level  string
		Member struct{ FullName string }
	}
}

type seminarHistory struct {
	Seminars struct {
		TotalCount int
		Nodes      []seminarNode
	}
}

func TestSeminarHistory(t *testing.T) {
	s := newSeededServer(t)
	q, vars := contractQuery(t, "seminar_history")
	resp := s.Query(t, q, vars)
	var data seminarHistory
	resp.MustData(t, &data)
	golden(t, "seminar_history", resp.Data)

	var total int
	if err := s.DB.Get(&total, `SELECT count(*) FROM seminars WHERE fiscal_year = 2567`); err != nil {
		t.Fatal(err)
	}
	if data.Seminars.TotalCount != total || len(data.Seminars.Nodes) != min(50, total) {
		t.Fatalf("%d of %d seminars, want %d of %d", len(data.Seminars.Nodes), data.Seminars.TotalCount, min(50, total), total)
	}
	for i, n := range data.Seminars.Nodes {
		if n.FiscalYear != 2567 || n.StartsOn < "2023-10-01" || n.StartsOn > "2024-09-30" {
			t.Errorf("seminar %q of %s is not in fiscal year 2567", n.Title, n.StartsOn)
		}
		if i > 0 && n.StartsOn < data.Seminars.Nodes[i-1].StartsOn {
			t.Errorf("seminars not in order of startsOn: %s after %s", n.StartsOn, data.Seminars.Nodes[i-1].StartsOn)
		}
	}
	// The online seminar of 20 December 2023 for more than 200 officers.
	i := slices.IndexFunc(data.Seminars.Nodes, func(n seminarNode) bool {
		return n.StartsOn == "2023-12-20"
	})
	if i < 0 {
		t.Fatal("the seminar of 20 December 2023 is missing")
	}
	online := data.Seminars.Nodes[i]
	wantTopics := []string{
		"การส่งเสริมการมีส่วนร่วมของประชาชนในการจัดการและสร้างเครือข่ายด้านสิ่งแวดล้อม",
		"การพัฒนาศักยภาพและส่งเสริมการมีส่วนร่วมของเครือข่ายในการจัดการความขัดแย้งทางสิ่งแวดล้อม",
		"ข้อควรรู้เบื้องต้นตามกฎหมายว่าด้วยโรงงานสู่แนวทางการป้องกันและเฝ้าระวังสิ่งแวดล้อม",
		"การขับเคลื่อนเครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อมและธรรมาภิบาลสิ่งแวดล้อมเชิงพื้นที่",
	}
	if online.Kind != "SEMINAR" || online.Mode != "ONLINE" || online.Province != nil || online.Organizer.Code != "OPS" ||
		online.EndsOn != "2023-12-20" || !slices.Equal(online.Topics, wantTopics) || online.Attendees.TotalCount != 214 ||
		len(online.Awards) != 0 || !strings.HasPrefix(online.Title, "สัมมนาเชิงปฏิบัติการเสริมสร้างองค์ความรู้") {
		t.Errorf("seminar of 20 December 2023 = %+v", online)
	}
}

// The real events of the articles, each in its fiscal year.
func TestSeminarHistoryRealEvents(t *testing.T) {
	s := newSeededServer(t)
	q, _ := contractQuery(t, "seminar_history")
	find := func(fy int, startsOn string) (seminarHistory, int) {
		var data seminarHistory
		s.Query(t, q, map[string]any{"fy": fy}).MustData(t, &data)
		for i, n := range data.Seminars.Nodes {
			if n.StartsOn == startsOn {
				return data, i
			}
		}
		t.Fatalf("no seminar on %s in fiscal year %d", startsOn, fy)
		return data, -1
	}

	// The first award ceremony, "ประจำปี 2561", held in fiscal year 2562.
	data, i := find(2562, "2018-10-17")
	c := data.Seminars.Nodes[i]
	if c.Kind != "AWARD_CEREMONY" || c.EndsOn != "2018-10-18" || c.FiscalYear != 2562 || c.Province == nil ||
		c.Province.Code != "10" || !strings.Contains(c.Title, "ประจำปี 2561") || len(c.Awards) != 33 {
		t.Errorf("ceremony of 17-18 October 2018 = %+v", c)
	}
	levels := map[string]int{}
	for _, a := range c.Awards {
		levels[a.Level]++
	}
	if levels["OUTSTANDING"]+levels["EXCELLENT"] != 33 || levels["EXCELLENT"] == 0 || levels["OUTSTANDING"] == 0 {
		t.Errorf("award levels %v, want 33 outstanding and excellent", levels)
	}
	var honoured []int
	if err := s.DB.Select(&honoured, `SELECT DISTINCT a.fiscal_year FROM awards a JOIN seminars s ON s.id = a.seminar_id
		WHERE s.starts_on = '2018-10-17'`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(honoured, []int{2561}) {
		t.Errorf("the first ceremony's awards honour %v, want [2561]", honoured)
	}

	data, i = find(2566, "2023-03-01")
	if v := data.Seminars.Nodes[i]; v.Kind != "INSPECTION_VISIT" || v.Province == nil || v.Province.Code != "40" || v.Mode != "ONSITE" {
		t.Errorf("Khon Kaen inspection visit of 1 March 2023 = %+v", v)
	}
	data, i = find(2568, "2025-03-14")
	if m := data.Seminars.Nodes[i]; m.Kind != "KNOWLEDGE_SHARING" || !strings.HasPrefix(m.Title, "MIND Community Meet Up") || m.Organizer.Code != "OPS" {
		t.Errorf("MIND Community Meet Up of 14 March 2025 = %+v", m)
	}
}

func TestPartnerFactoryLookup(t *testing.T) {
	s := newSeededServer(t)
	q, _ := contractQuery(t, "partner_factory_lookup")
	var want struct {
		RegistrationNo string `db:"registration_no"`
		Name           string `db:"name"`
		Category       int    `db:"category"`
		TypeCode       int    `db:"type_code"`
		Status         string `db:"status"`
		Code           string `db:"code"`
		NameEn         string `db:"name_en"`
	}
	if err := s.DB.Get(&want, `SELECT f.registration_no, f.name, f.category, f.type_code, f.status, p.code, p.name_en
		FROM factories f JOIN provinces p ON p.code = f.province_code WHERE f.province_code = '40' ORDER BY f.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	resp := s.Query(t, q, map[string]any{"reg": want.RegistrationNo})
	var data struct {
		Factory *struct {
			RegistrationNo string
			Name           string
			Category       int
			TypeCode       int
			Status         string
			Province       struct{ Code, NameEn string }
		}
	}
	resp.MustData(t, &data)
	golden(t, "partner_factory_lookup", resp.Data)
	f := data.Factory
	if f == nil || f.RegistrationNo != want.RegistrationNo || f.Name != want.Name || f.Category != want.Category ||
		f.TypeCode != want.TypeCode || f.Status != want.Status || f.Province.Code != want.Code || f.Province.NameEn != want.NameEn {
		t.Errorf("factory = %+v, want %+v", f, want)
	}

	// An unknown registration number is no factory, not an error.
	resp = s.Query(t, q, map[string]any{"reg": "9-999-9/2599-99"})
	resp.MustData(t, &data)
	if data.Factory != nil {
		t.Errorf("unknown registration number found %+v", data.Factory)
	}
}
