package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestSecretsOfPlanAfterImport: for an imported user, a secret the state has never recorded is
// adopted (not sent) and the plan warns on its attribute saying how to send it; a secret the state
// recorded before and changes now is sent as usual.
func TestSecretsOfPlanAfterImport(t *testing.T) {
	ctx := context.Background()
	state := &userModel{VoicemailPasscode: types.StringNull(), PortalPassword: types.StringNull(),
		VoicemailPasscodeWOVersion: types.Int64Null(), PortalPasswordWOVersion: types.Int64Null()}
	plan := &userModel{VoicemailPasscode: types.StringNull(), PortalPassword: types.StringNull(),
		VoicemailPasscodeWOVersion: types.Int64Value(1), PortalPasswordWOVersion: types.Int64Value(3)}
	passcode, password, adopted, d := secretsOfPlan(ctx, tfsdk.Config{}, plan, state, true)
	if d.HasError() || passcode != nil || password != nil {
		t.Fatalf("imported: sends %v %v (%v)", passcode, password, d)
	}
	if strings.Join(adopted, ",") != "voicemail_passcode_wo_version,portal_password_wo_version" {
		t.Fatalf("adopted %v", adopted)
	}
	var diags diag.Diagnostics
	warnAdoptedSecrets(adopted, plan, &diags)
	if diags.HasError() || diags.WarningsCount() != 2 {
		t.Fatalf("want two warnings: %v", diags)
	}
	for i, want := range []string{"change voicemail_passcode_wo_version (for example to 2)", "change portal_password_wo_version (for example to 4)"} {
		w := diags.Warnings()[i]
		if w.Summary() != adoptedSecretSummary || !strings.Contains(w.Detail(), want) || !strings.Contains(w.Detail(), "imported") {
			t.Errorf("warning %d: %s: %s", i, w.Summary(), w.Detail())
		}
	}

	// The stored variant: adopted the same way when the state has no value.
	stored := &userModel{VoicemailPasscode: types.StringValue("135790"), PortalPassword: types.StringNull(),
		VoicemailPasscodeWOVersion: types.Int64Null(), PortalPasswordWOVersion: types.Int64Null()}
	passcode, _, adopted, _ = secretsOfPlan(ctx, tfsdk.Config{}, stored, state, true)
	if passcode != nil || len(adopted) != 1 || adopted[0] != "voicemail_passcode" {
		t.Errorf("stored passcode after import: %v %v", passcode, adopted)
	}
	// Not imported: the stored passcode is sent.
	passcode, _, adopted, _ = secretsOfPlan(ctx, tfsdk.Config{}, stored, state, false)
	if passcode == nil || passcode.value != "135790" || len(adopted) != 0 {
		t.Errorf("stored passcode, not imported: %v %v", passcode, adopted)
	}
	// Imported, but the state recorded a version: a bump is sent (the config is read for it).
	recorded := *state
	recorded.VoicemailPasscodeWOVersion = types.Int64Value(1)
	plan2 := *plan
	plan2.PortalPasswordWOVersion = types.Int64Null()
	plan2.VoicemailPasscodeWOVersion = types.Int64Value(1)
	if passcode, _, adopted, _ := secretsOfPlan(ctx, tfsdk.Config{}, &plan2, &recorded, true); passcode != nil || len(adopted) != 0 {
		t.Errorf("unchanged version after import: %v %v", passcode, adopted)
	}
}
