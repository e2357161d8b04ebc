// Package model holds the GraphQL types that are not domain rows:
// connections (here) and the inputs and small results gqlgen generates.
package model

import (
	"eilnet/internal/complaint"
	"eilnet/internal/factory"
	"eilnet/internal/loader"
	"eilnet/internal/member"
	"eilnet/internal/seminar"
)

// A connection holds only the keys of its page and its count: the fields
// load them when asked, so a query that wants only totalCount reads no rows
// and one that wants no totalCount counts nothing.

// MemberConnection is a page of members.
type MemberConnection struct {
	Page  loader.PageKey[member.Query]
	Count loader.CountKey[member.Filter]
}

// FactoryConnection is a page of factories.
type FactoryConnection struct {
	Page  loader.PageKey[factory.Query]
	Count loader.CountKey[factory.Filter]
}

// ComplaintConnection is a page of complaints.
type ComplaintConnection struct {
	Page  loader.PageKey[complaint.Query]
	Count loader.CountKey[complaint.Filter]
}

// SeminarConnection is a page of seminars.
type SeminarConnection struct {
	Page  loader.PageKey[seminar.Query]
	Count loader.CountKey[seminar.Filter]
}
