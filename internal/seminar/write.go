package seminar

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/apperr"
	"eilnet/internal/audit"
	"eilnet/internal/postgres"
	"eilnet/internal/refdata"
	"eilnet/internal/validate"
)

// Limits of a seminar's fields.
const (
	MaxTitle  = 500
	MaxVenue  = 500
	MaxTopics = 20
	MaxTopic  = 100
	// MaxDays bounds an event's length: a training may run for weeks, not
	// for more than a year.
	MaxDays = 366
)

// Creation is a new seminar, as a client gives it.
type Creation struct {
	Title         string    `json:"title"`
	Kind          Kind      `json:"kind"`
	Mode          Mode      `json:"mode"`
	StartsOn      time.Time `json:"startsOn"`
	EndsOn        time.Time `json:"endsOn"`
	OrganizerCode string    `json:"organizerCode"`
	ProvinceCode  *string   `json:"provinceCode"`
	Venue         *string   `json:"venue"`
	Topics        []string  `json:"topics"`
}

// Clean normalises s and records in c what is wrong with it.
func (s *Creation) Clean(c *apperr.Check, catalog *refdata.Catalog) {
	s.Title = validate.Line(c, "title", s.Title, MaxTitle)
	first, last := validate.FiscalYearStart(2540), validate.FiscalYearStart(2601).AddDate(0, 0, -1)
	validate.Day(c, "startsOn", s.StartsOn, first, last)
	switch days := int(s.EndsOn.Sub(s.StartsOn).Hours() / 24); {
	case days < 0:
		c.Failf("endsOn", "must not be before startsOn")
	case days >= MaxDays:
		c.Failf("endsOn", "an event may last at most %d days", MaxDays)
	}
	if !catalog.Office(s.OrganizerCode) {
		c.Failf("organizerCode", "no office has the code %q", s.OrganizerCode)
	}
	switch {
	case s.Mode == Online && s.ProvinceCode != nil:
		c.Failf("provinceCode", "an ONLINE event happens in no province; leave provinceCode out")
	case s.Mode != Online && s.ProvinceCode == nil:
		c.Failf("provinceCode", "an %s event needs the province it happens in", s.Mode)
	case s.ProvinceCode != nil && !catalog.Province(*s.ProvinceCode):
		c.Failf("provinceCode", "no province has the code %q", *s.ProvinceCode)
	}
	s.Venue = validate.OptionalLine(c, "venue", s.Venue, MaxVenue)
	if len(s.Topics) > MaxTopics {
		c.Failf("topics", "may list at most %d topics, not %d", MaxTopics, len(s.Topics))
		return
	}
	// Topics are a set: the first mention of each is kept.
	var topics []string
	seen := map[string]bool{}
	for i, t := range s.Topics {
		t = validate.Line(c, fmt.Sprintf("topics[%d]", i), t, MaxTopic)
		if !seen[t] {
			seen[t] = true
			topics = append(topics, t)
		}
	}
	s.Topics = topics
}

// Insert writes a new seminar and answers its id.
func Insert(ctx context.Context, tx sqlx.QueryerContext, s *Creation) (int64, error) {
	var id int64
	topics := s.Topics
	if topics == nil {
		topics = []string{}
	}
	err := tx.QueryRowxContext(ctx, `INSERT INTO seminars (title, kind, mode, starts_on, ends_on, venue, organizer_code, province_code, topics)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		s.Title, s.Kind, s.Mode, s.StartsOn, s.EndsOn, s.Venue, s.OrganizerCode, s.ProvinceCode, pq.Array(topics)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert seminar: %w", err)
	}
	return id, nil
}

// Lock reads the seminar with id, keeping it from change until the
// transaction ends, or nil when there is none.
func Lock(ctx context.Context, tx sqlx.QueryerContext, id int64) (*Seminar, error) {
	s, err := postgres.One[Seminar](ctx, tx, `SELECT `+columns.List()+` FROM seminars s WHERE s.id = $1 FOR SHARE`, id)
	if err != nil {
		return nil, fmt.Errorf("lock seminar: %w", err)
	}
	return s, nil
}

// AddAttendees records the members as attendees of seminar id and answers
// those not recorded yet.
func AddAttendees(ctx context.Context, tx sqlx.QueryerContext, id int64, members []int64) ([]int64, error) {
	var added []int64
	err := sqlx.SelectContext(ctx, tx, &added, `INSERT INTO attendances (seminar_id, member_id)
		SELECT $1, m FROM unnest(CAST($2 AS bigint[])) AS m
		ON CONFLICT DO NOTHING
		RETURNING member_id`, id, pq.Array(members))
	if err != nil {
		return nil, fmt.Errorf("record attendance: %w", err)
	}
	return added, nil
}

// Record gives r the fields of a seminar before and after a write, by
// their API names.
func Record(r audit.Recorder, before, after *Seminar) {
	r.Set("title", before.Title, after.Title)
	r.Set("kind", before.Kind, after.Kind)
	r.Set("mode", before.Mode, after.Mode)
	r.Set("startsOn", before.StartsOn, after.StartsOn)
	r.Set("endsOn", before.EndsOn, after.EndsOn)
	r.Set("venue", before.Venue, after.Venue)
	r.Set("organizerCode", before.OrganizerCode, after.OrganizerCode)
	r.Set("provinceCode", before.ProvinceCode, after.ProvinceCode)
	r.Set("topics", []string(before.TopicList), []string(after.TopicList))
}
