// Package audit records who changed what, when: one row of audit_log per
// successful mutation, written in the mutation's own transaction so that
// the log and the data never disagree.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/jmoiron/sqlx"
)

// Change is one field's value before and after a mutation; Before is nil
// for what a mutation created.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// Changes maps the changed fields, as the API names them, to their change.
type Changes map[string]Change

// Set records field's change, if its value changed.
func (c Changes) Set(field string, before, after any) {
	if !reflect.DeepEqual(before, after) {
		c[field] = Change{Before: before, After: after}
	}
}

// Recorder takes the fields of a written object, before and after.
type Recorder interface {
	Set(field string, before, after any)
}

// Created records every field of a new object: nothing before, and its
// value after, even a zero one (a new factory not certified records false).
type Created Changes

// Set records field's value.
func (c Created) Set(field string, _, after any) {
	c[field] = Change{After: after}
}

// Entry is one mutation's record.
type Entry struct {
	// Actor is who made it (access.Caller.Actor).
	Actor string
	// Operation is the mutation's name, e.g. "registerMember".
	Operation string
	// Entity and EntityID name the object written, e.g. "Member", 42.
	Entity   string
	EntityID int64
	Changes  Changes
}

// Record writes e in tx.
func Record(ctx context.Context, tx sqlx.ExecerContext, e Entry) error {
	// The changes go as text: the driver sends []byte in binary format,
	// which PostgreSQL's jsonb does not read as JSON.
	changes, err := json.Marshal(e.Changes)
	if err != nil {
		return fmt.Errorf("audit changes: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (actor, operation, entity, entity_id, changes)
		VALUES ($1, $2, $3, $4, $5)`, e.Actor, e.Operation, e.Entity, e.EntityID, string(changes))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
