package wholesale

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
	"github.com/ucprov/terraform-provider-ucprov/internal/webexspec"
)

func TestWholesaleLacks(t *testing.T) {
	p := Wrap(nil, Config{})
	for _, f := range []platform.Feature{platform.FeaturePortalPassword, platform.FeatureIMP, platform.FeatureDirectorySync,
		platform.FeatureCallingLineIDNames, platform.FeaturePagerNumber, platform.FeatureResetUser, platform.FeatureActivationEmail,
		platform.FeatureInvitationsByGroup} {
		err := p.Lacks(f)
		var u *platform.UnsupportedError
		if !errors.As(err, &u) || u.Platform != platform.NameWholesale || u.What != string(f) {
			t.Errorf("Lacks(%s) = %v, want an *UnsupportedError of wholesale", f, err)
		}
	}
	if err := p.Lacks(platform.FeatureDepartment); err != nil {
		t.Errorf("Lacks(department) = %v: Webex people have a department", err)
	}
}

func TestWholesaleConvErr(t *testing.T) {
	for _, c := range []struct {
		status              int
		message             string
		codes               []int
		wantStatus          int
		wantCode, wantField string
	}{
		{404, "Person not found.", nil, 404, "not_found", ""},
		{409, "The email address belongs to a user of another customer.", nil, 409, "email_in_use", "email"},
		{409, "BroadWorks user id already has a subscriber", []int{10022}, 409, "email_in_use", "email"},
		{409, "extension: extension 3210 is already in use", nil, 409, "extension_in_use", "extension"},
		{409, "phoneNumber: the number is assigned to another user", nil, 409, "number_in_use", "phoneNumber"},
		{409, "An activation email job of this organization is still running; retry once it has finished.", nil, 409, "job_in_progress", ""},
		{409, "The user is already a subscriber.", nil, 409, "already_provisioned", ""},
		{400, "Null Parameter: provisioningParameters.firstName", []int{1001}, 422, "required", "firstName"},
		{400, "Invalid Parameter Value: primaryPhoneNumber", nil, 422, "invalid_value", "phoneNumber"},
		{400, "Invalid passcode: the passcode repeats a digit too often", nil, 422, "passcode_rule", "passcode"},
		{400, "The number +17205551240 is not a number of the location.", nil, 422, "number_not_in_inventory", "phoneNumber"},
		{400, "Invalid address: postalCode: not a postal code of FR", nil, 422, "invalid_value", "postalCode"},
		{403, "missing scope", nil, 403, "forbidden", ""},
		{503, "down", nil, 503, "platform_error", ""},
	} {
		we := &webex.Error{Status: c.status, Message: c.message, Codes: c.codes, TrackingID: "T1"}
		err := convErr(fmt.Errorf("step: %w", we))
		pe, ok := platform.AsError(err)
		if !ok {
			t.Fatalf("%q: no *platform.Error in %v", c.message, err)
		}
		if pe.Status != c.wantStatus || pe.Code != c.wantCode || pe.Field != c.wantField || pe.Platform != platform.NameWholesale || pe.TrackingID != "T1" {
			t.Errorf("%d %q → %d %s field %q, want %d %s field %q", c.status, c.message, pe.Status, pe.Code, pe.Field, c.wantStatus, c.wantCode, c.wantField)
		}
		if !strings.HasPrefix(err.Error(), "step: ") {
			t.Errorf("the wrapping text is lost: %v", err)
		}
		if c.status == 404 && !platform.IsNotFound(err) {
			t.Errorf("404 is not IsNotFound")
		}
	}
	plain := errors.New("dial tcp: refused")
	if got := convErr(plain); !errors.Is(got, plain) || got.Error() != plain.Error() {
		t.Error("a transport error must pass unchanged")
	}
}

func TestWholesaleFingerprint(t *testing.T) {
	a := fingerprint("user", "x", "y")
	if a != fingerprint("user", "x", "y") {
		t.Fatal("fingerprint is not stable")
	}
	for _, b := range []string{fingerprint("user", "xy", ""), fingerprint("user", "x", "y", ""), fingerprint("number", "x", "y")} {
		if a == b {
			t.Errorf("fingerprints collide: %s", a)
		}
	}
	if err := checkIfMatch("", a, "x"); err != nil {
		t.Error(err)
	}
	if err := checkIfMatch("*", a, "x"); err != nil {
		t.Error(err)
	}
	if err := checkIfMatch(a, a, "x"); err != nil {
		t.Error(err)
	}
	if err := checkIfMatch(fingerprint("user", "z"), a, "x"); !platform.IsPreconditionFailed(err) || !platform.HasCode(err, "etag_mismatch") {
		t.Errorf("a different fingerprint: %v, want 412 etag_mismatch", err)
	}
}

func TestWholesaleActivationOf(t *testing.T) {
	for _, c := range []struct {
		sub    webex.WholesaleSubscriber
		invite bool
		want   string
	}{
		{webex.WholesaleSubscriber{Status: "pending_user_migration", Packages: []string{"webex_calling"}}, false, platform.ActivationPendingUserMigration},
		{webex.WholesaleSubscriber{Status: "provisioned", Errors: []webex.ErrorDetail{{ErrorCode: 10010, Description: "x"}}}, false, platform.ActivationError},
		{webex.WholesaleSubscriber{Status: "provisioned"}, true, platform.ActivationPendingEmailValidation},
		{webex.WholesaleSubscriber{Status: "provisioned", Package: "webex_suite"}, false, platform.ActivationProvisioned},
	} {
		a := activationOf(&c.sub, &webex.Person{InvitePending: webex.FlexBool(c.invite)})
		if a.Status != c.want {
			t.Errorf("%+v invite %v → %s, want %s", c.sub, c.invite, a.Status, c.want)
		}
		if c.want == platform.ActivationError && a.ErrorCode != "email_conflict" {
			t.Errorf("10010 → %q, want email_conflict", a.ErrorCode)
		}
		if c.want == platform.ActivationPendingUserMigration && !a.InProgress() {
			t.Error("pending_user_migration must be in progress (waited on, not an error)")
		}
	}
}

func TestWholesaleNeutralise(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+33634333210": "+33634333210", "@x": "'@x", "Ada": "Ada", "": "", "-2": "'-2"} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

// startSandbox runs the emulator with the demo seed, its Webex traffic checked against the specs.
func startSandbox(t *testing.T) (*sandbox.Server, *Platform) {
	t.Helper()
	return startSandboxWrapped(t, nil)
}

// startSandboxWrapped is startSandbox with outer (when set) around the contract check.
func startSandboxWrapped(t *testing.T, outer func(http.Handler) http.Handler) (*sandbox.Server, *Platform) {
	t.Helper()
	mw := webexspec.Middleware(t, webexspec.Conforming, nil)
	if outer != nil {
		mw = func(h http.Handler) http.Handler { return outer(webexspec.Middleware(t, webexspec.Conforming, nil)(h)) }
	}
	srv, err := sandbox.New(sandbox.Options{Seed: "demo", JobTick: 20 * time.Millisecond, Middleware: mw})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	p, err := New(Config{Client: webex.Config{BaseURL: srv.URL() + "/v1", Token: sandbox.DemoWebexToken, MaxRetries: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond}, Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return srv, p
}

// The platform against the emulator: create on the base package, number moves it to calling,
// reads from the bulk snapshot agree with the direct ones, a stale IfMatch is refused, and a
// lost create answer is adopted.
func TestWholesalePlatformLifecycle(t *testing.T) {
	srv, p := startSandbox(t)
	ctx := context.Background()
	ent := sandbox.WebexID("CUSTOMER", sandbox.DemoEnterpriseAcme)
	paris := sandbox.DemoWebexLocation(sandbox.DemoGroupParis)
	if err := p.CheckEnterprise(ctx, ent); err != nil {
		t.Fatal(err)
	}
	if err := p.CheckEnterprise(ctx, "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL25vbmU"); !platform.IsNotFound(err) {
		t.Fatalf("unknown customer: %v, want not found", err)
	}
	g, err := p.GetGroup(ctx, paris)
	if err != nil || g.EnterpriseID != ent || g.Name != "Paris" {
		t.Fatalf("GetGroup: %+v %v", g, err)
	}
	u, err := p.CreateUser(ctx, ent, platform.UserInput{GroupID: paris, FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	if u.GroupID != paris || u.EnterpriseID != ent || u.ETag == "" {
		t.Fatalf("created %+v", u)
	}
	if _, err := p.GetNumber(ctx, u.ID); !platform.IsNotFound(err) {
		t.Fatalf("number of a new user: %v, want not found", err)
	}
	n, err := p.PutNumber(ctx, u.ID, platform.NumberInput{PhoneNumber: "+33634333250", Extension: "3250", Activate: true}, platform.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.NumberState != "active" {
		t.Fatalf("number %+v", n)
	}
	a, err := p.GetActivation(ctx, u.ID)
	if err != nil || a.Package != DefaultCallingPackage {
		t.Fatalf("after the number the package is %+v (%v), want %s", a, err, DefaultCallingPackage)
	}
	got, err := p.GetNumber(ctx, u.ID)
	if err != nil || got.ETag != n.ETag {
		t.Fatalf("GetNumber %+v (%v), want the etag of PutNumber %s", got, err, n.ETag)
	}
	// A fresh platform reads the same from the bulk snapshot.
	_, fresh := startSandboxSame(t, srv)
	bu, err := fresh.ReadUser(ctx, ent, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	du, _ := p.GetUser(ctx, u.ID)
	if bu.ETag != du.ETag {
		t.Errorf("bulk read %+v differs from the direct read %+v", bu, du)
	}
	bn, err := fresh.ReadNumber(ctx, ent, u.ID)
	if err != nil || bn.ETag != n.ETag {
		t.Errorf("bulk number %+v (%v), want etag %s", bn, err, n.ETag)
	}
	// A stale IfMatch writes nothing.
	last := "Byron"
	if _, err := p.UpdateUser(ctx, u.ID, platform.UserPatch{LastName: &last}, platform.WriteOptions{IfMatch: fingerprint("user", "old")}); !platform.IsPreconditionFailed(err) {
		t.Fatalf("stale update: %v, want 412", err)
	}
	if cur, _ := p.GetUser(ctx, u.ID); cur.LastName != "Lovelace" {
		t.Fatalf("a refused update wrote: %+v", cur)
	}
	upd, err := p.UpdateUser(ctx, u.ID, platform.UserPatch{LastName: &last}, platform.WriteOptions{IfMatch: du.ETag})
	if err != nil || upd.LastName != "Byron" {
		t.Fatalf("update: %+v %v", upd, err)
	}
	// Lost create answer: adopted by email.
	srv.InjectFault(sandbox.Fault{Method: "POST", Pattern: "/v1/wholesale/subscribers", Kind: sandbox.FaultAfterCommit})
	lost, err := p.CreateUser(ctx, ent, platform.UserInput{GroupID: paris, FirstName: "Grace", LastName: "Hopper", Email: "grace@acme.example"})
	if err != nil {
		t.Fatalf("lost create answer: %v", err)
	}
	subs, _ := p.Client().ListWholesaleSubscribers(ctx, webex.WholesaleSubscriberFilter{CustomerID: ent, Email: "grace@acme.example"})
	if len(subs) != 1 || subs[0].ID != lost.ID {
		t.Fatalf("subscribers with the email: %+v, want exactly the adopted %s", subs, lost.ID)
	}
	// Another subscriber with the email and other names is not adopted.
	srv.InjectFault(sandbox.Fault{Method: "POST", Pattern: "/v1/wholesale/subscribers", Kind: sandbox.FaultStatus500})
	_, err = p.CreateUser(ctx, ent, platform.UserInput{GroupID: paris, FirstName: "Someone", LastName: "Else", Email: "grace@acme.example"})
	if !platform.HasCode(err, "email_in_use") {
		t.Fatalf("create over another subscriber's email: %v, want email_in_use", err)
	}
	if err := p.DeleteUser(ctx, u.ID, platform.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetUser(ctx, u.ID); !platform.IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	// Invitations: one job per organisation; its counts.
	ref, err := p.StartInvitations(ctx, ent, "")
	if err != nil {
		t.Fatal(err)
	}
	job, err := p.WaitJob(ctx, ref.JobID, 20*time.Millisecond, nil)
	if err != nil || job.Status != platform.JobSucceeded || job.Result == nil {
		t.Fatalf("job %+v %v", job, err)
	}
	if _, err := p.StartInvitations(ctx, ent, paris); !platform.IsUnsupported(err) {
		t.Fatalf("invitations per group: %v", err)
	}
	csv, err := p.ActivationsCSV(ctx, ent, platform.ActivationFilter{})
	if err != nil || !strings.Contains(csv, "grace@acme.example") || !strings.HasPrefix(csv, strings.Join(CSVHeader, ",")+"\r\n") {
		t.Fatalf("csv %q %v", csv, err)
	}
	// A customer named by its externalId: objects carry that name as their enterprise.
	byName, err := p.CreateUser(ctx, sandbox.DemoEnterpriseAcme, platform.UserInput{GroupID: paris, FirstName: "Alan", LastName: "Turing", Email: "alan@acme.example"})
	if err != nil || byName.EnterpriseID != sandbox.DemoEnterpriseAcme {
		t.Fatalf("create by externalId: %+v %v", byName, err)
	}
	if got := p.UserEnterprise(byName.ID); got != sandbox.DemoEnterpriseAcme {
		t.Errorf("UserEnterprise = %q", got)
	}
	_, fresh2 := startSandboxSame(t, srv)
	rb, err := fresh2.ReadUser(ctx, sandbox.DemoEnterpriseAcme, byName.ID)
	if err != nil || rb.EnterpriseID != sandbox.DemoEnterpriseAcme || rb.ETag != byName.ETag {
		t.Errorf("bulk read by externalId: %+v %v", rb, err)
	}
	if err := p.CheckEnterprise(ctx, "no_such_customer"); !platform.IsNotFound(err) {
		t.Errorf("unknown externalId: %v", err)
	}
	_ = http.StatusOK
}

// startSandboxSame is a second platform (a new provider process) on the same emulator.
func startSandboxSame(t *testing.T, srv *sandbox.Server) (*sandbox.Server, *Platform) {
	t.Helper()
	p, err := New(Config{Client: webex.Config{BaseURL: srv.URL() + "/v1", Token: sandbox.DemoWebexToken, MaxRetries: 2}})
	if err != nil {
		t.Fatal(err)
	}
	return srv, p
}

// A subscriber create that fails before anything is committed (a reset or a 500 before the
// handler ran: the lookup by email finds nothing) is sent again, and makes exactly one
// subscriber; when every attempt fails so, the create fails with the last error after
// createAttempts POSTs.
func TestWholesaleCreateRetriedWhenNothingCommitted(t *testing.T) {
	srv, p := startSandbox(t)
	ctx := context.Background()
	ent := sandbox.WebexID("CUSTOMER", sandbox.DemoEnterpriseAcme)
	paris := sandbox.DemoWebexLocation(sandbox.DemoGroupParis)
	for i, kind := range []sandbox.FaultKind{sandbox.FaultReset, sandbox.FaultStatus500} {
		email := fmt.Sprintf("retried%d@acme.example", i)
		srv.InjectFault(sandbox.Fault{Method: "POST", Pattern: "/v1/wholesale/subscribers", Kind: kind, Times: createAttempts - 1})
		u, err := p.CreateUser(ctx, ent, platform.UserInput{GroupID: paris, FirstName: "Re", LastName: "Tried", Email: email})
		if err != nil {
			t.Fatalf("%s before the commit, %d times: %v, want the create sent again", kind, createAttempts-1, err)
		}
		subs, err := p.Client().ListWholesaleSubscribers(ctx, webex.WholesaleSubscriberFilter{CustomerID: ent, Email: email})
		if err != nil || len(subs) != 1 || subs[0].ID != u.ID {
			t.Fatalf("%s: subscribers with the email %+v (%v), want exactly %s", kind, subs, err, u.ID)
		}
	}
	srv.InjectFault(sandbox.Fault{Method: "POST", Pattern: "/v1/wholesale/subscribers", Kind: sandbox.FaultReset, Times: createAttempts})
	if _, err := p.CreateUser(ctx, ent, platform.UserInput{GroupID: paris, FirstName: "Never", LastName: "Made", Email: "never@acme.example"}); err == nil {
		t.Fatal("every attempt reset: want the create to fail")
	}
	subs, err := p.Client().ListWholesaleSubscribers(ctx, webex.WholesaleSubscriberFilter{CustomerID: ent, Email: "never@acme.example"})
	if err != nil || len(subs) != 0 {
		t.Fatalf("subscribers after a failed create: %+v %v", subs, err)
	}
}
