package webex

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

func TestBroadWorksSubscribers(t *testing.T) {
	sub := BroadWorksSubscriber{
		ID: "sub1", PersonID: "per1", UserID: "7205551200@acme.example", SPEnterpriseID: "sp+acme", FirstName: "Ada",
		LastName: "Lovelace", Email: "ada@acme.example", PrimaryPhoneNumber: "+17205551200", Extension: "1200",
		Package: BroadWorksPackageStandard, Status: SubscriberStatusProvisioned, Created: "2026-12-01T10:00:00Z",
		LastStatusChange: "2026-12-01T10:01:00Z", ProvisioningID: "prov1",
		Errors: []ErrorDetail{{ErrorCode: 6003, Description: "Broadworks External Error"}},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/broadworks/subscribers", func(w http.ResponseWriter, r *http.Request) {
		want := "email=ada%40acme.example&max=100&spEnterpriseId=sp%2Bacme&status=provisioned&userId=7205551200%40acme.example"
		if r.URL.RawQuery != want {
			t.Errorf("list query %s, want %s", r.URL.RawQuery, want)
		}
		writeJSON(w, 200, map[string]any{"items": []any{sub}})
	})
	mux.HandleFunc("GET /v1/broadworks/subscribers/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "sub1" {
			writeError(w, 404, "Subscriber not found", 0)
			return
		}
		writeJSON(w, 200, sub)
	})
	mux.HandleFunc("POST /v1/broadworks/subscribers", func(w http.ResponseWriter, r *http.Request) {
		var got map[string]any
		readJSON(t, r, &got)
		want := map[string]any{"provisioningId": "prov1", "userId": "7205551200@acme.example", "spEnterpriseId": "sp+acme",
			"firstName": "Ada", "lastName": "Lovelace", "package": "standard", "email": "ada@acme.example", "primaryPhoneNumber": "+17205551200"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("provision body %v, want %v", got, want)
		}
		s := sub
		s.Status = SubscriberStatusProvisioning
		writeJSON(w, 200, s)
	})
	mux.HandleFunc("PUT /v1/broadworks/subscribers/{id}", func(w http.ResponseWriter, r *http.Request) {
		var got map[string]any
		readJSON(t, r, &got)
		want := map[string]any{"package": "premium", "extension": ""}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("update body %v, want %v (only the fields set, an empty extension kept)", got, want)
		}
		s := sub
		s.Package, s.Extension, s.Status = "premium", "", SubscriberStatusUpdating
		writeJSON(w, 200, s)
	})
	mux.HandleFunc("DELETE /v1/broadworks/subscribers/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /v1/broadworks/subscribers/validate", func(w http.ResponseWriter, r *http.Request) {
		var got BroadWorksSubscriberValidate
		readJSON(t, r, &got)
		if got.Email != "ada@acme.example" || got.CustomerInfo == nil || got.CustomerInfo.PrimaryEmail != "admin@acme.example" {
			t.Errorf("validate body %+v", got)
		}
		writeJSON(w, 200, map[string]any{"message": "success", "info": map[string]any{"infoCode": 100, "description": "Provisioning allowed"}})
	})
	_, base := newServer(t, mux)
	c := newClient(t, base)
	ctx := context.Background()

	list, err := c.ListBroadWorksSubscribers(ctx, BroadWorksSubscriberFilter{
		UserID: sub.UserID, Email: sub.Email, SPEnterpriseID: "sp+acme", Status: SubscriberStatusProvisioned,
	})
	if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0], sub) {
		t.Fatalf("list: %v %+v", err, list)
	}
	got, err := c.GetBroadWorksSubscriber(ctx, "sub1")
	if err != nil || !reflect.DeepEqual(*got, sub) {
		t.Fatalf("get: %v %+v", err, got)
	}
	if _, err := c.GetBroadWorksSubscriber(ctx, "nobody"); !IsNotFound(err) {
		t.Errorf("get missing: %v", err)
	}
	if _, err := c.GetBroadWorksSubscriber(ctx, ""); err == nil {
		t.Error("get with an empty id did not fail")
	}
	created, err := c.ProvisionBroadWorksSubscriber(ctx, BroadWorksSubscriberCreate{
		ProvisioningID: "prov1", UserID: sub.UserID, SPEnterpriseID: "sp+acme", FirstName: "Ada", LastName: "Lovelace",
		Package: BroadWorksPackageStandard, Email: sub.Email, PrimaryPhoneNumber: "+17205551200",
	})
	if err != nil || created.Status != SubscriberStatusProvisioning || created.ID != "sub1" {
		t.Fatalf("provision: %v %+v", err, created)
	}
	updated, err := c.UpdateBroadWorksSubscriber(ctx, "sub1", BroadWorksSubscriberUpdate{Package: ptr("premium"), Extension: ptr("")})
	if err != nil || updated.Package != "premium" || updated.Status != SubscriberStatusUpdating {
		t.Fatalf("update: %v %+v", err, updated)
	}
	if err := c.DeleteBroadWorksSubscriber(ctx, "sub1"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	v, err := c.ValidateBroadWorksSubscriber(ctx, BroadWorksSubscriberValidate{Email: "ada@acme.example", CustomerInfo: &CustomerInfo{PrimaryEmail: "admin@acme.example"}})
	if err != nil || v.Message != "success" || v.Info == nil || v.Info.InfoCode != 100 {
		t.Fatalf("validate: %v %+v", err, v)
	}
}

func TestBroadWorksEnterprisesAndDirectorySync(t *testing.T) {
	ent := BroadWorksEnterprise{ID: "ent1", OrgID: "org1", ProvisioningID: "prov1", SPEnterpriseID: "sp+acme",
		BroadWorksDirectorySync: &DirectorySync{EnableDirSync: true, DirectorySyncStatus: &DirectorySyncStatus{
			SyncStatus: SyncStatusComplete, UsersAdded: 2, LastSyncTrackingID: "T"}}}
	var posted, put map[string]any
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/broadworks/enterprises", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("spEnterpriseId") == "sp+none" {
			writeJSON(w, 200, map[string]any{"items": []any{}})
			return
		}
		if r.URL.Query().Get("spEnterpriseId") != "sp+acme" || r.URL.Query().Get("max") != "1000" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		// A prefix match the client must not take for the enterprise.
		other := ent
		other.ID, other.SPEnterpriseID = "ent0", "sp+acme2"
		writeJSON(w, 200, map[string]any{"items": []any{other, ent}})
	})
	mux.HandleFunc("GET /v1/broadworks/enterprises/{id}/broadworksDirectorySync", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, ent.BroadWorksDirectorySync)
	})
	mux.HandleFunc("POST /v1/broadworks/enterprises/{id}/broadworksDirectorySync", func(w http.ResponseWriter, r *http.Request) {
		readJSON(t, r, &posted)
		writeJSON(w, 200, map[string]any{"enableDirSync": true, "directorySyncStatus": map[string]any{"syncStatus": SyncStatusInProgress}})
	})
	mux.HandleFunc("PUT /v1/broadworks/enterprises/{id}/broadworksDirectorySync", func(w http.ResponseWriter, r *http.Request) {
		readJSON(t, r, &put)
		writeJSON(w, 200, map[string]any{"enableDirSync": false, "directorySyncStatus": map[string]any{"syncStatus": SyncStatusComplete}})
	})
	_, base := newServer(t, mux)
	c := newClient(t, base)
	ctx := context.Background()

	found, err := c.FindBroadWorksEnterprise(ctx, "sp+acme")
	if err != nil || found.ID != "ent1" || found.OrgID != "org1" || found.BroadWorksDirectorySync.DirectorySyncStatus.UsersAdded != 2 {
		t.Fatalf("find: %v %+v", err, found)
	}
	if _, err := c.FindBroadWorksEnterprise(ctx, "sp+none"); !IsNotFound(err) {
		t.Errorf("find missing: %v", err)
	}
	ds, err := c.GetDirectorySync(ctx, "ent1")
	if err != nil || !ds.EnableDirSync || ds.DirectorySyncStatus.SyncStatus != SyncStatusComplete {
		t.Fatalf("get sync: %v %+v", err, ds)
	}
	ds, err = c.TriggerDirectorySync(ctx, "ent1")
	if err != nil || ds.DirectorySyncStatus.SyncStatus != SyncStatusInProgress || posted["syncStatus"] != "SYNC_NOW" {
		t.Fatalf("trigger: %v %+v %v", err, ds, posted)
	}
	ds, err = c.SetDirectorySync(ctx, "ent1", false)
	if err != nil || ds.EnableDirSync {
		t.Fatalf("set: %v %+v", err, ds)
	}
	if b, _ := json.Marshal(put); string(b) != `{"enableDirSync":false}` {
		t.Errorf("put body %s", b)
	}
}
