package sandbox

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocipschema"
)

// The OCI-P test client: documents written by hand from the R25 schema, sent over SOAP or TCP,
// and every document sent and received checked against the schema (internal/ocipschema).

var (
	r25Once sync.Once
	r25     *ocipschema.Schema
	r25Err  error
)

func r25Schema(t testing.TB) *ocipschema.Schema {
	t.Helper()
	r25Once.Do(func() { r25, r25Err = ocipschema.Load("../../api/specs/broadworks/ocip-r25") })
	if r25Err != nil {
		t.Fatalf("load the R25 schema: %v", r25Err)
	}
	return r25
}

// ocipTransports are the transports every round-trip test runs over.
var ocipTransports = []string{"soap", "tcp"}

// ocipConn is one client connection: a SOAP cookie jar or a TCP socket.
type ocipConn struct {
	t      *testing.T
	e      *env
	kind   string
	sid    string
	http   *http.Client
	conn   net.Conn
	rd     *bufio.Reader
	schema *ocipschema.Schema
	// noCheck skips the schema check of the request (tests that send invalid documents on purpose).
	noCheck bool
}

// newOCIPEnv is a demo sandbox with the OCI-P TCP listener.
func newOCIPEnv(t *testing.T, opts ...func(*Options)) *env {
	t.Helper()
	return newEnv(t, append([]func(*Options){func(o *Options) { o.OCIPListen = "127.0.0.1:0" }}, opts...)...)
}

// dial opens a client connection of kind ("soap" or "tcp") with a fresh session id.
func (e *env) dial(t *testing.T, kind string) *ocipConn {
	t.Helper()
	c := &ocipConn{t: t, e: e, kind: kind, sid: "sid-" + randomHex(6), schema: r25Schema(t)}
	switch kind {
	case "soap":
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		c.http = &http.Client{Jar: jar, Timeout: 30 * time.Second}
	case "tcp":
		conn, err := net.DialTimeout("tcp", e.s.OCIPAddr(), 5*time.Second)
		if err != nil {
			t.Fatalf("dial ocip: %v", err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		c.conn, c.rd = conn, bufio.NewReader(conn)
	default:
		t.Fatalf("unknown transport %q", kind)
	}
	return c
}

// cmd is a request command element.
func cmd(typ, body string) string {
	return `<command xsi:type="` + typ + `" xmlns="">` + body + `</command>`
}

// document wraps commands into a request document of the session.
func (c *ocipConn) document(cmds ...string) string {
	return `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" +
		`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<sessionId xmlns="">` + c.sid + `</sessionId>` + strings.Join(cmds, "") + `</BroadsoftDocument>`
}

// ocipReply is what came back: the reply's command elements, or a SOAP fault / transport error.
type ocipReply struct {
	cmds     []*xnode
	raw      []byte // the reply document as received (TCP: ISO-8859-1 bytes)
	status   int    // SOAP: HTTP status
	fault    string // SOAP: faultstring + " | " + detail
	header   http.Header
	err      error
	closedBy bool // TCP: the server closed the connection
}

// send sends one document (already complete) and returns the reply; the request and the reply
// are checked against the schema.
func (c *ocipConn) send(doc string) ocipReply {
	c.t.Helper()
	if !c.noCheck {
		if err := c.schema.ValidateRequest(toLatin1(doc)); err != nil {
			c.t.Fatalf("request does not match the R25 schema: %v\n%s", err, doc)
		}
	}
	var r ocipReply
	switch c.kind {
	case "soap":
		var env strings.Builder
		env.WriteString(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">` +
			`<soapenv:Body><processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>`)
		escapeXML(&env, doc)
		env.WriteString(`</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`)
		req, err := http.NewRequest(http.MethodPost, c.e.url+OCIPSOAPPath, strings.NewReader(env.String()))
		if err != nil {
			c.t.Fatal(err)
		}
		req.Header.Set("Content-Type", "text/xml; charset=UTF-8")
		req.Header.Set("SOAPAction", `""`)
		res, err := c.http.Do(req)
		if err != nil {
			return ocipReply{err: err}
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil {
			return ocipReply{err: err, status: res.StatusCode}
		}
		r.status, r.header = res.StatusCode, res.Header
		root, perr := parseXML(body, true)
		if perr != nil {
			c.t.Fatalf("soap reply is not xml: %v\n%s", perr, body)
		}
		b := root.child("Body")
		if b == nil || len(b.kids) != 1 {
			c.t.Fatalf("soap reply without a body: %s", body)
		}
		if f := b.kids[0]; f.name == "Fault" {
			r.fault = f.child("faultstring").value()
			if d := f.child("detail"); d != nil && len(d.kids) > 0 {
				r.fault += " | " + d.kids[0].value()
			}
			return r
		}
		if b.kids[0].name != "processOCIMessageResponse" || len(b.kids[0].kids) != 1 ||
			b.kids[0].kids[0].name != "processOCIMessageReturn" {
			c.t.Fatalf("unexpected soap reply: %s", body)
		}
		r.raw = []byte(b.kids[0].kids[0].text)
	case "tcp":
		_ = c.conn.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := c.conn.Write(toLatin1(doc + "\n")); err != nil {
			return ocipReply{err: err}
		}
		var buf bytes.Buffer
		for !bytes.HasSuffix(buf.Bytes(), []byte(ocipDocEnd+"\n")) {
			b, err := c.rd.ReadByte()
			if err != nil {
				return ocipReply{err: err, closedBy: true, raw: buf.Bytes()}
			}
			buf.WriteByte(b)
		}
		r.raw = buf.Bytes()
		if !bytes.HasPrefix(r.raw, []byte(xmlDeclLatin+"\n<BroadsoftDocument ")) || bytes.Count(r.raw, []byte("\n")) != 2 {
			c.t.Fatalf("tcp reply is not a declaration line and a document line: %q", r.raw)
		}
	}
	if err := c.schema.ValidateResponse(r.raw); err != nil {
		c.t.Fatalf("reply does not match the R25 schema: %v\n%s", err, r.raw)
	}
	root, err := parseXML(r.raw, c.kind == "tcp")
	if err != nil {
		c.t.Fatalf("reply: %v", err)
	}
	if sid := root.child("sessionId"); sid == nil || sid.text != c.sid {
		c.t.Fatalf("reply does not carry the session id %q: %s", c.sid, r.raw)
	}
	r.cmds = root.children("command")
	return r
}

// do sends commands in one document and returns the answers (one per command).
func (c *ocipConn) do(cmds ...string) []*xnode {
	c.t.Helper()
	r := c.send(c.document(cmds...))
	if r.err != nil || r.fault != "" {
		c.t.Fatalf("transport error %v, fault %q", r.err, r.fault)
	}
	if len(r.cmds) != len(cmds) {
		c.t.Fatalf("%d answers to %d commands: %s", len(r.cmds), len(cmds), r.raw)
	}
	return r.cmds
}

// one sends one command and returns its answer.
func (c *ocipConn) one(typ, body string) *xnode {
	c.t.Helper()
	return c.do(cmd(typ, body))[0]
}

// ok sends one command and fails unless it succeeded (any response but ErrorResponse).
func (c *ocipConn) ok(typ, body string) *xnode {
	c.t.Helper()
	a := c.one(typ, body)
	if a.attrs["xsi:type"] == "ErrorResponse" {
		c.t.Fatalf("%s: %s (%s)", typ, a.child("summary").value(), a.child("detail").valueOr())
	}
	return a
}

func (n *xnode) valueOr() string {
	if n == nil {
		return ""
	}
	return n.value()
}

// wantOCIPError checks that an answer is an ErrorResponse whose summary starts with prefix.
func wantOCIPError(t *testing.T, a *xnode, prefix string) {
	t.Helper()
	if a.attrs["xsi:type"] != "ErrorResponse" || a.attrs["type"] != "Error" {
		t.Fatalf("answer %s, want an ErrorResponse %q", a.attrs["xsi:type"], prefix)
	}
	s, en := a.child("summary").value(), a.child("summaryEnglish").value()
	if !strings.HasPrefix(s, prefix) || s != en {
		t.Fatalf("summary %q (english %q), want prefix %q", s, en, prefix)
	}
}

// wantType checks an answer's xsi:type.
func wantType(t *testing.T, a *xnode, typ string) {
	t.Helper()
	if a.attrs["xsi:type"] != typ {
		detail := ""
		if s := a.child("summary"); s != nil {
			detail = s.value() + " " + a.child("detail").valueOr()
		}
		t.Fatalf("answer %s, want %s %s", a.attrs["xsi:type"], typ, detail)
	}
}

// login logs the connection in with LoginRequest22V5.
func (c *ocipConn) login(user, password string) *ocipConn {
	c.t.Helper()
	wantType(c.t, c.one("LoginRequest22V5", "<userId>"+user+"</userId><password>"+password+"</password>"), "LoginResponse22V5")
	return c
}

// admin is a connection of kind logged in as the demo ent_acme admin.
func (e *env) admin(t *testing.T, kind string) *ocipConn {
	t.Helper()
	return e.dial(t, kind).login(DemoOCIPAdmin, DemoOCIPPassword)
}

// col returns the cells of column heading of an OCITable, one per row.
func col(t *testing.T, table *xnode, heading string) []string {
	t.Helper()
	idx := -1
	for i, h := range table.children("colHeading") {
		if h.text == heading {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatalf("no column %q", heading)
	}
	var out []string
	for _, r := range table.children("row") {
		out = append(out, r.children("col")[idx].text)
	}
	return out
}
