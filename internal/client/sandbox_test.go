package client_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ucprov/terraform-provider-ucprov/internal/apispec"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// recordingTransport records the Idempotency-Key of every request and whether the answer was
// a replay, to prove what the client sent on the wire.
type recordingTransport struct {
	mu       sync.Mutex
	keys     []string
	replayed []string
	next     http.RoundTripper
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(req)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.keys = append(rt.keys, req.Header.Get("Idempotency-Key"))
	if resp != nil {
		rt.replayed = append(rt.replayed, resp.Header.Get("Idempotent-Replayed"))
	} else {
		rt.replayed = append(rt.replayed, "<no response>")
	}
	return resp, err
}

func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{Seed: "demo", Middleware: apispec.Middleware(t, apispec.Conforming)})
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("sandbox Start: %v", err)
	}
	return srv
}

// TestSandboxLostCreateResponseCreatesOneUser: the first answer of a POST users is lost after
// the user was committed; the client retries with the same Idempotency-Key, gets the first
// answer replayed, and exactly one user exists.
func TestSandboxLostCreateResponseCreatesOneUser(t *testing.T) {
	for _, kind := range []sandbox.FaultKind{sandbox.FaultAfterCommit, sandbox.FaultAfterCommitReset} {
		t.Run(kind.String(), func(t *testing.T) {
			srv := startSandbox(t)
			rt := &recordingTransport{next: http.DefaultTransport.(*http.Transport).Clone()}
			c, err := client.New(client.Config{
				Endpoint:     srv.URL(),
				Token:        srv.AdminToken(),
				MaxRetries:   3,
				RetryWaitMin: 5 * time.Millisecond,
				RetryWaitMax: 20 * time.Millisecond,
				HTTPClient:   &http.Client{Transport: rt},
			})
			if err != nil {
				t.Fatalf("client.New: %v", err)
			}
			ctx := context.Background()

			srv.InjectFault(sandbox.Fault{Method: "POST", Pattern: "/v1/enterprises/{ent}/users", Kind: kind, Times: 1})
			email := "lost.response@example.com"
			created, err := c.CreateUser(ctx, "ent_acme", client.UserInput{
				GroupID: "grp_denver", FirstName: "Lost", LastName: "Response", Email: email,
			})
			if err != nil {
				t.Fatalf("CreateUser: %v", err)
			}

			if got := srv.Metrics()["POST /v1/enterprises/{ent}/users"]; got != 2 {
				t.Errorf("POST users reached the sandbox %d times, want 2 (the lost one and the retry)", got)
			}
			rt.mu.Lock()
			keys, replayed := rt.keys, rt.replayed
			rt.mu.Unlock()
			if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
				t.Errorf("idempotency keys %q, want the same key twice", keys)
			}
			if len(replayed) != 2 || replayed[1] != "true" {
				t.Errorf("Idempotent-Replayed %q, want the retry answered by a replay", replayed)
			}

			users, err := c.ListUsers(ctx, "ent_acme", client.UserFilter{Email: email})
			if err != nil {
				t.Fatalf("ListUsers: %v", err)
			}
			if len(users) != 1 {
				t.Fatalf("%d users with email %s, want exactly 1: %+v", len(users), email, users)
			}
			if users[0].ID != created.ID {
				t.Errorf("listed user %s, created %s", users[0].ID, created.ID)
			}

			got, err := c.GetUser(ctx, created.ID)
			if err != nil {
				t.Fatalf("GetUser: %v", err)
			}
			if diff := cmp.Diff(created, got); diff != "" {
				t.Errorf("CreateUser answer differs from GetUser (-created +got):\n%s", diff)
			}
		})
	}
}

// TestSandboxRoundTrip exercises the client's happy paths and typed errors against the real
// backend: paging, If-Match, 404 after delete, 409 with the conflicting user.
func TestSandboxRoundTrip(t *testing.T) {
	srv := startSandbox(t)
	c, err := client.New(client.Config{
		Endpoint:     srv.URL(),
		Token:        srv.AdminToken(),
		MaxRetries:   2,
		RetryWaitMin: 5 * time.Millisecond,
		RetryWaitMax: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	ctx := context.Background()

	groups, err := c.ListGroups(ctx, "ent_acme")
	if err != nil || len(groups) == 0 {
		t.Fatalf("ListGroups = %v, %v", groups, err)
	}

	var ids []string
	for i := range 5 {
		u, err := c.CreateUser(ctx, "ent_acme", client.UserInput{
			GroupID: "grp_denver", FirstName: "Page", LastName: string(rune('A' + i)),
		})
		if err != nil {
			t.Fatalf("CreateUser %d: %v", i, err)
		}
		ids = append(ids, u.ID)
	}
	all, err := c.ListUsers(ctx, "ent_acme", client.UserFilter{GroupID: "grp_denver", Max: 2})
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	listed := map[string]bool{}
	for _, u := range all {
		listed[u.ID] = true
	}
	for _, id := range ids {
		if !listed[id] {
			t.Errorf("paged list misses %s (%d users listed)", id, len(all))
		}
	}

	u, err := c.GetUser(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	dept := "Engineering"
	updated, err := c.UpdateUser(ctx, u.ID, client.UserPatch{Department: &dept}, client.WriteOptions{IfMatch: u.ETag})
	if err != nil {
		t.Fatalf("UpdateUser with the current etag: %v", err)
	}
	if updated.Department != dept || updated.ETag == u.ETag {
		t.Errorf("updated = %+v", updated)
	}
	if _, err := c.UpdateUser(ctx, u.ID, client.UserPatch{Department: &dept}, client.WriteOptions{IfMatch: u.ETag}); !client.HasCode(err, "etag_mismatch") {
		t.Errorf("UpdateUser with a stale etag: %v, want 412 etag_mismatch", err)
	}

	if _, err := c.PutNumber(ctx, ids[0], client.NumberInput{Extension: "7701"}, client.WriteOptions{}); err != nil {
		t.Fatalf("PutNumber: %v", err)
	}
	_, err = c.PutNumber(ctx, ids[1], client.NumberInput{Extension: "7701"}, client.WriteOptions{})
	apiErr, ok := client.AsAPIError(err)
	if !ok || !client.IsConflict(err) || apiErr.Code != "extension_in_use" || apiErr.ConflictingUserID != ids[0] || apiErr.TrackingID == "" {
		t.Errorf("duplicate extension: %#v", err)
	}

	if err := c.DeleteUser(ctx, ids[0], client.WriteOptions{}); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	if _, err := c.GetUser(ctx, ids[0]); !client.IsNotFound(err) {
		t.Errorf("GetUser after delete: %v, want ErrNotFound", err)
	}
	if err := c.DeleteUser(ctx, ids[0], client.WriteOptions{}); !client.IsNotFound(err) {
		t.Errorf("second DeleteUser: %v, want ErrNotFound", err)
	}
}
