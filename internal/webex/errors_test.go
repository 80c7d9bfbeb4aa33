package webex

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseErrorBody(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   Error
	}{
		{
			name:   "common form",
			status: 409,
			body:   `{"message":"The BroadWorks UserID is already associated with an existing user.","errors":[{"errorCode":10022,"description":"The BroadWorks UserID is already associated with an existing user."}],"trackingId":"ROUTER_1"}`,
			want: Error{Status: 409, Message: "The BroadWorks UserID is already associated with an existing user.", Codes: []int{10022},
				Descriptions: []string{"The BroadWorks UserID is already associated with an existing user."}, TrackingID: "ROUTER_1"},
		},
		{
			name:   "telephony form",
			status: 400,
			body:   `{"error":{"key":"400","message":[{"description":"[Error 25008] Passcode must be 6 digits","code":"25008","location":"passcode"},{"description":"second","code":"4003"}]},"trackingId":"WEBEX_2"}`,
			want: Error{Status: 400, Key: "400", Message: "[Error 25008] Passcode must be 6 digits", Codes: []int{25008, 4003},
				Descriptions: []string{"[Error 25008] Passcode must be 6 digits", "second"}, TrackingID: "WEBEX_2"},
		},
		{
			name:   "errorCode as string and missing",
			status: 400,
			body:   `{"message":"bad","errors":[{"errorCode":"1001","description":"Null Parameter"},{"description":"no code"}]}`,
			want:   Error{Status: 400, Message: "bad", Codes: []int{1001, 0}, Descriptions: []string{"Null Parameter", "no code"}},
		},
		{
			name:   "forbidden names the scope",
			status: 403,
			body:   `{"message":"Missing required scopes: spark-admin:broadworks_subscribers_write","errors":[{"description":"Missing required scopes: spark-admin:broadworks_subscribers_write"}],"trackingId":"T"}`,
			want: Error{Status: 403, Message: "Missing required scopes: spark-admin:broadworks_subscribers_write", Codes: []int{0},
				Descriptions: []string{"Missing required scopes: spark-admin:broadworks_subscribers_write"}, TrackingID: "T",
				MissingScope: "spark-admin:broadworks_subscribers_write"},
		},
		{
			name:   "proxy page",
			status: 502,
			body:   "<html><body>Bad Gateway</body></html>\n<p>nginx</p>",
			want:   Error{Status: 502, Message: "<html><body>Bad Gateway</body></html>"},
		},
		{
			name:   "telephony message as a string",
			status: 404,
			body:   `{"error":{"key":404,"message":"Person not found"}}`,
			want:   Error{Status: 404, Key: "404", Message: "Person not found"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Error{Status: tc.status}
			parseErrorBody(&got, []byte(tc.body), func(s string) string { return s })
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// TestErrorHelpers: the helpers over answers of a test server in both forms.
func TestErrorHelpers(t *testing.T) {
	answers := map[string]func(http.ResponseWriter){
		"/v1/broadworks/subscribers/conflict": func(w http.ResponseWriter) {
			writeError(w, 409, "The BroadWorks UserID is already associated with an existing user.", 10022)
		},
		"/v1/broadworks/subscribers/missing": func(w http.ResponseWriter) { writeError(w, 404, "Subscriber not found", 0) },
		"/v1/broadworks/subscribers/scope": func(w http.ResponseWriter) {
			writeError(w, 403, "Missing required scopes: spark-admin:broadworks_subscribers_read", 0)
		},
		"/v1/broadworks/subscribers/noscope": func(w http.ResponseWriter) { writeError(w, 403, "Forbidden", 0) },
		"/v1/broadworks/subscribers/auth": func(w http.ResponseWriter) {
			writeJSON(w, 401, map[string]any{"message": "The request requires a valid access token set in the Authorization request header.", "trackingId": "T"})
		},
	}
	_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { answers[r.URL.Path](w) }))
	c := newClient(t, base)
	get := func(id string) error {
		_, err := c.GetBroadWorksSubscriber(context.Background(), id)
		return err
	}
	err := get("conflict")
	if !IsConflict(err) || !HasCode(err, 10022) || HasCode(err, 1001) || IsNotFound(err) {
		t.Errorf("conflict: %v", err)
	}
	if want := "webex api error 409 conflict (get /v1/broadworks/subscribers/conflict): The BroadWorks UserID is already associated with an existing user. (code 10022) [tracking id ROUTER_test]"; err.Error() != want {
		t.Errorf("conflict message\n%q, want\n%q", err, want)
	}
	if err := get("missing"); !IsNotFound(err) || !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
	err = get("scope")
	if !IsForbidden(err) || MissingScope(err) != "spark-admin:broadworks_subscribers_read" || !strings.Contains(err.Error(), "missing scope spark-admin:broadworks_subscribers_read") {
		t.Errorf("scope: %v (scope %q)", err, MissingScope(err))
	}
	if err := get("noscope"); !IsForbidden(err) || MissingScope(err) != "" {
		t.Errorf("noscope: %v", err)
	}
	if err := get("auth"); !IsUnauthorized(err) {
		t.Errorf("auth: %v", err)
	}
	if IsNotFound(nil) || IsConflict(errors.New("x")) || HasCode(nil, 1) {
		t.Error("helpers match a nil or foreign error")
	}
	wrapped := fmt.Errorf("context: %w", get("conflict"))
	if !IsConflict(wrapped) || !HasCode(wrapped, 10022) {
		t.Errorf("helpers do not see through wrapping: %v", wrapped)
	}
}

// FuzzParseErrorBody: whatever the body, parsing never panics, keeps the status, yields valid
// UTF-8 without control characters, and never lets a secret through.
func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"message":"m","errors":[{"errorCode":10022,"description":"d"}],"trackingId":"t"}`,
		`{"error":{"key":"400","message":[{"description":"d","code":"25008","location":"l"}]},"trackingId":"t"}`,
		`{"error":{"key":400,"message":"s"}}`, `{"error":null}`, `{"errors":null}`, `{"errors":[null]}`,
		`{"message":7,"errors":[{"errorCode":1e40}]}`, `{"errors":[{"errorCode":"x"}]}`, `[]`, `null`, ``, `{`,
		"<html>\x00\xff</html>", `{"message":"secret-pass 123456 spark-admin:people_read"}`,
		`{"error":{"message":[{"code":1.5,"description":"123456"}]}}`,
	} {
		f.Add(403, []byte(s))
	}
	const secret = "123456"
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := Error{Status: status}
		parseErrorBody(&e, body, redactor(secret))
		if e.Status != status {
			t.Fatalf("status changed to %d", e.Status)
		}
		texts := append([]string{e.Message, e.TrackingID, e.MissingScope, e.Error()}, e.Descriptions...)
		for _, s := range texts {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
			if strings.ContainsAny(s, "\x00\r\n") {
				t.Fatalf("control character in %q", s)
			}
		}
		for _, s := range append([]string{e.Message, e.TrackingID}, e.Descriptions...) {
			if strings.Contains(s, secret) {
				t.Fatalf("secret in %q", s)
			}
		}
		if len(e.Codes) != len(e.Descriptions) {
			t.Fatalf("%d codes for %d descriptions", len(e.Codes), len(e.Descriptions))
		}
	})
}
