package platform

import "time"

// Enterprise is an enterprise (tenant) of the service provider.
type Enterprise struct {
	ID   string
	Name string
}

// Group is a group (location) of an enterprise.
type Group struct {
	ID           string
	EnterpriseID string
	Name         string
	TimeZone     string
}

// User is a user as the platform keeps it. Optional strings are "" when unset.
type User struct {
	ID                     string
	EnterpriseID           string
	GroupID                string
	FirstName              string
	LastName               string
	CallingLineIDFirstName string
	CallingLineIDLastName  string
	Department             string
	TimeZone               string
	PagerNumber            string
	MobileNumber           string
	Email                  string
	ETag                   string
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

// UserInput is what CreateUser creates. GroupID, FirstName and LastName are required; empty
// optional fields are not sent (the calling line id names then follow the first/last name).
type UserInput struct {
	GroupID                string
	FirstName              string
	LastName               string
	CallingLineIDFirstName string
	CallingLineIDLastName  string
	Department             string
	TimeZone               string
	PagerNumber            string
	MobileNumber           string
	Email                  string
}

// UserPatch is the change of UpdateUser: a nil field is left untouched, a non-nil
// one is set (a pointer to "" clears an optional field; for the calling line id names it makes
// them follow the first/last name again). The group cannot change (replace the user instead).
type UserPatch struct {
	FirstName              *string
	LastName               *string
	CallingLineIDFirstName *string
	CallingLineIDLastName  *string
	Department             *string
	TimeZone               *string
	PagerNumber            *string
	MobileNumber           *string
	Email                  *string
}

// UserFilter selects users in ListUsers. Empty fields do not filter; Max is the page size
// (0 = server default, at most 1000); ListUsers returns every page either way.
type UserFilter struct {
	GroupID     string
	Email       string // case-insensitive exact match
	Extension   string
	PhoneNumber string
	Max         int
}

// Number is the phone number and extension assigned to a user.
type Number struct {
	PhoneNumber string
	Extension   string
	// NumberState is "inactive" or "active" with a phone number, "" when extension-only.
	NumberState string
	ETag        string
}

// NumberInput is what PutNumber assigns; at least one field must be set. It replaces the whole
// assignment. Activate activates the phone number in the same request (a number that is new for
// the user is otherwise inactive until ActivateNumber); it is ignored for an extension-only user.
type NumberInput struct {
	PhoneNumber string
	Extension   string
	Activate    bool
}

// InventoryNumber is a phone number of an enterprise's inventory.
type InventoryNumber struct {
	PhoneNumber string
	GroupID     string
	State       string // "available" or "assigned"
	UserID      string
}

// NumberFilter selects inventory numbers in ListNumbers. Available nil does not filter.
type NumberFilter struct {
	Available   *bool
	GroupID     string
	PhoneNumber string
	Max         int
}

// Address is a postal address (the E911 location of a user).
type Address struct {
	Address1   string
	Address2   string
	City       string
	State      string
	PostalCode string
	Country    string
}

// E911 is a user's E911 address: the address as sent, plus its normalised form, its status
// ("valid" or "needs_review") and its etag.
type E911 struct {
	Address
	Normalized Address
	Status     string
	ETag       string
}

// IMP is a user's Integrated IM&P setting.
type IMP struct {
	Enabled bool
	ETag    string
}

// ActivationInput is what an activation is created with. An empty Package means the server default
// (webex_calling).
type ActivationInput struct {
	Package             string
	SendActivationEmail bool
	EmailSubject        string
	EmailBody           string
}

// Activation statuses.
const (
	ActivationQueued                 = "queued"
	ActivationPendingEmailInput      = "pending_email_input"
	ActivationPendingEmailValidation = "pending_email_validation"
	ActivationProvisioning           = "provisioning"
	ActivationProvisioned            = "provisioned"
	ActivationError                  = "error"
)

// Activation is a user's Webex activation.
type Activation struct {
	Status    string
	Email     string
	Package   string
	ErrorCode string
	ErrorText string
	UpdatedAt time.Time
	JobID     string
	// InvitationsSent counts the activation emails sent; LastInvitedAt is the RFC 3339 time of the
	// last one ("" when none).
	InvitationsSent int
	LastInvitedAt   string
	// ETag changes whenever the activation does, its status included.
	ETag string
}

// JobRef names a job an operation queued.
type JobRef struct {
	Status string
	JobID  string
}

// ActivationRow is a row of the activation status report.
type ActivationRow struct {
	UserID      string
	GroupID     string
	Location    string
	License     string
	ServiceType string
	ServiceID   string
	Extension   string
	FirstName   string
	LastName    string
	Email       string
	Status      string
}

// ActivationFilter selects rows of the activation status report. Statuses are ORed; Sort is
// one of lastName (default), firstName, email, status, extension, prefixed by "-" for
// descending; Max is the page size (ignored by ActivationsCSV, which is not paged).
type ActivationFilter struct {
	Statuses           []string
	GroupID            string
	Search             string
	ExcludeProvisioned bool
	Sort               string
	Max                int
}

// DirectorySync is the directory sync state of an enterprise. The times are nil when unset.
type DirectorySync struct {
	Status          string // never, queued, running, succeeded, failed
	LastJobID       string
	LastCompletedAt *time.Time
	NextAllowedAt   *time.Time
	ErrorCode       string
}

// Job statuses.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobSucceeded = "succeeded"
	JobFailed    = "failed"
)

// Job is a background job (activation or directory sync).
type Job struct {
	ID        string
	Kind      string // activation, directory_sync, invitations
	Status    string // queued, running, succeeded, failed
	Error     *JobError
	CreatedAt time.Time
	UpdatedAt time.Time
	// Result is what an invitations job did; nil for other kinds.
	Result *InvitationsResult
}

// InvitationsResult counts the users an invitations job emailed (Sent), left alone (Skipped: not
// waiting for an invitation) and could not email (Failed: no email).
type InvitationsResult struct {
	GroupID string
	Sent    int
	Skipped int
	Failed  int
}

// Terminal reports whether the job has finished (succeeded or failed).
func (j *Job) Terminal() bool {
	return j.Status == JobSucceeded || j.Status == JobFailed
}

// JobError is why a job failed. It implements error so that a caller can return it as is.
type JobError struct {
	Code    string
	Message string
}

// Error renders e as "job failed: code: message".
func (e *JobError) Error() string {
	if e.Message == "" {
		return "job failed: " + e.Code
	}
	return "job failed: " + e.Code + ": " + e.Message
}

// PasscodeRules are an enterprise's voicemail passcode and portal password rules.
type PasscodeRules struct {
	MinLength               int
	MaxLength               int
	MaxRepeatedDigits       int
	MaxSequenceLength       int
	BlockUserNumber         bool
	BlockReversedUserNumber bool
	BlockPrevious           bool
	BlockPreviousReversed   bool
	PasswordMinLength       int
}

// Forward is one call forwarding rule.
type Forward struct {
	Enabled     bool
	Destination string
}

// NoAnswerForward is the no-answer forwarding rule; Rings is 2–20 (server default 3).
type NoAnswerForward struct {
	Enabled     bool
	Destination string
	Rings       int
}

// CallForwarding is a user's call forwarding settings. ETag is set on answers and never sent.
type CallForwarding struct {
	Always   Forward
	Busy     Forward
	NoAnswer NoAnswerForward
	ETag     string
}

// InProgress is the one predicate of "the activation is still on its way": neither provisioned
// nor in error (the two statuses an activation rests in until someone acts).
func (a *Activation) InProgress() bool {
	return a.Status != ActivationProvisioned && a.Status != ActivationError
}

// ActivationWait are the options of WaitActivation.
type ActivationWait struct {
	// Poll is the first interval between two reads (0 = the platform's default). Each interval is
	// half as long again as the one before, up to MaxPoll (0 = Poll: a fixed interval).
	Poll, MaxPoll time.Duration
	// Until ends the wait early when it returns true (nil = wait while InProgress).
	Until func(*Activation) bool
	// OnRead, when set, sees every activation read (e.g. to log status changes).
	OnRead func(*Activation)
}

// ActivationValidateInput is what ValidateActivation checks: the email and package an activation
// would use ("" = the user's email, the default package).
type ActivationValidateInput struct {
	Email   string
	Package string
}

// ActivationProblem is one reason an activation would fail (email_conflict, email_required, …).
type ActivationProblem struct {
	Code    string
	Field   string
	Message string
}

// ActivationValidation is the verdict of the activation precheck.
type ActivationValidation struct {
	OK     bool
	Errors []ActivationProblem
}

// WriteOptions are the options of every operation that changes an object: the zero value is an
// unconditional write.
type WriteOptions struct {
	// IfMatch is the etag the change is based on (the object's ETag as last read): when the
	// object changed since, the platform refuses the write with an error for which
	// IsPreconditionFailed is true, and writes nothing. Platforms without etags of their own
	// (BroadWorks, Webex) compare a fingerprint of the object read just before the write
	// (read-compare-write). "" is unconditional; "*" matches any existing object.
	IfMatch string
}
