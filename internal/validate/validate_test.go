package validate

import (
	"strings"
	"testing"

	"eilnet/internal/apperr"
)

func TestPhone(t *testing.T) {
	for in, want := range map[string]string{
		"0812345678":      "0812345678",
		"081-234-5678":    "0812345678",
		"+66 81 234 5678": "0812345678",
		"(02) 202-3000":   "022023000",
		"+66-2-202-3000":  "022023000",
		"045.123.456":     "045123456",
		"0612345678":      "0612345678",
	} {
		c := apperr.NewCheck("")
		if got := Phone(c, "phone", in); got != want || c.Failed() {
			t.Errorf("Phone(%q) = %q, failed %v; want %q", in, got, c.Failed(), want)
		}
	}
	for _, in := range []string{"", "081234567", "08123456789", "0112345678", "021234567x", "+1 212 555 0100", "012345678", "081 234 567๘"} {
		c := apperr.NewCheck("")
		if Phone(c, "phone", in); !c.Failed() {
			t.Errorf("Phone(%q) passed", in)
		}
	}
}

func TestEmail(t *testing.T) {
	for in, want := range map[string]string{
		"somchai@example.co.th":      "somchai@example.co.th",
		" Somchai.J@Industry.GO.TH ": "Somchai.J@industry.go.th",
		"a+tag@x.org":                "a+tag@x.org",
	} {
		c := apperr.NewCheck("")
		if got := Email(c, "email", in); got != want || c.Failed() {
			t.Errorf("Email(%q) = %q, failed %v; want %q", in, got, c.Failed(), want)
		}
	}
	for _, in := range []string{"", "somchai", "somchai@", "@example.com", "somchai@localhost", "Somchai <s@example.com>",
		"s chai@example.com", "a@b@example.com", strings.Repeat("a", 250) + "@x.co"} {
		c := apperr.NewCheck("")
		if Email(c, "email", in); !c.Failed() {
			t.Errorf("Email(%q) passed", in)
		}
	}
}

func TestLineAndText(t *testing.T) {
	c := apperr.NewCheck("input")
	if got := Line(c, "name", "  บริษัท \t ศิลา\u00a0 ไทย  ", 50); got != "บริษัท ศิลา ไทย" || c.Failed() {
		t.Errorf("Line = %q, failed %v", got, c.Failed())
	}
	if got := Text(c, "description", " บรรทัดแรก\r\nบรรทัดสอง\t \n", 50); got != "บรรทัดแรก\nบรรทัดสอง" || c.Failed() {
		t.Errorf("Text = %q, failed %v", got, c.Failed())
	}
	Line(c, "blank", " \n ", 10)
	Line(c, "long", strings.Repeat("ก", 11), 10)
	Text(c, "control", "ก\x07ข", 10)
	inv, _ := c.Err().(apperr.Invalid)
	var fields []string
	for _, e := range inv {
		fields = append(fields, e.Field)
	}
	if strings.Join(fields, ",") != "input.blank,input.long,input.control" {
		t.Errorf("failed fields %v", fields)
	}
}

// Identifiers refuse what displays otherwise than it reads or not at all;
// free text drops the bidirectional and other invisible format characters
// but keeps the zero-width space Thai uses between words.
func TestInvisibleCharacters(t *testing.T) {
	for _, in := range []string{"3-105-\u202e123/2569-40", "3-105-123\u0001/2569-40", "3-105\u200b-123/2569-40", "3-105-123/2569-40\ufeff", "3-105 123"} {
		c := apperr.NewCheck("input")
		if Identifier(c, "registrationNo", in, 3, 40); !c.Failed() {
			t.Errorf("Identifier(%q) passed", in)
		}
	}
	c := apperr.NewCheck("input")
	if got := Identifier(c, "registrationNo", " 3-105-123/2569-40 ", 3, 40); got != "3-105-123/2569-40" || c.Failed() {
		t.Errorf("Identifier = %q, failed %v", got, c.Failed())
	}
	for _, in := range []string{"som\u202echai@example.co.th", "somchai@exa\u200dmple.co.th"} {
		c := apperr.NewCheck("")
		if Email(c, "email", in); !c.Failed() {
			t.Errorf("Email(%q) passed", in)
		}
	}
	if got := Line(c, "name", "สมชาย\u202e ใจดี\u2066", 50); got != "สมชาย ใจดี" || c.Failed() {
		t.Errorf("Line = %q, failed %v", got, c.Failed())
	}
	if got := Text(c, "description", "กลิ่น\u200bเหม็น\u202dมาก", 50); got != "กลิ่น\u200bเหม็นมาก" || c.Failed() {
		t.Errorf("Text = %q, failed %v", got, c.Failed())
	}
}
