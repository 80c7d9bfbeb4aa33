package ocip

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocipschema"
)

// fakeBW is an in-test BroadWorks: just enough OCI-P to exercise the client. Every document it receives
// and every reply it writes is checked against the R25 schema.
type fakeBW struct {
	t        *testing.T
	schema   *ocipschema.Schema
	password string
	no22V5   bool   // answer LoginRequest22V5 as an older server: 6004 validation error
	charset  string // of TCP replies: "ISO-8859-1" (default) or "UTF-8"

	mu        sync.Mutex
	docs      [][]byte          // every request document, as received
	logins    map[string]int    // login method -> count
	sessions  map[string]bool   // logged-in keys (SOAP: cookie+sessionId)
	nonces    map[string]string // session key -> nonce
	users     map[string][2]string
	commands  []string                       // xsi:type of every command received
	hook      func(n int, typ string) string // a reply command, dropMarker, or "" for the default answer
	dropsLeft int                            // close the connection instead of answering this many non-login documents
	docCount  int
	cookieSeq int
}

func newFakeBW(t *testing.T) *fakeBW {
	return &fakeBW{t: t, schema: ocipschema.Default(t), password: "s3cret-Pw", charset: "ISO-8859-1",
		logins: map[string]int{}, sessions: map[string]bool{}, nonces: map[string]string{}, users: map[string][2]string{}}
}

func (f *fakeBW) loginCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.logins {
		n += c
	}
	return n
}

type reqCmd struct {
	Type   string
	Fields map[string]string
	Inner  string
}

func parseRequestDoc(doc []byte) (sid string, cmds []reqCmd, err error) {
	var x struct {
		SessionID string `xml:"sessionId"`
		Commands  []struct {
			Attrs []xml.Attr `xml:",any,attr"`
			Inner string     `xml:",innerxml"`
			Kids  []struct {
				XMLName xml.Name
				Text    string `xml:",chardata"`
			} `xml:",any"`
		} `xml:"command"`
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = charsetReader
	if err := d.Decode(&x); err != nil {
		return "", nil, err
	}
	for _, c := range x.Commands {
		rc := reqCmd{Fields: map[string]string{}, Inner: c.Inner}
		for _, a := range c.Attrs {
			if a.Name.Local == "type" {
				rc.Type = a.Value
			}
		}
		for _, k := range c.Kids {
			rc.Fields[k.XMLName.Local] = k.Text
		}
		cmds = append(cmds, rc)
	}
	return x.SessionID, cmds, nil
}

func errCmd(code int, msg string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(fmt.Sprintf("[Error %d] %s", code, msg)))
	return `<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""><summary>` + b.String() +
		`</summary><summaryEnglish>` + b.String() + `</summaryEnglish></command>`
}

const okCmd = `<command echo="" xsi:type="c:SuccessResponse" xmlns:c="C" xmlns=""/>`

// serve answers one request document. key identifies the login scope (connection or cookie);
// notLoggedIn is returned (not answered) when a non-login command arrives before a login.
func (f *fakeBW) serve(doc []byte, key, charset string) (reply []byte, notLoggedIn bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs = append(f.docs, append([]byte(nil), doc...))
	f.docCount++
	if err := f.schema.ValidateRequest(doc); err != nil {
		f.t.Errorf("client sent a document the schema refuses: %v\n%s", err, doc)
	}
	sid, cmds, err := parseRequestDoc(doc)
	if err != nil {
		f.t.Errorf("unparsable request: %v", err)
		return nil, false
	}
	skey := key + "/" + sid
	if f.dropsLeft > 0 && len(cmds) > 0 && !isLoginType(cmds[0].Type) {
		f.dropsLeft--
		for _, c := range cmds {
			f.commands = append(f.commands, c.Type)
		}
		return nil, false
	}
	var out []string
	for _, c := range cmds {
		f.commands = append(f.commands, c.Type)
		if f.hook != nil {
			if r := f.hook(f.docCount, c.Type); r != "" {
				out = append(out, r)
				continue
			}
		}
		switch c.Type {
		case "AuthenticationRequest":
			f.nonces[skey] = "1234567890123"
			out = append(out, `<command echo="" xsi:type="AuthenticationResponse" xmlns=""><userId>`+c.Fields["userId"]+
				`</userId><nonce>1234567890123</nonce><passwordAlgorithm>MD5</passwordAlgorithm></command>`)
			continue
		case "LoginRequest14sp4":
			if n := f.nonces[skey]; n == "" || c.Fields["signedPassword"] != SignedPassword(f.password, n) {
				out = append(out, errCmd(4962, "Invalid password"))
				continue
			}
			f.sessions[skey] = true
			f.logins[c.Type]++
			out = append(out, `<command echo="" xsi:type="LoginResponse14sp4" xmlns=""><loginType>Provisioning</loginType><locale>en_US</locale>`+
				`<encoding>ISO-8859-1</encoding><isEnterprise>false</isEnterprise><userDomain>example.com</userDomain></command>`)
			continue
		case "LoginRequest22V5":
			if f.no22V5 {
				out = append(out, `<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""><errorCode>6004</errorCode>`+
					`<summary>[Error 6004] OCI XML Request validation error</summary><summaryEnglish>[Error 6004] OCI XML Request validation error</summaryEnglish>`+
					`<detail><![CDATA[Invalid xsi:type qname: 'LoginRequest22V5' in element command]]></detail></command>`)
				continue
			}
			if c.Fields["password"] != f.password {
				out = append(out, errCmd(4962, "Invalid password"))
				continue
			}
			f.sessions[skey] = true
			f.logins[c.Type]++
			out = append(out, `<command echo="" xsi:type="LoginResponse22V5" xmlns=""><loginType>Service Provider</loginType><locale>en_US</locale>`+
				`<encoding>ISO-8859-1</encoding><serviceProviderId>SP1</serviceProviderId><isEnterprise>true</isEnterprise><userDomain>example.com</userDomain></command>`)
			continue
		}
		if !f.sessions[skey] {
			return nil, true
		}
		switch c.Type {
		case "UserAddRequest22V2":
			id := c.Fields["userId"]
			if _, ok := f.users[id]; ok {
				out = append(out, errCmd(4200, "User already exists: "+id))
				continue
			}
			f.users[id] = [2]string{c.Fields["firstName"], c.Fields["lastName"]}
			out = append(out, okCmd)
		case "UserGetRequest23V2":
			id := c.Fields["userId"]
			u, ok := f.users[id]
			if !ok {
				out = append(out, errCmd(4008, "User not found: "+id))
				continue
			}
			var first, last bytes.Buffer
			_ = xml.EscapeText(&first, []byte(u[0]))
			_ = xml.EscapeText(&last, []byte(u[1]))
			out = append(out, `<command echo="" xsi:type="UserGetResponse23V2" xmlns="">`+userGetBody(id, first.String(), last.String())+`</command>`)
		case "UserDeleteRequest":
			id := c.Fields["userId"]
			if _, ok := f.users[id]; !ok {
				out = append(out, errCmd(4008, "User not found: "+id))
				continue
			}
			delete(f.users, id)
			out = append(out, okCmd)
		case "UserGetListInGroupRequest":
			out = append(out, capturedTable)
		case "LogoutRequest":
			delete(f.sessions, skey)
			out = append(out, okCmd)
		default:
			out = append(out, okCmd)
		}
	}
	return f.reply(charset, sid, out), false
}

func isLoginType(t string) bool {
	return t == "AuthenticationRequest" || strings.HasPrefix(t, "LoginRequest")
}

func (f *fakeBW) reply(charset, sid string, cmds []string) []byte {
	var s bytes.Buffer
	_ = xml.EscapeText(&s, []byte(sid))
	r := replyDoc(charset, strings.ReplaceAll(strings.Join(cmds, ""), "", ""))
	r = bytes.Replace(r, []byte(`<sessionId xmlns="">s</sessionId>`), []byte(`<sessionId xmlns="">`+s.String()+`</sessionId>`), 1)
	if err := f.schema.ValidateResponse(r); err != nil {
		f.t.Errorf("fake server reply does not fit the schema: %v\n%s", err, r)
	}
	return r
}

func (f *fakeBW) loginsOf(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logins[method]
}

func (f *fakeBW) forgetSessions() {
	f.mu.Lock()
	f.sessions = map[string]bool{}
	f.mu.Unlock()
}

func (f *fakeBW) documents() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.docs...)
}

// --- SOAP front ---

func soapReply(doc []byte, nsOnResponse bool) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, doc)
	if nsOnResponse {
		return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>` +
			`<processOCIMessageResponse xmlns="urn:com:broadsoft:webservice"><processOCIMessageReturn>` + b.String() + `</processOCIMessageReturn></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>`
	}
	return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>` +
		`<processOCIMessageResponse xmlns=""><ns1:processOCIMessageReturn xmlns:ns1="urn:com:broadsoft:webservice">` + b.String() + `</ns1:processOCIMessageReturn></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>`
}

func soapFault(code, str, detail string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault>` +
		`<faultcode>` + code + `</faultcode><faultstring>` + str + `</faultstring><faultactor>ProvisioningService</faultactor>` +
		`<detail><string>` + detail + `</string></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
}

type soapFront struct {
	f    *fakeBW
	srv  *httptest.Server
	hook func(w http.ResponseWriter, n int) bool // return true when it answered
	mu   sync.Mutex
	n    int
	hdrs []http.Header
}

func newSOAPFront(t *testing.T, f *fakeBW, tls bool) *soapFront {
	s := &soapFront{f: f}
	h := http.HandlerFunc(s.handle)
	if tls {
		s.srv = httptest.NewTLSServer(h)
	} else {
		s.srv = httptest.NewServer(h)
	}
	t.Cleanup(s.srv.Close)
	return s
}

func (s *soapFront) handle(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.n++
	n := s.n
	s.hdrs = append(s.hdrs, r.Header.Clone())
	hook := s.hook
	s.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != DefaultSOAPPath {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if hook != nil && hook(w, n) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	var env struct {
		Body struct {
			Msg struct {
				XMLName xml.Name
				In      []struct {
					Text string `xml:",chardata"`
				} `xml:",any"`
			} `xml:",any"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal(body, &env); err != nil || env.Body.Msg.XMLName.Local != "processOCIMessage" || len(env.Body.Msg.In) != 1 {
		s.f.t.Errorf("bad soap request (%v): %s", err, body)
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	cookie, err := r.Cookie("JSESSIONID")
	key := ""
	if err == nil {
		key = cookie.Value
	} else {
		s.f.mu.Lock()
		s.f.cookieSeq++
		key = fmt.Sprintf("JS%04d", s.f.cookieSeq)
		s.f.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: key, Path: "/webservice"})
	}
	// Over SOAP the document is text inside the envelope.
	reply, notLogged := s.f.serve([]byte(env.Body.Msg.In[0].Text), key, "UTF-8")
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	if notLogged {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, soapFault("soapenv:Server.generalException", "INVALID_REQUEST", "Cannot process any request before user is logged in."))
		return
	}
	_, _ = io.WriteString(w, soapReply(reply, n%2 == 0))
}

// --- TCP front ---

type tcpFront struct {
	f        *fakeBW
	ln       net.Listener
	mu       sync.Mutex
	conns    int
	dropNext bool // close the connection after answering the next document
	delays   int  // answer this many non-login documents late (after delay)
	dropAuth int  // close the connection after answering this many AuthenticationRequests
	delay    time.Duration
	raw      [][]byte
}

func newTCPFront(t *testing.T, f *fakeBW) *tcpFront {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return newTCPFrontOn(t, f, ln)
}

func newTCPFrontOn(t *testing.T, f *fakeBW, ln net.Listener) *tcpFront {
	s := &tcpFront{f: f, ln: ln}
	t.Cleanup(func() { _ = ln.Close() })
	go s.accept()
	return s
}

func (s *tcpFront) endpoint() string { return "tcp://" + s.ln.Addr().String() }

func (s *tcpFront) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns++
		id := fmt.Sprintf("conn%d", s.conns)
		s.mu.Unlock()
		go s.serveConn(c, id)
	}
}

func (s *tcpFront) serveConn(c net.Conn, id string) {
	defer func() { _ = c.Close() }()
	var pending []byte
	buf := make([]byte, 4096)
	for {
		i := bytes.Index(pending, closingTag)
		if i < 0 {
			n, err := c.Read(buf)
			pending = append(pending, buf[:n]...)
			if err != nil {
				return
			}
			continue
		}
		doc := pending[:i+len(closingTag)]
		pending = append([]byte(nil), pending[i+len(closingTag):]...)
		s.mu.Lock()
		s.raw = append(s.raw, append([]byte(nil), doc...))
		s.mu.Unlock()
		reply, notLogged := s.f.serve(doc, id, s.f.charset)
		if reply == nil && !notLogged {
			return // dropped: close without answering
		}
		if notLogged {
			_, cmds, _ := parseRequestDoc(doc)
			out := make([]string, len(cmds))
			for i := range out {
				out[i] = errCmd(4001, "Cannot process any request before user is logged in.")
			}
			reply = s.f.reply("ISO-8859-1", "s", out)
		}
		s.mu.Lock()
		late := s.delays > 0 && !bytes.Contains(doc, []byte("LoginRequest")) && !bytes.Contains(doc, []byte("AuthenticationRequest"))
		if late {
			s.delays--
		}
		s.mu.Unlock()
		if late {
			time.Sleep(s.delay)
		}
		// Answer in small pieces, as a socket may deliver them.
		for len(reply) > 0 {
			n := min(len(reply), 97)
			if _, err := c.Write(reply[:n]); err != nil {
				return
			}
			reply = reply[n:]
		}
		s.mu.Lock()
		drop := s.dropNext
		s.dropNext = false
		if s.dropAuth > 0 && bytes.Contains(doc, []byte(`xsi:type="AuthenticationRequest"`)) {
			s.dropAuth--
			drop = true
		}
		s.mu.Unlock()
		if drop {
			return
		}
	}
}
