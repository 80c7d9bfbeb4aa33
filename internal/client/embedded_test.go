package client_test

import (
	"encoding/json"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// An embedded object of a users list item is one of three things: the object, an explicit null
// (the user has none: its GET answers 404) or absent (not embedded: only its GET can tell).
func TestUserWithServicesEmbedded(t *testing.T) {
	const item = `{"id": "usr_1", "enterpriseId": "ent_acme", "firstName": "A",
		"number": {"phoneNumber": "+17205551200", "extension": "1200", "etag": "\"1\""},
		"e911": null,
		"callForwarding": {"always": {"enabled": true, "destination": "+15551234567"}, "etag": "\"2\""}}`
	var it client.UserWithServices
	if err := json.Unmarshal([]byte(item), &it); err != nil {
		t.Fatal(err)
	}
	if it.ID != "usr_1" || it.FirstName != "A" || it.Number == nil || it.Number.Extension != "1200" ||
		it.E911 != nil || it.CallForwarding == nil || !it.CallForwarding.Always.Enabled {
		t.Fatalf("decoded %+v", it)
	}
	for inc, want := range map[string]bool{
		client.IncludeNumber: true, client.IncludeE911: true, client.IncludeCallForwarding: true,
		client.IncludeIntegratedIMP: false, client.IncludeActivation: false, "nonsense": false,
	} {
		if got := it.Embedded(inc); got != want {
			t.Errorf("Embedded(%q) = %v, want %v", inc, got, want)
		}
	}

	// In a page: each item its own set.
	var page client.UserPage
	if err := json.Unmarshal([]byte(`{"items": [{"id": "usr_a", "activation": null}, {"id": "usr_b"}], "total": 2}`), &page); err != nil {
		t.Fatal(err)
	}
	if !page.Items[0].Embedded(client.IncludeActivation) || page.Items[1].Embedded(client.IncludeActivation) || page.Total != 2 {
		t.Fatalf("page %+v", page)
	}
	// A type error in an embedded object is an error, as before.
	if err := json.Unmarshal([]byte(`{"id": "usr_1", "number": 7}`), &it); err == nil {
		t.Fatal("a number that is not an object accepted")
	}
}
