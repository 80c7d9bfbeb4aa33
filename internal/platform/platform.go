// Package platform is the one interface of domain operations that every resource and data source
// of the provider calls, whatever platform is underneath: the reference REST contract
// (internal/platform/ucprov over internal/client), BroadWorks OCI-P with Webex for BroadWorks, and
// Webex for Wholesale with Webex Calling. It knows neither Terraform nor any wire format: its
// types are the provider's domain (users, numbers, E911 addresses, IM&P, activations, call
// forwarding, jobs), its errors (*Error, *UnsupportedError) say what kind of refusal happened in
// the provider's terms.
//
// Reads come in two kinds: Get* always asks the platform; Read* may be answered from a bulk list
// read earlier in the same provider process (never stale: a user written by this process is read
// from the platform again; see internal/bulkread for the reference platform). Writes take
// WriteOptions whose IfMatch is the etag of the object as last read: a platform without etags
// compares a fingerprint of the object read just before the write and refuses with
// IsPreconditionFailed when they differ.
//
// What a platform lacks is told before anything is written: Lacks(feature) returns an
// *UnsupportedError that the provider reports at plan time on the attribute that needs it.
package platform

import (
	"context"
	"time"
)

// Names of the platforms (the provider's platform setting).
const (
	NameUCProv     = "ucprov"
	NameBroadWorks = "broadworks"
	NameWholesale  = "wholesale"
)

// Feature is something a configuration can ask for that not every platform has.
type Feature string

// Features that a platform may lack (Platform.Lacks).
const (
	FeaturePortalPassword     Feature = "portal password"
	FeatureIMP                Feature = "Integrated IM&P"
	FeatureDirectorySync      Feature = "directory sync"
	FeatureCallingLineIDNames Feature = "calling line id names"
	FeaturePagerNumber        Feature = "pager number"
	FeatureDepartment         Feature = "department"
	FeatureResetUser          Feature = "reset user"
	FeatureActivationEmail    Feature = "custom activation email"
	FeatureInvitationsByGroup Feature = "invitations per group"
)

// Platform is every domain operation the provider performs.
type Platform interface {
	// Name is the platform's name (NameUCProv, NameBroadWorks, NameWholesale).
	Name() string
	// Lacks returns an *UnsupportedError when the platform has no such feature, else nil.
	Lacks(f Feature) error
	// CheckEnterprise tells whether these credentials are accepted and can see enterprise ent:
	// nil, an error for which IsRefused is true (credentials refused), IsNotFound (the
	// enterprise is not visible), or another error (the platform could not be asked).
	CheckEnterprise(ctx context.Context, ent string) error

	Directory
	Users
	Numbers
	Services
	Activations
	Jobs
}

// Directory reads the tenancy: enterprises and groups.
type Directory interface {
	ListEnterprises(ctx context.Context) ([]Enterprise, error)
	ListGroups(ctx context.Context, ent string) ([]Group, error)
	// GetGroup reads group id (IsNotFound when there is no such group these credentials can see);
	// the platform may answer from what this process read before (groups do not change under it).
	GetGroup(ctx context.Context, id string) (*Group, error)
}

// Users are the user operations and the reads that plan-time checks make.
type Users interface {
	CreateUser(ctx context.Context, ent string, in UserInput) (*User, error)
	GetUser(ctx context.Context, id string) (*User, error)
	// ReadUser reads user id of enterprise ent ("" = unknown), possibly from a bulk list.
	ReadUser(ctx context.Context, ent, id string) (*User, error)
	UpdateUser(ctx context.Context, id string, patch UserPatch, opts WriteOptions) (*User, error)
	DeleteUser(ctx context.Context, id string, opts WriteOptions) error
	// ResetUser is the portal's Reset User: the user stays with its number and extension.
	ResetUser(ctx context.Context, id string, opts WriteOptions) (*User, error)
	ListUsers(ctx context.Context, ent string, f UserFilter) ([]User, error)

	// MarkCreated records a user this process created (its later reads go to the platform;
	// CreatedUser answers with it until it is written again).
	MarkCreated(u *User)
	CreatedUser(id string) (*User, bool)
	CreatedHere(id string) bool
	// UserEnterprise is the enterprise of user id as learned from reads and writes of this
	// process ("" when not known).
	UserEnterprise(id string) string

	// EmailHolders and ExtensionHolders are the users of ent with that email or extension.
	EmailHolders(ctx context.Context, ent, email string) ([]User, error)
	ExtensionHolders(ctx context.Context, ent, ext string) ([]User, error)
}

// Numbers are a user's number and extension, and the enterprise's inventory.
type Numbers interface {
	GetNumber(ctx context.Context, userID string) (*Number, error)
	ReadNumber(ctx context.Context, ent, userID string) (*Number, error)
	PutNumber(ctx context.Context, userID string, in NumberInput, opts WriteOptions) (*Number, error)
	DeleteNumber(ctx context.Context, userID string, opts WriteOptions) error
	ListNumbers(ctx context.Context, ent string, f NumberFilter) ([]InventoryNumber, error)
	// InventoryNumber is the inventory entry of number in ent (IsNotFound when not in it).
	InventoryNumber(ctx context.Context, ent, number string) (*InventoryNumber, error)
}

// Services are a user's E911 address, IM&P, secrets and call forwarding.
type Services interface {
	GetE911(ctx context.Context, userID string) (*E911, error)
	ReadE911(ctx context.Context, ent, userID string) (*E911, error)
	PutE911(ctx context.Context, userID string, addr Address, opts WriteOptions) (*E911, error)
	DeleteE911(ctx context.Context, userID string, opts WriteOptions) error

	GetIMP(ctx context.Context, userID string) (*IMP, error)
	ReadIMP(ctx context.Context, ent, userID string) (*IMP, error)
	SetIMP(ctx context.Context, userID string, enabled bool, opts WriteOptions) (*IMP, error)

	SetVoicemailPasscode(ctx context.Context, userID, passcode string) error
	SetPortalPassword(ctx context.Context, userID, password string) error
	// PasscodeRules are the rules of enterprise ent (GetPasscodeRules always asks; ReadPasscodeRules
	// may answer from what this process read before).
	GetPasscodeRules(ctx context.Context, ent string) (*PasscodeRules, error)
	ReadPasscodeRules(ctx context.Context, ent string) (*PasscodeRules, error)

	GetCallForwarding(ctx context.Context, userID string) (*CallForwarding, error)
	ReadCallForwarding(ctx context.Context, ent, userID string) (*CallForwarding, error)
	PutCallForwarding(ctx context.Context, userID string, cf CallForwarding, opts WriteOptions) (*CallForwarding, error)
	DeleteCallForwarding(ctx context.Context, userID string, opts WriteOptions) error
}

// Activations are a user's Webex activation and the enterprise's activation status report.
type Activations interface {
	CreateActivation(ctx context.Context, userID string, in ActivationInput, opts WriteOptions) (*JobRef, error)
	GetActivation(ctx context.Context, userID string) (*Activation, error)
	ReadActivation(ctx context.Context, ent, userID string) (*Activation, error)
	UpdateActivationPackage(ctx context.Context, userID, pkg string, opts WriteOptions) (*Activation, error)
	RetryActivation(ctx context.Context, userID, email string, opts WriteOptions) (*JobRef, error)
	DeleteActivation(ctx context.Context, userID string, opts WriteOptions) error
	ResendInvitation(ctx context.Context, userID string) (*Activation, error)
	ValidateActivation(ctx context.Context, userID string, in ActivationValidateInput) (*ActivationValidation, error)
	// WaitActivation reads the activation until it is no longer InProgress, opts.Until says so,
	// or ctx is done (then the last activation read comes with the context's error).
	WaitActivation(ctx context.Context, userID string, opts ActivationWait) (*Activation, error)
	ListActivations(ctx context.Context, ent string, f ActivationFilter) ([]ActivationRow, error)
	ActivationsCSV(ctx context.Context, ent string, f ActivationFilter) (string, error)
}

// Jobs are the enterprise-wide operations that run in the background.
type Jobs interface {
	StartDirectorySync(ctx context.Context, ent string) (*JobRef, error)
	StartInvitations(ctx context.Context, ent, groupID string) (*JobRef, error)
	GetJob(ctx context.Context, jobID string) (*Job, error)
	// WaitJob reads job jobID every poll until it is Terminal or until (when set) returns true.
	WaitJob(ctx context.Context, jobID string, poll time.Duration, until func(*Job) bool) (*Job, error)
}

// ActivationAdopter is implemented by a platform that makes activations by itself (BroadWorks:
// flow-through provisioning creates the Webex subscriber of a user whose Integrated IM&P is on).
// AdoptActivation reports whether the activation user userID has now is such a one: a create takes
// it over whatever its status, instead of refusing a user already activated.
type ActivationAdopter interface {
	AdoptActivation(ctx context.Context, userID string) bool
}

// GroupRulesReader is implemented by a platform whose passcode and password rules are per group
// (BroadWorks): ReadGroupPasscodeRules are the rules of group groupID of enterprise ent (read once
// per process). Its Get/ReadPasscodeRules of an enterprise are then rules every group accepts.
type GroupRulesReader interface {
	ReadGroupPasscodeRules(ctx context.Context, ent, groupID string) (*PasscodeRules, error)
}
