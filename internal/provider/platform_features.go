package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// What a platform lacks fails the plan on the attribute that asks for it, naming the platform
// (PLATFORMS.md: "never a silent no-op"). featureAttrs lists, per resource type, the attributes
// that need a platform.Feature; checkPlatformFeatures runs at the top of every ModifyPlan, before
// any read of the platform.

// featureUse is an attribute that needs a feature when used says so.
type featureUse struct {
	attr    string
	feature platform.Feature
	used    func(v tftypes.Value) bool
}

// isSet: the attribute has a value (null is not a use).
func isSet(v tftypes.Value) bool { return !v.IsNull() }

// always: the resource itself is the use.
func always(tftypes.Value) bool { return true }

// equals: the attribute is the string s.
func equals(s string) func(tftypes.Value) bool {
	return func(v tftypes.Value) bool {
		var got string
		return v.IsKnown() && !v.IsNull() && v.As(&got) == nil && got == s
	}
}

var featureAttrs = map[string][]featureUse{
	"ucprov_user": {
		{"portal_password", platform.FeaturePortalPassword, isSet},
		{"portal_password_wo", platform.FeaturePortalPassword, isSet},
		{"portal_password_wo_version", platform.FeaturePortalPassword, isSet},
		{"pager_number", platform.FeaturePagerNumber, isSet},
		{"department", platform.FeatureDepartment, isSet},
		{"calling_line_id_first_name", platform.FeatureCallingLineIDNames, isSet},
		{"calling_line_id_last_name", platform.FeatureCallingLineIDNames, isSet},
		{"deletion_policy", platform.FeatureResetUser, equals("reset")},
	},
	"ucprov_imp_setting":    {{"enabled", platform.FeatureIMP, always}},
	"ucprov_directory_sync": {{"enterprise_id", platform.FeatureDirectorySync, always}},
	"ucprov_activation": {
		{"email_subject", platform.FeatureActivationEmail, isSet},
		{"email_body", platform.FeatureActivationEmail, isSet},
	},
	"ucprov_invitations": {{"group_id", platform.FeatureInvitationsByGroup, isSet}},
}

// checkPlatformFeatures adds an error on every attribute of config (a resource of type typ) that
// needs a feature the configured platform lacks. It returns false when it added one. It checks
// nothing before the provider is configured or for a destroy (plan null).
func (d *providerData) checkPlatformFeatures(_ context.Context, typ string, config tfsdk.Config, plan tfsdk.Plan, diags *diag.Diagnostics) bool {
	if d == nil || d.backend == nil || plan.Raw.IsNull() || config.Raw.IsNull() {
		return true
	}
	ok := true
	for _, use := range featureAttrs[typ] {
		raw, _, err := tftypes.WalkAttributePath(config.Raw, tftypes.NewAttributePath().WithAttributeName(use.attr))
		if err != nil {
			continue // not an attribute of this schema
		}
		v, isValue := raw.(tftypes.Value)
		if !isValue || !use.used(v) {
			continue
		}
		if lack := d.backend.Lacks(use.feature); lack != nil {
			diags.AddAttributeError(path.Root(use.attr), "Not available on the "+d.backend.Name()+" platform",
				typ+"."+use.attr+": "+lack.Error()+". Remove "+use.attr+" from the configuration, or use a platform that has it.")
			ok = false
		}
	}
	return ok
}
