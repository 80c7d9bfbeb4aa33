package sandbox

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

const acmeUserID = "7205551250@acme.example"

// addUserBody is a UserAddRequest22V2 of ent_acme/grp_denver (extra: elements after
// callingLineIdFirstName, in schema order).
func addUserBody(userID, first, last, extra string) string {
	return `<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId><userId>` + userID + `</userId>` +
		`<lastName>` + last + `</lastName><firstName>` + first + `</firstName>` +
		`<callingLineIdLastName>` + last + `</callingLineIdLastName><callingLineIdFirstName>` + first + `</callingLineIdFirstName>` + extra
}

func userIDBody(id string) string { return "<userId>" + id + "</userId>" }

// TestOCIPUserLifecycle runs every user command through both transports against one store: what
// OCI-P writes, the reference contract reads, and the other way round.
func TestOCIPUserLifecycle(t *testing.T) {
	for _, kind := range ocipTransports {
		t.Run(kind, func(t *testing.T) {
			e := newOCIPEnv(t).sub(t)
			c := e.admin(t, kind)

			// Add with a national DN, extension, email, address, department, time zone and password.
			c.ok("UserAddRequest22V2", addUserBody(acmeUserID, "Ada", "Lovelace",
				`<phoneNumber>7205551250</phoneNumber><extension>1250</extension><password>Str0ng!Pass</password>`+
					`<department xsi:type="EnterpriseDepartmentKey"><serviceProviderId>ent_acme</serviceProviderId><name>Engineering</name></department>`+
					`<timeZone>America/New_York</timeZone><mobilePhoneNumber>+1-7205550000</mobilePhoneNumber>`+
					`<emailAddress>ada@acme.example</emailAddress>`+
					`<address><addressLine1>1 Main St</addressLine1><city>Denver</city><stateOrProvince>CO</stateOrProvince>`+
					`<zipOrPostalCode>80202</zipOrPostalCode><country>US</country></address>`))
			wantOCIPError(t, c.one("UserAddRequest22V2", addUserBody(strings.ToUpper(acmeUserID), "Ada", "Lovelace", "")),
				"[Error 4200] User already exists: ")
			wantOCIPError(t, c.one("UserAddRequest22V2", addUserBody("nodomain", "A", "B", "")), "[Error 19006] ")

			g := c.ok("UserGetRequest23V2", userIDBody(acmeUserID))
			wantType(t, g, "UserGetResponse23V2")
			for k, want := range map[string]string{"serviceProviderId": "ent_acme", "groupId": "grp_denver", "userId": acmeUserID,
				"lastName": "Lovelace", "firstName": "Ada", "callingLineIdFirstName": "Ada", "phoneNumber": "7205551250",
				"extension": "1250", "countryCode": "1", "emailAddress": "ada@acme.example", "timeZone": "America/New_York",
				"mobilePhoneNumber": "+17205550000", "departmentFullPath": "Engineering", "language": "English"} {
				if got := g.child(k).valueOr(); got != want {
					t.Errorf("UserGetResponse23V2 %s = %q, want %q", k, got, want)
				}
			}
			if got := g.child("timeZoneDisplayName").valueOr(); got != "(GMT-05:00) America/New_York" {
				t.Errorf("timeZoneDisplayName %q", got)
			}
			if a := g.child("address"); a == nil || a.child("city").valueOr() != "Denver" || a.child("zipOrPostalCode").valueOr() != "80202" {
				t.Errorf("address not returned")
			}

			// The reference contract sees the same user, number and address.
			items := e.must(http.StatusOK, e.request("GET", "/v1/enterprises/ent_acme/users?email=ada@acme.example&include=number,e911", acmeToken, nil)).items(t)
			if len(items) != 1 {
				t.Fatalf("REST sees %d users", len(items))
			}
			usr := items[0]["id"].(string)
			num := e.must(http.StatusOK, e.request("GET", "/v1/users/"+usr+"/number", acmeToken, nil)).obj(t)
			if num["phoneNumber"] != "+17205551250" || num["extension"] != "1250" || num["numberState"] != "inactive" {
				t.Fatalf("REST number %v", num)
			}

			// Activate the DN; the lists show it.
			c.ok("GroupDnActivateListRequest", `<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId><phoneNumber>+1-7205551250</phoneNumber>`)
			if st := e.must(http.StatusOK, e.request("GET", "/v1/users/"+usr+"/number", acmeToken, nil)).obj(t)["numberState"]; st != "active" {
				t.Fatalf("number state after GroupDnActivateListRequest: %v", st)
			}
			av := c.ok("GroupDnGetAvailableListRequest", `<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>`)
			dns := av.children("phoneNumber")
			if len(dns) != 99 || dns[0].text != "+1-7205551200" {
				t.Fatalf("%d available DNs, first %q", len(dns), dns[0].text)
			}
			for _, d := range dns {
				if d.text == "+1-7205551250" {
					t.Fatal("the assigned DN is listed as available")
				}
			}
			asg := c.ok("GroupDnGetAssignmentListRequest18", `<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>`+
				`<searchCriteriaDn><mode>Contains</mode><value>555125</value><isCaseInsensitive>true</isCaseInsensitive></searchCriteriaDn>`).child("dnTable")
			if got := col(t, asg, "User Id"); len(got) != 10 || got[0] != acmeUserID {
				t.Fatalf("dnTable user ids %v", got)
			}
			if got := col(t, asg, "Activated"); got[0] != "true" || got[1] != "false" {
				t.Fatalf("dnTable activated %v", got)
			}

			// Lists with search criteria.
			lst := c.ok("UserGetListInGroupRequest", `<serviceProviderId>ent_acme</serviceProviderId><GroupId>grp_denver</GroupId>`+
				`<searchCriteriaUserLastName><mode>Starts With</mode><value>love</value><isCaseInsensitive>true</isCaseInsensitive></searchCriteriaUserLastName>`).child("userTable")
			if got := col(t, lst, "User Id"); len(got) != 1 || got[0] != acmeUserID {
				t.Fatalf("user list %v", got)
			}
			if got := col(t, lst, "Phone Number"); got[0] != "+1-7205551250" {
				t.Fatalf("phone column %v", got)
			}
			if got := col(t, lst, "Phone Number Activated"); got[0] != "true" {
				t.Fatalf("activated column %v", got)
			}
			none := c.ok("UserGetListInGroupRequest", `<serviceProviderId>ent_acme</serviceProviderId><GroupId>grp_denver</GroupId>`+
				`<searchCriteriaUserLastName><mode>Starts With</mode><value>love</value><isCaseInsensitive>false</isCaseInsensitive></searchCriteriaUserLastName>`).child("userTable")
			if got := none.children("row"); len(got) != 0 {
				t.Fatalf("case-sensitive search found %d rows", len(got))
			}
			splst := c.ok("UserGetListInServiceProviderRequest", `<serviceProviderId>ent_acme</serviceProviderId>`+
				`<searchCriteriaExtension><mode>Equal To</mode><value>1250</value><isCaseInsensitive>true</isCaseInsensitive></searchCriteriaExtension>`).child("userTable")
			if got := col(t, splst, "Group Id"); len(got) != 1 || got[0] != "grp_denver" {
				t.Fatalf("sp list %v", got)
			}

			// Passcode (group rules) and portal password.
			wantOCIPError(t, c.one("UserPortalPasscodeModifyRequest", userIDBody(acmeUserID)+"<newPasscode>1111111</newPasscode>"),
				"[Error 19004] Passcode rule violation: ")
			wantOCIPError(t, c.one("UserPortalPasscodeModifyRequest", userIDBody(acmeUserID)+"<newPasscode>551250</newPasscode>"),
				"[Error 19004] Passcode rule violation: passcode must not be the user's extension or phone number")
			c.ok("UserPortalPasscodeModifyRequest", userIDBody(acmeUserID)+"<newPasscode>482915</newPasscode>")
			wantOCIPError(t, c.one("UserPortalPasscodeModifyRequest", userIDBody(acmeUserID)+"<newPasscode>482915</newPasscode>"),
				"[Error 19004] Passcode rule violation: passcode must not be the previous passcode")
			wantOCIPError(t, c.one("PasswordModifyRequest", userIDBody(acmeUserID)+"<newPassword>weak</newPassword>"),
				"[Error 19005] Password rule violation: ")
			c.ok("PasswordModifyRequest", userIDBody(acmeUserID)+"<newPassword>An0ther!Secret</newPassword>")

			// Integrated IMP: assign, turn on (flow-through provisioning of the Webex subscriber).
			wantOCIPError(t, c.one("UserIntegratedIMPGetRequest21sp1", userIDBody(acmeUserID)), "[Error 19010] Service not assigned: Integrated IMP")
			c.ok("UserServiceAssignListRequest", userIDBody(acmeUserID)+"<serviceName>Integrated IMP</serviceName>")
			if v := c.ok("UserIntegratedIMPGetRequest21sp1", userIDBody(acmeUserID)).child("isActive").valueOr(); v != "false" {
				t.Fatalf("isActive %q", v)
			}
			c.ok("UserIntegratedIMPModifyRequest", userIDBody(acmeUserID)+"<isActive>true</isActive>")
			imp := c.ok("UserIntegratedIMPGetRequest21sp1", userIDBody(acmeUserID))
			if imp.child("isActive").valueOr() != "true" || imp.child("impId").valueOr() != "ada@acme.example" {
				t.Fatalf("imp after modify: active %q id %q", imp.child("isActive").valueOr(), imp.child("impId").valueOr())
			}
			act := e.must(http.StatusOK, e.request("GET", "/v1/users/"+usr+"/activation", acmeToken, nil)).obj(t)
			if act["status"] != "queued" || act["package"] != "webex_calling" {
				t.Fatalf("flow-through activation %v", act)
			}
			// The email is bound while IM&P is on (the reference contract's imp_enabled).
			wantOCIPError(t, c.one("UserModifyRequest22", userIDBody(acmeUserID)+"<emailAddress>other@acme.example</emailAddress>"),
				"[Error 19011] ")

			// Call forwarding.
			c.ok("UserCallForwardingAlwaysModifyRequest", userIDBody(acmeUserID)+"<isActive>true</isActive><forwardToPhoneNumber>+1-7205551299</forwardToPhoneNumber>")
			cfa := c.ok("UserCallForwardingAlwaysGetRequest", userIDBody(acmeUserID))
			if cfa.child("isActive").valueOr() != "true" || cfa.child("forwardToPhoneNumber").valueOr() != "+17205551299" ||
				cfa.child("isRingSplashActive").valueOr() != "false" {
				t.Fatalf("always forwarding %v", cfa.kids)
			}
			wantOCIPError(t, c.one("UserCallForwardingBusyModifyRequest", userIDBody(acmeUserID)+"<isActive>true</isActive>"), "[Error 19006] ")
			c.ok("UserCallForwardingBusyModifyRequest", userIDBody(acmeUserID)+"<isActive>true</isActive><forwardToPhoneNumber>1299</forwardToPhoneNumber>")
			if v := c.ok("UserCallForwardingBusyGetRequest", userIDBody(acmeUserID)).child("forwardToPhoneNumber").valueOr(); v != "1299" {
				t.Fatalf("busy destination %q", v)
			}
			c.ok("UserCallForwardingNoAnswerModifyRequest", userIDBody(acmeUserID)+"<numberOfRings>5</numberOfRings>")
			na := c.ok("UserCallForwardingNoAnswerGetRequest13mp16", userIDBody(acmeUserID))
			if na.child("numberOfRings").valueOr() != "5" || na.child("isActive").valueOr() != "false" {
				t.Fatalf("no-answer forwarding %v", na.kids)
			}
			wantOCIPError(t, c.one("UserCallForwardingNoAnswerModifyRequest", userIDBody(acmeUserID)+"<numberOfRings>0</numberOfRings>"), "[Error 19013] ")
			cf := e.must(http.StatusOK, e.request("GET", "/v1/users/"+usr+"/call-forwarding", acmeToken, nil)).obj(t)
			if cf["always"].(map[string]any)["destination"] != "+17205551299" || cf["noAnswer"].(map[string]any)["rings"] != float64(5) {
				t.Fatalf("REST call forwarding %v", cf)
			}

			// Modify: names, clears (xsi:nil), a new DN, the address.
			c.ok("UserIntegratedIMPModifyRequest", userIDBody(acmeUserID)+"<isActive>false</isActive>")
			c.ok("UserModifyRequest22", userIDBody(acmeUserID)+"<lastName>Byron</lastName><phoneNumber>+17205551251</phoneNumber>"+
				`<extension xsi:nil="true"/><department xsi:type="EnterpriseDepartmentKey" xsi:nil="true"/>`+
				`<mobilePhoneNumber xsi:nil="true"/><emailAddress xsi:nil="true"/>`+
				`<address><addressLine1>2 Side St</addressLine1></address>`)
			g = c.ok("UserGetRequest23V2", userIDBody(acmeUserID))
			if g.child("lastName").valueOr() != "Byron" || g.child("callingLineIdLastName").valueOr() != "Lovelace" ||
				g.child("phoneNumber").valueOr() != "7205551251" || g.child("extension") != nil || g.child("department") != nil ||
				g.child("emailAddress") != nil || g.child("mobilePhoneNumber") != nil ||
				g.child("address").child("addressLine1").valueOr() != "2 Side St" || g.child("address").child("city").valueOr() != "Denver" {
				t.Fatalf("after modify: %s", dumpKids(g))
			}
			wantOCIPError(t, c.one("UserModifyRequest22", userIDBody(acmeUserID)+"<phoneNumber>+33634333200</phoneNumber>"),
				"[Error 19003] Phone number not available in group: ")
			wantOCIPError(t, c.one("UserModifyRequest22", userIDBody(acmeUserID)+"<phoneNumber>634333200</phoneNumber>"),
				"[Error 19003] Phone number not available in group: 634333200")
			c.ok("UserModifyRequest22", userIDBody(acmeUserID)+"<phoneNumber>17205551252</phoneNumber>")
			c.ok("UserModifyRequest22", userIDBody(acmeUserID)+"<phoneNumber>7205551251</phoneNumber>")
			other := e.createUser(acmeToken, map[string]any{"lastName": "Holder"})
			e.must(http.StatusOK, e.request("PUT", "/v1/users/"+other["id"].(string)+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551260", "extension": "1260"}))
			wantOCIPError(t, c.one("UserModifyRequest22", userIDBody(acmeUserID)+"<phoneNumber>7205551260</phoneNumber>"),
				"[Error 19001] Phone number already in use: +17205551260")
			wantOCIPError(t, c.one("UserModifyRequest22", userIDBody(acmeUserID)+"<extension>1260</extension>"),
				"[Error 19002] Extension already in use: 1260")
			// The user created through the reference contract has an OCI-P id of its own.
			otherID := other["id"].(string) + "@ent_acme.invalid"
			if v := c.ok("UserGetRequest23V2", userIDBody(otherID)).child("phoneNumber").valueOr(); v != "7205551260" {
				t.Fatalf("REST user over OCI-P: phone %q", v)
			}

			// Delete.
			c.ok("UserDeleteRequest", userIDBody(acmeUserID))
			wantOCIPError(t, c.one("UserDeleteRequest", userIDBody(acmeUserID)), "[Error 4008] User not found: "+acmeUserID)
			e.must(http.StatusNotFound, e.request("GET", "/v1/users/"+usr, acmeToken, nil))
		})
	}
}

func dumpKids(n *xnode) string {
	var b strings.Builder
	for _, k := range n.kids {
		b.WriteString(k.name + "=" + k.value() + " ")
	}
	return b.String()
}

// TestOCIPGroupCommands covers the service provider and group reads and the rules.
func TestOCIPGroupCommands(t *testing.T) {
	for _, kind := range ocipTransports {
		t.Run(kind, func(t *testing.T) {
			e := newOCIPEnv(t).sub(t)
			c := e.admin(t, kind)
			sp := c.ok("ServiceProviderGetRequest22V4", "<serviceProviderId>ent_acme</serviceProviderId>")
			if sp.child("serviceProviderName").valueOr() != "Acme Corp" || sp.child("isEnterprise").valueOr() != "true" {
				t.Fatalf("service provider %s", dumpKids(sp))
			}
			g := c.ok("GroupGetRequest22V5", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_paris</groupId>")
			if g.child("groupName").valueOr() != "Paris" || g.child("timeZone").valueOr() != "Europe/Paris" || g.child("userCount").valueOr() != "0" {
				t.Fatalf("group %s", dumpKids(g))
			}
			gl := c.ok("GroupGetListInServiceProviderRequest", "<serviceProviderId>ent_acme</serviceProviderId>").child("groupTable")
			if got := strings.Join(col(t, gl, "Group Id"), ","); got != "grp_denver,grp_paris" {
				t.Fatalf("groups %s", got)
			}
			gl = c.ok("GroupGetListInServiceProviderRequest", "<serviceProviderId>ent_acme</serviceProviderId>"+
				"<searchCriteriaGroupName><mode>Contains</mode><value>ari</value><isCaseInsensitive>true</isCaseInsensitive></searchCriteriaGroupName>").child("groupTable")
			if got := strings.Join(col(t, gl, "Group Name"), ","); got != "Paris" {
				t.Fatalf("groups by name %s", got)
			}
			wantOCIPError(t, c.one("GroupGetRequest22V5", "<serviceProviderId>ent_acme</serviceProviderId><groupId>nope</groupId>"),
				"[Error 4152] Group not found: ent_acme:nope")

			pr := c.ok("GroupPortalPasscodeRulesGetRequestRI", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>")
			if pr.child("useRuleLevel").valueOr() != "Service Provider" || pr.child("minCodeLength").valueOr() != "6" ||
				pr.child("maxCodeLength").valueOr() != "10" || pr.child("numberOfRepeatedDigits").valueOr() != "5" {
				t.Fatalf("passcode rules %s", dumpKids(pr))
			}
			pw := c.ok("GroupPasswordRulesGetRequestRI", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>")
			if pw.child("minLength").valueOr() != "6" {
				t.Fatalf("password rules %s", dumpKids(pw))
			}
			up := c.ok("UserPortalPasscodeRulesGetRequest", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>")
			wantType(t, up, "UserPortalPasscodeRulesGetResponse")
		})
	}
}

// TestOCIPGroupRules: a group's own rules apply on both front-ends and show at level Group.
func TestOCIPGroupRules(t *testing.T) {
	e := newOCIPEnv(t)
	pol := rules.DefaultPasscodePolicy()
	pol.MinLength, pol.MaxLength, pol.PasswordMinLength = 8, 12, 10
	if err := e.s.SetGroupPasscodePolicy(DemoGroupDenver, pol); err != nil {
		t.Fatal(err)
	}
	c := e.admin(t, "tcp")
	pr := c.ok("GroupPortalPasscodeRulesGetRequestRI", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>")
	if pr.child("useRuleLevel").valueOr() != "Group" || pr.child("minCodeLength").valueOr() != "8" || pr.child("maxCodeLength").valueOr() != "12" {
		t.Fatalf("passcode rules %s", dumpKids(pr))
	}
	if v := c.ok("GroupPasswordRulesGetRequestRI", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>").child("minLength").valueOr(); v != "10" {
		t.Fatalf("password minLength %s", v)
	}
	// Paris keeps the enterprise's.
	if v := c.ok("GroupPortalPasscodeRulesGetRequestRI", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_paris</groupId>").child("minCodeLength").valueOr(); v != "6" {
		t.Fatalf("paris minCodeLength %s", v)
	}
	c.ok("UserAddRequest22V2", addUserBody(acmeUserID, "Ada", "Lovelace", ""))
	wantOCIPError(t, c.one("UserPortalPasscodeModifyRequest", userIDBody(acmeUserID)+"<newPasscode>482915</newPasscode>"), "[Error 19004] ")
	c.ok("UserPortalPasscodeModifyRequest", userIDBody(acmeUserID)+"<newPasscode>48291573</newPasscode>")
	// The reference contract applies the group's rules too.
	u := e.createUser(acmeToken, nil)
	e.wantError(e.request("PUT", "/v1/users/"+u["id"].(string)+"/voicemail/passcode", acmeToken, map[string]any{"passcode": "482915"}),
		http.StatusUnprocessableEntity, "passcode_length", "passcode")
}

// TestOCIPScope: a service-provider login sees its enterprise only; a system login sees all.
func TestOCIPScope(t *testing.T) {
	e := newOCIPEnv(t)
	globexUser := e.must(http.StatusCreated, e.request("POST", "/v1/enterprises/ent_globex/users", globexToken,
		map[string]any{"groupId": DemoGroupTokyo, "firstName": "Taro", "lastName": "Yamada"})).obj(t)["id"].(string)
	gid := globexUser + "@ent_globex.invalid"
	c := e.admin(t, "soap")
	wantOCIPError(t, c.one("UserGetRequest23V2", userIDBody(gid)), "[Error 4008] User not found: "+gid)
	wantOCIPError(t, c.one("GroupGetRequest22V5", "<serviceProviderId>ent_globex</serviceProviderId><groupId>grp_tokyo</groupId>"),
		"[Error 19008] Service Provider not found: ent_globex")
	wantOCIPError(t, c.one("UserGetListInServiceProviderRequest", "<serviceProviderId>ent_globex</serviceProviderId>"), "[Error 19008] ")
	wantOCIPError(t, c.one("UserAddRequest22V2", strings.Replace(addUserBody("x@globex.example", "A", "B", ""), "ent_acme", "ent_globex", 1)), "[Error 19008] ")
	sys := e.dial(t, "tcp").login(DemoOCIPSystemAdmin, DemoOCIPSystemPassword)
	g := sys.ok("UserGetRequest23V2", userIDBody(gid))
	if g.child("countryCode").valueOr() != "81" || g.child("timeZone").valueOr() != "Asia/Tokyo" {
		t.Fatalf("globex user %s", dumpKids(g))
	}
	wantType(t, sys.one("UserGetListInServiceProviderRequest", "<serviceProviderId>ent_globex</serviceProviderId>"), "UserGetListInServiceProviderResponse")
}
