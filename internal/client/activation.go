package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// CreateActivation queues the Webex activation of a user (202). Needs an email on the user
// (422 email_required); 409 already_activated unless the activation is in error, which the POST
// replaces (opts.IfMatch: the etag of that activation in error).
func (c *Client) CreateActivation(ctx context.Context, userID string, in ActivationInput, opts WriteOptions) (*JobRef, error) {
	var out JobRef
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/users/{user}/activation", userID), nil, in, opts.IfMatch, &out); err != nil {
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

// UpdateActivationPackage changes the package of an activation in place. opts.IfMatch is the
// etag of the activation the change is based on (412 when the activation changed since).
func (c *Client) UpdateActivationPackage(ctx context.Context, userID, pkg string, opts WriteOptions) (*Activation, error) {
	body := struct {
		Package string `json:"package"`
	}{pkg}
	var out Activation
	if _, err := c.do(ctx, http.MethodPatch, pathOf("/v1/users/{user}/activation", userID), nil, body, opts.IfMatch, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RetryActivation queues an activation in error again, optionally with a new email ("" keeps
// the user's); 409 not_in_error otherwise. opts as in UpdateActivationPackage.
func (c *Client) RetryActivation(ctx context.Context, userID, email string, opts WriteOptions) (*JobRef, error) {
	body := struct {
		Email string `json:"email"`
	}{email}
	var out JobRef
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/users/{user}/activation/retry", userID), nil, body, opts.IfMatch, &out); err != nil {
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
// stay); the portal's "Reset User" is ResetUser. opts as in UpdateActivationPackage.
func (c *Client) DeleteActivation(ctx context.Context, userID string, opts WriteOptions) error {
	_, err := c.do(ctx, http.MethodDelete, pathOf("/v1/users/{user}/activation", userID), nil, nil, opts.IfMatch, nil)
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

// InProgress is the one predicate of "the activation is still on its way": neither provisioned
// nor in error (the two statuses an activation rests in until someone acts).
func (a *Activation) InProgress() bool {
	return a.Status != ActivationProvisioned && a.Status != ActivationError
}

// ActivationWait are the options of WaitActivation.
type ActivationWait struct {
	// Poll is the first interval between two reads (0 = DefaultPollInterval). Each interval is
	// half as long again as the one before, up to MaxPoll (0 = Poll: a fixed interval).
	Poll, MaxPoll time.Duration
	// Until ends the wait early when it returns true (nil = wait while InProgress).
	Until func(*Activation) bool
	// OnRead, when set, sees every activation read (e.g. to log status changes).
	OnRead func(*Activation)
}

// WaitActivation reads the activation of a user until it is no longer InProgress (provisioned, or
// error: a failure that needs a retry, returned without an error: check Status), opts.Until
// returns true, or ctx is done (then the last activation read comes with the context's error; the
// wait between reads selects on ctx.Done, so a cancelled wait returns at once). A failed read
// (ErrNotFound when the activation is gone) ends the wait with that error. This is the only
// activation wait loop; the provider uses it.
func (c *Client) WaitActivation(ctx context.Context, userID string, opts ActivationWait) (*Activation, error) {
	poll := opts.Poll
	if poll <= 0 {
		poll = DefaultPollInterval
	}
	maxPoll := max(opts.MaxPoll, poll)
	return pollUntil(ctx, poll, func(d time.Duration) time.Duration { return min(d*3/2, maxPoll) },
		"activation of user "+userID,
		func(ctx context.Context) (*Activation, error) { return c.GetActivation(ctx, userID) },
		func(a *Activation) bool {
			if opts.OnRead != nil {
				opts.OnRead(a)
			}
			return !a.InProgress() || (opts.Until != nil && opts.Until(a))
		})
}
