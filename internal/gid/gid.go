// Package gid makes the opaque global IDs of Relay's Node interface: the
// type name and the object's key, base64url-encoded so that clients do not
// parse them.
package gid

import (
	"encoding/base64"
	"strconv"
	"strings"

	"eilnet/internal/apperr"
)

// Type is the GraphQL type a global ID belongs to.
type Type string

const (
	Province  Type = "Province"
	Office    Type = "Office"
	Member    Type = "Member"
	Factory   Type = "Factory"
	Complaint Type = "Complaint"
	Seminar   Type = "Seminar"
	Award     Type = "Award"
)

// numeric tells the types keyed by a numeric id from those keyed by a code.
var numeric = map[Type]bool{
	Province: false, Office: false,
	Member: true, Factory: true, Complaint: true, Seminar: true, Award: true,
}

// ID is a decoded global ID.
type ID struct {
	Type Type
	// Key is the code of a province or office.
	Key string
	// Num is the id of the other types.
	Num int64
}

// Encode is the global ID of the object of type t with code key.
func Encode(t Type, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(t) + ":" + key))
}

// EncodeInt is the global ID of the object of type t with numeric id id.
func EncodeInt(t Type, id int64) string { return Encode(t, strconv.FormatInt(id, 10)) }

// Decode reads a global ID. An ID that is not one of ours is a
// BAD_USER_INPUT error; whether its object exists is not checked.
func Decode(id string) (ID, error) {
	bad := apperr.Errorf(apperr.BadUserInput, "%q is not an ID of this API", truncate(id))
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return ID{}, bad
	}
	t, key, _ := strings.Cut(string(raw), ":")
	isNum, known := numeric[Type(t)]
	switch {
	case !known || key == "":
		return ID{}, bad
	case !isNum:
		return ID{Type: Type(t), Key: key}, nil
	}
	n, err := strconv.ParseInt(key, 10, 64)
	if err != nil || n <= 0 {
		return ID{}, bad
	}
	return ID{Type: Type(t), Num: n}, nil
}

// truncate keeps error messages short whatever a client sends.
func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max]) + "..."
}

// DecodeAs reads the ID of an object of type t given in an input field,
// recording in c when it is not one (the answer is then 0).
func DecodeAs(c *apperr.Check, field, id string, t Type) int64 {
	d, err := Decode(id)
	if err != nil || d.Type != t {
		c.Failf(field, "%q is not the ID of a %s", truncate(id), t)
		return 0
	}
	return d.Num
}
