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

// TestIsLostCreate: only a holder with exactly the email (any case), names, group and enterprise
// the new user asks for is taken for the user of a lost create; any difference, or a plan value
// not known yet, makes it another user.
func TestIsLostCreate(t *testing.T) {
	plan := func() *userModel {
		return &userModel{EnterpriseID: types.StringValue("ent_acme"), GroupID: types.StringValue("grp_denver"),
			FirstName: types.StringValue("Ada"), LastName: types.StringValue("Lovelace"), Email: types.StringValue("Ada@Acme.example")}
	}
	holder := func() *platform.User {
		return &platform.User{ID: "usr_1", EnterpriseID: "ent_acme", GroupID: "grp_denver", FirstName: "Ada", LastName: "Lovelace",
			Email: "ada@acme.example", Department: "Sales"}
	}
	if !isLostCreate(holder(), plan()) {
		t.Error("the same email (other case), names, group and enterprise: want a lost create")
	}
	noEnt := holder()
	noEnt.EnterpriseID = ""
	if !isLostCreate(noEnt, plan()) {
		t.Error("a holder whose enterprise is not told: want a lost create")
	}
	for name, change := range map[string]func(h *platform.User, p *userModel){
		"first name":         func(h *platform.User, _ *userModel) { h.FirstName = "Augusta" },
		"last name case":     func(h *platform.User, _ *userModel) { h.LastName = "LOVELACE" },
		"group":              func(h *platform.User, _ *userModel) { h.GroupID = "grp_paris" },
		"enterprise":         func(h *platform.User, _ *userModel) { h.EnterpriseID = "ent_globex" },
		"email":              func(h *platform.User, _ *userModel) { h.Email = "ada2@acme.example" },
		"no holder names":    func(h *platform.User, _ *userModel) { h.FirstName, h.LastName = "", "" },
		"unknown first name": func(_ *platform.User, p *userModel) { p.FirstName = types.StringUnknown() },
		"unknown group":      func(_ *platform.User, p *userModel) { p.GroupID = types.StringUnknown() },
		"no email":           func(_ *platform.User, p *userModel) { p.Email = types.StringNull() },
	} {
		h, p := holder(), plan()
		change(h, p)
		if isLostCreate(h, p) {
			t.Errorf("%s differs: want another user, not a lost create", name)
		}
	}
}

// TestCheckEmailHolderLostCreate (reference platform): a new user whose email is held by a user
// with exactly its names and group is warned about and planned (the apply adopts it); a holder
// with other names fails the plan; an existing user's own email is no conflict.
func TestCheckEmailHolderLostCreate(t *testing.T) {
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
	holder, err := c.CreateUser(ctx, sandbox.DemoEnterpriseAcme, client.UserInput{GroupID: sandbox.DemoGroupDenver,
		FirstName: "Ada", LastName: "Lovelace", Email: "ada.lost@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	r := &userResource{data: &providerData{backend: ucprov.Wrap(c), enterpriseID: sandbox.DemoEnterpriseAcme}}
	check := func(first string, state *userModel) diag.Diagnostics {
		var d diag.Diagnostics
		plan := &userModel{EnterpriseID: types.StringValue(sandbox.DemoEnterpriseAcme), GroupID: types.StringValue(sandbox.DemoGroupDenver),
			FirstName: types.StringValue(first), LastName: types.StringValue("Lovelace"), Email: types.StringValue("ADA.lost@acme.example")}
		r.checkEmailHolder(ctx, plan, state, &d)
		return d
	}
	d := check("Ada", nil)
	if d.HasError() || d.WarningsCount() != 1 || d.Warnings()[0].Summary() != "Existing user taken over" ||
		!strings.Contains(d.Warnings()[0].Detail(), holder.ID+" (Ada Lovelace)") {
		t.Errorf("the same names and group: want one warning naming the user, got %v", d)
	}
	d = check("Augusta", nil)
	if !d.HasError() || !strings.Contains(d.Errors()[0].Detail(), holder.ID+" (Ada Lovelace)") {
		t.Errorf("other names: want the email_in_use error naming the holder, got %v", d)
	}
	own := &userModel{ID: types.StringValue(holder.ID), Email: types.StringValue("ada.other@acme.example")}
	if d = check("Augusta", own); d.HasError() || d.WarningsCount() != 0 {
		t.Errorf("the holder's own email on an update: %v", d)
	}
}
