package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

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

// idForm is an id attribute whose form the platform fixes: on ucprov an id is prefix + letters,
// digits, '_' or '-'.
type idForm struct{ attr, prefix, kind string }

// idForms are the group and enterprise ids of each resource type, checked per platform (the
// schema's validators accept every platform's ids).
var idForms = map[string][]idForm{
	"ucprov_user":               {{"enterprise_id", "ent_", "an enterprise"}, {"group_id", "grp_", "a group"}},
	"ucprov_directory_sync":     {{"enterprise_id", "ent_", "an enterprise"}},
	"ucprov_invitations":        {{"enterprise_id", "ent_", "an enterprise"}, {"group_id", "grp_", "a group"}},
	"ucprov_generated_passcode": {{"enterprise_id", "ent_", "an enterprise"}},
}

// checkIDForms adds an error on every group or enterprise id of config that is not of the
// configured platform's form (only ucprov fixes one: BroadWorks ids are the operator's names,
// Webex ids are opaque). It returns false when it added one.
func (d *providerData) checkIDForms(typ string, config tfsdk.Config, diags *diag.Diagnostics) bool {
	if d == nil || d.backend == nil || d.backend.Name() != platform.NameUCProv || config.Raw.IsNull() {
		return true
	}
	ok := true
	for _, f := range idForms[typ] {
		raw, _, err := tftypes.WalkAttributePath(config.Raw, tftypes.NewAttributePath().WithAttributeName(f.attr))
		if err != nil {
			continue
		}
		v, isValue := raw.(tftypes.Value)
		var s string
		if !isValue || !v.IsKnown() || v.IsNull() || v.As(&s) != nil {
			continue
		}
		if !strings.HasPrefix(s, f.prefix) || !ucprovIDTail.MatchString(s[len(f.prefix):]) {
			diags.AddAttributeError(path.Root(f.attr), "Invalid Attribute Value Match",
				fmt.Sprintf("Attribute %s must be %s id such as %s0123456789abcdef on the ucprov platform, got: %q", f.attr, f.kind, f.prefix, s))
			ok = false
		}
	}
	return ok
}

// ucprovIDTail is what follows the prefix of a ucprov id.
var ucprovIDTail = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// checkPlatformFeatures adds an error on every attribute of config (a resource of type typ) that
// needs a feature the configured platform lacks. It returns false when it added one. It checks
// nothing before the provider is configured or for a destroy (plan null).
func (d *providerData) checkPlatformFeatures(_ context.Context, typ string, config tfsdk.Config, plan tfsdk.Plan, diags *diag.Diagnostics) bool {
	if d == nil || d.backend == nil || plan.Raw.IsNull() || config.Raw.IsNull() {
		return true
	}
	ok := d.checkIDForms(typ, config, diags)
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
