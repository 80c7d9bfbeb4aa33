package broadworks

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
	"github.com/ucprov/terraform-provider-ucprov/internal/webexspec"
)

// wxRetries is the MaxRetries of the Webex clients of these tests.
const wxRetries = 2

// wxFake is a Webex for BroadWorks test server behind the Webex contract check. Every operation
// ("METHOD /path" of the request, /v1 included) answers 500 with a Webex error body unless answers
// has a handler for it; attempts counts the requests per operation.
type wxFake struct {
	mu       sync.Mutex
	attempts map[string]int
	answers  map[string]func(w http.ResponseWriter, r *http.Request, n int) // n: the attempt number, from 1
}

func (f *wxFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := r.Method + " " + r.URL.Path
	f.mu.Lock()
	f.attempts[op]++
	n := f.attempts[op]
	h := f.answers[op]
	f.mu.Unlock()
	if h != nil {
		h(w, r, n)
		return
	}
	wxError(w, http.StatusInternalServerError, 0, "internal server error")
}

func (f *wxFake) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts[op]
}

func (f *wxFake) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.attempts {
		n += c
	}
	return n
}

func wxError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("TrackingID", "T-test")
	w.WriteHeader(status)
	detail := map[string]any{"description": msg}
	if code != 0 {
		detail["errorCode"] = code
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"message": msg, "errors": []any{detail}, "trackingId": "T-test"})
}

func wxJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

const (
	opEnterprises = "GET /v1/broadworks/enterprises"
	opSubscribers = "GET /v1/broadworks/subscribers"
	opProvision   = "POST /v1/broadworks/subscribers"
	opSubscriber  = "/v1/broadworks/subscribers/sub1"
	opDirSync     = "/v1/broadworks/enterprises/wx-ent/broadworksDirectorySync"
)

var (
	wxEnterprise = map[string]any{"items": []any{map[string]any{"id": "wx-ent", "spEnterpriseId": "ent_acme", "orgId": "org1",
		"provisioningId": "prov1"}}}
	wxSubscriber = map[string]any{"id": "sub1", "userId": "ada@acme.invalid", "spEnterpriseId": "ent_acme", "firstName": "Ada",
		"lastName": "Lovelace", "email": "ada@acme.example", "package": "basic", "status": "provisioned"}
)

// newWxPlatform starts f behind the contract check and returns a platform over the fake OCI-P
// server (with user ada@acme.invalid) and a Webex client of it with wxRetries retries.
func newWxPlatform(t *testing.T, f *wxFake) *Platform {
	t.Helper()
	f.attempts = map[string]int{}
	srv := httptest.NewServer(webexspec.Middleware(t, webexspec.Conforming, nil)(f))
	t.Cleanup(srv.Close)
	wx, err := webex.New(webex.Config{BaseURL: srv.URL + "/v1", Token: "tok", MaxRetries: wxRetries,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	bw := &fakeBW{users: map[string]*ocip.UserGetResponse23V2{"ada@acme.invalid": {ServiceProviderId: "ent_acme",
		GroupId: "grp_denver", UserId: "ada@acme.invalid", FirstName: "Ada", LastName: "Lovelace",
		EmailAddress: strPtr("ada@acme.example"), TimeZone: "America/Denver"}}}
	return Wrap(bw, wx, Config{ServiceProviderID: "ent_acme", BatchWindow: time.Millisecond})
}

func strPtr(s string) *string { return &s }

// TestBroadWorksWebexServerFailuresNotMultiplied: against a Webex that answers every request 500,
// each call of the platform makes the client's attempts (MaxRetries + 1) and no more: the
// platform does not repeat the client's retries ((retries+1) × 4 before). A POST that the client
// does not repeat is sent once.
func TestBroadWorksWebexServerFailuresNotMultiplied(t *testing.T) {
	ctx := context.Background()
	const attempts = wxRetries + 1
	for _, tc := range []struct {
		name  string
		ok    []string // operations that answer (the rest fail)
		call  func(p *Platform) error
		count string // the failing operation
		want  int
	}{
		{"enterprise lookup", nil, func(p *Platform) error { _, err := p.GetJob(ctx, "dirsync:ent_acme:trk"); return err }, opEnterprises, attempts},
		{"subscriber lookup", nil, func(p *Platform) error { _, err := p.GetActivation(ctx, "ada@acme.invalid"); return err }, opSubscribers, attempts},
		{"subscriber list", nil, func(p *Platform) error {
			_, err := p.ListActivations(ctx, "ent_acme", platform.ActivationFilter{})
			return err
		}, opSubscribers, attempts},
		{"enterprise's subscriber list", nil, func(p *Platform) error { _, err := p.subList(ctx, "ent_acme"); return err }, opSubscribers, attempts},
		{"package change", []string{opSubscribers}, func(p *Platform) error {
			_, err := p.UpdateActivationPackage(ctx, "ada@acme.invalid", "webex_suite", platform.WriteOptions{})
			return err
		}, "PUT " + opSubscriber, attempts},
		{"removal", []string{opSubscribers}, func(p *Platform) error { return p.DeleteActivation(ctx, "ada@acme.invalid", platform.WriteOptions{}) },
			"DELETE " + opSubscriber, attempts},
		{"sync status", []string{opEnterprises}, func(p *Platform) error { _, err := p.GetJob(ctx, "dirsync:ent_acme:trk"); return err },
			"GET " + opDirSync, attempts},
		{"invitations job", nil, func(p *Platform) error { _, err := p.GetJob(ctx, "invitations:org1:job1"); return err },
			"GET /v1/identity/organizations/org1/jobs/sendActivationEmails/job1/status", attempts},
		{"precheck", nil, func(p *Platform) error {
			_, err := p.ValidateActivation(ctx, "ada@acme.invalid", platform.ActivationValidateInput{})
			return err
		}, "POST /v1/broadworks/subscribers/validate", attempts},
		{"sync start: the POST once", []string{opEnterprises}, func(p *Platform) error { _, err := p.StartDirectorySync(ctx, "ent_acme"); return err },
			"POST " + opDirSync, 1},
		{"sync start: then the status read", []string{opEnterprises}, func(p *Platform) error { _, err := p.StartDirectorySync(ctx, "ent_acme"); return err },
			"GET " + opDirSync, attempts},
		{"provisioning: the POST once", []string{opEnterprises}, func(p *Platform) error {
			_, err := p.CreateActivation(ctx, "ada@acme.invalid", platform.ActivationInput{Package: "webex_calling"}, platform.WriteOptions{})
			return err
		}, opProvision, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &wxFake{answers: map[string]func(http.ResponseWriter, *http.Request, int){}}
			for _, op := range tc.ok {
				switch op {
				case opEnterprises:
					f.answers[op] = func(w http.ResponseWriter, _ *http.Request, _ int) { wxJSON(w, wxEnterprise) }
				case opSubscribers:
					f.answers[op] = func(w http.ResponseWriter, _ *http.Request, _ int) {
						wxJSON(w, map[string]any{"items": []any{wxSubscriber}})
					}
				}
			}
			p := newWxPlatform(t, f)
			err := tc.call(p)
			we, ok := webex.AsError(err)
			if !ok || we.Status != http.StatusInternalServerError {
				if pe, isPE := platform.AsError(err); !isPE || pe.Status != http.StatusInternalServerError {
					t.Fatalf("err = %v, want the 500", err)
				}
			}
			if got := f.count(tc.count); got != tc.want {
				t.Errorf("%s: %d attempts, want %d (client retries %d + 1)", tc.count, got, tc.want, wxRetries)
			}
			if t.Failed() {
				t.Logf("all attempts: %v", f.attempts)
			}
		})
	}
}

// TestBroadWorksWebexAttemptsAllFailing: one call against a Webex that answers nothing but 500
// makes exactly MaxRetries + 1 requests in all.
func TestBroadWorksWebexAttemptsAllFailing(t *testing.T) {
	f := &wxFake{}
	p := newWxPlatform(t, f)
	if _, err := p.GetActivation(context.Background(), "ada@acme.invalid"); err == nil {
		t.Fatal("no error from a Webex that always answers 500")
	}
	if got := f.total(); got != wxRetries+1 {
		t.Errorf("%d requests (%v), want %d", got, f.attempts, wxRetries+1)
	}
}

// TestBroadWorksStartDirectorySyncLostAnswer: a SYNC_NOW answered 500 is not sent again (a second
// one after an applied first answers 409); the status read decides: a sync in progress is the
// one it started, anything else is the 500.
func TestBroadWorksStartDirectorySyncLostAnswer(t *testing.T) {
	for _, tc := range []struct {
		status  string
		started bool
	}{{webex.SyncStatusInProgress, true}, {webex.SyncStatusSyncNow, true}, {webex.SyncStatusComplete, false}} {
		t.Run(tc.status, func(t *testing.T) {
			f := &wxFake{answers: map[string]func(http.ResponseWriter, *http.Request, int){
				opEnterprises: func(w http.ResponseWriter, _ *http.Request, _ int) { wxJSON(w, wxEnterprise) },
				"GET " + opDirSync: func(w http.ResponseWriter, _ *http.Request, _ int) {
					wxJSON(w, map[string]any{"enableDirSync": true, "directorySyncStatus": map[string]any{"syncStatus": tc.status,
						"lastSyncTrackingId": "trk2"}})
				},
			}}
			p := newWxPlatform(t, f)
			ref, err := p.StartDirectorySync(context.Background(), "ent_acme")
			if f.count("POST "+opDirSync) != 1 {
				t.Errorf("the SYNC_NOW was sent %d times, want once", f.count("POST "+opDirSync))
			}
			if !tc.started {
				if pe, ok := platform.AsError(err); !ok || pe.Status != http.StatusInternalServerError {
					t.Fatalf("err = %v, want the 500", err)
				}
				return
			}
			if err != nil || ref.JobID != "dirsync:ent_acme:trk2" || ref.Status != platform.JobRunning {
				t.Fatalf("ref %+v, err %v; want the running sync trk2", ref, err)
			}
		})
	}
}

// TestBroadWorksCreateActivationAdoptsFlowThroughSubscriber: the POST meets 10022 because
// flow-through provisioning (Integrated IMP on) made the subscriber since the read before it; the
// subscriber list shows it only on the third lookup (propagation). The activation adopts it and
// sets the package asked for. Without Integrated IMP a 10022 stays already_activated and the
// list is not asked again.
func TestBroadWorksCreateActivationAdoptsFlowThroughSubscriber(t *testing.T) {
	saved := listedWaits
	listedWaits = []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}
	t.Cleanup(func() { listedWaits = saved })
	ctx := context.Background()
	var put []string
	var putMu sync.Mutex
	newFake := func() *wxFake {
		return &wxFake{answers: map[string]func(http.ResponseWriter, *http.Request, int){
			opEnterprises: func(w http.ResponseWriter, _ *http.Request, _ int) { wxJSON(w, wxEnterprise) },
			opProvision: func(w http.ResponseWriter, _ *http.Request, _ int) {
				wxError(w, http.StatusConflict, 10022, "The BroadWorks UserID is already associated with an existing user.")
			},
			opSubscribers: func(w http.ResponseWriter, _ *http.Request, n int) {
				if n < 3 {
					wxJSON(w, map[string]any{"items": []any{}})
					return
				}
				wxJSON(w, map[string]any{"items": []any{wxSubscriber}})
			},
			"PUT " + opSubscriber: func(w http.ResponseWriter, r *http.Request, _ int) {
				b, _ := io.ReadAll(r.Body)
				putMu.Lock()
				put = append(put, strings.TrimSpace(string(b)))
				putMu.Unlock()
				s := map[string]any{}
				for k, v := range wxSubscriber {
					s[k] = v
				}
				s["package"] = "premium"
				wxJSON(w, s)
			},
		}}
	}

	f := newFake()
	p := newWxPlatform(t, f)
	p.mu.Lock()
	p.impOn["ada@acme.invalid"] = true // SetIMP of this process turned it on
	p.mu.Unlock()
	ref, err := p.CreateActivation(ctx, "ada@acme.invalid", platform.ActivationInput{Package: "webex_suite"}, platform.WriteOptions{})
	if err != nil {
		t.Fatalf("CreateActivation: %v (attempts %v)", err, f.attempts)
	}
	if ref.JobID != "subscriber/sub1" {
		t.Errorf("job %q, want the flow-through subscriber's", ref.JobID)
	}
	if got := f.count(opSubscribers); got != 3 {
		t.Errorf("%d subscriber lookups, want 3 (two before it is listed)", got)
	}
	if f.count(opProvision) != 1 {
		t.Errorf("%d provisioning POSTs, want 1", f.count(opProvision))
	}
	if len(put) != 1 || !strings.Contains(put[0], `"package":"premium"`) {
		t.Errorf("package PUTs %q, want one setting premium", put)
	}

	f = newFake()
	p = newWxPlatform(t, f) // Integrated IMP not turned on here; the fake OCI-P server has none to read
	_, err = p.CreateActivation(ctx, "ada@acme.invalid", platform.ActivationInput{Package: "webex_suite"}, platform.WriteOptions{})
	if !platform.HasCode(err, "already_activated") {
		t.Fatalf("without Integrated IMP: err = %v, want already_activated", err)
	}
	if got := f.count(opSubscribers); got != 0 {
		t.Errorf("without Integrated IMP the list was read %d times", got)
	}
}
