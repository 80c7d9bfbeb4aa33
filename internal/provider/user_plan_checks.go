package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

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
		if state == nil && isLostCreate(h, plan) {
			diags.AddAttributeWarning(path.Root("email"), "Existing user taken over",
				fmt.Sprintf("%s belongs to user %s of enterprise %s, which has exactly the names and group this "+
					"resource asks for: most likely the user of a create whose answer was lost (an earlier apply was "+
					"interrupted after the backend had created it, so the state does not have it). The apply takes "+
					"that user over and sets the other attributes as configured, instead of creating a second one. "+
					"If it is another person's user, give this resource another email.",
					email, userLabel(h), h.EnterpriseID))
			return
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

// isLostCreate reports whether h, the holder of the email of a user this resource creates, is
// exactly the user the resource asks for: the same email (in any case), first and last name and
// group. That is the user of a create whose answer was lost: the backend committed it, the
// provider never learned its id (the sandbox or the network went away, retries ran out, or the
// platform has no idempotency keys), so the state has no user. The plan takes it over rather
// than fail, and the apply adopts it (adoptLostCreate) rather than create a second one. A holder
// that differs in anything of these is another user: the plan fails naming it.
func isLostCreate(h *platform.User, plan *userModel) bool {
	if !knownNonEmpty(plan.Email) || !knownNonEmpty(plan.FirstName) || !knownNonEmpty(plan.LastName) || !knownNonEmpty(plan.GroupID) {
		return false
	}
	return strings.EqualFold(h.Email, plan.Email.ValueString()) && h.FirstName == plan.FirstName.ValueString() &&
		h.LastName == plan.LastName.ValueString() && h.GroupID == plan.GroupID.ValueString() &&
		(h.EnterpriseID == "" || plan.EnterpriseID.IsUnknown() || h.EnterpriseID == plan.EnterpriseID.ValueString())
}

// adoptLostCreate is the apply's side of isLostCreate: after a create refused with email_in_use,
// it reads the users with the email (from the platform, not from a bulk read) and adopts the one
// that is exactly what plan asks for, bringing its other attributes to the plan (one update,
// If-Match its etag). It returns nil, nil when the holder is another user.
func (r *userResource) adoptLostCreate(ctx context.Context, plan *userModel) (*platform.User, error) {
	users, err := r.data.backend.ListUsers(ctx, plan.EnterpriseID.ValueString(), platform.UserFilter{Email: plan.Email.ValueString()})
	if err != nil {
		return nil, err
	}
	for i := range users {
		if !isLostCreate(&users[i], plan) {
			continue
		}
		u, err := r.data.backend.GetUser(ctx, users[i].ID)
		if err != nil {
			return nil, err
		}
		cur := *plan
		cur.fromAPI(u)
		patch, _ := plan.toPatch(&cur)
		tflog.Warn(ctx, "adopted the user of a lost create (same email, names and group; not in state)", map[string]any{"user_id": u.ID})
		if patch == (platform.UserPatch{}) {
			return u, nil
		}
		return r.data.backend.UpdateUser(ctx, u.ID, patch, platform.WriteOptions{IfMatch: u.ETag})
	}
	return nil, nil
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
