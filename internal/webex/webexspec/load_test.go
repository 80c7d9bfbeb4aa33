package webexspec

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestLoadAndRoute(t *testing.T) {
	start := time.Now()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %s", time.Since(start))
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/v1/broadworks/subscribers", "GET /broadworks/subscribers"},
		{"PUT", "/v1/telephony/config/people/abc/voicemail/passcode", "PUT /telephony/config/people/{personId}/voicemail/passcode"},
		{"GET", "/v1/people/abc", "GET /people/{personId}"},
		{"GET", "/v1/people/abc/features/callForwarding", "GET /people/{personId}/features/callForwarding"},
	} {
		op, file, ok := c.Route(httptest.NewRequest(tc.method, tc.path, nil))
		if !ok || op != tc.want {
			t.Errorf("%s %s: got %q (%s) %v, want %q", tc.method, tc.path, op, file, ok, tc.want)
		}
	}
}
