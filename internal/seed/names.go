package seed

// Word lists for realistic Thai names. Romanisations (for demo e-mail
// addresses) follow common Thai spellings, not strict RTGS.

type word struct{ th, en string }

var maleNames = []word{
	{"สมชาย", "somchai"}, {"สมศักดิ์", "somsak"}, {"ประเสริฐ", "prasert"}, {"วิชัย", "wichai"},
	{"สุรชัย", "surachai"}, {"ธนากร", "thanakorn"}, {"กิตติศักดิ์", "kittisak"}, {"อนุชา", "anucha"},
	{"ณัฐพล", "nattapon"}, {"พงศกร", "pongsakorn"}, {"ชัยวัฒน์", "chaiwat"}, {"ศักดิ์ชัย", "sakchai"},
	{"สมพงษ์", "sompong"}, {"บุญมี", "boonmee"}, {"สุรเชษฐ์", "surachet"}, {"วีระพงษ์", "weerapong"},
	{"อดิศักดิ์", "adisak"}, {"เกียรติศักดิ์", "kiattisak"}, {"ธีรวัฒน์", "teerawat"}, {"ปิยะพงษ์", "piyapong"},
	{"สุทธิพงษ์", "sutthipong"}, {"อภิชาติ", "apichat"}, {"จักรพันธ์", "jakkaphan"}, {"วรวุฒิ", "worawut"},
	{"ชาญวิทย์", "chanwit"}, {"ทองใบ", "thongbai"}, {"สมหมาย", "sommai"}, {"บุญเลิศ", "boonlert"},
	{"ไพโรจน์", "pairoj"}, {"เอกชัย", "ekkachai"}, {"ภานุวัฒน์", "panuwat"}, {"ศุภชัย", "supachai"},
	{"นิพนธ์", "nipon"}, {"มานพ", "manop"}, {"สุริยา", "suriya"}, {"ธวัชชัย", "thawatchai"},
	{"ปรีชา", "preecha"}, {"วิโรจน์", "wiroj"}, {"อำนาจ", "amnat"}, {"ณรงค์", "narong"},
}

var femaleNames = []word{
	{"สมหญิง", "somying"}, {"มาลี", "malee"}, {"วราภรณ์", "waraporn"}, {"สุภาพร", "supaporn"},
	{"กาญจนา", "kanchana"}, {"ศิริพร", "siriporn"}, {"นภาพร", "napaporn"}, {"อรุณี", "arunee"},
	{"พรทิพย์", "porntip"}, {"จันทร์เพ็ญ", "janpen"}, {"ปิยะนุช", "piyanuch"}, {"รัตนา", "rattana"},
	{"สุนีย์", "sunee"}, {"อัญชลี", "anchalee"}, {"วันเพ็ญ", "wanpen"}, {"ดวงใจ", "duangjai"},
	{"เพ็ญศรี", "pensri"}, {"ลำดวน", "lamduan"}, {"บุษบา", "butsaba"}, {"ชนิดา", "chanida"},
	{"ณัฐธิดา", "nattida"}, {"กมลวรรณ", "kamonwan"}, {"จิราพร", "jiraporn"}, {"ปวีณา", "paweena"},
	{"สุดารัตน์", "sudarat"}, {"อรอุมา", "onuma"}, {"นงลักษณ์", "nongluck"}, {"ทิพวรรณ", "tippawan"},
	{"ศศิธร", "sasithorn"}, {"ยุพิน", "yupin"}, {"อำไพ", "ampai"}, {"พิมพ์ชนก", "pimchanok"},
	{"เยาวลักษณ์", "yaowalak"}, {"สายสุนีย์", "saisunee"}, {"ธนพร", "thanaporn"}, {"วิไลวรรณ", "wilaiwan"},
	{"ประภาพร", "prapaporn"}, {"ขวัญใจ", "kwanjai"}, {"มณีรัตน์", "maneerat"}, {"สุพัตรา", "supattra"},
}

// Family names are compounds of two common parts, as most Thai family
// names are (ศรีสุข, บุญมา, ทองดี, ...).
var surnameHeads = []word{
	{"ศรี", "sri"}, {"บุญ", "boon"}, {"ทอง", "thong"}, {"แก้ว", "kaew"}, {"สุข", "suk"},
	{"จันทร์", "jan"}, {"วงศ์", "wong"}, {"ชัย", "chai"}, {"ศักดิ์", "sak"}, {"เพชร", "phet"},
	{"รัตน", "rattana"}, {"พรหม", "prom"}, {"อินทร์", "in"}, {"คำ", "kham"}, {"แสง", "saeng"},
	{"เจริญ", "charoen"}, {"ประเสริฐ", "prasert"}, {"สมบูรณ์", "somboon"}, {"มณี", "manee"}, {"ทรัพย์", "sap"},
}

var surnameTails = []word{
	{"สุข", "suk"}, {"วงศ์", "wong"}, {"ทอง", "thong"}, {"แก้ว", "kaew"}, {"ดี", "dee"},
	{"มา", "ma"}, {"ประเสริฐ", "prasert"}, {"สวัสดิ์", "sawat"}, {"เจริญ", "charoen"}, {"รัตน์", "rat"},
	{"ศรี", "sri"}, {"พันธ์", "phan"}, {"ไพศาล", "phaisan"}, {"กุล", "kul"}, {"ชัย", "chai"},
	{"งาม", "ngam"}, {"มงคล", "mongkol"}, {"เรือง", "ruang"}, {"สมบัติ", "sombat"}, {"ธรรม", "tham"},
}

// Words Thai companies are commonly named with.
var brandWords = []string{
	"สยาม", "ไทย", "รุ่งเรือง", "เจริญ", "ทองคำ", "มั่นคง", "สมบูรณ์", "ศรีสวัสดิ์", "ชัยมงคล", "พัฒนา",
	"ก้าวหน้า", "อุดม", "ไพศาล", "วัฒนา", "เอเชีย", "ยูไนเต็ด", "โกลเด้น", "กรีน", "รวมทรัพย์", "ทวีผล",
	"เจริญผล", "ศรีไทย", "นำชัย", "พูลผล", "ร่วมใจ", "สินสมบูรณ์", "มหาชัย", "ธนากร", "อินเตอร์", "แปซิฟิค",
}

// What factories of each type call themselves.
var productWords = map[int][]string{
	1:   {"บ่มใบยา", "ใบชา", "ใบยาสูบ"},
	2:   {"อบพืชผล", "เมล็ดพันธุ์", "ผลิตผลเกษตร", "อบลำไย"},
	3:   {"ศิลา", "หินทราย", "ทรายก่อสร้าง", "โม่หิน"},
	4:   {"แปรรูปเนื้อสัตว์", "ฟู้ดส์", "ปศุสัตว์"},
	5:   {"แดรี่", "ผลิตภัณฑ์นม", "นมสด"},
	6:   {"ซีฟู้ด", "อาหารทะเล", "ห้องเย็น", "ประมง"},
	69:  {"อิเล็กทรอนิกส์", "เทคโนโลยี", "คอมพิวเตอร์"},
	88:  {"เพาเวอร์", "พลังงาน", "ไบโอเพาเวอร์", "โซลาร์"},
	89:  {"แก๊ส", "ก๊าซ"},
	90:  {"วอเตอร์", "น้ำใส", "ประปา"},
	91:  {"แพ็คกิ้ง", "บรรจุภัณฑ์", "แพ็คเกจจิ้ง"},
	101: {"เอ็นไวรอนเมนทัล", "บำบัดของเสีย", "เวสต์ทรีทเม้นท์"},
	102: {"สตีม", "ไอน้ำ", "บอยเลอร์"},
	105: {"คัดแยกขยะ", "เวสต์ แมเนจเม้นท์", "ฝังกลบ"},
	106: {"รีไซเคิล", "รีโปรดักส์", "ค้าของเก่า"},
}
