package client

import (
	"context"
	"net/http"
)

// GetE911 returns the E911 address of a user; ErrNotFound when none is set.
func (c *Client) GetE911(ctx context.Context, userID string) (*E911, error) {
	var out E911
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/users/{user}/e911", userID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PutE911 sets the E911 address of a user (idempotent). An invalid address fails with 422
// address_invalid and the field. opts.IfMatch is the etag of the address the change is based on.
func (c *Client) PutE911(ctx context.Context, userID string, addr Address, opts WriteOptions) (*E911, error) {
	var out E911
	if _, err := c.do(ctx, http.MethodPut, pathOf("/v1/users/{user}/e911", userID), nil, addr, opts.IfMatch, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteE911 removes the E911 address of a user; opts as in PutE911.
func (c *Client) DeleteE911(ctx context.Context, userID string, opts WriteOptions) error {
	_, err := c.do(ctx, http.MethodDelete, pathOf("/v1/users/{user}/e911", userID), nil, nil, opts.IfMatch, nil)
	return err
}

// GetIMP returns the Integrated IM&P setting of a user (it always exists).
func (c *Client) GetIMP(ctx context.Context, userID string) (*IMP, error) {
	var out IMP
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/users/{user}/services/integrated-imp", userID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetIMP enables or disables Integrated IM&P for a user. Enabling needs an email (422
// email_required); disabling deletes the user's Webex account. opts.IfMatch is the etag of the
// setting the change is based on.
func (c *Client) SetIMP(ctx context.Context, userID string, enabled bool, opts WriteOptions) (*IMP, error) {
	body := struct {
		Enabled bool `json:"enabled"`
	}{enabled}
	var out IMP
	if _, err := c.do(ctx, http.MethodPut, pathOf("/v1/users/{user}/services/integrated-imp", userID), nil, body, opts.IfMatch, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetVoicemailPasscode sets the voicemail passcode of a user (write-only; 422 with a passcode_*
// code when a rule is broken). The passcode is never logged, nor shown in the error, whatever the
// backend echoes.
func (c *Client) SetVoicemailPasscode(ctx context.Context, userID, passcode string) error {
	body := struct {
		Passcode string `json:"passcode"`
	}{passcode}
	_, err := c.do(withSecret(ctx, passcode), http.MethodPut, pathOf("/v1/users/{user}/voicemail/passcode", userID), nil, body, "", nil)
	return err
}

// SetPortalPassword sets the portal password of a user (write-only; 422 password_weak or
// password_contains_name). The password is never logged, nor shown in the error, whatever the
// backend echoes.
func (c *Client) SetPortalPassword(ctx context.Context, userID, password string) error {
	body := struct {
		Password string `json:"password"`
	}{password}
	_, err := c.do(withSecret(ctx, password), http.MethodPut, pathOf("/v1/users/{user}/portal-password", userID), nil, body, "", nil)
	return err
}

// GetPasscodeRules returns the passcode and password rules of an enterprise.
func (c *Client) GetPasscodeRules(ctx context.Context, enterpriseID string) (*PasscodeRules, error) {
	var out PasscodeRules
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/enterprises/{enterprise}/passcode-rules", enterpriseID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetCallForwarding returns the call forwarding settings of a user.
func (c *Client) GetCallForwarding(ctx context.Context, userID string) (*CallForwarding, error) {
	var out CallForwarding
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/users/{user}/call-forwarding", userID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PutCallForwarding replaces the call forwarding settings of a user. cf.ETag is not sent;
// NoAnswer.Rings 0 is not sent either (the server keeps its default, 3). opts.IfMatch is the etag
// of the settings the change is based on.
func (c *Client) PutCallForwarding(ctx context.Context, userID string, cf CallForwarding, opts WriteOptions) (*CallForwarding, error) {
	type noAnswer struct {
		Enabled     bool   `json:"enabled"`
		Destination string `json:"destination"`
		Rings       int    `json:"rings,omitempty"`
	}
	body := struct {
		Always   Forward  `json:"always"`
		Busy     Forward  `json:"busy"`
		NoAnswer noAnswer `json:"noAnswer"`
	}{cf.Always, cf.Busy, noAnswer(cf.NoAnswer)}
	var out CallForwarding
	if _, err := c.do(ctx, http.MethodPut, pathOf("/v1/users/{user}/call-forwarding", userID), nil, body, opts.IfMatch, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteCallForwarding turns every forward of a user off; opts as in PutCallForwarding.
func (c *Client) DeleteCallForwarding(ctx context.Context, userID string, opts WriteOptions) error {
	_, err := c.do(ctx, http.MethodDelete, pathOf("/v1/users/{user}/call-forwarding", userID), nil, nil, opts.IfMatch, nil)
	return err
}
