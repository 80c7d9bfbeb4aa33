package client

import (
	"context"
	"net/http"
)

// ListEnterprises returns every enterprise the token reaches.
func (c *Client) ListEnterprises(ctx context.Context) ([]Enterprise, error) {
	return listAll[Enterprise](ctx, c, pathOf("/v1/enterprises"), nil, 0)
}

// GetEnterprise returns one enterprise.
func (c *Client) GetEnterprise(ctx context.Context, enterpriseID string) (*Enterprise, error) {
	var out Enterprise
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/enterprises/{enterprise}", enterpriseID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListGroups returns every group (location) of an enterprise.
func (c *Client) ListGroups(ctx context.Context, enterpriseID string) ([]Group, error) {
	return listAll[Group](ctx, c, pathOf("/v1/enterprises/{enterprise}/groups", enterpriseID), nil, 0)
}

// GetGroup returns one group.
func (c *Client) GetGroup(ctx context.Context, groupID string) (*Group, error) {
	var out Group
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/groups/{group}", groupID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}
