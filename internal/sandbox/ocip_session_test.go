package sandbox

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSignPassword(t *testing.T) {
	// OCIP.md: password "password", nonce "1234567890123" (recomputed against nigelm's fake server).
	if got := signPassword("1234567890123", sha1Hex("password")); got != "77e4a6de3a1e00be05e121cf0ebee860" {
		t.Fatalf("signPassword = %s", got)
	}
}

// TestOCIPLogins: plain and signed logins, wrong passwords, logout, on both transports.
func TestOCIPLogins(t *testing.T) {
	for _, kind := range ocipTransports {
		t.Run(kind, func(t *testing.T) {
			e := newOCIPEnv(t)
			c := e.dial(t, kind)
			wantOCIPError(t, c.one("LoginRequest22V5", "<userId>"+DemoOCIPAdmin+"</userId><password>wrong</password>"), "[Error 4962] Invalid password")
			wantOCIPError(t, c.one("LoginRequest22V5", "<userId>nobody@ocip.example</userId><password>"+DemoOCIPPassword+"</password>"), "[Error 4962] Invalid password")
			wantOCIPError(t, c.one("LoginRequest22V5", "<userId>"+DemoOCIPAdmin+"</userId>"), "[Error 4962] Invalid password")

			// Two-stage: nonce, then the signed password.
			auth := c.ok("AuthenticationRequest", "<userId>"+DemoOCIPAdmin+"</userId>")
			wantType(t, auth, "AuthenticationResponse")
			nonce := auth.child("nonce").valueOr()
			if len(nonce) != 13 || auth.child("passwordAlgorithm").valueOr() != "MD5" {
				t.Fatalf("authentication response %s", dumpKids(auth))
			}
			wantOCIPError(t, c.one("LoginRequest14sp4", "<userId>"+DemoOCIPAdmin+"</userId><signedPassword>"+signPassword(nonce, sha1Hex("wrong"))+"</signedPassword>"),
				"[Error 4962] Invalid password")
			// A nonce serves one attempt.
			wantOCIPError(t, c.one("LoginRequest14sp4", "<userId>"+DemoOCIPAdmin+"</userId><signedPassword>"+signPassword(nonce, sha1Hex(DemoOCIPPassword))+"</signedPassword>"),
				"[Error 4962] Invalid password")
			nonce = c.ok("AuthenticationRequest", "<userId>"+DemoOCIPAdmin+"</userId>").child("nonce").valueOr()
			lr := c.ok("LoginRequest14sp4", "<userId>"+DemoOCIPAdmin+"</userId><signedPassword>"+signPassword(nonce, sha1Hex(DemoOCIPPassword))+"</signedPassword>")
			wantType(t, lr, "LoginResponse14sp4")
			if lr.child("loginType").valueOr() != "Service Provider" || lr.child("serviceProviderId").valueOr() != "ent_acme" ||
				lr.child("encoding").valueOr() != "ISO-8859-1" {
				t.Fatalf("login response %s", dumpKids(lr))
			}
			wantType(t, c.one("ServiceProviderGetRequest22V4", "<serviceProviderId>ent_acme</serviceProviderId>"), "ServiceProviderGetResponse22V4")
			wantType(t, c.one("LogoutRequest", "<userId>"+DemoOCIPAdmin+"</userId><reason>Client Logout</reason>"), "SuccessResponse")
			r := c.send(c.document(cmd("ServiceProviderGetRequest22V4", "<serviceProviderId>ent_acme</serviceProviderId>")))
			wantNotLoggedIn(t, kind, r)

			// The system login.
			s := e.dial(t, kind)
			lr = s.ok("LoginRequest22V5", "<userId>"+DemoOCIPSystemAdmin+"</userId><password>"+DemoOCIPSystemPassword+"</password>")
			if lr.child("loginType").valueOr() != "System" || lr.child("serviceProviderId") != nil {
				t.Fatalf("system login %s", dumpKids(lr))
			}
		})
	}
}

// wantNotLoggedIn: SOAP answers the fault, TCP [Error 19000].
func wantNotLoggedIn(t *testing.T, kind string, r ocipReply) {
	t.Helper()
	if kind == "soap" {
		if r.status != http.StatusInternalServerError || r.fault != "INVALID_REQUEST | Cannot process any request before user is logged in." {
			t.Fatalf("soap: status %d fault %q, want the not-logged-in fault", r.status, r.fault)
		}
		return
	}
	if r.err != nil || len(r.cmds) != 1 {
		t.Fatalf("tcp: %v %d answers", r.err, len(r.cmds))
	}
	wantOCIPError(t, r.cmds[0], "[Error 19000] Cannot process any request before user is logged in.")
}

// TestOCIPSessions: not logged in, another JSESSIONID, another session id, idle expiry.
func TestOCIPSessions(t *testing.T) {
	for _, kind := range ocipTransports {
		t.Run(kind, func(t *testing.T) {
			now := testClock
			e := newOCIPEnv(t, func(o *Options) { o.Now = func() time.Time { return now }; o.OCIPSessionIdle = time.Minute })
			get := cmd("GroupGetRequest22V5", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>")
			c := e.dial(t, kind)
			wantNotLoggedIn(t, kind, c.send(c.document(get)))
			c.login(DemoOCIPAdmin, DemoOCIPPassword)
			wantType(t, c.do(get)[0], "GroupGetResponse22V5")

			// Another session id on the same connection / HTTP session is another session.
			sid := c.sid
			c.sid = "other"
			wantNotLoggedIn(t, kind, c.send(c.document(get)))
			c.sid = sid

			if kind == "soap" { // the OCI-P session lives in its HTTP session
				fresh := e.dial(t, "soap")
				fresh.sid = c.sid
				wantNotLoggedIn(t, kind, fresh.send(fresh.document(get)))
			}

			now = now.Add(59 * time.Second)
			wantType(t, c.do(get)[0], "GroupGetResponse22V5")
			now = now.Add(61 * time.Second)
			wantNotLoggedIn(t, kind, c.send(c.document(get)))
		})
	}
}

// TestOCIPDocuments: several commands answered in order, a failing one does not stop the others,
// unknown types and invalid elements are [Error 6004], a 16th command refuses the document, echo.
func TestOCIPDocuments(t *testing.T) {
	for _, kind := range ocipTransports {
		t.Run(kind, func(t *testing.T) {
			e := newOCIPEnv(t)
			c := e.admin(t, kind)
			as := c.do(
				cmd("UserAddRequest22V2", addUserBody(acmeUserID, "Ada", "Lovelace", "")),
				cmd("UserAddRequest22V2", addUserBody(acmeUserID, "Ada", "Lovelace", "")),
				cmd("UserGetRequest23V2", userIDBody(acmeUserID)),
				cmd("UserGetRequest23V2", userIDBody("missing@acme.example")),
			)
			wantType(t, as[0], "SuccessResponse")
			wantOCIPError(t, as[1], "[Error 4200] User already exists: "+acmeUserID)
			wantType(t, as[2], "UserGetResponse23V2")
			wantOCIPError(t, as[3], "[Error 4008] User not found: missing@acme.example")

			c.noCheck = true // the following documents break the schema on purpose
			r := c.send(c.document(cmd("UserGetRequest", userIDBody(acmeUserID)), cmd("UserGetRequest23V2", userIDBody(acmeUserID))))
			wantOCIPError(t, r.cmds[0], "[Error 6004] OCI XML Request validation error")
			if d := r.cmds[0].child("detail").valueOr(); !strings.Contains(d, "Invalid xsi:type qname: 'UserGetRequest'") {
				t.Fatalf("detail %q", d)
			}
			wantType(t, r.cmds[1], "UserGetResponse23V2")
			r = c.send(c.document(cmd("UserGetRequest23V2", "<bogus/>"+userIDBody(acmeUserID))))
			wantOCIPError(t, r.cmds[0], "[Error 6004] ")
			r = c.send(c.document(cmd("UserDeleteRequest", "")))
			wantOCIPError(t, r.cmds[0], "[Error 6004] ")
			r = c.send(c.document(cmd("UserCallForwardingAlwaysModifyRequest", userIDBody(acmeUserID)+"<isActive>maybe</isActive>")))
			wantOCIPError(t, r.cmds[0], "[Error 6004] ")
			sixteen := make([]string, 16)
			for i := range sixteen {
				sixteen[i] = cmd("UserGetRequest23V2", userIDBody(acmeUserID))
			}
			r = c.send(c.document(sixteen...))
			if len(r.cmds) != 1 {
				t.Fatalf("%d answers to 16 commands", len(r.cmds))
			}
			wantOCIPError(t, r.cmds[0], "[Error 6004] ")
			c.noCheck = false
			fifteen := c.do(sixteen[:15]...)
			for _, a := range fifteen {
				wantType(t, a, "UserGetResponse23V2")
			}
			echo := c.send(c.document(`<command echo="e-1" xsi:type="UserGetRequest23V2" xmlns="">` + userIDBody(acmeUserID) + `</command>`))
			if echo.cmds[0].attrs["echo"] != "e-1" {
				t.Fatalf("echo %q", echo.cmds[0].attrs["echo"])
			}
		})
	}
}

// TestOCIPEncodings: ISO-8859-1 and UTF-8 requests; TCP answers ISO-8859-1.
func TestOCIPEncodings(t *testing.T) {
	e := newOCIPEnv(t)
	c := e.admin(t, "tcp")
	c.ok("UserAddRequest22V2", addUserBody(acmeUserID, "Zoë", "Müller", ""))
	r := c.send(c.document(cmd("UserGetRequest23V2", userIDBody(acmeUserID))))
	if !bytes.Contains(r.raw, []byte("Zo\xeb")) || !bytes.Contains(r.raw, []byte("M\xfcller")) {
		t.Fatalf("reply is not ISO-8859-1: %q", r.raw)
	}
	if g := r.cmds[0]; g.child("firstName").valueOr() != "Zoë" {
		t.Fatalf("first name %q", g.child("firstName").valueOr())
	}
	// A UTF-8 request on TCP, with a character beyond Latin-1 (answered as a character reference).
	doc := strings.Replace(c.document(cmd("UserModifyRequest22", userIDBody(acmeUserID)+"<lastName>Łukasz</lastName>")), "ISO-8859-1", "UTF-8", 1)
	_ = c.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.conn.Write([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	line1, _ := c.rd.ReadString('\n')
	line2, _ := c.rd.ReadString('\n')
	if line1 != xmlDeclLatin+"\n" || !strings.Contains(line2, "c:SuccessResponse") {
		t.Fatalf("reply %q %q", line1, line2)
	}
	r = c.send(c.document(cmd("UserGetRequest23V2", userIDBody(acmeUserID))))
	if !bytes.Contains(r.raw, []byte("&#321;ukasz")) || r.cmds[0].child("lastName").valueOr() != "Łukasz" {
		t.Fatalf("reply %q", r.raw)
	}
	// SOAP carries the same store.
	if v := e.admin(t, "soap").ok("UserGetRequest23V2", userIDBody(acmeUserID)).child("lastName").valueOr(); v != "Łukasz" {
		t.Fatalf("soap last name %q", v)
	}
}

// TestOCIPFaults: injected faults, latency and the rate limit apply per document.
func TestOCIPFaults(t *testing.T) {
	e := newOCIPEnv(t)
	soap := e.admin(t, "soap")
	get := cmd("GroupGetRequest22V5", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>")

	e.s.InjectFault(Fault{Pattern: OCIPSOAPPath, Kind: FaultStatus503})
	if r := soap.send(soap.document(get)); r.status != http.StatusServiceUnavailable || !strings.HasPrefix(r.fault, "NO_OCS_CONNECTION") {
		t.Fatalf("503 fault: status %d fault %q", r.status, r.fault)
	}
	e.s.InjectFault(Fault{Pattern: OCIPSOAPPath, Kind: FaultReset})
	if r := soap.send(soap.document(get)); r.err == nil {
		t.Fatal("reset fault: no transport error")
	}
	e.s.InjectFault(Fault{Pattern: OCIPSOAPPath, Kind: FaultAfterCommit})
	if r := soap.send(soap.document(cmd("UserAddRequest22V2", addUserBody(acmeUserID, "Ada", "Lovelace", "")))); r.status != http.StatusInternalServerError {
		t.Fatalf("after-commit fault: status %d", r.status)
	}
	wantType(t, soap.one("UserGetRequest23V2", userIDBody(acmeUserID)), "UserGetResponse23V2") // it was committed
	if n := e.s.Metrics()["POST "+OCIPSOAPPath]; n < 5 {
		t.Fatalf("soap metrics %d", n)
	}

	tcp := e.admin(t, "tcp")
	e.s.InjectFault(Fault{Pattern: OCIPTCPPattern, Kind: FaultStatus500})
	if r := tcp.send(tcp.document(get)); r.err == nil || !r.closedBy {
		t.Fatalf("tcp fault: %v", r.err)
	}
	tcp = e.admin(t, "tcp") // a dropped connection loses its sessions: log in again
	e.s.InjectFault(Fault{Pattern: OCIPTCPPattern, Kind: FaultAfterCommitReset})
	if r := tcp.send(tcp.document(cmd("UserDeleteRequest", userIDBody(acmeUserID)))); r.err == nil {
		t.Fatal("tcp after-commit fault: no error")
	}
	tcp = e.admin(t, "tcp")
	wantOCIPError(t, tcp.one("UserGetRequest23V2", userIDBody(acmeUserID)), "[Error 4008] ")

	// The rate limit: a document is one request.
	e.s.SetRateLimit(0.001, 1)
	wantType(t, tcp.do(get, get)[0], "GroupGetResponse22V5")
	as := tcp.do(get, get)
	wantOCIPError(t, as[0], "[Error 19009] Rate limit exceeded, retry after ")
	wantOCIPError(t, as[1], "[Error 19009] ")
	if r := soap.send(soap.document(get)); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("soap rate limit: status %d", r.status)
	}
	e.s.SetRateLimit(0, 0)

	// Latency.
	e.s.SetLatency(150 * time.Millisecond)
	start := time.Now()
	tcp.do(get)
	soap.do(get)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("two documents took %v with 150ms latency", d)
	}
}

// TestOCIPRestart: users and admin logins survive a restart on a file database.
func TestOCIPRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	open := func() *env {
		return newOCIPEnv(t, func(o *Options) { o.DBPath = path })
	}
	e := open()
	if err := e.s.AddOCIPAdmin("ops@ocip.example", "Ops-Secret-1!", DemoEnterpriseAcme); err != nil {
		t.Fatal(err)
	}
	c := e.admin(t, "tcp")
	c.ok("UserAddRequest22V2", addUserBody(acmeUserID, "Ada", "Lovelace", "<phoneNumber>+17205551250</phoneNumber>"))
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := open()
	c2 := e2.dial(t, "soap").login("ops@ocip.example", "Ops-Secret-1!")
	if v := c2.ok("UserGetRequest23V2", userIDBody(acmeUserID)).child("phoneNumber").valueOr(); v != "7205551250" {
		t.Fatalf("after restart: phone %q", v)
	}
	var hash, sha string
	if err := e2.s.db.QueryRow(`SELECT password_hash, password_sha1 FROM ocip_admins WHERE username_norm = ?`, "ops@ocip.example").Scan(&hash, &sha); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, "Ops-Secret") || sha != sha1Hex("Ops-Secret-1!") {
		t.Fatalf("admin password stored as %q / %q", hash, sha)
	}
}

// TestOCIPFlowThrough: Integrated IMP on starts the Webex subscriber; trusted emails provision it,
// untrusted ones wait for the user's validation.
func TestOCIPFlowThrough(t *testing.T) {
	e := newOCIPEnv(t)
	ctx := context.Background()
	c := e.admin(t, "tcp")
	tick := func(n int) {
		for range n {
			if err := activationTick(ctx, e.s); err != nil {
				t.Fatal(err)
			}
		}
	}
	status := func(bwID string) string {
		u, err := ocipLookupUser(ctx, e.s.db, bwID)
		if err != nil || u == nil {
			t.Fatalf("lookup %s: %v", bwID, err)
		}
		return e.must(http.StatusOK, e.request("GET", "/v1/users/"+u.ID+"/activation", acmeToken, nil)).str(t, "status")
	}
	for i, trusted := range []bool{true, false} {
		if err := e.s.SetTrustedEmails(DemoEnterpriseAcme, trusted); err != nil {
			t.Fatal(err)
		}
		id := []string{"trusted@acme.example", "untrusted@acme.example"}[i]
		c.ok("UserAddRequest22V2", addUserBody(id, "Flow", "Through", "<emailAddress>"+id+"</emailAddress>"))
		c.ok("UserServiceAssignListRequest", userIDBody(id)+"<serviceName>Integrated IMP</serviceName>")
		c.ok("UserIntegratedIMPModifyRequest", userIDBody(id)+"<isActive>true</isActive>")
		tick(5)
		want := map[bool]string{true: activationProvisioned, false: activationPendingEmailValidation}[trusted]
		if got := status(id); got != want {
			t.Fatalf("trusted=%v: status %s, want %s", trusted, got, want)
		}
	}
	u, _ := ocipLookupUser(ctx, e.s.db, "untrusted@acme.example")
	if err := e.s.AcceptInvitation(u.ID); err != nil {
		t.Fatal(err)
	}
	tick(3)
	if got := status("untrusted@acme.example"); got != activationProvisioned {
		t.Fatalf("after validation: %s", got)
	}
	// Without an email Integrated IMP cannot turn on.
	c.ok("UserAddRequest22V2", addUserBody("noemail@acme.example", "No", "Email", ""))
	c.ok("UserServiceAssignListRequest", userIDBody("noemail@acme.example")+"<serviceName>Integrated IMP</serviceName>")
	wantOCIPError(t, c.one("UserIntegratedIMPModifyRequest", userIDBody("noemail@acme.example")+"<isActive>true</isActive>"), "[Error 19012] ")
	// Unassigning the service turns it off.
	c.ok("UserServiceUnassignListRequest", userIDBody("trusted@acme.example")+"<serviceName>Integrated IMP</serviceName>")
	if got := status("trusted@acme.example"); got != activationPendingEmailInput {
		t.Fatalf("after unassign: %s", got)
	}
}

// TestOCIPSchemaCheckBites: the schema check the tests rely on refuses a reply that lacks a
// required element (so a green round trip means something).
func TestOCIPSchemaCheckBites(t *testing.T) {
	s := r25Schema(t)
	doc := xmlDeclLatin + "\n" + ocipReplyDoc("sessionId", "x", []string{ocipAnswer("", ocipData("UserGetResponse23V2", func(w *xw) {
		w.el("serviceProviderId", "ent_acme")
	}), nil)})
	if err := s.ValidateResponse([]byte(doc)); err == nil {
		t.Fatal("a UserGetResponse23V2 with one element passed the schema check")
	}
}

func TestOCIPWSDL(t *testing.T) {
	e := newEnv(t)
	r := e.request("GET", OCIPSOAPPath+"?wsdl", "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	root, err := parseXML(r.body, true)
	if err != nil {
		t.Fatal(err)
	}
	port := root.child("service").child("port").child("address")
	if port == nil || port.attrs["location"] != e.url+OCIPSOAPPath {
		t.Fatalf("wsdl %s", r.body)
	}
	if r := e.request("PUT", OCIPSOAPPath, "", "x"); r.status != http.StatusMethodNotAllowed {
		t.Fatalf("PUT: status %d", r.status)
	}
}

// TestOCIPWriteCount: OCI-P write commands count as writes (a plan must send none), reads do not.
func TestOCIPWriteCount(t *testing.T) {
	for _, kind := range ocipTransports {
		t.Run(kind, func(t *testing.T) {
			e := newOCIPEnv(t)
			c := e.admin(t, kind)
			e.s.ResetMetrics()
			c.do(cmd("UserGetListInGroupRequest", "<serviceProviderId>ent_acme</serviceProviderId><GroupId>grp_denver</GroupId>"),
				cmd("GroupDnGetAssignmentListRequest18", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>"),
				cmd("UserGetRequest23V2", userIDBody(acmeUserID)))
			if n := e.s.WriteCount(); n != 0 {
				t.Fatalf("reads counted %d writes", n)
			}
			c.do(cmd("UserAddRequest22V2", addUserBody(acmeUserID, "Ada", "Lovelace", "")),
				cmd("UserServiceAssignListRequest", userIDBody(acmeUserID)+"<serviceName>Integrated IMP</serviceName>"),
				cmd("UserServiceUnassignListRequest", userIDBody(acmeUserID)+"<serviceName>Integrated IMP</serviceName>"))
			if n := e.s.WriteCount(); n != 3 {
				t.Fatalf("WriteCount %d after 3 write commands", n)
			}
		})
	}
}

// TestOCIPCommandSpecsMatchSchema: every command the emulator answers is a request type of the
// R25 schema, and its element list (order, required, repeatable) is the schema's.
func TestOCIPCommandSpecsMatchSchema(t *testing.T) {
	s := r25Schema(t)
	if len(ocipCommands) < 30 {
		t.Fatalf("only %d commands registered", len(ocipCommands))
	}
	for typ, c := range ocipCommands {
		ti, ok := s.Type(typ)
		if !ok || !s.DerivesFrom(typ, "c:OCIRequest") {
			t.Errorf("%s is not a request type of the schema", typ)
			continue
		}
		var want []string
		for _, f := range ti.Fields {
			spec := f.Name
			if f.Min >= 1 && !f.InChoice {
				spec += "!"
			}
			if f.Max != 1 {
				spec += "*"
			}
			want = append(want, spec)
		}
		if got := strings.Join(strings.Fields(c.fields), " "); got != strings.Join(want, " ") {
			t.Errorf("%s:\n got %s\nwant %s", typ, got, strings.Join(want, " "))
		}
	}
}

// TestOCIPCommandMetrics: every command run is counted by its type (OCIPCommandMetric), over SOAP
// and TCP; a document is counted once by its route whatever its commands; a document refused as a
// whole runs, and counts, no command.
func TestOCIPCommandMetrics(t *testing.T) {
	e := newOCIPEnv(t)
	get := cmd("GroupGetRequest22V5", "<serviceProviderId>ent_acme</serviceProviderId><groupId>grp_denver</groupId>")
	soap, tcp := e.admin(t, "soap"), e.admin(t, "tcp")
	e.s.ResetMetrics()
	soap.do(cmd("UserAddRequest22V2", addUserBody(acmeUserID, "Ada", "Lovelace", "")), cmd("UserGetRequest23V2", userIDBody(acmeUserID)))
	tcp.do(get, get)
	e.s.InjectFault(Fault{Pattern: OCIPSOAPPath, Kind: FaultStatus503})
	if r := soap.send(soap.document(get)); r.status != http.StatusServiceUnavailable {
		t.Fatalf("503 fault: status %d", r.status)
	}
	m := e.s.Metrics()
	for key, want := range map[string]int64{
		OCIPCommandMetric("UserAddRequest22V2"): 1, OCIPCommandMetric("UserGetRequest23V2"): 1,
		OCIPCommandMetric("GroupGetRequest22V5"): 2, "POST " + OCIPSOAPPath: 2, "OCIP " + OCIPTCPPattern: 1,
	} {
		if m[key] != want {
			t.Errorf("metrics[%q] = %d, want %d (all: %v)", key, m[key], want, m)
		}
	}
}
