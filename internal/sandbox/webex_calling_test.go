package sandbox

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/webexspec"
)

func TestWebexRoutesAreInTheSpecs(t *testing.T) {
	c, err := webexspec.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := newWebexEnv(t)
	seen := map[string]bool{}
	for _, rt := range e.s.webexRoutes() {
		if seen[rt.pattern] {
			t.Errorf("route %q twice", rt.pattern)
		}
		seen[rt.pattern] = true
		m, p, _ := strings.Cut(rt.pattern, " ")
		p, ok := strings.CutPrefix(p, webexspec.BasePath)
		if !ok || !c.HasOperation(m, p) {
			t.Errorf("route %q is not an operation of the webex specs", rt.pattern)
		}
		if rt.scope == "" && rt.pattern != "POST /v1/access_token" {
			t.Errorf("route %q needs no scope", rt.pattern)
		}
	}
}

// person creates a person in ent_acme with callingData and returns it.
func (e *env) person(email string, fields ...any) map[string]any {
	e.t.Helper()
	body := map[string]any{"emails": []string{email}, "firstName": "Alan", "lastName": "Turing", "orgId": DemoWebexOrgAcme,
		"locationId": DemoWebexLocation(DemoGroupDenver)}
	for i := 0; i+1 < len(fields); i += 2 {
		body[fields[i].(string)] = fields[i+1]
	}
	return e.must(200, e.request("POST", "/v1/people?callingData=true", wxToken, body)).obj(e.t)
}

func TestWebexPeople(t *testing.T) {
	e := newWebexEnv(t)
	paris := DemoWebexLocation(DemoGroupParis)
	p := e.person("marie@acme.example", "locationId", paris, "phoneNumbers", []map[string]any{{"type": "work", "value": "+33634333211"}},
		"extension", "3211", "firstName", "Marie", "lastName", "Curie", "department", "Science")
	if p["locationId"] != paris || p["extension"] != "3211" || p["orgId"] != DemoWebexOrgAcme || p["invitePending"] != "false" ||
		p["displayName"] != "Marie Curie" {
		t.Fatalf("person: %v", p)
	}
	phones, _ := p["phoneNumbers"].([]any)
	if len(phones) != 1 || phones[0].(map[string]any)["value"] != "+33634333211" {
		t.Errorf("phoneNumbers: %v", p["phoneNumbers"])
	}
	usr := fromWebexID("PEOPLE", p["id"].(string))
	if u := e.getJSON("/v1/users/"+usr, acmeToken); u["groupId"] != DemoGroupParis || u["department"] != "Science" {
		t.Errorf("reference user: %v", u)
	}
	path := "/v1/people/" + p["id"].(string)
	if got := e.getJSON(path, wxToken); got["phoneNumbers"] != nil || got["locationId"] != nil {
		t.Errorf("without callingData: %v", got)
	}
	list := e.must(200, e.request("GET", "/v1/people?orgId="+url.QueryEscape(DemoWebexOrgAcme)+"&email=MARIE@acme.example&callingData=true", wxToken, nil)).items(t)
	if len(list) != 1 || list[0]["extension"] != "3211" {
		t.Errorf("list by email: %v", list)
	}
	if n := len(e.must(200, e.request("GET", "/v1/people?orgId="+url.QueryEscape(DemoWebexOrgGlobex), wxToken, nil)).items(t)); n != 0 {
		t.Errorf("globex people: %d", n)
	}
	if n := len(e.must(200, e.request("GET", "/v1/people?displayName=marie&locationId="+url.QueryEscape(paris), wxToken, nil)).items(t)); n != 1 {
		t.Errorf("by displayName and location: %d", n)
	}
	// Refusals.
	e.wantWebexError(e.request("POST", "/v1/people", wxToken, map[string]any{"emails": []string{"x@acme.example"}}), 400, 1001, "orgId")
	e.wantWebexError(e.request("POST", "/v1/people", wxToken, map[string]any{"emails": []string{"marie@acme.example"},
		"orgId": DemoWebexOrgAcme, "displayName": "Marie Again"}), 409, 0, "email")
	e.wantWebexError(e.request("POST", "/v1/people", wxToken, map[string]any{"emails": []string{"y@acme.example"},
		"orgId": "bogus", "displayName": "Y Z"}), 404, 0, "Organization")
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"firstName": "M"}), 400, 1001, "displayName")

	// PUT replaces: new names, the email goes when emails is empty; with callingData the number too.
	up := e.must(200, e.request("PUT", path+"?callingData=true", wxToken, map[string]any{"displayName": "Marie Sklodowska",
		"emails": []string{"msc@acme.example"}, "extension": "3212"})).obj(t)
	if up["lastName"] != "Sklodowska" || up["emails"].([]any)[0] != "msc@acme.example" || up["extension"] != "3212" || up["phoneNumbers"] != nil {
		t.Errorf("after PUT: %v", up)
	}
	// The department is the person's too (PUT replaces it; the reference API shows the same user).
	e.must(200, e.request("PUT", path, wxToken, map[string]any{"displayName": "Marie Sklodowska",
		"firstName": "Marie", "lastName": "Sklodowska", "emails": []string{"msc@acme.example"}, "department": "Physics"}))
	if u := e.getJSON("/v1/users/"+usr, acmeToken); u["department"] != "Physics" {
		t.Errorf("department after PUT /people: %v", u["department"])
	}
	e.must(204, e.request("DELETE", path, wxToken, nil))
	e.wantWebexError(e.request("GET", path, wxToken, nil), 404, 0, "Person")
	e.wantError(e.request("GET", "/v1/users/"+usr, acmeToken, nil), 404, "not_found", "")
}

func TestWebexPeoplePaging(t *testing.T) {
	e := newWebexEnv(t)
	for i := range 3 {
		e.person("page" + string(rune('a'+i)) + "@acme.example")
	}
	link := "/v1/people?orgId=" + url.QueryEscape(DemoWebexOrgAcme) + "&max=2"
	n, pages := 0, 0
	for link != "" {
		r := e.must(200, e.request("GET", link, wxToken, nil))
		n += len(r.items(t))
		link = nextLink(r.header)
		pages++
	}
	if n != 3 || pages != 2 {
		t.Errorf("%d people in %d pages", n, pages)
	}
}

func TestWebexLocations(t *testing.T) {
	e := newWebexEnv(t)
	items := e.must(200, e.request("GET", "/v1/locations?orgId="+url.QueryEscape(DemoWebexOrgAcme), wxToken, nil)).items(t)
	if len(items) != 2 {
		t.Fatalf("locations: %v", items)
	}
	byName := map[string]map[string]any{}
	for _, l := range items {
		byName[l["name"].(string)] = l
	}
	paris := byName["Paris"]["address"].(map[string]any)
	if paris["country"] != "FR" || paris["state"] != nil || paris["city"] != "Paris" {
		t.Errorf("Paris address: %v", paris)
	}
	if byName["Denver"]["address"].(map[string]any)["state"] != "CO" || byName["Denver"]["timeZone"] != "America/Denver" {
		t.Errorf("Denver: %v", byName["Denver"])
	}
	got := e.getJSON("/v1/locations/"+DemoWebexLocation(DemoGroupParis), wxToken)
	if got["name"] != "Paris" || got["orgId"] != DemoWebexOrgAcme {
		t.Errorf("get: %v", got)
	}
	if n := len(e.must(200, e.request("GET", "/v1/locations?name=denver", wxToken, nil)).items(t)); n != 1 {
		t.Errorf("by name: %d", n)
	}
	e.wantWebexError(e.request("GET", "/v1/locations/"+DemoWebexLocation("grp_nope"), wxToken, nil), 404, 0, "Location")
}

func TestWebexNumbers(t *testing.T) {
	e := newWebexEnv(t)
	denver := url.QueryEscape(DemoWebexLocation(DemoGroupDenver))
	r := e.must(200, e.request("GET", "/v1/telephony/config/numbers?available=true&max=10&locationId="+denver, wxToken, nil))
	nums := r.obj(t)["phoneNumbers"].([]any)
	link := nextLink(r.header)
	if len(nums) != 10 || linkParam(t, link, "start") != "10" {
		t.Fatalf("page 1: %d numbers, link %q", len(nums), link)
	}
	first := nums[0].(map[string]any)
	if first["phoneNumber"] != "+17205551200" || first["state"] != "INACTIVE" || first["owner"] != nil {
		t.Errorf("first number: %v", first)
	}
	r = e.must(200, e.request("GET", link, wxToken, nil))
	if n := r.obj(t)["phoneNumbers"].([]any); len(n) != 10 || n[0].(map[string]any)["phoneNumber"] != "+17205551210" {
		t.Errorf("page 2: %v", n)
	}
	// Activate a number, then give it to a person: it is active and owned.
	loc := "/v1/telephony/config/locations/" + DemoWebexLocation(DemoGroupDenver) + "/numbers"
	e.must(204, e.request("PUT", loc, wxToken, map[string]any{"phoneNumbers": []string{"+17205551230"}, "action": "ACTIVATE"}))
	e.wantWebexError(e.request("PUT", loc, wxToken, map[string]any{"phoneNumbers": []string{"+33634333200"}, "action": "ACTIVATE"}), 400, 0, "not a number of the location")
	e.wantWebexError(e.request("PUT", loc, wxToken, map[string]any{"phoneNumbers": []string{"+17205551230"}, "action": "BURN"}), 400, 0, "action")
	p := e.person("numbers@acme.example")
	numbersPath := "/v1/telephony/config/people/" + p["id"].(string) + "/numbers"
	e.must(204, e.request("PUT", numbersPath, wxToken, map[string]any{"phoneNumbers": []map[string]any{
		{"primary": true, "action": "ADD", "directNumber": "+17205551230", "extension": "1230"}}}))
	got := e.getJSON("/v1/people/"+p["id"].(string)+"/features/numbers", wxToken)["phoneNumbers"].([]any)
	if len(got) != 1 || got[0].(map[string]any)["directNumber"] != "+17205551230" || got[0].(map[string]any)["extension"] != "1230" {
		t.Errorf("person numbers: %v", got)
	}
	if alias := e.getJSON(numbersPath, wxToken)["phoneNumbers"].([]any); len(alias) != 1 {
		t.Errorf("telephony read: %v", alias)
	}
	owned := e.must(200, e.request("GET", "/v1/telephony/config/numbers?state=ACTIVE&locationId="+denver, wxToken, nil)).obj(t)["phoneNumbers"].([]any)
	if len(owned) != 1 || owned[0].(map[string]any)["owner"].(map[string]any)["id"] != p["id"] {
		t.Errorf("active numbers: %v", owned)
	}
	usr := fromWebexID("PEOPLE", p["id"].(string))
	if n := e.getJSON("/v1/users/"+usr+"/number", acmeToken); n["numberState"] != "active" {
		t.Errorf("reference number state: %v", n)
	}
	// Another person cannot take it; DELETE frees it.
	p2 := e.person("numbers2@acme.example")
	e.wantWebexError(e.request("PUT", "/v1/telephony/config/people/"+p2["id"].(string)+"/numbers", wxToken, map[string]any{
		"phoneNumbers": []map[string]any{{"primary": true, "action": "ADD", "directNumber": "+17205551230"}}}), 409, 0, "assigned to another user")
	e.must(204, e.request("PUT", numbersPath, wxToken, map[string]any{"phoneNumbers": []map[string]any{
		{"primary": true, "action": "DELETE", "directNumber": "+17205551230"}, {"primary": true, "action": "DELETE", "directNumber": "", "extension": "1230"}}}))
	if got := e.getJSON("/v1/people/"+p["id"].(string)+"/features/numbers", wxToken)["phoneNumbers"].([]any); len(got) != 0 {
		t.Errorf("after DELETE: %v", got)
	}
	e.wantWebexError(e.request("PUT", numbersPath, wxToken, map[string]any{"phoneNumbers": []map[string]any{
		{"primary": false, "action": "ADD", "directNumber": "+17205551231"}}}), 400, 0, "Alternate")
}

func TestWebexVoicemailPasscode(t *testing.T) {
	e := newWebexEnv(t)
	p := e.person("vm@acme.example", "phoneNumbers", []map[string]any{{"type": "work", "value": "+17205551240"}}, "extension", "1240")
	path := "/v1/telephony/config/people/" + p["id"].(string) + "/voicemail/passcode"
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"passcode": "1111"}), 400, 0, "Invalid passcode")
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"passcode": "1240"}), 400, 0, "Invalid passcode")
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{}), 400, 1001, "passcode")
	e.must(204, e.request("PUT", path, wxToken, map[string]any{"passcode": "583920"}))
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"passcode": "583920"}), 400, 0, "Invalid passcode")
	e.wantWebexError(e.request("PUT", "/v1/telephony/config/people/"+WebexID("PEOPLE", "usr_nope")+"/voicemail/passcode", wxToken,
		map[string]any{"passcode": "583920"}), 404, 0, "Person")
	var n int
	if err := e.s.db.QueryRow(`SELECT count(*) FROM voicemail_passcodes WHERE user_id = ? AND hash NOT LIKE '%583920%'`,
		fromWebexID("PEOPLE", p["id"].(string))).Scan(&n); err != nil || n != 1 {
		t.Errorf("stored passcode rows %d, %v", n, err)
	}
}

func TestWebexCallForwarding(t *testing.T) {
	e := newWebexEnv(t)
	p := e.person("cf@acme.example")
	path := "/v1/people/" + p["id"].(string) + "/features/callForwarding"
	got := e.getJSON(path, wxToken)["callForwarding"].(map[string]any)
	if na := got["noAnswer"].(map[string]any); na["numberOfRings"] != float64(3) || na["enabled"] != false {
		t.Errorf("defaults: %v", got)
	}
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"callForwarding": map[string]any{"always": map[string]any{"enabled": true}}}),
		400, 0, "destination")
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"callForwarding": map[string]any{"noAnswer": map[string]any{"numberOfRings": 25}}}),
		400, 0, "rings")
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"businessContinuity": map[string]any{"enabled": true}}), 400, 0, "Business continuity")
	e.must(204, e.request("PUT", path, wxToken, map[string]any{"callForwarding": map[string]any{
		"always": map[string]any{"enabled": true, "destination": "+15551234567"}, "noAnswer": map[string]any{"numberOfRings": 5}}}))
	// A PUT of one rule leaves the others.
	e.must(204, e.request("PUT", path, wxToken, map[string]any{"callForwarding": map[string]any{
		"busy": map[string]any{"enabled": true, "destination": "1234"}}}))
	got = e.getJSON(path, wxToken)["callForwarding"].(map[string]any)
	if a := got["always"].(map[string]any); a["enabled"] != true || a["destination"] != "+15551234567" {
		t.Errorf("always: %v", a)
	}
	ref := e.getJSON("/v1/users/"+fromWebexID("PEOPLE", p["id"].(string))+"/call-forwarding", acmeToken)
	if ref["busy"].(map[string]any)["destination"] != "1234" || ref["noAnswer"].(map[string]any)["rings"] != float64(5) {
		t.Errorf("reference call forwarding: %v", ref)
	}
}

func TestWebexEmergencyAddress(t *testing.T) {
	e := newWebexEnv(t)
	lookup := "/v1/telephony/pstn/locations/" + DemoWebexLocation(DemoGroupDenver) + "/emergencyAddress/lookup"
	e.wantWebexError(e.request("POST", lookup, wxToken, map[string]any{"address1": "1 Main St", "city": "Denver", "postalCode": "80202",
		"country": "US"}), 400, 0, "state")
	got := e.must(200, e.request("POST", lookup, wxToken, map[string]any{"address1": "1 main street", "city": "denver", "state": "co",
		"postalCode": "80202", "country": "US"})).obj(t)
	addrs := got["addresses"].([]any)
	if len(addrs) != 1 || addrs[0].(map[string]any)["state"] != "CO" {
		t.Errorf("lookup: %v", got)
	}
	// Paris: no state needed.
	e.must(200, e.request("POST", "/v1/telephony/pstn/locations/"+DemoWebexLocation(DemoGroupParis)+"/emergencyAddress/lookup", wxToken,
		map[string]any{"address1": "10 Rue de Rivoli", "city": "Paris", "postalCode": "75004", "country": "FR"}))

	num := "/v1/telephony/pstn/numbers/" + url.PathEscape("+17205551250") + "/emergencyAddress"
	addr := map[string]any{"emergencyAddress": map[string]any{"address1": "1 Main St", "city": "Denver", "state": "CO",
		"postalCode": "80202", "country": "US"}}
	e.wantWebexError(e.request("PUT", num, wxToken, addr), 400, 0, "not assigned")
	e.wantWebexError(e.request("PUT", "/v1/telephony/pstn/numbers/"+url.PathEscape("+19999999999")+"/emergencyAddress", wxToken, addr), 404, 0, "Number")
	p := e.person("e911@acme.example", "phoneNumbers", []map[string]any{{"type": "work", "value": "+17205551250"}})
	e.must(204, e.request("PUT", num, wxToken, addr))
	usr := fromWebexID("PEOPLE", p["id"].(string))
	if ref := e.getJSON("/v1/users/"+usr+"/e911", acmeToken); ref["city"] != "Denver" || ref["status"] != "valid" {
		t.Errorf("reference e911: %v", ref)
	}
	e.must(204, e.request("PUT", num, wxToken, map[string]any{}))
	e.wantError(e.request("GET", "/v1/users/"+usr+"/e911", acmeToken, nil), 404, "not_found", "")
}

func TestWebexActivationEmails(t *testing.T) {
	e := newWebexEnv(t)
	org := DemoWebexOrgAcme
	// Two subscribers waiting for the user (one without an email), one provisioned.
	e.bwUser("wait@acme.example", "wait@acme.example")
	e.subscribe("wait@acme.example")
	e.bwUser("", "noemail@acme.example")
	e.subscribe("noemail@acme.example")
	e.bwUser("done@acme.example", "done@acme.example")
	e.subscribe("done@acme.example")
	e.tick(3)
	// (wait@ is provisioned by now too unless it waits: demo pending. users do, others do not)
	e.bwUser("pending.x@acme.example", "pending.x@acme.example")
	e.subscribe("pending.x@acme.example")
	e.tick(2)

	start := "/v1/identity/organizations/" + url.PathEscape(org) + "/jobs/sendActivationEmails"
	job := e.must(202, e.request("POST", start, wxToken, nil)).obj(t)
	if job["latestExecutionStatus"] != "STARTING" || job["targetCustomerId"] != org {
		t.Fatalf("job: %v", job)
	}
	e.wantWebexError(e.request("POST", start, wxToken, nil), 409, 0, "still running")
	status := start + "/" + job["id"].(string) + "/status"
	e.tick(1)
	if got := e.getJSON(status, wxToken); got["latestExecutionStatus"] != "STARTED" {
		t.Errorf("after a tick: %v", got)
	}
	e.tick(1)
	got := e.getJSON(status, wxToken)
	counts := got["counts"].(map[string]any)
	if got["latestExecutionStatus"] != "COMPLETED" || got["latestExecutionExitCode"] != "COMPLETED_WITH_ERRORS" ||
		counts["userResendInviteSent"] != float64(1) || counts["userResendInviteFailed"] != float64(1) ||
		counts["totalUsers"] != float64(4) {
		t.Errorf("completed job: %v", got)
	}
	errs := e.getJSON(start+"/"+job["id"].(string)+"/errors", wxToken)["items"].([]any)
	if len(errs) != 1 {
		t.Errorf("errors: %v", errs)
	}
	// The next job may start now.
	e.must(202, e.request("POST", start, wxToken, nil))
	e.wantWebexError(e.request("GET", "/v1/identity/organizations/"+url.PathEscape(DemoWebexOrgGlobex)+"/jobs/sendActivationEmails/"+
		job["id"].(string)+"/status", wxToken, nil), 404, 0, "Job")
	e.wantWebexError(e.request("POST", "/v1/identity/organizations/bogus/jobs/sendActivationEmails", wxToken, nil), 404, 0, "Organization")
}

func TestWebexCustomerAdminToken(t *testing.T) {
	e := newWebexEnv(t)
	// The acme admin creates people without orgId (its only organisation) and sees only acme.
	p := e.must(200, e.request("POST", "/v1/people", DemoWebexAcmeToken, map[string]any{"emails": []string{"own@acme.example"},
		"displayName": "Own Person"})).obj(t)
	if p["orgId"] != DemoWebexOrgAcme || p["firstName"] != "Own" || p["lastName"] != "Person" {
		t.Errorf("person: %v", p)
	}
	if n := len(e.must(200, e.request("GET", "/v1/locations", DemoWebexAcmeToken, nil)).items(t)); n != 2 {
		t.Errorf("acme admin sees %d locations", n)
	}
	e.wantWebexError(e.request("GET", "/v1/locations/"+DemoWebexLocation(DemoGroupTokyo), DemoWebexAcmeToken, nil), 404, 0, "Location")
	e.wantWebexError(e.request("GET", "/v1/people?orgId="+url.QueryEscape(DemoWebexOrgGlobex), DemoWebexAcmeToken, nil), 404, 0, "Organization")
	if n := len(e.must(200, e.request("GET", "/v1/wholesale/customers", DemoWebexAcmeToken, nil)).items(t)); n != 1 {
		t.Errorf("acme admin sees %d customers", n)
	}
}

func TestWebexLatency(t *testing.T) {
	e := newWebexEnv(t)
	e.s.SetLatency(150 * time.Millisecond)
	start := time.Now()
	e.must(200, e.request("GET", "/v1/locations", wxToken, nil))
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered in %v despite 150ms latency", d)
	}
}
