package provider

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// diagnostics is a short name for the framework's diagnostics.
type diagnostics = diag.Diagnostics

// stateSetter is what Create and Update write state through (*tfsdk.State), so that a helper can
// save the state after each step of a multi-step apply.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// importByUserID imports a resource that belongs to one user: the import id is the user's id,
// which becomes both user_id and id; Read then fills in the rest.
func importByUserID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !userIDPattern.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid import id",
			"Import this resource by the id of its user, e.g. usr_0123456789abcdef (a BroadWorks user id on the broadworks platform, a subscriber id on the wholesale platform); got "+strconv.Quote(req.ID)+".")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
