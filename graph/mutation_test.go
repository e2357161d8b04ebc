package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"eilnet/internal/access"
	"eilnet/internal/dbtest"
	"eilnet/internal/gid"
	"eilnet/internal/gqltest"
	"eilnet/internal/idempotency"
)

// refs are rows of the demo network the write tests refer to.
type refs struct {
	factory40, factory10 string // registration numbers in provinces 40 and 10
	private40            string // ID of a PRIVATE member of PIO-40
	citizen              string // ID of a CITIZEN member
	ceremony             string // ID of an AWARD_CEREMONY
	ceremonyFY           int
	honoured             string // ID of a member honoured in fiscal year honouredFY
	honouredFY           int
	workshop             string // ID of a seminar that is no ceremony
}

func loadRefs(t *testing.T, db *dbtest.DB) refs {
	t.Helper()
	var r struct {
		Factory40  string `db:"factory40"`
		Factory10  string `db:"factory10"`
		Private40  int64  `db:"private40"`
		Citizen    int64  `db:"citizen"`
		Ceremony   int64  `db:"ceremony"`
		CeremonyFY int    `db:"ceremony_fy"`
		Honoured   int64  `db:"honoured"`
		HonouredFY int    `db:"honoured_fy"`
		Workshop   int64  `db:"workshop"`
	}
	if err := db.Get(&r, `SELECT
		(SELECT registration_no FROM factories WHERE province_code = '40' ORDER BY id LIMIT 1) AS factory40,
		(SELECT registration_no FROM factories WHERE province_code = '10' ORDER BY id LIMIT 1) AS factory10,
		(SELECT id FROM members WHERE sector = 'PRIVATE' AND office_code = 'PIO-40' ORDER BY id LIMIT 1) AS private40,
		(SELECT id FROM members WHERE sector = 'CITIZEN' ORDER BY id LIMIT 1) AS citizen,
		(SELECT id FROM seminars WHERE kind = 'AWARD_CEREMONY' ORDER BY starts_on DESC, id LIMIT 1) AS ceremony,
		(SELECT fiscal_year FROM seminars WHERE kind = 'AWARD_CEREMONY' ORDER BY starts_on DESC, id LIMIT 1) AS ceremony_fy,
		(SELECT member_id FROM awards ORDER BY id LIMIT 1) AS honoured,
		(SELECT fiscal_year FROM awards ORDER BY id LIMIT 1) AS honoured_fy,
		(SELECT id FROM seminars WHERE kind = 'TRAINING' ORDER BY id LIMIT 1) AS workshop`); err != nil {
		t.Fatal(err)
	}
	return refs{
		factory40: r.Factory40, factory10: r.Factory10,
		private40: gid.EncodeInt(gid.Member, r.Private40), citizen: gid.EncodeInt(gid.Member, r.Citizen),
		ceremony: gid.EncodeInt(gid.Seminar, r.Ceremony), ceremonyFY: r.CeremonyFY,
		honoured: gid.EncodeInt(gid.Member, r.Honoured), honouredFY: r.HonouredFY,
		workshop: gid.EncodeInt(gid.Seminar, r.Workshop),
	}
}

func count(t *testing.T, db *dbtest.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// auditEntry is a row of audit_log.
type auditEntry struct {
	Actor     string          `db:"actor"`
	Operation string          `db:"operation"`
	Entity    string          `db:"entity"`
	EntityID  int64           `db:"entity_id"`
	Changes   json.RawMessage `db:"changes"`
}

func lastAudit(t *testing.T, db *dbtest.DB) auditEntry {
	t.Helper()
	var e auditEntry
	if err := db.Get(&e, `SELECT actor, operation, entity, entity_id, changes FROM audit_log ORDER BY id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	return e
}

func idNum(t *testing.T, id string) int64 {
	t.Helper()
	d, err := gid.Decode(id)
	if err != nil {
		t.Fatal(err)
	}
	return d.Num
}

const registerMember = `mutation($i: RegisterMemberInput!) { registerMember(input: $i) {
	id fullName sector joinedOn phone email office { code } province { code } factory { registrationNo } } }`

func TestRegisterMember(t *testing.T) {
	s := newSeededServer(t)
	r := loadRefs(t, s.DB)
	// Khon Kaen's officer registers a member of its own province.
	s = s.As(s.NewKey(t, access.NewKey{Name: "khon-kaen", Role: access.Officer, OfficeCode: "PIO-40"}))
	before := time.Now().In(time.FixedZone("ICT", 7*3600)).Format(time.DateOnly)
	var data struct {
		RegisterMember struct {
			ID, FullName, Sector, JoinedOn string
			Phone, Email                   *string
			Office, Province               struct{ Code string }
			Factory                        *struct{ RegistrationNo string }
		}
	}
	s.Query(t, registerMember, map[string]any{"i": map[string]any{
		"fullName": "  สมหญิง \t  รักษ์โลก ", "sector": "PRIVATE", "officeCode": "PIO-40",
		"factoryRegistrationNo": " " + r.factory40 + " ", "phone": "+66 81-234-5678", "email": "Somying@Example.CO.TH",
	}}).MustData(t, &data)
	m := data.RegisterMember
	after := time.Now().In(time.FixedZone("ICT", 7*3600)).Format(time.DateOnly)
	if m.FullName != "สมหญิง รักษ์โลก" || m.Sector != "PRIVATE" || m.Office.Code != "PIO-40" || m.Province.Code != "40" ||
		m.Factory == nil || m.Factory.RegistrationNo != r.factory40 || *m.Phone != "0812345678" || *m.Email != "Somying@example.co.th" ||
		(m.JoinedOn != before && m.JoinedOn != after) {
		t.Errorf("registered %+v", m)
	}
	// The member is in the lists and the audit log.
	if n := count(t, s.DB, `SELECT count(*) FROM members WHERE full_name = 'สมหญิง รักษ์โลก'`); n != 1 {
		t.Errorf("%d members of that name", n)
	}
	e := lastAudit(t, s.DB)
	var changes map[string]struct{ Before, After any }
	if err := json.Unmarshal(e.Changes, &changes); err != nil {
		t.Fatal(err)
	}
	if e.Actor != "key:khon-kaen" || e.Operation != "registerMember" || e.Entity != "Member" || e.EntityID != idNum(t, m.ID) ||
		changes["fullName"].After != "สมหญิง รักษ์โลก" || changes["fullName"].Before != nil || changes["phone"].After != "0812345678" {
		t.Errorf("audit %+v %s", e, e.Changes)
	}

	// Thai typed with a tone mark before a lower vowel (mai ek, then sara
	// u) is stored in canonical order (NFC), as the same name typed the
	// usual way is, so that both compare equal.
	var data2 struct{ RegisterMember struct{ FullName string } }
	s.Query(t, registerMember, map[string]any{"i": map[string]any{
		"fullName": "ทองก\u0e48\u0e38ม", "sector": "CITIZEN", "officeCode": "PIO-40",
	}}).MustData(t, &data2)
	if got := data2.RegisterMember.FullName; got != "ทองก\u0e38\u0e48ม" {
		t.Errorf("name stored as %+q, want the marks in canonical order", got)
	}
}

// with copies input m and sets or, for nil, removes the fields kv.
func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

const (
	updateMember        = `mutation($id: ID!, $i: UpdateMemberInput!) { updateMember(id: $id, input: $i) { id } }`
	registerFactory     = `mutation($i: RegisterFactoryInput!) { registerFactory(input: $i) { id registrationNo name district province { code } latitude longitude workers } }`
	updateFactory       = `mutation($id: ID!, $i: UpdateFactoryInput!) { updateFactory(id: $id, input: $i) { id } }`
	fileComplaint       = `mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id referenceNo status version handledBy { code } factory { registrationNo } filedBy { id } timeline { status } } }`
	transitionComplaint = `mutation($id: ID!, $to: ComplaintStatus!, $note: String, $v: Int!) {
		transitionComplaint(id: $id, to: $to, note: $note, expectedVersion: $v) { id status version resolvedAt timeline { status note } } }`
	assignInvestigators = `mutation($id: ID!, $m: [ID!]!) { assignInvestigators(complaintId: $id, memberIds: $m) { id investigators { id } } }`
	createSeminar       = `mutation($i: CreateSeminarInput!) { createSeminar(input: $i) { id title fiscalYear topics province { code } } }`
	recordAttendance    = `mutation($id: ID!, $m: [ID!]!) { recordAttendance(seminarId: $id, memberIds: $m) { id attendees(first: 100) { totalCount } } }`
	grantAward          = `mutation($i: GrantAwardInput!) { grantAward(input: $i) { id level fiscalYear member { id } } }`
)

// Every rule refuses the write with the code given, naming exactly the
// input fields at fault (all of them at once), and nothing is written:
// every write records itself in the audit log in its transaction, so an
// unchanged log means an unchanged database.
func TestMutationValidation(t *testing.T) {
	s := newSeededServer(t)
	r := loadRefs(t, s.DB)
	var closed, open int64
	if err := s.DB.Get(&closed, `SELECT id FROM complaints WHERE status = 'REFERRED' ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Get(&open, `SELECT id FROM complaints WHERE status = 'RECEIVED' AND version = 1 ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	closedID, openID := gid.EncodeInt(gid.Complaint, closed), gid.EncodeInt(gid.Complaint, open)
	member := map[string]any{"fullName": "ทดสอบ ระบบ", "sector": "CITIZEN", "officeCode": "PIO-40"}
	fac := map[string]any{"registrationNo": "3-105-99/2567-40", "name": "โรงงานทดสอบ", "typeCode": 105, "category": 3, "provinceCode": "40"}
	complaint := map[string]any{"category": "ODOR", "description": "กลิ่นเหม็น", "provinceCode": "40"}
	seminar := map[string]any{"title": "อบรม", "kind": "TRAINING", "mode": "ONSITE", "startsOn": "2024-03-01", "endsOn": "2024-03-02",
		"organizerCode": "PIO-40", "provinceCode": "40"}
	award := map[string]any{"memberId": r.citizen, "level": "EXCELLENT", "fiscalYear": r.ceremonyFY}
	unknownMember := gid.EncodeInt(gid.Member, 999_999_999)
	tomorrow := time.Now().Add(48 * time.Hour).Format(time.DateOnly)
	cases := []struct {
		name   string
		query  string
		vars   map[string]any
		code   string
		fields []string
	}{
		{"member: blank name, unknown office, bad phone and e-mail, factory of a citizen", registerMember,
			map[string]any{"i": with(member, "fullName", " \t ", "officeCode", "PIO-99", "phone", "12345", "email", "somchai@",
				"factoryRegistrationNo", r.factory40)},
			"BAD_USER_INPUT", []string{"input.email", "input.factoryRegistrationNo", "input.fullName", "input.officeCode", "input.phone"}},
		{"member: name too long", registerMember, map[string]any{"i": with(member, "fullName", strings.Repeat("ก", 201))},
			"BAD_USER_INPUT", []string{"input.fullName"}},
		{"member: joined tomorrow", registerMember, map[string]any{"i": with(member, "joinedOn", tomorrow)},
			"BAD_USER_INPUT", []string{"input.joinedOn"}},
		{"member: joined before the fiscal year 2540", registerMember, map[string]any{"i": with(member, "joinedOn", "1996-09-30")},
			"BAD_USER_INPUT", []string{"input.joinedOn"}},
		{"member: not a date", registerMember, map[string]any{"i": with(member, "joinedOn", "2024-02-30")},
			"BAD_USER_INPUT", []string{"input.joinedOn"}},
		{"member: unknown factory", registerMember, map[string]any{"i": with(member, "sector", "PRIVATE", "factoryRegistrationNo", "no-such-factory")},
			"BAD_USER_INPUT", []string{"input.factoryRegistrationNo"}},
		{"member: factory of another province", registerMember, map[string]any{"i": with(member, "sector", "PRIVATE", "factoryRegistrationNo", r.factory10)},
			"BAD_USER_INPUT", []string{"input.factoryRegistrationNo"}},
		{"member: e-mail with a display name", registerMember, map[string]any{"i": with(member, "email", "Somchai <s@example.com>")},
			"BAD_USER_INPUT", []string{"input.email"}},
		{"member: landline from 01", registerMember, map[string]any{"i": with(member, "phone", "012345678")},
			"BAD_USER_INPUT", []string{"input.phone"}},
		{"update member: not an ID", updateMember, map[string]any{"id": "nope", "i": map[string]any{"fullName": "x"}},
			"BAD_USER_INPUT", []string{"id"}},
		{"update member: a factory's ID", updateMember, map[string]any{"id": gid.EncodeInt(gid.Factory, 1), "i": map[string]any{"fullName": "x"}},
			"BAD_USER_INPUT", []string{"id"}},
		{"update member: unknown", updateMember, map[string]any{"id": unknownMember, "i": map[string]any{"fullName": "x"}},
			"NOT_FOUND", []string{"id"}},
		{"update member: name cleared, bad e-mail", updateMember, map[string]any{"id": r.citizen, "i": map[string]any{"fullName": nil, "email": "x"}},
			"BAD_USER_INPUT", []string{"input.email", "input.fullName"}},
		{"update member: a citizen's factory", updateMember, map[string]any{"id": r.citizen, "i": map[string]any{"factoryRegistrationNo": r.factory40}},
			"BAD_USER_INPUT", []string{"input.factoryRegistrationNo"}},
		{"factory: registered already", registerFactory, map[string]any{"i": with(fac, "registrationNo", r.factory40)},
			"CONFLICT", []string{"input.registrationNo"}},
		{"factory: every field wrong", registerFactory, map[string]any{"i": with(fac, "registrationNo", "3 105", "name", "", "typeCode", 999,
			"category", 4, "latitude", 30.0, "longitude", 100.0, "workers", -1, "registeredOn", tomorrow)},
			"BAD_USER_INPUT", []string{"input.category", "input.latitude", "input.name", "input.registeredOn", "input.registrationNo",
				"input.typeCode", "input.workers"}},
		{"factory: unknown province", registerFactory, map[string]any{"i": with(fac, "provinceCode", "99")},
			"BAD_USER_INPUT", []string{"input.provinceCode"}},
		{"factory: district of another province", registerFactory, map[string]any{"i": with(fac, "district", "บางพลี")},
			"BAD_USER_INPUT", []string{"input.district"}},
		{"factory: latitude without longitude", registerFactory, map[string]any{"i": with(fac, "latitude", 16.4)},
			"BAD_USER_INPUT", []string{"input.longitude"}},
		{"factory: longitude outside Thailand", registerFactory, map[string]any{"i": with(fac, "latitude", 16.4, "longitude", 110.0)},
			"BAD_USER_INPUT", []string{"input.longitude"}},
		{"update factory: name and status cleared, too many workers, latitude alone", updateFactory,
			map[string]any{"id": gid.EncodeInt(gid.Factory, 1), "i": map[string]any{"name": nil, "status": nil, "workers": 2_000_000, "latitude": 15.0}},
			"BAD_USER_INPUT", []string{"input.longitude", "input.name", "input.status", "input.workers"}},
		{"update factory: unknown", updateFactory, map[string]any{"id": gid.EncodeInt(gid.Factory, 999_999_999), "i": map[string]any{"workers": 5}},
			"NOT_FOUND", []string{"id"}},
		{"complaint: blank description, unknown province", fileComplaint, map[string]any{"i": with(complaint, "description", "\n \n", "provinceCode", "00")},
			"BAD_USER_INPUT", []string{"input.description", "input.provinceCode"}},
		{"complaint: description too long", fileComplaint, map[string]any{"i": with(complaint, "description", strings.Repeat("ก", 5001))},
			"BAD_USER_INPUT", []string{"input.description"}},
		{"complaint: factory of another province, unknown member, future incident", fileComplaint,
			map[string]any{"i": with(complaint, "factoryRegistrationNo", r.factory10, "filedByMemberId", unknownMember,
				"occurredAt", time.Now().Add(time.Hour).Format(time.RFC3339))},
			"BAD_USER_INPUT", []string{"input.factoryRegistrationNo", "input.filedByMemberId", "input.occurredAt"}},
		{"complaint: unknown factory, a seminar as the member", fileComplaint,
			map[string]any{"i": with(complaint, "factoryRegistrationNo", "no-such", "filedByMemberId", r.ceremony)},
			"BAD_USER_INPUT", []string{"input.factoryRegistrationNo", "input.filedByMemberId"}},
		{"transition: not a move of the workflow", transitionComplaint, map[string]any{"id": openID, "to": "RESOLVED", "v": 1},
			"BAD_USER_INPUT", []string{"to"}},
		{"transition: stale version", transitionComplaint, map[string]any{"id": openID, "to": "INVESTIGATING", "v": 7},
			"CONFLICT", []string{"expectedVersion"}},
		{"transition: REFERRED is final", transitionComplaint, map[string]any{"id": closedID, "to": "INVESTIGATING", "v": count(t, s.DB,
			`SELECT version FROM complaints WHERE id = $1`, closed)},
			"BAD_USER_INPUT", []string{"to"}},
		{"transition: unknown complaint", transitionComplaint, map[string]any{"id": gid.EncodeInt(gid.Complaint, 999_999_999), "to": "INVESTIGATING", "v": 1},
			"NOT_FOUND", []string{"id"}},
		{"transition: note too long", transitionComplaint, map[string]any{"id": openID, "to": "INVESTIGATING", "v": 1, "note": strings.Repeat("ก", 2001)},
			"BAD_USER_INPUT", []string{"note"}},
		{"assign: closed complaint, unknown member, not an ID", assignInvestigators,
			map[string]any{"id": closedID, "m": []string{r.citizen, unknownMember, "x"}},
			"BAD_USER_INPUT", []string{"complaintId", "memberIds[1]", "memberIds[2]"}},
		{"assign: nobody", assignInvestigators, map[string]any{"id": openID, "m": []string{}},
			"BAD_USER_INPUT", []string{"memberIds"}},
		{"seminar: ends before it starts, online in a province, unknown organizer, blank topic", createSeminar,
			map[string]any{"i": with(seminar, "endsOn", "2024-02-29", "mode", "ONLINE", "organizerCode", "PIO-00", "topics", []string{"น้ำเสีย", " "})},
			"BAD_USER_INPUT", []string{"input.endsOn", "input.organizerCode", "input.provinceCode", "input.topics[1]"}},
		{"seminar: on site nowhere", createSeminar, map[string]any{"i": with(seminar, "provinceCode", nil)},
			"BAD_USER_INPUT", []string{"input.provinceCode"}},
		{"seminar: longer than a year", createSeminar, map[string]any{"i": with(seminar, "endsOn", "2025-03-02")},
			"BAD_USER_INPUT", []string{"input.endsOn"}},
		{"seminar: too many topics", createSeminar, map[string]any{"i": with(seminar, "topics", slices.Repeat([]string{"x"}, 21))},
			"BAD_USER_INPUT", []string{"input.topics"}},
		{"attendance: unknown seminar", recordAttendance, map[string]any{"id": gid.EncodeInt(gid.Seminar, 999_999_999), "m": []string{r.citizen}},
			"NOT_FOUND", []string{"seminarId"}},
		{"attendance: unknown member", recordAttendance, map[string]any{"id": r.ceremony, "m": []string{r.citizen, unknownMember}},
			"BAD_USER_INPUT", []string{"memberIds[1]"}},
		{"award: honoured that year already", grantAward, map[string]any{"i": with(award, "memberId", r.honoured, "fiscalYear", r.honouredFY)},
			"CONFLICT", []string{"input.fiscalYear"}},
		{"award: year out of range, unknown member", grantAward, map[string]any{"i": with(award, "memberId", unknownMember, "fiscalYear", 2601)},
			"BAD_USER_INPUT", []string{"input.fiscalYear", "input.memberId"}},
		{"award: at a training", grantAward, map[string]any{"i": with(award, "seminarId", r.workshop)},
			"BAD_USER_INPUT", []string{"input.seminarId"}},
		{"award: ceremony before the year honoured", grantAward, map[string]any{"i": with(award, "seminarId", r.ceremony, "fiscalYear", r.ceremonyFY+1)},
			"BAD_USER_INPUT", []string{"input.seminarId"}},
	}
	audits := count(t, s.DB, `SELECT count(*) FROM audit_log`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := s.Query(t, c.query, c.vars)
			var fields []string
			for _, e := range resp.Errors {
				if e.Code() != c.code {
					t.Errorf("code %s (%s), want %s", e.Code(), e.Message, c.code)
				}
				fields = append(fields, e.Field())
			}
			slices.Sort(fields)
			if !slices.Equal(fields, c.fields) {
				t.Errorf("fields %q, want %q (%+v)", fields, c.fields, resp.Errors)
			}
			if string(resp.Data) != "null" || resp.Status != http.StatusOK {
				t.Errorf("HTTP %d, data %s", resp.Status, resp.Data)
			}
		})
	}
	if n := count(t, s.DB, `SELECT count(*) FROM audit_log`); n != audits {
		t.Errorf("%d audit records written by refused mutations", n-audits)
	}
	if n := count(t, s.DB, `SELECT count(*) FROM members WHERE full_name = 'ทดสอบ ระบบ'`); n != 0 {
		t.Errorf("%d members written by refused mutations", n)
	}
}

// Each write answers what it wrote, and the graph reads it back.
func TestWritesHappyPaths(t *testing.T) {
	s := newSeededServer(t)
	r := loadRefs(t, s.DB)

	var f struct {
		RegisterFactory struct {
			ID, RegistrationNo, Name string
			District                 *string
			Province                 struct{ Code string }
			Latitude, Longitude      *float64
			Workers                  *int
		}
	}
	s.Query(t, registerFactory, map[string]any{"i": map[string]any{"registrationNo": "3-105-99/2569-40", "name": " โรงงาน  ทดสอบ ",
		"typeCode": 105, "category": 3, "provinceCode": "40", "district": "ban phai", "latitude": 16.06, "longitude": 102.73,
		"workers": 12, "registeredOn": "2025-11-01"}}).MustData(t, &f)
	if got := f.RegisterFactory; got.Name != "โรงงาน ทดสอบ" || got.District == nil || *got.District != "บ้านไผ่" ||
		got.Province.Code != "40" || *got.Latitude != 16.06 || *got.Workers != 12 {
		t.Errorf("registered factory %+v", got)
	}
	// A creation records every field, false and null ones too.
	var created map[string]struct{ Before, After any }
	if e := lastAudit(t, s.DB); e.Operation != "registerFactory" || json.Unmarshal(e.Changes, &created) != nil ||
		created["governanceCertified"].After != false || created["name"].After != "โรงงาน ทดสอบ" || created["name"].Before != nil {
		t.Errorf("audit of the registration: %s %s", e.Operation, e.Changes)
	}
	var uf struct{ UpdateFactory struct{ ID string } }
	s.Query(t, updateFactory, map[string]any{"id": f.RegisterFactory.ID, "i": map[string]any{"status": "SUSPENDED", "workers": nil,
		"governanceCertified": true}}).MustData(t, &uf)
	var row struct {
		Status    string `db:"status"`
		Workers   *int   `db:"workers"`
		Certified bool   `db:"governance_certified"`
		Name      string `db:"name"`
	}
	if err := s.DB.Get(&row, `SELECT status, workers, governance_certified, name FROM factories WHERE registration_no = '3-105-99/2569-40'`); err != nil {
		t.Fatal(err)
	}
	if row.Status != "SUSPENDED" || row.Workers != nil || !row.Certified || row.Name != "โรงงาน ทดสอบ" {
		t.Errorf("updated factory %+v", row)
	}
	if e := lastAudit(t, s.DB); e.Operation != "updateFactory" ||
		string(e.Changes) != `{"status": {"after": "SUSPENDED", "before": "OPERATING"}, "workers": {"after": null, "before": 12}, "governanceCertified": {"after": true, "before": false}}` {
		t.Errorf("audit of the update: %s %s", e.Operation, e.Changes)
	}

	// A member's e-mail is changed, the phone cleared, the rest kept.
	var um struct{ UpdateMember struct{ ID string } }
	s.Query(t, updateMember, map[string]any{"id": r.private40, "i": map[string]any{"email": "new@example.org", "phone": nil}}).MustData(t, &um)
	var m struct {
		Email, Phone *string
		Factory      *int64 `db:"factory_id"`
	}
	if err := s.DB.Get(&m, `SELECT email, phone, factory_id FROM members WHERE id = $1`, idNum(t, r.private40)); err != nil {
		t.Fatal(err)
	}
	if m.Email == nil || *m.Email != "new@example.org" || m.Phone != nil || m.Factory == nil {
		t.Errorf("updated member %+v", m)
	}

	// A complaint about a factory, filed by a member, anonymous otherwise.
	var c struct {
		FileComplaint struct {
			ID, ReferenceNo, Status string
			Version                 int
			HandledBy               struct{ Code string }
			Factory                 *struct{ RegistrationNo string }
			FiledBy                 *struct{ ID string }
			Timeline                []struct{ Status string }
		}
	}
	s.Query(t, fileComplaint, map[string]any{"i": map[string]any{"category": "SMOKE", "description": "ควันดำ\r\nทุกเช้า",
		"provinceCode": "40", "factoryRegistrationNo": r.factory40, "filedByMemberId": r.citizen,
		"occurredAt": time.Now().Add(-2 * time.Hour).Format(time.RFC3339)}}).MustData(t, &c)
	fc := c.FileComplaint
	if fc.Status != "RECEIVED" || fc.Version != 1 || fc.HandledBy.Code != "PIO-40" || fc.Factory == nil ||
		fc.Factory.RegistrationNo != r.factory40 || fc.FiledBy == nil || fc.FiledBy.ID != r.citizen ||
		len(fc.Timeline) != 1 || fc.Timeline[0].Status != "RECEIVED" {
		t.Errorf("filed %+v", fc)
	}
	var desc string
	if err := s.DB.Get(&desc, `SELECT description FROM complaints WHERE id = $1`, idNum(t, fc.ID)); err != nil || desc != "ควันดำ\nทุกเช้า" {
		t.Errorf("description stored as %q (%v)", desc, err)
	}
	// Bangkok's complaints are handled by the Office of the Permanent Secretary.
	s.Query(t, fileComplaint, map[string]any{"i": map[string]any{"category": "NOISE", "description": "เสียงดัง", "provinceCode": "10"}}).MustData(t, &c)
	if c.FileComplaint.HandledBy.Code != "OPS" || c.FileComplaint.FiledBy != nil {
		t.Errorf("Bangkok complaint %+v", c.FileComplaint)
	}

	// Investigators are added; twice changes nothing.
	var a struct {
		AssignInvestigators struct{ Investigators []struct{ ID string } }
	}
	for range 2 {
		s.Query(t, assignInvestigators, map[string]any{"id": fc.ID, "m": []string{r.citizen, r.private40, r.citizen}}).MustData(t, &a)
		if got := a.AssignInvestigators.Investigators; len(got) != 2 {
			t.Errorf("investigators %+v", got)
		}
	}

	// A seminar, its attendees (twice changes nothing), an award at a ceremony.
	var sem struct {
		CreateSeminar struct {
			ID, Title  string
			FiscalYear int
			Topics     []string
			Province   *struct{ Code string }
		}
	}
	s.Query(t, createSeminar, map[string]any{"i": map[string]any{"title": "สัมมนา  ธรรมาภิบาล", "kind": "SEMINAR", "mode": "ONLINE",
		"startsOn": "2024-09-30", "endsOn": "2024-10-01", "organizerCode": "OPS", "topics": []string{"ธรรมาภิบาล", "น้ำเสีย", "ธรรมาภิบาล"}}}).MustData(t, &sem)
	if got := sem.CreateSeminar; got.Title != "สัมมนา ธรรมาภิบาล" || got.FiscalYear != 2567 || got.Province != nil ||
		!slices.Equal(got.Topics, []string{"ธรรมาภิบาล", "น้ำเสีย"}) {
		t.Errorf("seminar %+v", got)
	}
	var att struct {
		RecordAttendance struct{ Attendees struct{ TotalCount int } }
	}
	for range 2 {
		s.Query(t, recordAttendance, map[string]any{"id": sem.CreateSeminar.ID, "m": []string{r.citizen, r.private40}}).MustData(t, &att)
		if n := att.RecordAttendance.Attendees.TotalCount; n != 2 {
			t.Errorf("%d attendees", n)
		}
	}
	var aw struct {
		GrantAward struct {
			Level      string
			FiscalYear int
			Member     struct{ ID string }
		}
	}
	s.Query(t, grantAward, map[string]any{"i": map[string]any{"memberId": r.citizen, "level": "OUTSTANDING", "fiscalYear": r.ceremonyFY - 1,
		"seminarId": r.ceremony}}).MustData(t, &aw)
	if got := aw.GrantAward; got.Level != "OUTSTANDING" || got.FiscalYear != r.ceremonyFY-1 || got.Member.ID != r.citizen {
		t.Errorf("award %+v", got)
	}
	// One audit record per successful mutation: 2 + 1 + 2 + 2 + 1 + 2 + 1.
	if n := count(t, s.DB, `SELECT count(*) FROM audit_log`); n != 11 {
		t.Errorf("%d audit records, want 11", n)
	}
}

type transitioned struct {
	TransitionComplaint struct {
		ID, Status string
		Version    int
		ResolvedAt *string
		Timeline   []struct {
			Status string
			Note   *string
		}
	}
}

// A complaint goes through its whole workflow: each move bumps the version,
// appends an event, and sets or clears resolvedAt.
func TestComplaintWorkflow(t *testing.T) {
	s := newSeededServer(t)
	var c struct{ FileComplaint struct{ ID string } }
	s.Query(t, fileComplaint, map[string]any{"i": map[string]any{"category": "DUST", "description": "ฝุ่น", "provinceCode": "30"}}).MustData(t, &c)
	id := c.FileComplaint.ID
	steps := []struct {
		to, note string
		resolved bool
	}{
		{"INVESTIGATING", "ลงพื้นที่", false},
		{"RESOLVED", "ติดตั้งระบบดักฝุ่นแล้ว", true},
		{"INVESTIGATING", "ฝุ่นกลับมา", false},
		{"DISMISSED", "", true},
		{"INVESTIGATING", "", false},
		{"REFERRED", "ส่งกรมควบคุมมลพิษ", true},
	}
	for i, st := range steps {
		vars := map[string]any{"id": id, "to": st.to, "v": i + 1}
		if st.note != "" {
			vars["note"] = st.note
		}
		var d transitioned
		s.Query(t, transitionComplaint, vars).MustData(t, &d)
		got := d.TransitionComplaint
		last := got.Timeline[len(got.Timeline)-1]
		if got.Status != st.to || got.Version != i+2 || (got.ResolvedAt != nil) != st.resolved || len(got.Timeline) != i+2 ||
			last.Status != st.to || (st.note == "") != (last.Note == nil) {
			t.Fatalf("step %d to %s: %+v", i+1, st.to, got)
		}
	}
	// REFERRED is final.
	resp := s.Query(t, transitionComplaint, map[string]any{"id": id, "to": "INVESTIGATING", "v": 7})
	if len(resp.Errors) != 1 || resp.Errors[0].Code() != "BAD_USER_INPUT" || resp.Errors[0].Field() != "to" {
		t.Errorf("reopening a referred complaint: %+v", resp.Errors)
	}
	if n := count(t, s.DB, `SELECT count(*) FROM audit_log WHERE operation = 'transitionComplaint' AND entity_id = $1`, idNum(t, id)); n != 6 {
		t.Errorf("%d transitions audited, want 6", n)
	}
}

// Twenty clients move the same complaint from the same version at once:
// one wins, the others are told the version moved, and the timeline gains
// exactly one event.
func TestConcurrentTransitions(t *testing.T) {
	s := newSeededServer(t)
	var id int64
	if err := s.DB.Get(&id, `SELECT id FROM complaints WHERE status = 'RECEIVED' AND version = 1 ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	events := count(t, s.DB, `SELECT count(*) FROM complaint_events WHERE complaint_id = $1`, id)
	const n = 20
	resps := make([]gqltest.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			resps[i], errs[i] = s.Send(context.Background(), transitionComplaint,
				map[string]any{"id": gid.EncodeInt(gid.Complaint, id), "to": "INVESTIGATING", "v": 1}, nil)
		})
	}
	close(start)
	wg.Wait()
	won, conflicts := 0, 0
	for i, r := range resps {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		switch {
		case len(r.Errors) == 0:
			won++
		case len(r.Errors) == 1 && r.Errors[0].Code() == "CONFLICT" && r.Errors[0].Extensions["currentVersion"] == 2.0 &&
			r.Errors[0].Extensions["currentStatus"] == "INVESTIGATING":
			conflicts++
		default:
			t.Errorf("response %d: %+v", i, r.Errors)
		}
	}
	if won != 1 || conflicts != n-1 {
		t.Errorf("%d won, %d conflicts", won, conflicts)
	}
	if got := count(t, s.DB, `SELECT count(*) FROM complaint_events WHERE complaint_id = $1`, id); got != events+1 {
		t.Errorf("%d events, want %d", got, events+1)
	}
	if v := count(t, s.DB, `SELECT version FROM complaints WHERE id = $1`, id); v != 2 {
		t.Errorf("version %d", v)
	}
}

// Fifty complaints filed at once get fifty consecutive serials of the
// current fiscal year, after those given before.
func TestConcurrentFilings(t *testing.T) {
	s := newSeededServer(t)
	fy := count(t, s.DB, `SELECT CAST(extract(year FROM timezone('Asia/Bangkok', now()) + interval '3 months') + 543 AS int)`)
	last := count(t, s.DB, `SELECT coalesce(max(serial), 0) FROM complaints WHERE fiscal_year = $1`, fy)
	const n = 50
	refs := make([]string, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for i := range n {
		wg.Go(func() {
			r, err := s.Send(context.Background(), `mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { referenceNo } }`,
				map[string]any{"i": map[string]any{"category": "NOISE", "description": fmt.Sprintf("เสียงดัง %d", i), "provinceCode": "11"}}, nil)
			var d struct{ FileComplaint struct{ ReferenceNo string } }
			if err == nil && len(r.Errors) == 0 {
				err = json.Unmarshal(r.Data, &d)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil || len(r.Errors) > 0 {
				failures = append(failures, fmt.Sprint(err, r.Errors))
			}
			refs[i] = d.FileComplaint.ReferenceNo
		})
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("failed filings: %v", failures)
	}
	slices.Sort(refs)
	for i, ref := range refs {
		if want := fmt.Sprintf("%d/%06d", fy, last+1+i); ref != want {
			t.Fatalf("reference numbers %v..., want %s at %d", refs[:3], want, i)
		}
	}
	if got := count(t, s.DB, `SELECT last FROM complaint_serials WHERE fiscal_year = $1`, fy); got != last+n {
		t.Errorf("counter at %d, want %d", got, last+n)
	}
}

// A create retried with the same Idempotency-Key creates one row and
// answers the same object, even when the retries race; the key covers
// each create of a request; the key with another input, or a malformed
// key, is refused.
func TestIdempotentCreates(t *testing.T) {
	s := newSeededServer(t)
	send := func(key, name string) gqltest.Response {
		t.Helper()
		r, err := s.Send(context.Background(), `mutation($i: RegisterMemberInput!) { registerMember(input: $i) { id fullName } }`,
			map[string]any{"i": map[string]any{"fullName": name, "sector": "CITIZEN", "officeCode": "PIO-50"}},
			http.Header{"Idempotency-Key": {key}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	id := func(r gqltest.Response) string {
		t.Helper()
		var d struct{ RegisterMember struct{ ID string } }
		r.MustData(t, &d)
		return d.RegisterMember.ID
	}
	first := id(send("key-1", "ลองซ้ำ หนึ่ง"))
	if again := id(send("key-1", "  ลองซ้ำ   หนึ่ง ")); again != first {
		t.Errorf("retry answered %s, first %s", again, first)
	}
	if other := id(send("key-2", "ลองซ้ำ หนึ่ง")); other == first {
		t.Error("another key answered the same member")
	}
	if n := count(t, s.DB, `SELECT count(*) FROM members WHERE full_name = 'ลองซ้ำ หนึ่ง'`); n != 2 {
		t.Errorf("%d members for two keys", n)
	}
	if r := send("key-1", "คนอื่น"); len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" {
		t.Errorf("key reused for another input: %+v", r.Errors)
	}
	for _, bad := range []string{strings.Repeat("k", 256), "key with spaces", "ไทย"} {
		if r := send(bad, "ลองซ้ำ สาม"); r.Status != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_REQUEST" {
			t.Errorf("key %q: HTTP %d %+v", bad, r.Status, r.Errors)
		}
	}

	// A key older than 24 hours is forgotten: purged, or taken over by a
	// new request.
	if _, err := s.DB.Exec(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key IN ('key-1', 'key-2')`); err != nil {
		t.Fatal(err)
	}
	if renewed := id(send("key-1", "คนอื่น")); renewed == first {
		t.Error("an expired key answered its old member")
	}
	if n, err := idempotency.Purge(context.Background(), s.DB); err != nil || n != 1 {
		t.Errorf("purged %d keys (%v), want key-2 alone", n, err)
	}

	// Ten racing retries: one member, one answer.
	ids := make([]string, 10)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			r, err := s.Send(context.Background(), `mutation($i: RegisterMemberInput!) { registerMember(input: $i) { id } }`,
				map[string]any{"i": map[string]any{"fullName": "ลองซ้ำ สอง", "sector": "CITIZEN", "officeCode": "PIO-50"}},
				http.Header{"Idempotency-Key": {"racing"}})
			var d struct{ RegisterMember struct{ ID string } }
			if err == nil && len(r.Errors) == 0 && json.Unmarshal(r.Data, &d) == nil {
				ids[i] = d.RegisterMember.ID
			}
		})
	}
	wg.Wait()
	if ids[0] == "" || slices.ContainsFunc(ids, func(id string) bool { return id != ids[0] }) {
		t.Errorf("racing retries answered %v", ids)
	}
	if n := count(t, s.DB, `SELECT count(*) FROM members WHERE full_name = 'ลองซ้ำ สอง'`); n != 1 {
		t.Errorf("%d members for one key", n)
	}

	// Two creates in one request with one key: each is created once.
	both := `mutation { a: fileComplaint(input: {category: DUST, description: "ก", provinceCode: "40"}) { id }
		b: fileComplaint(input: {category: DUST, description: "ก", provinceCode: "40"}) { id } }`
	var d1, d2 struct{ A, B struct{ ID string } }
	for _, d := range []*struct{ A, B struct{ ID string } }{&d1, &d2} {
		r, err := s.Send(context.Background(), both, nil, http.Header{"Idempotency-Key": {"two-in-one"}})
		if err != nil {
			t.Fatal(err)
		}
		r.MustData(t, d)
	}
	if d1.A.ID == d1.B.ID || d1 != d2 {
		t.Errorf("first %+v, retry %+v", d1, d2)
	}
	// Audited once each (key-1 twice, having expired): the retries wrote
	// nothing.
	if n := count(t, s.DB, `SELECT count(*) FROM audit_log`); n != 6 {
		t.Errorf("%d audit records, want 6", n)
	}
	// Keys are each caller's own: anonymous clients at two addresses choosing
	// the same Idempotency-Key each file their own complaint, and a retry
	// from the same address gets its own back.
	file := func(address string) string {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": `mutation { fileComplaint(input: {category: NOISE, description: "เสียงดัง", provinceCode: "50"}) { id } }`})
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.RemoteAddr = address + ":4711"
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "same-key")
		rec := httptest.NewRecorder()
		s.Handler.ServeHTTP(rec, req)
		var d struct {
			Data struct{ FileComplaint struct{ ID string } }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil || d.Data.FileComplaint.ID == "" {
			t.Fatalf("file from %s: %v %s", address, err, rec.Body)
		}
		return d.Data.FileComplaint.ID
	}
	a1, b1, a2 := file("192.0.2.1"), file("192.0.2.2"), file("192.0.2.1")
	if a1 == b1 || a1 != a2 {
		t.Errorf("anonymous filings with one key: %s and %s from two addresses, %s on retry", a1, b1, a2)
	}
}

// A mutation cut short (here by the request deadline while it waits for
// the audit log) leaves nothing behind: no member, no key, no record.
func TestCancelledMutationLeavesNothing(t *testing.T) {
	db := dbtest.Seeded(t)
	s := gqltest.NewServer(t, db, gqltest.Options{RequestTimeout: 300 * time.Millisecond})
	lock, err := db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.Exec(`LOCK TABLE audit_log IN EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	r, err := s.Send(context.Background(), registerMember,
		map[string]any{"i": map[string]any{"fullName": "ไม่ควรมี", "sector": "CITIZEN", "officeCode": "PIO-40"}},
		http.Header{"Idempotency-Key": {"cut-short"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) != 1 || r.Errors[0].Code() != "TIMEOUT" {
		t.Errorf("errors %+v", r.Errors)
	}
	lock.Rollback()
	for _, q := range []string{
		`SELECT count(*) FROM members WHERE full_name = 'ไม่ควรมี'`,
		`SELECT count(*) FROM idempotency_keys`,
		`SELECT count(*) FROM audit_log`,
	} {
		if n := count(t, db, q); n != 0 {
			t.Errorf("%s: %d", q, n)
		}
	}
	// The key is free again: the retry creates the member.
	r, err = s.Send(context.Background(), registerMember,
		map[string]any{"i": map[string]any{"fullName": "ไม่ควรมี", "sector": "CITIZEN", "officeCode": "PIO-40"}},
		http.Header{"Idempotency-Key": {"cut-short"}})
	if err != nil || len(r.Errors) > 0 {
		t.Fatalf("retry: %v %+v", err, r.Errors)
	}
}

// Within one request, each mutation's answer shows its own write, not what
// the request read before.
func TestMutationAnswersAreFresh(t *testing.T) {
	s := newSeededServer(t)
	var id int64
	if err := s.DB.Get(&id, `SELECT id FROM complaints WHERE status = 'RECEIVED' AND version = 1 ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var d struct {
		A, B, C struct {
			Status   string
			Version  int
			Timeline []struct{ Status string }
		}
	}
	s.Query(t, `mutation($id: ID!) {
		a: transitionComplaint(id: $id, to: INVESTIGATING, expectedVersion: 1) { status version timeline { status } }
		b: transitionComplaint(id: $id, to: RESOLVED, expectedVersion: 2) { status version timeline { status } }
		c: transitionComplaint(id: $id, to: INVESTIGATING, expectedVersion: 3) { status version timeline { status } } }`,
		map[string]any{"id": gid.EncodeInt(gid.Complaint, id)}).MustData(t, &d)
	for i, got := range []struct {
		Status   string
		Version  int
		Timeline []struct{ Status string }
	}{d.A, d.B, d.C} {
		want := []string{"INVESTIGATING", "RESOLVED", "INVESTIGATING"}[i]
		if got.Status != want || got.Version != i+2 || len(got.Timeline) != i+2 || got.Timeline[i+1].Status != want {
			t.Errorf("answer %d: %+v", i, got)
		}
	}
}

// An officer links only members of its own province: as a complaint's
// filer, an investigator or an attendee. An administrator links anyone.
func TestOfficerLinksOnlyItsProvincesMembers(t *testing.T) {
	s := newSeededServer(t)
	var ids struct {
		Own, Other struct{ Nodes []struct{ ID string } }
		Complaints struct{ Nodes []struct{ ID string } }
		Seminars   struct{ Nodes []struct{ ID string } }
	}
	s.Query(t, `{
		own: members(first: 1, filter: {provinceCode: "40"}) { nodes { id } }
		other: members(first: 1, filter: {provinceCode: "50"}) { nodes { id } }
		complaints(first: 1, filter: {provinceCode: "40", status: [RECEIVED, INVESTIGATING]}) { nodes { id } }
		seminars(first: 1, filter: {organizerCode: "PIO-40"}) { nodes { id } }
	}`, nil).MustData(t, &ids)
	own, other := ids.Own.Nodes[0].ID, ids.Other.Nodes[0].ID
	complaintID, seminarID := ids.Complaints.Nodes[0].ID, ids.Seminars.Nodes[0].ID
	officer := s.As(s.NewKey(t, access.NewKey{Name: "khon-kaen-links", Role: access.Officer, OfficeCode: "PIO-40"}))
	file := `mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id } }`
	filing := func(member string) map[string]any {
		return map[string]any{"i": map[string]any{"category": "ODOR", "description": "กลิ่นเหม็น", "provinceCode": "40", "filedByMemberId": member}}
	}
	assign := `mutation($c: ID!, $m: [ID!]!) { assignInvestigators(complaintId: $c, memberIds: $m) { id } }`
	attend := `mutation($s: ID!, $m: [ID!]!) { recordAttendance(seminarId: $s, memberIds: $m) { id } }`
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"filer", file, filing(other), "input.filedByMemberId"},
		{"investigator", assign, map[string]any{"c": complaintID, "m": []string{own, other}}, "memberIds[1]"},
		{"attendee", attend, map[string]any{"s": seminarID, "m": []string{other}}, "memberIds[0]"},
	} {
		r := officer.Query(t, c.query, c.vars)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" || r.Errors[0].Field() != c.field {
			t.Errorf("officer links another province's member as %s: %+v", c.name, r.Errors)
		}
		if r := s.Query(t, c.query, c.vars); len(r.Errors) > 0 {
			t.Errorf("administrator links another province's member as %s: %+v", c.name, r.Errors)
		}
	}
	if r := officer.Query(t, file, filing(own)); len(r.Errors) > 0 {
		t.Errorf("officer names its own province's member as filer: %+v", r.Errors)
	}
}
