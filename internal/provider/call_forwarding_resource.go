package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

const defaultRings = 3

var (
	_ resource.ResourceWithConfigure        = &callForwardingResource{}
	_ resource.ResourceWithImportState      = &callForwardingResource{}
	_ resource.ResourceWithConfigValidators = &callForwardingResource{}
)

// NewCallForwardingResource is the constructor the provider registers.
func NewCallForwardingResource() resource.Resource { return &callForwardingResource{} }

type callForwardingResource struct{ data *providerData }

// callForwardingModel maps the ucprov_call_forwarding resource.
type callForwardingModel struct {
	ID       types.String   `tfsdk:"id"`
	UserID   types.String   `tfsdk:"user_id"`
	Always   *forwardModel  `tfsdk:"always"`
	Busy     *forwardModel  `tfsdk:"busy"`
	NoAnswer *noAnswerModel `tfsdk:"no_answer"`
}

type forwardModel struct {
	Enabled     types.Bool   `tfsdk:"enabled"`
	Destination types.String `tfsdk:"destination"`
}

type noAnswerModel struct {
	Enabled     types.Bool   `tfsdk:"enabled"`
	Destination types.String `tfsdk:"destination"`
	Rings       types.Int64  `tfsdk:"rings"`
}

var (
	forwardAttrTypes  = map[string]attr.Type{"enabled": types.BoolType, "destination": types.StringType}
	noAnswerAttrTypes = map[string]attr.Type{"enabled": types.BoolType, "destination": types.StringType, "rings": types.Int64Type}
)

func (r *callForwardingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_call_forwarding"
}

func (r *callForwardingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	destination := schema.StringAttribute{
		MarkdownDescription: "Where calls go: an E.164 number or an extension. Required when `enabled`.",
		Optional:            true,
		Validators:          []validator.String{destinationValidator()},
	}
	enabled := schema.BoolAttribute{
		MarkdownDescription: "Whether this forward is on. Defaults to `false`.",
		Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
	}
	forward := func(desc string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{
			MarkdownDescription: desc + " Omitted means off.",
			Optional:            true, Computed: true,
			Default: objectdefault.StaticValue(types.ObjectValueMust(forwardAttrTypes, map[string]attr.Value{
				"enabled": types.BoolValue(false), "destination": types.StringNull(),
			})),
			Attributes: map[string]schema.Attribute{"destination": destination, "enabled": enabled},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Call forwarding of a user: always, when busy, and when not answered. Enabling a forward " +
			"without a destination fails at plan time. Destroying the resource turns every forward off." + concurrencyDoc,
		Attributes: map[string]schema.Attribute{
			"always": forward("Forward every call."),
			"busy":   forward("Forward calls when the user is on another call."),
			"id": schema.StringAttribute{
				MarkdownDescription: "Same as `user_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"no_answer": schema.SingleNestedAttribute{
				MarkdownDescription: "Forward calls that are not answered after `rings` rings. Omitted means off.",
				Optional:            true, Computed: true,
				Default: objectdefault.StaticValue(types.ObjectValueMust(noAnswerAttrTypes, map[string]attr.Value{
					"enabled": types.BoolValue(false), "destination": types.StringNull(), "rings": types.Int64Value(defaultRings),
				})),
				Attributes: map[string]schema.Attribute{
					"destination": destination,
					"enabled":     enabled,
					"rings": schema.Int64Attribute{
						MarkdownDescription: "Rings before forwarding, 2 to 20. Defaults to 3.",
						Optional:            true, Computed: true, Default: int64default.StaticInt64(defaultRings),
						Validators: []validator.Int64{int64validator.Between(2, 20)},
					},
				},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The user (`usr_…`). Changing it replaces the resource.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{idValidator("usr_", "a user")},
			},
		},
	}
}

func destinationValidator() validator.String {
	return ruleValidator{
		description: "must be an E.164 number or an extension",
		check: func(s string) error {
			if rules.ValidateE164(s) == nil || rules.ValidateExtension(s) == nil {
				return nil
			}
			return &rules.Violation{Code: "destination_invalid", Field: "destination",
				Message: "destination must be an E.164 number such as +17205551200 or an extension of 2 to 10 digits"}
		},
	}
}

func (r *callForwardingResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{forwardDestinationRequired{}}
}

func (r *callForwardingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (r *callForwardingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan callForwardingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.put(ctx, &plan, nil, "", &resp.State, resp.Private, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.data.saveUserEnterprise(ctx, plan.UserID.ValueString(), nil, resp.Private)...)
	}
}

func (r *callForwardingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state callForwardingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cf, err := r.data.backend.ReadCallForwarding(ctx, r.data.readScope(ctx, state.UserID.ValueString(), req.Private), state.UserID.ValueString())
	if platform.IsNotFound(err) {
		if !r.data.userObjectGone(ctx, "call forwarding", state.UserID.ValueString(), req.Private, &resp.Diagnostics) {
			return
		}
		tflog.Warn(ctx, "call forwarding no longer exists; removing it from state", map[string]any{"user_id": state.UserID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read call forwarding", err, nil)
		return
	}
	state.fromAPI(state.UserID.ValueString(), cf)
	resp.Diagnostics.Append(r.data.saveUserEnterprise(ctx, state.UserID.ValueString(), req.Private, resp.Private)...)
	resp.Diagnostics.Append(saveETag(ctx, resp.Private, cf.ETag)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *callForwardingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan callForwardingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state callForwardingModel
	etag, ok := priorAndETag(ctx, req.State, req.Private, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	g := r.staleGuard(&state, &resp.State, resp.Private)
	g.done = func(cur *callForwardingModel) bool { return len(changedAttributes(&plan, cur, true)) == 0 }
	r.put(ctx, &plan, &g, etag, &resp.State, resp.Private, &resp.Diagnostics)
}

// put writes the settings: unconditionally on create (g nil), else with If-Match etag through g.
func (r *callForwardingResource) put(ctx context.Context, plan *callForwardingModel, g *staleGuard[callForwardingModel], etag string,
	st stateSetter, priv privateSetter, diags *diagnostics) {
	userID := plan.UserID.ValueString()
	var cf *platform.CallForwarding
	resolved, err := writeGuarded(ctx, g, etag, diags, func(o platform.WriteOptions) error {
		var err error
		cf, err = r.data.backend.PutCallForwarding(ctx, userID, plan.toAPI(), o)
		return err
	})
	if resolved {
		return
	}
	if err != nil {
		addAPIError(diags, "set call forwarding", err, map[string]string{
			"always.destination": "always.destination", "busy.destination": "busy.destination",
			"noAnswer.destination": "no_answer.destination", "noAnswer.rings": "no_answer.rings",
		})
		return
	}
	planned := *plan
	plan.fromAPI(userID, cf)
	checkWritten("ucprov_call_forwarding "+userID, &planned, plan, diags)
	diags.Append(st.Set(ctx, plan)...)
	diags.Append(saveETag(ctx, priv, cf.ETag)...)
}

// staleGuard is the 412 handling of the settings' writes; prior is the refreshed state.
func (r *callForwardingResource) staleGuard(prior *callForwardingModel, st stateSetter, priv privateSetter) staleGuard[callForwardingModel] {
	userID := prior.UserID.ValueString()
	return staleGuard[callForwardingModel]{
		what: "ucprov_call_forwarding " + userID, prior: prior, state: st, private: priv,
		read: func(ctx context.Context) (*callForwardingModel, string, bool, error) {
			cf, err := r.data.backend.GetCallForwarding(ctx, userID)
			if platform.IsNotFound(err) {
				return nil, "", false, nil
			}
			if err != nil {
				return nil, "", false, err
			}
			cur := *prior
			cur.fromAPI(userID, cf)
			return &cur, cf.ETag, true, nil
		},
	}
}

func (r *callForwardingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state callForwardingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	etag, d := loadETag(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	g := r.staleGuard(&state, &resp.State, resp.Private)
	g.deleting = true
	g.done = func(cur *callForwardingModel) bool {
		return !cur.Always.Enabled.ValueBool() && !cur.Busy.Enabled.ValueBool() && !cur.NoAnswer.Enabled.ValueBool()
	}
	resolved, err := guardedWrite(ctx, g, etag, &resp.Diagnostics, func(o platform.WriteOptions) error {
		return r.data.backend.DeleteCallForwarding(ctx, state.UserID.ValueString(), o)
	})
	if !resolved && err != nil && !platform.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "turn call forwarding off", err, nil)
	}
}

func (r *callForwardingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByUserID(ctx, req, resp)
}

func (m *callForwardingModel) toAPI() platform.CallForwarding {
	fw := func(f *forwardModel) platform.Forward {
		if f == nil {
			return platform.Forward{}
		}
		return platform.Forward{Enabled: f.Enabled.ValueBool(), Destination: f.Destination.ValueString()}
	}
	cf := platform.CallForwarding{Always: fw(m.Always), Busy: fw(m.Busy), NoAnswer: platform.NoAnswerForward{Rings: defaultRings}}
	if n := m.NoAnswer; n != nil {
		cf.NoAnswer = platform.NoAnswerForward{Enabled: n.Enabled.ValueBool(), Destination: n.Destination.ValueString(), Rings: int(n.Rings.ValueInt64())}
	}
	return cf
}

func (m *callForwardingModel) fromAPI(userID string, cf *platform.CallForwarding) {
	m.ID = types.StringValue(userID)
	m.UserID = types.StringValue(userID)
	m.Always = &forwardModel{Enabled: types.BoolValue(cf.Always.Enabled), Destination: optionalString(cf.Always.Destination)}
	m.Busy = &forwardModel{Enabled: types.BoolValue(cf.Busy.Enabled), Destination: optionalString(cf.Busy.Destination)}
	m.NoAnswer = &noAnswerModel{
		Enabled: types.BoolValue(cf.NoAnswer.Enabled), Destination: optionalString(cf.NoAnswer.Destination),
		Rings: types.Int64Value(int64(cf.NoAnswer.Rings)),
	}
}

// forwardDestinationRequired: a forward that is enabled needs a destination (rule
// destination_required), checked at plan time.
type forwardDestinationRequired struct{}

func (forwardDestinationRequired) Description(_ context.Context) string {
	return "an enabled forward needs a destination"
}
func (v forwardDestinationRequired) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (forwardDestinationRequired) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	for _, block := range []string{"always", "busy", "no_answer"} {
		var enabled types.Bool
		var dest types.String
		if d := req.Config.GetAttribute(ctx, path.Root(block).AtName("enabled"), &enabled); d.HasError() {
			continue // the block is null or unknown
		}
		if d := req.Config.GetAttribute(ctx, path.Root(block).AtName("destination"), &dest); d.HasError() {
			continue
		}
		if enabled.ValueBool() && dest.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(block).AtName("destination"), "Missing destination",
				ruleMessage(&rules.Violation{Code: "destination_required", Field: block + ".destination",
					Message: block + " forwarding is enabled, so it needs a destination (an E.164 number or an extension)"}))
		}
	}
}
