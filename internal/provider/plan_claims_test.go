package provider

import (
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestPlanClaims: the second claim of a value by another owner conflicts (an error when both are
// known to be in one enterprise, else a warning); the same owner claiming again does not; an
// extension in two known, different enterprises does not; every unknown user is its own owner.
func TestPlanClaims(t *testing.T) {
	var p planClaims
	if c := p.claim(claimExtension, "4711", planClaim{owner: "usr_a", ent: "ent_acme"}); c != nil {
		t.Fatalf("first claim: %+v", c)
	}
	if c := p.claim(claimExtension, "4711", planClaim{owner: "usr_a", ent: "ent_acme"}); c != nil {
		t.Errorf("the same user planned again conflicts with itself: %+v", c)
	}
	if c := p.claim(claimExtension, "4711", planClaim{owner: "usr_b", ent: "ent_acme"}); c == nil || !c.err || c.other.owner != "usr_a" {
		t.Errorf("two users of one enterprise: %+v", c)
	}
	if c := p.claim(claimExtension, "4711", planClaim{owner: "usr_g", ent: "ent_globex"}); c != nil {
		t.Errorf("an extension in another enterprise: %+v", c)
	}
	if c := p.claim(claimNumber, "+17205551240", planClaim{owner: "usr_g", ent: "ent_globex"}); c != nil {
		t.Errorf("first number claim: %+v", c)
	}
	if c := p.claim(claimNumber, "+17205551240", planClaim{owner: "usr_a", ent: "ent_acme"}); c == nil || c.err {
		t.Errorf("a number claimed in two enterprises is a warning: %+v", c)
	}
	n1, n2 := p.newOwner(), p.newOwner()
	if n1 == n2 {
		t.Fatalf("new owners are not distinct: %s", n1)
	}
	if c := p.claim(claimExtension, "5000", planClaim{owner: n1}); c != nil {
		t.Fatal(c)
	}
	if c := p.claim(claimExtension, "5000", planClaim{owner: n2}); c == nil || c.err {
		t.Errorf("two new users: want a warning, got %+v", c)
	}
	if c := p.claim(claimExtension, "5000", planClaim{owner: "usr_a", ent: "ent_acme"}); c == nil || c.err {
		t.Errorf("a known user after new users: want a warning, got %+v", c)
	}
	// An error wins over a warning when there are both.
	p.claim(claimExtension, "6000", planClaim{owner: p.newOwner()})
	p.claim(claimExtension, "6000", planClaim{owner: "usr_x", ent: "ent_acme"})
	if c := p.claim(claimExtension, "6000", planClaim{owner: "usr_y", ent: "ent_acme"}); c == nil || !c.err || c.other.owner != "usr_x" {
		t.Errorf("want the error against usr_x: %+v", c)
	}
}

// TestPlanClaimsConcurrent: Terraform plans resources in parallel; exactly one of many claims of a
// value is first (go test -race checks the registry's lock).
func TestPlanClaimsConcurrent(t *testing.T) {
	var p planClaims
	var wg sync.WaitGroup
	var mu sync.Mutex
	free := 0
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p.claim(claimExtension, "100", planClaim{owner: p.newOwner()}) == nil {
				mu.Lock()
				free++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if free != 1 {
		t.Errorf("%d claims found the value free, want 1", free)
	}
}

// TestClaimValuesDiagnostics: the diagnostic is on the attribute, its summary names the value and
// says another resource of this plan claims it; the detail names the other user.
func TestClaimValuesDiagnostics(t *testing.T) {
	d := &providerData{}
	m := userNumberModel{Extension: types.StringValue("4711"), PhoneNumber: types.StringValue("+17205551240")}
	var diags diag.Diagnostics
	d.claimValues(&m, "usr_a", "ent_acme", &diags)
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	d.claimValues(&m, "usr_b", "ent_acme", &diags)
	if diags.ErrorsCount() != 2 {
		t.Fatalf("want two errors: %v", diags)
	}
	for i, want := range []string{"Extension 4711 is claimed by another resource of this plan", "Number +17205551240 is claimed by another resource of this plan"} {
		e := diags.Errors()[i]
		if e.Summary() != want || !strings.Contains(e.Detail(), "user usr_a (enterprise ent_acme)") {
			t.Errorf("%s: %s", e.Summary(), e.Detail())
		}
	}
	diags = nil
	d.claimValues(&m, d.claims.newOwner(), "", &diags)
	if diags.HasError() || diags.WarningsCount() != 2 || !strings.Contains(diags.Warnings()[0].Detail(), "a user created in this apply") {
		t.Errorf("an unknown user: want two warnings, got %v", diags)
	}
}
