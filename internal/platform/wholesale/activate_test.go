package wholesale

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// recorder is a sandbox middleware that records each request (method, path and body) and can
// hold the requests a hold function picks until release is closed.
type recorder struct {
	mu       sync.Mutex
	requests []recorded
	hold     func(method, path string) bool
	held     chan struct{} // receives once per held request
	release  chan struct{}
}

type recorded struct {
	method, path string
	body         []byte
}

func (rc *recorder) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rc.mu.Lock()
		rc.requests = append(rc.requests, recorded{r.Method, r.URL.Path, body})
		hold := rc.hold != nil && rc.hold(r.Method, r.URL.Path)
		rc.mu.Unlock()
		if hold {
			rc.held <- struct{}{}
			<-rc.release
		}
		next.ServeHTTP(w, r)
	})
}

// matching returns the recorded requests of method whose path ends with suffix (or contains it,
// when contains is set).
func (rc *recorder) matching(method, part string) []recorded {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []recorded
	for _, r := range rc.requests {
		if r.method == method && strings.Contains(r.path, part) {
			out = append(out, r)
		}
	}
	return out
}

func startRecordedSandbox(t *testing.T, rc *recorder) *Platform {
	t.Helper()
	rc.held, rc.release = make(chan struct{}, 64), make(chan struct{})
	_, p := startSandboxWrapped(t, rc.middleware)
	return p
}

// heldActivation starts a sandbox that holds the first number activation request until
// rc.release is closed (rc.held tells when it arrived), and returns the platform with the demo
// customer's organisation and its Paris location.
func heldActivation(t *testing.T) (rc *recorder, p *Platform, org, paris string) {
	t.Helper()
	rc = &recorder{}
	held := false
	rc.hold = func(method, path string) bool {
		if method == http.MethodPut && strings.HasPrefix(path, "/v1/telephony/config/locations/") && !held {
			held = true
			return true
		}
		return false
	}
	p = startRecordedSandbox(t, rc)
	paris = sandbox.DemoWebexLocation(sandbox.DemoGroupParis)
	org, err := p.orgOf(context.Background(), sandbox.WebexID("CUSTOMER", sandbox.DemoEnterpriseAcme))
	if err != nil {
		t.Fatal(err)
	}
	return rc, p, org, paris
}

// waitPending waits until n activations of paris wait for the request on its way.
func waitPending(t *testing.T, p *Platform, org, paris string, n int) {
	t.Helper()
	waitFor(t, func() bool {
		a := p.activatorOf(org, paris)
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.pending != nil && len(a.pending.numbers) == n
	})
}

const locationNumbersPath = "/numbers" // PUT /v1/telephony/config/locations/{id}/numbers

func activationRequests(rc *recorder) [][]string {
	var out [][]string
	for _, r := range rc.matching(http.MethodPut, "/telephony/config/locations/") {
		var body struct {
			PhoneNumbers []string `json:"phoneNumbers"`
			Action       string   `json:"action"`
		}
		if !strings.HasSuffix(r.path, locationNumbersPath) || json.Unmarshal(r.body, &body) != nil || body.Action != "ACTIVATE" {
			continue
		}
		out = append(out, body.PhoneNumbers)
	}
	return out
}

// Activations that come while one of the location is on its way go together in the next
// request; each caller learns its own number's answer.
func TestWholesaleActivationsBatchWhileOneIsOnItsWay(t *testing.T) {
	rc, p, org, paris := heldActivation(t)
	ctx := context.Background()
	errs := make(chan error, 10)
	go func() { errs <- p.activateNumber(ctx, org, paris, "+33634333270") }()
	<-rc.held // the first request is on its way (held by the server)
	for i := 1; i < 10; i++ {
		go func() { errs <- p.activateNumber(ctx, org, paris, fmt.Sprintf("+336343332%02d", 70+i)) }()
	}
	waitPending(t, p, org, paris, 9) // the nine wait; then the first request is answered
	close(rc.release)
	for range 10 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	reqs := activationRequests(rc)
	if len(reqs) != 2 || len(reqs[0]) != 1 || len(reqs[1]) != 9 {
		t.Fatalf("activation requests %v, want one of the first number, then one of the nine that waited", reqs)
	}
	ns, err := p.c.ListNumbers(ctx, webex.NumberFilter{OrgID: org, LocationID: paris})
	if err != nil {
		t.Fatal(err)
	}
	active := 0
	for _, n := range ns {
		if n.PhoneNumber >= "+33634333270" && n.PhoneNumber <= "+33634333279" && stateOf(n) == numberActive {
			active++
		}
	}
	if active != 10 {
		t.Fatalf("%d of the 10 numbers are active", active)
	}
	// Alone, an activation goes at once, in its own request.
	if err := p.activateNumber(ctx, org, paris, "+33634333280"); err != nil {
		t.Fatal(err)
	}
	if reqs := activationRequests(rc); len(reqs) != 3 || len(reqs[2]) != 1 {
		t.Fatalf("activation requests %v, want a third of one number", reqs)
	}
}

// A batch refused because of one number is sent again number by number: the others are activated
// and only the caller of the wrong number gets the error, naming the number.
func TestWholesaleActivationBatchRefusedFallsBackPerNumber(t *testing.T) {
	rc, p, org, paris := heldActivation(t)
	ctx := context.Background()
	firstErr := make(chan error, 1)
	go func() { firstErr <- p.activateNumber(ctx, org, paris, "+33634333290") }()
	<-rc.held
	const wrong = "+17205551299" // Denver's, not Paris's
	numbers := []string{"+33634333291", wrong, "+33634333292"}
	results := make([]chan error, len(numbers))
	for i, n := range numbers {
		results[i] = make(chan error, 1)
		go func() { results[i] <- p.activateNumber(ctx, org, paris, n) }()
	}
	waitPending(t, p, org, paris, len(numbers))
	close(rc.release)
	if err := <-firstErr; err != nil {
		t.Fatal(err)
	}
	for i, n := range numbers {
		err := <-results[i]
		if n == wrong {
			pe, ok := platform.AsError(err)
			if !ok || pe.Code != "number_not_in_inventory" || !strings.Contains(err.Error(), wrong) {
				t.Errorf("the wrong number's caller got %v, want number_not_in_inventory naming it", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v, want activated although a number of its batch was wrong", n, err)
		}
	}
	reqs := activationRequests(rc)
	if len(reqs) != 5 || len(reqs[1]) != 3 {
		t.Fatalf("activation requests %v, want the first, the batch of three (refused), then one per number", reqs)
	}
}

// A caller that stops waiting (its context ends) does not stop the others' request.
func TestWholesaleActivationWaiterCancelled(t *testing.T) {
	rc, p, org, paris := heldActivation(t)
	ctx := context.Background()
	cctx, cancel := context.WithCancel(ctx)
	leader := make(chan error, 1)
	go func() { leader <- p.activateNumber(cctx, org, paris, "+33634333293") }()
	<-rc.held
	other := make(chan error, 1)
	go func() { other <- p.activateNumber(ctx, org, paris, "+33634333294") }()
	waitPending(t, p, org, paris, 1)
	cancel()
	if err := <-leader; err == nil {
		t.Fatal("the cancelled caller returned nil")
	}
	close(rc.release)
	if err := <-other; err != nil {
		t.Fatalf("the other caller: %v", err)
	}
	if reqs := activationRequests(rc); len(reqs) != 2 {
		t.Fatalf("activation requests %v, want both sent", reqs)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// While a create is still writing (here: its department, after the subscriber exists), the
// checks that other resources' plans make (email and extension holders) know the new subscriber
// from the create itself: no read of it.
func TestWholesaleInFlightCreateKnownToChecks(t *testing.T) {
	rc := &recorder{}
	held := false
	rc.hold = func(method, path string) bool {
		if method == http.MethodGet && strings.HasPrefix(path, "/v1/people/") && !held {
			held = true // the create's read of its person
			return true
		}
		return false
	}
	p := startRecordedSandbox(t, rc)
	ctx := context.Background()
	ent := sandbox.WebexID("CUSTOMER", sandbox.DemoEnterpriseAcme)
	paris := sandbox.DemoWebexLocation(sandbox.DemoGroupParis)
	if _, err := p.EmailHolders(ctx, ent, "nobody@acme.example"); err != nil { // the bulk read
		t.Fatal(err)
	}
	created := make(chan error, 1)
	go func() {
		_, err := p.CreateUser(ctx, ent, platform.UserInput{GroupID: paris, FirstName: "In", LastName: "Flight",
			Email: "inflight@acme.example", Department: "Sales"})
		created <- err
	}()
	<-rc.held // the create reads the person back for its department
	before := len(rc.matching(http.MethodGet, "/v1/"))
	holders, err := p.EmailHolders(ctx, ent, "inflight@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(holders) != 1 || holders[0].FirstName != "In" || holders[0].GroupID != paris {
		t.Errorf("email holders during the create: %+v, want the subscriber being created", holders)
	}
	if _, err := p.ExtensionHolders(ctx, ent, "3299"); err != nil {
		t.Fatal(err)
	}
	if after := len(rc.matching(http.MethodGet, "/v1/")); after != before {
		t.Errorf("the checks read %d times while the create was writing, want none: %v", after-before, rc.matching(http.MethodGet, "/v1/")[before:])
	}
	close(rc.release)
	if err := <-created; err != nil {
		t.Fatal(err)
	}
}
