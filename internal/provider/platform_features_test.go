package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// lackingPlatform is a platform that lacks the features in lacks (only Name and Lacks are called).
type lackingPlatform struct {
	platform.Platform
	lacks map[platform.Feature]bool
}

func (p lackingPlatform) Name() string { return "wholesale" }
func (p lackingPlatform) Lacks(f platform.Feature) error {
	if p.lacks[f] {
		return &platform.UnsupportedError{Platform: "wholesale", What: string(f)}
	}
	return nil
}

// TestCheckPlatformFeatures: an attribute that needs a feature the platform lacks fails the plan on
// that attribute, naming the platform; the same configuration passes on a platform that has it, an
// unset attribute is no use, and a destroy is never refused.
func TestCheckPlatformFeatures(t *testing.T) {
	ctx := context.Background()
	var sch resource.SchemaResponse
	(&userResource{}).Schema(ctx, resource.SchemaRequest{}, &sch)
	config := func(set map[string]string) tfsdk.Config {
		c := tfsdk.Config{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
		st := tfsdk.State{Schema: sch.Schema, Raw: c.Raw}
		for k, v := range set {
			if d := st.SetAttribute(ctx, path.Root(k), types.StringValue(v)); d.HasError() {
				t.Fatal(d)
			}
		}
		c.Raw = st.Raw
		return c
	}
	lacking := &providerData{backend: lackingPlatform{lacks: map[platform.Feature]bool{platform.FeaturePortalPassword: true, platform.FeatureResetUser: true}}}
	full := &providerData{backend: lackingPlatform{}}

	for _, tc := range []struct {
		name    string
		data    *providerData
		set     map[string]string
		destroy bool
		errOn   []string
	}{
		{name: "portal password on a platform without", data: lacking, set: map[string]string{"first_name": "A", "portal_password": "Secret-123"}, errOn: []string{"portal_password"}},
		{name: "reset on a platform without", data: lacking, set: map[string]string{"deletion_policy": "reset"}, errOn: []string{"deletion_policy"}},
		{name: "delete policy is no use of reset", data: lacking, set: map[string]string{"deletion_policy": "delete"}},
		{name: "unset attributes", data: lacking, set: map[string]string{"first_name": "A"}},
		{name: "platform that has them", data: full, set: map[string]string{"portal_password": "Secret-123", "deletion_policy": "reset"}},
		{name: "destroy", data: lacking, set: map[string]string{"portal_password": "Secret-123"}, destroy: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(tc.set)
			plan := tfsdk.Plan{Schema: sch.Schema, Raw: cfg.Raw}
			if tc.destroy {
				plan.Raw = tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)
			}
			var diags = new(diagnostics)
			ok := tc.data.checkPlatformFeatures(ctx, "ucprov_user", cfg, plan, diags)
			if ok != (len(tc.errOn) == 0) || len(diags.Errors()) != len(tc.errOn) {
				t.Fatalf("ok = %v, diagnostics %v, want errors on %v", ok, *diags, tc.errOn)
			}
			for i, e := range diags.Errors() {
				withPath, isPath := e.(interface{ Path() path.Path })
				if !isPath || !withPath.Path().Equal(path.Root(tc.errOn[i])) {
					t.Errorf("error %d not on %s: %v", i, tc.errOn[i], e)
				}
				if !strings.Contains(e.Summary(), "wholesale platform") || !strings.Contains(e.Detail(), tc.errOn[i]) {
					t.Errorf("error does not name the platform and the attribute: %s: %s", e.Summary(), e.Detail())
				}
			}
		})
	}
}

// namedPlatform is a platform with a name and every feature.
type namedPlatform struct {
	platform.Platform
	name string
}

func (p namedPlatform) Name() string                 { return p.name }
func (p namedPlatform) Lacks(platform.Feature) error { return nil }

// TestCheckIDForms: a group or enterprise id that is not of the ucprov form fails the plan on the
// ucprov platform, naming the attribute; the same id (an operator's name) passes on broadworks.
func TestCheckIDForms(t *testing.T) {
	ctx := context.Background()
	var sch resource.SchemaResponse
	(&userResource{}).Schema(ctx, resource.SchemaRequest{}, &sch)
	st := tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
	for k, v := range map[string]string{"group_id": "denver", "enterprise_id": "ent_acme", "first_name": "A"} {
		if d := st.SetAttribute(ctx, path.Root(k), types.StringValue(v)); d.HasError() {
			t.Fatal(d)
		}
	}
	cfg := tfsdk.Config{Schema: sch.Schema, Raw: st.Raw}
	plan := tfsdk.Plan{Schema: sch.Schema, Raw: st.Raw}
	for name, wantErr := range map[string]bool{platform.NameUCProv: true, platform.NameBroadWorks: false} {
		d := &providerData{backend: namedPlatform{name: name}}
		diags := new(diagnostics)
		d.checkPlatformFeatures(ctx, "ucprov_user", cfg, plan, diags)
		if got := diags.HasError(); got != wantErr {
			t.Fatalf("%s: error = %v, want %v (%v)", name, got, wantErr, *diags)
		}
		if wantErr {
			e := diags.Errors()[0]
			if p, ok := e.(interface{ Path() path.Path }); !ok || !p.Path().Equal(path.Root("group_id")) || !strings.Contains(e.Detail(), "grp_0123456789abcdef") {
				t.Errorf("%s: %v", name, e)
			}
		}
	}
}

// groupPlatform answers GetGroup with a group of time zone tz.
type groupPlatform struct {
	platform.Platform
	tz string
}

func (p groupPlatform) GetGroup(_ context.Context, id string) (*platform.Group, error) {
	return &platform.Group{ID: id, TimeZone: p.tz}, nil
}

// TestKeepGroupTimeZone: a configured time_zone that is the group's own survives a platform that
// reads it back as "" (BroadWorks); any other time zone, or one the platform answers, is as read.
func TestKeepGroupTimeZone(t *testing.T) {
	r := &userResource{data: &providerData{backend: groupPlatform{tz: "America/Denver"}}}
	for _, tc := range []struct {
		want, read, got string
	}{
		{"America/Denver", "", "America/Denver"},       // the group's: kept
		{"Europe/Paris", "", ""},                       // not the group's: drift shows
		{"America/Denver", "Asia/Tokyo", "Asia/Tokyo"}, // the platform answered one
	} {
		u := &platform.User{GroupID: "grp_denver", TimeZone: tc.read}
		r.keepGroupTimeZone(context.Background(), types.StringValue(tc.want), u)
		if u.TimeZone != tc.got {
			t.Errorf("want %q, read %q: got %q, expected %q", tc.want, tc.read, u.TimeZone, tc.got)
		}
	}
	u := &platform.User{GroupID: "grp_denver"}
	r.keepGroupTimeZone(context.Background(), types.StringNull(), u)
	if u.TimeZone != "" {
		t.Errorf("unset time_zone became %q", u.TimeZone)
	}
}
