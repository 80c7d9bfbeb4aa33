package broadworks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// countDoer counts the OCI-P documents and commands sent through it; before, when set, runs
// before a call is forwarded and may fail it.
type countDoer struct {
	inner  ocip.Doer
	mu     sync.Mutex
	docs   int
	cmds   map[string]int // command type → commands sent
	before func(cmds []ocip.Request) error
}

func (c *countDoer) Do(ctx context.Context, cmds ...ocip.Request) ([]ocip.Response, error) {
	c.mu.Lock()
	c.docs += (len(cmds) + ocip.MaxCommands - 1) / ocip.MaxCommands
	for _, r := range cmds {
		c.cmds[r.OCIType()]++
	}
	before := c.before
	c.mu.Unlock()
	if before != nil {
		if err := before(cmds); err != nil {
			return nil, err
		}
	}
	return c.inner.Do(ctx, cmds...)
}

func (c *countDoer) counts() (int, map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[string]int{}
	for k, v := range c.cmds {
		m[k] = v
	}
	return c.docs, m
}

// bwSandbox is the emulator with the demo seed and n users "Ahead aNN" of grp_denver created
// through a first platform; it returns a fresh platform (nothing read yet) over a counting Doer,
// and the user ids in the order of the enterprise's user list.
type bwSandbox struct {
	srv   *sandbox.Server
	wx    *webex.Client
	doer  *countDoer
	p     *Platform
	ids   []string
	other *Platform // a second provider process (out-of-band changes)
}

func startBW(t *testing.T, n int) *bwSandbox {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{Seed: "demo", JobTick: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	newPlat := func() (*Platform, *countDoer, *webex.Client) {
		oc, err := ocip.New(ocip.Config{Endpoint: srv.URL() + sandbox.OCIPSOAPPath, Username: sandbox.DemoOCIPAdmin,
			Password: sandbox.DemoOCIPPassword, MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = oc.Close(context.Background()) })
		wx, err := webex.New(webex.Config{BaseURL: srv.URL() + "/v1", Token: sandbox.DemoWebexToken})
		if err != nil {
			t.Fatal(err)
		}
		d := &countDoer{inner: oc, cmds: map[string]int{}}
		return Wrap(d, wx, Config{ServiceProviderID: sandbox.DemoEnterpriseAcme, BatchWindow: time.Millisecond}), d, wx
	}
	b := &bwSandbox{srv: srv}
	b.other, _, _ = newPlat()
	ctx := context.Background()
	for i := range n {
		u, err := b.other.CreateUser(ctx, sandbox.DemoEnterpriseAcme, platform.UserInput{GroupID: sandbox.DemoGroupDenver,
			FirstName: fmt.Sprintf("a%02d", i), LastName: "Ahead", Email: fmt.Sprintf("ahead%02d@acme.example", i)})
		if err != nil {
			t.Fatal(err)
		}
		b.ids = append(b.ids, u.ID)
	}
	b.p, b.doer, b.wx = newPlat()
	return b
}

// readAll reads ids one after the other with ReadUser and checks each against GetUser of the
// other process.
func (b *bwSandbox) readAll(t *testing.T, ids []string) {
	t.Helper()
	for _, id := range ids {
		u, err := b.p.ReadUser(context.Background(), sandbox.DemoEnterpriseAcme, id)
		if err != nil {
			t.Fatalf("read %s: %v", id, err)
		}
		want, err := b.other.GetUser(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if u.ETag != want.ETag || u.FirstName != want.FirstName {
			t.Errorf("read %+v, the platform has %+v", u, want)
		}
	}
}

// Below the threshold a read costs what it cost without read-ahead (one UserGetRequest23V2 per
// user read alone); past it, the users of the list are read in full documents and answer the
// reads that follow.
func TestBroadWorksReadAheadThreshold(t *testing.T) {
	b := startBW(t, 45)
	b.readAll(t, b.ids[:aheadThreshold-1])
	docs, cmds := b.doer.counts()
	if docs != aheadThreshold-1+1 || cmds["UserGetRequest23V2"] != aheadThreshold-1 || cmds["UserGetListInServiceProviderRequest"] != 0 {
		t.Fatalf("%d reads below the threshold: %d documents %v, want one UserGetRequest23V2 each (and the group)", aheadThreshold-1, docs, cmds)
	}
	b.readAll(t, b.ids[aheadThreshold-1:])
	docs2, cmds2 := b.doer.counts()
	// 14 single reads, the group, the user list, then 31 users and the demo seed's in documents of 15.
	if cmds2["UserGetListInServiceProviderRequest"] != 1 {
		t.Errorf("user list read %d times, want once", cmds2["UserGetListInServiceProviderRequest"])
	}
	if ahead := docs2 - docs; ahead > 1+4 {
		t.Errorf("the 31 reads past the threshold took %d documents %v, want at most 5 (the list and full documents)", ahead, cmds2)
	}
	// Everything is answered from this process now.
	b.readAll(t, b.ids)
	if docs3, _ := b.doer.counts(); docs3 != docs2 {
		t.Errorf("reads of users already read sent %d documents", docs3-docs2)
	}
}

// A user this process writes is read again; a read-ahead answer chosen before a write that started
// meanwhile is not kept.
func TestBroadWorksReadAheadNeverStale(t *testing.T) {
	b := startBW(t, 40)
	ctx := context.Background()
	victim := b.ids[aheadThreshold+2] // in the first read-ahead (the users after the 15th in the list)
	var hit atomic.Bool
	b.doer.before = func(cmds []ocip.Request) error {
		if len(cmds) > 1 && !hit.Load() { // the read-ahead: a write of victim starts while it is in flight
			for _, c := range cmds {
				if g, ok := c.(ocip.UserGetRequest23V2); ok && g.UserId == victim {
					hit.Store(true)
					b.p.wrote(victim, sandbox.DemoEnterpriseAcme)
				}
			}
		}
		return nil
	}
	b.readAll(t, b.ids[:aheadThreshold])
	if !hit.Load() {
		t.Fatal("the read-ahead did not read the victim")
	}
	b.doer.before = nil
	// Out-of-band change, then a read: the victim's answer from the read-ahead was dropped.
	name := "Changed"
	if _, err := b.other.UpdateUser(ctx, victim, platform.UserPatch{FirstName: &name}, platform.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	u, err := b.p.ReadUser(ctx, sandbox.DemoEnterpriseAcme, victim)
	if err != nil || u.FirstName != name {
		t.Fatalf("read after a write that raced the read-ahead: %+v, %v", u, err)
	}
	// A user this process writes is read from the platform, and a later read-ahead skips it.
	w := b.ids[20]
	n2 := "Written"
	if _, err := b.p.UpdateUser(ctx, w, platform.UserPatch{FirstName: &n2}, platform.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if u, err := b.p.ReadUser(ctx, sandbox.DemoEnterpriseAcme, w); err != nil || u.FirstName != n2 {
		t.Fatalf("read after this process's write: %+v, %v", u, err)
	}
	// Its E911 address (from the same read) follows a write of the address.
	addr := platform.Address{Address1: "1 Main St", City: "Denver", State: "CO", PostalCode: "80203", Country: "US"}
	if _, err := b.p.PutE911(ctx, b.ids[35], addr, platform.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if e, err := b.p.ReadE911(ctx, sandbox.DemoEnterpriseAcme, b.ids[35]); err != nil || e.Address != addr {
		t.Fatalf("e911 after a write: %+v, %v", e, err)
	}
}

// A failed read-ahead stores nothing: its readers read on their own and later reads ask again; a
// refused command (a user deleted between the list and the read) is not kept either.
func TestBroadWorksReadAheadErrorsNotCached(t *testing.T) {
	b := startBW(t, 40)
	ctx := context.Background()
	fail := errors.New("ocip: connection reset")
	var failed atomic.Int32
	b.doer.before = func(cmds []ocip.Request) error {
		if len(cmds) > 1 && failed.Load() == 0 {
			if _, ok := cmds[0].(ocip.UserGetRequest23V2); ok {
				failed.Add(1)
				return fail
			}
		}
		return nil
	}
	b.readAll(t, b.ids[:aheadThreshold]) // the 15th read's read-ahead fails: it reads alone
	if failed.Load() != 1 {
		t.Fatalf("read-ahead failures: %d, want 1", failed.Load())
	}
	gone := b.ids[aheadThreshold+3]
	if err := b.other.DeleteUser(ctx, gone, platform.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	_, before := b.doer.counts()
	b.readAll(t, b.ids[aheadThreshold:aheadThreshold+1]) // the next read reads ahead again (gone in it)
	_, after := b.doer.counts()
	if after["UserGetRequest23V2"]-before["UserGetRequest23V2"] < 2 {
		t.Errorf("no read-ahead after a failed one: %v → %v", before, after)
	}
	// A user deleted out of band after the list was read and before it was read ahead: not found,
	// and asked again on the next read.
	for range 2 {
		_, c1 := b.doer.counts()
		if _, err := b.p.ReadUser(ctx, sandbox.DemoEnterpriseAcme, gone); !platform.IsNotFound(err) {
			t.Fatalf("read of a deleted user: %v, want not found", err)
		}
		_, c2 := b.doer.counts()
		if c2["UserGetRequest23V2"] == c1["UserGetRequest23V2"] {
			t.Error("a not-found answer was kept")
		}
	}
}

// Integrated IMP: sparse reads (a few users of many) read only those users; dense reads read
// ahead in full documents; a write is read again.
func TestBroadWorksIMPReadsSparseAndDense(t *testing.T) {
	b := startBW(t, 45)
	ctx := context.Background()
	b.readAll(t, b.ids)
	d0, c0 := b.doer.counts()
	for _, id := range b.ids[:4] {
		if i, err := b.p.ReadIMP(ctx, sandbox.DemoEnterpriseAcme, id); err != nil || i.Enabled {
			t.Fatalf("imp of %s: %+v, %v", id, i, err)
		}
	}
	d1, c1 := b.doer.counts()
	// Each read is at most one document (filled up with the IM&P of the users read last: same cost).
	if docs, got := d1-d0, c1["UserIntegratedIMPGetRequest21sp1"]-c0["UserIntegratedIMPGetRequest21sp1"]; docs > 4 || got > 4*ocip.MaxCommands {
		t.Errorf("4 sparse IM&P reads took %d documents, %d commands; want at most 4 documents", docs, got)
	}
	// The fill answers later reads: the users read last are answered from the first documents.
	for _, id := range b.ids[len(b.ids)-10:] {
		if _, err := b.p.ReadIMP(ctx, sandbox.DemoEnterpriseAcme, id); err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := b.doer.counts(); d != d1 {
		t.Errorf("IM&P of the users read last sent %d documents, want 0 (filled in before)", d-d1)
	}
	for _, id := range b.ids {
		if _, err := b.p.ReadIMP(ctx, sandbox.DemoEnterpriseAcme, id); err != nil {
			t.Fatal(err)
		}
	}
	d2, c2 := b.doer.counts()
	if docs := d2 - d1; docs > 4 {
		t.Errorf("45 IM&P reads took %d more documents, want at most 4 (full documents)", docs)
	}
	if got := c2["UserIntegratedIMPGetRequest21sp1"] - c0["UserIntegratedIMPGetRequest21sp1"]; got > 8*ocip.MaxCommands {
		t.Errorf("IM&P reads sent %d commands", got)
	}
	// Call forwarding: its own reads, filled with call forwarding (three commands a user).
	d3, c3 := b.doer.counts()
	for _, id := range b.ids[:5] {
		cf, err := b.p.ReadCallForwarding(ctx, sandbox.DemoEnterpriseAcme, id)
		if err != nil || cf.Always.Enabled {
			t.Fatalf("call forwarding of %s: %+v, %v", id, cf, err)
		}
	}
	d4, c4 := b.doer.counts()
	if d4-d3 > 5 || c4["UserIntegratedIMPGetRequest21sp1"] != c3["UserIntegratedIMPGetRequest21sp1"] {
		t.Errorf("5 call forwarding reads: %d documents, IM&P commands %d → %d", d4-d3, c3["UserIntegratedIMPGetRequest21sp1"], c4["UserIntegratedIMPGetRequest21sp1"])
	}
	// This process writes call forwarding: the next read is the new value.
	on := platform.CallForwarding{Always: platform.Forward{Enabled: true, Destination: "+17205550111"}, NoAnswer: platform.NoAnswerForward{Rings: 3}}
	if _, err := b.p.PutCallForwarding(ctx, b.ids[44], on, platform.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if cf, err := b.p.ReadCallForwarding(ctx, sandbox.DemoEnterpriseAcme, b.ids[44]); err != nil || !cf.Always.Enabled {
		t.Fatalf("call forwarding after this process wrote it: %+v, %v", cf, err)
	}
	// This process turns IM&P on: the next read says so.
	if _, err := b.p.SetIMP(ctx, b.ids[40], true, platform.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if i, err := b.p.ReadIMP(ctx, sandbox.DemoEnterpriseAcme, b.ids[40]); err != nil || !i.Enabled {
		t.Fatalf("imp after this process turned it on: %+v, %v", i, err)
	}
}

// Concurrent readers of the subscriber list share one request.
func TestBroadWorksSubscriberListShared(t *testing.T) {
	b := startBW(t, 1)
	ctx := context.Background()
	var lists atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodGet && r.URL.Path == "/v1/broadworks/subscribers" && r.URL.Query().Get("spEnterpriseId") != "" {
			lists.Add(1)
			time.Sleep(20 * time.Millisecond)
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	wx, err := webex.New(webex.Config{BaseURL: b.srv.URL() + "/v1", Token: sandbox.DemoWebexToken, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	p := Wrap(b.doer, wx, Config{ServiceProviderID: sandbox.DemoEnterpriseAcme, BatchWindow: time.Millisecond})
	if _, err := p.ReadUser(ctx, sandbox.DemoEnterpriseAcme, b.ids[0]); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.ReadActivation(ctx, sandbox.DemoEnterpriseAcme, b.ids[0]); !platform.IsNotFound(err) {
				t.Errorf("activation of a user without one: %v", err)
			}
		}()
	}
	wg.Wait()
	if n := lists.Load(); n != 1 {
		t.Errorf("10 concurrent activation reads listed the subscribers %d times, want 1", n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A list or a read answered while a write of this process started is used for that read and not
// kept: the next read asks again.
func TestBroadWorksListsNotKeptAcrossAWrite(t *testing.T) {
	b := startBW(t, 3)
	ctx := context.Background()
	ent := sandbox.DemoEnterpriseAcme
	var userHit, listHit atomic.Bool
	b.doer.before = func(cmds []ocip.Request) error {
		switch c := cmds[0].(type) {
		case ocip.UserGetRequest23V2: // this process writes the user while its read is in flight
			if c.UserId == b.ids[0] && !userHit.Swap(true) {
				b.p.wrote(b.ids[0], ent)
			}
		case ocip.UserGetListInServiceProviderRequest: // … or another user of ent while the list is
			if !listHit.Swap(true) {
				b.p.wrote(b.ids[2], ent)
			}
		}
		return nil
	}
	if _, err := b.p.ReadUser(ctx, ent, b.ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := b.p.ReadNumber(ctx, ent, b.ids[1]); !platform.IsNotFound(err) { // (no number)
		t.Fatal(err)
	}
	if !userHit.Load() || !listHit.Load() {
		t.Fatalf("hooks: user %v, list %v", userHit.Load(), listHit.Load())
	}
	b.doer.before = nil
	_, c1 := b.doer.counts()
	if _, err := b.p.ReadUser(ctx, ent, b.ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := b.p.ReadNumber(ctx, ent, b.ids[1]); !platform.IsNotFound(err) { // (no number)
		t.Fatal(err)
	}
	_, c2 := b.doer.counts()
	if c2["UserGetRequest23V2"] == c1["UserGetRequest23V2"] {
		t.Error("a user read answered while a write started was kept")
	}
	if c2["UserGetListInServiceProviderRequest"] == c1["UserGetListInServiceProviderRequest"] {
		t.Error("a user list answered while a write started was kept")
	}
	// Without a write, both are kept.
	if _, err := b.p.ReadUser(ctx, ent, b.ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := b.p.ReadNumber(ctx, ent, b.ids[1]); !platform.IsNotFound(err) { // (no number)
		t.Fatal(err)
	}
	if _, c3 := b.doer.counts(); fmt.Sprint(c3) != fmt.Sprint(c2) {
		t.Errorf("reads without a write were sent again: %v → %v", c2, c3)
	}
}
