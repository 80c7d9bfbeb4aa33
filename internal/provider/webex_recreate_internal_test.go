package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/ucprov"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// TestCheckCycleIMP: an email change with cycle_imp of a user whose IM&P is enabled warns on
// email that the Webex account will be re-created and records the user for its activation; with
// IM&P disabled, the strategy fail, or no email change, nothing.
func TestCheckCycleIMP(t *testing.T) {
	srv, err := sandbox.New(sandbox.Options{Seed: sandbox.SeedDemo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Config{Endpoint: srv.URL(), Token: srv.AdminToken()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mk := func(email string, imp bool) string {
		u, err := c.CreateUser(ctx, sandbox.DemoEnterpriseAcme, client.UserInput{GroupID: sandbox.DemoGroupDenver, FirstName: "Ada", LastName: "L", Email: email})
		if err != nil {
			t.Fatal(err)
		}
		if imp {
			if _, err := c.SetIMP(ctx, u.ID, true, client.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		return u.ID
	}
	withIMP, withoutIMP := mk("on@acme.example", true), mk("off@acme.example", false)
	r := &userResource{data: &providerData{backend: ucprov.Wrap(c), enterpriseID: sandbox.DemoEnterpriseAcme}}
	check := func(id, from, to, strategy string) diag.Diagnostics {
		state := &userModel{ID: types.StringValue(id), EnterpriseID: types.StringValue(sandbox.DemoEnterpriseAcme), Email: types.StringValue(from)}
		plan := *state
		plan.Email, plan.EmailChangeStrategy = types.StringValue(to), types.StringValue(strategy)
		var d diag.Diagnostics
		r.checkCycleIMP(ctx, &plan, state, &d)
		return d
	}
	d := check(withIMP, "on@acme.example", "new@acme.example", emailStrategyCycleIMP)
	if d.HasError() || d.WarningsCount() != 1 || d.Warnings()[0].Summary() != webexRecreatedSummary ||
		!strings.Contains(d.Warnings()[0].Detail(), "deletes the user's Webex account") {
		t.Fatalf("want the re-creation warning: %v", d)
	}
	if !r.data.isWebexRecreated(withIMP) {
		t.Error("the user is not recorded for its activation")
	}
	for name, d := range map[string]diag.Diagnostics{
		"IM&P disabled":   check(withoutIMP, "off@acme.example", "new2@acme.example", emailStrategyCycleIMP),
		"strategy fail":   check(withIMP, "on@acme.example", "new@acme.example", emailStrategyFail),
		"no email change": check(withIMP, "on@acme.example", "on@acme.example", emailStrategyCycleIMP),
	} {
		if len(d) != 0 {
			t.Errorf("%s: %v", name, d)
		}
	}
	if r.data.isWebexRecreated(withoutIMP) {
		t.Error("a user without IM&P is recorded")
	}
}

// TestCheckCycleIMPWithoutIMP: on a platform without Integrated IM&P, an email change (either
// strategy) reads no IM&P (lackingPlatform panics on any other call) and says nothing.
func TestCheckCycleIMPWithoutIMP(t *testing.T) {
	r := &userResource{data: &providerData{backend: lackingPlatform{lacks: map[platform.Feature]bool{platform.FeatureIMP: true}}}}
	for _, strategy := range []string{emailStrategyCycleIMP, emailStrategyFail} {
		state := &userModel{ID: types.StringValue("usr_1"), EnterpriseID: types.StringValue("ent_1"), Email: types.StringValue("a@x.example")}
		plan := *state
		plan.Email, plan.EmailChangeStrategy = types.StringValue("b@x.example"), types.StringValue(strategy)
		var d diag.Diagnostics
		r.checkCycleIMP(context.Background(), &plan, state, &d)
		r.checkEmailChange(context.Background(), &plan, state, &d)
		if len(d) != 0 || r.data.isWebexRecreated("usr_1") {
			t.Errorf("%s: %v", strategy, d)
		}
	}
}
