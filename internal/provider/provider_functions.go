package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

var _ provider.ProviderWithFunctions = &ucprovProvider{}

// Functions are the provider-defined functions (Terraform >= 1.8, OpenTofu >= 1.7): offline
// helpers built on internal/rules, so they agree with the plan-time checks.
func (p *ucprovProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		newE164Function,
		newExtensionFunction,
		newNormalizeAddressFunction,
	}
}
