package provider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

const (
	emailStrategyFail     = "fail"
	emailStrategyCycleIMP = "cycle_imp"

	deletionPolicyDelete = "delete"
	deletionPolicyReset  = "reset"
)

var (
	_ resource.ResourceWithConfigure   = &userResource{}
	_ resource.ResourceWithImportState = &userResource{}
	_ resource.ResourceWithModifyPlan  = &userResource{}
)

// NewUserResource is the constructor the provider registers.
func NewUserResource() resource.Resource { return &userResource{} }

type userResource struct{ data *providerData }

// userModel maps the ucprov_user resource.
type userModel struct {
	ID                     types.String `tfsdk:"id"`
	EnterpriseID           types.String `tfsdk:"enterprise_id"`
	GroupID                types.String `tfsdk:"group_id"`
	FirstName              types.String `tfsdk:"first_name"`
	LastName               types.String `tfsdk:"last_name"`
	CallingLineIDFirstName types.String `tfsdk:"calling_line_id_first_name"`
	CallingLineIDLastName  types.String `tfsdk:"calling_line_id_last_name"`
	Department             types.String `tfsdk:"department"`
	TimeZone               types.String `tfsdk:"time_zone"`
	PagerNumber            types.String `tfsdk:"pager_number"`
	MobileNumber           types.String `tfsdk:"mobile_number"`
	Email                  types.String `tfsdk:"email"`
	EmailChangeStrategy    types.String `tfsdk:"email_change_strategy"`
	DeletionPolicy         types.String `tfsdk:"deletion_policy"`

	VoicemailPasscode          types.String `tfsdk:"voicemail_passcode"`
	VoicemailPasscodeWO        types.String `tfsdk:"voicemail_passcode_wo"`
	VoicemailPasscodeWOVersion types.Int64  `tfsdk:"voicemail_passcode_wo_version"`
	PortalPassword             types.String `tfsdk:"portal_password"`
	PortalPasswordWO           types.String `tfsdk:"portal_password_wo"`
	PortalPasswordWOVersion    types.Int64  `tfsdk:"portal_password_wo_version"`
}

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	optional := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc + " Remove the attribute to clear the value; an empty string is refused.",
			Optional:            true,
			Validators:          append([]validator.String{stringvalidator.LengthAtLeast(1)}, v...),
		}
	}
	attrs := secretAttributes()
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Webex calling user of an enterprise. The user is the anchor of every other " +
			"resource: number and extension, E911 address, IM&P, activation, call forwarding." + concurrencyDoc,
		Attributes: map[string]schema.Attribute{
			"calling_line_id_first_name": schema.StringAttribute{
				MarkdownDescription: "First name shown on internal calls. When not set it follows `first_name`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"calling_line_id_last_name": schema.StringAttribute{
				MarkdownDescription: "Last name shown on internal calls. When not set it follows `last_name`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"deletion_policy": schema.StringAttribute{
				MarkdownDescription: "What destroying the resource does on the backend. `delete` (default): the user " +
					"is deleted, as in User Hub; its number returns to the inventory. `reset`: the Spectrum portal's " +
					"Reset User: the name becomes \"Available User\", the email is cleared, Webex is deactivated, IM&P " +
					"and call forwarding are turned off and the call history is cleared; the line keeps its number " +
					"and extension, and its E911 address. To keep them, stop managing the `ucprov_user_number` and the " +
					"`ucprov_e911_address` without destroying them, since destroying them unassigns the number and " +
					"deletes the address: a `removed` block with `lifecycle { destroy = false }` for each. A `removed` " +
					"block takes no instance key, so under `for_each` first move the instance to an address of its own " +
					"(`moved { from = ucprov_user_number.staff[\"ada\"] to = ucprov_user_number.kept_ada }`) and remove " +
					"that address (`removed { from = ucprov_user_number.kept_ada ... }`); see the example. " +
					"Not sent to the API; a change only updates the state.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(deletionPolicyDelete),
				Validators: []validator.String{stringvalidator.OneOf(deletionPolicyDelete, deletionPolicyReset)},
			},
			"department": optional("Department."),
			"email": optional("Email address, unique across the service provider. Needed for IM&P and "+
				"Webex activation. See `email_change_strategy` for changing it while IM&P is enabled.",
				emailValidator()),
			"email_change_strategy": schema.StringAttribute{
				MarkdownDescription: "What to do when `email` changes while Integrated IM&P is enabled for the user " +
					"(the backend refuses that change). `fail` (default): the plan fails with an error that explains the " +
					"three steps. `cycle_imp`: disable IM&P, change the email and enable IM&P again in one apply " +
					"(this deletes and re-creates the user's Webex account: the plan warns on `email`, and a " +
					"`ucprov_activation` of the user, `user_id = ucprov_user.NAME.id`, plans an update in the same plan " +
					"that waits for the new account as its `wait_for` says, so one apply converges whether or not the " +
					"activation names the email); if a step fails IM&P is enabled again. Not sent to the API.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(emailStrategyFail),
				Validators: []validator.String{stringvalidator.OneOf(emailStrategyFail, emailStrategyCycleIMP)},
			},
			"enterprise_id": schema.StringAttribute{
				MarkdownDescription: "Enterprise (`ent_…`) of the user. Defaults to the provider's `enterprise_id`. " +
					"Changing it replaces the user.",
				Optional: true,
				Computed: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace(),
				},
				Validators: []validator.String{idValidator("ent_", "an enterprise")},
			},
			"first_name": schema.StringAttribute{
				MarkdownDescription: "First name.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"group_id": schema.StringAttribute{
				MarkdownDescription: "Group (location, `grp_…`) the user belongs to. Changing it replaces the user.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{idValidator("grp_", "a group"), stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "User id (`usr_…`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"last_name": schema.StringAttribute{
				MarkdownDescription: "Last name.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"mobile_number": optional("Mobile number in E.164 form, e.g. `+17205550100`.", e164Validator()),
			"pager_number":  optional("Pager number in E.164 form.", e164Validator()),
			"time_zone": optional("IANA time zone, e.g. `America/Denver`. When not set the user has its "+
				"group's time zone.", timeZoneValidator()),
		},
	}
	for name, a := range attrs {
		resp.Schema.Attributes[name] = a
	}
}

func (r *userResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// ModifyPlan fills in the provider's default enterprise and keeps the calling line id names in step
// with the names when they are not configured.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.data.checkPlatformFeatures(ctx, "ucprov_user", req.Config, req.Plan, &resp.Diagnostics) {
		return
	}
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy, or provider not configured yet (validate)
	}
	var plan, config userModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *userModel
	if !req.State.Raw.IsNull() {
		state = &userModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}

	if !defaultEnterprise(r.data, config.EnterpriseID, &plan.EnterpriseID, &resp.Diagnostics) {
		return
	}
	if config.EnterpriseID.IsNull() && state != nil { // a configured change is replaced by the schema
		replaceOnEnterpriseChange(&state.EnterpriseID, plan.EnterpriseID, resp)
	}
	if config.CallingLineIDFirstName.IsNull() {
		plan.CallingLineIDFirstName = plan.FirstName
	}
	if config.CallingLineIDLastName.IsNull() {
		plan.CallingLineIDLastName = plan.LastName
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if r.data.reachable(ctx) {
		r.checkNewUserIDs(ctx, &plan, &config, state, &resp.Diagnostics)
		r.checkEmailHolder(ctx, &plan, state, &resp.Diagnostics)
	}
	r.checkEmailChange(ctx, &plan, state, &resp.Diagnostics)
	r.checkCycleIMP(ctx, &plan, state, &resp.Diagnostics)
	r.checkSecrets(ctx, req, &plan, state, &resp.Diagnostics)
}

const (
	impEnabledSummary = "Email cannot change while IM&P is enabled"
	impEnabledDetail  = "The backend refuses to change the email of a user with Integrated IM&P enabled (rule " +
		"imp_enabled). Either set email_change_strategy = \"cycle_imp\" to let the provider disable IM&P, change the " +
		"email and enable IM&P again in one apply, or do it in three applies: 1) set enabled = false on the user's " +
		"ucprov_imp_setting and apply (this deletes the user's Webex account), 2) change the email and apply, " +
		"3) set enabled = true and apply."
)

// checkEmailChange refuses at plan time, with one read, an email change that the backend would
// refuse because IM&P is enabled and the strategy is "fail".
func (r *userResource) checkEmailChange(ctx context.Context, plan, state *userModel, diags *diag.Diagnostics) {
	if state == nil || plan.Email.Equal(state.Email) || plan.Email.IsUnknown() ||
		plan.EmailChangeStrategy.ValueString() != emailStrategyFail || r.data.backend.Lacks(platform.FeatureIMP) != nil {
		return
	}
	imp, err := r.data.backend.ReadIMP(ctx, state.EnterpriseID.ValueString(), state.ID.ValueString())
	if err != nil {
		if !platform.IsNotFound(err) {
			addAPIError(diags, "read IM&P to check the email change", err, nil)
		}
		return
	}
	if imp.Enabled {
		diags.AddAttributeError(path.Root("email"), impEnabledSummary, impEnabledDetail)
	}
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	passcode, password, d := pendingSecrets(ctx, req.Config, &plan, nil, false)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.data.requireEnterprise(ctx, plan.EnterpriseID.ValueString(), path.Root("enterprise_id"), &resp.Diagnostics) {
		return
	}
	u, err := r.data.backend.CreateUser(ctx, plan.EnterpriseID.ValueString(), plan.toCreate())
	adopted := false
	if platform.HasCode(err, "email_in_use") {
		// The user of a create whose answer was lost (see isLostCreate) is adopted, not duplicated.
		if found, ferr := r.adoptLostCreate(ctx, &plan); ferr != nil {
			err = fmt.Errorf("%w; looking for the user of an earlier create also failed: %w", err, ferr)
		} else if found != nil {
			u, err, adopted = found, nil, true
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "create user", err, userAttrs)
		return
	}
	if adopted {
		// Not marked created: it may have an activation, a number, IM&P of its own.
		tflog.Info(ctx, "adopted user", map[string]any{"user_id": u.ID})
	} else {
		tflog.Info(ctx, "created user", map[string]any{"user_id": u.ID})
		r.data.backend.MarkCreated(u)
	}
	if _, err := r.writeSecrets(ctx, u.ID, passcode, password, resp.Private); adopted && err != nil {
		// An adopted user is not deleted: the state has no user, the next apply adopts it again.
		addAPIError(&resp.Diagnostics, "create user", err, nil)
		return
	} else if err != nil {
		// Roll back, so that the backend and the state agree (no user) and the next plan creates it.
		// If-Match: a user changed by someone else in the meantime is not deleted.
		delErr := r.data.backend.DeleteUser(ctx, u.ID, platform.WriteOptions{IfMatch: u.ETag})
		if delErr != nil && !platform.IsNotFound(delErr) {
			err = fmt.Errorf("%w; rolling back the new user %s also failed: %w", err, u.ID, delErr)
		}
		addAPIError(&resp.Diagnostics, "create user", err, nil)
		return
	}
	planned := plan
	r.keepGroupTimeZone(ctx, plan.TimeZone, u)
	plan.fromAPI(u)
	checkWritten(userWhat(u.ID), &planned, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(saveETag(ctx, resp.Private, u.ETag)...)
}

func userWhat(id string) string { return "ucprov_user " + id }

// keepGroupTimeZone keeps a configured time_zone that is the user's group's own: a platform that
// cannot tell a user's time zone from its group's (BroadWorks always answers one; the broadworks
// platform answers "" when it is the group's) reads such a user as having none, which is the
// same user. u.TimeZone becomes want when u has none and want is the group's time zone.
func (r *userResource) keepGroupTimeZone(ctx context.Context, want types.String, u *platform.User) {
	if u.TimeZone != "" || want.IsNull() || want.IsUnknown() || want.ValueString() == "" {
		return
	}
	g, err := r.data.backend.GetGroup(ctx, u.GroupID)
	if err == nil && g.TimeZone == want.ValueString() {
		u.TimeZone = want.ValueString()
	}
}

// staleGuard is the 412 handling of the user's writes; prior is the state the plan was made from.
func (r *userResource) staleGuard(prior *userModel, st stateSetter, priv privateSetter) staleGuard[userModel] {
	id := prior.ID.ValueString()
	return staleGuard[userModel]{
		what: userWhat(id), prior: prior, state: st, private: priv,
		read: func(ctx context.Context) (*userModel, string, bool, error) {
			u, err := r.data.backend.GetUser(ctx, id)
			if platform.IsNotFound(err) {
				return nil, "", false, nil
			}
			if err != nil {
				return nil, "", false, err
			}
			cur := *prior
			r.keepGroupTimeZone(ctx, prior.TimeZone, u)
			cur.fromAPI(u)
			return &cur, u.ETag, true, nil
		},
	}
}

func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A user of another enterprise than the provider's: the token must see it before a 404 is taken
	// for a deleted user (writes' lane, minimal: one check per enterprise and process).
	if !r.data.requireEnterprise(ctx, state.EnterpriseID.ValueString(), path.Root("enterprise_id"), &resp.Diagnostics) {
		return
	}
	ent := state.EnterpriseID.ValueString()
	if ent == "" { // after import
		ent = r.data.enterpriseID
	}
	u, err := r.data.backend.ReadUser(ctx, ent, state.ID.ValueString())
	if platform.IsNotFound(err) {
		tflog.Warn(ctx, "user no longer exists; removing it from state", map[string]any{"user_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read user", err, nil)
		return
	}
	r.keepGroupTimeZone(ctx, state.TimeZone, u)
	state.fromAPI(u)
	if state.EmailChangeStrategy.IsNull() { // after import
		state.EmailChangeStrategy = types.StringValue(emailStrategyFail)
	}
	if state.DeletionPolicy.IsNull() { // after import
		state.DeletionPolicy = types.StringValue(deletionPolicyDelete)
	}
	resp.Diagnostics.Append(saveETag(ctx, resp.Private, u.ETag)...)
	resp.Diagnostics.Append(dropLegacySecrets(ctx, resp.Private)...) // rel: no passcode hash from earlier versions
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	passcode, password, d := pendingSecrets(ctx, req.Config, &plan, &state, wasImported(ctx, req.Private))
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	patch, emailChanged := plan.toPatch(&state)
	etag, d := loadETag(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	guard := r.staleGuard(&state, &resp.State, resp.Private)
	guard.done = func(cur *userModel) bool {
		return passcode == nil && password == nil && len(changedAttributes(&plan, cur, true)) == 0
	}
	var u *platform.User
	resolved, err := guardedWrite(ctx, guard, etag, &resp.Diagnostics, func(o platform.WriteOptions) error {
		var err error
		if emailChanged && plan.EmailChangeStrategy.ValueString() == emailStrategyCycleIMP {
			u, err = r.updateCyclingIMP(ctx, state.ID.ValueString(), patch, o)
		} else {
			u, err = r.data.backend.UpdateUser(ctx, state.ID.ValueString(), patch, o)
		}
		return err
	})
	if resolved {
		return
	}
	if platform.HasCode(err, "imp_enabled") {
		resp.Diagnostics.AddAttributeError(path.Root("email"), impEnabledSummary, impEnabledDetail+" "+apiDetail(err))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "update user", err, userAttrs)
		return
	}
	planned := plan
	r.keepGroupTimeZone(ctx, plan.TimeZone, u)
	plan.fromAPI(u)
	checkWritten(userWhat(u.ID), &planned, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(saveETag(ctx, resp.Private, u.ETag)...)
	if passcodeWritten, err := r.writeSecrets(ctx, u.ID, passcode, password, resp.Private); err != nil {
		// The profile change is saved; what was not written keeps its prior value, so the next plan
		// shows exactly that.
		if !passcodeWritten {
			plan.VoicemailPasscode, plan.VoicemailPasscodeWOVersion = state.VoicemailPasscode, state.VoicemailPasscodeWOVersion
		}
		plan.PortalPassword, plan.PortalPasswordWOVersion = state.PortalPassword, state.PortalPasswordWOVersion
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		addAPIError(&resp.Diagnostics, "update user", err, nil)
		return
	}
	// The secrets the state records are now the ones the provider applied or adopted.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	etag, d := loadETag(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	id := state.ID.ValueString()
	if state.DeletionPolicy.ValueString() == deletionPolicyReset {
		// deletion_policy = "reset": the portal's Reset User instead of a delete (minimal change
		// to the writes helper's Delete, for issue 10).
		resolved, err := guardedWrite(ctx, r.staleGuard(&state, &resp.State, resp.Private), etag, &resp.Diagnostics,
			func(o platform.WriteOptions) error { _, err := r.data.backend.ResetUser(ctx, id, o); return err })
		if !resolved && err != nil && !platform.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, "reset user", err, nil)
			return
		}
		tflog.Info(ctx, "reset user (deletion_policy = reset); it stays on the backend as Available User", map[string]any{"user_id": id})
		return
	}
	resolved, err := guardedWrite(ctx, r.staleGuard(&state, &resp.State, resp.Private), etag, &resp.Diagnostics,
		func(o platform.WriteOptions) error { return r.data.backend.DeleteUser(ctx, id, o) })
	if !resolved && err != nil && !platform.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "delete user", err, nil)
	}
}

// ImportState takes a user id (usr_…) or the user's email.
// The import is marked in private state: see importedKey.
func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	r.importUser(ctx, req, resp)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(markImported(ctx, resp.Private)...)
	}
}

// updateCyclingIMP changes the email of a user whose IM&P may be enabled: disable IM&P, patch,
// enable IM&P again. When any step after the disable fails, IM&P is enabled again before the error
// is returned, so the backend ends where it started except for what succeeded.
func (r *userResource) updateCyclingIMP(ctx context.Context, id string, patch platform.UserPatch, opts platform.WriteOptions) (*platform.User, error) {
	c := r.data.backend
	imp, err := c.GetIMP(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read IM&P before the email change: %w", err)
	}
	if !imp.Enabled {
		return c.UpdateUser(ctx, id, patch, opts)
	}
	if opts.IfMatch != "" {
		// Disabling IM&P deletes the user's Webex account: make sure the user is still as planned
		// before, rather than find out with the PATCH.
		cur, err := c.GetUser(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("read the user before the email change: %w", err)
		}
		if !sameETag(cur.ETag, opts.IfMatch) {
			return nil, &platform.Error{Status: http.StatusPreconditionFailed, Code: "etag_mismatch",
				Message: "the user changed since the last refresh (checked before disabling IM&P)"}
		}
	}
	tflog.Info(ctx, "disabling IM&P to change the email", map[string]any{"user_id": id})
	if _, err := c.SetIMP(ctx, id, false, platform.WriteOptions{IfMatch: imp.ETag}); err != nil {
		return nil, fmt.Errorf("disable IM&P before the email change: %w", err)
	}
	u, err := c.UpdateUser(ctx, id, patch, opts)
	if _, impErr := c.SetIMP(ctx, id, true, platform.WriteOptions{}); impErr != nil {
		if err != nil {
			return nil, fmt.Errorf("change email: %w; then enable IM&P again: %w", err, impErr)
		}
		return nil, fmt.Errorf("email changed, but enabling IM&P again failed (IM&P is now disabled; "+
			"the next plan will show it): %w", impErr)
	}
	tflog.Info(ctx, "enabled IM&P again after the email change", map[string]any{"user_id": id})
	if err != nil {
		return nil, fmt.Errorf("change email (IM&P was enabled again): %w", err)
	}
	return u, nil
}

// userAttrs maps API field names to attribute paths for error diagnostics.
var userAttrs = map[string]string{
	"groupId": "group_id", "firstName": "first_name", "lastName": "last_name",
	"callingLineIdFirstName": "calling_line_id_first_name", "callingLineIdLastName": "calling_line_id_last_name",
	"department": "department", "timeZone": "time_zone", "pagerNumber": "pager_number",
	"mobileNumber": "mobile_number", "email": "email",
}

func (m *userModel) toCreate() platform.UserInput {
	in := platform.UserInput{
		GroupID:      m.GroupID.ValueString(),
		FirstName:    m.FirstName.ValueString(),
		LastName:     m.LastName.ValueString(),
		Department:   m.Department.ValueString(),
		TimeZone:     m.TimeZone.ValueString(),
		PagerNumber:  m.PagerNumber.ValueString(),
		MobileNumber: m.MobileNumber.ValueString(),
		Email:        m.Email.ValueString(),
	}
	// Calling line id names are sent only when they differ from the names, so that they keep
	// following the names on the backend.
	if v := m.CallingLineIDFirstName.ValueString(); v != m.FirstName.ValueString() {
		in.CallingLineIDFirstName = v
	}
	if v := m.CallingLineIDLastName.ValueString(); v != m.LastName.ValueString() {
		in.CallingLineIDLastName = v
	}
	return in
}

// toPatch returns the merge patch from state to plan and whether the email changes.
func (m *userModel) toPatch(state *userModel) (platform.UserPatch, bool) {
	var p platform.UserPatch
	set := func(dst **string, plan, prior types.String) {
		if !plan.Equal(prior) {
			v := plan.ValueString() // null → "" clears the field
			*dst = &v
		}
	}
	set(&p.FirstName, m.FirstName, state.FirstName)
	set(&p.LastName, m.LastName, state.LastName)
	set(&p.Department, m.Department, state.Department)
	set(&p.TimeZone, m.TimeZone, state.TimeZone)
	set(&p.PagerNumber, m.PagerNumber, state.PagerNumber)
	set(&p.MobileNumber, m.MobileNumber, state.MobileNumber)
	set(&p.Email, m.Email, state.Email)
	clid := func(dst **string, plan, prior, name types.String) {
		if plan.Equal(prior) {
			return
		}
		v := plan.ValueString()
		if v == name.ValueString() {
			v = "" // follow the name
		}
		*dst = &v
	}
	clid(&p.CallingLineIDFirstName, m.CallingLineIDFirstName, state.CallingLineIDFirstName, m.FirstName)
	clid(&p.CallingLineIDLastName, m.CallingLineIDLastName, state.CallingLineIDLastName, m.LastName)
	return p, !m.Email.Equal(state.Email)
}

// fromAPI copies the backend's user into the model; empty optional strings become null.
func (m *userModel) fromAPI(u *platform.User) {
	v := userValuesFromAPI(u)
	m.ID, m.EnterpriseID, m.GroupID = v.ID, v.EnterpriseID, v.GroupID
	m.FirstName, m.LastName = v.FirstName, v.LastName
	m.CallingLineIDFirstName, m.CallingLineIDLastName = v.CallingLineIDFirstName, v.CallingLineIDLastName
	m.Department, m.TimeZone, m.PagerNumber, m.MobileNumber, m.Email = v.Department, v.TimeZone, v.PagerNumber, v.MobileNumber, v.Email
}
