package sandbox

import (
	"encoding/csv"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// reportFixture creates acme users in every interesting shape and returns their ids by name:
// ann (Denver, number + extension, provisioned), bob (Paris, extension only, error), carl
// (Denver, nothing assigned, queued, same last name as ann), dee (names with commas and double
// quotes, pending_email_input), and eve (no activation: never in the report).
func reportFixture(e *env) map[string]string {
	e.t.Helper()
	ids := map[string]string{}
	add := func(name, first, last, group, status string, number map[string]any) {
		id := e.createUser(acmeToken, map[string]any{"firstName": first, "lastName": last, "groupId": group,
			"email": name + "@example.com"})["id"].(string)
		ids[name] = id
		if number != nil {
			e.must(200, e.request("PUT", "/v1/users/"+id+"/number", acmeToken, number))
		}
		if status == "" {
			return
		}
		e.activate(id)
		if _, err := e.s.db.Exec(`UPDATE activations SET status = ? WHERE user_id = ?`, status, id); err != nil {
			e.t.Fatal(err)
		}
	}
	add("ann", "Ann", "Baker", DemoGroupDenver, "provisioned", map[string]any{"phoneNumber": "+17205551201", "extension": "1201"})
	add("bob", "bob", "adams", DemoGroupParis, "error", map[string]any{"extension": "3302"})
	add("carl", "Carl", "Baker", DemoGroupDenver, "queued", nil)
	add("dee", `Smith, "Jr"`, `O"Neil, Sr`, DemoGroupDenver, "pending_email_input", nil)
	add("eve", "Eve", "Aaron", DemoGroupDenver, "", nil)
	// Another tenant's activated user never shows in acme's report.
	g := e.must(201, e.request("POST", "/v1/enterprises/ent_globex/users", globexToken, map[string]any{
		"groupId": DemoGroupTokyo, "firstName": "Kei", "lastName": "Baker", "email": "kei@example.com"})).str(e.t, "id")
	e.must(202, e.request("POST", "/v1/users/"+g+"/activation", globexToken, map[string]any{}))
	return ids
}

// names maps report rows to fixture names.
func rowNames(ids map[string]string, rows []map[string]any) []string {
	byID := map[string]string{}
	for name, id := range ids {
		byID[id] = name
	}
	var out []string
	for _, r := range rows {
		out = append(out, byID[r["userId"].(string)])
	}
	return out
}

func TestActivationReport(t *testing.T) {
	e := newManualEnv(t)
	ids := reportFixture(e)
	const base = "/v1/enterprises/ent_acme/activations"
	list := func(query string) []string {
		t.Helper()
		return rowNames(ids, e.must(200, e.request("GET", base+query, acmeToken, nil)).items(t))
	}
	// ann and carl tie on the last name (and carl and dee on the empty extension): the user id
	// breaks ties.
	bakers := []string{"ann", "carl"}
	if ids["carl"] < ids["ann"] {
		bakers = []string{"carl", "ann"}
	}
	noExt := []string{"carl", "dee"}
	if ids["dee"] < ids["carl"] {
		noExt = []string{"dee", "carl"}
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"", append(append([]string{"bob"}, bakers...), "dee")},
		{"?sort=lastName", append(append([]string{"bob"}, bakers...), "dee")},
		{"?sort=-lastName", append(append([]string{"dee"}, bakers...), "bob")},
		{"?sort=firstName", []string{"ann", "bob", "carl", "dee"}},
		{"?sort=-firstName", []string{"dee", "carl", "bob", "ann"}},
		{"?sort=email", []string{"ann", "bob", "carl", "dee"}},
		{"?sort=status", []string{"bob", "dee", "ann", "carl"}},
		{"?sort=-status", []string{"carl", "ann", "dee", "bob"}},
		{"?sort=extension", append(slices.Clone(noExt), "ann", "bob")},
		{"?sort=-extension", append([]string{"bob", "ann"}, noExt...)},
		{"?status=error&status=queued", []string{"bob", "carl"}},
		{"?status=provisioned", []string{"ann"}},
		{"?groupId=grp_paris", []string{"bob"}},
		{"?groupId=grp_tokyo", nil},
		{"?search=BAK", bakers},
		{"?search=3302", []string{"bob"}},
		{"?search=120", []string{"ann"}},
		{"?search=" + url.QueryEscape(`o"neil`), []string{"dee"}},
		{"?search=DEE%40EXAMPLE", []string{"dee"}},
		{"?search=example.com&sort=firstName", []string{"ann", "bob", "carl", "dee"}},
		{"?excludeProvisioned=true&sort=firstName", []string{"bob", "carl", "dee"}},
		{"?excludeProvisioned=false&sort=firstName", []string{"ann", "bob", "carl", "dee"}},
		{"?excludeProvisioned=true&status=provisioned", nil},
	}
	for _, tt := range tests {
		if got := list(tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.query, got, tt.want)
		}
	}

	t.Run("row", func(t *testing.T) {
		e := e.sub(t)
		rows := e.must(200, e.request("GET", base+"?status=provisioned", acmeToken, nil)).items(t)
		want := map[string]any{"userId": ids["ann"], "groupId": "grp_denver", "location": "Denver", "license": "webex_calling",
			"serviceType": "Webex Calling", "serviceId": "+17205551201", "extension": "1201", "firstName": "Ann",
			"lastName": "Baker", "email": "ann@example.com", "status": "provisioned"}
		if len(rows) != 1 || len(rows[0]) != len(want) {
			t.Fatalf("rows %v", rows)
		}
		for k, v := range want {
			if rows[0][k] != v {
				t.Errorf("%s = %v, want %v", k, rows[0][k], v)
			}
		}
		bob := e.must(200, e.request("GET", base+"?groupId=grp_paris", acmeToken, nil)).items(t)[0]
		if bob["serviceId"] != "" || bob["extension"] != "3302" || bob["location"] != "Paris" {
			t.Errorf("extension-only row %v", bob)
		}
	})

	t.Run("paging follows Link in every order", func(t *testing.T) {
		e := e.sub(t)
		for _, tt := range tests {
			if len(tt.want) < 2 {
				continue
			}
			q := "?max=1"
			if tt.query != "" {
				q = tt.query + "&max=1"
			}
			next := base + q
			var got []string
			for pages := 0; next != ""; pages++ {
				if pages > 10 {
					t.Fatalf("%s: too many pages", tt.query)
				}
				r := e.must(200, e.request("GET", next, acmeToken, nil))
				got = append(got, rowNames(ids, r.items(t))...)
				next = ""
				if link := r.header.Get("Link"); link != "" {
					u, rest, ok := strings.Cut(strings.TrimPrefix(link, "<"), ">")
					if !ok || rest != `; rel="next"` || !strings.HasPrefix(u, "http://") {
						t.Fatalf("Link %q", link)
					}
					next = u
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s paged: %v, want %v", tt.query, got, tt.want)
			}
		}
	})

	t.Run("bad parameters", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("GET", base+"?sort=age", acmeToken, nil), 400, "invalid_request", "sort")
		e.wantError(e.request("GET", base+"?sort=--lastName", acmeToken, nil), 400, "invalid_request", "sort")
		e.wantError(e.request("GET", base+"?status=done", acmeToken, nil), 400, "invalid_request", "status")
		e.wantError(e.request("GET", base+"?excludeProvisioned=yes", acmeToken, nil), 400, "invalid_request", "excludeProvisioned")
		e.wantError(e.request("GET", base+"?max=0", acmeToken, nil), 400, "invalid_request", "max")
		e.wantError(e.request("GET", base+"?cursor=nope", acmeToken, nil), 400, "invalid_request", "cursor")
		// A cursor of one order is refused in another.
		link := e.must(200, e.request("GET", base+"?max=1", acmeToken, nil)).header.Get("Link")
		u, _, _ := strings.Cut(strings.TrimPrefix(link, "<"), ">")
		e.wantError(e.request("GET", u+"&sort=email", acmeToken, nil), 400, "invalid_request", "cursor")
	})

	t.Run("tenancy", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("GET", base, globexToken, nil), 404, "not_found", "")
		e.wantError(e.request("GET", base+".csv", globexToken, nil), 404, "not_found", "")
		if got := list("?sort=firstName"); len(got) != 4 {
			t.Errorf("acme report %v", got)
		}
		rows := e.must(200, e.request("GET", "/v1/enterprises/ent_globex/activations", spToken, nil)).items(t)
		if len(rows) != 1 || rows[0]["location"] != "Tokyo" {
			t.Errorf("globex report %v", rows)
		}
	})
}

func TestActivationReportCSV(t *testing.T) {
	e := newManualEnv(t)
	ids := reportFixture(e)
	r := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/activations.csv?sort=firstName", acmeToken, nil))
	if ct := r.header.Get("Content-Type"); ct != "text/csv" {
		t.Errorf("Content-Type %q", ct)
	}
	body := string(r.body)
	if !strings.HasPrefix(body, "User ID,Group ID,Location,License,Service Type,Service ID,Extension,First Name,Last Name,Email,Status\r\n") {
		t.Errorf("header row: %q", body)
	}
	if !strings.HasSuffix(body, "\r\n") || strings.Count(body, "\n") != strings.Count(body, "\r\n") || strings.Count(body, "\r\n") != 5 {
		t.Errorf("line ends: %q", body)
	}
	if !strings.Contains(body, `"Smith, ""Jr""","O""Neil, Sr"`) {
		t.Errorf("quoting: %q", body)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{ids["ann"], "grp_denver", "Denver", "webex_calling", "Webex Calling", "+17205551201", "1201", "Ann", "Baker", "ann@example.com", "provisioned"},
		{ids["bob"], "grp_paris", "Paris", "webex_calling", "Webex Calling", "", "3302", "bob", "adams", "bob@example.com", "error"},
		{ids["carl"], "grp_denver", "Denver", "webex_calling", "Webex Calling", "", "", "Carl", "Baker", "carl@example.com", "queued"},
		{ids["dee"], "grp_denver", "Denver", "webex_calling", "Webex Calling", "", "", `Smith, "Jr"`, `O"Neil, Sr`, "dee@example.com", "pending_email_input"},
	}
	if len(recs) != len(want)+1 {
		t.Fatalf("%d records: %q", len(recs), recs)
	}
	for i, w := range want {
		if !slices.Equal(recs[i+1], w) {
			t.Errorf("record %d: %q, want %q", i+1, recs[i+1], w)
		}
	}

	// Same filters as the list, no paging.
	r = e.must(200, e.request("GET", "/v1/enterprises/ent_acme/activations.csv?status=error&max=1", acmeToken, nil))
	if recs, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll(); err != nil || len(recs) != 2 || recs[1][0] != ids["bob"] {
		t.Errorf("filtered export %q (%v)", recs, err)
	}
	if r.header.Get("Link") != "" {
		t.Error("the export is paged")
	}
	r = e.must(200, e.request("GET", "/v1/enterprises/ent_acme/activations.csv?groupId=grp_none", acmeToken, nil))
	if string(r.body) != "User ID,Group ID,Location,License,Service Type,Service ID,Extension,First Name,Last Name,Email,Status\r\n" {
		t.Errorf("empty export %q", r.body)
	}
	e.wantError(e.request("GET", "/v1/enterprises/ent_acme/activations.csv?sort=nope", acmeToken, nil), 400, "invalid_request", "sort")
}
