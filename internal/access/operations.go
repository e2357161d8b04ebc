package access

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/jmoiron/sqlx"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"eilnet/internal/apperr"
)

// QueryHash is the SHA-256 of a query's text in hex, as Apollo's persisted
// queries name it.
func QueryHash(query string) string {
	h := sha256.Sum256([]byte(query))
	return hex.EncodeToString(h[:])
}

// RegisterOperation records query as an operation that keys limited to
// registered operations may run, under the name of its (first) operation.
// Registering it again changes nothing. It answers the query's hash.
func RegisterOperation(ctx context.Context, db sqlx.ExtContext, query string) (hash, name string, err error) {
	doc, perr := parser.ParseQuery(&ast.Source{Input: query})
	if perr != nil {
		return "", "", apperr.Errorf(apperr.BadUserInput, "the operation does not parse: %v", perr)
	}
	if len(doc.Operations) != 1 || doc.Operations[0].Name == "" {
		return "", "", apperr.Errorf(apperr.BadUserInput, "a registered document holds exactly one named operation")
	}
	hash, name = QueryHash(query), doc.Operations[0].Name
	_, err = db.ExecContext(ctx, `INSERT INTO registered_operations (sha256, name, query)
		VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`, hash, name, query)
	return hash, name, err
}

// Operations looks up registered operations.
type Operations struct {
	DB sqlx.QueryerContext
}

// Query answers the text of the registered operation with this hash, or
// "" when there is none.
func (o Operations) Query(ctx context.Context, hash string) (string, error) {
	var query []string
	err := sqlx.SelectContext(ctx, o.DB, &query, `SELECT query FROM registered_operations WHERE sha256 = $1`, hash)
	if err != nil || len(query) == 0 {
		return "", err
	}
	return query[0], nil
}
