package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// The user-lifecycle parts of ucprov_activation (issue 10): resending the invitation
// (invitation_version), the email that follows the user's, and the activation precheck.

// invitationIncreased reports whether the plan raises invitation_version (null counts as 0 on
// both sides; setting it on create, lowering or removing it never sends).
func invitationIncreased(plan, state *activationModel) bool {
	return !plan.InvitationVersion.IsUnknown() && plan.InvitationVersion.ValueInt64() > state.InvitationVersion.ValueInt64()
}

// warnInvitationWhenProvisioned: a raised invitation_version of a provisioned user sends nothing.
func warnInvitationWhenProvisioned(plan, state *activationModel, diags *diagnostics) {
	if invitationIncreased(plan, state) && state.Status.ValueString() == platform.ActivationProvisioned {
		diags.AddAttributeWarning(path.Root("invitation_version"), "No invitation will be sent",
			fmt.Sprintf("User %s is provisioned: there is no activation email to send again. The apply only "+
				"records invitation_version %d.", plan.UserID.ValueString(), plan.InvitationVersion.ValueInt64()))
	}
}

// resendInvitation sends the activation email again; a user provisioned meanwhile gets a warning.
func (r *activationResource) resendInvitation(ctx context.Context, userID string, diags *diagnostics) {
	a, err := r.data.backend.ResendInvitation(ctx, userID)
	switch {
	case platform.HasCode(err, "already_provisioned"):
		diags.AddAttributeWarning(path.Root("invitation_version"), "No invitation sent",
			"User "+userID+" was provisioned meanwhile: there is no activation email to send again.")
	case err != nil:
		addAPIError(diags, "send the activation email again", err, nil)
	default:
		tflog.Info(ctx, "sent the activation email again", map[string]any{"user_id": userID, "invitations_sent": a.InvitationsSent})
	}
}

// checkFollowsUser: a configured email must be the user's email by the time the activation is
// updated (the user's update runs first, since email refers to it).
func (r *activationResource) checkFollowsUser(plan *activationModel, a *platform.Activation, diags *diagnostics) bool {
	if plan.Email.IsNull() || plan.Email.IsUnknown() || strings.EqualFold(plan.Email.ValueString(), a.Email) {
		return true
	}
	diags.AddAttributeError(path.Root("email"), "Email does not follow the user's",
		fmt.Sprintf("email is %q but user %s has email %q. ucprov_activation.email only follows the user's email, "+
			"it does not change it: set email = ucprov_user.NAME.email (or change the user's email) and apply "+
			"again. Nothing was written.", plan.Email.ValueString(), plan.UserID.ValueString(), a.Email))
	return false
}

// precheck asks the backend whether an activation of the user with the planned email (or the
// user's) would fail with email_conflict (another organisation's Webex account) or email_in_use,
// and fails the plan before anything is written. Only when the user id is known.
//
// configured is the configured email: null checks the user's current email, unknown skips.
func (r *activationResource) precheck(ctx context.Context, plan *activationModel, configured types.String, diags *diagnostics) {
	if plan.UserID.IsUnknown() || configured.IsUnknown() || !r.data.reachable(ctx) {
		return
	}
	in := platform.ActivationValidateInput{Email: configured.ValueString()}
	if !plan.Package.IsUnknown() {
		in.Package = plan.Package.ValueString()
	}
	v, err := r.data.backend.ValidateActivation(ctx, plan.UserID.ValueString(), in)
	if err != nil {
		if !platform.IsNotFound(err) { // a missing user is reported by the other checks
			diags.AddWarning("Activation not prechecked", "The backend's activation precheck failed: "+apiDetail(err))
		}
		return
	}
	email := in.Email
	if email == "" {
		email = "the user's email"
	}
	for _, p := range v.Errors {
		switch p.Code {
		case "email_conflict":
			diags.AddAttributeError(attrForEmail(configured), "Email belongs to another Webex account",
				fmt.Sprintf("The activation of user %s would fail: %s (%s) already belongs to a Webex account of "+
					"another organisation (rule email_conflict). Give the user an email that no other Webex account "+
					"uses. Nothing was written.", plan.UserID.ValueString(), email, p.Message))
		case "email_in_use":
			diags.AddAttributeError(attrForEmail(configured), "Email already in use",
				fmt.Sprintf("%s belongs to another user of the service provider (rule email_in_use). Nothing was "+
					"written.", email))
		}
	}
}

func attrForEmail(configured types.String) path.Path {
	if configured.IsNull() {
		return path.Root("user_id")
	}
	return path.Root("email")
}

// createFollowsUser: before queuing, a configured email must be the user's (else the activation
// would report another email than planned). One read, only when email is set.
func (r *activationResource) createFollowsUser(ctx context.Context, plan *activationModel, diags *diagnostics) bool {
	if plan.Email.IsNull() || plan.Email.IsUnknown() {
		return true
	}
	u, err := r.data.backend.GetUser(ctx, plan.UserID.ValueString())
	if err != nil {
		addAPIError(diags, "read the user to compare its email", err, nil)
		return false
	}
	return r.checkFollowsUser(plan, &platform.Activation{Email: u.Email}, diags)
}
