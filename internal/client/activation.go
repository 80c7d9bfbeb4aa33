package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// CreateActivation queues the Webex activation of a user (202). Needs an email on the user
// (422 email_required); 409 already_activated unless the activation is in error.
func (c *Client) CreateActivation(ctx context.Context, userID string, in ActivationInput) (*JobRef, error) {
	var out JobRef
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/users/{user}/activation", userID), nil, in, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetActivation returns the activation of a user; ErrNotFound when never activated (or
// deactivated).
func (c *Client) GetActivation(ctx context.Context, userID string) (*Activation, error) {
	var out Activation
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/users/{user}/activation", userID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateActivationPackage changes the package of an activation in place.
func (c *Client) UpdateActivationPackage(ctx context.Context, userID, pkg string) (*Activation, error) {
	body := struct {
		Package string `json:"package"`
	}{pkg}
	var out Activation
	if _, err := c.do(ctx, http.MethodPatch, pathOf("/v1/users/{user}/activation", userID), nil, body, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RetryActivation queues an activation in error again, optionally with a new email ("" keeps
// the user's); 409 not_in_error otherwise.
func (c *Client) RetryActivation(ctx context.Context, userID, email string) (*JobRef, error) {
	body := struct {
		Email string `json:"email"`
	}{email}
	var out JobRef
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/users/{user}/activation/retry", userID), nil, body, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RefreshActivation asks the server to refresh the activation state and returns it.
func (c *Client) RefreshActivation(ctx context.Context, userID string) (*Activation, error) {
	var out Activation
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/users/{user}/activation/refresh", userID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteActivation deactivates the user's Webex only (name, email, IM&P and call forwarding
// stay); the portal's "Reset User" is ResetUser.
func (c *Client) DeleteActivation(ctx context.Context, userID string) error {
	_, err := c.do(ctx, http.MethodDelete, pathOf("/v1/users/{user}/activation", userID), nil, nil, "", nil)
	return err
}

// ListActivations returns every row of the activation status report that matches the filter.
func (c *Client) ListActivations(ctx context.Context, enterpriseID string, f ActivationFilter) ([]ActivationRow, error) {
	return listAll[ActivationRow](ctx, c, pathOf("/v1/enterprises/{enterprise}/activations", enterpriseID), f.query(), f.Max)
}

// ActivationsCSV returns the activation status report as RFC 4180 CSV (the portal's Export).
// f.Max is ignored: the export is not paged.
func (c *Client) ActivationsCSV(ctx context.Context, enterpriseID string, f ActivationFilter) (string, error) {
	var out string
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/enterprises/{enterprise}/activations.csv", enterpriseID), f.query(), nil, "", &out); err != nil {
		return "", err
	}
	return out, nil
}

func (f ActivationFilter) query() url.Values {
	q := url.Values{}
	for _, s := range f.Statuses {
		if s != "" {
			q.Add("status", s)
		}
	}
	setIf(q, "groupId", f.GroupID)
	setIf(q, "search", f.Search)
	if f.ExcludeProvisioned {
		q.Set("excludeProvisioned", strconv.FormatBool(true))
	}
	setIf(q, "sort", f.Sort)
	return q
}

// WaitActivation polls the activation of a user every poll (0 = 1s) until until returns true,
// the status is "error" (a failure that needs a retry, returned without an error: check
// Status), or ctx is done. A nil until waits for "provisioned". A failed read (ErrNotFound
// when the activation is gone) ends the wait with that error.
func (c *Client) WaitActivation(ctx context.Context, userID string, poll time.Duration, until func(*Activation) bool) (*Activation, error) {
	if until == nil {
		until = func(a *Activation) bool { return a.Status == ActivationProvisioned }
	}
	return pollUntil(ctx, poll, "activation of user "+userID,
		func(ctx context.Context) (*Activation, error) { return c.GetActivation(ctx, userID) },
		func(a *Activation) bool { return a.Status == ActivationError || until(a) })
}
