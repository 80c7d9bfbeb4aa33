package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// Per-user resources (ucprov_user_number, ucprov_e911_address, ucprov_imp_setting,
// ucprov_activation, ucprov_call_forwarding) hang off a user by user_id alone. A platform answers
// "not found" both for an object that is gone and for one these credentials cannot see (another
// enterprise's user, with an enterprise admin's token): taking the second for the first would drop
// the resource from state while it still exists. So each of them keeps the enterprise of its user
// in private state (privateUserEnterpriseKey, recorded at create and refresh), and a read that
// answers "not found" is settled by userObjectGone before anything is removed.
const privateUserEnterpriseKey = "user_enterprise"

// loadUserEnterprise returns the enterprise of userID saved in private state, else the one this
// process learned, else "".
func (d *providerData) loadUserEnterprise(ctx context.Context, userID string, priv privateGetter) string {
	if priv != nil {
		if raw, diags := priv.GetKey(ctx, privateUserEnterpriseKey); !diags.HasError() && len(raw) > 0 {
			var ent string
			if json.Unmarshal(raw, &ent) == nil && ent != "" {
				return ent
			}
		}
	}
	return d.backend.UserEnterprise(userID)
}

// readScope is the enterprise a per-user read passes to the platform: the user's own when known,
// else the provider's default (a hint for bulk reads only: the platform reads the user by id).
func (d *providerData) readScope(ctx context.Context, userID string, priv privateGetter) string {
	if ent := d.loadUserEnterprise(ctx, userID, priv); ent != "" {
		return ent
	}
	return d.enterpriseID
}

// saveUserEnterprise records the enterprise of userID in private state. When neither private
// state nor this process knows it, the user is read once (from a bulk page when there is one); a
// failed read records nothing (the next refresh tries again).
func (d *providerData) saveUserEnterprise(ctx context.Context, userID string, prior privateGetter, priv privateSetter) diag.Diagnostics {
	if priv == nil {
		return nil
	}
	ent := d.loadUserEnterprise(ctx, userID, prior)
	if ent == "" {
		u, err := d.backend.ReadUser(ctx, "", userID)
		if err != nil {
			tflog.Debug(ctx, "could not learn the user's enterprise", map[string]any{"user_id": userID, "error": err.Error()})
			return nil
		}
		ent = u.EnterpriseID
	}
	raw, err := json.Marshal(ent)
	if err != nil { // a string always marshals
		return nil
	}
	return priv.SetKey(ctx, privateUserEnterpriseKey, raw)
}

// userObjectGone settles a per-user read that answered "not found". It returns true when the
// object is really gone (the user exists without it, or the user is gone from an enterprise these
// credentials can see): the caller removes the resource from state. It returns false, with an
// error on user_id that says which enterprise the credentials cannot see, when the user is not
// visible: the state is kept, nothing is written. Any other failure is an error too (kept).
func (d *providerData) userObjectGone(ctx context.Context, what, userID string, priv privateGetter, diags *diag.Diagnostics) bool {
	_, err := d.backend.GetUser(ctx, userID)
	switch {
	case err == nil:
		return true // the user is there without the object
	case !platform.IsNotFound(err):
		addAPIError(diags, "read user "+userID+" to tell whether its "+what+" is gone", err, nil)
		return false
	}
	ent := d.loadUserEnterprise(ctx, userID, priv)
	if ent == "" {
		// State of an older provider version that never learned the enterprise: the default one,
		// whose visibility Configure checked, as before.
		ent = d.enterpriseID
	}
	if ent == "" {
		return true
	}
	if err := d.access.check(ctx, d.backend, ent); err != nil {
		d.addAccessError(diags, err, ent, path.Root("user_id"))
		return false
	}
	return true
}
