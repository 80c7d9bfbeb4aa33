package webex

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestLinkPaging: the client follows rel="next" to the end, keeps the filters a next link
// drops, sends every page to its own base URL whatever host the link names, and stops at a page
// without items.
func TestLinkPaging(t *testing.T) {
	var mu sync.Mutex
	var queries []string
	_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		q := r.URL.Query()
		if q.Get("email") != "a@x.com" || q.Get("orgId") != "org1" || q.Get("callingData") != "true" {
			t.Errorf("page request lost a filter: %s", r.URL.RawQuery)
		}
		person := func(id string) map[string]any {
			return map[string]any{"id": id, "emails": []string{"a@x.com"}, "displayName": id, "invitePending": "true"}
		}
		switch q.Get("cursor") {
		case "":
			if q.Get("max") != "2" {
				t.Errorf("first page max %q, want 2", q.Get("max"))
			}
			w.Header().Set("Link", `<https://elsewhere.example/v1/people?cursor=c2&max=2>; rel="next"`)
			writeJSON(w, 200, map[string]any{"items": []any{person("p1"), person("p2")}})
		case "c2":
			w.Header().Add("Link", `<https://webexapis.com/v1/people?cursor=c1>; rel="prev", <https://webexapis.com/v1/people?cursor=c3&max=2>; rel="next"`)
			writeJSON(w, 200, map[string]any{"items": []any{person("p3")}})
		case "c3":
			w.Header().Set("Link", `<https://webexapis.com/v1/people?cursor=c4&max=2>; rel="next"`)
			writeJSON(w, 200, map[string]any{"items": []any{}})
		default:
			t.Errorf("unexpected page %s", r.URL.RawQuery)
			writeJSON(w, 200, map[string]any{"items": []any{}})
		}
	}))
	c := newClient(t, base)
	people, err := c.ListPeople(context.Background(), PersonFilter{Email: "a@x.com", OrgID: "org1", CallingData: true, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range people {
		ids = append(ids, p.ID)
		if !p.InvitePending {
			t.Errorf("%s: invitePending \"true\" decoded as false", p.ID)
		}
	}
	if strings.Join(ids, ",") != "p1,p2,p3" {
		t.Errorf("ids %v, want p1,p2,p3", ids)
	}
	if len(queries) != 3 {
		t.Errorf("%d page requests, want 3: %v", len(queries), queries)
	}
}

func TestLinkPagingRefusesAnotherCollectionAndLoops(t *testing.T) {
	for _, tc := range []struct{ link, want string }{
		{`</v1/broadworks/subscribers?cursor=x>; rel="next"`, "points to another collection"},
		{`</v1/locations?cursor=same>; rel="next"`, "paging loop"},
	} {
		_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", tc.link)
			writeJSON(w, 200, map[string]any{"items": []any{map[string]any{"id": "l1", "name": "Denver"}}})
		}))
		c := newClient(t, base)
		_, err := c.ListLocations(context.Background(), LocationFilter{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("link %s: err = %v, want %q", tc.link, err, tc.want)
		}
	}
}

func TestNextLink(t *testing.T) {
	for _, tc := range []struct {
		header []string
		want   string
	}{
		{[]string{`<https://x/v1/people?cursor=a>; rel="next"`}, "https://x/v1/people?cursor=a"},
		{[]string{`<https://x/a>; rel="prev", <https://x/b>; rel="next"`}, "https://x/b"},
		{[]string{`<https://x/a>; rel="first"`, `<https://x/c>; rel=next`}, "https://x/c"},
		{[]string{`<https://x/a>; title="a, b"; rel="prev next"`}, "https://x/a"},
		{[]string{`<https://x/a>; rel="prev"`}, ""},
		{[]string{`garbage`}, ""},
		{nil, ""},
	} {
		h := http.Header{}
		for _, v := range tc.header {
			h.Add("Link", v)
		}
		if got := nextLink(h); got != tc.want {
			t.Errorf("nextLink(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

// TestOffsetPaging: wholesale lists page by offset and max, the telephony numbers by start and
// max, until a short page.
func TestOffsetPaging(t *testing.T) {
	t.Run("wholesale offset", func(t *testing.T) {
		var offsets []string
		_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			offsets = append(offsets, q.Get("offset"))
			if q.Get("customerId") != "cust1" || q.Get("max") != "100" {
				t.Errorf("query %s", r.URL.RawQuery)
			}
			off, _ := strconv.Atoi(q.Get("offset"))
			items := []WholesaleSubscriber{}
			for i := off; i < 250 && i < off+100; i++ {
				items = append(items, WholesaleSubscriber{ID: fmt.Sprintf("s%d", i), Email: fmt.Sprintf("u%d@x.com", i), CustomerID: "cust1", Packages: []string{PackageWebexCalling}, Status: WholesaleStatusProvisioned})
			}
			writeJSON(w, 200, map[string]any{"items": items})
		}))
		c := newClient(t, base)
		subs, err := c.ListWholesaleSubscribers(context.Background(), WholesaleSubscriberFilter{CustomerID: "cust1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(subs) != 250 || subs[249].ID != "s249" {
			t.Fatalf("%d subscribers", len(subs))
		}
		if strings.Join(offsets, ",") != "0,100,200" {
			t.Errorf("offsets %v, want 0,100,200", offsets)
		}
	})
	t.Run("telephony start", func(t *testing.T) {
		var starts []string
		_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			starts = append(starts, q.Get("start"))
			if q.Get("available") != "true" || q.Get("locationId") != "loc1" || q.Get("orgId") != "org1" {
				t.Errorf("query %s", r.URL.RawQuery)
			}
			start, _ := strconv.Atoi(q.Get("start"))
			all := []string{"+13035550100", "+13035550101", "+13035550102"}
			var page []OrgNumber
			for i := start; i < len(all) && i < start+2; i++ {
				page = append(page, OrgNumber{PhoneNumber: all[i], State: NumberStateActive, PhoneNumberType: "PRIMARY", IncludedTelephonyTypes: "PSTN_NUMBER",
					Location: &NumberLocation{ID: "loc1", Name: "Denver"}})
			}
			writeJSON(w, 200, map[string]any{"phoneNumbers": page})
		}))
		c := newClient(t, base)
		nums, err := c.ListNumbers(context.Background(), NumberFilter{OrgID: "org1", LocationID: "loc1", Available: ptr(true), PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(nums) != 3 || nums[2].PhoneNumber != "+13035550102" || nums[0].Location.Name != "Denver" {
			t.Fatalf("numbers %+v", nums)
		}
		if strings.Join(starts, ",") != "0,2" {
			t.Errorf("starts %v, want 0,2", starts)
		}
	})
}
