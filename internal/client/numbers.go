package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// GetNumber returns the number and extension of a user; ErrNotFound when none is assigned.
func (c *Client) GetNumber(ctx context.Context, userID string) (*Number, error) {
	var out Number
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/users/{user}/number", userID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PutNumber replaces the number and extension assignment of a user. A phone number that is new
// for the user starts inactive (unless in.Activate) and sets its E911 status to needs_review.
// opts.IfMatch is the etag of the assignment the change is based on (412 when stale).
func (c *Client) PutNumber(ctx context.Context, userID string, in NumberInput, opts WriteOptions) (*Number, error) {
	var out Number
	if _, err := c.do(ctx, http.MethodPut, pathOf("/v1/users/{user}/number", userID), nil, in, opts.IfMatch, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteNumber unassigns the number and extension of a user (back to the inventory); opts as in
// PutNumber.
func (c *Client) DeleteNumber(ctx context.Context, userID string, opts WriteOptions) error {
	_, err := c.do(ctx, http.MethodDelete, pathOf("/v1/users/{user}/number", userID), nil, nil, opts.IfMatch, nil)
	return err
}

// ActivateNumber activates the phone number of a user (idempotent; 409 no_phone_number for an
// extension-only user); opts as in PutNumber.
func (c *Client) ActivateNumber(ctx context.Context, userID string, opts WriteOptions) (*Number, error) {
	var out Number
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/users/{user}/number/activate", userID), nil, nil, opts.IfMatch, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListNumbers returns the inventory numbers of an enterprise that match the filter, ordered by
// number.
func (c *Client) ListNumbers(ctx context.Context, enterpriseID string, f NumberFilter) ([]InventoryNumber, error) {
	q := url.Values{}
	if f.Available != nil {
		q.Set("available", strconv.FormatBool(*f.Available))
	}
	setIf(q, "groupId", f.GroupID)
	setIf(q, "phoneNumber", f.PhoneNumber)
	return listAll[InventoryNumber](ctx, c, pathOf("/v1/enterprises/{enterprise}/numbers", enterpriseID), q, f.Max)
}
