package endpoint

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// An operation that defers part of its selection (@defer) is answered in
// parts, as multipart/mixed (the incremental delivery of Apollo's and
// graphql-js's clients, deferSpec=20220824): the first part holds what
// was not deferred, each further part what a deferred fragment adds, at
// its path. A client that does not accept multipart/mixed is refused:
// answering it the first part alone would give it nulls for the
// deferred fields, even non-null ones.

// deferSpec is the incremental delivery format the parts follow.
const deferSpec = "20220824"

// acceptsParts tells whether the client accepts multipart/mixed.
func acceptsParts(accept []string) bool {
	for _, header := range accept {
		for _, part := range strings.Split(header, ",") {
			mediaType, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil || mediaType != "multipart/mixed" {
				continue
			}
			if v, ok := params["q"]; ok {
				if q, err := strconv.ParseFloat(v, 64); err != nil || q <= 0 {
					continue
				}
			}
			return true
		}
	}
	return false
}

// defers tells whether the operation defers a part of its selection.
func defers(rc *graphql.OperationContext) bool {
	var walk func(ast.SelectionSet) bool
	seen := map[string]bool{}
	walk = func(set ast.SelectionSet) bool {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if walk(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if s.Directives.ForName("defer") != nil || walk(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if s.Directives.ForName("defer") != nil {
					return true
				}
				if def := rc.Doc.Fragments.ForName(s.Name); def != nil && !seen[s.Name] {
					seen[s.Name] = true
					if walk(def.SelectionSet) {
						return true
					}
				}
			}
		}
		return false
	}
	return walk(rc.Operation.SelectionSet)
}

// boundary separates the parts; it cannot occur in JSON, which escapes
// no dash but never starts a line with one.
const boundary = "-"

// answerParts writes the answers of a deferring operation as they come:
// the first in full, each further one as an incremental part.
func (e *endpoint) answerParts(ctx context.Context, x *exchange, first *graphql.Response, next graphql.ResponseHandler) {
	h := x.w.Header()
	h.Set("Content-Type", fmt.Sprintf(`multipart/mixed; boundary="%s"; deferSpec=%s`, boundary, deferSpec))
	h.Set("Cache-Control", "no-store")
	x.status = http.StatusOK
	x.w.WriteHeader(http.StatusOK)
	flush := http.NewResponseController(x.w).Flush
	write := func(v any, last bool) {
		body, _ := json.Marshal(v)
		fmt.Fprintf(x.w, "\r\n--%s\r\nContent-Type: application/json; charset=utf-8\r\n\r\n%s", boundary, body)
		if last {
			fmt.Fprintf(x.w, "\r\n--%s--\r\n", boundary)
		}
		_ = flush()
	}
	if first.Extensions == nil {
		first.Extensions = map[string]any{}
	}
	first.Extensions["cost"] = e.report(x)
	e.outcomeOf(x, first)
	more := first.HasNext != nil && *first.HasNext
	write(first, !more)
	for more {
		resp := next(ctx)
		if resp == nil {
			// The request's context ended: the client learns nothing more
			// is coming.
			write(map[string]any{"hasNext": false}, true)
			return
		}
		more = resp.HasNext != nil && *resp.HasNext
		resp.HasNext = nil
		e.outcomeOf(x, resp)
		write(struct {
			Incremental []*graphql.Response `json:"incremental"`
			HasNext     bool                `json:"hasNext"`
		}{[]*graphql.Response{resp}, more}, !more)
	}
}
