package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BroadWorks OCI-P front-end (PLATFORMS.md "The emulator", OCIP.md): the same store and the same
// rules as the reference contract, spoken the way a BroadWorks Application Server speaks them,
// written from the R25 schema in api/specs/broadworks/ocip-r25. It shares no code with the OCI-P
// client (internal/ocip).
//
// # Transports
//
//   - SOAP on the HTTP listener: POST OCIPSOAPPath with a SOAP 1.1 envelope whose Body holds
//     processOCIMessage with one child (in0, arg0 or any name) carrying the escaped document; the
//     answer is processOCIMessageResponse/processOCIMessageReturn with the escaped reply (its
//     declaration says UTF-8, as captured replies do). The HTTP session is the JSESSIONID cookie
//     (set on the first answer); an OCI-P session logged in under one JSESSIONID is unknown under
//     another. A document whose first command is not a login command in a session that is not
//     logged in gets the SOAP Fault "Cannot process any request before user is logged in.".
//   - TCP (Options.OCIPListen, Server.OCIPAddr): documents follow each other on the connection and
//     are split after "</BroadsoftDocument>"; each reply is `<?xml version="1.0"
//     encoding="ISO-8859-1"?>` + "\n" + the document on one line + "\n". Sessions die with the
//     connection.
//
// Requests may be ISO-8859-1 or UTF-8 (their declaration decides on TCP); replies are
// ISO-8859-1 on TCP, characters beyond U+00FF written as character references.
//
// # Sessions and logins
//
// A session is the document's sessionId (within its JSESSIONID or connection); its documents run
// one at a time, in the order they arrive. Logins:
// LoginRequest22V5 with a plain password, or AuthenticationRequest (answered with a nonce) then
// LoginRequest14sp4 with signedPassword = lower-hex MD5(nonce + ":" + lower-hex SHA-1(password))
// (or plainTextPassword). A wrong user or password is "[Error 4962] Invalid password". A session
// ends with LogoutRequest or after Options.OCIPSessionIdle (default 30 minutes) without a document.
// Admin logins live in ocip_admins (ocip_login.go), scoped to one service provider (an enterprise)
// or to the whole system; the demo seed has DemoOCIPAdmin and DemoOCIPSystemAdmin.
//
// Ids: serviceProviderId is the enterprise id, groupId the group id, userId users.bw_user_id
// (platforms.go); a user created elsewhere shows as <usr_id>@<enterprise>.invalid. DNs are read
// as E.164 ("+17205551200"), BroadWorks' "+1-7205551200" or national digits of a number of the
// group; lists show "+1-7205551200", UserGetResponse23V2 the national digits and countryCode.
//
// # Documents
//
// A document carries 1 to 15 commands; the reply answers each in order. A 16th command makes the
// whole document one "[Error 6004]" answer. A failing command does not stop the next ones (the
// emulator's choice: whether BroadWorks goes on is not public). Each command runs in its own
// transaction. An unknown xsi:type, a missing required element, an unknown or misplaced element
// or a malformed value is "[Error 6004] OCI XML Request validation error" with the reason in
// detail.
//
// Faults, latency and the rate limit (Options, InjectFault) apply per document exactly as per
// /v1 request: SOAP faults match the pattern "POST "+OCIPSOAPPath (500 and 503 answer that HTTP
// status with the SOAP Fault NO_OCS_CONNECTION, 429 and the rate limit answer 429 with
// Retry-After), TCP faults match OCIPTCPPattern (every kind but 429 drops the connection; the
// after-commit kinds first run the document; 429 and the rate limit answer every command with
// [Error 19009]).
//
// # Error codes
//
// Codes BroadWorks is known to use (OCIP.md §4):
//
//	4008  User not found: <userId>
//	4152  Group not found: <serviceProviderId>:<groupId>
//	4200  User already exists: <userId>
//	4962  Invalid password
//	6004  OCI XML Request validation error (detail: the reason)
//
// The emulator's own codes, for conditions whose BroadWorks code is not public. They are NOT
// BroadWorks codes; a client must not rely on them against a real system:
//
//	19000  Cannot process any request before user is logged in. (TCP; SOAP answers a SOAP Fault)
//	19001  Phone number already in use: <dn>
//	19002  Extension already in use: <extension>
//	19003  Phone number not available in group: <dn> (not in the group's inventory)
//	19004  Passcode rule violation: <rule>
//	19005  Password rule violation: <rule>
//	19006  Invalid value: <reason> (a value the store's rules refuse: email, time zone, number,
//	       address, forwarding destination, userId without a domain)
//	19007  Email address already in use
//	19008  Service Provider not found: <serviceProviderId>
//	19009  Rate limit exceeded, retry after <n>s (TCP)
//	19010  Service not assigned: Integrated IMP
//	19011  The email address cannot change while Integrated IMP is active
//	19012  Integrated IMP needs an email address on the user
//	19013  Not supported by the emulator: <what>
//	19099  Internal error
//
// # What the emulator does not keep
//
// Elements of the commands that the store has no place for are accepted and dropped: language
// (always English), title, aliases, endpoints, yahooId, addressLocation, nameDialingName,
// hiragana names, callingLineIdPhoneNumber, networkClassOfService, alternate user ids, impId,
// isRingSplashActive (always false), service packs. Activation of a DN is kept with the user it
// is assigned to (as the reference contract keeps it), so activating a DN nobody holds succeeds
// and changes nothing.

// OCIPSOAPPath is the path of OCI-P over SOAP on the HTTP listener.
const OCIPSOAPPath = "/webservice/services/ProvisioningService"

// OCIPCommandMetric is the metrics key (Server.Metrics, GET /_sandbox/metrics) that counts the
// commands of type xsiType (a command of the R25 schema the emulator knows, e.g.
// "UserAddRequest22V2") run in OCI-P documents, over SOAP and TCP alike: "OCIP " + xsiType. The
// documents themselves are counted under "POST "+OCIPSOAPPath and "OCIP "+OCIPTCPPattern, one per
// document whatever its number of commands; a document refused as a whole (a fault, the rate
// limit, not logged in) runs no command.
func OCIPCommandMetric(xsiType string) string { return "OCIP " + xsiType }

// OCIPTCPPattern is the Fault.Pattern (and metrics key suffix "OCIP ocip-tcp") of documents that
// arrive on the OCI-P TCP listener.
const OCIPTCPPattern = "ocip-tcp"

const defaultOCIPSessionIdle = 30 * time.Minute

// ocipFrontEnd is the OCI-P state of a Server: sessions and the TCP listener.
type ocipFrontEnd struct {
	idle time.Duration

	mu       sync.Mutex
	sessions map[string]*ocipSession // scope + "\x00" + sessionId

	tcp ocipTCP
}

// ocipSession is one OCI-P session.
type ocipSession struct {
	mu               sync.Mutex // held while a document of the session runs: one at a time
	nonce, nonceUser string     // the last AuthenticationRequest's
	admin            *ocipAdmin // nil until logged in
	lastUsed         time.Time
}

func (f *ocipFrontEnd) init(idle time.Duration) {
	if idle <= 0 {
		idle = defaultOCIPSessionIdle
	}
	f.idle = idle
	f.sessions = map[string]*ocipSession{}
}

// session returns the live session key (creating it), dropping it first when it sat idle too
// long; now is the sandbox clock.
func (f *ocipFrontEnd) session(key string, now time.Time) *ocipSession {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.sessions[key]; ok && now.Sub(s.lastUsed) <= f.idle {
		s.lastUsed = now
		return s
	}
	for k, s := range f.sessions { // expired ones go whenever a session starts
		if now.Sub(s.lastUsed) > f.idle {
			delete(f.sessions, k)
		}
	}
	s := &ocipSession{lastUsed: now}
	f.sessions[key] = s
	return s
}

// forgetIdle drops the session at key when it holds nothing (no login, no nonce), and keeps it
// when it does (also when a concurrent document of the same session dropped it meanwhile).
func (f *ocipFrontEnd) forgetIdle(key string, s *ocipSession) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, ok := f.sessions[key]
	switch {
	case s.admin == nil && s.nonce == "":
		if cur == s {
			delete(f.sessions, key)
		}
	case !ok:
		f.sessions[key] = s
	}
}

// dropScope forgets every session of a scope (a closed TCP connection).
func (f *ocipFrontEnd) dropScope(scope string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.sessions {
		if strings.HasPrefix(k, scope+"\x00") {
			delete(f.sessions, k)
		}
	}
}

// ocipError is an ErrorResponse.
type ocipError struct {
	code   int
	text   string
	detail string
}

func (e *ocipError) Error() string { return e.summary() }

func (e *ocipError) summary() string { return "[Error " + strconv.Itoa(e.code) + "] " + e.text }

func ocipErr(code int, text string) *ocipError { return &ocipError{code: code, text: text} }

// errOCIPValidation is [Error 6004] with its reason.
func errOCIPValidation(format string, args ...any) *ocipError {
	return &ocipError{code: 6004, text: "OCI XML Request validation error", detail: fmt.Sprintf(format, args...)}
}

func errOCIPUserNotFound(userID string) *ocipError { return ocipErr(4008, "User not found: "+userID) }

func errOCIPGroupNotFound(sp, grp string) *ocipError {
	return ocipErr(4152, "Group not found: "+sp+":"+grp)
}

func errOCIPInvalid(reason string) *ocipError { return ocipErr(19006, "Invalid value: "+reason) }

func errOCIPUnsupported(what string) *ocipError {
	return ocipErr(19013, "Not supported by the emulator: "+what)
}

const ocipNotLoggedIn = "Cannot process any request before user is logged in."

// ocipFromAPI turns an error of the shared business logic (an *apiError of the reference
// contract) into an OCI-P error; anything else is an internal error (logged by the caller).
func ocipFromAPI(err error) (*ocipError, bool) {
	var oe *ocipError
	if errors.As(err, &oe) {
		return oe, true
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		return nil, false
	}
	switch {
	case ae.Code == "number_in_use":
		return ocipErr(19001, "Phone number already in use: "+strings.TrimSuffix(ae.Message, " is assigned to another user")), true
	case ae.Code == "extension_in_use":
		return ocipErr(19002, "Extension already in use: "+
			strings.TrimSuffix(strings.TrimPrefix(ae.Message, "extension "), " is assigned to another user")), true
	case ae.Code == "number_not_in_inventory":
		return ocipErr(19003, "Phone number not available in group: "+strings.Fields(ae.Message)[0]), true
	case strings.HasPrefix(ae.Code, "passcode_"):
		return ocipErr(19004, "Passcode rule violation: "+ae.Message), true
	case strings.HasPrefix(ae.Code, "password_"):
		return ocipErr(19005, "Password rule violation: "+ae.Message), true
	case ae.Code == "email_in_use":
		return ocipErr(19007, "Email address already in use"), true
	case ae.Code == "imp_enabled":
		return ocipErr(19011, "The email address cannot change while Integrated IMP is active"), true
	case ae.Code == "email_required":
		return ocipErr(19012, "Integrated IMP needs an email address on the user"), true
	case ae.Status == 400 || ae.Status == 409 || ae.Status == 422:
		return errOCIPInvalid(ae.Message), true
	}
	return nil, false
}

// ocipCall is one command being answered.
type ocipCall struct {
	n    *xnode
	sess *ocipSession
}

// ocipOut is the answer of a successful command: nil body = SuccessResponse.
type ocipOut struct {
	typ  string
	body func(w *xw)
}

var ocipSuccess = &ocipOut{}

func ocipData(typ string, body func(w *xw)) *ocipOut { return &ocipOut{typ: typ, body: body} }

// ocipCommand is a command the emulator answers: its elements in schema order ("!" = required,
// "*" = repeatable) and its handler. loginFree commands run in a session that is not logged in.
type ocipCommand struct {
	fields    string
	loginFree bool
	run       func(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error)
}

// ocipCommands maps xsi:type to command; filled by the ocip_*.go files' init functions.
var ocipCommands = map[string]ocipCommand{}

// checkFields checks a command's children against its spec: known, in order, required ones
// present, single ones not repeated.
func checkFields(n *xnode, spec string) error {
	type field struct {
		name           string
		required, many bool
	}
	var fields []field
	index := map[string]int{}
	for _, f := range strings.Fields(spec) {
		fd := field{}
		for strings.HasSuffix(f, "!") || strings.HasSuffix(f, "*") {
			if strings.HasSuffix(f, "!") {
				fd.required = true
			} else {
				fd.many = true
			}
			f = f[:len(f)-1]
		}
		fd.name = f
		index[f] = len(fields)
		fields = append(fields, fd)
	}
	last, seen := -1, map[string]bool{}
	for _, k := range n.kids {
		i, ok := index[k.name]
		if !ok {
			return errOCIPValidation("element %q is not part of %s", k.name, n.attrs["xsi:type"])
		}
		if i < last {
			return errOCIPValidation("element %q of %s is out of order", k.name, n.attrs["xsi:type"])
		}
		if seen[k.name] && !fields[i].many {
			return errOCIPValidation("element %q of %s occurs more than once", k.name, n.attrs["xsi:type"])
		}
		last, seen[k.name] = i, true
	}
	for _, f := range fields {
		if f.required && !seen[f.name] {
			return errOCIPValidation("%s lacks the required element %q", n.attrs["xsi:type"], f.name)
		}
	}
	return nil
}

// str returns the token value of child name ("" when absent).
func (c *ocipCall) str(name string) string {
	if k := c.n.child(name); k != nil {
		return k.value()
	}
	return ""
}

// boolOf parses an xs:boolean element.
func boolOf(k *xnode) (bool, error) {
	switch k.value() {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, errOCIPValidation("element %q is not an xs:boolean", k.name)
}

// optBool returns the value of an optional xs:boolean child (nil when absent).
func (c *ocipCall) optBool(name string) (*bool, error) {
	k := c.n.child(name)
	if k == nil {
		return nil, nil
	}
	v, err := boolOf(k)
	return &v, err
}

// ocipPrincipal is the principal of an admin login: the enterprise of a service-provider login,
// none (every enterprise) for a system login.
func ocipPrincipal(a *ocipAdmin) principal {
	sum := sha256.Sum256([]byte("ocip\x00" + strings.ToLower(a.username)))
	return principal{tokenID: "ocip:" + hex.EncodeToString(sum[:]), enterpriseID: a.enterpriseID}
}

// ocipDoc is a parsed request document.
type ocipDoc struct {
	idName, idValue string // sessionId (or userId, phoneNumber, ...) and its value
	commands        []*xnode
}

// parseOCIPDoc checks the envelope of a request document (OCIMessage of OCISchemaBASE.xsd).
func parseOCIPDoc(root *xnode) (*ocipDoc, error) {
	if root.name != "BroadsoftDocument" {
		return nil, errOCIPValidation("the root element is %q, not BroadsoftDocument", root.name)
	}
	if p := root.attrs["protocol"]; p != "OCI" && p != "NSOCI" {
		return nil, errOCIPValidation("the protocol attribute must be OCI or NSOCI")
	}
	d := &ocipDoc{}
	for i, k := range root.kids {
		switch {
		case i == 0:
			switch k.name {
			case "sessionId", "userId", "phoneNumber", "linePort", "externalUserIdentity":
				d.idName, d.idValue = k.name, strings.TrimSpace(k.text)
			default:
				return nil, errOCIPValidation("the document must start with sessionId, not %q", k.name)
			}
		case k.name == "trackingId" && i == 1:
		case k.name == "command":
			d.commands = append(d.commands, k)
		default:
			return nil, errOCIPValidation("element %q is not part of BroadsoftDocument", k.name)
		}
	}
	if len(d.commands) == 0 {
		return nil, errOCIPValidation("the document has no command")
	}
	if len(d.commands) > 15 {
		return nil, errOCIPValidation("a document carries at most 15 commands, this one has %d", len(d.commands))
	}
	return d, nil
}

// ocipReplyDoc writes a reply document (without the XML declaration): the request's session
// element and one command per answer.
func ocipReplyDoc(idName, idValue string, answers []string) string {
	var w xw
	w.raw(`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="` + xsiNS + `">`)
	if idName == "" || idName == "externalUserIdentity" {
		idName = "sessionId"
	}
	w.open(idName, "xmlns", "")
	escapeXML(&w.b, idValue)
	w.close(idName)
	for _, a := range answers {
		w.raw(a)
	}
	w.raw(`</BroadsoftDocument>`)
	return w.String()
}

// ocipAnswer writes the command element of one answer.
func ocipAnswer(echo string, out *ocipOut, err *ocipError) string {
	var w xw
	switch {
	case err != nil:
		w.open("command", "type", "Error", "echo", echo, "xsi:type", "c:ErrorResponse", "xmlns:c", "C", "xmlns", "")
		w.el("summary", err.summary())
		w.el("summaryEnglish", err.summary())
		w.opt("detail", err.detail)
		w.close("command")
	case out.typ == "":
		w.raw(`<command echo="`)
		escapeXML(&w.b, echo)
		w.raw(`" xsi:type="c:SuccessResponse" xmlns:c="C" xmlns=""/>`)
	default:
		w.open("command", "echo", echo, "xsi:type", out.typ, "xmlns", "")
		out.body(&w)
		w.close("command")
	}
	return w.String()
}

// ocipProcess answers one document of a session scope. Its result is the reply document
// (without declaration); notLoggedIn reports a document refused before its first command
// because the session is not logged in (SOAP answers a Fault; TCP never sets it).
func (s *Server) ocipProcess(ctx context.Context, scope string, doc *ocipDoc, soap bool) (reply string, notLoggedIn bool) {
	key := scope + "\x00" + doc.idName + ":" + doc.idValue
	sess := s.ocip.session(key, s.now())
	sess.mu.Lock()
	defer sess.mu.Unlock()
	// A session that neither logged in nor asked for a nonce is not kept (documents of clients
	// that never log in do not fill the table).
	defer s.ocip.forgetIdle(key, sess)
	answers := make([]string, 0, len(doc.commands))
	for i, n := range doc.commands {
		typ := n.attrs["xsi:type"]
		if ocipIsWrite(typ) {
			s.metrics.addWrite()
		}
		cmd, known := ocipCommands[typ]
		if soap && i == 0 && sess.admin == nil && (!known || !cmd.loginFree) {
			return "", true
		}
		if known {
			s.metrics.add(OCIPCommandMetric(typ))
		}
		answers = append(answers, s.ocipRunCommand(ctx, sess, n, doc.idName))
	}
	return ocipReplyDoc(doc.idName, doc.idValue, answers), false
}

// ocipIsWrite reports whether a command type changes the store (for WriteCount): the
// Add/Modify/Delete/Activate/Assign/Unassign requests.
func ocipIsWrite(typ string) bool {
	for _, verb := range []string{"Add", "Modify", "Delete", "Activate", "Assign", "Unassign"} {
		if strings.Contains(typ, verb+"Request") || strings.Contains(typ, verb+"ListRequest") {
			return true
		}
	}
	return false
}

// ocipRunCommand answers one command.
func (s *Server) ocipRunCommand(ctx context.Context, sess *ocipSession, n *xnode, idName string) string {
	echo := n.attrs["echo"]
	typ := n.attrs["xsi:type"]
	cmd, ok := ocipCommands[typ]
	if !ok {
		if typ == "" {
			return ocipAnswer(echo, nil, errOCIPValidation("the command has no xsi:type"))
		}
		return ocipAnswer(echo, nil, errOCIPValidation("Invalid xsi:type qname: '%s' in element command", typ))
	}
	if err := checkFields(n, cmd.fields); err != nil {
		oe, _ := ocipFromAPI(err)
		return ocipAnswer(echo, nil, oe)
	}
	if !cmd.loginFree && (sess.admin == nil || idName != "sessionId") {
		return ocipAnswer(echo, nil, ocipErr(19000, ocipNotLoggedIn))
	}
	if sess.admin != nil {
		ctx = context.WithValue(ctx, ctxPrincipal, ocipPrincipal(sess.admin))
	}
	out, err := cmd.run(s, ctx, &ocipCall{n: n, sess: sess})
	if err != nil {
		oe, ok := ocipFromAPI(err)
		if !ok {
			s.log.ErrorContext(ctx, "ocip internal error", "command", typ, "error", err)
			oe = ocipErr(19099, "Internal error")
		}
		return ocipAnswer(echo, nil, oe)
	}
	return ocipAnswer(echo, out, nil)
}
