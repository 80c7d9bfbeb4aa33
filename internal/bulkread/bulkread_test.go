package bulkread_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ucprov/terraform-provider-ucprov/internal/bulkread"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

const ent = "ent_acme"

type fixture struct {
	sb    *sandbox.Server
	admin *client.Client // writes the fixture; not observed by the reader
	users []string
}

// newFixture starts a sandbox with n users in ent_acme; every third has a number and extension,
// every second an E911 address, every fifth IM&P on and an activation.
func newFixture(t *testing.T, n int) *fixture {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{Seed: sandbox.SeedDemo, JobTick: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	admin, err := client.New(client.Config{Endpoint: sb.URL(), Token: sandbox.DemoAcmeToken})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{sb: sb, admin: admin}
	ctx := context.Background()
	for i := range n {
		u, err := admin.CreateUser(ctx, ent, client.UserInput{GroupID: sandbox.DemoGroupDenver, FirstName: "Bulk",
			LastName: fmt.Sprint("User", i), Email: fmt.Sprintf("bulk%d@acme.example", i)})
		if err != nil {
			t.Fatal(err)
		}
		f.users = append(f.users, u.ID)
		if i%3 == 0 {
			if _, err := admin.PutNumber(ctx, u.ID, client.NumberInput{Extension: fmt.Sprint(5000 + i)}, client.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if i%2 == 0 {
			if _, err := admin.PutE911(ctx, u.ID, client.Address{Address1: "1 Main Street", City: "Denver", State: "CO", PostalCode: "80202", Country: "US"}, client.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if i%5 == 0 {
			if _, err := admin.SetIMP(ctx, u.ID, true, client.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := admin.CreateActivation(ctx, u.ID, client.ActivationInput{}, client.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	sb.ResetMetrics()
	return f
}

// reader returns a Reader on a client of its own that reports its writes to the Reader, as the
// provider's Configure wires them.
func (f *fixture) reader(t *testing.T, opts bulkread.Options, cfg func(*client.Config)) *bulkread.Reader {
	t.Helper()
	r := bulkread.New(opts)
	c := client.Config{Endpoint: f.sb.URL(), Token: sandbox.DemoAcmeToken, OnWrite: r.ObserveWrite}
	if cfg != nil {
		cfg(&c)
	}
	cl, err := client.New(c)
	if err != nil {
		t.Fatal(err)
	}
	r.Use(cl)
	return r
}

func (f *fixture) requests() int64 {
	var n int64
	for _, v := range f.sb.Metrics() {
		n += v
	}
	return n
}

// readAll reads every object of users, as the provider's Reads do, and returns a comparable
// rendering of each answer (value or "not found").
func readAll(ctx context.Context, t *testing.T, r *bulkread.Reader, users []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range users {
		render := func(kind string, v any, err error) {
			switch {
			case client.IsNotFound(err):
				out[id+" "+kind] = "not found"
			case err != nil:
				t.Fatalf("%s of %s: %v", kind, id, err)
			default:
				out[id+" "+kind] = fmt.Sprintf("%+v", v)
			}
		}
		u, err := r.User(ctx, ent, id)
		render("user", u, err)
		n, err := r.Number(ctx, "", id)
		render("number", n, err)
		e, err := r.E911(ctx, "", id)
		render("e911", e, err)
		i, err := r.IMP(ctx, "", id)
		render("imp", i, err)
		a, err := r.Activation(ctx, "", id)
		render("activation", a, err)
		c, err := r.CallForwarding(ctx, "", id)
		render("call forwarding", c, err)
	}
	return out
}

// TestBulkEqualsGets: with bulk reads every answer is the one of the GETs, and the requests drop
// from one per object to Threshold-1 GETs plus one page.
func TestBulkEqualsGets(t *testing.T) {
	f := newFixture(t, 30)
	ctx := context.Background()

	never := f.reader(t, bulkread.Options{Mode: bulkread.ModeNever}, nil)
	want := readAll(ctx, t, never, f.users)
	if got := f.requests(); got != int64(len(want)) {
		t.Fatalf("bulk_read never: %d requests for %d reads", got, len(want))
	}
	if s := never.Stats(); s.PageReads != 0 || s.Hits != 0 {
		t.Fatalf("never: %+v", s)
	}

	f.sb.ResetMetrics()
	auto := f.reader(t, bulkread.Options{}, nil)
	got := readAll(ctx, t, auto, f.users)
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("bulk answers differ from the GETs (-get +bulk):\n%s", d)
	}
	s := auto.Stats()
	if s.PageReads != 1 || s.Gets != bulkread.DefaultThreshold-1 || s.Hits != int64(len(want))-s.Gets {
		t.Fatalf("auto: %+v for %d reads", s, len(want))
	}
	if n := f.requests(); n != bulkread.DefaultThreshold {
		t.Fatalf("auto: %d requests, want %d: %v", n, bulkread.DefaultThreshold, f.sb.Metrics())
	}
}

// TestSmallConfigurationCostsNoMore: 3 users (18 reads) in an enterprise of many pages cost
// exactly one GET per read; a larger configuration spread over many pages costs at most
// 1 + 1/Threshold times one GET per read.
func TestSmallConfigurationCostsNoMore(t *testing.T) {
	f := newFixture(t, 40)
	ctx := context.Background()
	r := f.reader(t, bulkread.Options{PageSize: 2}, nil) // 20+ pages: a big enterprise in miniature
	readAll(ctx, t, r, f.users[len(f.users)-3:])
	if s := r.Stats(); s.PageReads != 0 || s.Gets != 18 || f.requests() != 18 {
		t.Fatalf("3 users: %+v, %d requests", s, f.requests())
	}

	f.sb.ResetMetrics()
	r = f.reader(t, bulkread.Options{PageSize: 2}, nil)
	readAll(ctx, t, r, f.users[:12]) // 72 reads
	if n := f.requests(); n > 72+72/bulkread.DefaultThreshold {
		t.Fatalf("12 users: %d requests for 72 reads (%+v)", n, r.Stats())
	}
}

// TestConcurrentMissesShareOnePage: 30 concurrent readers past the threshold cause one page read;
// a reader whose context is cancelled returns at once and does not fail the others.
func TestConcurrentMissesShareOnePage(t *testing.T) {
	f := newFixture(t, 30)
	r := f.reader(t, bulkread.Options{Threshold: 1}, nil)
	f.sb.SetLatency(300 * time.Millisecond)

	cancelled, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := r.User(cancelled, ent, f.users[0])
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond) // the page read is in flight
	var wg sync.WaitGroup
	errs := make([]error, len(f.users))
	for i, id := range f.users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = r.User(context.Background(), ent, id)
		}()
	}
	cancel()
	select {
	case err := <-errc:
		if err == nil {
			t.Error("the cancelled reader got no error")
		}
	case <-time.After(200 * time.Millisecond):
		t.Error("the cancelled reader did not return at once")
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("reader %d failed: %v", i, err)
		}
	}
	if s := r.Stats(); s.PageReads != 1 || s.Hits != int64(len(f.users)) {
		t.Fatalf("%+v", s)
	}
}

// TestWritesAreNeverStale: after this process writes to a user, its reads go to the server,
// including when the write happened while a page that holds the user was being read.
func TestWritesAreNeverStale(t *testing.T) {
	f := newFixture(t, 10)
	ctx := context.Background()
	r := f.reader(t, bulkread.Options{Threshold: 1}, nil)
	f.sb.SetLatency(200 * time.Millisecond)

	// A page read starts; during it, this process changes user 1's department and user 2's number.
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := r.User(ctx, ent, f.users[0]); err != nil {
			t.Error(err)
		}
	}()
	time.Sleep(50 * time.Millisecond)
	dept := "Written During Fill"
	if _, err := r.Client().UpdateUser(ctx, f.users[1], client.UserPatch{Department: &dept}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Client().PutNumber(ctx, f.users[2], client.NumberInput{Extension: "7777"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	<-done
	f.sb.SetLatency(0)
	if s := r.Stats(); s.PageReads != 1 {
		t.Fatalf("%+v", s)
	}
	u, err := r.User(ctx, ent, f.users[1])
	if err != nil || u.Department != dept {
		t.Fatalf("user written during the page read: %+v, %v", u, err)
	}
	n, err := r.Number(ctx, "", f.users[2])
	if err != nil || n.Extension != "7777" {
		t.Fatalf("number written during the page read: %+v, %v", n, err)
	}
	// Written after the page: the same.
	dept2 := "Written After Fill"
	if _, err := r.Client().UpdateUser(ctx, f.users[3], client.UserPatch{Department: &dept2}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if u, err := r.User(ctx, ent, f.users[3]); err != nil || u.Department != dept2 {
		t.Fatalf("user written after the page read: %+v, %v", u, err)
	}
	// An untouched user is still served from the page.
	before := r.Stats().Hits
	if _, err := r.User(ctx, ent, f.users[4]); err != nil || r.Stats().Hits != before+1 {
		t.Fatalf("untouched user: %v, %+v", err, r.Stats())
	}
	// An enterprise-wide write sends every read of the enterprise to the server.
	r.ObserveWrite("POST", "/v1/enterprises/ent_acme/directory-sync")
	before = r.Stats().Hits
	if _, err := r.User(ctx, ent, f.users[5]); err != nil || r.Stats().Hits != before {
		t.Fatalf("after an enterprise write: %v, %+v", err, r.Stats())
	}
}

// TestPageErrorsAreNotCached: a failed page read stores nothing; its readers fall back to GETs;
// the next read tries the page again; two failures in a row stop page reads.
func TestPageErrorsAreNotCached(t *testing.T) {
	f := newFixture(t, 5)
	ctx := context.Background()
	r := f.reader(t, bulkread.Options{Threshold: 1}, func(c *client.Config) { c.MaxRetries = 0 })
	f.sb.SetFaultRate(1)
	if _, err := r.User(ctx, ent, f.users[0]); err == nil {
		t.Fatal("every request fails, yet the read succeeded")
	}
	f.sb.SetFaultRate(0)
	u, err := r.User(ctx, ent, f.users[1])
	if err != nil || u.ID != f.users[1] {
		t.Fatalf("after the fault: %+v, %v", u, err)
	}
	if s := r.Stats(); s.PageReads != 2 || s.Hits != 1 {
		t.Fatalf("the failed page must be read again: %+v", s)
	}

	r = f.reader(t, bulkread.Options{Threshold: 1}, func(c *client.Config) { c.MaxRetries = 0 })
	f.sb.SetFaultRate(1)
	for i := range 4 {
		_, _ = r.User(ctx, ent, f.users[i])
	}
	f.sb.SetFaultRate(0)
	if _, err := r.User(ctx, ent, f.users[4]); err != nil {
		t.Fatal(err)
	}
	if s := r.Stats(); s.PageReads != 2 {
		t.Fatalf("page reads after two failures: %+v", s)
	}
}

// TestPasscodeRulesReadOnce: many concurrent plan-time checks read the rules once.
func TestPasscodeRulesReadOnce(t *testing.T) {
	f := newFixture(t, 0)
	r := f.reader(t, bulkread.Options{}, nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if pr, err := r.PasscodeRules(context.Background(), ent); err != nil || pr.MinLength == 0 {
				t.Errorf("%+v, %v", pr, err)
			}
		}()
	}
	wg.Wait()
	if n := f.sb.Metrics()["GET /v1/enterprises/{ent}/passcode-rules"]; n != 1 {
		t.Fatalf("passcode rules read %d times", n)
	}
}

// TestPlanChecks: email, extension and number checks are one API request each until the
// enterprise's pages are read, then answered from them with no request; users this process wrote
// are left out of those answers; a group is read once.
func TestPlanChecks(t *testing.T) {
	f := newFixture(t, 7)
	ctx := context.Background()
	r := f.reader(t, bulkread.Options{Threshold: 3}, nil)
	hold, err := r.ExtensionHolders(ctx, ent, "5003")
	if err != nil || len(hold) != 1 || hold[0].ID != f.users[3] {
		t.Fatalf("holders of 5003 before any page: %v %v", hold, err)
	}
	if r.Stats().PageReads != 0 || f.requests() != 1 {
		t.Fatalf("first check: %+v, %d requests", r.Stats(), f.requests())
	}
	_, _ = r.EmailHolders(ctx, ent, "nobody@acme.example")
	_, _ = r.EmailHolders(ctx, ent, "nobody@acme.example") // the third check reads the page
	f.sb.ResetMetrics()
	for range 5 {
		hold, err = r.ExtensionHolders(ctx, ent, "5003")
		if err != nil || len(hold) != 1 || hold[0].ID != f.users[3] {
			t.Fatalf("holders of 5003 from the pages: %v %v", hold, err)
		}
		hold, err = r.EmailHolders(ctx, ent, "BULK6@acme.example")
		if err != nil || len(hold) != 1 || hold[0].ID != f.users[6] {
			t.Fatalf("holders of bulk6@: %v %v", hold, err)
		}
		if hold, err = r.ExtensionHolders(ctx, ent, "9999"); err != nil || len(hold) != 0 {
			t.Fatalf("holders of 9999: %v %v", hold, err)
		}
	}
	if n := f.requests(); n != 0 {
		t.Fatalf("checks after the page cost %d requests: %v", n, f.sb.Metrics())
	}
	// A user this process writes is left to the backend.
	if _, err := r.Client().PutNumber(ctx, f.users[3], client.NumberInput{Extension: "5004"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if hold, err = r.ExtensionHolders(ctx, ent, "5003"); err != nil || len(hold) != 0 {
		t.Fatalf("a written user answered from the page: %v %v", hold, err)
	}

	// Inventory: one request each below the threshold, then one read of the inventory.
	f.sb.ResetMetrics()
	for i := range 6 {
		n, err := r.InventoryNumber(ctx, ent, sandbox.InventoryNumber(i))
		if err != nil || n == nil || n.GroupID != sandbox.DemoGroupDenver {
			t.Fatalf("inventory %d: %+v %v", i, n, err)
		}
	}
	if n, err := r.InventoryNumber(ctx, ent, "+19995550000"); err != nil || n != nil {
		t.Fatalf("a number outside the inventory: %+v %v", n, err)
	}
	if got := f.sb.Metrics()["GET /v1/enterprises/{ent}/numbers"]; got != 3 {
		t.Fatalf("inventory reads: %d (2 single, 1 whole)", got)
	}

	f.sb.ResetMetrics()
	for range 5 {
		if g, err := r.GetGroup(ctx, sandbox.DemoGroupDenver); err != nil || g.EnterpriseID != ent {
			t.Fatalf("group: %+v %v", g, err)
		}
	}
	if _, err := r.GetGroup(ctx, "grp_nope"); !client.IsNotFound(err) {
		t.Fatalf("unknown group: %v", err)
	}
	if got := f.sb.Metrics()["GET /v1/groups/{grp}"]; got != 2 {
		t.Fatalf("group reads: %d", got)
	}
}

func TestMarkCreated(t *testing.T) {
	r := bulkread.New(bulkread.Options{})
	if r.CreatedHere("usr_1") {
		t.Fatal("a user nobody created is reported as created here")
	}
	created := &client.User{ID: "usr_1", Email: "ada@acme.example"}
	r.MarkCreated(created)
	if !r.CreatedHere("usr_1") || r.CreatedHere("usr_2") {
		t.Fatalf("CreatedHere after MarkCreated(usr_1): usr_1=%v usr_2=%v", r.CreatedHere("usr_1"), r.CreatedHere("usr_2"))
	}
	created.Email = "changed@acme.example" // the reader keeps its own copy
	if u, ok := r.CreatedUser("usr_1"); !ok || u.Email != "ada@acme.example" {
		t.Fatalf("CreatedUser(usr_1) = %+v, %v; want the user as created", u, ok)
	}
	if _, ok := r.CreatedUser("usr_2"); ok {
		t.Fatal("CreatedUser(usr_2): a user this process did not create")
	}
	// Writes of the user's number, address or services leave the user object as created...
	for _, p := range []string{"/v1/users/usr_1/number", "/v1/users/usr_1/e911", "/v1/users/usr_1/services/integrated-imp", "/v1/users/usr_1/activation"} {
		r.ObserveWrite("PUT", p)
		if _, ok := r.CreatedUser("usr_1"); !ok {
			t.Fatalf("CreatedUser after a write of %s: gone, want the created user", p)
		}
	}
	// ...a write of the user object itself does not: the next check reads the server.
	r.ObserveWrite("PATCH", "/v1/users/usr_1")
	if _, ok := r.CreatedUser("usr_1"); ok {
		t.Fatal("CreatedUser after PATCH /v1/users/usr_1: still served from the create")
	}
	if !r.CreatedHere("usr_1") {
		t.Fatal("CreatedHere after a PATCH: the user was still created by this process")
	}
	r.MarkCreated(&client.User{ID: "usr_3"})
	r.ObserveWrite("POST", "/v1/users/usr_3/reset")
	if _, ok := r.CreatedUser("usr_3"); ok {
		t.Fatal("CreatedUser after a reset: still served from the create")
	}
}
