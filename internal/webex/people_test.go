package webex

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestPeople(t *testing.T) {
	person := Person{ID: "per1", Emails: []string{"ada@acme.example"}, DisplayName: "Ada Lovelace", FirstName: "Ada", LastName: "Lovelace",
		PhoneNumbers: []PhoneNumber{{Type: "work", Value: "+13035550100", Primary: true}, {Type: "work_extension", Value: "100"}},
		Extension:    "100", LocationID: "loc1", OrgID: "org1", Licenses: []string{"lic1"}, Status: "pending", InvitePending: true, LoginEnabled: true, Type: "person"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/people/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("callingData") != "true" {
			t.Errorf("get query %s", r.URL.RawQuery)
		}
		writeJSON(w, 200, person)
	})
	mux.HandleFunc("POST /v1/people", func(w http.ResponseWriter, r *http.Request) {
		var got map[string]any
		readJSON(t, r, &got)
		if r.URL.Query().Get("callingData") != "true" || got["orgId"] != "org1" || got["locationId"] != "loc1" || got["extension"] != "100" {
			t.Errorf("create %s %v", r.URL.RawQuery, got)
		}
		writeJSON(w, 200, person)
	})
	mux.HandleFunc("PUT /v1/people/{id}", func(w http.ResponseWriter, r *http.Request) {
		var got PersonUpdate
		readJSON(t, r, &got)
		if got.DisplayName != "Ada King" || got.LoginEnabled == nil || !*got.LoginEnabled || len(got.PhoneNumbers) != 1 {
			t.Errorf("update %+v (a read-modify-write keeps the work number and loginEnabled)", got)
		}
		p := person
		p.DisplayName = got.DisplayName
		if r.URL.Query().Get("minResponse") == "" && r.URL.Query().Get("callingData") == "true" {
			writeJSON(w, 200, p)
		}
	})
	mux.HandleFunc("DELETE /v1/people/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	_, base := newServer(t, mux)
	c := newClient(t, base)
	ctx := context.Background()

	got, err := c.GetPerson(ctx, "per1", true)
	if err != nil || !reflect.DeepEqual(*got, person) {
		t.Fatalf("get: %v\n got %+v\nwant %+v", err, got, person)
	}
	created, err := c.CreatePerson(ctx, PersonCreate{Emails: []string{"ada@acme.example"}, OrgID: "org1", LocationID: "loc1", Extension: "100",
		FirstName: "Ada", LastName: "Lovelace", PhoneNumbers: []PersonPhoneNumber{{Type: "work", Value: "+13035550100"}}}, true)
	if err != nil || created.ID != "per1" || !bool(created.InvitePending) {
		t.Fatalf("create: %v %+v", err, created)
	}
	if _, err := c.CreatePerson(ctx, PersonCreate{}, true); err == nil {
		t.Error("a create without an email did not fail")
	}
	u := UpdateFromPerson(got)
	u.DisplayName = "Ada King"
	updated, err := c.UpdatePerson(ctx, "per1", u, true)
	if err != nil || updated.DisplayName != "Ada King" {
		t.Fatalf("update: %v %+v", err, updated)
	}
	if err := c.DeletePerson(ctx, "per1"); err != nil {
		t.Fatalf("delete: %v", err)
	}
}

// createServer is a People service whose POST misbehaves as told; it records the calls.
type createServer struct {
	t      *testing.T
	mu     sync.Mutex
	posts  int
	lists  int
	people []Person
	// answer decides the POST's answer by attempt number: status, and whether the person is
	// created all the same.
	answer func(n int) (status int, create bool)
}

func (s *createServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodPost:
		s.posts++
		var body PersonCreate
		readJSON(s.t, r, &body)
		status, create := s.answer(s.posts)
		p := Person{ID: "per-new", Emails: body.Emails, DisplayName: body.FirstName + " " + body.LastName, OrgID: body.OrgID}
		if create {
			s.people = append(s.people, p)
		}
		if status == 200 {
			writeJSON(w, 200, p)
			return
		}
		writeError(w, status, "Invalid request: licenses could not be assigned", 0)
	case http.MethodGet:
		s.lists++
		q := r.URL.Query()
		if q.Get("orgId") != "org1" {
			s.t.Errorf("look-up without the orgId: %s", r.URL.RawQuery)
		}
		var items []Person
		for _, p := range s.people {
			if p.HasEmail(q.Get("email")) {
				items = append(items, p)
			}
		}
		writeJSON(w, 200, map[string]any{"items": append([]Person{}, items...)})
	}
}

// TestCreatePersonSafe: an ambiguous create is resolved by a look-up by email before any retry.
func TestCreatePersonSafe(t *testing.T) {
	req := PersonCreate{Emails: []string{"Ada@Acme.example"}, OrgID: "org1", FirstName: "Ada", LastName: "Lovelace"}
	for _, tc := range []struct {
		name             string
		answer           func(n int) (int, bool)
		wantFound        bool
		wantErr          string
		wantPosts, wants int // POSTs, look-ups
	}{
		{"clean create", func(int) (int, bool) { return 200, true }, false, "", 1, 0},
		{"400 but created", func(int) (int, bool) { return 400, true }, true, "", 1, 1},
		{"409 and it exists", func(int) (int, bool) { return 409, true }, true, "", 1, 1},
		{"400 and not created", func(int) (int, bool) { return 400, false }, false, "webex api error 400", 1, 1},
		{"502 not created, retried once", func(n int) (int, bool) {
			if n == 1 {
				return 502, false
			}
			return 200, true
		}, false, "", 2, 1},
		{"502 twice", func(int) (int, bool) { return 502, false }, false, "webex api error 502", 2, 2},
		{"502 but created", func(int) (int, bool) { return 502, true }, true, "", 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &createServer{t: t, answer: tc.answer}
			_, base := newServer(t, s)
			c := newClient(t, base)
			res, err := c.CreatePersonSafe(context.Background(), req, false)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatalf("err = %v", err)
			} else if res.Found != tc.wantFound || res.Person == nil || res.Person.ID != "per-new" {
				t.Fatalf("result %+v, want found=%v", res, tc.wantFound)
			}
			if s.posts != tc.wantPosts || s.lists != tc.wants {
				t.Errorf("%d POSTs and %d look-ups, want %d and %d", s.posts, s.lists, tc.wantPosts, tc.wants)
			}
			if len(s.people) > 1 {
				t.Errorf("%d people created: a duplicate", len(s.people))
			}
		})
	}
}
