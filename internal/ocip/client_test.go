package ocip

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/ucprov/terraform-provider-ucprov/internal/ocipschema"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newTestClient(t *testing.T, endpoint string, mod func(*Config)) *Client {
	cfg := Config{Endpoint: endpoint, Username: "admin", Password: "s3cret-Pw", RetryWaitMin: 5 * time.Millisecond,
		RetryWaitMax: 20 * time.Millisecond, RequestTimeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

type front struct {
	name     string
	endpoint func(t *testing.T, f *fakeBW) string
}

var fronts = []front{
	{"soap", func(t *testing.T, f *fakeBW) string { return newSOAPFront(t, f, false).srv.URL }},
	{"tcp", func(t *testing.T, f *fakeBW) string { return newTCPFront(t, f).endpoint() }},
}

func zoe() UserAddRequest22V2 {
	return UserAddRequest22V2{ServiceProviderId: "SP1", GroupId: "G1", UserId: "zoe@example.com", LastName: "Müller", FirstName: "Zoë",
		CallingLineIdLastName: "Müller", CallingLineIdFirstName: "Zoë", PhoneNumber: Ptr("6172251563")}
}

func TestLoginBothWays(t *testing.T) {
	for _, fr := range fronts {
		for _, old := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/no22V5=%v", fr.name, old), func(t *testing.T) {
				f := newFakeBW(t)
				f.no22V5 = old
				c := newTestClient(t, fr.endpoint(t, f), nil)
				ctx := testCtx(t)
				info, err := c.LoginInfo(ctx)
				if err != nil {
					t.Fatal(err)
				}
				want := "LoginRequest22V5"
				if old {
					want = "LoginRequest14sp4"
				}
				if info.Method != want || f.loginsOf(want) != 1 {
					t.Fatalf("login %+v, fake saw %d", info, f.loginsOf(want))
				}
				if !old && (info.LoginType != "Service Provider" || info.ServiceProviderID != "SP1" || !info.IsEnterprise) {
					t.Fatalf("login info %+v", info)
				}
				if err := Exec(ctx, c, zoe()); err != nil {
					t.Fatal(err)
				}
				u, err := Call[*UserGetResponse23V2](ctx, c, UserGetRequest23V2{UserId: "zoe@example.com"})
				if err != nil {
					t.Fatal(err)
				}
				if u.FirstName+" "+u.LastName != "Zoë Müller" {
					t.Fatalf("user name %q %q", u.FirstName, u.LastName)
				}
				if f.loginCount() != 1 {
					t.Fatalf("%d logins", f.loginCount())
				}
				for _, d := range f.documents() {
					if bytes.Contains(d, []byte("LoginRequest14sp4")) && !bytes.Contains(d, []byte(SignedPassword("s3cret-Pw", "1234567890123"))) {
						t.Fatalf("14sp4 login without the signed password: %s", d)
					}
					if old && bytes.Contains(d, []byte("LoginRequest14sp4")) && bytes.Contains(d, []byte("s3cret-Pw")) {
						t.Fatal("the two-stage login sent the password in clear")
					}
				}
			})
		}
	}
}

func TestLoginBadPassword(t *testing.T) {
	for _, old := range []bool{false, true} {
		f := newFakeBW(t)
		f.no22V5 = old
		c := newTestClient(t, newTCPFront(t, f).endpoint(), func(c *Config) { c.Password = "wrong" })
		_, err := c.Do(testCtx(t), UserGetRequest23V2{UserId: "x"})
		if !errors.Is(err, ErrLogin) || Code(err) != CodeInvalidPassword {
			t.Fatalf("no22V5=%v: err = %v", old, err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Fatal("error text carries the password")
		}
	}
}

func TestSessionReusedByConcurrentCallers(t *testing.T) {
	for _, fr := range fronts {
		t.Run(fr.name, func(t *testing.T) {
			f := newFakeBW(t)
			c := newTestClient(t, fr.endpoint(t, f), nil)
			ctx := testCtx(t)
			var wg sync.WaitGroup
			errs := make(chan error, 20)
			for i := 0; i < 20; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					resps, err := c.Do(ctx, UserGetListInGroupRequest{ServiceProviderId: "SP1", GroupId: "G1"}, UserGetRequest23V2{UserId: fmt.Sprintf("u%d@example.com", i)})
					if err != nil {
						errs <- err
						return
					}
					if _, ok := resps[0].(*UserGetListInGroupResponse); !ok || !IsNotFound(Err(resps[1])) {
						errs <- fmt.Errorf("responses %T %w", resps[0], Err(resps[1]))
					}
				}(i)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if n := f.loginCount(); n != 1 {
				t.Fatalf("%d logins for 20 concurrent callers", n)
			}
			// Every document of one client carries the same sessionId.
			ids := map[string]bool{}
			for _, d := range f.documents() {
				sid, _, _ := parseRequestDoc(d)
				ids[sid] = true
			}
			if len(ids) != 1 {
				t.Fatalf("session ids %v", ids)
			}
		})
	}
}

func TestReloginAfterDroppedConnection(t *testing.T) {
	f := newFakeBW(t)
	tf := newTCPFront(t, f)
	c := newTestClient(t, tf.endpoint(), nil)
	ctx := testCtx(t)
	if err := Exec(ctx, c, zoe()); err != nil {
		t.Fatal(err)
	}
	tf.mu.Lock()
	tf.dropNext = true
	tf.mu.Unlock()
	if _, err := Call[*UserGetResponse23V2](ctx, c, UserGetRequest23V2{UserId: "zoe@example.com"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the FIN arrive
	// A write after the drop: the dead socket is noticed before sending, so it is safe to send again.
	if err := Exec(ctx, c, UserDeleteRequest{UserId: "zoe@example.com"}); err != nil {
		t.Fatal(err)
	}
	if n := f.loginCount(); n != 2 {
		t.Fatalf("%d logins, want 2", n)
	}
	tf.mu.Lock()
	conns := tf.conns
	tf.mu.Unlock()
	if conns != 2 {
		t.Fatalf("%d connections", conns)
	}
}

func TestReadResentAfterReplyLost(t *testing.T) {
	// The server closes the socket without answering: a read is resent after a new login,
	// a write is reported as ambiguous (it may have run).
	f := newFakeBW(t)
	tf := newTCPFront(t, f)
	c := newTestClient(t, tf.endpoint(), nil)
	ctx := testCtx(t)
	if _, err := c.LoginInfo(ctx); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.dropsLeft = 1
	f.mu.Unlock()
	if _, err := Call[*UserGetListInGroupResponse](ctx, c, UserGetListInGroupRequest{ServiceProviderId: "SP1", GroupId: "G1"}); err != nil {
		t.Fatalf("read not resent: %v", err)
	}
	f.mu.Lock()
	f.dropsLeft = 1
	f.mu.Unlock()
	err := Exec(ctx, c, zoe())
	if !errors.Is(err, ErrAmbiguousWrite) {
		t.Fatalf("write after a lost reply: %v", err)
	}
}

func TestReloginAfterSOAPNotLoggedIn(t *testing.T) {
	f := newFakeBW(t)
	sf := newSOAPFront(t, f, false)
	c := newTestClient(t, sf.srv.URL, nil)
	ctx := testCtx(t)
	if err := Exec(ctx, c, zoe()); err != nil {
		t.Fatal(err)
	}
	f.forgetSessions() // the server restarted: "Cannot process any request before user is logged in."
	if err := Exec(ctx, c, UserDeleteRequest{UserId: "zoe@example.com"}); err != nil {
		t.Fatal(err)
	}
	if n := f.loginCount(); n != 2 {
		t.Fatalf("%d logins", n)
	}
	// JSESSIONID kept between calls, SOAPAction "" on every call.
	sf.mu.Lock()
	defer sf.mu.Unlock()
	withCookie := 0
	for _, h := range sf.hdrs {
		if h.Get("SOAPAction") != `""` || !strings.HasPrefix(h.Get("Content-Type"), "text/xml") {
			t.Fatalf("headers %v", h)
		}
		if strings.Contains(h.Get("Cookie"), "JSESSIONID=") {
			withCookie++
		}
	}
	if withCookie < len(sf.hdrs)-2 {
		t.Fatalf("JSESSIONID sent on %d of %d calls", withCookie, len(sf.hdrs))
	}
}

func TestSplitsMoreThan15Commands(t *testing.T) {
	for _, fr := range fronts {
		t.Run(fr.name, func(t *testing.T) {
			f := newFakeBW(t)
			c := newTestClient(t, fr.endpoint(t, f), nil)
			ctx := testCtx(t)
			var cmds []Request
			for i := 0; i < 32; i++ {
				if i%2 == 0 {
					cmds = append(cmds, UserAddRequest22V2{ServiceProviderId: "SP1", GroupId: "G1", UserId: fmt.Sprintf("u%02d@example.com", i),
						LastName: "L", FirstName: fmt.Sprintf("F%02d", i), CallingLineIdLastName: "L", CallingLineIdFirstName: "F"})
				} else {
					cmds = append(cmds, UserGetRequest23V2{UserId: fmt.Sprintf("u%02d@example.com", i-1)})
				}
			}
			if _, err := c.LoginInfo(ctx); err != nil {
				t.Fatal(err)
			}
			before := len(f.documents())
			resps, err := c.Do(ctx, cmds...)
			if err != nil {
				t.Fatal(err)
			}
			if len(resps) != 32 {
				t.Fatalf("%d responses", len(resps))
			}
			for i, r := range resps {
				if i%2 == 0 {
					if _, ok := r.(*SuccessResponse); !ok {
						t.Fatalf("%d: %T %v", i, r, Err(r))
					}
				} else if u, ok := r.(*UserGetResponse23V2); !ok || u.FirstName != fmt.Sprintf("F%02d", i-1) {
					t.Fatalf("%d: response out of order: %#v", i, r)
				}
			}
			docs := f.documents()[before:]
			var sizes []int
			for _, d := range docs {
				_, cs, _ := parseRequestDoc(d)
				sizes = append(sizes, len(cs))
			}
			if fmt.Sprint(sizes) != "[15 15 2]" {
				t.Fatalf("document sizes %v", sizes)
			}
		})
	}
}

func TestPerCommandErrors(t *testing.T) {
	f := newFakeBW(t)
	c := newTestClient(t, newTCPFront(t, f).endpoint(), nil)
	ctx := testCtx(t)
	resps, err := c.Do(ctx, zoe(), zoe(), UserGetRequest23V2{UserId: "nobody@example.com"}, UserGetRequest23V2{UserId: "zoe@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if Err(resps[0]) != nil || !IsAlreadyExists(Err(resps[1])) || !IsNotFound(Err(resps[2])) {
		t.Fatalf("responses %v %v %v", Err(resps[0]), Err(resps[1]), Err(resps[2]))
	}
	var e *Error
	if !errors.As(Err(resps[2]), &e) || e.Command != "UserGetRequest23V2" || e.Code != 4008 || !strings.Contains(e.Error(), "User not found: nobody@example.com") {
		t.Fatalf("error %+v", e)
	}
	if _, ok := resps[3].(*UserGetResponse23V2); !ok {
		t.Fatalf("the command after the failures: %T", resps[3])
	}
	if _, err := Call[*UserGetResponse23V2](ctx, c, UserGetRequest23V2{UserId: "nobody@example.com"}); !IsNotFound(err) {
		t.Fatalf("Call error %v", err)
	}
	if _, err := Call[*UserGetResponse23V2](ctx, c, UserGetListInGroupRequest{ServiceProviderId: "SP1", GroupId: "G1"}); err == nil {
		t.Fatal("Call accepted a response of the wrong type")
	}
}

func TestLatin1OverTheSocket(t *testing.T) {
	for _, cs := range []string{"ISO-8859-1", "UTF-8"} {
		t.Run(cs, func(t *testing.T) {
			f := newFakeBW(t)
			f.charset = cs
			tf := newTCPFront(t, f)
			c := newTestClient(t, tf.endpoint(), nil)
			ctx := testCtx(t)
			if err := Exec(ctx, c, zoe()); err != nil {
				t.Fatal(err)
			}
			u, err := Call[*UserGetResponse23V2](ctx, c, UserGetRequest23V2{UserId: "zoe@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			if u.FirstName != "Zoë" || u.LastName != "Müller" {
				t.Fatalf("name %q %q", u.FirstName, u.LastName)
			}
			tf.mu.Lock()
			defer tf.mu.Unlock()
			found := false
			for _, raw := range tf.raw {
				if !bytes.HasPrefix(raw, []byte(`<?xml version="1.0" encoding="ISO-8859-1"?>`)) {
					t.Fatalf("document without the ISO-8859-1 declaration: %q", raw[:50])
				}
				if bytes.Contains(raw, []byte("<firstName>Zo\xeb</firstName>")) && bytes.Contains(raw, []byte("<lastName>M\xfcller</lastName>")) {
					found = true
				}
			}
			if !found {
				t.Fatal("the name did not travel as ISO-8859-1 bytes")
			}
		})
	}
}

func TestSOAPOverTLS(t *testing.T) {
	f := newFakeBW(t)
	sf := newSOAPFront(t, f, true)
	c := newTestClient(t, sf.srv.URL, func(c *Config) { c.HTTPClient = sf.srv.Client() })
	if err := Exec(testCtx(t), c, zoe()); err != nil {
		t.Fatal(err)
	}
}

func TestTLSSocket(t *testing.T) {
	f := newFakeBW(t)
	srvTLS := newSOAPFront(t, f, true).srv // borrow httptest's certificate
	cert := srvTLS.TLS.Certificates[0]
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	newTCPFrontOn(t, f, ln)
	c := newTestClient(t, "tls://"+ln.Addr().String(), func(c *Config) {
		c.TLSConfig = &tls.Config{RootCAs: srvTLS.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs, ServerName: "example.com"}
	})
	ctx := testCtx(t)
	if err := Exec(ctx, c, zoe()); err != nil {
		t.Fatal(err)
	}
	if info, _ := c.LoginInfo(ctx); info.Method != "LoginRequest22V5" {
		t.Fatalf("login over TLS used %s", info.Method)
	}
}

func TestEndpoints(t *testing.T) {
	for ep, ok := range map[string]bool{
		"https://xsp.example.com":         true,
		"tls://as.example.com":            true,
		"http://127.0.0.1:8080":           true,
		"tcp://localhost":                 true,
		"tcp://[::1]:2208":                true,
		"http://xsp.example.com":          false,
		"tcp://as.example.com:2208":       false,
		"ftp://x":                         false,
		"":                                false,
		"https://user:pw@xsp.example.com": false,
		"tls://as.example.com/path":       false,
		"https://xsp.example.com/custom/Provisioning": true,
	} {
		_, err := New(Config{Endpoint: ep, Username: "a", Password: "b"})
		if (err == nil) != ok {
			t.Errorf("%q: err = %v", ep, err)
		}
	}
	c, _ := New(Config{Endpoint: "https://xsp.example.com", Username: "a", Password: "b"})
	if c.t.(*soapTransport).url != "https://xsp.example.com"+DefaultSOAPPath {
		t.Fatalf("soap url %s", c.t.(*soapTransport).url)
	}
	c, _ = New(Config{Endpoint: "tls://as.example.com", Username: "a", Password: "b"})
	if c.t.(*tcpTransport).addr != "as.example.com:2209" {
		t.Fatalf("tls addr %s", c.t.(*tcpTransport).addr)
	}
	c, _ = New(Config{Endpoint: "tcp://127.0.0.1", Username: "a", Password: "b"})
	if c.t.(*tcpTransport).addr != "127.0.0.1:2208" {
		t.Fatalf("tcp addr %s", c.t.(*tcpTransport).addr)
	}
	if _, err := New(Config{Endpoint: "tls://a.example.com", Password: "b"}); err == nil {
		t.Fatal("no username accepted")
	}
}

func TestSOAPRetries(t *testing.T) {
	cases := []struct {
		name     string
		req      Request
		status   int
		body     string
		header   map[string]string
		failures int
		wantErr  error // nil: succeeds after the failures
		wantHits int   // hook answers used
	}{
		{"read retried on 502", UserGetListInGroupRequest{ServiceProviderId: "SP1", GroupId: "G1"}, 502, "bad gateway", nil, 2, nil, 2},
		{"write retried on 503 with Retry-After", zoe(), 503, "busy", map[string]string{"Retry-After": "0"}, 2, nil, 2},
		{"write retried on 429", zoe(), 429, "slow down", map[string]string{"Retry-After": "0"}, 1, nil, 1},
		{"write retried on NO_OCS_CONNECTION", zoe(), 500, soapFault("soapenv:Server.generalException", "NO_OCS_CONNECTION", ""), nil, 2, nil, 2},
		{"write not retried on 502", zoe(), 502, "bad gateway", nil, 1, ErrAmbiguousWrite, 1},
		{"write refused with 404 is not ambiguous", zoe(), 404, "no such path", nil, 1, errNotAmbiguous, 1},
		{"read gives up after MaxRetries", UserGetListInGroupRequest{ServiceProviderId: "SP1", GroupId: "G1"}, 502, "bad gateway", nil, 100, errors.New("any"), 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeBW(t)
			sf := newSOAPFront(t, f, false)
			c := newTestClient(t, sf.srv.URL, func(c *Config) { c.MaxRetries = 3 })
			ctx := testCtx(t)
			if _, err := c.LoginInfo(ctx); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			hits := 0
			sf.mu.Lock()
			sf.hook = func(w http.ResponseWriter, _ int) bool {
				mu.Lock()
				defer mu.Unlock()
				if hits >= tc.failures {
					return false
				}
				hits++
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
				return true
			}
			sf.mu.Unlock()
			_, err := c.Do(ctx, tc.req)
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("err = %v", err)
			case tc.wantErr != nil && err == nil:
				t.Fatal("no error")
			case errors.Is(tc.wantErr, ErrAmbiguousWrite) && !errors.Is(err, ErrAmbiguousWrite):
				t.Fatalf("err = %v, want ErrAmbiguousWrite", err)
			case errors.Is(tc.wantErr, errNotAmbiguous) && errors.Is(err, ErrAmbiguousWrite):
				t.Fatalf("err = %v: a refused request is not ambiguous", err)
			}
			if hits != tc.wantHits {
				t.Fatalf("%d failed attempts, want %d", hits, tc.wantHits)
			}
		})
	}
}

var errNotAmbiguous = errors.New("any error but ErrAmbiguousWrite")

func TestConnectionRefusedRetried(t *testing.T) {
	// Reserve a port, leave it closed, and open it after the first attempts were refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	f := newFakeBW(t)
	c := newTestClient(t, "tcp://"+addr, func(c *Config) {
		c.MaxRetries = 10
		c.RetryWaitMin = 50 * time.Millisecond
		c.RetryWaitMax = 100 * time.Millisecond
	})
	go func() {
		time.Sleep(150 * time.Millisecond)
		ln2, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("relisten: %v", err)
			return
		}
		newTCPFrontOn(t, f, ln2)
	}()
	if err := Exec(testCtx(t), c, zoe()); err != nil {
		t.Fatal(err)
	}
}

func TestRateLimit(t *testing.T) {
	f := newFakeBW(t)
	c := newTestClient(t, newTCPFront(t, f).endpoint(), func(c *Config) { c.RequestsPerSecond = 20 })
	ctx := testCtx(t)
	if _, err := c.LoginInfo(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < 10; i++ {
		if _, err := c.Do(ctx, UserGetRequest23V2{UserId: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 350*time.Millisecond {
		t.Fatalf("10 documents at 20/s took %v", d)
	}
}

func TestCloseLogsOut(t *testing.T) {
	f := newFakeBW(t)
	c := newTestClient(t, newTCPFront(t, f).endpoint(), nil)
	ctx := testCtx(t)
	if _, err := c.LoginInfo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	last := f.commands[len(f.commands)-1]
	f.mu.Unlock()
	if last != "LogoutRequest" {
		t.Fatalf("last command %s", last)
	}
	if _, err := c.Do(ctx, UserGetRequest23V2{UserId: "x"}); err == nil {
		t.Fatal("closed client still works")
	}
}

func TestEveryDocumentSentIsSchemaValid(t *testing.T) {
	// The fakes validate every document they receive; this drives every sample request through
	// both transports so each generated command crosses the wire at least once.
	for _, fr := range fronts {
		t.Run(fr.name, func(t *testing.T) {
			f := newFakeBW(t)
			c := newTestClient(t, fr.endpoint(t, f), nil)
			var reqs []Request
			for _, r := range sampleRequests() {
				if _, ok := r.(LogoutRequest); !ok { // a logout mid-batch would end the session
					reqs = append(reqs, r)
				}
			}
			resps, err := c.Do(testCtx(t), reqs...)
			if err != nil {
				t.Fatal(err)
			}
			if len(resps) != len(reqs) {
				t.Fatalf("%d responses", len(resps))
			}
			s := ocipschema.Default(t)
			for _, d := range f.documents() {
				if err := s.ValidateRequest(d); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestNilClearsOnTheWire(t *testing.T) {
	f := newFakeBW(t)
	tf := newTCPFront(t, f)
	c := newTestClient(t, tf.endpoint(), nil)
	err := Exec(testCtx(t), c, UserModifyRequest22{UserId: "zoe@example.com", PhoneNumber: Nil[string](), Extension: Nil[string](),
		Department: Nil[DepartmentKey](), EmailAddress: Value("zoe@example.com"), Title: Nil[string]()})
	if err != nil {
		t.Fatal(err)
	}
	tf.mu.Lock()
	last := tf.raw[len(tf.raw)-1]
	tf.mu.Unlock()
	for _, want := range []string{`<phoneNumber xsi:nil="true"></phoneNumber>`, `<extension xsi:nil="true"></extension>`,
		`<department xsi:type="EnterpriseDepartmentKey" xsi:nil="true"></department>`, `<emailAddress>zoe@example.com</emailAddress>`,
		`<title xsi:nil="true"></title>`} {
		if !bytes.Contains(last, []byte(want)) {
			t.Errorf("document lacks %s:\n%s", want, last)
		}
	}
	if bytes.Contains(last, []byte("lastName")) || bytes.Contains(last, []byte("mobilePhoneNumber")) {
		t.Errorf("absent fields were written:\n%s", last)
	}
}

func TestLogsNeverCarrySecrets(t *testing.T) {
	for _, old := range []bool{false, true} {
		var buf bytes.Buffer
		ctx := tflogtest.RootLogger(testCtx(t), &buf)
		f := newFakeBW(t)
		f.no22V5 = old
		c := newTestClient(t, newTCPFront(t, f).endpoint(), nil)
		if err := Exec(ctx, c, zoe()); err != nil {
			t.Fatal(err)
		}
		if err := Exec(ctx, c, UserPortalPasscodeModifyRequest{UserId: "zoe@example.com", NewPasscode: "738261"}); err != nil {
			t.Fatal(err)
		}
		logs := buf.String()
		if !strings.Contains(logs, "oci-p login") || !strings.Contains(logs, "UserAddRequest22V2") || !strings.Contains(logs, "duration_ms") {
			t.Fatalf("logs lack the command names and timings:\n%s", logs)
		}
		for _, secret := range []string{"s3cret-Pw", "738261", SignedPassword("s3cret-Pw", "1234567890123"), "<BroadsoftDocument", "1234567890123"} {
			if strings.Contains(logs, secret) {
				t.Fatalf("logs carry %q:\n%s", secret, logs)
			}
		}
	}
}

func TestTimeouts(t *testing.T) {
	f := newFakeBW(t)
	tf := newTCPFront(t, f)
	c := newTestClient(t, tf.endpoint(), func(c *Config) { c.RequestTimeout = 150 * time.Millisecond })
	ctx := testCtx(t)
	if _, err := c.LoginInfo(ctx); err != nil {
		t.Fatal(err)
	}
	tf.mu.Lock()
	tf.delays, tf.delay = 1, 400*time.Millisecond
	tf.mu.Unlock()
	// A read that timed out is sent again on a new connection after a new login.
	if _, err := Call[*UserGetListInGroupResponse](ctx, c, UserGetListInGroupRequest{ServiceProviderId: "SP1", GroupId: "G1"}); err != nil {
		t.Fatalf("read after a timeout: %v", err)
	}
	if n := f.loginCount(); n != 2 {
		t.Fatalf("%d logins", n)
	}
	// A write that timed out may have run: reported, not resent.
	tf.mu.Lock()
	tf.delays = 1
	tf.mu.Unlock()
	before := len(f.documents())
	err := Exec(ctx, c, zoe())
	if !errors.Is(err, ErrAmbiguousWrite) {
		t.Fatalf("write after a timeout: %v", err)
	}
	adds := 0
	for _, d := range f.documents()[before:] {
		if bytes.Contains(d, []byte("UserAddRequest22V2")) {
			adds++
		}
	}
	if adds != 1 {
		t.Fatalf("the write was sent %d times", adds)
	}
	// The caller's own deadline ends the wait too.
	tf.mu.Lock()
	tf.delays = 1
	tf.mu.Unlock()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.Do(short, UserGetRequest23V2{UserId: "x"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("caller deadline: %v", err)
	}
}

func TestTwoStageLoginRestartsAfterADrop(t *testing.T) {
	f := newFakeBW(t)
	f.no22V5 = true
	tf := newTCPFront(t, f)
	tf.dropAuth = 1 // the socket closes between AuthenticationResponse and LoginRequest14sp4
	c := newTestClient(t, tf.endpoint(), nil)
	info, err := c.LoginInfo(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	tf.mu.Lock()
	conns := tf.conns
	tf.mu.Unlock()
	if info.Method != "LoginRequest14sp4" || conns != 2 || f.loginsOf("LoginRequest14sp4") != 1 {
		t.Fatalf("login %+v over %d connections", info, conns)
	}
}

// TestSOAPRequestTimeoutIsPerAttempt: RequestTimeout bounds each HTTP attempt of a SOAP document,
// not the attempts and the waits between them together: a document answered NO_OCS_CONNECTION
// several times, whose retries take longer in all than RequestTimeout, still gets through; an
// attempt that hangs longer than RequestTimeout is given up and (a read) tried again.
func TestSOAPRequestTimeoutIsPerAttempt(t *testing.T) {
	f := newFakeBW(t)
	sf := newSOAPFront(t, f, false)
	c := newTestClient(t, sf.srv.URL, func(c *Config) {
		c.MaxRetries, c.RequestTimeout, c.RetryWaitMin, c.RetryWaitMax = 6, 300*time.Millisecond, 100*time.Millisecond, 100*time.Millisecond
	})
	ctx := testCtx(t)
	if _, err := c.LoginInfo(ctx); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	hits, hang := 0, false
	sf.mu.Lock()
	sf.hook = func(w http.ResponseWriter, _ int) bool {
		mu.Lock()
		h, hg := hits, hang
		hits++
		mu.Unlock()
		switch {
		case hg && h == 0:
			time.Sleep(time.Second) // longer than RequestTimeout
			return true
		case !hg && h < 5: // 5 faults and 5 waits of 100 ms or more: over RequestTimeout in all
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, soapFault("soapenv:Server.generalException", "NO_OCS_CONNECTION", ""))
			return true
		}
		return false
	}
	sf.mu.Unlock()
	start := time.Now()
	if _, err := c.Do(ctx, UserGetListInGroupRequest{ServiceProviderId: "SP1", GroupId: "G1"}); err != nil {
		t.Fatalf("after %d attempts in %s: %v", hits, time.Since(start), err)
	}
	if hits != 6 {
		t.Errorf("%d attempts, want 6", hits)
	}

	mu.Lock()
	hits, hang = 0, true
	mu.Unlock()
	start = time.Now()
	if _, err := c.Do(ctx, UserGetListInGroupRequest{ServiceProviderId: "SP1", GroupId: "G1"}); err != nil {
		t.Fatalf("after a hanging attempt: %v", err)
	}
	if took := time.Since(start); hits != 2 || took > 900*time.Millisecond {
		t.Errorf("%d attempts in %s, want the hanging one given up after 300ms and a second", hits, took)
	}
}
