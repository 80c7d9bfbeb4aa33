package webex

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

func TestActivationEmailJob(t *testing.T) {
	job := ActivationEmailJob{Name: "sendActivationEmails", ID: "job1", TrackingID: "T", SourceUserID: "u", SourceCustomerID: "org1",
		TargetCustomerID: "org1", InstanceID: 7, LatestExecutionStatus: JobStatusStarting,
		Counts: ActivationEmailCounts{TotalUsers: 3}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/identity/organizations/{org}/jobs/sendActivationEmails", func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > 0 {
			t.Errorf("the start sent a body")
		}
		writeJSON(w, http.StatusAccepted, job)
	})
	mux.HandleFunc("GET /v1/identity/organizations/{org}/jobs/sendActivationEmails/{job}/status", func(w http.ResponseWriter, r *http.Request) {
		j := job
		j.LatestExecutionStatus, j.LatestExecutionExitCode = JobStatusCompleted, "COMPLETED_WITH_ERRORS"
		j.Counts = ActivationEmailCounts{UserResendInviteSent: 2, UserResendInviteFailed: 1, TotalUsers: 3}
		j.JobExecutionStatus = []JobExecutionStatus{{ID: 1, StatusMessage: JobStatusCompleted, ExitCode: JobStatusCompleted}}
		writeJSON(w, 200, j)
	})
	mux.HandleFunc("GET /v1/identity/organizations/{org}/jobs/sendActivationEmails/{job}/errors", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cursor") == "" {
			w.Header().Set("Link", `<https://webexapis.com/v1/identity/organizations/org1/jobs/sendActivationEmails/job1/errors?cursor=2>; rel="next"`)
		}
		writeJSON(w, 200, map[string]any{"items": []any{map[string]any{"itemNumber": 1, "trackingId": "T1",
			"error": map[string]any{"key": "400", "message": []any{map[string]any{"description": "User is already active", "code": "SEND_EMAIL_FAILED"}}}}}})
	})
	_, base := newServer(t, mux)
	c := newClient(t, base)
	ctx := context.Background()
	started, err := c.StartActivationEmailJob(ctx, "org1")
	if err != nil || started.ID != "job1" || started.Done() {
		t.Fatalf("start: %v %+v", err, started)
	}
	st, err := c.GetActivationEmailJob(ctx, "org1", "job1")
	if err != nil || !st.Done() || st.Counts.UserResendInviteSent != 2 || st.Counts.UserResendInviteFailed != 1 {
		t.Fatalf("status: %v %+v", err, st)
	}
	errs, err := c.ListActivationEmailJobErrors(ctx, "org1", "job1")
	if err != nil || len(errs) != 2 || errs[0].Error == nil || errs[0].Error.Message[0].Description != "User is already active" {
		t.Fatalf("errors: %v %+v", err, errs)
	}
}

func TestCallingSettings(t *testing.T) {
	fwd := CallForwardingSettings{
		CallForwarding: CallForwardingRules{
			Always:   ForwardAlways{Enabled: true, Destination: "+13035550199", RingReminderEnabled: true},
			Busy:     ForwardBusy{Enabled: false},
			NoAnswer: ForwardNoAnswer{Enabled: true, Destination: "+13035550198", NumberOfRings: 3, SystemMaxNumberOfRings: 20, DestinationVoicemailEnabled: true},
		},
		BusinessContinuity: ForwardBusy{Enabled: false},
	}
	bodies := map[string]string{}
	record := func(r *http.Request) {
		var v any
		readJSON(t, r, &v)
		b, _ := json.Marshal(v)
		bodies[r.Pattern] = string(b)
		if r.URL.Query().Get("orgId") != "org1" {
			t.Errorf("%s %s without orgId", r.Method, r.URL.Path)
		}
	}
	noContent := func(w http.ResponseWriter, r *http.Request) { record(r); w.WriteHeader(http.StatusNoContent) }
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v1/telephony/config/people/{id}/voicemail/passcode", noContent)
	mux.HandleFunc("GET /v1/people/{id}/features/callForwarding", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, fwd) })
	mux.HandleFunc("PUT /v1/people/{id}/features/callForwarding", noContent)
	mux.HandleFunc("GET /v1/people/{id}/features/numbers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, PersonNumbers{PhoneNumbers: []PersonNumberInfo{{Primary: true, DirectNumber: "+13035550100", Extension: "100", RingPattern: "NORMAL"}}})
	})
	mux.HandleFunc("PUT /v1/telephony/config/people/{id}/numbers", noContent)
	mux.HandleFunc("PUT /v1/telephony/config/locations/{id}/numbers", noContent)
	mux.HandleFunc("GET /v1/locations", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"items": []Location{{ID: "loc1", Name: "Denver", OrgID: "org1", TimeZone: "America/Denver",
			Address: &LocationAddress{Address1: "1 Main St", City: "Denver", State: "CO", PostalCode: "80202", Country: "US"}}}})
	})
	mux.HandleFunc("GET /v1/locations/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, Location{ID: "loc1", Name: "Denver", PreferredLanguage: "en_us", Latitude: "39.7", Longitude: "-104.9"})
	})
	mux.HandleFunc("POST /v1/telephony/pstn/locations/{id}/emergencyAddress/lookup", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		writeJSON(w, 200, map[string]any{"addresses": []any{map[string]any{
			"address1": "1 MAIN ST", "city": "DENVER", "state": "CO", "postalCode": "80202-1234", "country": "US",
			"errors": []any{map[string]any{"code": "ADDRESS_CORRECTED", "title": "Postal code corrected", "detail": "80202 → 80202-1234"}},
		}}})
	})
	mux.HandleFunc("PUT /v1/telephony/pstn/numbers/{number}/emergencyAddress", noContent)
	_, base := newServer(t, mux)
	c := newClient(t, base)
	ctx := context.Background()

	if err := c.SetVoicemailPasscode(ctx, "org1", "per1", "739146"); err != nil {
		t.Fatalf("passcode: %v", err)
	}
	got, err := c.GetCallForwarding(ctx, "org1", "per1")
	if err != nil || !reflect.DeepEqual(*got, fwd) {
		t.Fatalf("get forwarding: %v %+v", err, got)
	}
	if err := c.UpdateCallForwarding(ctx, "org1", "per1", CallForwardingUpdate{CallForwarding: &CallForwardingRulesUpdate{
		Always:   &ForwardRuleUpdate{Enabled: false},
		NoAnswer: &ForwardRuleUpdate{Enabled: true, Destination: "+13035550198", NumberOfRings: ptr(4)},
	}}); err != nil {
		t.Fatalf("update forwarding: %v", err)
	}
	nums, err := c.GetPersonNumbers(ctx, "org1", "per1")
	if err != nil || len(nums.PhoneNumbers) != 1 || nums.PhoneNumbers[0].Extension != "100" {
		t.Fatalf("person numbers: %v %+v", err, nums)
	}
	if err := c.UpdatePersonNumbers(ctx, "org1", "per1", PersonNumbersUpdate{PhoneNumbers: []PersonNumberChange{
		{Action: NumberActionAdd, DirectNumber: "+13035550101", Extension: "101"}}}); err != nil {
		t.Fatalf("update person numbers: %v", err)
	}
	if err := c.ManageLocationNumbers(ctx, "org1", "loc1", LocationNumbersActivate, []string{"+13035550101"}); err != nil {
		t.Fatalf("activate: %v", err)
	}
	if err := c.ManageLocationNumbers(ctx, "org1", "loc1", "ENABLE", []string{"+1"}); err == nil {
		t.Error("an unknown action was sent")
	}
	locs, err := c.ListLocations(ctx, LocationFilter{OrgID: "org1"})
	if err != nil || len(locs) != 1 || locs[0].Address.City != "Denver" {
		t.Fatalf("locations: %v %+v", err, locs)
	}
	loc, err := c.GetLocation(ctx, "org1", "loc1")
	if err != nil || loc.Name != "Denver" {
		t.Fatalf("location: %v %+v", err, loc)
	}
	sugg, err := c.LookupEmergencyAddress(ctx, "org1", "loc1", EmergencyAddress{Address1: "1 Main St", City: "Denver", State: "CO", PostalCode: "80202", Country: "US"})
	if err != nil || len(sugg) != 1 || sugg[0].PostalCode != "80202-1234" || sugg[0].Errors[0].Code != "ADDRESS_CORRECTED" {
		t.Fatalf("lookup: %v %+v", err, sugg)
	}
	if err := c.SetNumberEmergencyAddress(ctx, "org1", "+13035550101", &sugg[0].EmergencyAddress); err != nil {
		t.Fatalf("set emergency address: %v", err)
	}

	for pattern, want := range map[string]string{
		"PUT /v1/telephony/config/people/{id}/voicemail/passcode":        `{"passcode":"739146"}`,
		"PUT /v1/people/{id}/features/callForwarding":                    `{"callForwarding":{"always":{"enabled":false},"noAnswer":{"destination":"+13035550198","enabled":true,"numberOfRings":4}}}`,
		"PUT /v1/telephony/config/people/{id}/numbers":                   `{"phoneNumbers":[{"action":"ADD","directNumber":"+13035550101","extension":"101","primary":false}]}`,
		"PUT /v1/telephony/config/locations/{id}/numbers":                `{"action":"ACTIVATE","phoneNumbers":["+13035550101"]}`,
		"POST /v1/telephony/pstn/locations/{id}/emergencyAddress/lookup": `{"address1":"1 Main St","city":"Denver","country":"US","postalCode":"80202","state":"CO"}`,
		"PUT /v1/telephony/pstn/numbers/{number}/emergencyAddress":       `{"emergencyAddress":{"address1":"1 MAIN ST","city":"DENVER","country":"US","postalCode":"80202-1234","state":"CO"}}`,
	} {
		if bodies[pattern] != want {
			t.Errorf("%s body %s, want %s", pattern, bodies[pattern], want)
		}
	}
	// A reset to the location's address sends {}.
	if err := c.SetNumberEmergencyAddress(ctx, "org1", "+13035550101", nil); err != nil {
		t.Fatal(err)
	}
	if got := bodies["PUT /v1/telephony/pstn/numbers/{number}/emergencyAddress"]; got != `{}` {
		t.Errorf("reset body %s, want {}", got)
	}
}
