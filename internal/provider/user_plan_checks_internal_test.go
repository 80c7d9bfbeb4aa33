package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/ucprov"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// TestWarnHeldForNewUser: for a user created in the same apply, an extension or number that
// another user holds is a warning naming the holder; free values and a missing default
// enterprise give none.
func TestWarnHeldForNewUser(t *testing.T) {
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
	holder, err := c.CreateUser(ctx, sandbox.DemoEnterpriseAcme, client.UserInput{GroupID: sandbox.DemoGroupDenver, FirstName: "Holds", LastName: "It"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutNumber(ctx, holder.ID, client.NumberInput{PhoneNumber: "+17205551250", Extension: "1250"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	r := &userNumberResource{data: &providerData{backend: ucprov.Wrap(c), enterpriseID: sandbox.DemoEnterpriseAcme}}
	warn := func(r *userNumberResource, number, ext string) diag.Diagnostics {
		var d diag.Diagnostics
		m := userNumberModel{UserID: types.StringUnknown(), PhoneNumber: types.StringNull(), Extension: types.StringNull()}
		if number != "" {
			m.PhoneNumber = types.StringValue(number)
		}
		if ext != "" {
			m.Extension = types.StringValue(ext)
		}
		r.warnHeldForNewUser(ctx, &m, &d)
		return d
	}

	d := warn(r, "+17205551250", "1250")
	if d.HasError() || d.WarningsCount() != 2 {
		t.Fatalf("want two warnings, got %v", d)
	}
	for _, w := range d.Warnings() {
		if !strings.Contains(w.Detail(), holder.ID+" (Holds It)") || !strings.Contains(w.Detail(), "unless that user releases") {
			t.Errorf("warning does not name the holder: %s", w.Detail())
		}
	}
	if d := warn(r, "+17205551251", "1251"); len(d) != 0 {
		t.Errorf("free values: %v", d)
	}
	noDefault := &userNumberResource{data: &providerData{backend: ucprov.Wrap(c)}}
	if d := warn(noDefault, "+17205551250", "1250"); len(d) != 0 {
		t.Errorf("without a default enterprise: %v", d)
	}
}
