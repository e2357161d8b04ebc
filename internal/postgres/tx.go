package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/apperr"
)

// InTx runs fn in a transaction and commits it when fn succeeds. It rolls
// back when fn fails or panics, and when ctx ends first: database/sql then
// cancels the statement in flight and discards the transaction, so a
// request cut short leaves nothing half-written.
func InTx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Rollback after a commit is a no-op; after a panic it frees the
	// connection before the panic goes on.
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Constraint says what a violated constraint means to the client: the
// input field it concerns and a message.
type Constraint struct {
	Field   string
	Message string
}

// ConstraintError turns a violation of one of the named constraints into a
// client error: CONFLICT for a unique constraint (a duplicate), otherwise
// BAD_USER_INPUT. Other errors, and violations of constraints that are not
// listed, are returned as they are (internal: a listed constraint is one
// validation may not catch first, such as a race with another write).
func ConstraintError(err error, constraints map[string]Constraint) error {
	pqErr, ok := errors.AsType[*pq.Error](err)
	if !ok {
		return err
	}
	c, ok := constraints[pqErr.Constraint]
	if !ok {
		return err
	}
	code := apperr.BadUserInput
	if pqErr.Code == "23505" {
		code = apperr.Conflict
	}
	return &apperr.Error{Code: code, Message: c.Message, Field: c.Field}
}
