package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The two OCI-P transports (see ocip.go): SOAP on the HTTP listener and the TCP listener.

const (
	soapEnvNS    = "http://schemas.xmlsoap.org/soap/envelope/"
	ocipSOAPNS   = "urn:com:broadsoft:webservice"
	ocipDocEnd   = "</BroadsoftDocument>"
	xmlDeclUTF8  = `<?xml version="1.0" encoding="UTF-8"?>`
	xmlDeclLatin = `<?xml version="1.0" encoding="ISO-8859-1"?>`
)

// ocipErrorDoc is the reply to a document that could not be read: one ErrorResponse.
func ocipErrorDoc(idName, idValue string, err *ocipError) string {
	return ocipReplyDoc(idName, idValue, []string{ocipAnswer("", nil, err)})
}

// ocipHandleDoc parses and answers one document: the reply document (without declaration), or
// notLoggedIn (SOAP only).
func (s *Server) ocipHandleDoc(ctx context.Context, scope string, data []byte, declaredCharset, soap bool) (string, bool) {
	root, err := parseXML(data, declaredCharset)
	if err != nil {
		return ocipErrorDoc("", "", errOCIPValidation("%v", err)), false
	}
	doc, perr := parseOCIPDoc(root)
	if perr != nil {
		oe, _ := ocipFromAPI(perr)
		var idName, idValue string
		if len(root.kids) > 0 {
			idName, idValue = root.kids[0].name, strings.TrimSpace(root.kids[0].text)
		}
		return ocipErrorDoc(idName, idValue, oe), false
	}
	return s.ocipProcess(ctx, scope, doc, soap)
}

// withOCIPSOAP serves OCIPSOAPPath in front of the reference contract's handler.
func (s *Server) withOCIPSOAP(next http.Handler) http.Handler {
	soap := http.HandlerFunc(s.serveOCIPSOAP)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == OCIPSOAPPath {
			soap.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// soapFault writes a SOAP 1.1 Fault.
func soapFault(w http.ResponseWriter, status int, code, text, detail string) {
	var x xw
	x.raw(xmlDeclUTF8 + `<soapenv:Envelope xmlns:soapenv="` + soapEnvNS + `"><soapenv:Body><soapenv:Fault>`)
	x.el("faultcode", code)
	x.el("faultstring", text)
	x.el("faultactor", "ProvisioningService")
	if detail != "" {
		x.open("detail")
		x.el("string", detail)
		x.close("detail")
	}
	x.raw(`</soapenv:Fault></soapenv:Body></soapenv:Envelope>`)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, x.String())
}

// serveOCIPSOAP is POST OCIPSOAPPath: logging, metrics, latency, rate limit and faults as for a
// /v1 request, then the document.
func (s *Server) serveOCIPSOAP(w http.ResponseWriter, r *http.Request) {
	const pattern = "POST " + OCIPSOAPPath
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	w = sw
	s.metrics.add(pattern)
	defer func() {
		s.metrics.addStatus(sw.status)
		level := slog.LevelInfo
		if sw.code() >= 500 {
			level = slog.LevelError
		}
		// Never the body: OCI-P documents carry passwords and passcodes.
		s.log.LogAttrs(r.Context(), level, "ocip soap request", slog.String("method", r.Method),
			slog.Int("status", sw.code()), slog.Duration("duration", time.Since(start)))
	}()
	if r.Method == http.MethodGet && r.URL.RawQuery == "wsdl" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		var loc strings.Builder
		escapeXML(&loc, "http://"+r.Host+OCIPSOAPPath)
		_, _ = io.WriteString(w, strings.ReplaceAll(ocipWSDL, "{location}", loc.String()))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		soapFault(w, http.StatusMethodNotAllowed, "soapenv:Client", "INVALID_REQUEST", "use POST")
		return
	}
	if !s.ocipDelay(r.Context()) {
		return
	}
	if ok, wait := s.limiter.take(time.Now()); !ok {
		secs := max(1, int((wait+time.Second-1)/time.Second))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		soapFault(w, http.StatusTooManyRequests, "soapenv:Server.generalException", "NO_OCS_CONNECTION",
			"rate limit exceeded, retry after "+strconv.Itoa(secs)+"s")
		return
	}
	kind := s.faults.pick(r.Method, pattern)
	if kind != 0 {
		s.log.InfoContext(r.Context(), "injecting fault", "kind", kind.String(), "pattern", pattern)
	}
	switch kind {
	case FaultStatus500, FaultStatus503:
		status := http.StatusInternalServerError
		if kind == FaultStatus503 {
			status = http.StatusServiceUnavailable
		}
		soapFault(w, status, "soapenv:Server.generalException", "NO_OCS_CONNECTION", "injected fault")
		return
	case FaultStatus429:
		w.Header().Set("Retry-After", "1")
		soapFault(w, http.StatusTooManyRequests, "soapenv:Server.generalException", "NO_OCS_CONNECTION",
			"injected fault: rate limit exceeded, retry after 1s")
		return
	case FaultReset:
		resetConnection(w)
		return
	case FaultAfterCommit, FaultAfterCommitReset:
		s.serveOCIPSOAPDoc(newBufferedWriter(), r)
		if kind == FaultAfterCommitReset {
			resetConnection(w)
			return
		}
		soapFault(w, http.StatusInternalServerError, "soapenv:Server.generalException", "NO_OCS_CONNECTION",
			"injected fault after commit")
		return
	}
	s.serveOCIPSOAPDoc(w, r)
}

// serveOCIPSOAPDoc reads the envelope, answers the document and writes the envelope back.
func (s *Server) serveOCIPSOAPDoc(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOCIPDocSize))
	if err != nil {
		soapFault(w, http.StatusBadRequest, "soapenv:Client", "INVALID_REQUEST", "the request body is too large or unreadable")
		return
	}
	inner, err := soapDocument(body)
	if err != nil {
		soapFault(w, http.StatusInternalServerError, "soapenv:Client", "INVALID_REQUEST", err.Error())
		return
	}
	jsession := ""
	if c, err := r.Cookie("JSESSIONID"); err == nil && c.Value != "" && len(c.Value) <= 128 {
		jsession = c.Value
	}
	if jsession == "" {
		jsession = strings.ToUpper(randomHex(16))
		http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: jsession, Path: "/webservice", HttpOnly: true})
	}
	reply, notLoggedIn := s.ocipHandleDoc(r.Context(), "soap:"+jsession, []byte(inner), false, true)
	if notLoggedIn {
		soapFault(w, http.StatusInternalServerError, "soapenv:Server.generalException", "INVALID_REQUEST", ocipNotLoggedIn)
		return
	}
	var x xw
	x.raw(xmlDeclUTF8 + `<soapenv:Envelope xmlns:soapenv="` + soapEnvNS + `" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="` +
		xsiNS + `"><soapenv:Body><processOCIMessageResponse xmlns="` + ocipSOAPNS + `"><processOCIMessageReturn>`)
	escapeXML(&x.b, xmlDeclUTF8+"\n"+reply)
	x.raw(`</processOCIMessageReturn></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>`)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, x.String())
}

// soapDocument returns the OCI-P document inside a SOAP envelope: the text of the single child
// of processOCIMessage (in0, arg0, ...).
func soapDocument(body []byte) (string, error) {
	env, err := parseXML(body, true)
	if err != nil {
		return "", fmt.Errorf("the soap envelope is not well-formed xml: %w", err)
	}
	if env.name != "Envelope" {
		return "", errors.New("the soap request has no Envelope")
	}
	b := env.child("Body")
	if b == nil || len(b.kids) != 1 || b.kids[0].name != "processOCIMessage" {
		return "", errors.New("the soap body must hold one processOCIMessage")
	}
	op := b.kids[0]
	if len(op.kids) != 1 {
		return "", errors.New("processOCIMessage must have exactly one child")
	}
	return op.kids[0].text, nil
}

// ocipDelay applies the configured latency; false when the client went away meanwhile.
func (s *Server) ocipDelay(ctx context.Context) bool {
	d := time.Duration(s.latency.Load())
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// ocipTCP is the TCP listener and its connections.
type ocipTCP struct {
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
	closed bool
}

// OCIPAddr is the address ("127.0.0.1:PORT") of the OCI-P TCP listener, "" without one.
func (s *Server) OCIPAddr() string {
	s.ocip.tcp.mu.Lock()
	defer s.ocip.tcp.mu.Unlock()
	if s.ocip.tcp.ln == nil {
		return ""
	}
	return s.ocip.tcp.ln.Addr().String()
}

// OCIPSOAPURL is the URL of OCI-P over SOAP after Start ("" before).
func (s *Server) OCIPSOAPURL() string {
	u := s.URL()
	if u == "" {
		return ""
	}
	return u + OCIPSOAPPath
}

func (s *Server) startOCIPTCP(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("ocip listen on %s: %w", addr, err)
	}
	t := &s.ocip.tcp
	t.mu.Lock()
	t.ln, t.conns = ln, map[net.Conn]struct{}{}
	t.mu.Unlock()
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.mu.Lock()
			if t.closed {
				t.mu.Unlock()
				_ = c.Close()
				return
			}
			t.conns[c] = struct{}{}
			t.wg.Add(1)
			t.mu.Unlock()
			go func() {
				defer t.wg.Done()
				s.serveOCIPConn(c)
				t.mu.Lock()
				delete(t.conns, c)
				t.mu.Unlock()
			}()
		}
	}()
	s.log.Info("ocip tcp listening", "addr", ln.Addr().String())
	return nil
}

func (s *Server) stopOCIPTCP() {
	t := &s.ocip.tcp
	t.mu.Lock()
	if t.ln == nil || t.closed {
		t.mu.Unlock()
		return
	}
	t.closed = true
	_ = t.ln.Close()
	for c := range t.conns {
		_ = c.Close()
	}
	t.mu.Unlock()
	t.wg.Wait()
}

// dropConn resets a connection (an injected fault).
func dropConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// serveOCIPConn reads documents from one connection and answers each in turn.
func (s *Server) serveOCIPConn(c net.Conn) {
	scope := "tcp:" + randomHex(8)
	defer func() {
		_ = c.Close()
		s.ocip.dropScope(scope)
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rd := bufio.NewReaderSize(c, 64<<10)
	var buf []byte
	chunk := make([]byte, 32<<10)
	for {
		if i := bytes.Index(buf, []byte(ocipDocEnd)); i >= 0 {
			doc := bytes.TrimLeft(buf[:i+len(ocipDocEnd)], " \t\r\n")
			buf = append([]byte(nil), buf[i+len(ocipDocEnd):]...)
			if !s.serveOCIPTCPDoc(ctx, c, scope, doc) {
				return
			}
			continue
		}
		if len(buf) > maxOCIPDocSize {
			s.log.Warn("ocip tcp document too large; closing the connection")
			return
		}
		_ = c.SetReadDeadline(time.Now().Add(s.ocip.idle))
		n, err := rd.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if err != nil {
			return
		}
	}
}

// serveOCIPTCPDoc answers one TCP document; false when the connection must close.
func (s *Server) serveOCIPTCPDoc(ctx context.Context, c net.Conn, scope string, doc []byte) bool {
	start := time.Now()
	s.metrics.add("OCIP " + OCIPTCPPattern)
	defer func() {
		s.log.LogAttrs(ctx, slog.LevelInfo, "ocip tcp document", slog.Duration("duration", time.Since(start)))
	}()
	if !s.ocipDelay(ctx) {
		return false
	}
	write := func(reply string) bool {
		_ = c.SetWriteDeadline(time.Now().Add(time.Minute))
		_, err := c.Write(toLatin1(xmlDeclLatin + "\n" + reply + "\n"))
		return err == nil
	}
	limited := func(secs int) bool {
		return write(s.ocipRefuseAll(doc, ocipErr(19009, "Rate limit exceeded, retry after "+strconv.Itoa(secs)+"s")))
	}
	if ok, wait := s.limiter.take(time.Now()); !ok {
		return limited(max(1, int((wait+time.Second-1)/time.Second)))
	}
	kind := s.faults.pick("OCIP", "OCIP "+OCIPTCPPattern)
	if kind != 0 {
		s.log.InfoContext(ctx, "injecting fault", "kind", kind.String(), "pattern", OCIPTCPPattern)
	}
	switch kind {
	case FaultStatus429:
		return limited(1)
	case FaultStatus500, FaultStatus503, FaultReset:
		dropConn(c)
		return false
	case FaultAfterCommit, FaultAfterCommitReset:
		s.ocipHandleDoc(ctx, scope, doc, true, false)
		dropConn(c)
		return false
	}
	reply, _ := s.ocipHandleDoc(ctx, scope, doc, true, false)
	return write(reply)
}

// ocipRefuseAll answers every command of a document with err (nothing runs).
func (s *Server) ocipRefuseAll(data []byte, err *ocipError) string {
	root, perr := parseXML(data, true)
	if perr != nil {
		return ocipErrorDoc("", "", err)
	}
	doc, derr := parseOCIPDoc(root)
	if derr != nil {
		return ocipErrorDoc("", "", err)
	}
	answers := make([]string, len(doc.commands))
	for i, n := range doc.commands {
		answers[i] = ocipAnswer(n.attrs["echo"], nil, err)
	}
	return ocipReplyDoc(doc.idName, doc.idValue, answers)
}

// ocipWSDL is the emulator's WSDL of OCI-P over SOAP (GET OCIPSOAPPath?wsdl): one rpc/encoded
// operation processOCIMessage(in0 string) -> processOCIMessageReturn string, in the namespace
// urn:com:broadsoft:webservice. It is written from what clients send (OCIP.md §1.2); BroadWorks'
// own WSDL text is not public, so service and port type names here are the emulator's.
const ocipWSDL = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions targetNamespace="urn:com:broadsoft:webservice" xmlns:impl="urn:com:broadsoft:webservice" ` +
	`xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" ` +
	`xmlns:wsdlsoap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
 <wsdl:message name="processOCIMessageRequest"><wsdl:part name="in0" type="soapenc:string"/></wsdl:message>
 <wsdl:message name="processOCIMessageResponse"><wsdl:part name="processOCIMessageReturn" type="soapenc:string"/></wsdl:message>
 <wsdl:portType name="ProvisioningService">
  <wsdl:operation name="processOCIMessage" parameterOrder="in0">
   <wsdl:input message="impl:processOCIMessageRequest" name="processOCIMessageRequest"/>
   <wsdl:output message="impl:processOCIMessageResponse" name="processOCIMessageResponse"/>
  </wsdl:operation>
 </wsdl:portType>
 <wsdl:binding name="ProvisioningServiceSoapBinding" type="impl:ProvisioningService">
  <wsdlsoap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
  <wsdl:operation name="processOCIMessage">
   <wsdlsoap:operation soapAction=""/>
   <wsdl:input name="processOCIMessageRequest"><wsdlsoap:body encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" namespace="urn:com:broadsoft:webservice" use="encoded"/></wsdl:input>
   <wsdl:output name="processOCIMessageResponse"><wsdlsoap:body encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" namespace="urn:com:broadsoft:webservice" use="encoded"/></wsdl:output>
  </wsdl:operation>
 </wsdl:binding>
 <wsdl:service name="ProvisioningServiceService">
  <wsdl:port binding="impl:ProvisioningServiceSoapBinding" name="ProvisioningService"><wsdlsoap:address location="{location}"/></wsdl:port>
 </wsdl:service>
</wsdl:definitions>
`
