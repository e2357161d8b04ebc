package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/apperr"
	"eilnet/internal/postgres"
)

// keyPrefix starts every key, so that a leaked key is recognisable by
// secret scanners and people.
const keyPrefix = "eil_"

// Key is an API key as stored: everything but the key itself.
type Key struct {
	ID             int64      `db:"id"`
	Name           string     `db:"name"`
	Role           Role       `db:"role"`
	OfficeCode     *string    `db:"office_code"`
	RegisteredOnly bool       `db:"registered_only"`
	Prefix         string     `db:"prefix"`
	CreatedAt      time.Time  `db:"created_at"`
	RevokedAt      *time.Time `db:"revoked_at"`
}

// NewKey is what a new key is for.
type NewKey struct {
	Name           string
	Role           Role
	OfficeCode     string
	RegisteredOnly bool
}

var keyName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CreateKey stores a new key and answers it: the only time it is seen.
func CreateKey(ctx context.Context, db sqlx.ExtContext, k NewKey) (string, error) {
	check := apperr.NewCheck("")
	if !keyName.MatchString(k.Name) {
		check.Failf("name", "a key's name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	switch {
	case k.Role != Partner && k.Role != Officer && k.Role != Admin:
		check.Failf("role", "the role must be PARTNER, OFFICER or ADMIN, not %q", k.Role)
	case k.Role == Officer && k.OfficeCode == "":
		check.Failf("office", "an OFFICER key needs the code of its office")
	case k.Role != Officer && k.OfficeCode != "":
		check.Failf("office", "only OFFICER keys belong to an office")
	}
	if err := check.Err(); err != nil {
		return "", err
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	key := keyPrefix + base64.RawURLEncoding.EncodeToString(secret)
	_, err := db.ExecContext(ctx, `INSERT INTO api_keys (name, role, office_code, registered_only, key_hash, prefix)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		k.Name, k.Role, postgres.NullString(k.OfficeCode), k.RegisteredOnly, hashKey(key), key[:len(keyPrefix)+6])
	if err != nil {
		return "", postgres.ConstraintError(err, map[string]postgres.Constraint{
			"api_keys_name_key":         {Field: "name", Message: "a key of this name exists already"},
			"api_keys_office_code_fkey": {Field: "office", Message: "no office has this code"},
			"api_keys_key_hash_key":     {Field: "key", Message: "the random key collided; try again"},
		})
	}
	return key, nil
}

// RevokeKey revokes the key called name; revoking it again changes
// nothing. A name no key has is NOT_FOUND.
func RevokeKey(ctx context.Context, db sqlx.ExtContext, name string) error {
	res, err := db.ExecContext(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE name = $1`, name)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return apperr.Errorf(apperr.NotFound, "no key is called %q", name)
	}
	return nil
}

// ListKeys answers every key, revoked ones too, oldest first.
func ListKeys(ctx context.Context, db sqlx.QueryerContext) ([]Key, error) {
	var keys []Key
	err := sqlx.SelectContext(ctx, db, &keys, `SELECT id, name, role, office_code, registered_only, prefix, created_at, revoked_at
		FROM api_keys ORDER BY id`)
	return keys, err
}

// Authenticate answers the live key whose text is key, or nil when there
// is none (unknown or revoked).
func Authenticate(ctx context.Context, db sqlx.QueryerContext, key string) (*Key, error) {
	if !strings.HasPrefix(key, keyPrefix) {
		return nil, nil
	}
	return postgres.One[Key](ctx, db, `SELECT id, name, role, office_code, registered_only, prefix, created_at, revoked_at
		FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, hashKey(key))
}

// hashKey is what is stored of a key. Keys are 256 random bits, so a fast
// hash is as safe as a slow one and costs nothing per request.
func hashKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// String describes a key for `apikey list`.
func (k Key) String() string {
	office, state := "-", "active"
	if k.OfficeCode != nil {
		office = *k.OfficeCode
	}
	if k.RevokedAt != nil {
		state = "revoked " + k.RevokedAt.UTC().Format(time.RFC3339)
	}
	only := ""
	if k.RegisteredOnly {
		only = " registered-only"
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s…\tcreated %s\t%s%s", k.Name, k.Role, office, k.Prefix,
		k.CreatedAt.UTC().Format(time.RFC3339), state, only)
}
