// Package scalar marshals eilnet's custom GraphQL scalars, Date and
// DateTime, to and from time.Time.
package scalar

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"eilnet/internal/apperr"
	"eilnet/internal/validate"
)

const dateLayout = "2006-01-02"

// MarshalDate writes a date as YYYY-MM-DD.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.Format(dateLayout)))
	})
}

// UnmarshalDate reads a YYYY-MM-DD date.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apperr.Errorf(apperr.BadUserInput, "a Date must be a string like \"2023-12-20\"")
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Year() < 1 {
		return time.Time{}, apperr.Errorf(apperr.BadUserInput, "%q is not a Date like \"2023-12-20\"", s)
	}
	return t, nil
}

// MarshalDateTime writes an instant as RFC 3339 in Thai time.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.In(validate.ThaiTime).Format(time.RFC3339)))
	})
}

// UnmarshalDateTime reads an RFC 3339 instant with any offset.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apperr.Errorf(apperr.BadUserInput, "a DateTime must be a string like \"2023-12-20T09:30:00+07:00\"")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() < 1 {
		return time.Time{}, apperr.Errorf(apperr.BadUserInput, "%q is not a DateTime like \"2023-12-20T09:30:00+07:00\"", s)
	}
	return t.UTC(), nil
}
