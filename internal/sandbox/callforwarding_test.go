package sandbox

import (
	"testing"
)

func TestCallForwarding(t *testing.T) {
	e := newEnv(t)
	u := e.createUser(acmeToken, nil)["id"].(string)
	path := "/v1/users/" + u + "/call-forwarding"
	put := func(body any, headers ...string) resp { return e.request("PUT", path, acmeToken, body, headers...) }
	const defaults = `{"always":{"enabled":false,"destination":""},"busy":{"enabled":false,"destination":""},` +
		`"noAnswer":{"enabled":false,"destination":"","rings":3},"etag":"\"1\""}` + "\n"

	r := e.must(200, e.request("GET", path, acmeToken, nil))
	if string(r.body) != defaults || r.header.Get("ETag") != `"1"` {
		t.Errorf("defaults: %s (ETag %q)", r.body, r.header.Get("ETag"))
	}

	t.Run("validation", func(t *testing.T) {
		e := e.sub(t)
		on := func(dest string) map[string]any { return map[string]any{"enabled": true, "destination": dest} }
		tests := []struct {
			name        string
			body        map[string]any
			code, field string
		}{
			{"always without destination", map[string]any{"always": on("")}, "destination_required", "always.destination"},
			{"busy without destination", map[string]any{"busy": map[string]any{"enabled": true}}, "destination_required", "busy.destination"},
			{"no answer without destination", map[string]any{"noAnswer": on("")}, "destination_required", "noAnswer.destination"},
			{"bad destination", map[string]any{"always": on("call me")}, "destination_invalid", "always.destination"},
			{"bad destination while off", map[string]any{"busy": map[string]any{"enabled": false, "destination": "+0"}}, "destination_invalid", "busy.destination"},
			{"one-digit extension", map[string]any{"noAnswer": on("7")}, "destination_invalid", "noAnswer.destination"},
			{"rings too few", map[string]any{"noAnswer": map[string]any{"rings": 1}}, "rings_invalid", "noAnswer.rings"},
			{"rings zero", map[string]any{"noAnswer": map[string]any{"rings": 0}}, "rings_invalid", "noAnswer.rings"},
			{"rings too many", map[string]any{"noAnswer": map[string]any{"enabled": true, "destination": "1234", "rings": 21}}, "rings_invalid", "noAnswer.rings"},
			{"first rule first", map[string]any{"always": on(""), "busy": on("")}, "destination_required", "always.destination"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := e.sub(t)
				e.wantError(put(tt.body), 422, tt.code, tt.field)
			})
		}
		e.wantError(put(map[string]any{"always": map[string]any{"enabled": true, "destination": "1234", "delay": 3}}), 400, "invalid_request", "delay")
		e.wantError(put(map[string]any{"sometimes": map[string]any{}}), 400, "invalid_request", "sometimes")
		e.wantError(put(map[string]any{"noAnswer": map[string]any{"rings": "5"}}), 400, "invalid_request", "noAnswer.rings")
		if got := e.must(200, e.request("GET", path, acmeToken, nil)); string(got.body) != defaults {
			t.Errorf("a refused PUT changed the settings: %s", got.body)
		}
	})

	body := map[string]any{
		"always":   map[string]any{"enabled": false, "destination": "+17205550100"},
		"busy":     map[string]any{"enabled": true, "destination": "1234"},
		"noAnswer": map[string]any{"enabled": true, "destination": "+33634333299", "rings": 20},
	}
	r = e.must(200, put(body, "If-Match", `"1"`))
	wantJSON := `{"always":{"enabled":false,"destination":"+17205550100"},"busy":{"enabled":true,"destination":"1234"},` +
		`"noAnswer":{"enabled":true,"destination":"+33634333299","rings":20},"etag":"\"2\""}` + "\n"
	if string(r.body) != wantJSON || r.header.Get("ETag") != `"2"` {
		t.Errorf("put: %s", r.body)
	}
	if g := e.must(200, e.request("GET", path, acmeToken, nil)); string(g.body) != wantJSON {
		t.Errorf("get after put: %s", g.body)
	}
	// The same settings again: same etag. A stale If-Match: 412.
	if again := e.must(200, put(body)).str(t, "etag"); again != `"2"` {
		t.Errorf("idempotent put etag %s", again)
	}
	e.wantError(put(body, "If-Match", `"1"`), 412, "etag_mismatch", "")
	// Missing rules are off; missing rings is 3.
	r = e.must(200, put(map[string]any{"noAnswer": map[string]any{"enabled": true, "destination": "55"}}))
	if g := r.obj(t); g["noAnswer"].(map[string]any)["rings"] != 3.0 || g["busy"].(map[string]any)["enabled"] != false || g["etag"] != `"3"` {
		t.Errorf("partial put: %s", r.body)
	}

	e.wantError(e.request("DELETE", path, acmeToken, nil, "If-Match", `"2"`), 412, "etag_mismatch", "")
	e.must(204, e.request("DELETE", path, acmeToken, nil, "If-Match", `"3"`))
	g := e.must(200, e.request("GET", path, acmeToken, nil))
	want := `{"always":{"enabled":false,"destination":""},"busy":{"enabled":false,"destination":""},` +
		`"noAnswer":{"enabled":false,"destination":"","rings":3},"etag":"\"4\""}` + "\n"
	if string(g.body) != want {
		t.Errorf("after delete: %s", g.body)
	}
	e.must(204, e.request("DELETE", path, acmeToken, nil)) // always exists: a reset again is fine
	if tag := e.must(200, e.request("GET", path, acmeToken, nil)).str(t, "etag"); tag != `"4"` {
		t.Errorf("a no-op delete changed the etag to %s", tag)
	}

	t.Run("tenancy", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("GET", path, globexToken, nil), 404, "not_found", "")
		e.wantError(e.request("PUT", path, globexToken, body), 404, "not_found", "")
		e.wantError(e.request("DELETE", path, globexToken, nil), 404, "not_found", "")
		e.wantError(e.request("GET", "/v1/users/usr_nope/call-forwarding", spToken, nil), 404, "not_found", "")
	})
}
