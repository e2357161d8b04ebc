// Package migrations holds the database schema as plain SQL files, applied
// in order by goose (see internal/postgres.Migrate). Never edit a migration
// that has been released: add a new one.
package migrations

import "embed"

// FS holds every migration, named NNNNN_name.sql.
//
//go:embed *.sql
var FS embed.FS
