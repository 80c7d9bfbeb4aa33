package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// diagnostics is a short name for the framework's diagnostics.
type diagnostics = diag.Diagnostics

// stateSetter is what Create and Update write state through (*tfsdk.State), so that a helper can
// save the state after each step of a multi-step apply.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}
