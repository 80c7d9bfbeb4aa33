package client

import (
	"context"
	"net/http"
)

// ResetUser is the Spectrum portal's "Reset User": name "Available User", email cleared, Webex
// deactivated, IM&P and call forwarding off, call history cleared; the number and extension
// stay. opts.IfMatch is the user's etag ("" = unconditional; stale: 412).
func (c *Client) ResetUser(ctx context.Context, userID string, opts WriteOptions) (*User, error) {
	var out User
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/users/{user}/reset", userID), nil, nil, opts.IfMatch, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ResendInvitation sends the user's activation email again; 409 already_provisioned once
// provisioned, 422 email_required without an email.
func (c *Client) ResendInvitation(ctx context.Context, userID string) (*Activation, error) {
	var out Activation
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/users/{user}/activation/invitation", userID), nil, struct{}{}, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ActivationValidateInput is what POST /v1/users/{usr}/activation/validate checks: Email ("" =
// the user's) and Package ("" = not checked).
type ActivationValidateInput struct {
	Email   string `json:"email,omitempty"`
	Package string `json:"package,omitempty"`
}

// ActivationProblem is one reason an activation would fail (email_conflict, email_required, …).
type ActivationProblem struct {
	Code    string `json:"code"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ActivationValidation is the verdict of the activation precheck.
type ActivationValidation struct {
	OK     bool                `json:"ok"`
	Errors []ActivationProblem `json:"errors"`
}

// ValidateActivation asks whether activating the user would fail, and with which codes; nothing
// is written (Webex's subscribers/validate).
func (c *Client) ValidateActivation(ctx context.Context, userID string, in ActivationValidateInput) (*ActivationValidation, error) {
	var out ActivationValidation
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/users/{user}/activation/validate", userID), nil, in, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// StartInvitations queues the enterprise's "send activation emails" job for the users of groupID
// ("" = the whole enterprise) who wait for an invitation. 409 job_in_progress while another runs
// (APIError.JobID names it); 422 group_not_found for a group outside the enterprise.
func (c *Client) StartInvitations(ctx context.Context, enterpriseID, groupID string) (*JobRef, error) {
	body := struct {
		GroupID string `json:"groupId,omitempty"`
	}{groupID}
	var out JobRef
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/enterprises/{enterprise}/invitations", enterpriseID), nil, body, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}
