package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

var _ function.Function = &normalizeAddressFunction{}

// normalizeAddressFunction is provider::ucprov::normalize_address(object).
type normalizeAddressFunction struct{}

func newNormalizeAddressFunction() function.Function { return &normalizeAddressFunction{} }

func (f *normalizeAddressFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "normalize_address"
}

func (f *normalizeAddressFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The backend's E911 normalisation of an address, offline",
		MarkdownDescription: "Checks an address with the rules of `ucprov_e911_address` and returns the form the " +
			"backend stores as its `normalized` attribute, without any API call: fields trimmed, inner white space " +
			"collapsed, letters upper-cased, street words abbreviated as in USPS Publication 28 (`Street` → `ST`, " +
			"`North` → `N`, `Suite` → `STE`), Canadian postal codes written `A1A 1A1`. Postal codes are checked " +
			"per country where the format is fixed (FR five digits, DE, GB, NL, …). An address that breaks a " +
			"rule fails naming the attribute and the rule, as the plan of `ucprov_e911_address` would.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "address",
				MarkdownDescription: "An object with the attributes of `ucprov_e911_address`: `address1`, `address2` " +
					"(optional), `city`, `state`, `postal_code`, `country`, all strings.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: normalizedAttrTypes},
	}
}

func (f *normalizeAddressFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var arg types.Dynamic
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &arg))
	if resp.Error != nil {
		return
	}
	in, msg := addressArgument(arg)
	if msg != "" {
		resp.Error = function.NewArgumentFuncError(0, msg)
		return
	}
	if vs := rules.ValidateAddress(in); len(vs) > 0 {
		msgs := make([]string, 0, len(vs))
		for _, v := range vs {
			msgs = append(msgs, addressViolationText(v))
		}
		resp.Error = function.NewArgumentFuncError(0, "invalid E911 address: "+strings.Join(msgs, "; "))
		return
	}
	n := rules.NormalizeAddress(in)
	out, diags := types.ObjectValue(normalizedAttrTypes, map[string]attr.Value{
		"address1": types.StringValue(n.Address1), "address2": types.StringValue(n.Address2),
		"city": types.StringValue(n.City), "state": types.StringValue(n.State),
		"postal_code": types.StringValue(n.PostalCode), "country": types.StringValue(n.Country),
	})
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, out))
}

// addressArgument reads the address object (or map) of normalize_address; msg says what is wrong
// with it, naming the attribute.
func addressArgument(arg types.Dynamic) (a rules.Address, msg string) {
	if arg.IsNull() || arg.IsUnderlyingValueNull() {
		return a, "the address must be an object, not null"
	}
	var attrs map[string]attr.Value
	switch v := arg.UnderlyingValue().(type) {
	case basetypes.ObjectValue:
		attrs = v.Attributes()
	case basetypes.MapValue:
		attrs = v.Elements()
	default:
		return a, fmt.Sprintf("the address must be an object with address1, address2, city, state, postal_code and country, not a %s", v.Type(context.Background()))
	}
	fields := map[string]*string{
		"address1": &a.Address1, "address2": &a.Address2, "city": &a.City,
		"state": &a.State, "postal_code": &a.PostalCode, "country": &a.Country,
	}
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	slices.Sort(names) // a fixed order of errors
	for _, name := range names {
		dst, ok := fields[name]
		if !ok {
			return a, fmt.Sprintf("unknown address attribute %q (want address1, address2, city, state, postal_code, country)", name)
		}
		s, ok := attrs[name].(basetypes.StringValue)
		if !ok {
			return a, fmt.Sprintf("%s must be a string", name)
		}
		*dst = s.ValueString()
	}
	return a, ""
}

// addressViolationText names the attribute of an address rule violation ("postal_code: …").
func addressViolationText(v *rules.Violation) string {
	name, ok := addressAttrs[v.Field]
	if !ok {
		return ruleMessage(v)
	}
	return name + ": " + strings.ReplaceAll(ruleMessage(v), v.Field, name)
}
