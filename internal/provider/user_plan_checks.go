package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// Plan-time checks of ucprov_user and ucprov_user_number that consult the backend (issue 10):
// each runs only when its value is new or changes, with one list read, or none when the plan
// checks many and the bulk reader has read the enterprise (internal/bulkread, "Plan-time checks").

// checkNewUserIDs checks, when the user is created, that the token can see enterprise_id and
// that group_id is a group of it, so that a mistyped id fails the plan naming it.
func (r *userResource) checkNewUserIDs(ctx context.Context, plan, config *userModel, state *userModel, diags *diag.Diagnostics) {
	if state != nil || plan.EnterpriseID.IsUnknown() || plan.GroupID.IsUnknown() || plan.GroupID.IsNull() {
		return
	}
	ent := plan.EnterpriseID.ValueString()
	if !config.EnterpriseID.IsNull() &&
		!checkEnterpriseVisible(ctx, r.data.backend, ent, path.Root("enterprise_id"), diags) {
		return
	}
	checkGroupOfEnterprise(ctx, r.data.backend, ent, plan.GroupID.ValueString(), path.Root("group_id"), diags)
}

// checkEmailHolder fails the plan when the email (new, or changed other than in case) belongs to
// another user of the enterprise, naming that user and the import block that adopts it.
func (r *userResource) checkEmailHolder(ctx context.Context, plan, state *userModel, diags *diag.Diagnostics) {
	if !knownNonEmpty(plan.Email) || plan.EnterpriseID.IsUnknown() {
		return
	}
	if state != nil && strings.EqualFold(state.Email.ValueString(), plan.Email.ValueString()) {
		return
	}
	email := plan.Email.ValueString()
	holders, err := r.data.backend.EmailHolders(ctx, plan.EnterpriseID.ValueString(), email)
	if err != nil {
		diags.AddAttributeWarning(path.Root("email"), "Email not checked",
			"Could not check at plan time whether another user holds "+email+": "+apiDetail(err))
		return
	}
	for i := range holders {
		h := &holders[i]
		if state != nil && h.ID == state.ID.ValueString() {
			continue
		}
		diags.AddAttributeError(path.Root("email"), "Email already in use",
			fmt.Sprintf("%s already belongs to user %s of enterprise %s (rule email_in_use; emails are unique "+
				"across the service provider, in any case). To manage that user with this resource instead of "+
				"creating a new one, adopt it with an import block and plan again:\n\n"+
				"import {\n  to = <this resource's address>\n  id = %q\n}\n\n"+
				"(or: terraform import <address> %s). Otherwise choose another email.",
				email, userLabel(h), h.EnterpriseID, h.ID, email))
		return
	}
}

// warnHeldForNewUser: the number's user is created in the same apply (its id is unknown at
// plan), so its enterprise is the provider's default; when another user holds the extension or
// the number, the plan warns, naming the holder: the apply fails unless that user releases it
// in the same apply.
func (r *userNumberResource) warnHeldForNewUser(ctx context.Context, plan *userNumberModel, diags *diag.Diagnostics) {
	ent := r.data.enterpriseID
	if ent == "" {
		return
	}
	if knownNonEmpty(plan.Extension) {
		ext := plan.Extension.ValueString()
		holders, err := r.data.backend.ExtensionHolders(ctx, ent, ext)
		if err == nil && len(holders) > 0 {
			diags.AddAttributeWarning(path.Root("extension"), "Extension held by another user",
				fmt.Sprintf("Extension %s is used by user %s in enterprise %s. The user of this number is created "+
					"in this apply, so the check cannot be completed at plan time: the apply will fail (rule "+
					"extension_in_use) unless that user releases the extension in the same apply.",
					ext, userLabel(&holders[0]), ent))
		}
	}
	if knownNonEmpty(plan.PhoneNumber) {
		number := plan.PhoneNumber.ValueString()
		n, err := r.data.backend.InventoryNumber(ctx, ent, number)
		if err == nil && n != nil && n.UserID != "" {
			diags.AddAttributeWarning(path.Root("phone_number"), "Number held by another user",
				fmt.Sprintf("%s is assigned to user %s in enterprise %s. The user of this number is created in this "+
					"apply, so the check cannot be completed at plan time: the apply will fail (rule number_in_use) "+
					"unless that user releases the number in the same apply.",
					number, r.describeUser(ctx, n.UserID), ent))
		}
	}
}

// importUser takes a user id (usr_…) or an email: an email is looked up, case-insensitively, in
// the provider's default enterprise, else in every enterprise the token can see.
func (r *userResource) importUser(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !strings.Contains(req.ID, "@") {
		resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
		return
	}
	if r.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "Importing by email needs a configured provider.")
		return
	}
	// A BroadWorks user id looks like an email: a user with that id is the one meant.
	if u, err := r.data.backend.GetUser(ctx, req.ID); err == nil {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), u.ID)...)
		return
	}
	ents := []string{r.data.enterpriseID}
	if r.data.enterpriseID == "" {
		all, err := r.data.backend.ListEnterprises(ctx)
		if err != nil {
			addAPIError(&resp.Diagnostics, "list the enterprises to find "+req.ID, err, nil)
			return
		}
		ents = ents[:0]
		for _, e := range all {
			ents = append(ents, e.ID)
		}
	}
	for _, ent := range ents {
		users, err := r.data.backend.ListUsers(ctx, ent, platform.UserFilter{Email: req.ID})
		if err != nil {
			addAPIError(&resp.Diagnostics, "look up the user with email "+req.ID, err, nil)
			return
		}
		if len(users) > 0 {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), users[0].ID)...)
			return
		}
	}
	resp.Diagnostics.AddError("User not found",
		fmt.Sprintf("No user with email %q in enterprise(s) %s visible to this token. Import by user id (usr_…) "+
			"or by the email of an existing user.", req.ID, strings.Join(ents, ", ")))
}
