package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// reachable reports whether the API answered the provider's check of its default enterprise
// (memoized per process, bounded by accessCheckTimeout). The plan-time checks of issue 10 skip
// their reads when it did not: Configure already reported why, and a silent endpoint must not
// cost one request timeout (times the retries) per check.
func (d *providerData) reachable(ctx context.Context) bool {
	if d.enterpriseID == "" {
		return true
	}
	return d.access.check(ctx, d.backend, d.enterpriseID) == nil
}

// checkEnterpriseVisible is the plan-time check that the token can see enterprise ent: an id it
// cannot see (mistyped, or another tenant's) is an error on attr naming the id. Other API errors
// are left to the apply (a warning says the check could not run).
func checkEnterpriseVisible(ctx context.Context, c platform.Platform, ent string, attr path.Path, diags *diag.Diagnostics) bool {
	err := c.CheckEnterprise(ctx, ent)
	switch {
	case err == nil:
		return true
	case platform.IsNotFound(err):
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

// checkGroupOfEnterprise is the plan-time check that group grp is a group of enterprise ent: an
// unknown group, or one of another enterprise, is an error on attr naming both ids.
func checkGroupOfEnterprise(ctx context.Context, c platform.Directory, ent, grp string, attr path.Path, diags *diag.Diagnostics) bool {
	g, err := c.GetGroup(ctx, grp)
	switch {
	case platform.IsNotFound(err) || (err == nil && g.EnterpriseID != ent):
		diags.AddAttributeError(attr, "Unknown group",
			fmt.Sprintf("%s = %q is not a group of enterprise %s. Check the id: the data source ucprov_groups "+
				"lists the enterprise's groups and their ids (data \"ucprov_groups\" \"all\" { enterprise_id = %q }).",
				attr, grp, ent, ent))
		return false
	case err != nil:
		diags.AddAttributeWarning(attr, "Group not checked",
			fmt.Sprintf("Could not check %s = %q at plan time: %s", attr, grp, apiDetail(err)))
	}
	return true
}
