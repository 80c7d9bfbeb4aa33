package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestDefaultEnterprise(t *testing.T) {
	tests := []struct {
		name        string
		def         string
		config      types.String
		want        types.String
		ok, wantErr bool
	}{
		{"configured wins", "ent_acme", types.StringValue("ent_globex"), types.StringUnknown(), true, false},
		{"unset takes the default", "ent_acme", types.StringNull(), types.StringValue("ent_acme"), true, false},
		{"unset without a default", "", types.StringNull(), types.StringUnknown(), false, true},
		{"configured without a default", "", types.StringValue("ent_globex"), types.StringUnknown(), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := types.StringUnknown() // as the framework plans an optional computed attribute
			var diags diag.Diagnostics
			ok := defaultEnterprise(&providerData{enterpriseID: tt.def}, tt.config, &plan, &diags)
			if ok != tt.ok || !plan.Equal(tt.want) || diags.HasError() != tt.wantErr {
				t.Fatalf("ok %v, plan %v, diags %v; want ok %v, plan %v, error %v", ok, plan, diags, tt.ok, tt.want, tt.wantErr)
			}
			if tt.wantErr {
				d, isAttr := diags[0].(diag.DiagnosticWithPath)
				if !isAttr || !d.Path().Equal(path.Root("enterprise_id")) || d.Summary() != "Missing enterprise" {
					t.Fatalf("diagnostic %v is not a Missing enterprise error on enterprise_id", diags[0])
				}
			}
		})
	}
}

func TestReplaceOnEnterpriseChange(t *testing.T) {
	acme, globex := types.StringValue("ent_acme"), types.StringValue("ent_globex")
	for _, tt := range []struct {
		name    string
		state   *types.String
		replace bool
	}{
		{"create", nil, false},
		{"same enterprise", &acme, false},
		{"new default enterprise", &globex, true},
	} {
		resp := &resource.ModifyPlanResponse{}
		replaceOnEnterpriseChange(tt.state, acme, resp)
		got := len(resp.RequiresReplace) == 1 && resp.RequiresReplace[0].Equal(path.Root("enterprise_id"))
		if got != tt.replace || (!tt.replace && len(resp.RequiresReplace) != 0) {
			t.Errorf("%s: RequiresReplace %v, want replace %v", tt.name, resp.RequiresReplace, tt.replace)
		}
	}
}
