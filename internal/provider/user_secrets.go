package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// legacyPasscodeKey is the private-state key under which earlier versions kept a salted SHA-256 of
// the last passcode. A 6–10 digit passcode is found from it by search in under a second, so nothing
// derived from a secret is kept any more, and the key is removed whenever a passcode is written.
const legacyPasscodeKey = "voicemail_passcode"

// importedKey is the private-state key that ImportState sets: the state was read from the
// platform, so the provider cannot know which passcode and password the user has. Until the next
// successful apply, a secret whose version (or stored value) appears for the first time is taken
// as the current one and not sent (see pendingSecrets); the plan warns (adoptedSecretWarnings).
const importedKey = "imported"

// markImported records in private state that the user was imported.
func markImported(ctx context.Context, priv privateSetter) diag.Diagnostics {
	return priv.SetKey(ctx, importedKey, []byte(`true`))
}

// wasImported tells whether the user was imported and not applied since.
func wasImported(ctx context.Context, priv privateGetter) bool {
	if priv == nil {
		return false
	}
	b, d := priv.GetKey(ctx, importedKey)
	return !d.HasError() && string(b) == "true"
}

// dropLegacySecrets removes what earlier versions kept about secrets in private state (Read calls it,
// so a refresh cleans a state written by them).
func dropLegacySecrets(ctx context.Context, priv privateSetter) diag.Diagnostics {
	return priv.SetKey(ctx, legacyPasscodeKey, nil)
}

// secretAttributes are the voicemail passcode and portal password attributes of ucprov_user.
func secretAttributes() map[string]schema.Attribute {
	passcodeRules := "6–10 digits (or the enterprise's tighter rules), not the user's phone number or extension " +
		"or their reverse, no digit more than 5 times in a row, no run of more than 4 ascending or descending " +
		"digits, not the previous passcode or its reverse."
	passwordRules := "At least 6 characters with an upper-case letter, a lower-case letter, a digit and a " +
		"non-alphanumeric character; must not contain the user's first name, last name or email local part. " +
		"Checked at plan time."
	return map[string]schema.Attribute{
		"portal_password": schema.StringAttribute{
			MarkdownDescription: "Portal password (write-only on the API; kept in state as a sensitive value). " + passwordRules +
				" Prefer `portal_password_wo` with Terraform 1.11+ / OpenTofu 1.11+ to keep it out of state.",
			Optional:   true,
			Sensitive:  true,
			Validators: []validator.String{passwordValidator{}, stringvalidator.ConflictsWith(path.MatchRoot("portal_password_wo"))},
		},
		"portal_password_wo": schema.StringAttribute{
			MarkdownDescription: "Write-only portal password, never stored in state or plan. Sent when " +
				"`portal_password_wo_version` changes. " + passwordRules,
			Optional:   true,
			Sensitive:  true,
			WriteOnly:  true,
			Validators: []validator.String{passwordValidator{}, stringvalidator.AlsoRequires(path.MatchRoot("portal_password_wo_version"))},
		},
		"portal_password_wo_version": schema.Int64Attribute{
			MarkdownDescription: "Change this number to send `portal_password_wo` again. After an import, the first version the " +
				"state records is taken as the current secret and nothing is sent (the plan warns): change it to send.",
			Optional:   true,
			Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("portal_password_wo"))},
		},
		"voicemail_passcode": schema.StringAttribute{
			MarkdownDescription: "Voicemail passcode (write-only on the API; kept in state as a sensitive value). " + passcodeRules +
				" Every rule is checked at plan time. Prefer `voicemail_passcode_wo` with Terraform 1.11+ / OpenTofu 1.11+ to keep it out of state.",
			Optional:   true,
			Sensitive:  true,
			Validators: []validator.String{passcodeValidator{}, stringvalidator.ConflictsWith(path.MatchRoot("voicemail_passcode_wo"))},
		},
		"voicemail_passcode_wo": schema.StringAttribute{
			MarkdownDescription: "Write-only voicemail passcode, never stored in state or plan. Sent when " +
				"`voicemail_passcode_wo_version` changes. " + passcodeRules + " The provider keeps nothing derived from " +
				"it (no hash either, in state or private state), so the \"not the previous passcode or its reverse\" rules " +
				"are checked by the backend at apply time (an error on this attribute, `passcode_reused` or " +
				"`passcode_reversed_reused`); every other rule is checked at plan time.",
			Optional:   true,
			Sensitive:  true,
			WriteOnly:  true,
			Validators: []validator.String{passcodeValidator{}, stringvalidator.AlsoRequires(path.MatchRoot("voicemail_passcode_wo_version"))},
		},
		"voicemail_passcode_wo_version": schema.Int64Attribute{
			MarkdownDescription: "Change this number to send `voicemail_passcode_wo` again. After an import, the first version the " +
				"state records is taken as the current secret and nothing is sent (the plan warns): change it to send.",
			Optional:   true,
			Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("voicemail_passcode_wo"))},
		},
	}
}

// secretChange is a passcode or password to send in this apply, and the attribute it comes from.
type secretChange struct {
	attr  string
	value string
}

// pendingSecrets returns the passcode and password that this plan sends (nil when unchanged).
// Write-only values are only in the configuration. For an imported user (imported), a secret
// that the state has never recorded (prior value or version null) is taken as the current one and
// not sent: nothing tells the provider whether it is new, and the platform refuses the current
// passcode again (passcode_reused), which would fail every apply. adoptedSecrets names them.
func pendingSecrets(ctx context.Context, config tfsdk.Config, plan, state *userModel, imported bool) (passcode, password *secretChange, diags diag.Diagnostics) {
	passcode, password, _, diags = secretsOfPlan(ctx, config, plan, state, imported)
	return passcode, password, diags
}

// secretsOfPlan is pendingSecrets, and the attributes (voicemail_passcode_wo_version, …) that an
// imported user's plan adopts as current instead of sending.
func secretsOfPlan(ctx context.Context, config tfsdk.Config, plan, state *userModel, imported bool) (passcode, password *secretChange, adopted []string, diags diag.Diagnostics) {
	adopt := state != nil && imported
	pick := func(stored types.String, prior types.String, woAttr string, version, priorVersion types.Int64) *secretChange {
		storedAttr := woAttr[:len(woAttr)-3]
		if knownNonEmpty(stored) && (state == nil || !stored.Equal(prior)) {
			if adopt && prior.IsNull() {
				adopted = append(adopted, storedAttr)
				return nil
			}
			return &secretChange{attr: storedAttr, value: stored.ValueString()}
		}
		if version.IsNull() || (state != nil && version.Equal(priorVersion)) {
			return nil
		}
		if adopt && priorVersion.IsNull() {
			adopted = append(adopted, woAttr+"_version")
			return nil
		}
		var wo types.String
		diags.Append(config.GetAttribute(ctx, path.Root(woAttr), &wo)...)
		if !knownNonEmpty(wo) {
			return nil
		}
		return &secretChange{attr: woAttr, value: wo.ValueString()}
	}
	var prior userModel
	if state != nil {
		prior = *state
	}
	passcode = pick(plan.VoicemailPasscode, prior.VoicemailPasscode, "voicemail_passcode_wo",
		plan.VoicemailPasscodeWOVersion, prior.VoicemailPasscodeWOVersion)
	password = pick(plan.PortalPassword, prior.PortalPassword, "portal_password_wo",
		plan.PortalPasswordWOVersion, prior.PortalPasswordWOVersion)
	return passcode, password, adopted, diags
}

// adoptedSecretSummary is the summary of the plan warning for a secret adopted after import.
const adoptedSecretSummary = "Secret not sent after import"

// warnAdoptedSecrets warns, on each attribute, that an imported user's configured secret is taken
// as the current one and not sent, and says what to do to send it.
func warnAdoptedSecrets(adopted []string, plan *userModel, diags *diag.Diagnostics) {
	for _, attr := range adopted {
		what, todo := "", ""
		switch attr {
		case "voicemail_passcode_wo_version", "portal_password_wo_version":
			secret := attr[:len(attr)-len("_version")]
			v := plan.VoicemailPasscodeWOVersion
			if attr == "portal_password_wo_version" {
				v = plan.PortalPasswordWOVersion
			}
			what = fmt.Sprintf("%s = %d is recorded as the version of the user's current %s", attr, v.ValueInt64(), secret)
			todo = fmt.Sprintf("To send the configured %s, change %s (for example to %d) after this apply.", secret, attr, v.ValueInt64()+1)
		default:
			what = "the configured " + attr + " is recorded as the user's current one"
			todo = fmt.Sprintf("To send it, change %s after this apply (to a value that is not the current one).", attr)
		}
		diags.AddAttributeWarning(path.Root(attr), adoptedSecretSummary,
			"This user was imported, so the provider cannot know whether the configured secret is the one the user "+
				"already has (it keeps nothing derived from a secret), and the platform refuses the current passcode "+
				"again (passcode_reused). Nothing is sent in this apply: "+what+". "+todo)
	}
}

// checkSecrets applies, at plan time, the rules that need facts: the enterprise's policy (one
// read), the user's own number and extension (one read, existing users only), the previous
// passcode (prior state of voicemail_passcode only: nothing derived from the write-only variant is
// kept, so the backend checks that one at apply time) and the user's names.
func (r *userResource) checkSecrets(ctx context.Context, req resource.ModifyPlanRequest, plan, state *userModel, diags *diag.Diagnostics) {
	passcode, password, adopted, d := secretsOfPlan(ctx, req.Config, plan, state, wasImported(ctx, req.Private))
	diags.Append(d...)
	warnAdoptedSecrets(adopted, plan, diags)
	if passcode == nil && password == nil {
		return
	}
	pol := rules.DefaultPasscodePolicy()
	if ent := plan.EnterpriseID; knownNonEmpty(ent) {
		var pr *platform.PasscodeRules
		var err error
		if gr, perGroup := r.data.backend.(platform.GroupRulesReader); perGroup && knownNonEmpty(plan.GroupID) {
			// A platform whose rules are per group (BroadWorks): the rules of the user's own group.
			pr, err = gr.ReadGroupPasscodeRules(ctx, ent.ValueString(), plan.GroupID.ValueString())
		} else {
			pr, err = r.data.backend.ReadPasscodeRules(ctx, ent.ValueString())
		}
		if err != nil {
			addAPIError(diags, "read the enterprise's passcode rules", err, nil)
			return
		}
		pol = policyFromAPI(pr)
	}
	if passcode != nil {
		facts := rules.PasscodeFacts{}
		if state != nil {
			n, err := r.data.backend.ReadNumber(ctx, state.EnterpriseID.ValueString(), state.ID.ValueString())
			switch {
			case err == nil:
				facts.PhoneNumber, facts.Extension = n.PhoneNumber, n.Extension
			case !platform.IsNotFound(err):
				addAPIError(diags, "read the user's number to check the passcode", err, nil)
				return
			}
			facts.IsPrevious = previousPasscode(state)
		}
		for _, v := range rules.CheckPasscode(passcode.value, pol, facts) {
			diags.AddAttributeError(path.Root(passcode.attr), "Invalid "+passcode.attr, ruleMessage(v))
		}
	}
	if password != nil && !plan.FirstName.IsUnknown() && !plan.LastName.IsUnknown() && !plan.Email.IsUnknown() {
		facts := rules.PasswordFacts{FirstName: plan.FirstName.ValueString(), LastName: plan.LastName.ValueString(), Email: plan.Email.ValueString()}
		for _, v := range rules.CheckPassword(password.value, pol, facts) {
			diags.AddAttributeError(path.Root(password.attr), "Invalid "+password.attr, ruleMessage(v))
		}
	}
}

// previousPasscode recognises the last passcode from the stored attribute's prior value (nil when
// there is none: the write-only variant and imported users leave the rule to the backend).
func previousPasscode(state *userModel) func(string) bool {
	prior := state.VoicemailPasscode.ValueString()
	if prior == "" {
		return nil
	}
	return func(candidate string) bool { return candidate == prior }
}

// writeSecrets sends the pending passcode and password, and drops the passcode fingerprint that
// earlier versions kept in private state. It reports whether the passcode was written, so that a
// caller can keep the state exact when only the password failed.
func (r *userResource) writeSecrets(ctx context.Context, id string, passcode, password *secretChange, priv privateSetter) (passcodeWritten bool, err error) {
	if passcode != nil {
		if err := r.data.backend.SetVoicemailPasscode(ctx, id, passcode.value); err != nil {
			return false, fmt.Errorf("set %s: %w", passcode.attr, err)
		}
		passcodeWritten = true
		tflog.Info(ctx, "voicemail passcode set", map[string]any{"user_id": id})
		if d := dropLegacySecrets(ctx, priv); d.HasError() {
			return true, fmt.Errorf("remove the legacy passcode fingerprint from private state")
		}
	}
	if password != nil {
		if err := r.data.backend.SetPortalPassword(ctx, id, password.value); err != nil {
			return passcodeWritten, fmt.Errorf("set %s: %w", password.attr, err)
		}
		tflog.Info(ctx, "portal password set", map[string]any{"user_id": id})
	}
	return passcodeWritten, nil
}

func policyFromAPI(p *platform.PasscodeRules) rules.PasscodePolicy {
	return rules.PasscodePolicy{
		MinLength: p.MinLength, MaxLength: p.MaxLength, MaxRepeatedDigits: p.MaxRepeatedDigits,
		MaxSequenceLength: p.MaxSequenceLength, BlockUserNumber: p.BlockUserNumber,
		BlockReversedUserNumber: p.BlockReversedUserNumber, BlockPrevious: p.BlockPrevious,
		BlockPreviousReversed: p.BlockPreviousReversed, PasswordMinLength: p.PasswordMinLength,
	}
}

// passcodeValidator checks the passcode rules that need no facts, with the default policy (an
// enterprise can only tighten it; its own policy is checked in ModifyPlan).
type passcodeValidator struct{}

func (passcodeValidator) Description(_ context.Context) string {
	return "must satisfy the voicemail passcode rules"
}
func (v passcodeValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (passcodeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, v := range rules.CheckPasscodeStatic(req.ConfigValue.ValueString(), rules.DefaultPasscodePolicy()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), ruleMessage(v))
	}
}

// passwordValidator checks the password strength rule with the default policy.
type passwordValidator struct{}

func (passwordValidator) Description(_ context.Context) string {
	return "must satisfy the portal password rules"
}
func (v passwordValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (passwordValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, v := range rules.CheckPasswordStrength(req.ConfigValue.ValueString(), rules.DefaultPasscodePolicy()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), ruleMessage(v))
	}
}
