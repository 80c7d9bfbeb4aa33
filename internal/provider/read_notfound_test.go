package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/ucprov"
)

// TestReadRemovesOnNotFound calls Read of every user-scoped resource directly against an API that
// answers 404 for the object, and checks that the resource is removed from state when the object
// is really gone (its user exists without it, or the user is gone from an enterprise the token
// sees), that it is kept with an error naming the enterprise when the user belongs to an
// enterprise the token cannot see (security review, finding 1), and that a 400 is an error that
// keeps it.
func TestReadRemovesOnNotFound(t *testing.T) {
	const userID = "usr_0123456789abcdef"
	var mu sync.Mutex
	status, userStatus, userEnt := http.StatusNotFound, http.StatusNotFound, "ent_acme"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/v1/enterprises/ent_acme": // the only enterprise this token sees
			_, _ = w.Write([]byte(`{"id":"ent_acme","name":"Acme"}`))
		case strings.HasPrefix(r.URL.Path, "/v1/enterprises/"):
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":"not_found","message":"no such enterprise","trackingId":"t0"}`))
		case r.URL.Path == "/v1/users/"+userID && userStatus == http.StatusOK:
			_, _ = fmt.Fprintf(w, `{"id":%q,"enterpriseId":%q,"groupId":"grp_x","firstName":"A","lastName":"B","etag":"1"}`, userID, userEnt)
		default:
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"code":"not_found","message":"no such user","trackingId":"t1"}`))
		}
	}))
	defer srv.Close()
	set := func(s, us int, ent string) {
		mu.Lock()
		defer mu.Unlock()
		status, userStatus, userEnt = s, us, ent
	}
	ctx := context.Background()

	for _, tc := range []struct {
		name       string
		status     int // of the object (and of the user unless userStatus)
		userStatus int
		learnedEnt string // the user's enterprise as this process read it before ("" = never read)
		removed    bool
		errPart    string
	}{
		{name: "user and object gone", status: http.StatusNotFound, userStatus: http.StatusNotFound, removed: true},
		{name: "user gone from a visible enterprise", status: http.StatusNotFound, userStatus: http.StatusNotFound, learnedEnt: "ent_acme", removed: true},
		{name: "object gone, user there", status: http.StatusNotFound, userStatus: http.StatusOK, learnedEnt: "ent_acme", removed: true},
		{name: "user of an enterprise the token cannot see", status: http.StatusNotFound, userStatus: http.StatusNotFound,
			learnedEnt: "ent_globex", errPart: "cannot see enterprise ent_globex"},
		{name: "bad request", status: http.StatusBadRequest, userStatus: http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := client.New(client.Config{Endpoint: srv.URL, Token: "t", MaxRetries: 0})
			if err != nil {
				t.Fatal(err)
			}
			data := &providerData{backend: ucprov.Wrap(c), enterpriseID: "ent_acme"}
			if tc.learnedEnt != "" { // an earlier read of this process saw the user in learnedEnt
				set(http.StatusOK, http.StatusOK, tc.learnedEnt)
				if _, err := data.backend.GetUser(ctx, userID); err != nil {
					t.Fatal(err)
				}
			}
			set(tc.status, tc.userStatus, tc.learnedEnt)
			resources := map[string]resource.Resource{
				"user_number": &userNumberResource{data: data}, "e911_address": &e911AddressResource{data: data},
				"imp_setting": &impSettingResource{data: data}, "activation": &activationResource{data: data},
				"call_forwarding": &callForwardingResource{data: data},
			}
			if tc.userStatus != http.StatusOK && tc.learnedEnt != "ent_globex" {
				resources["user"] = &userResource{data: data}
			}
			for name, r := range resources {
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
				if got := resp.State.Raw.IsNull(); got != tc.removed {
					t.Errorf("%s: removed from state = %v, want %v (diagnostics %v)", name, got, tc.removed, resp.Diagnostics)
				}
				if tc.removed == resp.Diagnostics.HasError() {
					t.Errorf("%s: diagnostics %v", name, resp.Diagnostics)
				}
				if tc.errPart != "" && !strings.Contains(fmt.Sprint(resp.Diagnostics), tc.errPart) {
					t.Errorf("%s: diagnostics %v do not say %q", name, resp.Diagnostics, tc.errPart)
				}
			}
		})
	}
}
