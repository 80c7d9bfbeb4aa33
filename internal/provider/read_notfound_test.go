package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// TestReadRemovesOnNotFound calls Read of every user-scoped resource directly against an API that
// answers 404, and checks that the resource is removed from state (and that a 500 is an error that
// keeps it).
func TestReadRemovesOnNotFound(t *testing.T) {
	status := http.StatusNotFound
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"code":"not_found","message":"no such user","trackingId":"t1"}`))
	}))
	defer srv.Close()
	c, err := client.New(client.Config{Endpoint: srv.URL, Token: "t", MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	data := &providerData{client: c, enterpriseID: "ent_acme"}
	ctx := context.Background()

	resources := map[string]resource.Resource{
		"user": &userResource{data: data}, "user_number": &userNumberResource{data: data},
		"e911_address": &e911AddressResource{data: data}, "imp_setting": &impSettingResource{data: data},
		"activation": &activationResource{data: data}, "call_forwarding": &callForwardingResource{data: data},
	}
	for name, r := range resources {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				status  int
				removed bool
			}{{http.StatusNotFound, true}, {http.StatusBadRequest, false}} {
				status = tc.status
				var sch resource.SchemaResponse
				r.Schema(ctx, resource.SchemaRequest{}, &sch)
				state := tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
				for _, attr := range []string{"id", "user_id"} {
					if _, ok := sch.Schema.Attributes[attr]; ok {
						if d := state.SetAttribute(ctx, path.Root(attr), types.StringValue("usr_0123456789abcdef")); d.HasError() {
							t.Fatal(d)
						}
					}
				}
				resp := resource.ReadResponse{State: state}
				r.Read(ctx, resource.ReadRequest{State: state}, &resp)
				if got := resp.State.Raw.IsNull(); got != tc.removed {
					t.Errorf("status %d: removed from state = %v, want %v (diagnostics %v)", tc.status, got, tc.removed, resp.Diagnostics)
				}
				if tc.removed == resp.Diagnostics.HasError() {
					t.Errorf("status %d: diagnostics %v", tc.status, resp.Diagnostics)
				}
			}
		})
	}
}
