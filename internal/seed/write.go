package seed

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
)

// table is one table's rows as COPY writes them: text values, nil for NULL.
type table struct {
	name    string
	columns []string
	rows    iter.Seq[[]any]
}

const (
	dateLayout = "2006-01-02"
	timeLayout = "2006-01-02 15:04:05Z07:00"
)

func text(s string) any { return s }

func optText(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func integer(n int64) any { return strconv.FormatInt(n, 10) }

func optInteger(n *int64) any {
	if n == nil {
		return nil
	}
	return integer(*n)
}

func optInt(n *int) any {
	if n == nil {
		return nil
	}
	return strconv.Itoa(*n)
}

func optFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return strconv.FormatFloat(*f, 'f', 6, 64)
}

func date(t time.Time) any { return t.Format(dateLayout) }

func optDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return date(*t)
}

func instant(t time.Time) any { return t.In(ict).Format(timeLayout) }

func optInstant(t *time.Time) any {
	if t == nil {
		return nil
	}
	return instant(*t)
}

func each[T any](rows []T, row func(T) []any) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		for _, r := range rows {
			if !yield(row(r)) {
				return
			}
		}
	}
}

// tables lists the network's tables in an order that satisfies their
// foreign keys.
func (n *Network) tables() []table {
	return []table{
		{"factories", []string{"id", "registration_no", "name", "type_code", "category", "status", "province_code",
			"district_code", "latitude", "longitude", "workers", "registered_on", "governance_certified"},
			each(n.Factories, func(f *Factory) []any {
				return []any{integer(f.ID), text(f.RegistrationNo), text(f.Name), strconv.Itoa(f.TypeCode), strconv.Itoa(f.Category),
					text(f.Status), text(f.ProvinceCode), optText(f.DistrictCode), optFloat(f.Latitude), optFloat(f.Longitude),
					optInt(f.Workers), optDate(f.RegisteredOn), strconv.FormatBool(f.Certified)}
			})},
		{"members", []string{"id", "full_name", "sector", "joined_on", "office_code", "province_code", "factory_id", "phone", "email"},
			each(n.Members, func(m *Member) []any {
				return []any{integer(m.ID), text(m.FullName), text(m.Sector), date(m.JoinedOn), text(m.OfficeCode),
					text(m.ProvinceCode), optInteger(m.FactoryID), optText(m.Phone), optText(m.Email)}
			})},
		{"seminars", []string{"id", "title", "kind", "mode", "starts_on", "ends_on", "venue", "organizer_code", "province_code", "topics"},
			each(n.Seminars, func(s *Seminar) []any {
				topics, _ := pq.StringArray(s.Topics).Value()
				return []any{integer(s.ID), text(s.Title), text(s.Kind), text(s.Mode), date(s.StartsOn), date(s.EndsOn),
					optText(s.Venue), text(s.OrganizerCode), optText(s.ProvinceCode), topics}
			})},
		{"attendances", []string{"seminar_id", "member_id"},
			each(n.Attendances, func(a Attendance) []any { return []any{integer(a.SeminarID), integer(a.MemberID)} })},
		{"awards", []string{"id", "member_id", "level", "fiscal_year", "seminar_id"},
			each(n.Awards, func(a *Award) []any {
				return []any{integer(a.ID), integer(a.MemberID), text(a.Level), strconv.Itoa(a.FiscalYear), optInteger(a.SeminarID)}
			})},
		{"complaints", []string{"id", "serial", "category", "status", "description", "filed_at", "resolved_at",
			"province_code", "factory_id", "handled_by", "filed_by"},
			each(n.Complaints, func(c *Complaint) []any {
				return []any{integer(c.ID), strconv.Itoa(c.Serial), text(c.Category), text(c.Status), text(c.Description),
					instant(c.FiledAt), optInstant(c.ResolvedAt), text(c.ProvinceCode), optInteger(c.FactoryID),
					text(c.HandledBy), optInteger(c.FiledBy)}
			})},
		{"complaint_events", []string{"complaint_id", "at", "status", "note"},
			each(n.Events, func(e Event) []any {
				return []any{integer(e.ComplaintID), instant(e.At), text(e.Status), text(e.Note)}
			})},
		{"complaint_investigators", []string{"complaint_id", "member_id"},
			each(n.Investigators, func(i Investigator) []any { return []any{integer(i.ComplaintID), integer(i.MemberID)} })},
	}
}

// Digest is a SHA-256 of every row the network writes, in order: equal
// digests mean equal databases.
func (n *Network) Digest() string {
	h := sha256.New()
	for _, t := range n.tables() {
		fmt.Fprintf(h, "%s(%s)\n", t.name, strings.Join(t.columns, ","))
		for row := range t.rows {
			for i, v := range row {
				if i > 0 {
					h.Write([]byte{'\t'})
				}
				if v == nil {
					h.Write([]byte(`\N`))
				} else {
					fmt.Fprint(h, v)
				}
			}
			h.Write([]byte{'\n'})
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// identityTables are the tables whose ids the generator assigned, so their
// identity sequences must continue after the largest.
var identityTables = []string{"factories", "members", "seminars", "awards", "complaints"}

// write copies the network into the database within tx.
func (n *Network) write(ctx context.Context, tx *sql.Tx) error {
	for _, t := range n.tables() {
		stmt, err := tx.PrepareContext(ctx, "COPY "+t.name+" ("+strings.Join(t.columns, ", ")+") FROM STDIN")
		if err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
		for row := range t.rows {
			if _, err := stmt.ExecContext(ctx, row...); err != nil {
				stmt.Close()
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			stmt.Close()
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
		if err := stmt.Close(); err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
	}
	for _, name := range identityTables {
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM `+name+`))`, name); err != nil {
			return fmt.Errorf("advance %s ids: %w", name, err)
		}
	}
	return nil
}
