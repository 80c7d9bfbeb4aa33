package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ucprov/terraform-provider-ucprov/internal/bulkread"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/ucprov"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// TestBulkReadGivesTheGETState: for every resource type, Read served from a bulk list item
// produces exactly the state Read produces from the per-object GET (and removes the resource
// exactly when the GET answers 404), for users with and without each object.
func TestBulkReadGivesTheGETState(t *testing.T) {
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
	ctx := context.Background()
	var users []string
	for i := range 4 {
		u, err := admin.CreateUser(ctx, "ent_acme", client.UserInput{GroupID: sandbox.DemoGroupDenver, FirstName: "State",
			LastName: fmt.Sprint("Equal", i), Email: fmt.Sprintf("state.equal%d@acme.example", i), Department: map[bool]string{true: "Ops"}[i%2 == 0]})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u.ID)
	}
	full := users[0] // every object; users[1] has none of the optional ones
	if _, err := admin.PutNumber(ctx, full, client.NumberInput{PhoneNumber: "+17205551200", Extension: "1200"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutE911(ctx, full, client.Address{Address1: "1600 pennsylvania avenue northwest", City: "washington",
		State: "dc", PostalCode: "20500", Country: "US"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.SetIMP(ctx, full, true, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateActivation(ctx, full, client.ActivationInput{Package: "webex_suite"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutCallForwarding(ctx, full, client.CallForwarding{Busy: client.Forward{Enabled: true, Destination: "+17205550100"},
		NoAnswer: client.NoAnswerForward{Rings: 5}}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutNumber(ctx, users[2], client.NumberInput{Extension: "1202"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}

	newData := func(mode bulkread.Mode) *providerData {
		b, err := ucprov.New(ucprov.Config{
			Client:   client.Config{Endpoint: sb.URL(), Token: sb.AdminToken()},
			BulkRead: bulkread.Options{Mode: mode, Threshold: 1},
		})
		if err != nil {
			t.Fatal(err)
		}
		return &providerData{backend: b, enterpriseID: "ent_acme"}
	}
	gets, bulk := newData(bulkread.ModeNever), newData(bulkread.ModeAuto)
	resources := map[string]func(*providerData) resource.Resource{
		"user":            func(d *providerData) resource.Resource { return &userResource{data: d} },
		"user_number":     func(d *providerData) resource.Resource { return &userNumberResource{data: d} },
		"e911_address":    func(d *providerData) resource.Resource { return &e911AddressResource{data: d} },
		"imp_setting":     func(d *providerData) resource.Resource { return &impSettingResource{data: d} },
		"activation":      func(d *providerData) resource.Resource { return &activationResource{data: d} },
		"call_forwarding": func(d *providerData) resource.Resource { return &callForwardingResource{data: d} },
	}
	read := func(r resource.Resource, userID string) (tftypes.Value, error) {
		var sch resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sch)
		state := tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
		for _, attr := range []string{"id", "user_id"} {
			if _, ok := sch.Schema.Attributes[attr]; ok {
				if d := state.SetAttribute(ctx, path.Root(attr), types.StringValue(userID)); d.HasError() {
					t.Fatal(d)
				}
			}
		}
		resp := resource.ReadResponse{State: state}
		r.Read(ctx, resource.ReadRequest{State: state}, &resp)
		for _, d := range resp.Diagnostics.Errors() {
			// A direct call has no private state to save the etag in; everything else is a failure.
			if d.Summary() != "Uninitialized ProviderData" {
				return tftypes.Value{}, fmt.Errorf("%s: %s", d.Summary(), d.Detail())
			}
		}
		return resp.State.Raw, nil
	}
	for name, mk := range resources {
		t.Run(name, func(t *testing.T) {
			for _, id := range users {
				want, err := read(mk(gets), id)
				if err != nil {
					t.Fatalf("GET read of %s: %v", id, err)
				}
				got, err := read(mk(bulk), id)
				if err != nil {
					t.Fatalf("bulk read of %s: %v", id, err)
				}
				if !got.Equal(want) {
					t.Errorf("%s of %s:\nbulk %s\nGET  %s", name, id, got, want)
				}
			}
		})
	}
	if s := bulk.backend.(*ucprov.Platform).Stats(); s.PageReads == 0 || s.Hits < int64(len(users)*len(resources))-1 {
		t.Fatalf("the bulk reads did not come from the list: %+v", s)
	}
	if s := gets.backend.(*ucprov.Platform).Stats(); s.PageReads != 0 || s.Hits != 0 {
		t.Fatalf("bulk_read never used the list: %+v", s)
	}
}
