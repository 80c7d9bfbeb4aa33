package sandbox

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestWebexAuthAndScopes(t *testing.T) {
	e := newWebexEnv(t)
	// The acme reference token is not a Webex token.
	for _, tok := range []string{"", "nope", acmeToken} {
		r := e.request("GET", "/v1/broadworks/subscribers", tok, nil)
		e.wantWebexError(r, 401, 0, "access token")
	}
	r := e.request("GET", "/v1/broadworks/subscribers", "", nil, "TrackingID", "CLIENT_abc-1")
	if m := e.wantWebexError(r, 401, 0, ""); m["trackingId"] != "CLIENT_abc-1" {
		t.Errorf("trackingId %v, want the request's", m["trackingId"])
	}
	if err := e.s.AddWebexToken(WebexToken{Token: "read-only", Scopes: []string{ScopeBroadWorksSubscribersRead}}); err != nil {
		t.Fatal(err)
	}
	e.must(200, e.request("GET", "/v1/broadworks/subscribers", "read-only", nil))
	r = e.request("POST", "/v1/broadworks/subscribers", "read-only", map[string]any{"userId": "x"})
	e.wantWebexError(r, 403, 0, ScopeBroadWorksSubscribersWrite)
	e.wantWebexError(e.request("GET", "/v1/broadworks/enterprises", "read-only", nil), 403, 0, ScopeBroadWorksEnterprisesRead)

	// An expired token is unknown.
	if err := e.s.AddWebexToken(WebexToken{Token: "old", Scopes: WebexScopes, ExpiresAt: testClock.Add(-time.Second)}); err != nil {
		t.Fatal(err)
	}
	e.wantWebexError(e.request("GET", "/v1/broadworks/subscribers", "old", nil), 401, 0, "")

	// A token limited to ent_globex sees neither acme's subscribers nor its enterprise.
	if err := e.s.AddWebexToken(WebexToken{Token: "globex-only", Scopes: WebexScopes, Enterprises: []string{DemoEnterpriseGlobex}}); err != nil {
		t.Fatal(err)
	}
	e.bwUser("scope@acme.example", "scope@acme.example")
	sub := e.subscribe("scope@acme.example")
	e.wantWebexError(e.request("GET", "/v1/broadworks/subscribers/"+sub["id"].(string), "globex-only", nil), 404, 0, "not found")
	if items := e.must(200, e.request("GET", "/v1/broadworks/subscribers", "globex-only", nil)).items(t); len(items) != 0 {
		t.Errorf("globex token lists %d acme subscribers", len(items))
	}
	ents := e.must(200, e.request("GET", "/v1/broadworks/enterprises", "globex-only", nil)).items(t)
	if len(ents) != 1 || ents[0]["spEnterpriseId"] != DemoEnterpriseGlobex {
		t.Errorf("globex token enterprises: %v", ents)
	}
	body := map[string]any{"provisioningId": "p", "userId": "other@acme.example", "spEnterpriseId": DemoEnterpriseAcme,
		"firstName": "A", "lastName": "B", "package": "basic"}
	e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers", "globex-only", body), 404, 0, "Enterprise not found")
}

func TestBroadWorksSubscriberLifecycle(t *testing.T) {
	e := newWebexEnv(t)
	usr := e.bwUser("ada@acme.example", "7205551201@acme.example")
	e.must(200, e.request("PUT", "/v1/users/"+usr+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551201", "extension": "1201"}))

	base := map[string]any{"provisioningId": "prov-1", "userId": "7205551201@acme.example", "spEnterpriseId": DemoEnterpriseAcme,
		"firstName": "Ada", "lastName": "Lovelace", "package": "standard"}
	for _, f := range []string{"provisioningId", "userId", "spEnterpriseId", "firstName", "lastName", "package"} {
		b := map[string]any{}
		for k, v := range base {
			if k != f {
				b[k] = v
			}
		}
		e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers", wxToken, b), 400, 1001, f)
	}
	long := map[string]any{}
	for k, v := range base {
		long[k] = v
	}
	long["firstName"] = strings.Repeat("a", 65)
	e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers", wxToken, long), 400, 1002, "firstName")
	unknown := map[string]any{}
	for k, v := range base {
		unknown[k] = v
	}
	unknown["userId"] = "nobody@acme.example"
	e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers", wxToken, unknown), 404, 0, "nobody@acme.example")

	sub := e.must(200, e.request("POST", "/v1/broadworks/subscribers", wxToken, base)).obj(t)
	want := map[string]any{"userId": "7205551201@acme.example", "spEnterpriseId": DemoEnterpriseAcme, "firstName": "Ada",
		"lastName": "Lovelace", "email": "ada@acme.example", "primaryPhoneNumber": "+17205551201", "extension": "1201",
		"package": "standard", "status": "pending_email_validation", "provisioningId": "prov-1", "selfActivated": false,
		"created": "2026-01-02T03:04:05.000Z"}
	for k, v := range want {
		if sub[k] != v {
			t.Errorf("%s = %v, want %v", k, sub[k], v)
		}
	}
	if _, ok := sub["personId"]; ok {
		t.Errorf("personId before provisioning: %v", sub)
	}
	id := sub["id"].(string)
	if fromWebexID("SUBSCRIBER", id) != usr {
		t.Errorf("subscriber id %s is not the user's", id)
	}
	// The user took the names of the POST; the reference activation is the same row.
	if u := e.getJSON("/v1/users/"+usr, acmeToken); u["firstName"] != "Ada" || u["lastName"] != "Lovelace" {
		t.Errorf("user names %v %v", u["firstName"], u["lastName"])
	}
	if a := e.getJSON("/v1/users/"+usr+"/activation", acmeToken); a["package"] != "webex_meetings" {
		t.Errorf("reference activation package %v", a["package"])
	}
	e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers", wxToken, base), 409, 10022, "already associated")

	path := "/v1/broadworks/subscribers/" + id
	for i, st := range []string{"pending_email_validation", "provisioning", "provisioned", "provisioned"} {
		e.tick(1)
		if got := e.getJSON(path, wxToken)["status"]; got != st {
			t.Fatalf("tick %d: status %v, want %s", i+1, got, st)
		}
	}
	if got := e.getJSON(path, wxToken)["personId"]; got != WebexID("PEOPLE", usr) {
		t.Errorf("personId %v", got)
	}

	// A package change of a provisioned subscriber goes through updating.
	up := e.must(200, e.request("PUT", path, wxToken, map[string]any{"package": "premium", "lastName": "King"})).obj(t)
	if up["status"] != "updating" || up["package"] != "premium" || up["lastName"] != "King" {
		t.Errorf("after PUT: %v", up)
	}
	if a := e.getJSON("/v1/users/"+usr+"/activation", acmeToken); a["status"] != "provisioned" {
		t.Errorf("reference status while updating: %v", a["status"])
	}
	e.tick(1)
	if got := e.getJSON(path, wxToken)["status"]; got != "provisioned" {
		t.Errorf("after tick: %v", got)
	}
	// A PUT that changes nothing leaves it provisioned.
	if got := e.must(200, e.request("PUT", path, wxToken, map[string]any{"package": "premium"})).obj(t)["status"]; got != "provisioned" {
		t.Errorf("no-op PUT: status %v", got)
	}
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"package": "gold"}), 400, 0, "package")
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{"firstName": ""}), 400, 1001, "firstName")

	// Lists and filters.
	items := e.must(200, e.request("GET", "/v1/broadworks/subscribers?spEnterpriseId=ent_acme&status=provisioned,error", wxToken, nil)).items(t)
	if len(items) != 1 || items[0]["id"] != id {
		t.Errorf("filtered list: %v", items)
	}
	for _, q := range []string{"userId=7205551201@ACME.example", "email=ADA@acme.example", "provisioningId=prov-1",
		"personId=" + WebexID("PEOPLE", usr), "after=2026-01-01T00:00:00Z", "after=1767225600000"} {
		if items := e.must(200, e.request("GET", "/v1/broadworks/subscribers?"+q, wxToken, nil)).items(t); len(items) != 1 {
			t.Errorf("%s: %d items", q, len(items))
		}
	}
	for _, q := range []string{"status=pending_email_input", "spEnterpriseId=ent_globex", "after=2026-02-01T00:00:00Z", "selfActivated=true"} {
		if items := e.must(200, e.request("GET", "/v1/broadworks/subscribers?"+q, wxToken, nil)).items(t); len(items) != 0 {
			t.Errorf("%s: %d items", q, len(items))
		}
	}
	e.wantWebexError(e.request("GET", "/v1/broadworks/subscribers?status=gold", wxToken, nil), 400, 0, "status")

	e.must(204, e.request("DELETE", path, wxToken, nil))
	e.wantWebexError(e.request("GET", path, wxToken, nil), 404, 0, "not found")
	e.wantError(e.request("GET", "/v1/users/"+usr+"/activation", acmeToken, nil), 404, "not_found", "")
	e.wantWebexError(e.request("DELETE", path, wxToken, nil), 404, 0, "not found")
}

func TestBroadWorksSubscriberWithoutEmail(t *testing.T) {
	e := newWebexEnv(t)
	usr := e.bwUser("", "noemail@acme.example")
	sub := e.subscribe("noemail@acme.example")
	if sub["status"] != "pending_email_input" {
		t.Fatalf("status %v", sub["status"])
	}
	// Still queued in the store: the status filter uses the status the subscriber shows.
	if items := e.must(200, e.request("GET", "/v1/broadworks/subscribers?status=pending_email_input", wxToken, nil)).items(t); len(items) != 1 {
		t.Errorf("status filter on a queued activation: %v", items)
	}
	if items := e.must(200, e.request("GET", "/v1/broadworks/subscribers?status=pending_email_validation", wxToken, nil)).items(t); len(items) != 0 {
		t.Errorf("status filter: %v", items)
	}
	e.tick(2)
	path := "/v1/broadworks/subscribers/" + sub["id"].(string)
	if got := e.getJSON(path, wxToken)["status"]; got != "pending_email_input" {
		t.Errorf("without an email: %v", got)
	}
	// The user gets an email (the activation portal): it moves on.
	e.must(200, e.request("PATCH", "/v1/users/"+usr, acmeToken, map[string]any{"email": "late@acme.example"}))
	e.tick(1)
	if got := e.getJSON(path, wxToken)["status"]; got != "pending_email_validation" {
		t.Errorf("with an email: %v", got)
	}
}

func TestBroadWorksSubscriberByDerivedUserID(t *testing.T) {
	e := newWebexEnv(t)
	usr := e.createUser(acmeToken, map[string]any{"email": "derived@acme.example"})["id"].(string)
	bw := usr + "@" + DemoEnterpriseAcme + ".invalid"
	sub := e.subscribe(bw)
	if sub["userId"] != bw {
		t.Errorf("userId %v", sub["userId"])
	}
	var got string
	if err := e.s.db.QueryRow(`SELECT bw_user_id FROM users WHERE id = ?`, usr).Scan(&got); err != nil || got != bw {
		t.Errorf("bw_user_id %q, %v", got, err)
	}
	// Another enterprise's suffix does not find it.
	other := e.createUser(acmeToken, nil)["id"].(string)
	body := map[string]any{"provisioningId": "p", "userId": other + "@ent_globex.invalid", "spEnterpriseId": DemoEnterpriseAcme,
		"firstName": "A", "lastName": "B", "package": "basic"}
	e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers", wxToken, body), 404, 0, "not found")
}

func TestBroadWorksSubscriberConsentMove(t *testing.T) {
	e := newWebexEnv(t)
	e.bwUser(DemoExternalWebexAccount, "moving@acme.example")
	// The precheck says the account will wait for consent.
	pre := e.must(200, e.request("POST", "/v1/broadworks/subscribers/validate", wxToken,
		map[string]any{"email": DemoExternalWebexAccount, "userId": "moving@acme.example"})).obj(t)
	if info, _ := pre["info"].(map[string]any); info["infoCode"] != float64(101) {
		t.Errorf("precheck: %v", pre)
	}
	sub := e.subscribe("moving@acme.example")
	if sub["status"] != "pending_user_migration" {
		t.Fatalf("status %v", sub["status"])
	}
	path := "/v1/broadworks/subscribers/" + sub["id"].(string)
	e.tick(2)
	if got := e.getJSON(path, wxToken)["status"]; got != "pending_user_migration" {
		t.Fatalf("waits for consent: %v", got)
	}
	consent := "/v1/subscribers/" + sub["id"].(string) + "/emails/consentMove"
	e.must(204, e.request("POST", consent, wxToken, nil))
	e.wantWebexError(e.request("POST", consent, wxToken, nil), 409, 0, "not waiting")
	if got := e.getJSON(path, wxToken)["status"]; got != "provisioning" {
		t.Fatalf("after consent: %v", got)
	}
	e.tick(1)
	if got := e.getJSON(path, wxToken)["status"]; got != "provisioned" {
		t.Fatalf("after consent and a tick: %v", got)
	}
}

func TestBroadWorksSubscriberError(t *testing.T) {
	e := newWebexEnv(t)
	// Made by the reference contract with an external email: error/email_conflict, shown with
	// errors[] over the Webex front-end.
	usr := e.userWithEmail("ref@acme.example")
	e.setBWUserID(usr, "ref@acme.example")
	e.activate(usr)
	if err := e.s.AddExternalWebexAccount("ref@acme.example"); err != nil {
		t.Fatal(err)
	}
	e.tick(1)
	items := e.must(200, e.request("GET", "/v1/broadworks/subscribers?status=error", wxToken, nil)).items(t)
	if len(items) != 1 {
		t.Fatalf("error subscribers: %v", items)
	}
	errs, _ := items[0]["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["errorCode"] != float64(10010) {
		t.Errorf("errors: %v", items[0]["errors"])
	}
	if items[0]["provisioningId"] != "" || items[0]["package"] != "basic" {
		t.Errorf("reference-made subscriber: %v", items[0])
	}
}

func TestBroadWorksSubscriberValidate(t *testing.T) {
	e := newWebexEnv(t)
	e.bwUser("taken@acme.example", "taken@acme.example")
	writes := e.s.WriteCount()
	pre := e.must(200, e.request("POST", "/v1/broadworks/subscribers/validate", wxToken, map[string]any{"email": "free@acme.example"})).obj(t)
	if pre["message"] != "success" || pre["info"].(map[string]any)["infoCode"] != float64(100) {
		t.Errorf("precheck: %v", pre)
	}
	if e.s.WriteCount() != writes {
		t.Errorf("the precheck counted as a write")
	}
	e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers/validate", wxToken, map[string]any{}), 400, 1001, "email")
	e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers/validate", wxToken, map[string]any{"email": "bad"}), 400, 0, "email")
	e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers/validate", wxToken, map[string]any{"email": "taken@acme.example"}), 409, 0, "another user")
	// The user itself may keep its email.
	e.must(200, e.request("POST", "/v1/broadworks/subscribers/validate", wxToken, map[string]any{"email": "taken@acme.example",
		"userId": "taken@acme.example"}))
	e.subscribe("taken@acme.example")
	e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers/validate", wxToken, map[string]any{"email": "taken@acme.example",
		"userId": "taken@acme.example"}), 409, 10022, "already associated")
}

func TestBroadWorksSubscriberPaging(t *testing.T) {
	e := newWebexEnv(t)
	for i := range 5 {
		bw := "page" + string(rune('a'+i)) + "@acme.example"
		e.bwUser(bw, bw)
		e.subscribe(bw)
	}
	seen := map[string]bool{}
	link := "/v1/broadworks/subscribers?max=2&spEnterpriseId=ent_acme"
	pages := 0
	for link != "" {
		r := e.must(200, e.request("GET", link, wxToken, nil))
		for _, it := range r.items(t) {
			if seen[it["id"].(string)] {
				t.Errorf("subscriber %v twice", it["id"])
			}
			seen[it["id"].(string)] = true
		}
		link = nextLink(r.header)
		if link != "" && linkParam(t, link, "spEnterpriseId") != "ent_acme" {
			t.Errorf("next link lost the filter: %s", link)
		}
		pages++
	}
	if len(seen) != 5 || pages != 3 {
		t.Errorf("%d subscribers in %d pages", len(seen), pages)
	}
	// An oversize max gets the maximum (100); max 0 is refused.
	e.must(200, e.request("GET", "/v1/broadworks/subscribers?max=5000", wxToken, nil))
	e.wantWebexError(e.request("GET", "/v1/broadworks/subscribers?max=0", wxToken, nil), 400, 0, "max")
	e.wantWebexError(e.request("GET", "/v1/broadworks/subscribers?cursor=zzz", wxToken, nil), 400, 0, "cursor")
}

func TestBroadWorksEnterprisesAndDirectorySync(t *testing.T) {
	e := newWebexEnv(t)
	items := e.must(200, e.request("GET", "/v1/broadworks/enterprises?spEnterpriseId=ent_acme", wxToken, nil)).items(t)
	if len(items) != 1 || items[0]["orgId"] != DemoWebexOrgAcme || items[0]["id"] != WebexID("ENTERPRISE", DemoEnterpriseAcme) {
		t.Fatalf("enterprises: %v", items)
	}
	if all := e.must(200, e.request("GET", "/v1/broadworks/enterprises?startsWith=ent_", wxToken, nil)).items(t); len(all) != 2 {
		t.Errorf("startsWith: %v", all)
	}
	r := e.must(200, e.request("GET", "/v1/broadworks/enterprises?max=1", wxToken, nil))
	if len(r.items(t)) != 1 || nextLink(r.header) == "" {
		t.Errorf("paging: %s %v", r.body, r.header)
	}
	path := "/v1/broadworks/enterprises/" + items[0]["id"].(string) + "/broadworksDirectorySync"
	ds := e.getJSON(path, wxToken)
	if ds["enableDirSync"] != true || ds["directorySyncStatus"].(map[string]any)["syncStatus"] != "NOT_SYNCED" {
		t.Errorf("initial: %v", ds)
	}
	e.wantWebexError(e.request("POST", path, wxToken, map[string]any{"syncStatus": "LATER"}), 400, 0, "SYNC_NOW")
	e.wantWebexError(e.request("POST", path, wxToken, map[string]any{}), 400, 1001, "syncStatus")
	got := e.must(200, e.request("POST", path, wxToken, map[string]any{"syncStatus": "SYNC_NOW"})).obj(t)
	if got["directorySyncStatus"].(map[string]any)["syncStatus"] != "IN_PROGRESS" {
		t.Errorf("SYNC_NOW: %v", got)
	}
	// No provisioned user: the reference rule fails the sync.
	e.tick(2)
	st := e.getJSON(path, wxToken)["directorySyncStatus"].(map[string]any)
	if st["syncStatus"] != "FAILED" || st["errors"] == nil || st["lastSyncEndTime"] == nil {
		t.Errorf("failed sync: %v", st)
	}
	// With a provisioned subscriber it completes, and the hold refuses the next one.
	e.bwUser("sync@acme.example", "sync@acme.example")
	e.subscribe("sync@acme.example")
	e.tick(2)
	e.must(200, e.request("POST", path, wxToken, map[string]any{"syncStatus": "SYNC_NOW"}))
	e.tick(2)
	st = e.getJSON(path, wxToken)["directorySyncStatus"].(map[string]any)
	if st["syncStatus"] != "COMPLETE" || st["lastSuccessfulSyncTime"] == nil || st["usersUpdated"] != float64(1) {
		t.Errorf("complete sync: %v", st)
	}
	e.wantWebexError(e.request("POST", path, wxToken, map[string]any{"syncStatus": "SYNC_NOW"}), 409, 0, "24 hours")
	// Disabled: SYNC_NOW is refused.
	off := e.must(200, e.request("PUT", path, wxToken, map[string]any{"enableDirSync": false})).obj(t)
	if off["enableDirSync"] != false {
		t.Errorf("PUT: %v", off)
	}
	e.wantWebexError(e.request("POST", path, wxToken, map[string]any{"syncStatus": "SYNC_NOW"}), 400, 0, "disabled")
	e.wantWebexError(e.request("PUT", path, wxToken, map[string]any{}), 400, 1001, "enableDirSync")
	e.wantWebexError(e.request("GET", "/v1/broadworks/enterprises/"+url.PathEscape(WebexID("ENTERPRISE", "ent_nope"))+
		"/broadworksDirectorySync", wxToken, nil), 404, 0, "not found")
}

func TestWebexAccessToken(t *testing.T) {
	now := testClock
	e := newWebexEnv(t, func(o *Options) {
		o.WebexTokenLifetime = time.Minute
		o.Now = func() time.Time { return now }
	})
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {DemoWebexClientID},
		"client_secret": {DemoWebexClientSecret}, "refresh_token": {DemoWebexRefreshToken}}
	ct := []string{"Content-Type", "application/x-www-form-urlencoded"}
	r := e.must(200, e.request("POST", "/v1/access_token", "", form.Encode(), ct...))
	tok := r.obj(t)
	if tok["expires_in"] != float64(60) || tok["token_type"] != "Bearer" || tok["access_token"] == "" {
		t.Fatalf("token answer: %s", r.body)
	}
	access := tok["access_token"].(string)
	e.must(200, e.request("GET", "/v1/broadworks/subscribers", access, nil))
	now = now.Add(time.Minute)
	e.s.SetNow(func() time.Time { return now })
	e.wantWebexError(e.request("GET", "/v1/broadworks/subscribers", access, nil), 401, 0, "access token")

	for name, change := range map[string][2]string{
		"grant":   {"grant_type", "client_credentials"},
		"secret":  {"client_secret", "wrong"},
		"refresh": {"refresh_token", "wrong"},
		"missing": {"client_id", ""},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set(change[0], change[1])
		r := e.request("POST", "/v1/access_token", "", f.Encode(), ct...)
		if r.status != http.StatusBadRequest && r.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d", name, r.status)
		}
		if name == "secret" {
			e.wantWebexError(r, 401, 0, "invalid_client")
		}
	}
}

func TestWebexFaultsAndRateLimit(t *testing.T) {
	e := newWebexEnv(t)
	e.s.InjectFault(Fault{Pattern: "/v1/broadworks/subscribers", Method: "GET", Kind: FaultStatus503})
	e.wantWebexError(e.request("GET", "/v1/broadworks/subscribers", wxToken, nil), 503, 0, "injected")
	e.s.InjectFault(Fault{Pattern: "/v1/broadworks/subscribers", Method: "GET", Kind: FaultStatus429})
	r := e.request("GET", "/v1/broadworks/subscribers", wxToken, nil)
	e.wantWebexError(r, 429, 0, "injected")
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// (a POST: the HTTP client retries an idempotent request on a reused connection)
	e.s.InjectFault(Fault{Pattern: "POST /v1/broadworks/subscribers/validate", Kind: FaultReset})
	if r := e.request("POST", "/v1/broadworks/subscribers/validate", wxToken, map[string]any{"email": "a@b.example"}); r.err == nil {
		t.Errorf("reset fault: status %d", r.status)
	}
	// After commit: the subscriber exists although the answer was a 500.
	e.bwUser("fault@acme.example", "fault@acme.example")
	e.s.InjectFault(Fault{Pattern: "POST /v1/broadworks/subscribers", Kind: FaultAfterCommit})
	body := map[string]any{"provisioningId": "p", "userId": "fault@acme.example", "spEnterpriseId": DemoEnterpriseAcme,
		"firstName": "A", "lastName": "B", "package": "basic"}
	e.wantWebexError(e.request("POST", "/v1/broadworks/subscribers", wxToken, body), 500, 0, "after commit")
	if items := e.must(200, e.request("GET", "/v1/broadworks/subscribers?userId=fault@acme.example", wxToken, nil)).items(t); len(items) != 1 {
		t.Errorf("after-commit fault: %d subscribers", len(items))
	}
	e.s.SetRateLimit(1, 1)
	e.must(200, e.request("GET", "/v1/broadworks/enterprises", wxToken, nil))
	r = e.request("GET", "/v1/broadworks/enterprises", wxToken, nil)
	e.wantWebexError(r, 429, 0, "Too Many Requests")
	if r.header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	e.s.SetRateLimit(0, 0)
}

func TestBroadWorksDerivedUserIDShown(t *testing.T) {
	e := newWebexEnv(t)
	// A subscriber made by the reference contract for a user without a BroadWorks user id shows
	// the id the OCI-P front-end would give it, and is found by it.
	usr := e.userWithEmail("derived-view@acme.example")
	e.activate(usr)
	bw := usr + "@ent_acme.invalid"
	items := e.must(200, e.request("GET", "/v1/broadworks/subscribers?userId="+url.QueryEscape(bw), wxToken, nil)).items(t)
	if len(items) != 1 || items[0]["userId"] != bw {
		t.Errorf("by derived userId: %v", items)
	}
}

func TestFlowThroughSubscribe(t *testing.T) {
	e := newWebexEnv(t)
	withEmail := e.bwUser("flow@acme.example", "flow@acme.example")
	without := e.bwUser("", "flow-none@acme.example")
	ctx := t.Context()
	err := e.s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range []string{withEmail, without, withEmail} { // the second call for withEmail changes nothing
			u, err := loadUser(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := e.s.flowThroughSubscribe(ctx, tx, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	items := e.must(200, e.request("GET", "/v1/broadworks/subscribers?spEnterpriseId=ent_acme", wxToken, nil)).items(t)
	if len(items) != 1 || items[0]["userId"] != "flow@acme.example" || items[0]["provisioningId"] != "flow-through" ||
		items[0]["package"] != "basic" {
		t.Errorf("flow-through subscribers: %v", items)
	}
}
