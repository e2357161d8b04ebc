package model

// Node is any object of the Node interface: a *province.Province,
// *office.Office, *member.Member, *factory.Factory, *complaint.Complaint,
// *seminar.Seminar or *award.Award.
type Node any
