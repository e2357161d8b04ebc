package page

import (
	"testing"

	"eilnet/internal/apperr"
)

func ptr[T any](v T) *T { return &v }

func TestWindow(t *testing.T) {
	list := NewListID("members", "province", "40")
	other := NewListID("members", "province", "41")
	date := Encode(list, "2023-12-20", 42)
	cases := []struct {
		name    string
		first   *int
		after   *string
		kind    KeyKind
		want    Window
		wantErr bool
	}{
		{"defaults", nil, nil, KeyDate, Window{First: DefaultFirst}, false},
		{"zero", ptr(0), nil, KeyDate, Window{First: 0}, false},
		{"largest", ptr(MaxFirst), nil, KeyDate, Window{First: MaxFirst}, false},
		{"too large", ptr(MaxFirst + 1), nil, KeyDate, Window{}, true},
		{"negative", ptr(-1), nil, KeyDate, Window{}, true},
		{"after", ptr(5), &date, KeyDate, Window{First: 5, After: Cursor{Key: "2023-12-20", ID: 42}, HasAfter: true}, false},
		{"cursor of another list", nil, ptr(Encode(other, "2023-12-20", 42)), KeyDate, Window{}, true},
		{"key of another kind", nil, ptr(Encode(list, "สมชาย", 42)), KeyDate, Window{}, true},
		{"timestamp key", nil, ptr(Encode(list, "2023-12-20T02:30:00.123456Z", 7)), KeyTime,
			Window{First: DefaultFirst, After: Cursor{Key: "2023-12-20T02:30:00.123456Z", ID: 7}, HasAfter: true}, false},
		{"integer key out of range", nil, ptr(Encode(list, "99999999999", 7)), KeyInt, Window{}, true},
		{"text key with NUL", nil, ptr(Encode(list, "a\x00b", 7)), KeyText, Window{}, true},
		{"text key with a colon", nil, ptr(Encode(list, "a:b:c", 7)), KeyText,
			Window{First: DefaultFirst, After: Cursor{Key: "a:b:c", ID: 7}, HasAfter: true}, false},
		{"not base64", nil, ptr("!!!"), KeyText, Window{}, true},
		{"base64 of something else", nil, ptr("aGVsbG8"), KeyText, Window{}, true},
		{"empty", nil, ptr(""), KeyText, Window{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := NewWindow(c.first, c.after, func() ListID { return list }, c.kind)
			if c.wantErr {
				if apperr.CodeOf(err) != apperr.BadUserInput {
					t.Fatalf("error %v, want BAD_USER_INPUT", err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("NewWindow = %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

func TestBuild(t *testing.T) {
	list := NewListID("x")
	key := func(n int) (string, int64) { return "k", int64(n) }
	lists := 0
	listOf := func() ListID { lists++; return list }
	p := Build([]int{1, 2, 3}, Window{First: 2}, listOf, key)
	if lists != 0 {
		t.Error("the list was identified before a cursor was asked for")
	}
	if len(p.Nodes) != 2 || !p.HasNextPage || p.HasPreviousPage || *p.EndCursor() != Encode(list, "k", 2) {
		t.Errorf("page of 2 from 3 rows: %+v", p)
	}
	if p.Cursor(0) != Encode(list, "k", 1) || lists != 1 {
		t.Errorf("cursor 0 = %q after %d identifications", p.Cursor(0), lists)
	}
	p = Build([]int{1, 2}, Window{First: 2, HasAfter: true}, listOf, key)
	if len(p.Nodes) != 2 || p.HasNextPage || !p.HasPreviousPage || *p.StartCursor() != Encode(list, "k", 1) {
		t.Errorf("last page: %+v", p)
	}
	p = Build([]int(nil), Window{First: 2}, listOf, key)
	if len(p.Nodes) != 0 || p.StartCursor() != nil || p.EndCursor() != nil || p.HasNextPage {
		t.Errorf("empty page: %+v", p)
	}
}

// A field that is not set does not change a list's identity, so that a
// filter can gain fields without invalidating the cursors clients hold.
func TestListIDIgnoresUnsetFields(t *testing.T) {
	before := func() ListID {
		type filter struct{ A, B string }
		return NewListID("scope", filter{A: "x"})
	}()
	type filter struct {
		A, B string
		C    int
	}
	if before != NewListID("scope", filter{A: "x"}) {
		t.Error("an unset new field changed the identity")
	}
	if NewListID("scope", filter{A: "x"}) == NewListID("scope", filter{A: "x", C: 1}) {
		t.Error("a set field did not change the identity")
	}
	if NewListID("scope", filter{A: "x"}) == NewListID("scope", filter{B: "x"}) {
		t.Error("the same value in another field gave the same identity")
	}
}

// FuzzCursor feeds arbitrary text to the cursor decoder: it must answer a
// BAD_USER_INPUT error or a cursor, never panic, and a cursor it accepts
// must survive being written again.
func FuzzCursor(f *testing.F) {
	list := NewListID("complaints", "FILED_AT", "DESC")
	f.Add(Encode(list, "2024-01-02T03:04:05.000000Z", 42), int(KeyTime))
	f.Add(Encode(list, "12", 7), int(KeyInt))
	f.Add(Encode(list, "2024-01-01", 1), int(KeyDate))
	f.Add(Encode(list, "สมชาย", 3), int(KeyText))
	f.Add("", 0)
	f.Add("not a cursor", 0)
	f.Fuzz(func(t *testing.T, after string, kind int) {
		k := KeyKind(uint(kind) % 4)
		listOf := func() ListID { return list }
		w, err := NewWindow(ptr(5), &after, listOf, k)
		if err != nil {
			if apperr.CodeOf(err) != apperr.BadUserInput {
				t.Fatalf("error %v is not BAD_USER_INPUT", err)
			}
			return
		}
		again, err := NewWindow(ptr(5), ptr(Encode(list, w.After.Key, w.After.ID)), listOf, k)
		if err != nil || again != w || !w.HasAfter {
			t.Fatalf("accepted %q as %+v, which does not survive a round trip: %+v %v", after, w, again, err)
		}
	})
}
