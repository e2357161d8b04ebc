// Package idempotency makes a create mutation safe to retry: sent again
// with the same Idempotency-Key header, it creates nothing more and
// answers what the first attempt created. Keys are kept for TTL.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"

	"eilnet/internal/apperr"
)

// TTL is how long a key is remembered.
const TTL = 24 * time.Hour

// MaxKeyLength bounds a key; a UUID has 36 characters.
const MaxKeyLength = 255

// Check tells whether key is usable: 1 to MaxKeyLength visible ASCII
// characters.
func Check(key string) error {
	if len(key) == 0 || len(key) > MaxKeyLength {
		return apperr.Errorf(apperr.BadRequest, "Idempotency-Key must have 1 to %d characters", MaxKeyLength)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < '!' || key[i] > '~' {
			return apperr.Errorf(apperr.BadRequest, "Idempotency-Key may only have visible ASCII characters")
		}
	}
	return nil
}

type ctxKey struct{}

// WithKey attaches the request's (checked) key to ctx.
func WithKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, ctxKey{}, key)
}

// KeyFrom answers the request's key, if it sent one.
func KeyFrom(ctx context.Context) (string, bool) {
	k, ok := ctx.Value(ctxKey{}).(string)
	return k, ok
}

// Claim is a create's hold on its key, taken in the create's transaction.
type Claim struct {
	caller, key, field string
}

// Fingerprint hashes what a create was asked to do, so that a key reused
// for something else is refused rather than answered with the wrong
// object.
func Fingerprint(operation string, input any) ([]byte, error) {
	b, err := json.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("fingerprint: %w", err)
	}
	sum := sha256.Sum256(append([]byte(operation+"\x00"), b...))
	return sum[:], nil
}

// Begin claims the request's key for the mutation field in tx. Without a
// key it answers a nil claim: the create runs unguarded. When the key was
// used for this field within TTL, it answers the id of what that create
// made (replayed true); a concurrent first attempt is waited for (the key's
// row is locked until it commits or rolls back). A key used for a
// different input is a BAD_USER_INPUT error.
func Begin(ctx context.Context, tx sqlx.ExtContext, caller, field string, fingerprint []byte) (c *Claim, id int64, replayed bool, err error) {
	key, ok := KeyFrom(ctx)
	if !ok {
		return nil, 0, false, nil
	}
	// A fresh key is inserted; an expired one is taken over; a live one
	// is left as it is and read below.
	rows, err := tx.QueryContext(ctx, `INSERT INTO idempotency_keys (caller, key, field, fingerprint)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (caller, key, field) DO UPDATE
			SET fingerprint = excluded.fingerprint, entity_id = NULL, created_at = now()
			WHERE idempotency_keys.created_at < now() - $5 * interval '1 second'
		RETURNING true`, caller, key, field, fingerprint, TTL.Seconds())
	if err != nil {
		return nil, 0, false, fmt.Errorf("claim idempotency key: %w", err)
	}
	claimed := rows.Next()
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, 0, false, fmt.Errorf("claim idempotency key: %w", err)
	}
	if claimed {
		return &Claim{caller: caller, key: key, field: field}, 0, false, nil
	}
	var prior struct {
		Fingerprint []byte `db:"fingerprint"`
		EntityID    *int64 `db:"entity_id"`
	}
	if err := sqlx.GetContext(ctx, tx, &prior, `SELECT fingerprint, entity_id FROM idempotency_keys
		WHERE caller = $1 AND key = $2 AND field = $3`, caller, key, field); err != nil {
		return nil, 0, false, fmt.Errorf("read idempotency key: %w", err)
	}
	if string(prior.Fingerprint) != string(fingerprint) {
		return nil, 0, false, apperr.Errorf(apperr.BadUserInput,
			"this Idempotency-Key was used within the last %s for a different request; use a new key for a new request", TTL)
	}
	if prior.EntityID == nil {
		return nil, 0, false, fmt.Errorf("idempotency key %q of %s committed without its entity", key, field)
	}
	return nil, *prior.EntityID, true, nil
}

// Complete records in tx what the claiming create made. A nil claim (no
// key) records nothing.
func (c *Claim) Complete(ctx context.Context, tx sqlx.ExecerContext, id int64) error {
	if c == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET entity_id = $4
		WHERE caller = $1 AND key = $2 AND field = $3`, c.caller, c.key, c.field, id)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// Purge deletes the keys older than TTL.
func Purge(ctx context.Context, db sqlx.ExecerContext) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < now() - $1 * interval '1 second'`, TTL.Seconds())
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return res.RowsAffected()
}

// PurgeEvery purges expired keys every interval until ctx ends.
func PurgeEvery(ctx context.Context, db sqlx.ExecerContext, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := Purge(ctx, db); err != nil {
				log.WarnContext(ctx, "purge idempotency keys", "err", err)
			} else if n > 0 {
				log.InfoContext(ctx, "purged idempotency keys", "keys", n)
			}
		}
	}
}
