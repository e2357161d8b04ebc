// Package validate holds the input rules every write shares: how text is
// cleaned, what a phone number, an e-mail address, a point in Thailand and
// a plausible date are. Each rule records its failures in an apperr.Check,
// naming the field, so that one answer reports every bad field at once.
package validate

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"eilnet/internal/apperr"
)

// Normalize puts text in the form stored text is compared in: Unicode NFC
// (Thai typed with its marks in another order compares equal), without
// invisible format characters (invisible), without leading, trailing or
// repeated white space.
func Normalize(text string) string {
	return strings.Join(strings.Fields(stripInvisible(norm.NFC.String(text))), " ")
}

// invisible tells whether r is a format character free text does without:
// the bidirectional overrides, embeddings, isolates and marks (which make
// text display otherwise than it reads: "3-105-\u202e123" shows digits
// reversed), zero-width joiners and the byte-order mark. Thai needs none
// of them but the zero-width space (U+200B), which marks word breaks in
// text without spaces, and is kept.
func invisible(r rune) bool {
	return r != '\u200b' && unicode.Is(unicode.Cf, r)
}

func stripInvisible(s string) string {
	if !strings.ContainsFunc(s, invisible) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)
}

// Identifier checks a code typed by people and compared exactly (a
// registration number): trimmed, min to max characters, and nothing
// invisible or that displays otherwise than it reads: no space, control
// or format character (a bidirectional override, a zero-width space).
func Identifier(c *apperr.Check, field, s string, min, max int) string {
	t := strings.TrimSpace(s)
	n := utf8.RuneCountInString(t)
	if n < min || n > max || strings.ContainsFunc(t, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || !unicode.IsPrint(r)
	}) {
		c.Failf(field, "must have %d to %d characters, without spaces, control or invisible characters", min, max)
	}
	return t
}

// Line cleans a required one-line text (a name, a title): normalised, at
// least one character, at most max.
func Line(c *apperr.Check, field, s string, max int) string {
	t := Normalize(s)
	switch n := utf8.RuneCountInString(t); {
	case n == 0:
		c.Failf(field, "must not be blank")
	case n > max:
		c.Failf(field, "may have at most %d characters, not %d", max, n)
	case hasControl(t):
		c.Failf(field, "must not contain control characters")
	}
	return t
}

// OptionalLine is Line for an optional text: nil stays nil; blank text is
// refused rather than taken for "none".
func OptionalLine(c *apperr.Check, field string, s *string, max int) *string {
	if s == nil {
		return nil
	}
	t := Line(c, field, *s, max)
	return &t
}

// Text cleans a required text of several lines (a description): NFC,
// trimmed, line breaks kept as \n, at most max characters.
func Text(c *apperr.Check, field, s string, max int) string {
	t := strings.TrimSpace(strings.ReplaceAll(stripInvisible(norm.NFC.String(s)), "\r\n", "\n"))
	switch n := utf8.RuneCountInString(t); {
	case n == 0:
		c.Failf(field, "must not be blank")
	case n > max:
		c.Failf(field, "may have at most %d characters, not %d", max, n)
	case hasControl(strings.NewReplacer("\n", "", "\t", "").Replace(t)):
		c.Failf(field, "must not contain control characters other than line breaks and tabs")
	}
	return t
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// Phone checks a Thai phone number and answers it as stored: digits only,
// starting with 0. Spaces, dashes, dots, brackets and a +66 prefix are
// accepted. Mobile numbers have 10 digits (06, 08, 09), fixed lines 9
// (02-07).
func Phone(c *apperr.Check, field, s string) string {
	digits := strings.Map(func(r rune) rune {
		if strings.ContainsRune(" -.()", r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if rest, ok := strings.CutPrefix(digits, "+66"); ok {
		digits = "0" + rest
	}
	valid := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) < 0 &&
		(len(digits) == 10 && strings.ContainsRune("689", rune(digits[1])) && digits[0] == '0' ||
			len(digits) == 9 && digits[0] == '0' && digits[1] >= '2' && digits[1] <= '7')
	if !valid {
		c.Failf(field, "is not a Thai phone number (a 10-digit mobile number from 06, 08 or 09, or a 9-digit fixed line from 02-07)")
	}
	return digits
}

// Email checks an e-mail address (a bare address, no display name) and
// answers it with its domain in lower case.
func Email(c *apperr.Check, field, s string) string {
	s = strings.TrimSpace(s)
	addr, err := mail.ParseAddress(s)
	local, domain, _ := strings.Cut(s, "@")
	if err != nil || addr.Address != s || addr.Name != "" || len(s) > 254 || local == "" ||
		!strings.Contains(domain, ".") || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}) {
		c.Failf(field, "is not an e-mail address like somchai@example.co.th")
		return s
	}
	return local + "@" + strings.ToLower(domain)
}

// Thailand's bounding box, which the database checks too.
const (
	MinLatitude, MaxLatitude   = 5.5, 20.5
	MinLongitude, MaxLongitude = 97.3, 105.7
)

// Point checks optional coordinates: both or neither, inside Thailand.
func Point(c *apperr.Check, latField, lonField string, lat, lon *float64) {
	switch {
	case (lat == nil) != (lon == nil):
		field := latField
		if lon == nil {
			field = lonField
		}
		c.Failf(field, "latitude and longitude go together")
	case lat == nil:
	default:
		if !(*lat >= MinLatitude && *lat <= MaxLatitude) {
			c.Failf(latField, "%v is not a latitude in Thailand (%v to %v)", *lat, MinLatitude, MaxLatitude)
		}
		if !(*lon >= MinLongitude && *lon <= MaxLongitude) {
			c.Failf(lonField, "%v is not a longitude in Thailand (%v to %v)", *lon, MinLongitude, MaxLongitude)
		}
	}
}

// ThaiTime is Thailand's zone: UTC+07:00 all year, without daylight saving
// since 1920, so a fixed zone needs no tz database. Days are Thai days.
var ThaiTime = time.FixedZone("ICT", 7*60*60)

// Today is the current day in Thailand, at midnight UTC like a Date.
func Today(now time.Time) time.Time {
	y, m, d := now.In(ThaiTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Day checks that a date lies within [from, to].
func Day(c *apperr.Check, field string, d, from, to time.Time) {
	const layout = "2006-01-02"
	if d.Before(from) || d.After(to) {
		c.Failf(field, "must be between %s and %s, not %s", from.Format(layout), to.Format(layout), d.Format(layout))
	}
}

// MinFiscalYear and MaxFiscalYear bound the fiscal years (Buddhist Era)
// the API accepts: the network's time, with room on both sides.
const (
	MinFiscalYear = 2540
	MaxFiscalYear = 2600
)

// FiscalYearStart is the first day of Thai fiscal year fy (Buddhist Era):
// 1 October of the previous year.
func FiscalYearStart(fy int) time.Time {
	return time.Date(fy-543-1, time.October, 1, 0, 0, 0, 0, time.UTC)
}

// Optional is an input field of an update that may be left out (Set
// false: unchanged), or given a value or null (Value nil: cleared).
type Optional[T any] struct {
	Set   bool
	Value *T
}

// Kept refuses null for an update field that may be left out but not
// cleared.
func Kept[T any](c *apperr.Check, field string, o Optional[T]) {
	if o.Set && o.Value == nil {
		c.Failf(field, "cannot be cleared; leave it out to keep it")
	}
}
