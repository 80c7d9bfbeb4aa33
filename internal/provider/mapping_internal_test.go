package provider

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// Unit tests of the model mapping helpers: one mapping function per API object, each tested on
// the values where the API and Terraform differ ("" that must be null, zero values, nested objects).

// attrDiff compares two values as Terraform sees them.
func attrDiff(t *testing.T, field string, got, want attr.Value) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", field, got, want)
	}
}

func TestUserNumberFromAPI(t *testing.T) {
	var m userNumberModel
	m.fromAPI("usr_1", &platform.Number{PhoneNumber: "+17205551200", Extension: "1200", NumberState: "active", ETag: `"3"`})
	attrDiff(t, "id", m.ID, types.StringValue("usr_1"))
	attrDiff(t, "user_id", m.UserID, types.StringValue("usr_1"))
	attrDiff(t, "phone_number", m.PhoneNumber, types.StringValue("+17205551200"))
	attrDiff(t, "extension", m.Extension, types.StringValue("1200"))
	attrDiff(t, "number_state", m.NumberState, types.StringValue("active"))

	m.fromAPI("usr_1", &platform.Number{Extension: "1200"}) // extension only
	attrDiff(t, "phone_number (none)", m.PhoneNumber, types.StringNull())
	attrDiff(t, "number_state (extension only)", m.NumberState, types.StringValue(""))
}

func TestE911AddressFromAPI(t *testing.T) {
	var m e911AddressModel
	sent := platform.Address{Address1: "1700 Lincoln Street", City: "Denver", State: "co", PostalCode: "80203", Country: "US"}
	norm := platform.Address{Address1: "1700 LINCOLN ST", City: "DENVER", State: "CO", PostalCode: "80203", Country: "US"}
	if d := m.fromAPI("usr_1", &platform.E911{Address: sent, Normalized: norm, Status: "needs_review"}); d.HasError() {
		t.Fatal(d)
	}
	attrDiff(t, "address1 (as sent)", m.Address1, types.StringValue("1700 Lincoln Street"))
	attrDiff(t, "address2 (unset)", m.Address2, types.StringNull())
	attrDiff(t, "state (as sent)", m.State, types.StringValue("co"))
	attrDiff(t, "status", m.Status, types.StringValue("needs_review"))
	want, _ := types.ObjectValue(normalizedAttrTypes, map[string]attr.Value{
		"address1": types.StringValue("1700 LINCOLN ST"), "address2": types.StringValue(""), "city": types.StringValue("DENVER"),
		"state": types.StringValue("CO"), "postal_code": types.StringValue("80203"), "country": types.StringValue("US"),
	})
	attrDiff(t, "normalized", m.Normalized, want)

	m.fromAPI("usr_1", &platform.E911{Address: platform.Address{Address1: "1 Rue de Rivoli", City: "Paris", PostalCode: "75001", Country: "FR"}})
	attrDiff(t, "state (none outside North America)", m.State, types.StringNull())
}

func TestIMPSettingFromAPI(t *testing.T) {
	var m impSettingModel
	m.fromAPI("usr_1", &platform.IMP{Enabled: false, ETag: `"2"`})
	attrDiff(t, "enabled", m.Enabled, types.BoolValue(false))
	attrDiff(t, "user_id", m.UserID, types.StringValue("usr_1"))
}

func TestCallForwardingMapping(t *testing.T) {
	api := platform.CallForwarding{
		Always:   platform.Forward{Enabled: true, Destination: "+17205551299"},
		Busy:     platform.Forward{},
		NoAnswer: platform.NoAnswerForward{Enabled: true, Destination: "1201", Rings: 5},
		ETag:     `"4"`,
	}
	var m callForwardingModel
	m.fromAPI("usr_1", &api)
	attrDiff(t, "always.destination", m.Always.Destination, types.StringValue("+17205551299"))
	attrDiff(t, "busy.enabled", m.Busy.Enabled, types.BoolValue(false))
	attrDiff(t, "busy.destination (unset)", m.Busy.Destination, types.StringNull())
	attrDiff(t, "no_answer.rings", m.NoAnswer.Rings, types.Int64Value(5))

	// toAPI is fromAPI's inverse (the etag is never sent).
	api.ETag = ""
	if diff := cmp.Diff(api, m.toAPI()); diff != "" {
		t.Errorf("toAPI(fromAPI(x)) != x (-want +got):\n%s", diff)
	}
	// Rules left out of the configuration are off, with the default rings.
	empty := (&callForwardingModel{}).toAPI()
	if diff := cmp.Diff(platform.CallForwarding{NoAnswer: platform.NoAnswerForward{Rings: defaultRings}}, empty); diff != "" {
		t.Errorf("toAPI of an empty model (-want +got):\n%s", diff)
	}
}

func TestActivationFromAPI(t *testing.T) {
	var m activationModel
	m.fromAPI("usr_1", &platform.Activation{Status: platform.ActivationError, Email: "ada@acme.example",
		Package: "webex_suite", ErrorCode: "email_conflict", ErrorText: "taken"})
	attrDiff(t, "status", m.Status, types.StringValue("error"))
	attrDiff(t, "package", m.Package, types.StringValue("webex_suite"))
	attrDiff(t, "error_code", m.ErrorCode, types.StringValue("email_conflict"))
	if !m.needsRetry() || m.inProgress() {
		t.Errorf("an activation in error: needsRetry %v, inProgress %v", m.needsRetry(), m.inProgress())
	}

	m = activationModel{Package: types.StringValue("webex_calling")}
	m.fromAPI("usr_1", &platform.Activation{Status: platform.ActivationQueued})
	attrDiff(t, "email (none)", m.Email, types.StringNull())
	attrDiff(t, "error_code (none)", m.ErrorCode, types.StringNull())
	attrDiff(t, "package (not answered: kept)", m.Package, types.StringValue("webex_calling"))
	if m.needsRetry() || !m.inProgress() {
		t.Errorf("a queued activation: needsRetry %v, inProgress %v", m.needsRetry(), m.inProgress())
	}
}

func TestJobMappings(t *testing.T) {
	done := time.Date(2026, 12, 1, 17, 4, 5, 0, time.FixedZone("CET", 3600))
	running := &platform.Job{ID: "job_1", Status: "running", UpdatedAt: done}
	finished := &platform.Job{ID: "job_1", Status: "succeeded", UpdatedAt: done,
		Result: &platform.InvitationsResult{GroupID: "grp_denver", Sent: 3, Skipped: 2, Failed: 1}}

	var sync directorySyncModel
	sync.fromAPI("ent_acme", running)
	attrDiff(t, "directory sync completed_at (running)", sync.CompletedAt, timetypes.NewRFC3339Null())
	sync.fromAPI("ent_acme", finished)
	attrDiff(t, "directory sync completed_at", sync.CompletedAt, timetypes.NewRFC3339ValueMust("2026-12-01T16:04:05Z"))
	attrDiff(t, "directory sync job_id", sync.JobID, types.StringValue("job_1"))

	var inv invitationsModel
	inv.fromAPI("ent_acme", &platform.Job{ID: "job_2", Status: "queued"})
	attrDiff(t, "invitations sent (no result yet)", inv.Sent, types.Int64Value(0))
	attrDiff(t, "invitations completed_at (queued)", inv.CompletedAt, timetypes.NewRFC3339Null())
	inv.fromAPI("ent_acme", finished)
	attrDiff(t, "invitations sent", inv.Sent, types.Int64Value(3))
	attrDiff(t, "invitations skipped", inv.Skipped, types.Int64Value(2))
	attrDiff(t, "invitations failed", inv.Failed, types.Int64Value(1))
	attrDiff(t, "invitations group_id", inv.GroupID, types.StringValue("grp_denver"))
	attrDiff(t, "invitations completed_at", inv.CompletedAt, timetypes.NewRFC3339ValueMust("2026-12-01T16:04:05Z"))
	if _, d := inv.CompletedAt.ValueRFC3339Time(); d.HasError() {
		t.Errorf("completed_at is not RFC 3339: %v", d)
	}
}
