package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// An email change with email_change_strategy = "cycle_imp" of a user whose Integrated IM&P is
// enabled disables IM&P (which deletes the user's Webex account), changes the email and enables
// IM&P again (a new Webex account, whose activation goes through its steps again). The plan warns
// on the user's email, and records the user in providerData.webexRecreated: the user's
// ucprov_activation, which Terraform plans after the user it refers to, then plans an update
// (status unknown) that waits for the new account as its wait_for says, so that one apply
// converges whether or not the activation refers to the user's email.

const webexRecreatedSummary = "The user's Webex account will be re-created"

// markWebexRecreated records that this plan re-creates the Webex account of user id.
func (d *providerData) markWebexRecreated(id string) { d.webexRecreated.Store(id, true) }

// isWebexRecreated tells whether this plan re-creates the Webex account of user id.
func (d *providerData) isWebexRecreated(id string) bool {
	if d == nil || id == "" {
		return false
	}
	_, ok := d.webexRecreated.Load(id)
	return ok
}

// checkCycleIMP, for a planned email change of an existing user with strategy cycle_imp, reads
// IM&P once; when it is enabled, the plan warns on email that the Webex account is re-created
// and the user is recorded for its activation.
func (r *userResource) checkCycleIMP(ctx context.Context, plan, state *userModel, diags *diag.Diagnostics) {
	if state == nil || plan.Email.Equal(state.Email) || plan.Email.IsUnknown() ||
		plan.EmailChangeStrategy.ValueString() != emailStrategyCycleIMP {
		return
	}
	if r.data.backend.Lacks(platform.FeatureIMP) != nil {
		return // no Integrated IM&P on this platform: nothing to cycle
	}
	id := state.ID.ValueString()
	imp, err := r.data.backend.ReadIMP(ctx, state.EnterpriseID.ValueString(), id)
	if err != nil {
		if !platform.IsNotFound(err) {
			addAPIError(diags, "read IM&P to plan the email change", err, nil)
		}
		return
	}
	if !imp.Enabled {
		return
	}
	r.data.markWebexRecreated(id)
	diags.AddAttributeWarning(path.Root("email"), webexRecreatedSummary,
		fmt.Sprintf("email_change_strategy = \"cycle_imp\": to change the email of user %s from %q to %q, the apply "+
			"disables Integrated IM&P, which deletes the user's Webex account, changes the email and enables IM&P "+
			"again, which creates a new Webex account. Its activation goes through its steps again (the user "+
			"validates the new email); a ucprov_activation of this user (user_id = ucprov_user.NAME.id) plans an "+
			"update that waits for it as its wait_for says.", id, state.Email.ValueString(), plan.Email.ValueString()))
}
