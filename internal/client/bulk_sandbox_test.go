package client_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// TestSandboxListUsersPage: pages with every per-user object embedded, a total, cursors that
// reach every user once, and embedded objects equal to the per-user GETs. OnWrite sees every
// write (method and path) and no read.
func TestSandboxListUsersPage(t *testing.T) {
	srv := startSandbox(t)
	var mu sync.Mutex
	var writes []string
	c, err := client.New(client.Config{Endpoint: srv.URL(), Token: sandbox.DemoAcmeToken, OnWrite: func(method, path string) {
		mu.Lock()
		writes = append(writes, method+" "+path)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before, err := c.ListUsers(ctx, "ent_acme", client.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 5 {
		u, err := c.CreateUser(ctx, "ent_acme", client.UserInput{GroupID: sandbox.DemoGroupDenver, FirstName: "Bulk", LastName: fmt.Sprint("User", i),
			Email: fmt.Sprintf("bulk.user%d@acme.example", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if _, err := c.PutNumber(ctx, ids[0], client.NumberInput{Extension: "4711"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutE911(ctx, ids[1], client.Address{Address1: "1 Main St", City: "Denver", State: "CO", PostalCode: "80202", Country: "US"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(writes) != 7 || writes[0] != "POST /v1/enterprises/ent_acme/users" || writes[5] != "PUT /v1/users/"+ids[0]+"/number" {
		t.Errorf("OnWrite saw %v", writes)
	}
	mu.Unlock()

	got := map[string]client.UserWithServices{}
	cursor, pages := "", 0
	for {
		p, err := c.ListUsersPage(ctx, "ent_acme", client.UserFilter{Max: 2}, client.AllIncludes, cursor)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if p.Total != int64(len(before)+5) {
			t.Fatalf("total %d, want %d", p.Total, len(before)+5)
		}
		for _, it := range p.Items {
			if _, dup := got[it.ID]; dup {
				t.Fatalf("%s on two pages", it.ID)
			}
			got[it.ID] = it
		}
		if p.Next == "" {
			break
		}
		if !strings.Contains(p.Next, "include=") {
			t.Errorf("next page lost the include: %s", p.Next)
		}
		cursor = p.Next
	}
	if len(got) != len(before)+5 || pages != (len(before)+5+1)/2 {
		t.Fatalf("%d users in %d pages", len(got), pages)
	}
	for _, id := range ids[:2] {
		it := got[id]
		u, err := c.GetUser(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(*u, it.User); d != "" {
			t.Errorf("user %s: list vs GET (-get +list):\n%s", id, d)
		}
		if n, err := c.GetNumber(ctx, id); err == nil {
			if d := cmp.Diff(n, it.Number); d != "" {
				t.Errorf("number: %s", d)
			}
		} else if !client.IsNotFound(err) || it.Number != nil {
			t.Errorf("number of %s: GET %v, list %+v", id, err, it.Number)
		}
		if e, err := c.GetE911(ctx, id); err == nil {
			if d := cmp.Diff(e, it.E911); d != "" {
				t.Errorf("e911: %s", d)
			}
		} else if !client.IsNotFound(err) || it.E911 != nil {
			t.Errorf("e911 of %s: GET %v, list %+v", id, err, it.E911)
		}
		imp, err := c.GetIMP(ctx, id)
		if err != nil || it.IntegratedIMP == nil || *imp != *it.IntegratedIMP {
			t.Errorf("imp of %s: GET %+v %v, list %+v", id, imp, err, it.IntegratedIMP)
		}
		cf, err := c.GetCallForwarding(ctx, id)
		if err != nil || it.CallForwarding == nil || *cf != *it.CallForwarding {
			t.Errorf("call forwarding of %s: GET %+v %v, list %+v", id, cf, err, it.CallForwarding)
		}
		if _, err := c.GetActivation(ctx, id); !client.IsNotFound(err) || it.Activation != nil {
			t.Errorf("activation of %s: GET %v, list %+v", id, err, it.Activation)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(writes) != 7 {
		t.Errorf("reads reached OnWrite: %v", writes[7:])
	}
}
