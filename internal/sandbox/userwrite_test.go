package sandbox

import (
	"net/http"
	"testing"
)

// Every per-user write honours If-Match (writeUserObject): a stale etag is a 412 etag_mismatch and
// nothing changes.
func TestPerUserWritesHonourIfMatch(t *testing.T) {
	e := newEnv(t)
	id := e.createUser(acmeToken, map[string]any{"email": "stale@example.com"})["id"].(string)
	base := "/v1/users/" + id
	e.must(200, e.request("PUT", base+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551200", "extension": "1200"}))
	e.must(200, e.request("PUT", base+"/e911", acmeToken, map[string]any{"address1": "1 Main Street", "city": "Denver",
		"state": "CO", "postalCode": "80202", "country": "US"}))
	e.must(http.StatusAccepted, e.request("POST", base+"/activation", acmeToken, map[string]any{}))

	objects := []string{base, base + "/number", base + "/e911", base + "/services/integrated-imp", base + "/call-forwarding", base + "/activation"}
	etags := func() map[string]string {
		m := map[string]string{}
		for _, p := range objects {
			m[p] = e.must(200, e.request("GET", p, acmeToken, nil)).header.Get("ETag")
		}
		return m
	}
	before := etags()
	for _, w := range []struct {
		method, path string
		body         any
	}{
		{"PATCH", base, map[string]any{"department": "X"}},
		{"DELETE", base, nil},
		{"POST", base + "/reset", nil},
		{"PUT", base + "/number", map[string]any{"extension": "1299"}},
		{"DELETE", base + "/number", nil},
		{"POST", base + "/number/activate", nil},
		{"PUT", base + "/e911", map[string]any{"address1": "2 Main Street", "city": "Denver", "state": "CO", "postalCode": "80202", "country": "US"}},
		{"DELETE", base + "/e911", nil},
		{"PUT", base + "/services/integrated-imp", map[string]any{"enabled": true}},
		{"PUT", base + "/call-forwarding", map[string]any{"always": map[string]any{"enabled": true, "destination": "+17205550100"},
			"busy": map[string]any{"enabled": false}, "noAnswer": map[string]any{"enabled": false}}},
		{"DELETE", base + "/call-forwarding", nil},
		{"POST", base + "/activation", map[string]any{}},
		{"PATCH", base + "/activation", map[string]any{"package": "webex_suite"}},
		{"POST", base + "/activation/retry", nil},
		{"DELETE", base + "/activation", nil},
	} {
		t.Run(w.method+" "+w.path[len(base):], func(t *testing.T) {
			e.wantError(e.request(w.method, w.path, acmeToken, w.body, "If-Match", `"stale"`), http.StatusPreconditionFailed, "etag_mismatch", "")
		})
	}
	after := etags()
	for p, tag := range before {
		// The activation's etag follows the worker's status steps; the others must not move.
		if p != base+"/activation" && after[p] != tag {
			t.Errorf("%s changed (etag %s -> %s) although every write was refused", p, tag, after[p])
		}
	}
}
