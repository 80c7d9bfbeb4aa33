package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The plan logic that every resource with an enterprise_id shares (as tfe's
// provider_custom_diffs.go holds the default-organization logic once): the provider's default
// enterprise fills an unset enterprise_id at plan time, and a resource whose enterprise changes
// that way is replaced (ucprov_invitations sends again instead).

// defaultEnterprise fills *ent from the provider's default enterprise when the configuration
// leaves it null; it reports false (with an error on enterprise_id) when there is none.
func defaultEnterprise(data *providerData, config types.String, ent *types.String, diags *diag.Diagnostics) bool {
	if !config.IsNull() {
		return true
	}
	if data.enterpriseID == "" {
		diags.AddAttributeError(path.Root("enterprise_id"), "Missing enterprise",
			"Set enterprise_id on the resource, or a default enterprise_id in the provider block "+
				"(or the "+EnvEnterpriseID+" environment variable).")
		return false
	}
	*ent = types.StringValue(data.enterpriseID)
	return true
}

// replaceOnEnterpriseChange marks enterprise_id as requiring replacement when the planned
// enterprise differs from the one in state (state nil: a create).
func replaceOnEnterpriseChange(state *types.String, plan types.String, resp *resource.ModifyPlanResponse) {
	if state != nil && !state.Equal(plan) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("enterprise_id"))
	}
}
