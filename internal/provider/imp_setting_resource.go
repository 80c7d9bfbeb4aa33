package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

var (
	_ resource.ResourceWithConfigure   = &impSettingResource{}
	_ resource.ResourceWithImportState = &impSettingResource{}
	_ resource.ResourceWithModifyPlan  = &impSettingResource{}
)

// NewIMPSettingResource is the constructor the provider registers.
func NewIMPSettingResource() resource.Resource { return &impSettingResource{} }

type impSettingResource struct{ data *providerData }

// impSettingModel maps the ucprov_imp_setting resource.
type impSettingModel struct {
	ID      types.String `tfsdk:"id"`
	UserID  types.String `tfsdk:"user_id"`
	Enabled types.Bool   `tfsdk:"enabled"`
}

func (r *impSettingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_imp_setting"
}

func (r *impSettingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Integrated IM&P (instant messaging and presence) setting of a user. Enabling it " +
			"needs an email on the user: when the user already exists the plan checks it (rule `email_required`) " +
			"before anything is written. For a user created in the same apply (its id unknown at plan time) this check stays at apply time: " +
			"give the new `ucprov_user` an `email`, or the apply fails here (`email_required`) after the user is created. Disabling IM&P deletes the user's Webex account (an activation goes back " +
			"to `pending_email_input`); destroying this resource disables IM&P. A change made in the portal shows " +
			"as drift and is put back by the next apply.\n\n" +
			"The plan-time check reads the user as it is now: when the same apply also adds the email to an " +
			"existing `ucprov_user`, apply the user first (`terraform apply -target=ucprov_user.NAME`)." + concurrencyDoc,
		Attributes: map[string]schema.Attribute{
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether Integrated IM&P is enabled for the user. `true` needs an email on the user.",
				Required:            true,
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Same as `user_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The user (`usr_…`). Changing it replaces the setting (IM&P of the old user is disabled).",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{idValidator("usr_", "a user")},
			},
		},
	}
}

func (r *impSettingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// ModifyPlan checks, with one read of the user and only when IM&P is being switched on, that the
// user has an email (rule email_required), so that no write happens for a setting the backend
// would refuse.
func (r *impSettingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.data.checkPlatformFeatures(ctx, "ucprov_imp_setting", req.Config, req.Plan, &resp.Diagnostics) {
		return
	}
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy, or provider not configured yet (validate)
	}
	var plan impSettingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *impSettingModel
	if !req.State.Raw.IsNull() {
		state = &impSettingModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	switchedOn := state == nil || !state.Enabled.ValueBool() || !state.UserID.Equal(plan.UserID)
	if plan.UserID.IsUnknown() || plan.Enabled.IsUnknown() || !plan.Enabled.ValueBool() || !switchedOn {
		return // a user created in this apply: the backend checks at apply time
	}
	checkUserHasEmail(ctx, r.data, plan.UserID.ValueString(), path.Root("enabled"),
		"Integrated IM&P", &resp.Diagnostics)
}

func (r *impSettingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan impSettingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.set(ctx, &plan, nil, "", &resp.State, resp.Private, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.data.saveUserEnterprise(ctx, plan.UserID.ValueString(), nil, resp.Private)...)
	}
}

func (r *impSettingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state impSettingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	imp, err := r.data.backend.ReadIMP(ctx, r.data.readScope(ctx, state.UserID.ValueString(), req.Private), state.UserID.ValueString())
	if platform.IsNotFound(err) {
		if !r.data.userObjectGone(ctx, "IM&P setting", state.UserID.ValueString(), req.Private, &resp.Diagnostics) {
			return
		}
		tflog.Warn(ctx, "IM&P setting no longer exists; removing it from state", map[string]any{"user_id": state.UserID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the IM&P setting", err, nil)
		return
	}
	state.fromAPI(state.UserID.ValueString(), imp)
	resp.Diagnostics.Append(r.data.saveUserEnterprise(ctx, state.UserID.ValueString(), req.Private, resp.Private)...)
	resp.Diagnostics.Append(saveETag(ctx, resp.Private, imp.ETag)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *impSettingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan impSettingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state impSettingModel
	etag, ok := priorAndETag(ctx, req.State, req.Private, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	g := r.staleGuard(&state, &resp.State, resp.Private)
	g.done = func(cur *impSettingModel) bool { return cur.Enabled.Equal(plan.Enabled) }
	r.set(ctx, &plan, &g, etag, &resp.State, resp.Private, &resp.Diagnostics)
}

func (r *impSettingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state impSettingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	etag, d := loadETag(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	g := r.staleGuard(&state, &resp.State, resp.Private)
	g.deleting = true
	g.done = func(cur *impSettingModel) bool { return !cur.Enabled.ValueBool() } // disabled meanwhile (a deactivation)
	resolved, err := guardedWrite(ctx, g, etag, &resp.Diagnostics, func(o platform.WriteOptions) error {
		_, err := r.data.backend.SetIMP(ctx, state.UserID.ValueString(), false, o)
		return err
	})
	if !resolved && err != nil && !platform.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "disable IM&P", err, nil)
	}
}

func (r *impSettingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByUserID(ctx, req, resp)
}

// set writes the setting (an idempotent PUT; unconditional on create, g nil, else with If-Match
// etag through g) and saves the answer.
func (r *impSettingResource) set(ctx context.Context, plan *impSettingModel, g *staleGuard[impSettingModel], etag string,
	st stateSetter, priv privateSetter, diags *diagnostics) {
	userID := plan.UserID.ValueString()
	var imp *platform.IMP
	resolved, err := writeGuarded(ctx, g, etag, diags, func(o platform.WriteOptions) error {
		var err error
		imp, err = r.data.backend.SetIMP(ctx, userID, plan.Enabled.ValueBool(), o)
		return err
	})
	if resolved {
		return
	}
	if platform.HasCode(err, "email_required") {
		diags.AddAttributeError(path.Root("enabled"), "Email required for Integrated IM&P",
			fmt.Sprintf("User %s has no email, and Integrated IM&P needs one (rule email_required). Set email on "+
				"the ucprov_user first, then apply again. %s", userID, apiDetail(err)))
		return
	}
	if err != nil {
		addAPIError(diags, "set the IM&P setting", err, nil)
		return
	}
	tflog.Info(ctx, "set IM&P", map[string]any{"user_id": userID, "enabled": imp.Enabled})
	planned := *plan
	plan.fromAPI(userID, imp)
	checkWritten("ucprov_imp_setting "+userID, &planned, plan, diags)
	diags.Append(st.Set(ctx, plan)...)
	diags.Append(saveETag(ctx, priv, imp.ETag)...)
}

// staleGuard is the 412 handling of the setting's writes; prior is the refreshed state.
func (r *impSettingResource) staleGuard(prior *impSettingModel, st stateSetter, priv privateSetter) staleGuard[impSettingModel] {
	userID := prior.UserID.ValueString()
	return staleGuard[impSettingModel]{
		what: "ucprov_imp_setting " + userID, prior: prior, state: st, private: priv,
		read: func(ctx context.Context) (*impSettingModel, string, bool, error) {
			imp, err := r.data.backend.GetIMP(ctx, userID)
			if platform.IsNotFound(err) {
				return nil, "", false, nil
			}
			if err != nil {
				return nil, "", false, err
			}
			cur := *prior
			cur.fromAPI(userID, imp)
			return &cur, imp.ETag, true, nil
		},
	}
}

func (m *impSettingModel) fromAPI(userID string, imp *platform.IMP) {
	m.ID = types.StringValue(userID)
	m.UserID = types.StringValue(userID)
	m.Enabled = types.BoolValue(imp.Enabled)
}

// checkUserHasEmail adds an error on attr when the user does not exist or has no email (rule
// email_required); feature names what needs the email. It reads the user once, unless this
// process created it (Terraform plans again during the apply that created the user): then the
// user as the create answered it tells (bulkread.Reader.CreatedUser).
func checkUserHasEmail(ctx context.Context, d *providerData, userID string, attr path.Path, feature string, diags *diagnostics) {
	u, ok := d.backend.CreatedUser(userID)
	var err error
	if !ok {
		u, err = d.backend.GetUser(ctx, userID)
	}
	if platform.IsNotFound(err) {
		diags.AddAttributeError(path.Root("user_id"), "User not found",
			"User "+userID+" does not exist (or is not visible with this token).")
		return
	}
	if err != nil {
		addAPIError(diags, "read the user to check its email", err, nil)
		return
	}
	if u.Email == "" {
		diags.AddAttributeError(attr, "Email required for "+feature,
			fmt.Sprintf("User %s has no email, and %s needs one (rule email_required). Set email on the "+
				"ucprov_user first, then apply again. If this configuration already adds the email to that user, "+
				"apply the user first (terraform apply -target=ucprov_user.NAME): the check reads the user as it "+
				"is now. Nothing was written.", userLabel(u), feature))
	}
}
