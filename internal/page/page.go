// Package page implements Relay-style keyset pagination: validated page
// windows, opaque cursors bound to the list they came from, and pages.
package page

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"eilnet/internal/apperr"
)

const (
	// DefaultFirst is the page size when a client gives none.
	DefaultFirst = 20
	// MaxFirst is the largest page a client may ask for.
	MaxFirst = 100
)

// Direction is a sort direction.
type Direction string

const (
	Asc  Direction = "ASC"
	Desc Direction = "DESC"
)

// KeyKind is the type of a sort key, so that a cursor's key can be checked
// before it reaches SQL.
type KeyKind int

const (
	KeyText KeyKind = iota
	KeyInt
	KeyDate
	KeyTime
)

// DateLayout and TimeLayout are how date and timestamp sort keys are
// written in cursors (timestamps with full precision, so that no row is
// skipped between two rows filed in the same second).
const (
	DateLayout = "2006-01-02"
	TimeLayout = time.RFC3339Nano
)

// Cursor points just after one row of an ordered list: the row's sort key
// (as text) and its id, which breaks ties.
type Cursor struct {
	Key string
	ID  int64
}

// Window selects one page: up to First rows after the After cursor, or from
// the start when HasAfter is false. It is comparable, so it can be part of a
// loader key.
type Window struct {
	First    int
	After    Cursor
	HasAfter bool
}

// ListID identifies one ordered, filtered list; cursors carry it so that a
// cursor is only accepted by the list it came from.
type ListID uint64

// NewListID identifies the list described by parts: values, not pointers.
// Only the fields of structs that are set count, so that a filter gaining
// a field does not invalidate the cursors clients hold.
func NewListID(parts ...any) ListID {
	h := fnv.New64a()
	for _, p := range parts {
		writeValue(h, reflect.ValueOf(p))
		h.Write([]byte{'|'})
	}
	return ListID(h.Sum64())
}

func writeValue(w io.Writer, v reflect.Value) {
	if v.Kind() != reflect.Struct || v.Type() == reflect.TypeFor[time.Time]() {
		fmt.Fprintf(w, "%v", v)
		return
	}
	t := v.Type()
	fmt.Fprintf(w, "%s{", t.Name())
	for i := range v.NumField() {
		if f := v.Field(i); !f.IsZero() {
			fmt.Fprintf(w, "%s:", t.Field(i).Name)
			writeValue(w, f)
			w.Write([]byte{' '})
		}
	}
	w.Write([]byte{'}'})
}

// NewWindow validates a connection's first and after arguments for the list
// that list identifies (asked only when there is a cursor to check), whose
// sort key is of kind k.
func NewWindow(first *int, after *string, list func() ListID, k KeyKind) (Window, error) {
	w := Window{First: DefaultFirst}
	if first != nil {
		if *first < 0 || *first > MaxFirst {
			return w, apperr.Errorf(apperr.BadUserInput, "first must be between 0 and %d, not %d", MaxFirst, *first)
		}
		w.First = *first
	}
	if after != nil {
		c, err := decode(*after, list(), k)
		if err != nil {
			return w, err
		}
		w.After, w.HasAfter = c, true
	}
	return w, nil
}

const cursorVersion = "1"

// Encode writes the cursor of the row with sort key key and id id in list l.
func Encode(l ListID, key string, id int64) string {
	raw := cursorVersion + ":" + strconv.FormatUint(uint64(l), 36) + ":" + strconv.FormatInt(id, 10) + ":" + key
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decode(s string, l ListID, k KeyKind) (Cursor, error) {
	bad := apperr.Errorf(apperr.BadUserInput, "after is not a cursor of this list: use an endCursor or edge cursor returned by this connection with the same filter and ordering")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	parts := strings.SplitN(string(raw), ":", 4)
	if len(parts) != 4 || parts[0] != cursorVersion || parts[1] != strconv.FormatUint(uint64(l), 36) {
		return Cursor{}, bad
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !validKey(parts[3], k) {
		return Cursor{}, bad
	}
	return Cursor{Key: parts[3], ID: id}, nil
}

func validKey(key string, k KeyKind) bool {
	var err error
	switch k {
	case KeyInt:
		_, err = strconv.ParseInt(key, 10, 32)
	case KeyDate:
		_, err = time.Parse(DateLayout, key)
	case KeyTime:
		_, err = time.Parse(TimeLayout, key)
	default:
		// PostgreSQL text holds valid UTF-8 without NUL.
		return utf8.ValidString(key) && !strings.ContainsRune(key, 0)
	}
	return err == nil
}

// Page is one page of a list. Cursors are made only when asked for: most
// queries want rows, not cursors.
type Page[T any] struct {
	Nodes           []T
	HasNextPage     bool
	HasPreviousPage bool
	cursor          func(T) string
}

// Cursor is the cursor of row i.
func (p *Page[T]) Cursor(i int) string { return p.cursor(p.Nodes[i]) }

// StartCursor is the cursor of the first row, or nil for an empty page.
func (p *Page[T]) StartCursor() *string {
	if len(p.Nodes) == 0 {
		return nil
	}
	c := p.Cursor(0)
	return &c
}

// EndCursor is the cursor of the last row, or nil for an empty page.
func (p *Page[T]) EndCursor() *string {
	if len(p.Nodes) == 0 {
		return nil
	}
	c := p.Cursor(len(p.Nodes) - 1)
	return &c
}

// Build makes the page of window w from rows, which were fetched with a
// limit of w.First+1 so that an extra row tells whether more follow. list
// identifies the list (called at most once, when a cursor is wanted) and
// key gives a row's sort key and id.
func Build[T any](rows []T, w Window, list func() ListID, key func(T) (string, int64)) *Page[T] {
	p := &Page[T]{HasPreviousPage: w.HasAfter}
	if len(rows) > w.First {
		rows, p.HasNextPage = rows[:w.First], true
	}
	p.Nodes = rows
	id := sync.OnceValue(list)
	p.cursor = func(row T) string {
		k, n := key(row)
		return Encode(id(), k, n)
	}
	return p
}
