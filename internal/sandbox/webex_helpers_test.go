package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/apispec"
	"github.com/ucprov/terraform-provider-ucprov/internal/webexspec"
)

const wxToken = DemoWebexToken

// newWebexEnv is a demo-seeded sandbox whose worker never ticks on its own; every Webex exchange
// is checked against Cisco's specs (internal/webexspec), every other against api/openapi.yaml.
func newWebexEnv(t *testing.T, opts ...func(*Options)) *env {
	t.Helper()
	mw := webexspec.Middleware(t, webexspec.Probing, apispec.Middleware(t, apispec.Probing))
	return newEnv(t, append([]func(*Options){func(o *Options) {
		o.JobTick = time.Hour
		o.Middleware = mw
	}}, opts...)...)
}

// wantWebexError checks a Webex error response: status, errorCode of errors[0] (0 = none) and
// that message contains msg; the trackingId is the TrackingID header.
func (e *env) wantWebexError(r resp, status, code int, msg string) map[string]any {
	e.t.Helper()
	if r.err != nil {
		e.t.Fatalf("transport error: %v", r.err)
	}
	if r.status != status {
		e.t.Fatalf("status %d, want %d; body %s", r.status, status, short(r.body))
	}
	m := r.obj(e.t)
	if s, _ := m["message"].(string); !strings.Contains(s, msg) {
		e.t.Fatalf("message %q does not contain %q", s, msg)
	}
	errs, _ := m["errors"].([]any)
	if len(errs) == 0 {
		e.t.Fatalf("no errors[]: %s", r.body)
	}
	first, _ := errs[0].(map[string]any)
	got, _ := first["errorCode"].(float64)
	if int(got) != code {
		e.t.Fatalf("errorCode %v, want %d; body %s", first["errorCode"], code, r.body)
	}
	if m["trackingId"] == "" || m["trackingId"] != r.header.Get("TrackingID") {
		e.t.Fatalf("trackingId %v does not match header %q", m["trackingId"], r.header.Get("TrackingID"))
	}
	return m
}

// setBWUserID gives a user its BroadWorks user id (what the OCI-P front-end records).
func (e *env) setBWUserID(userID, bw string) {
	e.t.Helper()
	if _, err := e.s.db.Exec(`UPDATE users SET bw_user_id = ? WHERE id = ?`, bw, userID); err != nil {
		e.t.Fatal(err)
	}
}

// bwUser creates an acme user in grp_denver with email ("" = none) and BroadWorks user id bw.
func (e *env) bwUser(email, bw string) string {
	e.t.Helper()
	f := map[string]any{}
	if email != "" {
		f["email"] = email
	}
	id := e.createUser(acmeToken, f)["id"].(string)
	e.setBWUserID(id, bw)
	return id
}

// subscribe POSTs a BroadWorks subscriber for bw in ent_acme and returns it.
func (e *env) subscribe(bw string, fields ...any) map[string]any {
	e.t.Helper()
	body := map[string]any{"provisioningId": "prov-1", "userId": bw, "spEnterpriseId": DemoEnterpriseAcme,
		"firstName": "Ada", "lastName": "Lovelace", "package": "standard"}
	for i := 0; i+1 < len(fields); i += 2 {
		body[fields[i].(string)] = fields[i+1]
	}
	return e.must(200, e.request("POST", "/v1/broadworks/subscribers", wxToken, body)).obj(e.t)
}

func (e *env) getJSON(path, token string) map[string]any {
	e.t.Helper()
	return e.must(200, e.request("GET", path, token, nil)).obj(e.t)
}

// nextLink is the URL of the Link rel="next" header ("" when none).
func nextLink(h http.Header) string {
	l := h.Get("Link")
	if l == "" {
		return ""
	}
	start, end := strings.Index(l, "<"), strings.Index(l, ">")
	if start < 0 || end < start || !strings.Contains(l, `rel="next"`) {
		return ""
	}
	return l[start+1 : end]
}

// linkParam is a query parameter of a link.
func linkParam(t *testing.T, link, name string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get(name)
}
