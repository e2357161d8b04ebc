package model

// Node is any object of the Node interface: a *province.Province,
// *office.Office, *member.Member, *factory.Factory, *complaint.Complaint,
// *seminar.Seminar or *award.Award.
type Node any

// SearchResult is any object search finds: a *province.Province,
// *office.Office, *member.Member, *factory.Factory, *complaint.Complaint or
// *seminar.Seminar.
type SearchResult any
