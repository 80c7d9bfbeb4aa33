package client

import (
	"encoding/json"
	"fmt"
	"time"
)

// Enterprise is an enterprise (tenant) of the service provider.
type Enterprise struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Group is a group (location) of an enterprise.
type Group struct {
	ID           string `json:"id"`
	EnterpriseID string `json:"enterpriseId"`
	Name         string `json:"name"`
	TimeZone     string `json:"timeZone"`
}

// User is a user as the API returns it. Optional strings are "" when unset.
type User struct {
	ID                     string    `json:"id"`
	EnterpriseID           string    `json:"enterpriseId"`
	GroupID                string    `json:"groupId"`
	FirstName              string    `json:"firstName"`
	LastName               string    `json:"lastName"`
	CallingLineIDFirstName string    `json:"callingLineIdFirstName"`
	CallingLineIDLastName  string    `json:"callingLineIdLastName"`
	Department             string    `json:"department"`
	TimeZone               string    `json:"timeZone"`
	PagerNumber            string    `json:"pagerNumber"`
	MobileNumber           string    `json:"mobileNumber"`
	Email                  string    `json:"email"`
	ETag                   string    `json:"etag"`
	CreatedAt              time.Time `json:"createdAt"`
	UpdatedAt              time.Time `json:"updatedAt"`
}

// UserInput is the body of CreateUser. GroupID, FirstName and LastName are required; empty
// optional fields are not sent (the calling line id names then follow the first/last name).
type UserInput struct {
	GroupID                string `json:"groupId"`
	FirstName              string `json:"firstName"`
	LastName               string `json:"lastName"`
	CallingLineIDFirstName string `json:"callingLineIdFirstName,omitempty"`
	CallingLineIDLastName  string `json:"callingLineIdLastName,omitempty"`
	Department             string `json:"department,omitempty"`
	TimeZone               string `json:"timeZone,omitempty"`
	PagerNumber            string `json:"pagerNumber,omitempty"`
	MobileNumber           string `json:"mobileNumber,omitempty"`
	Email                  string `json:"email,omitempty"`
}

// UserPatch is the JSON merge patch of UpdateUser: a nil field is left untouched, a non-nil
// one is set (a pointer to "" clears an optional field; for the calling line id names it makes
// them follow the first/last name again). The group cannot change (replace the user instead).
type UserPatch struct {
	FirstName              *string `json:"firstName,omitempty"`
	LastName               *string `json:"lastName,omitempty"`
	CallingLineIDFirstName *string `json:"callingLineIdFirstName,omitempty"`
	CallingLineIDLastName  *string `json:"callingLineIdLastName,omitempty"`
	Department             *string `json:"department,omitempty"`
	TimeZone               *string `json:"timeZone,omitempty"`
	PagerNumber            *string `json:"pagerNumber,omitempty"`
	MobileNumber           *string `json:"mobileNumber,omitempty"`
	Email                  *string `json:"email,omitempty"`
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
	PhoneNumber string `json:"phoneNumber"`
	Extension   string `json:"extension"`
	// NumberState is "inactive" or "active" with a phone number, "" when extension-only.
	NumberState string `json:"numberState"`
	ETag        string `json:"etag"`
}

// NumberInput is the body of PutNumber; at least one field must be set. It replaces the whole
// assignment. Activate activates the phone number in the same request (a number that is new for
// the user is otherwise inactive until ActivateNumber); it is ignored for an extension-only user.
type NumberInput struct {
	PhoneNumber string `json:"phoneNumber"`
	Extension   string `json:"extension"`
	Activate    bool   `json:"activate,omitempty"`
}

// InventoryNumber is a phone number of an enterprise's inventory.
type InventoryNumber struct {
	PhoneNumber string `json:"phoneNumber"`
	GroupID     string `json:"groupId"`
	State       string `json:"state"` // "available" or "assigned"
	UserID      string `json:"userId"`
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
	Address1   string `json:"address1"`
	Address2   string `json:"address2"`
	City       string `json:"city"`
	State      string `json:"state"`
	PostalCode string `json:"postalCode"`
	Country    string `json:"country"`
}

// E911 is a user's E911 address: the address as sent, plus its normalised form, its status
// ("valid" or "needs_review") and its etag.
type E911 struct {
	Address
	Normalized Address `json:"normalized"`
	Status     string  `json:"status"`
	ETag       string  `json:"etag"`
}

// IMP is a user's Integrated IM&P setting.
type IMP struct {
	Enabled bool   `json:"enabled"`
	ETag    string `json:"etag"`
}

// ActivationInput is the body of CreateActivation. An empty Package means the server default
// (webex_calling).
type ActivationInput struct {
	Package             string `json:"package,omitempty"`
	SendActivationEmail bool   `json:"sendActivationEmail"`
	EmailSubject        string `json:"emailSubject,omitempty"`
	EmailBody           string `json:"emailBody,omitempty"`
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
	Status    string    `json:"status"`
	Email     string    `json:"email"`
	Package   string    `json:"package"`
	ErrorCode string    `json:"errorCode"`
	ErrorText string    `json:"errorText"`
	UpdatedAt time.Time `json:"updatedAt"`
	JobID     string    `json:"jobId"`
	// InvitationsSent counts the activation emails sent; LastInvitedAt is the RFC 3339 time of the
	// last one ("" when none).
	InvitationsSent int    `json:"invitationsSent"`
	LastInvitedAt   string `json:"lastInvitedAt"`
	// ETag changes whenever the activation does, its status included.
	ETag string `json:"etag"`
}

// JobRef is the 202 answer of an operation that queued a job.
type JobRef struct {
	Status string `json:"status"`
	JobID  string `json:"jobId"`
}

// ActivationRow is a row of the activation status report.
type ActivationRow struct {
	UserID      string `json:"userId"`
	GroupID     string `json:"groupId"`
	Location    string `json:"location"`
	License     string `json:"license"`
	ServiceType string `json:"serviceType"`
	ServiceID   string `json:"serviceId"`
	Extension   string `json:"extension"`
	FirstName   string `json:"firstName"`
	LastName    string `json:"lastName"`
	Email       string `json:"email"`
	Status      string `json:"status"`
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
	Status          string     `json:"status"` // never, queued, running, succeeded, failed
	LastJobID       string     `json:"lastJobId"`
	LastCompletedAt *time.Time `json:"lastCompletedAt,omitempty"`
	NextAllowedAt   *time.Time `json:"nextAllowedAt,omitempty"`
	ErrorCode       string     `json:"errorCode"`
}

// UnmarshalJSON accepts null, "" or an RFC 3339 time for the optional times.
func (d *DirectorySync) UnmarshalJSON(data []byte) error {
	type plain DirectorySync
	var aux struct {
		plain
		LastCompletedAt optionalTime `json:"lastCompletedAt"`
		NextAllowedAt   optionalTime `json:"nextAllowedAt"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	*d = DirectorySync(aux.plain)
	d.LastCompletedAt = aux.LastCompletedAt.t
	d.NextAllowedAt = aux.NextAllowedAt.t
	return nil
}

// optionalTime decodes null, "" or an RFC 3339 string.
type optionalTime struct{ t *time.Time }

func (o *optionalTime) UnmarshalJSON(data []byte) error {
	var s *string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("time: %w", err)
	}
	if s == nil || *s == "" {
		o.t = nil
		return nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return err
	}
	o.t = &t
	return nil
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
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`   // activation, directory_sync, invitations
	Status    string    `json:"status"` // queued, running, succeeded, failed
	Error     *JobError `json:"error"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Result is what an invitations job did; nil for other kinds.
	Result *InvitationsResult `json:"result"`
}

// InvitationsResult counts the users an invitations job emailed (Sent), left alone (Skipped: not
// waiting for an invitation) and could not email (Failed: no email).
type InvitationsResult struct {
	GroupID string `json:"groupId"`
	Sent    int    `json:"sent"`
	Skipped int    `json:"skipped"`
	Failed  int    `json:"failed"`
}

// Terminal reports whether the job has finished (succeeded or failed).
func (j *Job) Terminal() bool {
	return j.Status == JobSucceeded || j.Status == JobFailed
}

// JobError is why a job failed. It implements error so that a caller can return it as is.
type JobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
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
	MinLength               int  `json:"minLength"`
	MaxLength               int  `json:"maxLength"`
	MaxRepeatedDigits       int  `json:"maxRepeatedDigits"`
	MaxSequenceLength       int  `json:"maxSequenceLength"`
	BlockUserNumber         bool `json:"blockUserNumber"`
	BlockReversedUserNumber bool `json:"blockReversedUserNumber"`
	BlockPrevious           bool `json:"blockPrevious"`
	BlockPreviousReversed   bool `json:"blockPreviousReversed"`
	PasswordMinLength       int  `json:"passwordMinLength"`
}

// Forward is one call forwarding rule.
type Forward struct {
	Enabled     bool   `json:"enabled"`
	Destination string `json:"destination"`
}

// NoAnswerForward is the no-answer forwarding rule; Rings is 2–20 (server default 3).
type NoAnswerForward struct {
	Enabled     bool   `json:"enabled"`
	Destination string `json:"destination"`
	Rings       int    `json:"rings"`
}

// CallForwarding is a user's call forwarding settings. ETag is set on answers and never sent.
type CallForwarding struct {
	Always   Forward         `json:"always"`
	Busy     Forward         `json:"busy"`
	NoAnswer NoAnswerForward `json:"noAnswer"`
	ETag     string          `json:"etag,omitempty"`
}
