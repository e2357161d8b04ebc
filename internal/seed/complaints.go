package seed

import (
	"sort"
	"strings"
	"time"
)

var categories = []string{"ODOR", "DUST", "SMOKE", "NOISE", "VIBRATION", "WASTEWATER", "WASTE_DUMPING", "CHEMICAL_LEAK", "CANE_BURNING", "OTHER"}
var categoryWeights = newCumulative([]float64{24, 16, 12, 12, 3, 13, 8, 3, 5, 4})

// The factory types a kind of complaint is usually about.
var suspectTypes = map[string][]int{
	"ODOR":          {4, 6, 101, 105, 106, 2},
	"DUST":          {3, 2, 105, 91},
	"SMOKE":         {88, 102, 2, 1},
	"NOISE":         {69, 3, 88, 91},
	"VIBRATION":     {3, 88},
	"WASTEWATER":    {6, 5, 4, 90, 101},
	"WASTE_DUMPING": {101, 105, 106},
	"CHEMICAL_LEAK": {89, 101, 106, 69},
}

// Sugar cane is grown, and burnt before harvest, outside the south and
// the east.
var caneRegions = map[string]bool{"NORTHEAST": true, "CENTRAL": true, "NORTH": true, "WEST": true}

var receivedNotes = []string{
	"รับเรื่องร้องเรียนผ่านศูนย์รับเรื่องร้องเรียน สอจ.",
	"รับเรื่องร้องเรียนทางโทรศัพท์",
	"รับแจ้งจากสมาชิกเครือข่าย สอส. ในพื้นที่",
	"รับเรื่องผ่านระบบรับเรื่องร้องเรียนออนไลน์",
}

var investigatingNotes = []string{
	"เจ้าหน้าที่ สอจ. ร่วมกับเครือข่าย สอส. ลงพื้นที่ตรวจสอบข้อเท็จจริง",
	"ลงพื้นที่ตรวจสอบร่วมกับองค์กรปกครองส่วนท้องถิ่น",
	"เชิญผู้ประกอบการชี้แจงและตรวจสอบสถานประกอบการ",
}

var closingNotes = map[string][]string{
	"RESOLVED": {
		"โรงงานปรับปรุงแก้ไขตามคำแนะนำแล้ว ผลการตรวจติดตามไม่พบปัญหา",
		"มีคำสั่งให้โรงงานปรับปรุงแก้ไข และตรวจติดตามแล้วเป็นไปตามคำสั่ง",
		"ผู้ร้องเรียนแจ้งว่าปัญหาได้รับการแก้ไขแล้ว",
	},
	"DISMISSED": {
		"ตรวจสอบแล้วไม่พบการกระทำผิดตามกฎหมายว่าด้วยโรงงาน",
		"ไม่พบแหล่งกำเนิดมลพิษตามที่ร้องเรียน",
	},
	"REFERRED": {
		"ส่งเรื่องให้องค์กรปกครองส่วนท้องถิ่นดำเนินการต่อ",
		"ส่งเรื่องให้สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดดำเนินการต่อ",
		"อยู่นอกเหนืออำนาจตามกฎหมายว่าด้วยโรงงาน ส่งหน่วยงานที่เกี่ยวข้องดำเนินการ",
	},
}

const reopenNote = "ได้รับแจ้งว่าปัญหากลับมาเกิดซ้ำ เปิดเรื่องตรวจสอบอีกครั้ง"

func (g *gen) makeComplaints() {
	weights := make([]float64, len(g.ref.Provinces))
	totalFactories := float64(len(g.net.Factories))
	for i, p := range g.ref.Provinces {
		citizens := float64(len(g.membersOf[p.Code]["CITIZEN"]))
		weights[i] = 0.7*float64(len(g.factoriesOf[p.Code]))/totalFactories + 0.3*citizens/float64(citizensPerScale*g.scale)
	}
	provinces := newCumulative(weights)
	var all []*Complaint
	for i, n := range complaintsPerYear {
		fy := firstFiscalYear + i
		for range n * g.scale {
			all = append(all, g.complaint(fy, &g.ref.Provinces[provinces.pick(g.r)]))
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].FiledAt.Before(all[j].FiledAt) })
	serials := map[int]int{}
	for i, c := range all {
		c.ID = int64(i + 1)
		fy := fiscalYearOf(c.FiledAt.In(ict))
		serials[fy]++
		c.Serial = serials[fy]
		for _, e := range c.events {
			e.ComplaintID = c.ID
			g.net.Events = append(g.net.Events, e)
		}
		ms := c.investigators
		sort.Slice(ms, func(a, b int) bool { return ms[a].ID < ms[b].ID })
		for _, m := range ms {
			g.net.Investigators = append(g.net.Investigators, Investigator{ComplaintID: c.ID, MemberID: m.ID})
		}
	}
	g.net.Complaints = all
}

func (g *gen) complaint(fy int, p *Province) *Complaint {
	cat := categories[categoryWeights.pick(g.r)]
	for cat == "CANE_BURNING" && !caneRegions[p.Region] {
		cat = categories[categoryWeights.pick(g.r)]
	}
	c := &Complaint{Category: cat, ProvinceCode: p.Code, HandledBy: p.Office, FiledAt: g.filedAt(fy, cat)}
	filedDay := c.FiledAt.Truncate(24 * time.Hour)

	var f *Factory
	switch {
	case cat == "CANE_BURNING":
	case cat == "WASTE_DUMPING" && g.r.chance(0.55):
	case g.r.chance(0.08):
	default:
		f = g.suspect(p.Code, cat)
		c.FactoryID = &f.ID
	}
	district := pickOne(g.r, p.Districts).NameTh
	if f != nil && f.DistrictName != "" {
		district = f.DistrictName
	}
	c.Description = g.description(cat, f, p, district)
	if citizens := g.eligible(p.Code, filedDay, "CITIZEN"); len(citizens) > 0 && g.r.chance(0.58) {
		c.FiledBy = &pickOne(g.r, citizens).ID
	}
	g.workflow(c)
	if len(c.events) > 1 {
		c.investigators = append(sample(g.r, g.eligible(p.Code, filedDay, "GOVERNMENT"), 1),
			sample(g.r, g.eligible(p.Code, filedDay, "CITIZEN"), g.r.IntN(3))...)
	}
	return c
}

// filedAt is a moment of fiscal year fy between 07:00 and 21:00; cane is
// burnt in the harvest season, December to April.
func (g *gen) filedAt(fy int, cat string) time.Time {
	var d time.Time
	if cat == "CANE_BURNING" {
		d = g.randomDate(day(fy-544, 12, 1), day(fy-543, 4, 30))
	} else {
		d = g.randomDate(fiscalYearStart(fy), fiscalYearStart(fy+1).AddDate(0, 0, -1))
	}
	return time.Date(d.Year(), d.Month(), d.Day(), g.r.between(7, 20), g.r.IntN(60), g.r.IntN(60), 0, ict)
}

// suspect picks the factory a complaint of category cat in a province is
// about: one of a type that causes such complaints if the province has
// one, those with a higher propensity more often.
func (g *gen) suspect(code, cat string) *Factory {
	index := g.typeIndex[code]
	var present []int
	for _, t := range suspectTypes[cat] {
		if index[t] != nil {
			present = append(present, t)
		}
	}
	t := 0
	if len(present) > 0 && g.r.chance(0.8) {
		t = pickOne(g.r, present)
	}
	w := index[t]
	return w.factories[w.weights.pick(g.r)]
}

func (g *gen) description(cat string, f *Factory, p *Province, district string) string {
	place := "อำเภอ" + district
	if p.Code == "10" {
		place = "เขต" + district
	}
	source := "โรงงานในพื้นที่"
	if f != nil {
		source = f.Name
	}
	var parts []string
	switch cat {
	case "ODOR":
		parts = []string{"ประชาชนบริเวณ" + place, "ได้รับกลิ่นเหม็น" + pickOne(g.r, []string{"คล้ายของเน่าเสีย", "ของสารเคมี", "จากการหมักวัตถุดิบ", "ของน้ำเสีย"}) + "จาก" + source,
			"โดยเฉพาะช่วง" + pickOne(g.r, []string{"กลางคืน", "เช้าตรู่", "เย็น", "วันหยุด"}), "ส่งผลกระทบต่อการใช้ชีวิตประจำวัน"}
	case "DUST":
		parts = []string{"ฝุ่นละอองจาก" + source, "ฟุ้งกระจายเข้าบ้านเรือนใน" + place,
			pickOne(g.r, []string{"ประชาชนมีอาการแสบจมูกและไอ", "รถบรรทุกขนส่งวัตถุดิบไม่ปิดคลุมผ้าใบ", "ฝุ่นเกาะหลังคาบ้านและพืชผลทางการเกษตร"})}
	case "SMOKE":
		parts = []string{"ปล่องระบายอากาศของ" + source, "ปล่อยควันดำ" + pickOne(g.r, []string{"ในช่วงกลางคืน", "ต่อเนื่องทั้งวัน", "เป็นระยะ"}), "บริเวณ" + place}
	case "NOISE":
		parts = []string{"เสียงดังจากเครื่องจักรของ" + source, "รบกวนการพักผ่อนของประชาชนใน" + place, pickOne(g.r, []string{"ตลอดคืน", "ตั้งแต่เช้ามืด", "ในวันหยุด"})}
	case "VIBRATION":
		parts = []string{"แรงสั่นสะเทือนจากการทำงานของ" + source, "ทำให้บ้านเรือนใน" + place, "มีรอยร้าว"}
	case "WASTEWATER":
		parts = []string{source, "ปล่อยน้ำเสียลงแหล่งน้ำสาธารณะใน" + place, pickOne(g.r, []string{"น้ำมีสีดำและส่งกลิ่นเหม็น", "ปลาในลำคลองตายจำนวนมาก", "น้ำเสียไหลเข้าพื้นที่เกษตร"})}
	case "WASTE_DUMPING":
		if f == nil {
			parts = []string{"พบการลักลอบทิ้งกากอุตสาหกรรมและถังสารเคมีในที่ดินรกร้าง", place, "ไม่ทราบแหล่งที่มา"}
		} else {
			parts = []string{"พบรถบรรทุกของ" + source, "ลักลอบนำกากอุตสาหกรรมมาทิ้งในพื้นที่" + place}
		}
	case "CHEMICAL_LEAK":
		parts = []string{"เกิดการรั่วไหลของสารเคมีจาก" + source, "บริเวณ" + place, "ประชาชนมีอาการแสบตาและคลื่นไส้"}
	case "CANE_BURNING":
		parts = []string{"พบการลักลอบเผาอ้อยก่อนตัดในพื้นที่" + place, "เขม่าควันและใบอ้อยไหม้ปลิวเข้าบ้านเรือน"}
	default:
		parts = []string{"ร้องเรียนการประกอบกิจการของ" + source, "ใน" + place, "ว่าไม่เป็นไปตามเงื่อนไขที่ได้รับอนุญาต"}
	}
	return strings.Join(parts, " ")
}

// officeTime is a moment in office hours (08:30-16:30, Monday-Friday) on
// or after t.
func (g *gen) officeTime(t time.Time) time.Time {
	t = t.In(ict)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, ict)
	for {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			at := d.Add(time.Duration(510+g.r.IntN(480)) * time.Minute)
			if at.After(t) {
				return at
			}
		}
		d = d.AddDate(0, 0, 1)
	}
}

// workflow moves a complaint through its statuses as far as it got by the
// snapshot, recording each move.
func (g *gen) workflow(c *Complaint) {
	c.events = []Event{{At: c.FiledAt, Status: "RECEIVED", Note: pickOne(g.r, receivedNotes)}}
	c.Status = "RECEIVED"
	move := func(at time.Time, status, note string) bool {
		if at.After(snapshot) {
			return false
		}
		c.events = append(c.events, Event{At: at, Status: status, Note: note})
		c.Status = status
		return true
	}
	at := g.officeTime(c.FiledAt.Add(2*time.Hour + g.r.expDays(3)))
	if !move(at, "INVESTIGATING", pickOne(g.r, investigatingNotes)) || g.r.chance(0.015) {
		return
	}
	final := g.closing(c.Category)
	at = g.officeTime(at.Add(2*24*time.Hour + g.r.expDays(20)))
	if !move(at, final, pickOne(g.r, closingNotes[final])) {
		return
	}
	if final != "REFERRED" && g.r.chance(0.05) {
		at = g.officeTime(at.Add(time.Duration(g.r.between(10, 60)) * 24 * time.Hour))
		if !move(at, "INVESTIGATING", reopenNote) {
			c.ResolvedAt = &c.events[len(c.events)-1].At
			return
		}
		final = "RESOLVED"
		if g.r.chance(0.2) {
			final = "DISMISSED"
		}
		at = g.officeTime(at.Add(3*24*time.Hour + g.r.expDays(15)))
		if !move(at, final, pickOne(g.r, closingNotes[final])) {
			return
		}
	}
	c.ResolvedAt = &c.events[len(c.events)-1].At
}

func (g *gen) closing(cat string) string {
	u := g.r.Float64()
	if cat == "CANE_BURNING" {
		switch {
		case u < 0.5:
			return "REFERRED"
		case u < 0.8:
			return "RESOLVED"
		}
		return "DISMISSED"
	}
	switch {
	case u < 0.62:
		return "RESOLVED"
	case u < 0.84:
		return "DISMISSED"
	}
	return "REFERRED"
}
