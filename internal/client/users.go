package client

import (
	"context"
	"net/http"
	"net/url"
)

// CreateUser creates a user in an enterprise (201). The POST carries an Idempotency-Key, so a
// retry after a lost answer returns the user created by the first attempt.
func (c *Client) CreateUser(ctx context.Context, enterpriseID string, in UserInput) (*User, error) {
	var out User
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/enterprises/{enterprise}/users", enterpriseID), nil, in, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetUser returns one user.
func (c *Client) GetUser(ctx context.Context, userID string) (*User, error) {
	var out User
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/users/{user}", userID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateUser applies a JSON merge patch to a user and returns the user as written (with its new
// etag). With opts.IfMatch a stale etag fails with 412 etag_mismatch and nothing is written.
func (c *Client) UpdateUser(ctx context.Context, userID string, patch UserPatch, opts WriteOptions) (*User, error) {
	var out User
	if _, err := c.do(ctx, http.MethodPatch, pathOf("/v1/users/{user}", userID), nil, patch, opts.IfMatch, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteUser deletes a user and every service of it; opts as in UpdateUser. Deleting a user that
// is already gone returns ErrNotFound (a caller that deletes treats it as success).
func (c *Client) DeleteUser(ctx context.Context, userID string, opts WriteOptions) error {
	_, err := c.do(ctx, http.MethodDelete, pathOf("/v1/users/{user}", userID), nil, nil, opts.IfMatch, nil)
	return err
}

// ListUsers returns every user of an enterprise that matches the filter, ordered by id.
func (c *Client) ListUsers(ctx context.Context, enterpriseID string, f UserFilter) ([]User, error) {
	q := url.Values{}
	setIf(q, "groupId", f.GroupID)
	setIf(q, "email", f.Email)
	setIf(q, "extension", f.Extension)
	setIf(q, "phoneNumber", f.PhoneNumber)
	return listAll[User](ctx, c, pathOf("/v1/enterprises/{enterprise}/users", enterpriseID), q, f.Max)
}

func setIf(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}
