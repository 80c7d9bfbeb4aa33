package broadworks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

func TestBroadWorksUserIDCandidates(t *testing.T) {
	for _, c := range []struct {
		in   platform.UserInput
		want string
	}{
		{platform.UserInput{FirstName: "Ada", LastName: "Lovelace", Email: "Ada.L+x@acme.example"}, "ada.lx@acme.invalid"},
		{platform.UserInput{FirstName: "Ada", LastName: "Lovelace"}, "ada.lovelace@acme.invalid"},
		{platform.UserInput{FirstName: "José", LastName: "Núñez"}, "jos.nez@acme.invalid"},
		{platform.UserInput{FirstName: "李", LastName: "王"}, "user@acme.invalid"},
		{platform.UserInput{Email: "@x"}, "user@acme.invalid"},
	} {
		got := UserIDCandidates(c.in, "acme.invalid")
		if got[0] != c.want || len(got) != 9 || got[1] != strings.Replace(c.want, "@", "2@", 1) {
			t.Errorf("UserIDCandidates(%+v) = %v, want first %s", c.in, got, c.want)
		}
	}
	long := UserIDCandidates(platform.UserInput{Email: strings.Repeat("a", 200) + "@x"}, "d")
	if len(long[0]) != 82 {
		t.Errorf("long local part not cut to 80: %d", len(long[0]))
	}
}

func FuzzBroadWorksLocalPart(f *testing.F) {
	for _, s := range []string{"ada@x", "", "..@..", "Ä.ö@ü", "a b c"} {
		f.Add(s, "First", "Last")
	}
	f.Fuzz(func(t *testing.T, email, first, last string) {
		l := localPart(platform.UserInput{Email: email, FirstName: first, LastName: last})
		if l == "" || len(l) > 80 || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789._-") != "" {
			t.Fatalf("local part %q of %q %q %q", l, email, first, last)
		}
	})
}

func TestBroadWorksExpandDNs(t *testing.T) {
	if got := expandDNs("+1-7205551200"); len(got) != 1 || got[0] != "+17205551200" {
		t.Errorf("single: %v", got)
	}
	got := expandDNs("+1-7205551208 - +1-7205551211")
	if fmt.Sprint(got) != "[+17205551208 +17205551209 +17205551210 +17205551211]" {
		t.Errorf("range: %v", got)
	}
	if got := expandDNs(""); got != nil {
		t.Errorf("empty: %v", got)
	}
}

func FuzzBroadWorksExpandDNs(f *testing.F) {
	for _, s := range []string{"+1-7205551200", "+1-1 - +1-9", "a - b", " - ", "+33-634333200 - +33-634333299"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		if n := len(expandDNs(cell)); n > 1000 {
			t.Fatalf("%d numbers from %q", n, cell)
		}
	})
}

func TestBroadWorksStrictest(t *testing.T) {
	a := &platform.PasscodeRules{MinLength: 4, MaxLength: 8, MaxRepeatedDigits: 0, MaxSequenceLength: 3, PasswordMinLength: 6}
	b := &platform.PasscodeRules{MinLength: 6, MaxLength: 10, MaxRepeatedDigits: 2, BlockUserNumber: true, PasswordMinLength: 8}
	got := strictest([]*platform.PasscodeRules{a, b})
	want := platform.PasscodeRules{MinLength: 6, MaxLength: 8, MaxRepeatedDigits: 2, MaxSequenceLength: 3, BlockUserNumber: true, PasswordMinLength: 8}
	if *got != want {
		t.Errorf("strictest = %+v, want %+v", *got, want)
	}
	if strictest(nil) != nil {
		t.Error("strictest of nothing")
	}
}

func TestBroadWorksActivationStatus(t *testing.T) {
	for in, want := range map[string]string{
		"pending_email_input": "pending_email_input", "pending_email_validation": "pending_email_validation",
		"pending_user_migration": "pending_email_validation", "provisioning": "provisioning", "updating": "provisioning",
		"provisioned": "provisioned", "error": "error", "": "queued",
	} {
		if got := ActivationStatus(in); got != want {
			t.Errorf("ActivationStatus(%q) = %q, want %q", in, got, want)
		}
	}
	a := activationOf(&webex.BroadWorksSubscriber{Status: "error", Package: "premium", Errors: []webex.ErrorDetail{{ErrorCode: 10010, Description: "taken"}}})
	if a.ErrorCode != "email_conflict" || a.ErrorText != "taken" || a.Package != "webex_suite" {
		t.Errorf("activationOf: %+v", a)
	}
	b := activationOf(&webex.BroadWorksSubscriber{Status: "provisioned", Package: "premium"})
	if a.ETag == b.ETag || b.ETag == "" {
		t.Error("the fingerprint does not follow the status")
	}
	for pkg, bw := range packages {
		if providerPackage(bwPackage(pkg)) != pkg || bwPackage(pkg) != bw {
			t.Errorf("package %s does not round-trip", pkg)
		}
	}
}

func TestBroadWorksConvOCIP(t *testing.T) {
	for code, want := range map[int]struct {
		status int
		code   string
	}{
		4008: {404, "not_found"}, 4200: {409, "user_exists"}, 4962: {401, "invalid_credentials"},
		19002: {409, "extension_in_use"}, 19007: {409, "email_in_use"}, 19011: {409, "imp_enabled"},
		19012: {422, "email_required"}, 19004: {422, "passcode_rule"}, 19008: {404, "enterprise_not_found"},
	} {
		oe := &ocip.Error{Code: code, SummaryEnglish: fmt.Sprintf("[Error %d] x", code)}
		pe, ok := platform.AsError(convOCIP(fmt.Errorf("wrapped: %w", oe)))
		if !ok || pe.Status != want.status || pe.Code != want.code || !strings.Contains(pe.Error(), fmt.Sprintf("[Error %d]", code)) {
			t.Errorf("convOCIP(%d) = %+v, want %+v", code, pe, want)
		}
	}
	if !platform.IsNotFound(convOCIP(&ocip.Error{Code: 4008})) {
		t.Error("4008 is not found")
	}
	login := fmt.Errorf("%w: %w", ocip.ErrLogin, &ocip.Error{Code: 4962, SummaryEnglish: "[Error 4962] Invalid password"})
	if err := convOCIP(login); !platform.IsRefused(err) || !strings.Contains(err.Error(), "Invalid password") {
		t.Errorf("refused login: %v", err)
	}
	plain := errors.New("dial tcp: refused")
	if got := convOCIP(plain); !errors.Is(got, plain) || got.Error() != plain.Error() {
		t.Error("a transport error is passed through")
	}
}

func TestBroadWorksConvWebex(t *testing.T) {
	if !platform.HasCode(convWebex(&webex.Error{Status: 409, Codes: []int{10022}}), "already_activated") {
		t.Error("10022 is already_activated")
	}
	err := convWebex(&webex.Error{Status: 403, MissingScope: "spark-admin:broadworks_subscribers_write"})
	if !platform.IsRefused(err) || !strings.Contains(err.Error(), "spark-admin:broadworks_subscribers_write") {
		t.Errorf("403: %v", err)
	}
	if !platform.IsNotFound(convWebex(fmt.Errorf("x: %w", webex.ErrNotFound))) {
		t.Error("lookup that found nothing")
	}
}

func TestBroadWorksCheckMatch(t *testing.T) {
	for _, c := range []struct {
		ifMatch, etag string
		ok            bool
	}{{"", `"a"`, true}, {"*", `"a"`, true}, {`"a"`, `"a"`, true}, {`"a"`, `"b"`, false}, {`"a"`, "", false}} {
		err := checkMatch(c.ifMatch, c.etag, "x")
		if (err == nil) != c.ok || (err != nil && !platform.IsPreconditionFailed(err)) {
			t.Errorf("checkMatch(%q, %q) = %v", c.ifMatch, c.etag, err)
		}
	}
	if fingerprint(platform.IMP{Enabled: true}) == fingerprint(platform.IMP{}) {
		t.Error("fingerprints of different objects are equal")
	}
}

// fakeBW is an in-test OCI-P server for the user commands CreateUser sends.
type fakeBW struct {
	mu       sync.Mutex
	users    map[string]*ocip.UserGetResponse23V2
	docs     [][]string
	loseNext bool // apply the next document, then report its answer lost
}

func (f *fakeBW) Do(_ context.Context, cmds ...ocip.Request) ([]ocip.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	var out []ocip.Response
	for _, c := range cmds {
		names = append(names, c.OCIType())
		switch r := c.(type) {
		case ocip.GroupGetRequest22V5:
			out = append(out, &ocip.GroupGetResponse22V5{ServiceProviderId: *r.ServiceProviderId, GroupId: *r.GroupId,
				DefaultDomain: "acme.invalid", TimeZone: "America/Denver"})
		case ocip.UserAddRequest22V2:
			if _, ok := f.users[r.UserId]; ok {
				out = append(out, &ocip.Error{Code: 4200, SummaryEnglish: "[Error 4200] User already exists: " + r.UserId})
				continue
			}
			f.users[r.UserId] = &ocip.UserGetResponse23V2{ServiceProviderId: r.ServiceProviderId, GroupId: r.GroupId, UserId: r.UserId,
				FirstName: r.FirstName, LastName: r.LastName, CallingLineIdFirstName: r.CallingLineIdFirstName,
				CallingLineIdLastName: r.CallingLineIdLastName, EmailAddress: r.EmailAddress, TimeZone: "America/Denver"}
			out = append(out, &ocip.SuccessResponse{})
		case ocip.UserGetRequest23V2:
			u, ok := f.users[r.UserId]
			if !ok {
				out = append(out, &ocip.Error{Code: 4008, SummaryEnglish: "[Error 4008] User not found: " + r.UserId})
				continue
			}
			c := *u
			out = append(out, &c)
		case ocip.UserDeleteRequest:
			if _, ok := f.users[r.UserId]; !ok {
				out = append(out, &ocip.Error{Code: 4008, SummaryEnglish: "[Error 4008] User not found: " + r.UserId})
				continue
			}
			delete(f.users, r.UserId)
			out = append(out, &ocip.SuccessResponse{})
		case ocip.UserModifyRequest22:
			u, ok := f.users[r.UserId]
			if !ok {
				out = append(out, &ocip.Error{Code: 4008, SummaryEnglish: "[Error 4008] User not found: " + r.UserId})
				continue
			}
			if r.FirstName != nil {
				u.FirstName = *r.FirstName
			}
			out = append(out, &ocip.SuccessResponse{})
		default:
			return nil, fmt.Errorf("fake: %s not implemented", c.OCIType())
		}
	}
	f.docs = append(f.docs, names)
	write := false
	for _, n := range names {
		if !strings.Contains(n, "Get") {
			write = true
		}
	}
	if f.loseNext && write { // the real client resends reads itself; a write's lost answer is ambiguous
		f.loseNext = false
		return nil, fmt.Errorf("ocip: %w: read tcp: connection reset", ocip.ErrAmbiguousWrite)
	}
	return out, nil
}

func newFake() (*fakeBW, *Platform) {
	f := &fakeBW{users: map[string]*ocip.UserGetResponse23V2{}}
	return f, Wrap(f, nil, Config{ServiceProviderID: "ent_acme", BatchWindow: time.Millisecond})
}

func TestBroadWorksCreateUserDerivedID(t *testing.T) {
	f, p := newFake()
	in := platform.UserInput{GroupID: "grp_denver", FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example"}
	u, err := p.CreateUser(context.Background(), "ent_acme", in)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "ada@acme.invalid" || u.TimeZone != "" || u.CallingLineIDFirstName != "Ada" || u.ETag == "" {
		t.Errorf("created %+v", u)
	}
	// The add and the read travel in one document.
	if last := f.docs[len(f.docs)-1]; fmt.Sprint(last) != "[UserAddRequest22V2 UserGetRequest23V2]" {
		t.Errorf("document %v", last)
	}
}

func TestBroadWorksCreateUserTakenIDGoesToNextCandidate(t *testing.T) {
	f, p := newFake()
	f.users["ada@acme.invalid"] = &ocip.UserGetResponse23V2{ServiceProviderId: "ent_acme", GroupId: "grp_denver", UserId: "ada@acme.invalid",
		FirstName: "Ada", LastName: "Byron", TimeZone: "America/Denver"}
	u, err := p.CreateUser(context.Background(), "ent_acme", platform.UserInput{GroupID: "grp_denver", FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "ada2@acme.invalid" || f.users["ada@acme.invalid"].LastName != "Byron" {
		t.Errorf("created %+v; the other user is %+v", u, f.users["ada@acme.invalid"])
	}
}

func TestBroadWorksCreateUserLostAnswerAdoptsNeverDuplicates(t *testing.T) {
	f, p := newFake()
	if _, err := p.groupIn(context.Background(), "ent_acme", "grp_denver"); err != nil {
		t.Fatal(err)
	}
	f.loseNext = true // the add is applied, its answer lost
	in := platform.UserInput{GroupID: "grp_denver", FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example"}
	u, err := p.CreateUser(context.Background(), "ent_acme", in)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "ada@acme.invalid" || len(f.users) != 1 {
		t.Errorf("created %+v, %d users on the platform (want 1)", u, len(f.users))
	}
}

func TestBroadWorksCreateUserAllCandidatesTaken(t *testing.T) {
	f, p := newFake()
	in := platform.UserInput{GroupID: "grp_denver", FirstName: "Ada", LastName: "Lovelace"}
	for _, id := range UserIDCandidates(in, "acme.invalid") {
		f.users[id] = &ocip.UserGetResponse23V2{ServiceProviderId: "ent_acme", GroupId: "grp_paris", UserId: id, FirstName: "X", LastName: "Y"}
	}
	_, err := p.CreateUser(context.Background(), "ent_acme", in)
	if pe, ok := platform.AsError(err); !ok || pe.Status != http.StatusConflict || !strings.Contains(pe.Message, "ada.lovelace9@acme.invalid") {
		t.Errorf("err = %v", err)
	}
}

func TestBroadWorksBatcherSharesDocuments(t *testing.T) {
	f, p := newFake()
	for i := range 20 {
		id := fmt.Sprintf("u%d@acme.invalid", i)
		f.users[id] = &ocip.UserGetResponse23V2{ServiceProviderId: "ent_acme", GroupId: "grp_denver", UserId: id, TimeZone: "America/Denver"}
	}
	p.batch.window = 50 * time.Millisecond
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = p.ReadUser(context.Background(), "ent_acme", fmt.Sprintf("u%d@acme.invalid", i))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	gets := 0
	for _, d := range f.docs {
		if d[0] == "UserGetRequest23V2" {
			gets++
			if len(d) > ocip.MaxCommands {
				t.Errorf("document of %d commands", len(d))
			}
		}
	}
	if gets != 2 {
		t.Errorf("20 concurrent reads took %d documents, want 2 (15 + 5)", gets)
	}
	// A second read comes from this process's read; a write makes it ask again.
	n := len(f.docs)
	if _, err := p.ReadUser(context.Background(), "ent_acme", "u1@acme.invalid"); err != nil || len(f.docs) != n {
		t.Errorf("second read sent a document (%v)", err)
	}
	p.wrote("u1@acme.invalid", "ent_acme")
	if _, err := p.ReadUser(context.Background(), "ent_acme", "u1@acme.invalid"); err != nil || len(f.docs) != n+1 {
		t.Errorf("a read after a write was not sent (%v)", err)
	}
}

func TestBroadWorksLacks(t *testing.T) {
	p := Wrap(&fakeBW{}, nil, Config{})
	for _, f := range []platform.Feature{platform.FeaturePortalPassword, platform.FeatureIMP, platform.FeatureDirectorySync,
		platform.FeatureCallingLineIDNames, platform.FeaturePagerNumber, platform.FeatureDepartment, platform.FeatureResetUser} {
		if err := p.Lacks(f); err != nil {
			t.Errorf("Lacks(%s) = %v", f, err)
		}
	}
	for _, f := range []platform.Feature{platform.FeatureActivationEmail, platform.FeatureInvitationsByGroup} {
		if !platform.IsUnsupported(p.Lacks(f)) {
			t.Errorf("Lacks(%s) = nil", f)
		}
	}
}

func TestBroadWorksNeutraliseAndSort(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+17205551200": "+17205551200", "+1-720": "'+1-720", "ada": "ada", "": ""} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q", in, got)
		}
	}
	rows := []platform.ActivationRow{{UserID: "b", LastName: "X"}, {UserID: "a", LastName: "x"}, {UserID: "c", LastName: "A"}}
	if err := sortRows(rows, "-lastName"); err != nil || rows[0].UserID != "a" || rows[2].UserID != "c" {
		t.Errorf("sort: %v %+v", err, rows)
	}
	if sortRows(rows, "nope") == nil {
		t.Error("unknown sort accepted")
	}
}

func TestBroadWorksLostWriteAnswersAreResent(t *testing.T) {
	f, p := newFake()
	ctx := context.Background()
	f.users["ada@acme.invalid"] = &ocip.UserGetResponse23V2{ServiceProviderId: "ent_acme", GroupId: "grp_denver", UserId: "ada@acme.invalid",
		FirstName: "Ada", LastName: "Lovelace", TimeZone: "America/Denver"}
	name := "Augusta"
	// The read before the modify is sent first; lose the modify's answer instead.
	if _, err := p.GetUser(ctx, "ada@acme.invalid"); err != nil {
		t.Fatal(err)
	}
	f.loseNext = true
	u, err := p.UpdateUser(ctx, "ada@acme.invalid", platform.UserPatch{FirstName: &name}, platform.WriteOptions{})
	if err == nil && u.FirstName != "Augusta" {
		err = fmt.Errorf("user %+v", u)
	}
	if err != nil {
		t.Fatalf("update after a lost answer: %v", err)
	}
	// A delete whose answer was lost: the resend's "user not found" is the delete done.
	n := len(f.docs)
	if _, err := p.GetUser(ctx, "ada@acme.invalid"); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.loseNext = true
	f.mu.Unlock()
	if err := p.DeleteUser(ctx, "ada@acme.invalid", platform.WriteOptions{}); err != nil {
		t.Fatalf("delete after a lost answer: %v (%v)", err, f.docs[n:])
	}
	if _, ok := f.users["ada@acme.invalid"]; ok {
		t.Fatal("user not deleted")
	}
}
