package webex

import (
	"context"
	"net/http"
	"net/url"
)

// Wholesale packages and statuses (webex-wholesale.json).
const (
	PackageWebexCalling         = "webex_calling"
	PackageWebexCallingStandard = "webex_calling_standard"
	PackageWebexMeetings        = "webex_meetings"
	PackageWebexSuite           = "webex_suite"
	PackageWebexVoice           = "webex_voice"
	PackageCXEssentials         = "cx_essentials"
	PackageAttendantConsole     = "attendant_console"

	CustomerStatusProvisioned           = "provisioned"
	CustomerStatusProvisionedWithErrors = "provisioned_with_errors"
	CustomerStatusProvisioning          = "provisioning"
	CustomerStatusUpdating              = "updating"
	CustomerStatusDeleting              = "deleting"
	CustomerStatusError                 = "error"
	CustomerStatusPendingRPLReview      = "pending_rpl_review"
)

// WholesaleAddress is a customer's address.
type WholesaleAddress struct {
	AddressLine1    string `json:"addressLine1,omitempty"`
	AddressLine2    string `json:"addressLine2,omitempty"`
	City            string `json:"city,omitempty"`
	StateOrProvince string `json:"stateOrProvince,omitempty"`
	ZipOrPostalCode string `json:"zipOrPostalCode,omitempty"`
	Country         string `json:"country,omitempty"`
}

// WholesaleCustomer is a Webex for Wholesale customer (a customer organisation).
type WholesaleCustomer struct {
	ID              string                    `json:"id,omitempty"`
	OrgID           string                    `json:"orgId,omitempty"`
	ExternalID      string                    `json:"externalId,omitempty"`
	Address         *WholesaleAddress         `json:"address,omitempty"`
	Status          string                    `json:"status,omitempty"`
	Packages        []string                  `json:"packages,omitempty"`
	ResourceDetails *WholesaleResourceDetails `json:"resourceDetails,omitempty"`
	Errors          []ErrorDetail             `json:"errors,omitempty"`
}

// WholesaleResourceDetails is a customer's per-package provisioning state.
type WholesaleResourceDetails struct {
	Packages []WholesalePackageDetail `json:"packages,omitempty"`
}

// WholesalePackageDetail is one package of a customer.
type WholesalePackageDetail struct {
	Name       string        `json:"name,omitempty"`
	Status     string        `json:"status,omitempty"`
	Warnings   []ErrorDetail `json:"warnings,omitempty"`
	Errors     []ErrorDetail `json:"errors,omitempty"`
	LicenseIDs []string      `json:"licenseIds,omitempty"`
}

// WholesaleCustomerFilter filters GET /wholesale/customers.
type WholesaleCustomerFilter struct {
	ExternalID string
	OrgID      string
	Status     []string
	// PageSize is the max of each page (0: 100).
	PageSize int
}

// ListWholesaleCustomers returns every customer matching f (offset paging).
func (c *Client) ListWholesaleCustomers(ctx context.Context, f WholesaleCustomerFilter) ([]WholesaleCustomer, error) {
	q := c.subPartnerQuery()
	setIf(q, "externalId", f.ExternalID)
	setIf(q, "orgId", f.OrgID)
	for _, s := range f.Status {
		q.Add("status", s)
	}
	size := f.PageSize
	if size == 0 {
		size = 100
	}
	if err := setPageSize(q, size, 1000); err != nil {
		return nil, err
	}
	return listOffset[WholesaleCustomer](ctx, c, pathOf("/wholesale/customers"), q, "items", "offset", 0, size)
}

// GetWholesaleCustomer returns one customer.
func (c *Client) GetWholesaleCustomer(ctx context.Context, customerID string) (*WholesaleCustomer, error) {
	var cu WholesaleCustomer
	_, err := c.do(ctx, request{method: http.MethodGet, path: pathOf("/wholesale/customers/{customerId}", customerID), query: c.subPartnerQuery(), out: &cu})
	if err != nil {
		return nil, err
	}
	return &cu, nil
}

// WholesaleSubscriber statuses.
const (
	WholesaleStatusProvisioned          = "provisioned"
	WholesaleStatusPendingUserMigration = "pending_user_migration"
)

// WholesaleSubscriber is a Webex for Wholesale subscriber.
type WholesaleSubscriber struct {
	ID                 string        `json:"id,omitempty"`
	PersonID           string        `json:"personId,omitempty"`
	Email              string        `json:"email,omitempty"`
	CustomerID         string        `json:"customerId,omitempty"`
	ExternalCustomerID string        `json:"externalCustomerId,omitempty"`
	Package            string        `json:"package,omitempty"`
	Packages           []string      `json:"packages,omitempty"`
	Status             string        `json:"status,omitempty"`
	Errors             []ErrorDetail `json:"errors,omitempty"`
	Created            string        `json:"created,omitempty"`
	LastStatusChange   string        `json:"lastStatusChange,omitempty"`
}

// WholesaleProvisioningParameters are the provisioningParameters of a subscriber create or
// precheck (a calling package needs PrimaryPhoneNumber, Extension or both).
type WholesaleProvisioningParameters struct {
	FirstName          string `json:"firstName,omitempty"`
	LastName           string `json:"lastName,omitempty"`
	PrimaryPhoneNumber string `json:"primaryPhoneNumber,omitempty"`
	Extension          string `json:"extension,omitempty"`
	LocationID         string `json:"locationId,omitempty"`
}

// WholesaleSubscriberCreate is the body of POST /wholesale/subscribers. Packages holds one
// package (Package is the deprecated single form).
type WholesaleSubscriberCreate struct {
	CustomerID             string                          `json:"customerId"`
	Email                  string                          `json:"email"`
	Package                string                          `json:"package,omitempty"`
	Packages               []string                        `json:"packages,omitempty"`
	ProvisioningParameters WholesaleProvisioningParameters `json:"provisioningParameters"`
}

// WholesaleSubscriberUpdate is the body of PUT /wholesale/subscribers/{id}.
type WholesaleSubscriberUpdate struct {
	Package                string                       `json:"package,omitempty"`
	Packages               []string                     `json:"packages,omitempty"`
	ProvisioningParameters *WholesaleUpdateProvisioning `json:"provisioningParameters,omitempty"`
}

// WholesaleUpdateProvisioning are the provisioningParameters of an update (moving a subscriber
// to a calling package).
type WholesaleUpdateProvisioning struct {
	PrimaryPhoneNumber string `json:"primaryPhoneNumber,omitempty"`
	Extension          string `json:"extension,omitempty"`
	LocationID         string `json:"locationId,omitempty"`
}

// WholesaleSubscriberValidate is the body of POST /wholesale/subscribers/validate (Email
// required).
type WholesaleSubscriberValidate struct {
	ProvisioningID         string                           `json:"provisioningId,omitempty"`
	CustomerID             string                           `json:"customerId,omitempty"`
	Email                  string                           `json:"email"`
	Package                string                           `json:"package,omitempty"`
	Packages               []string                         `json:"packages,omitempty"`
	ProvisioningParameters *WholesaleProvisioningParameters `json:"provisioningParameters,omitempty"`
	CustomerInfo           *CustomerInfo                    `json:"customerInfo,omitempty"`
}

// WholesaleProvisionResult is the answer of a subscriber provisioning: HTTPStatus is 200 when
// the subscriber was provisioned, 202 when it waits for the user (pending_user_migration: an
// existing free account must consent to move). Location is the Location header, if any.
type WholesaleProvisionResult struct {
	Subscriber WholesaleSubscriber
	HTTPStatus int
	Location   string
}

// Pending reports whether the provisioning waits for the user (202 or status
// pending_user_migration).
func (r *WholesaleProvisionResult) Pending() bool {
	return r.HTTPStatus == http.StatusAccepted || r.Subscriber.Status == WholesaleStatusPendingUserMigration
}

// WholesaleSubscriberFilter filters GET /wholesale/subscribers.
type WholesaleSubscriberFilter struct {
	CustomerID         string
	PersonID           string
	ExternalCustomerID string
	Email              string
	Status             string
	After              string
	LastStatusChange   string
	SortBy             string
	SortOrder          string
	// PageSize is the max of each page (0: 100, the endpoint's maximum).
	PageSize int
}

// ListWholesaleSubscribers returns every subscriber matching f (offset paging).
func (c *Client) ListWholesaleSubscribers(ctx context.Context, f WholesaleSubscriberFilter) ([]WholesaleSubscriber, error) {
	q := c.subPartnerQuery()
	setIf(q, "customerId", f.CustomerID)
	setIf(q, "personId", f.PersonID)
	setIf(q, "externalCustomerId", f.ExternalCustomerID)
	setIf(q, "email", f.Email)
	setIf(q, "status", f.Status)
	setIf(q, "after", f.After)
	setIf(q, "lastStatusChange", f.LastStatusChange)
	setIf(q, "sortBy", f.SortBy)
	setIf(q, "sortOrder", f.SortOrder)
	size := f.PageSize
	if size == 0 {
		size = 100
	}
	if err := setPageSize(q, size, 100); err != nil {
		return nil, err
	}
	return listOffset[WholesaleSubscriber](ctx, c, pathOf("/wholesale/subscribers"), q, "items", "offset", 0, size)
}

// GetWholesaleSubscriber returns one subscriber.
func (c *Client) GetWholesaleSubscriber(ctx context.Context, subscriberID string) (*WholesaleSubscriber, error) {
	var s WholesaleSubscriber
	_, err := c.do(ctx, request{method: http.MethodGet, path: pathOf("/wholesale/subscribers/{subscriberId}", subscriberID), query: c.subPartnerQuery(), out: &s})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// ProvisionWholesaleSubscriber provisions a subscriber (POST, not idempotent: after an answer
// that was lost, look it up by email and customerId). See WholesaleProvisionResult for 200 vs 202.
func (c *Client) ProvisionWholesaleSubscriber(ctx context.Context, req WholesaleSubscriberCreate) (*WholesaleProvisionResult, error) {
	var r WholesaleProvisionResult
	resp, err := c.do(ctx, request{method: http.MethodPost, path: pathOf("/wholesale/subscribers"), query: c.subPartnerQuery(), body: req, out: &r.Subscriber})
	if err != nil {
		return nil, err
	}
	r.HTTPStatus = resp.status
	r.Location = resp.header.Get("Location")
	return &r, nil
}

// UpdateWholesaleSubscriber changes a subscriber's package (and the calling parameters a move to
// a calling package needs).
func (c *Client) UpdateWholesaleSubscriber(ctx context.Context, subscriberID string, req WholesaleSubscriberUpdate) (*WholesaleSubscriber, error) {
	var s WholesaleSubscriber
	_, err := c.do(ctx, request{method: http.MethodPut, path: pathOf("/wholesale/subscribers/{subscriberId}", subscriberID), query: c.subPartnerQuery(), body: req, out: &s})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteWholesaleSubscriber removes a subscriber.
func (c *Client) DeleteWholesaleSubscriber(ctx context.Context, subscriberID string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathOf("/wholesale/subscribers/{subscriberId}", subscriberID), query: c.subPartnerQuery()})
	return err
}

// ValidateWholesaleSubscriber prechecks a provisioning (a read-only POST, retried like a GET).
func (c *Client) ValidateWholesaleSubscriber(ctx context.Context, req WholesaleSubscriberValidate) (*ValidateResult, error) {
	var r ValidateResult
	_, err := c.do(ctx, request{method: http.MethodPost, path: pathOf("/wholesale/subscribers/validate"), query: c.subPartnerQuery(), body: req, out: &r, idempotent: true})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// subPartnerQuery returns the onBehalfOfSubPartnerOrgId query of Config.SubPartnerOrgID.
func (c *Client) subPartnerQuery() url.Values {
	q := url.Values{}
	setIf(q, "onBehalfOfSubPartnerOrgId", c.subPartnerOrgID)
	return q
}
