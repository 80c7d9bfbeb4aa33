package sandbox

import (
	"net/http"
	"net/url"
	"testing"
)

func TestWholesaleCustomers(t *testing.T) {
	e := newWebexEnv(t)
	all := e.must(200, e.request("GET", "/v1/wholesale/customers", wxToken, nil)).items(t)
	if len(all) != 2 {
		t.Fatalf("customers: %v", all)
	}
	items := e.must(200, e.request("GET", "/v1/wholesale/customers?externalId=ent_acme", wxToken, nil)).items(t)
	if len(items) != 1 || items[0]["orgId"] != DemoWebexOrgAcme || items[0]["status"] != "provisioned" {
		t.Fatalf("acme: %v", items)
	}
	if addr := items[0]["address"].(map[string]any); addr["city"] != "Denver" || addr["country"] != "US" {
		t.Errorf("address: %v", addr)
	}
	if byOrg := e.must(200, e.request("GET", "/v1/wholesale/customers?orgId="+url.QueryEscape(DemoWebexOrgGlobex), wxToken, nil)).items(t); len(byOrg) != 1 || byOrg[0]["externalId"] != DemoEnterpriseGlobex {
		t.Errorf("by orgId: %v", byOrg)
	}
	r := e.must(200, e.request("GET", "/v1/wholesale/customers?max=1", wxToken, nil))
	link := nextLink(r.header)
	if len(r.items(t)) != 1 || linkParam(t, link, "offset") != "1" {
		t.Fatalf("page 1: %s, link %q", r.body, link)
	}
	r = e.must(200, e.request("GET", link, wxToken, nil))
	if len(r.items(t)) != 1 || nextLink(r.header) != "" || r.items(t)[0]["id"] == all[0]["id"] {
		t.Errorf("page 2: %s", r.body)
	}
	got := e.getJSON("/v1/wholesale/customers/"+items[0]["id"].(string), wxToken)
	if got["externalId"] != DemoEnterpriseAcme {
		t.Errorf("get: %v", got)
	}
	e.wantWebexError(e.request("GET", "/v1/wholesale/customers/"+WebexID("CUSTOMER", "ent_nope"), wxToken, nil), 404, 0, "Customer")
	e.wantWebexError(e.request("GET", "/v1/wholesale/customers?offset=-1", wxToken, nil), 400, 0, "offset")
}

func wsBody(email string, pp map[string]any, pkgs ...string) map[string]any {
	if len(pkgs) == 0 {
		pkgs = []string{"webex_calling"}
	}
	return map[string]any{"customerId": WebexID("CUSTOMER", DemoEnterpriseAcme), "email": email, "packages": pkgs,
		"provisioningParameters": pp}
}

func TestWholesaleSubscriberLifecycle(t *testing.T) {
	e := newWebexEnv(t)
	denver := DemoWebexLocation(DemoGroupDenver)
	pp := map[string]any{"firstName": "Grace", "lastName": "Hopper", "locationId": denver,
		"primaryPhoneNumber": "+17205551210", "extension": "1210"}
	post := func(body map[string]any) resp { return e.request("POST", "/v1/wholesale/subscribers", wxToken, body) }

	e.wantWebexError(post(map[string]any{"customerId": WebexID("CUSTOMER", DemoEnterpriseAcme), "provisioningParameters": pp}), 400, 1001, "email")
	e.wantWebexError(post(wsBody("grace@acme.example", map[string]any{"firstName": "G", "lastName": "H", "locationId": denver})),
		400, 1001, "primaryPhoneNumber or provisioningParameters.extension")
	e.wantWebexError(post(wsBody("grace@acme.example", map[string]any{"firstName": "G", "lastName": "H", "extension": "1210"})),
		400, 1001, "locationId")
	e.wantWebexError(post(wsBody("grace@acme.example", map[string]any{"firstName": "G", "lastName": "H", "locationId": denver,
		"primaryPhoneNumber": "+33634333210"})), 400, 0, "not a number of the location")
	e.wantWebexError(post(wsBody("grace@acme.example", pp, "cx_essentials")), 400, 0, "cx_essentials")
	e.wantWebexError(post(wsBody("grace@acme.example", map[string]any{"lastName": "H", "locationId": denver, "extension": "1"})),
		400, 1001, "firstName")
	if n := e.countUsers("email_norm = ?", "grace@acme.example"); n != 0 {
		t.Fatalf("a refused POST left %d users", n)
	}

	r := e.must(200, post(wsBody("Grace@acme.example", pp)))
	sub := r.obj(t)
	if sub["status"] != "provisioned" || sub["package"] != "webex_calling" || sub["externalCustomerId"] != DemoEnterpriseAcme {
		t.Fatalf("subscriber: %v", sub)
	}
	id := sub["id"].(string)
	if r.header.Get("Location") != "/v1/wholesale/subscribers/"+id {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	personPath := "/v1/people/" + sub["personId"].(string) + "?callingData=true"
	person := e.getJSON(personPath, wxToken)
	if person["invitePending"] != "true" || person["loginEnabled"] != "false" || person["extension"] != "1210" ||
		person["locationId"] != denver {
		t.Errorf("person before activation: %v", person)
	}
	e.tick(3)
	person = e.getJSON(personPath, wxToken)
	if person["invitePending"] != "false" || person["loginEnabled"] != "true" {
		t.Errorf("person after activation: %v", person)
	}
	// The same user through the reference contract.
	usr := fromWebexID("PEOPLE", sub["personId"].(string))
	if n := e.getJSON("/v1/users/"+usr+"/number", acmeToken); n["phoneNumber"] != "+17205551210" || n["extension"] != "1210" {
		t.Errorf("reference number: %v", n)
	}
	e.wantWebexError(post(wsBody("grace@acme.example", pp)), 409, 0, "already a subscriber")

	path := "/v1/wholesale/subscribers/" + id
	up := e.must(200, e.request("PUT", path, wxToken, map[string]any{"packages": []string{"webex_suite"},
		"provisioningParameters": map[string]any{"extension": "1299"}})).obj(t)
	if up["package"] != "webex_suite" {
		t.Errorf("after PUT: %v", up)
	}
	if a := e.getJSON("/v1/users/"+usr+"/activation", acmeToken); a["package"] != "webex_suite" {
		t.Errorf("reference package: %v", a["package"])
	}
	if n := e.getJSON("/v1/users/"+usr+"/number", acmeToken); n["extension"] != "1299" || n["phoneNumber"] != "+17205551210" {
		t.Errorf("number after PUT: %v", n)
	}
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"provisioningParameters": map[string]any{
		"locationId": DemoWebexLocation(DemoGroupParis)}}), 400, 0, "location")
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"provisioningParameters": map[string]any{
		"primaryPhoneNumber": "", "extension": ""}}), 400, 1001, "primaryPhoneNumber")

	list := e.must(200, e.request("GET", "/v1/wholesale/subscribers?customerId="+url.QueryEscape(WebexID("CUSTOMER", DemoEnterpriseAcme)), wxToken, nil)).items(t)
	if len(list) != 1 || list[0]["id"] != id {
		t.Errorf("list: %v", list)
	}
	for _, q := range []string{"email=GRACE@acme.example", "externalCustomerId=ent_acme", "status=provisioned", "personId=" + sub["personId"].(string),
		"sortBy=created&sortOrder=DESC"} {
		if n := len(e.must(200, e.request("GET", "/v1/wholesale/subscribers?"+q, wxToken, nil)).items(t)); n != 1 {
			t.Errorf("%s: %d items", q, n)
		}
	}
	if n := len(e.must(200, e.request("GET", "/v1/wholesale/subscribers?status=pending_user_migration", wxToken, nil)).items(t)); n != 0 {
		t.Errorf("pending_user_migration: %d", n)
	}
	e.wantWebexError(e.request("GET", "/v1/wholesale/subscribers?sortBy=color", wxToken, nil), 400, 0, "sortBy")

	e.must(204, e.request("DELETE", path, wxToken, nil))
	e.wantWebexError(e.request("GET", path, wxToken, nil), 404, 0, "not found")
	e.wantWebexError(e.request("GET", personPath, wxToken, nil), 404, 0, "Person")
	avail := e.must(200, e.request("GET", "/v1/telephony/config/numbers?available=true&phoneNumber="+url.QueryEscape("+17205551210"), wxToken, nil)).obj(t)
	if nums := avail["phoneNumbers"].([]any); len(nums) != 1 {
		t.Errorf("the number did not go back to the inventory: %v", avail)
	}
}

func TestWholesaleSubscriberPendingUserMigration(t *testing.T) {
	e := newWebexEnv(t)
	pre := e.must(200, e.request("POST", "/v1/wholesale/subscribers/validate", wxToken, map[string]any{"email": DemoExternalWebexAccount})).obj(t)
	if pre["info"].(map[string]any)["infoCode"] != float64(101) {
		t.Errorf("precheck: %v", pre)
	}
	pp := map[string]any{"firstName": "Marie", "lastName": "Curie", "locationId": DemoWebexLocation(DemoGroupParis),
		"primaryPhoneNumber": "+33634333210", "extension": "3210"}
	r := e.must(http.StatusAccepted, e.request("POST", "/v1/wholesale/subscribers", wxToken, wsBody(DemoExternalWebexAccount, pp, "webex_voice")))
	sub := r.obj(t)
	if sub["status"] != "pending_user_migration" {
		t.Fatalf("subscriber: %v", sub)
	}
	if n := len(e.must(200, e.request("GET", "/v1/wholesale/subscribers?status=pending_user_migration", wxToken, nil)).items(t)); n != 1 {
		t.Errorf("pending list: %d", n)
	}
	e.tick(2)
	path := "/v1/wholesale/subscribers/" + sub["id"].(string)
	if got := e.getJSON(path, wxToken)["status"]; got != "pending_user_migration" {
		t.Fatalf("waits for consent: %v", got)
	}
	e.must(204, e.request("POST", "/v1/subscribers/"+sub["id"].(string)+"/emails/consentMove", wxToken, nil))
	e.tick(1)
	if got := e.getJSON(path, wxToken)["status"]; got != "provisioned" {
		t.Errorf("after consent: %v", got)
	}
	if p := e.getJSON("/v1/people/"+sub["personId"].(string), wxToken); p["loginEnabled"] != "true" {
		t.Errorf("person after consent: %v", p)
	}
}

func TestWholesaleSubscriberForExistingPerson(t *testing.T) {
	e := newWebexEnv(t)
	// A person of the customer (reference API) becomes a subscriber; one of another customer
	// cannot.
	usr := e.createUser(acmeToken, map[string]any{"email": "existing@acme.example"})["id"].(string)
	e.must(200, e.request("PUT", "/v1/users/"+usr+"/number", acmeToken, map[string]any{"extension": "1777"}))
	sub := e.must(200, e.request("POST", "/v1/wholesale/subscribers", wxToken, wsBody("existing@acme.example", map[string]any{}))).obj(t)
	if sub["personId"] != WebexID("PEOPLE", usr) {
		t.Errorf("subscriber of another person: %v", sub)
	}
	globex := map[string]any{"customerId": WebexID("CUSTOMER", DemoEnterpriseGlobex), "email": "existing@acme.example",
		"packages": []string{"webex_meetings"}, "provisioningParameters": map[string]any{}}
	e.wantWebexError(e.request("POST", "/v1/wholesale/subscribers", wxToken, globex), 409, 0, "another customer")
	// Validate: a malformed email, an email in use.
	e.wantWebexError(e.request("POST", "/v1/wholesale/subscribers/validate", wxToken, map[string]any{"email": "nope"}), 400, 0, "email")
	e.wantWebexError(e.request("POST", "/v1/wholesale/subscribers/validate", wxToken, map[string]any{"email": "existing@acme.example"}), 409, 0, "another user")
}
