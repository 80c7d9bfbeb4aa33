package webex

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// Every call of this file takes the customer organisation's id (orgID) first: a partner admin
// acts in a customer organisation with ?orgId=; empty means the token's own organisation.

// SetVoicemailPasscode sets a person's voicemail passcode (PUT
// /telephony/config/people/{personId}/voicemail/passcode). The passcode never shows in logs or
// errors, even when the server echoes it.
func (c *Client) SetVoicemailPasscode(ctx context.Context, orgID, personID, passcode string) error {
	if passcode == "" {
		return errors.New("webex: passcode is required")
	}
	_, err := c.do(ctx, request{
		method:  http.MethodPut,
		path:    pathOf("/telephony/config/people/{personId}/voicemail/passcode", personID),
		query:   orgQuery(orgID),
		body:    map[string]string{"passcode": passcode},
		secrets: []string{passcode},
	})
	return err
}

// CallForwardingSettings is a person's forwarding (GET /people/{personId}/features/callForwarding).
type CallForwardingSettings struct {
	CallForwarding     CallForwardingRules `json:"callForwarding"`
	BusinessContinuity ForwardBusy         `json:"businessContinuity"`
}

// CallForwardingRules are the always, busy and no-answer rules.
type CallForwardingRules struct {
	Always   ForwardAlways   `json:"always"`
	Busy     ForwardBusy     `json:"busy"`
	NoAnswer ForwardNoAnswer `json:"noAnswer"`
}

// ForwardAlways forwards every call.
type ForwardAlways struct {
	Enabled                     bool   `json:"enabled"`
	Destination                 string `json:"destination,omitempty"`
	RingReminderEnabled         bool   `json:"ringReminderEnabled"`
	DestinationVoicemailEnabled bool   `json:"destinationVoicemailEnabled"`
}

// ForwardBusy forwards calls while the person is busy (and is the shape of businessContinuity:
// forwarding while the person's devices are unreachable).
type ForwardBusy struct {
	Enabled                     bool   `json:"enabled"`
	Destination                 string `json:"destination,omitempty"`
	DestinationVoicemailEnabled bool   `json:"destinationVoicemailEnabled"`
}

// ForwardNoAnswer forwards calls not answered after NumberOfRings rings.
type ForwardNoAnswer struct {
	Enabled                     bool   `json:"enabled"`
	Destination                 string `json:"destination,omitempty"`
	NumberOfRings               int    `json:"numberOfRings"`
	SystemMaxNumberOfRings      int    `json:"systemMaxNumberOfRings"`
	DestinationVoicemailEnabled bool   `json:"destinationVoicemailEnabled"`
}

// CallForwardingUpdate is the body of PUT /people/{personId}/features/callForwarding: nil parts
// are left unchanged.
type CallForwardingUpdate struct {
	CallForwarding     *CallForwardingRulesUpdate `json:"callForwarding,omitempty"`
	BusinessContinuity *ForwardRuleUpdate         `json:"businessContinuity,omitempty"`
}

// CallForwardingRulesUpdate are the rules of an update; nil rules are left unchanged.
type CallForwardingRulesUpdate struct {
	Always   *ForwardRuleUpdate `json:"always,omitempty"`
	Busy     *ForwardRuleUpdate `json:"busy,omitempty"`
	NoAnswer *ForwardRuleUpdate `json:"noAnswer,omitempty"`
}

// ForwardRuleUpdate is one rule of an update. RingReminderEnabled belongs to always only,
// NumberOfRings (2–20) to noAnswer only.
type ForwardRuleUpdate struct {
	Enabled                     bool   `json:"enabled"`
	Destination                 string `json:"destination,omitempty"`
	RingReminderEnabled         *bool  `json:"ringReminderEnabled,omitempty"`
	NumberOfRings               *int   `json:"numberOfRings,omitempty"`
	DestinationVoicemailEnabled *bool  `json:"destinationVoicemailEnabled,omitempty"`
}

// GetCallForwarding returns a person's call forwarding.
func (c *Client) GetCallForwarding(ctx context.Context, orgID, personID string) (*CallForwardingSettings, error) {
	var s CallForwardingSettings
	_, err := c.do(ctx, request{method: http.MethodGet, path: pathOf("/people/{personId}/features/callForwarding", personID), query: orgQuery(orgID), out: &s})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// UpdateCallForwarding changes a person's call forwarding.
func (c *Client) UpdateCallForwarding(ctx context.Context, orgID, personID string, u CallForwardingUpdate) error {
	_, err := c.do(ctx, request{method: http.MethodPut, path: pathOf("/people/{personId}/features/callForwarding", personID), query: orgQuery(orgID), body: u})
	return err
}

// PersonNumbers are a person's numbers (GET /people/{personId}/features/numbers).
type PersonNumbers struct {
	DistinctiveRingEnabled *bool              `json:"distinctiveRingEnabled,omitempty"`
	PhoneNumbers           []PersonNumberInfo `json:"phoneNumbers"`
}

// PersonNumberInfo is one number of a person.
type PersonNumberInfo struct {
	Primary       bool   `json:"primary,omitempty"`
	DirectNumber  string `json:"directNumber,omitempty"`
	Extension     string `json:"extension,omitempty"`
	RoutingPrefix string `json:"routingPrefix,omitempty"`
	ESN           string `json:"esn,omitempty"`
	RingPattern   string `json:"ringPattern,omitempty"`
}

// Number actions of PUT /telephony/config/people/{personId}/numbers.
const (
	NumberActionAdd    = "ADD"
	NumberActionDelete = "DELETE"
)

// PersonNumbersUpdate is the body of PUT /telephony/config/people/{personId}/numbers (alternate
// numbers: ADD or DELETE each).
type PersonNumbersUpdate struct {
	DistinctiveRingEnabled *bool                `json:"distinctiveRingEnabled,omitempty"`
	PhoneNumbers           []PersonNumberChange `json:"phoneNumbers"`
}

// PersonNumberChange adds or deletes one number of a person.
type PersonNumberChange struct {
	Primary      bool   `json:"primary"`
	Action       string `json:"action"`
	DirectNumber string `json:"directNumber"`
	Extension    string `json:"extension,omitempty"`
	RingPattern  string `json:"ringPattern,omitempty"`
}

// GetPersonNumbers returns a person's numbers (the spec reads them at
// /people/{personId}/features/numbers; the write is under /telephony/config).
func (c *Client) GetPersonNumbers(ctx context.Context, orgID, personID string) (*PersonNumbers, error) {
	var n PersonNumbers
	_, err := c.do(ctx, request{method: http.MethodGet, path: pathOf("/people/{personId}/features/numbers", personID), query: orgQuery(orgID), out: &n})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// UpdatePersonNumbers adds or deletes a person's numbers.
func (c *Client) UpdatePersonNumbers(ctx context.Context, orgID, personID string, u PersonNumbersUpdate) error {
	_, err := c.do(ctx, request{method: http.MethodPut, path: pathOf("/telephony/config/people/{personId}/numbers", personID), query: orgQuery(orgID), body: u})
	return err
}

// OrgNumber is one number of GET /telephony/config/numbers.
type OrgNumber struct {
	PhoneNumber            string          `json:"phoneNumber,omitempty"`
	Extension              string          `json:"extension,omitempty"`
	RoutingPrefix          string          `json:"routingPrefix,omitempty"`
	ESN                    string          `json:"esn,omitempty"`
	State                  string          `json:"state"`
	PhoneNumberType        string          `json:"phoneNumberType"`
	MainNumber             bool            `json:"mainNumber"`
	IncludedTelephonyTypes string          `json:"includedTelephonyTypes"`
	MobileNetwork          string          `json:"mobileNetwork,omitempty"`
	RoutingProfile         string          `json:"routingProfile,omitempty"`
	TollFreeNumber         bool            `json:"tollFreeNumber"`
	IsServiceNumber        bool            `json:"isServiceNumber"`
	Location               *NumberLocation `json:"location,omitempty"`
	Owner                  *NumberOwner    `json:"owner,omitempty"`
}

// NumberLocation is the location a number belongs to.
type NumberLocation struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// NumberOwner is who a number is assigned to.
type NumberOwner struct {
	ID        string `json:"id,omitempty"`
	Type      string `json:"type,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
}

// Number states.
const (
	NumberStateActive   = "ACTIVE"
	NumberStateInactive = "INACTIVE"
)

// NumberFilter filters GET /telephony/config/numbers. PageSize 0 means 1000.
type NumberFilter struct {
	OrgID       string
	LocationID  string
	PhoneNumber string
	Extension   string
	State       string
	OwnerID     string
	OwnerType   string
	NumberType  string
	Available   *bool
	PageSize    int
}

// ListNumbers returns every number matching f (start/max paging).
func (c *Client) ListNumbers(ctx context.Context, f NumberFilter) ([]OrgNumber, error) {
	q := orgQuery(f.OrgID)
	setIf(q, "locationId", f.LocationID)
	setIf(q, "phoneNumber", f.PhoneNumber)
	setIf(q, "extension", f.Extension)
	setIf(q, "state", f.State)
	setIf(q, "ownerId", f.OwnerID)
	setIf(q, "ownerType", f.OwnerType)
	setIf(q, "numberType", f.NumberType)
	if f.Available != nil {
		q.Set("available", strconv.FormatBool(*f.Available))
	}
	size := f.PageSize
	if size == 0 {
		size = 1000
	}
	if err := setPageSize(q, size, 2000); err != nil {
		return nil, err
	}
	return listOffset[OrgNumber](ctx, c, pathOf("/telephony/config/numbers"), q, "phoneNumbers", "start", 0, size)
}

// Location number actions of PUT /telephony/config/locations/{locationId}/numbers.
const (
	LocationNumbersActivate   = "ACTIVATE"
	LocationNumbersDeactivate = "DEACTIVATE"
)

// ManageLocationNumbers activates or deactivates numbers of a location (action ACTIVATE or
// DEACTIVATE).
func (c *Client) ManageLocationNumbers(ctx context.Context, orgID, locationID, action string, numbers []string) error {
	if action != LocationNumbersActivate && action != LocationNumbersDeactivate {
		return errors.New("webex: action must be ACTIVATE or DEACTIVATE")
	}
	if len(numbers) == 0 {
		return errors.New("webex: at least one phone number is required")
	}
	body := struct {
		PhoneNumbers []string `json:"phoneNumbers"`
		Action       string   `json:"action"`
	}{numbers, action}
	_, err := c.do(ctx, request{method: http.MethodPut, path: pathOf("/telephony/config/locations/{locationId}/numbers", locationID), query: orgQuery(orgID), body: body})
	return err
}

// Location is a location of an organisation.
type Location struct {
	ID                   string           `json:"id"`
	Name                 string           `json:"name"`
	OrgID                string           `json:"orgId,omitempty"`
	Address              *LocationAddress `json:"address,omitempty"`
	TimeZone             string           `json:"timeZone,omitempty"`
	PreferredLanguage    string           `json:"preferredLanguage,omitempty"`
	AnnouncementLanguage string           `json:"announcementLanguage,omitempty"`
	Latitude             string           `json:"latitude,omitempty"`
	Longitude            string           `json:"longitude,omitempty"`
	Notes                string           `json:"notes,omitempty"`
}

// LocationAddress is a location's address.
type LocationAddress struct {
	Address1   string `json:"address1,omitempty"`
	Address2   string `json:"address2,omitempty"`
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	Country    string `json:"country,omitempty"`
}

// LocationFilter filters GET /locations. PageSize 0 means 100.
type LocationFilter struct {
	OrgID    string
	Name     string
	ID       string
	PageSize int
}

// ListLocations returns every location matching f, following the Link pages.
func (c *Client) ListLocations(ctx context.Context, f LocationFilter) ([]Location, error) {
	q := orgQuery(f.OrgID)
	setIf(q, "name", f.Name)
	setIf(q, "id", f.ID)
	if err := setPageSize(q, cmpOr(f.PageSize, 100), 1000); err != nil {
		return nil, err
	}
	return listLinks[Location](ctx, c, pathOf("/locations"), q, "items")
}

// GetLocation returns one location.
func (c *Client) GetLocation(ctx context.Context, orgID, locationID string) (*Location, error) {
	var l Location
	_, err := c.do(ctx, request{method: http.MethodGet, path: pathOf("/locations/{locationId}", locationID), query: orgQuery(orgID), out: &l})
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// EmergencyAddress is an emergency (E911) address.
type EmergencyAddress struct {
	Address1   string `json:"address1,omitempty"`
	Address2   string `json:"address2,omitempty"`
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	Country    string `json:"country,omitempty"`
}

// SuggestedEmergencyAddress is an address the lookup returns: the normalised address, and the
// corrections made to the input (Errors, empty when the input was valid and unchanged).
type SuggestedEmergencyAddress struct {
	EmergencyAddress
	Meta   map[string]any       `json:"meta,omitempty"`
	Errors []AddressLookupError `json:"errors,omitempty"`
}

// AddressLookupError is one correction of an address lookup.
type AddressLookupError struct {
	Code   string `json:"code,omitempty"`
	Title  string `json:"title,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// LookupEmergencyAddress validates and normalises an address for a location (POST
// /telephony/pstn/locations/{locationId}/emergencyAddress/lookup, read-only). Not in the in-repo
// specs: shapes from Cisco's developer documentation as the public wxc_sdk reads them.
func (c *Client) LookupEmergencyAddress(ctx context.Context, orgID, locationID string, a EmergencyAddress) ([]SuggestedEmergencyAddress, error) {
	var out struct {
		Addresses []SuggestedEmergencyAddress `json:"addresses"`
	}
	_, err := c.do(ctx, request{method: http.MethodPost, path: pathOf("/telephony/pstn/locations/{locationId}/emergencyAddress/lookup", locationID),
		query: orgQuery(orgID), body: a, out: &out, idempotent: true})
	if err != nil {
		return nil, err
	}
	return out.Addresses, nil
}

// SetNumberEmergencyAddress sets the emergency address of a phone number (PUT
// /telephony/pstn/numbers/{phoneNumber}/emergencyAddress); nil resets the number to its
// location's address (the body is then {}).
func (c *Client) SetNumberEmergencyAddress(ctx context.Context, orgID, phoneNumber string, a *EmergencyAddress) error {
	body := map[string]any{}
	if a != nil {
		body["emergencyAddress"] = a
	}
	phoneNumber = strings.TrimSpace(phoneNumber)
	_, err := c.do(ctx, request{method: http.MethodPut, path: pathOf("/telephony/pstn/numbers/{phoneNumber}/emergencyAddress", phoneNumber), query: orgQuery(orgID), body: body})
	return err
}
