package webex

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ErrNotFound matches (errors.Is) every 404 answer and the client's own "nothing matched" results
// (FindBroadWorksEnterprise).
var ErrNotFound = errors.New("webex: not found")

// Is reports whether e matches target: a 404 matches ErrNotFound.
func (e *Error) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

// ErrorDetail is one entry of an object's "errors" list (subscribers, customers, sync status).
type ErrorDetail struct {
	ErrorCode   int    `json:"errorCode"`
	Description string `json:"description"`
}

// ValidateResult is the answer of the subscriber prechecks (…/subscribers/validate).
type ValidateResult struct {
	Message string        `json:"message,omitempty"`
	Info    *ValidateInfo `json:"info,omitempty"`
}

// ValidateInfo is the info of a precheck answer (infoCode 100: the provisioning may proceed).
type ValidateInfo struct {
	InfoCode    int    `json:"infoCode"`
	Description string `json:"description,omitempty"`
}

// BroadWorks subscriber packages and statuses (webex-broadworks.json).
const (
	BroadWorksPackageSoftphone = "softphone"
	BroadWorksPackageBasic     = "basic"
	BroadWorksPackageStandard  = "standard"
	BroadWorksPackagePremium   = "premium"

	SubscriberStatusPendingEmailInput      = "pending_email_input"
	SubscriberStatusPendingEmailValidation = "pending_email_validation"
	SubscriberStatusPendingUserMigration   = "pending_user_migration"
	SubscriberStatusProvisioning           = "provisioning"
	SubscriberStatusProvisioned            = "provisioned"
	SubscriberStatusUpdating               = "updating"
	SubscriberStatusError                  = "error"
)

// BroadWorksSubscriber is a Webex for BroadWorks subscriber.
type BroadWorksSubscriber struct {
	ID                 string        `json:"id,omitempty"`
	PersonID           string        `json:"personId,omitempty"`
	UserID             string        `json:"userId,omitempty"`
	SPEnterpriseID     string        `json:"spEnterpriseId,omitempty"`
	FirstName          string        `json:"firstName,omitempty"`
	LastName           string        `json:"lastName,omitempty"`
	Email              string        `json:"email,omitempty"`
	PrimaryPhoneNumber string        `json:"primaryPhoneNumber,omitempty"`
	MobilePhoneNumber  string        `json:"mobilePhoneNumber,omitempty"`
	Extension          string        `json:"extension,omitempty"`
	Package            string        `json:"package,omitempty"`
	Status             string        `json:"status,omitempty"`
	Errors             []ErrorDetail `json:"errors,omitempty"`
	Created            string        `json:"created,omitempty"`
	LastStatusChange   string        `json:"lastStatusChange,omitempty"`
	ProvisioningID     string        `json:"provisioningId,omitempty"`
	SelfActivated      bool          `json:"selfActivated,omitempty"`
}

// BroadWorksSubscriberCreate is the body of POST /broadworks/subscribers. ProvisioningID, UserID,
// SPEnterpriseID, FirstName, LastName and Package are required; Email is required for
// trusted-email provisioning.
type BroadWorksSubscriberCreate struct {
	ProvisioningID     string `json:"provisioningId"`
	UserID             string `json:"userId"`
	SPEnterpriseID     string `json:"spEnterpriseId"`
	FirstName          string `json:"firstName"`
	LastName           string `json:"lastName"`
	Package            string `json:"package"`
	PrimaryPhoneNumber string `json:"primaryPhoneNumber,omitempty"`
	MobilePhoneNumber  string `json:"mobilePhoneNumber,omitempty"`
	Extension          string `json:"extension,omitempty"`
	Email              string `json:"email,omitempty"`
	Language           string `json:"language,omitempty"`
	Timezone           string `json:"timezone,omitempty"`
}

// BroadWorksSubscriberUpdate is the body of PUT /broadworks/subscribers/{id}: nil fields are not
// sent; a pointer to "" sends an empty value (an empty primaryPhoneNumber or extension removes it
// when the other stays).
type BroadWorksSubscriberUpdate struct {
	UserID             *string `json:"userId,omitempty"`
	FirstName          *string `json:"firstName,omitempty"`
	LastName           *string `json:"lastName,omitempty"`
	PrimaryPhoneNumber *string `json:"primaryPhoneNumber,omitempty"`
	MobilePhoneNumber  *string `json:"mobilePhoneNumber,omitempty"`
	Extension          *string `json:"extension,omitempty"`
	Timezone           *string `json:"timezone,omitempty"`
	Package            *string `json:"package,omitempty"`
}

// BroadWorksSubscriberValidate is the body of POST /broadworks/subscribers/validate (Email
// required).
type BroadWorksSubscriberValidate struct {
	ProvisioningID     string        `json:"provisioningId,omitempty"`
	UserID             string        `json:"userId,omitempty"`
	SPEnterpriseID     string        `json:"spEnterpriseId,omitempty"`
	FirstName          string        `json:"firstName,omitempty"`
	LastName           string        `json:"lastName,omitempty"`
	Package            string        `json:"package,omitempty"`
	PrimaryPhoneNumber string        `json:"primaryPhoneNumber,omitempty"`
	MobilePhoneNumber  string        `json:"mobilePhoneNumber,omitempty"`
	Extension          string        `json:"extension,omitempty"`
	Email              string        `json:"email"`
	Language           string        `json:"language,omitempty"`
	Timezone           string        `json:"timezone,omitempty"`
	CustomerInfo       *CustomerInfo `json:"customerInfo,omitempty"`
}

// CustomerInfo is the customerInfo of a subscriber precheck.
type CustomerInfo struct {
	PrimaryEmail string `json:"primaryEmail"`
}

// BroadWorksSubscriberFilter filters GET /broadworks/subscribers. Status is one status (the
// spec's parameter is a single enum value). PageSize is the max of each page (0: 100, the
// endpoint's maximum).
type BroadWorksSubscriberFilter struct {
	UserID           string
	PersonID         string
	Email            string
	ProvisioningID   string
	SPEnterpriseID   string
	LastStatusChange string
	Status           string
	After            string
	SelfActivated    *bool
	PageSize         int
}

// ListBroadWorksSubscribers returns every subscriber matching f, following the Link pages.
func (c *Client) ListBroadWorksSubscribers(ctx context.Context, f BroadWorksSubscriberFilter) ([]BroadWorksSubscriber, error) {
	q := url.Values{}
	setIf(q, "userId", f.UserID)
	setIf(q, "personId", f.PersonID)
	setIf(q, "email", f.Email)
	setIf(q, "provisioningId", f.ProvisioningID)
	setIf(q, "spEnterpriseId", f.SPEnterpriseID)
	setIf(q, "lastStatusChange", f.LastStatusChange)
	setIf(q, "status", f.Status)
	setIf(q, "after", f.After)
	if f.SelfActivated != nil {
		q.Set("selfActivated", strconv.FormatBool(*f.SelfActivated))
	}
	if err := setPageSize(q, f.PageSize, 100); err != nil {
		return nil, err
	}
	return listLinks[BroadWorksSubscriber](ctx, c, pathOf("/broadworks/subscribers"), q, "items")
}

// GetBroadWorksSubscriber returns one subscriber (IsNotFound on a 404).
func (c *Client) GetBroadWorksSubscriber(ctx context.Context, subscriberID string) (*BroadWorksSubscriber, error) {
	var s BroadWorksSubscriber
	_, err := c.do(ctx, request{method: http.MethodGet, path: pathOf("/broadworks/subscribers/{subscriberId}", subscriberID), out: &s})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// ProvisionBroadWorksSubscriber provisions a subscriber (POST, not idempotent: after an answer
// that was lost, look the subscriber up by userId; HasCode(err, 10022) means the user id is taken).
func (c *Client) ProvisionBroadWorksSubscriber(ctx context.Context, req BroadWorksSubscriberCreate) (*BroadWorksSubscriber, error) {
	var s BroadWorksSubscriber
	_, err := c.do(ctx, request{method: http.MethodPost, path: pathOf("/broadworks/subscribers"), body: req, out: &s})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// UpdateBroadWorksSubscriber updates a subscriber (package, names, numbers) and returns it (its
// status is then typically "updating").
func (c *Client) UpdateBroadWorksSubscriber(ctx context.Context, subscriberID string, req BroadWorksSubscriberUpdate) (*BroadWorksSubscriber, error) {
	var s BroadWorksSubscriber
	_, err := c.do(ctx, request{method: http.MethodPut, path: pathOf("/broadworks/subscribers/{subscriberId}", subscriberID), body: req, out: &s})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteBroadWorksSubscriber removes a subscriber.
func (c *Client) DeleteBroadWorksSubscriber(ctx context.Context, subscriberID string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathOf("/broadworks/subscribers/{subscriberId}", subscriberID)})
	return err
}

// ValidateBroadWorksSubscriber prechecks a provisioning (a read-only POST, retried like a GET).
func (c *Client) ValidateBroadWorksSubscriber(ctx context.Context, req BroadWorksSubscriberValidate) (*ValidateResult, error) {
	var r ValidateResult
	_, err := c.do(ctx, request{method: http.MethodPost, path: pathOf("/broadworks/subscribers/validate"), body: req, out: &r, idempotent: true})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// BroadWorksEnterprise is a Webex for BroadWorks enterprise.
type BroadWorksEnterprise struct {
	ID                      string         `json:"id,omitempty"`
	OrgID                   string         `json:"orgId,omitempty"`
	ProvisioningID          string         `json:"provisioningId,omitempty"`
	SPEnterpriseID          string         `json:"spEnterpriseId,omitempty"`
	BroadWorksDirectorySync *DirectorySync `json:"broadworksDirectorySync,omitempty"`
}

// DirectorySync is an enterprise's directory synchronisation (broadworksDirectorySync).
type DirectorySync struct {
	EnableDirSync       bool                 `json:"enableDirSync"`
	DirectorySyncStatus *DirectorySyncStatus `json:"directorySyncStatus,omitempty"`
}

// DirectorySyncStatus is the state of the last directory synchronisation.
type DirectorySyncStatus struct {
	LastSyncStartTime                 string        `json:"lastSyncStartTime,omitempty"`
	LastSyncEndTime                   string        `json:"lastSyncEndTime,omitempty"`
	SyncStatus                        string        `json:"syncStatus,omitempty"`
	UsersAdded                        int           `json:"usersAdded,omitempty"`
	UsersUpdated                      int           `json:"usersUpdated,omitempty"`
	UsersDeleted                      int           `json:"usersDeleted,omitempty"`
	MachinesAdded                     int           `json:"machinesAdded,omitempty"`
	MachinesUpdated                   int           `json:"machinesUpdated,omitempty"`
	MachinesDeleted                   int           `json:"machinesDeleted,omitempty"`
	TotalExternalUsersInCI            int           `json:"totalExternalUsersInCI,omitempty"`
	TotalExternalMachinesInCI         int           `json:"totalExternalMachinesInCI,omitempty"`
	LastSuccessfulSyncTime            string        `json:"lastSuccessfulSyncTime,omitempty"`
	LastSyncTrackingID                string        `json:"lastSyncTrackingId,omitempty"`
	Errors                            []ErrorDetail `json:"errors,omitempty"`
	UserContactsAdded                 int           `json:"userContactsAdded,omitempty"`
	UserContactsUpdated               int           `json:"userContactsUpdated,omitempty"`
	UserContactsDeleted               int           `json:"userContactsDeleted,omitempty"`
	OrgContactsAdded                  int           `json:"orgContactsAdded,omitempty"`
	OrgContactsUpdated                int           `json:"orgContactsUpdated,omitempty"`
	OrgContactsDeleted                int           `json:"orgContactsDeleted,omitempty"`
	TotalUserContactsInContactService int           `json:"totalUserContactsInContactService,omitempty"`
	TotalOrgContactsInContactService  int           `json:"totalOrgContactsInContactService,omitempty"`
}

// Directory sync statuses seen in the spec's examples (not enumerated by it).
const (
	SyncStatusSyncNow    = "SYNC_NOW"
	SyncStatusInProgress = "IN_PROGRESS"
	SyncStatusComplete   = "COMPLETE"
	SyncStatusNotSynced  = "NOT_SYNCED"
)

// BroadWorksEnterpriseFilter filters GET /broadworks/enterprises. PageSize 0 means 1000 (the
// endpoint's maximum).
type BroadWorksEnterpriseFilter struct {
	SPEnterpriseID string
	StartsWith     string
	PageSize       int
}

// ListBroadWorksEnterprises returns every enterprise matching f, following the Link pages.
func (c *Client) ListBroadWorksEnterprises(ctx context.Context, f BroadWorksEnterpriseFilter) ([]BroadWorksEnterprise, error) {
	q := url.Values{}
	setIf(q, "spEnterpriseId", f.SPEnterpriseID)
	setIf(q, "startsWith", f.StartsWith)
	if err := setPageSize(q, f.PageSize, 1000); err != nil {
		return nil, err
	}
	return listLinks[BroadWorksEnterprise](ctx, c, pathOf("/broadworks/enterprises"), q, "items")
}

// FindBroadWorksEnterprise returns the enterprise whose spEnterpriseId is exactly spEnterpriseID
// (the API has no GET by id; this lists with the filter). No match is an error matching
// ErrNotFound (IsNotFound).
func (c *Client) FindBroadWorksEnterprise(ctx context.Context, spEnterpriseID string) (*BroadWorksEnterprise, error) {
	if strings.TrimSpace(spEnterpriseID) == "" {
		return nil, errors.New("webex: spEnterpriseId is required")
	}
	list, err := c.ListBroadWorksEnterprises(ctx, BroadWorksEnterpriseFilter{SPEnterpriseID: spEnterpriseID})
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].SPEnterpriseID == spEnterpriseID {
			return &list[i], nil
		}
	}
	return nil, fmt.Errorf("webex: broadworks enterprise %q: %w", spEnterpriseID, ErrNotFound)
}

// GetDirectorySync returns an enterprise's directory sync setting and status (enterpriseID is
// the enterprise's Webex id, BroadWorksEnterprise.ID).
func (c *Client) GetDirectorySync(ctx context.Context, enterpriseID string) (*DirectorySync, error) {
	var d DirectorySync
	_, err := c.do(ctx, request{method: http.MethodGet, path: pathOf("/broadworks/enterprises/{id}/broadworksDirectorySync", enterpriseID), out: &d})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// TriggerDirectorySync starts a directory synchronisation now (POST {syncStatus: SYNC_NOW}).
func (c *Client) TriggerDirectorySync(ctx context.Context, enterpriseID string) (*DirectorySync, error) {
	var d DirectorySync
	body := map[string]string{"syncStatus": SyncStatusSyncNow}
	_, err := c.do(ctx, request{method: http.MethodPost, path: pathOf("/broadworks/enterprises/{id}/broadworksDirectorySync", enterpriseID), body: body, out: &d})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// SetDirectorySync enables or disables an enterprise's directory synchronisation.
func (c *Client) SetDirectorySync(ctx context.Context, enterpriseID string, enable bool) (*DirectorySync, error) {
	var d DirectorySync
	body := map[string]bool{"enableDirSync": enable}
	_, err := c.do(ctx, request{method: http.MethodPut, path: pathOf("/broadworks/enterprises/{id}/broadworksDirectorySync", enterpriseID), body: body, out: &d})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func setIf(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

// setPageSize sets max to size (def when 0); a size outside 1..def is an error.
func setPageSize(q url.Values, size, def int) error {
	if size == 0 {
		size = def
	}
	if size < 1 || size > def {
		return fmt.Errorf("webex: page size must be between 1 and %d, got %d", def, size)
	}
	q.Set("max", strconv.Itoa(size))
	return nil
}
