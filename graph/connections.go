package graph

import (
	"context"
	"strconv"

	"eilnet/internal/access"
	"eilnet/internal/complaint"
)

// narrowComplaints applies the access policy to a list of complaints: who
// filed a complaint is for the office that handles it, so an officer reads
// a member's complaintsFiled only where its own office handles them
// (access.graphqls). It is part of the plan of a complaints connection
// (relations.go), which its resolver and the look-ahead share.
func narrowComplaints(ctx context.Context, scope string, q *complaint.Query) {
	if caller := access.From(ctx); scope == complaint.ScopeFiledBy && caller.Role == access.Officer {
		q.Filter.HandledBy = caller.OfficeCode
	}
}

// idKey is a numeric id as a parent key.
func idKey(id int64) string { return strconv.FormatInt(id, 10) }
