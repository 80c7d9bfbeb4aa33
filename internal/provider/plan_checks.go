package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// reachable reports whether the API answered the provider's check of its default enterprise
// (memoized per process, bounded by accessCheckTimeout). The plan-time checks of issue 10 skip
// their reads when it did not: Configure already reported why, and a silent endpoint must not
// cost one request timeout (times the retries) per check.
func (d *providerData) reachable(ctx context.Context) bool {
	if d.enterpriseID == "" {
		return true
	}
	return d.access.check(ctx, d.client, d.enterpriseID) == nil
}

// checkEnterpriseVisible is the plan-time check that the token can see enterprise ent: an id it
// cannot see (mistyped, or another tenant's) is an error on attr naming the id. Other API errors
// are left to the apply (a warning says the check could not run).
func checkEnterpriseVisible(ctx context.Context, c *client.Client, ent string, attr path.Path, diags *diag.Diagnostics) bool {
	_, err := c.GetEnterprise(ctx, ent)
	switch {
	case err == nil:
		return true
	case client.IsNotFound(err):
		diags.AddAttributeError(attr, "Unknown enterprise",
			fmt.Sprintf("%s = %q is not an enterprise this provider's token can see. Check the id (GET "+
				"/v1/enterprises lists the ones it can) or use a token of that enterprise or of its service provider.",
				attr, ent))
		return false
	default:
		diags.AddAttributeWarning(attr, "Enterprise not checked",
			fmt.Sprintf("Could not check %s = %q at plan time: %s", attr, ent, apiDetail(err)))
		return true
	}
}

// groupGetter reads a group: *client.Client, or the bulk reader, which reads each group once per
// process (every new user's check asks for its group).
type groupGetter interface {
	GetGroup(ctx context.Context, id string) (*client.Group, error)
}

// checkGroupOfEnterprise is the plan-time check that group grp is a group of enterprise ent: an
// unknown group, or one of another enterprise, is an error on attr naming both ids.
func checkGroupOfEnterprise(ctx context.Context, c groupGetter, ent, grp string, attr path.Path, diags *diag.Diagnostics) bool {
	g, err := c.GetGroup(ctx, grp)
	switch {
	case client.IsNotFound(err) || (err == nil && g.EnterpriseID != ent):
		diags.AddAttributeError(attr, "Unknown group",
			fmt.Sprintf("%s = %q is not a group of enterprise %s. Check the id; the data source "+
				"ucprov_available_numbers and GET /v1/enterprises/%s/groups list the groups.", attr, grp, ent, ent))
		return false
	case err != nil:
		diags.AddAttributeWarning(attr, "Group not checked",
			fmt.Sprintf("Could not check %s = %q at plan time: %s", attr, grp, apiDetail(err)))
	}
	return true
}
