package webex

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestWholesaleCustomers(t *testing.T) {
	cust := WholesaleCustomer{ID: "cust1", OrgID: "org1", ExternalID: "ext-acme", Status: CustomerStatusProvisioned,
		Packages:        []string{PackageWebexCalling, PackageWebexMeetings},
		Address:         &WholesaleAddress{AddressLine1: "1 Main St", City: "Denver", StateOrProvince: "CO", ZipOrPostalCode: "80202", Country: "US"},
		ResourceDetails: &WholesaleResourceDetails{Packages: []WholesalePackageDetail{{Name: PackageWebexCalling, Status: "provisioned", LicenseIDs: []string{"lic1"}}}}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/wholesale/customers", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("externalId") != "ext-acme" || !reflect.DeepEqual(q["status"], []string{"provisioned", "provisioned_with_errors"}) || q.Get("onBehalfOfSubPartnerOrgId") != "sub1" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		writeJSON(w, 200, map[string]any{"items": []any{cust}})
	})
	mux.HandleFunc("GET /v1/wholesale/customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, cust)
	})
	_, base := newServer(t, mux)
	c := newClient(t, base, func(c *Config) { c.SubPartnerOrgID = "sub1" })
	list, err := c.ListWholesaleCustomers(context.Background(), WholesaleCustomerFilter{ExternalID: "ext-acme", Status: []string{"provisioned", "provisioned_with_errors"}})
	if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0], cust) {
		t.Fatalf("list: %v %+v", err, list)
	}
	got, err := c.GetWholesaleCustomer(context.Background(), "cust1")
	if err != nil || !reflect.DeepEqual(*got, cust) {
		t.Fatalf("get: %v %+v", err, got)
	}
}

func TestWholesaleSubscribers(t *testing.T) {
	sub := WholesaleSubscriber{ID: "ws1", PersonID: "per1", Email: "ada@acme.example", CustomerID: "cust1", ExternalCustomerID: "ext-acme",
		Packages: []string{PackageWebexCalling}, Status: WholesaleStatusProvisioned, Created: "2026-12-01T10:00:00Z", LastStatusChange: "2026-12-01T10:00:00Z"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/wholesale/subscribers", func(w http.ResponseWriter, r *http.Request) {
		var got WholesaleSubscriberCreate
		readJSON(t, r, &got)
		w.Header().Set("Location", "https://webexapis.com/v1/wholesale/subscribers/ws1")
		s := sub
		s.Email = got.Email
		if strings.HasPrefix(got.Email, "free") {
			s.Status = WholesaleStatusPendingUserMigration
			writeJSON(w, http.StatusAccepted, s)
			return
		}
		if got.ProvisioningParameters.PrimaryPhoneNumber != "+13035550100" || got.ProvisioningParameters.Extension != "100" || got.ProvisioningParameters.LocationID != "loc1" {
			t.Errorf("provisioning parameters %+v", got.ProvisioningParameters)
		}
		writeJSON(w, 200, s)
	})
	mux.HandleFunc("GET /v1/wholesale/subscribers/{id}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, sub) })
	mux.HandleFunc("PUT /v1/wholesale/subscribers/{id}", func(w http.ResponseWriter, r *http.Request) {
		var got map[string]any
		readJSON(t, r, &got)
		want := map[string]any{"packages": []any{"webex_calling"}, "provisioningParameters": map[string]any{"primaryPhoneNumber": "+13035550101", "locationId": "loc1"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("update body %v, want %v", got, want)
		}
		writeJSON(w, 200, sub)
	})
	mux.HandleFunc("DELETE /v1/wholesale/subscribers/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("POST /v1/wholesale/subscribers/validate", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"message": "success", "info": map[string]any{"infoCode": 100, "description": "ok"}})
	})
	_, base := newServer(t, mux)
	c := newClient(t, base)
	ctx := context.Background()

	create := WholesaleSubscriberCreate{CustomerID: "cust1", Email: "ada@acme.example", Packages: []string{PackageWebexCalling},
		ProvisioningParameters: WholesaleProvisioningParameters{FirstName: "Ada", LastName: "Lovelace", PrimaryPhoneNumber: "+13035550100", Extension: "100", LocationID: "loc1"}}
	r, err := c.ProvisionWholesaleSubscriber(ctx, create)
	if err != nil || r.HTTPStatus != 200 || r.Pending() || r.Subscriber.ID != "ws1" || r.Location == "" {
		t.Fatalf("provision: %v %+v", err, r)
	}
	create.Email = "free@acme.example"
	r, err = c.ProvisionWholesaleSubscriber(ctx, create)
	if err != nil || r.HTTPStatus != http.StatusAccepted || !r.Pending() || r.Subscriber.Status != WholesaleStatusPendingUserMigration {
		t.Fatalf("provision of a free account: %v %+v, want 202 pending", err, r)
	}
	got, err := c.GetWholesaleSubscriber(ctx, "ws1")
	if err != nil || !reflect.DeepEqual(*got, sub) {
		t.Fatalf("get: %v %+v", err, got)
	}
	if _, err := c.UpdateWholesaleSubscriber(ctx, "ws1", WholesaleSubscriberUpdate{Packages: []string{PackageWebexCalling},
		ProvisioningParameters: &WholesaleUpdateProvisioning{PrimaryPhoneNumber: "+13035550101", LocationID: "loc1"}}); err != nil {
		t.Fatalf("update: %v", err)
	}
	if err := c.DeleteWholesaleSubscriber(ctx, "ws1"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	v, err := c.ValidateWholesaleSubscriber(ctx, WholesaleSubscriberValidate{Email: "ada@acme.example", CustomerID: "cust1", Packages: []string{PackageWebexCalling}})
	if err != nil || v.Info.InfoCode != 100 {
		t.Fatalf("validate: %v %+v", err, v)
	}
}
