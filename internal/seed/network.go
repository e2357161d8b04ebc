package seed

import "time"

// Network is a generated demo network: every row the generator writes,
// with its ids already assigned.
type Network struct {
	Factories     []*Factory
	Members       []*Member
	Seminars      []*Seminar
	Attendances   []Attendance
	Awards        []*Award
	Complaints    []*Complaint
	Events        []Event
	Investigators []Investigator
}

// Factory is a row of factories.
type Factory struct {
	ID             int64
	RegistrationNo string
	Name           string
	TypeCode       int
	Category       int
	Status         string
	ProvinceCode   string
	DistrictCode   *string
	DistrictName   string
	Latitude       *float64
	Longitude      *float64
	Workers        *int
	RegisteredOn   *time.Time
	Certified      bool

	propensity float64
}

// Member is a row of members.
type Member struct {
	ID           int64
	FullName     string
	Sector       string
	JoinedOn     time.Time
	OfficeCode   string
	ProvinceCode string
	FactoryID    *int64
	Phone        *string
	Email        *string
}

// Seminar is a row of seminars.
type Seminar struct {
	ID            int64
	Title         string
	Kind          string
	Mode          string
	StartsOn      time.Time
	EndsOn        time.Time
	Venue         *string
	OrganizerCode string
	ProvinceCode  *string
	Topics        []string

	attendees []*Member
	awards    []*Award
}

// Attendance is a row of attendances.
type Attendance struct {
	SeminarID, MemberID int64
}

// Award is a row of awards.
type Award struct {
	ID         int64
	MemberID   int64
	Level      string
	FiscalYear int
	SeminarID  *int64
}

// Complaint is a row of complaints.
type Complaint struct {
	ID           int64
	Serial       int
	Category     string
	Status       string
	Description  string
	FiledAt      time.Time
	ResolvedAt   *time.Time
	ProvinceCode string
	FactoryID    *int64
	HandledBy    string
	FiledBy      *int64

	events        []Event
	investigators []*Member
}

// Event is a row of complaint_events.
type Event struct {
	ComplaintID int64
	At          time.Time
	Status      string
	Note        string
}

// Investigator is a row of complaint_investigators.
type Investigator struct {
	ComplaintID, MemberID int64
}
