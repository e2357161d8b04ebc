package seed

import (
	"fmt"
	"sort"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// realEvents are the events of the network reported in the news (see
// docs/data-sources.md), with what the reports say of them.
func (g *gen) realEvents() []*Seminar {
	ceremony := &Seminar{
		Title:         "กิจกรรมแลกเปลี่ยนเรียนรู้และเชิดชูกลุ่มสมาชิกเครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อม ครั้งที่ 1 ประจำปี 2561",
		Kind:          "AWARD_CEREMONY",
		Mode:          "ONSITE",
		StartsOn:      day(2018, 10, 17),
		EndsOn:        day(2018, 10, 18),
		Venue:         strPtr("โรงแรมเซ็นทรา บาย เซ็นทารา ศูนย์ราชการและคอนเวนชันเซ็นเตอร์ แจ้งวัฒนะ"),
		OrganizerCode: "OPS",
		ProvinceCode:  strPtr("10"),
		Topics: []string{
			"เสวนาด้านสิ่งแวดล้อม",
			"พิธีมอบรางวัลสมาชิกเครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อมดีเด่นและยอดเยี่ยม",
		},
	}
	// 33 awardees from the government and private sectors, honoured for
	// 2561; the report does not split them by level.
	awardees := sample(g.r, g.nationwide(ceremony.StartsOn, "GOVERNMENT", "PRIVATE"), 33)
	for i, m := range awardees {
		level := "OUTSTANDING"
		if i%3 == 0 {
			level = "EXCELLENT"
		}
		ceremony.awards = append(ceremony.awards, &Award{MemberID: m.ID, Level: level, FiscalYear: 2561})
	}
	ceremony.attendees = g.withAwardees(ceremony, sample(g.r, g.nationwide(ceremony.StartsOn, "GOVERNMENT"), 120))

	online := &Seminar{
		Title:         "สัมมนาเชิงปฏิบัติการเสริมสร้างองค์ความรู้ในการพัฒนาเครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อมและการส่งเสริมธรรมาภิบาลสิ่งแวดล้อมอย่างยั่งยืน",
		Kind:          "SEMINAR",
		Mode:          "ONLINE",
		StartsOn:      day(2023, 12, 20),
		EndsOn:        day(2023, 12, 20),
		Venue:         strPtr("Zoom Meeting (ห้องประชุมชุณหะวัณ สำนักงานปลัดกระทรวงอุตสาหกรรม)"),
		OrganizerCode: "OPS",
		Topics: []string{
			"การส่งเสริมการมีส่วนร่วมของประชาชนในการจัดการและสร้างเครือข่ายด้านสิ่งแวดล้อม",
			"การพัฒนาศักยภาพและส่งเสริมการมีส่วนร่วมของเครือข่ายในการจัดการความขัดแย้งทางสิ่งแวดล้อม",
			"ข้อควรรู้เบื้องต้นตามกฎหมายว่าด้วยโรงงานสู่แนวทางการป้องกันและเฝ้าระวังสิ่งแวดล้อม",
			"การขับเคลื่อนเครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อมและธรรมาภิบาลสิ่งแวดล้อมเชิงพื้นที่",
		},
	}
	// "More than 200" project officers of the Provincial Industry Offices.
	var officers []*Member
	for _, p := range g.ref.Provinces {
		if p.Code != "10" {
			officers = append(officers, sample(g.r, g.eligible(p.Code, online.StartsOn, "GOVERNMENT"), 3)...)
		}
	}
	online.attendees = sample(g.r, officers, 214)

	meetUp := &Seminar{
		Title:         "MIND Community Meet Up ‘ชุมชนของฅน MIND’ ครั้งที่ 1 ร่างพระราชบัญญัติจัดการกากอุตสาหกรรม พ.ศ. .... กฎหมายใหม่ที่เจ้าหน้าที่กระทรวงอุตสาหกรรมต้องรู้",
		Kind:          "KNOWLEDGE_SHARING",
		Mode:          "HYBRID",
		StartsOn:      day(2025, 3, 14),
		EndsOn:        day(2025, 3, 14),
		Venue:         strPtr("ห้องประชุมชุณหะวัณ ชั้น 3 อาคารสำนักงานปลัดกระทรวงอุตสาหกรรม และ Zoom Meeting"),
		OrganizerCode: "OPS",
		ProvinceCode:  strPtr("10"),
		Topics: []string{
			"ร่างพระราชบัญญัติจัดการกากอุตสาหกรรม พ.ศ. ....",
			"การแก้ไขปัญหาการลักลอบทิ้งกากอุตสาหกรรมอย่างครบวงจร",
		},
	}
	meetUp.attendees = append(sample(g.r, g.eligible("10", meetUp.StartsOn, "GOVERNMENT"), 40),
		sample(g.r, g.nationwide(meetUp.StartsOn, "GOVERNMENT"), 25)...)

	inspection := &Seminar{
		Title:         "ตรวจราชการรอบที่ 1 ปีงบประมาณ พ.ศ. 2566 และหารือเครือข่ายขับเคลื่อนนโยบาย MIND จังหวัดขอนแก่น",
		Kind:          "INSPECTION_VISIT",
		Mode:          "ONSITE",
		StartsOn:      day(2023, 3, 1),
		EndsOn:        day(2023, 3, 1),
		Venue:         strPtr("ห้องประชุมสำนักงานอุตสาหกรรมจังหวัดขอนแก่น"),
		OrganizerCode: "OPS",
		ProvinceCode:  strPtr("40"),
		Topics: []string{
			"การตรวจกำกับโรงงานและเหมืองแร่",
			"การใช้น้ำขุมเหมือง",
			"สถานการณ์ลักลอบเผาอ้อย",
			"การส่งเสริมอาชีพดูแลชุมชนรอบโรงงาน",
			"นโยบาย MIND ใช้หัวและใจ ปั้นอุตสาหกรรมคู่ชุมชน",
		},
	}
	inspection.attendees = append(append(
		sample(g.r, g.eligible("40", inspection.StartsOn, "GOVERNMENT"), 8),
		sample(g.r, g.eligible("40", inspection.StartsOn, "PRIVATE"), 10)...),
		sample(g.r, g.eligible("40", inspection.StartsOn, "CITIZEN"), 10)...)

	return []*Seminar{ceremony, online, meetUp, inspection}
}

// withAwardees adds a ceremony's awardees to its other attendees.
func (g *gen) withAwardees(s *Seminar, others []*Member) []*Member {
	seen := map[int64]bool{}
	var out []*Member
	for _, a := range s.awards {
		seen[a.MemberID] = true
	}
	for _, m := range g.net.Members {
		if seen[m.ID] {
			out = append(out, m)
		}
	}
	for _, m := range others {
		if !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m)
		}
	}
	return out
}

// ceremonies are the annual award ceremonies after the first, each
// honouring the previous fiscal year, held in November.
func (g *gen) ceremonies() []*Seminar {
	var out []*Seminar
	for n, year := 2, 2562; year <= lastFiscalYear-1; n, year = n+1, year+1 {
		start := g.randomWeekday(day(year-543, 11, 1), day(year-543, 11, 30))
		s := &Seminar{
			Title:         fmt.Sprintf("กิจกรรมแลกเปลี่ยนเรียนรู้และเชิดชูกลุ่มสมาชิกเครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อม ครั้งที่ %d ประจำปี %d", n, year),
			Kind:          "AWARD_CEREMONY",
			Mode:          "ONSITE",
			StartsOn:      start,
			EndsOn:        start,
			Venue:         strPtr("หอประชุมกระทรวงอุตสาหกรรม"),
			OrganizerCode: "OPS",
			ProvinceCode:  strPtr("10"),
			Topics:        []string{"พิธีมอบรางวัลสมาชิกเครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อมดีเด่นและยอดเยี่ยม"},
		}
		if year == 2564 {
			// Held during the COVID-19 outbreak of late 2021.
			s.Mode, s.Venue, s.ProvinceCode = "ONLINE", strPtr("Zoom Meeting"), nil
		}
		pool := g.nationwide(start, "GOVERNMENT", "PRIVATE", "CITIZEN")
		for i, m := range sample(g.r, pool, g.r.between(30, 40)*g.scale) {
			level := "OUTSTANDING"
			if i%3 == 0 {
				level = "EXCELLENT"
			}
			s.awards = append(s.awards, &Award{MemberID: m.ID, Level: level, FiscalYear: year})
		}
		s.attendees = g.withAwardees(s, sample(g.r, g.nationwide(start, "GOVERNMENT"), g.r.between(60, 120)*g.scale))
		out = append(out, s)
	}
	return out
}

var seminarKinds = newCumulative([]float64{25, 30, 15, 15, 15})
var seminarKindNames = []string{"SEMINAR", "TRAINING", "STUDY_VISIT", "KNOWLEDGE_SHARING", "INSPECTION_VISIT"}

var trainingSubjects = []string{
	"การเฝ้าระวังและตรวจสอบมลพิษจากโรงงานอุตสาหกรรม",
	"การใช้เครื่องมือตรวจวัดคุณภาพอากาศเบื้องต้น",
	"การจัดการกากอุตสาหกรรมอย่างถูกต้องตามกฎหมาย",
	"การรับแจ้งและตรวจสอบข้อร้องเรียนด้านสิ่งแวดล้อม",
	"การตรวจวัดคุณภาพน้ำทิ้งจากโรงงาน",
}

var topicPool = []string{
	"บทบาทของเครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อมในการเฝ้าระวังมลพิษ",
	"กฎหมายว่าด้วยโรงงานที่ประชาชนควรรู้",
	"การจัดการกากอุตสาหกรรมและการป้องกันการลักลอบทิ้ง",
	"ธรรมาภิบาลสิ่งแวดล้อมของสถานประกอบการ",
	"การจัดการความขัดแย้งระหว่างชุมชนกับโรงงาน",
	"การตรวจวัดฝุ่นละออง PM2.5 เบื้องต้น",
	"ชุมชนรักโรงงาน โรงงานรักชุมชน",
	"การรายงานข้อร้องเรียนผ่านช่องทางออนไลน์",
	"กรณีศึกษาสถานประกอบการต้นแบบด้านสิ่งแวดล้อม",
	"การป้องกันและลดการเผาในที่โล่ง",
}

// modeFor is how an event of fiscal year fy was held: almost always on
// site before COVID-19, often online during it, sometimes since.
func (g *gen) modeFor(kind string, fy int) string {
	if kind == "STUDY_VISIT" || kind == "INSPECTION_VISIT" {
		return "ONSITE"
	}
	u := g.r.Float64()
	switch {
	case fy <= 2563:
		if u < 0.05 {
			return "HYBRID"
		}
	case fy <= 2565:
		if u < 0.45 {
			return "ONLINE"
		}
		if u < 0.65 {
			return "HYBRID"
		}
	default:
		if u < 0.15 {
			return "ONLINE"
		}
		if u < 0.30 {
			return "HYBRID"
		}
	}
	return "ONSITE"
}

// event makes one of the ordinary events of fiscal year fy.
func (g *gen) event(fy int) *Seminar {
	organizer := &g.ref.Provinces[g.r.IntN(len(g.ref.Provinces))]
	if g.r.chance(0.08) {
		organizer = g.province["10"]
	}
	kind := seminarKindNames[seminarKinds.pick(g.r)]
	start := g.randomWeekday(fiscalYearStart(fy), fiscalYearStart(fy+1).AddDate(0, 0, -1))
	s := &Seminar{Kind: kind, Mode: g.modeFor(kind, fy), StartsOn: start, EndsOn: start, OrganizerCode: organizer.Office}
	where := organizer
	if kind == "STUDY_VISIT" && g.r.chance(0.5) {
		// A study visit goes to a model factory, often in another province.
		where = &g.ref.Provinces[g.r.IntN(len(g.ref.Provinces))]
	}
	place := "จังหวัด" + where.NameTh
	if where.Code == "10" {
		place = where.NameTh
	}
	switch kind {
	case "SEMINAR":
		s.Title = joinTitle("สัมมนาเครือข่ายอุตสาหกรรมรักษ์สิ่งแวดล้อม", place, fmt.Sprintf("ประจำปีงบประมาณ พ.ศ. %d", fy))
		s.EndsOn = start.AddDate(0, 0, g.r.IntN(2))
	case "TRAINING":
		s.Title = joinTitle("อบรมเชิงปฏิบัติการ"+pickOne(g.r, trainingSubjects), place)
		s.EndsOn = start.AddDate(0, 0, g.r.IntN(2))
	case "STUDY_VISIT":
		host := pickOne(g.r, g.factoriesOf[where.Code])
		s.Title = joinTitle("ศึกษาดูงานการจัดการสิ่งแวดล้อมของสถานประกอบการต้นแบบ", host.Name, place)
		s.Venue = strPtr(host.Name)
		s.EndsOn = start.AddDate(0, 0, g.r.IntN(3))
	case "KNOWLEDGE_SHARING":
		s.Title = joinTitle("เวทีแลกเปลี่ยนเรียนรู้ ชุมชนรักโรงงาน โรงงานรักชุมชน", place)
	case "INSPECTION_VISIT":
		s.Title = joinTitle("ลงพื้นที่ตรวจติดตามการแก้ไขปัญหาข้อร้องเรียนด้านมลพิษ", place)
	}
	if s.Mode != "ONLINE" {
		s.ProvinceCode = &where.Code
		if s.Venue == nil {
			s.Venue = strPtr("ห้องประชุม" + officeName(organizer))
		}
		if s.Mode == "HYBRID" {
			s.Venue = strPtr(*s.Venue + " และ Zoom Meeting")
		}
	} else {
		s.Venue = strPtr(pickOne(g.r, []string{"Zoom Meeting", "Microsoft Teams"}))
	}
	if s.EndsOn.After(day(2025, 9, 30)) {
		s.EndsOn = s.StartsOn
	}
	s.Topics = sample(g.r, topicPool, g.r.between(1, 4))
	if kind == "TRAINING" || kind == "SEMINAR" {
		s.Topics = append([]string{"พิธีเปิดและบรรยายพิเศษ"}, s.Topics...)
	}

	// Attendees come from the organiser's province; the central office's
	// events gather officers from everywhere.
	n := g.r.between(15, 60)
	if organizer.Code == "10" && kind != "STUDY_VISIT" {
		s.attendees = sample(g.r, g.nationwide(start, "GOVERNMENT"), n)
	} else {
		s.attendees = sample(g.r, g.eligible(organizer.Code, start, "GOVERNMENT", "PRIVATE", "CITIZEN"), n)
	}
	return s
}

func officeName(p *Province) string {
	if p.Code == "10" {
		return "สำนักงานปลัดกระทรวงอุตสาหกรรม"
	}
	return "สำนักงานอุตสาหกรรมจังหวัด" + p.NameTh
}

func (g *gen) makeSeminars() {
	all := g.realEvents()
	all = append(all, g.ceremonies()...)
	ordinary := seminarsPerScale*g.scale - len(all)
	perYear := allocate(ordinary, []float64{9, 10, 11, 12, 13, 14, 15, 16})
	for i, n := range perYear {
		for range n {
			all = append(all, g.event(firstFiscalYear+i))
		}
	}
	sortedBySeminarDate(all)
	var awardID int64
	for i, s := range all {
		s.ID = int64(i + 1)
		// Samples from overlapping pools may name someone twice.
		ms := s.attendees
		sort.Slice(ms, func(a, b int) bool { return ms[a].ID < ms[b].ID })
		for i, m := range ms {
			if i == 0 || ms[i-1].ID != m.ID {
				g.net.Attendances = append(g.net.Attendances, Attendance{SeminarID: s.ID, MemberID: m.ID})
			}
		}
		for _, a := range s.awards {
			awardID++
			a.ID, a.SeminarID = awardID, &s.ID
			g.net.Awards = append(g.net.Awards, a)
		}
	}
	g.net.Seminars = all
}
