package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

const (
	activationDefaultPackage = "webex_calling"
	waitForQueued            = "queued"
	waitForProvisioned       = "provisioned"

	activationCreateTimeout = 20 * time.Minute
	activationPollFirst     = 50 * time.Millisecond
	activationPollMax       = 5 * time.Second
)

// activationPackages are the Webex packages the backend knows.
var activationPackages = []string{"webex_calling", "webex_suite", "webex_meetings", "webex_voice"}

var (
	_ resource.ResourceWithConfigure   = &activationResource{}
	_ resource.ResourceWithImportState = &activationResource{}
	_ resource.ResourceWithModifyPlan  = &activationResource{}
)

// NewActivationResource is the constructor the provider registers.
func NewActivationResource() resource.Resource { return &activationResource{} }

type activationResource struct{ data *providerData }

// activationModel maps the ucprov_activation resource.
type activationModel struct {
	ID                  types.String   `tfsdk:"id"`
	UserID              types.String   `tfsdk:"user_id"`
	Package             types.String   `tfsdk:"package"`
	SendActivationEmail types.Bool     `tfsdk:"send_activation_email"`
	EmailSubject        types.String   `tfsdk:"email_subject"`
	EmailBody           types.String   `tfsdk:"email_body"`
	WaitFor             types.String   `tfsdk:"wait_for"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
	Status              types.String   `tfsdk:"status"`
	Email               types.String   `tfsdk:"email"`
	ErrorCode           types.String   `tfsdk:"error_code"`
	ErrorText           types.String   `tfsdk:"error_text"`
	InvitationVersion   types.Int64    `tfsdk:"invitation_version"`
}

func (r *activationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_activation"
}

func (r *activationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	creationOnly := " Used only when the activation is created; changing it later changes nothing on the backend."
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Webex activation of a user. Creating it queues the activation (the portal's " +
			"\"Activate Webex\"), then waits as `wait_for` says, within `timeouts.create`. The user needs an email: " +
			"when the user already exists the plan checks it (rule `email_required`) before anything is written. " +
			"For a user created in the same apply (its id unknown at plan time) this check stays at apply time: " +
			"give the new `ucprov_user` an `email`, or the apply fails here (`email_required`) after the user is created.\n\n" +
			"When the backend reports the activation in status `error` (for instance `email_conflict`: the email " +
			"already belongs to another Webex account), the apply fails with the backend's code and text and the " +
			"resource stays in state, tainted; fix the cause (usually the user's email) and apply again: the " +
			"provider retries through the backend's retry endpoint instead of creating a second activation. An " +
			"activation found in `error` later (with `wait_for = \"queued\"`) plans an update that retries it.\n\n" +
			"When the wait of a create times out, the activation goes on on the backend but is not saved in state; " +
			"the next apply takes it over and waits again (no second activation, no deactivation). An activation " +
			"queued outside Terraform and still in progress is taken over the same way.\n\n" +
			"Changing `package` updates the activation in place. Destroying it removes Webex only: the user keeps " +
			"its name, email, IM&P and call forwarding, so removing this block from a configuration leaves the " +
			"rest valid. The portal's \"Reset User\" is `deletion_policy = \"reset\"` on the `ucprov_user`. An " +
			"activation in `error` is left alone on destroy, since nothing was provisioned.\n\n" +
			"Before an activation is created (or its `email` changes) the plan asks the backend's activation " +
			"precheck whether it would fail, and fails instead when the email belongs to another organisation's " +
			"Webex account (`email_conflict`): nothing is written. The precheck uses `email` when it is set, else " +
			"the user's email as it is now; so set `email = ucprov_user.NAME.email` when the same apply changes or " +
			"adds the user's email (without it, the plan-time checks read the user as it is now, and you would " +
			"apply the user first with `terraform apply -target=ucprov_user.NAME`)." + concurrencyDoc,
		Attributes: map[string]schema.Attribute{
			"email": schema.StringAttribute{
				MarkdownDescription: "Email of the user's Webex account. Computed from the user when not set. Set it to " +
					"the user's email (`email = ucprov_user.NAME.email`) so that an email change converges in one " +
					"apply: the plan that changes the user's email then also shows this activation's update (its " +
					"status becomes unknown), and the apply waits for the new email's validation as `wait_for` says, " +
					"so the next plan is empty. (With `email_change_strategy = \"cycle_imp\"` on a user with IM&P " +
					"enabled, the plan shows that update without it too, since the Webex account is re-created.) " +
					"It is not sent anywhere: the user's email is the one that counts, and " +
					"an apply whose user ends with another email fails saying so. Checked at plan time with the " +
					"backend's activation precheck (rule `email_conflict`: the email belongs to another Webex account).",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{emailValidator()},
			},
			"email_body": schema.StringAttribute{
				MarkdownDescription: "Body of the activation email (with `send_activation_email = true`). Empty means " +
					"the backend's default text." + creationOnly,
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"email_subject": schema.StringAttribute{
				MarkdownDescription: "Subject of the activation email (with `send_activation_email = true`). Empty means " +
					"the backend's default subject." + creationOnly,
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"error_code": schema.StringAttribute{
				MarkdownDescription: "The backend's error code when `status` is `error` (e.g. `email_conflict`), else null.",
				Computed:            true,
			},
			"error_text": schema.StringAttribute{
				MarkdownDescription: "The backend's error text when `status` is `error`, else null.",
				Computed:            true,
			},
			"invitation_version": schema.Int64Attribute{
				MarkdownDescription: "Increase it to send the activation email again (Partner Hub's \"Retry " +
					"Activation\", User Hub's invitations) while the user is not provisioned; once the user is " +
					"provisioned the plan warns and nothing is sent. Nothing is ever sent by an apply that does not " +
					"increase it (setting it on create, lowering it or removing it sends nothing).",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Same as `user_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"package": schema.StringAttribute{
				MarkdownDescription: "Webex package: `webex_calling` (default), `webex_suite`, `webex_meetings` or " +
					"`webex_voice`. A change updates the activation in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(activationDefaultPackage),
				Validators: []validator.String{stringvalidator.OneOf(activationPackages...)},
			},
			"send_activation_email": schema.BoolAttribute{
				MarkdownDescription: "Send the user an activation email. Defaults to `false`." + creationOnly,
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Live activation status: `queued`, `pending_email_input`, `pending_email_validation`, " +
					"`provisioning`, `provisioned` or `error`. Refreshed on every plan. A plan that changes nothing that " +
					"moves it (only `email_subject`, `email_body`, `send_activation_email`, `invitation_version` or " +
					"`timeouts`, say) keeps it known.",
				Computed: true,
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The user (`usr_…`). It must have an email. Changing it replaces the activation " +
					"(the old user is deactivated).",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{idValidator("usr_", "a user")},
			},
			"wait_for": schema.StringAttribute{
				MarkdownDescription: "What the apply waits for: `queued` (default: the activation is accepted, the " +
					"backend goes on by itself) or `provisioned` (poll until the user is provisioned, or fail on " +
					"`error`, within `timeouts.create`). With `provisioned`, an activation still on its way (after a " +
					"timeout, say) plans an update that waits again. Not sent to the API.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(waitForQueued),
				Validators: []validator.String{stringvalidator.OneOf(waitForQueued, waitForProvisioned)},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true,
				CreateDescription: "How long the apply may wait for the activation (`20m` by default); it also " +
					"bounds the wait of a retry or a renewed wait in an update. A string such as `30s` or `1h`.",
			}),
		},
	}
}

func (r *activationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// ModifyPlan checks at creation, with one read of the user, that it has an email; and plans an
// update (status unknown) when the activation is in error (the update retries it) or, with
// wait_for = "provisioned", still on its way (the update waits again).
func (r *activationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.data.checkPlatformFeatures(ctx, "ucprov_activation", req.Config, req.Plan, &resp.Diagnostics) {
		return
	}
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy, or provider not configured yet (validate)
	}
	var plan activationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *activationModel
	if !req.State.Raw.IsNull() {
		state = &activationModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	var config activationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state == nil || !state.UserID.Equal(plan.UserID) {
		if !plan.UserID.IsUnknown() { // a user created in this apply: the backend checks at apply time
			if config.Email.IsNull() { // else the email may arrive with the user's update in this apply
				checkUserHasEmail(ctx, r.data, plan.UserID.ValueString(), path.Root("user_id"),
					"a Webex activation", &resp.Diagnostics)
			}
			if !resp.Diagnostics.HasError() {
				r.precheck(ctx, &plan, config.Email, &resp.Diagnostics)
			}
		}
		return
	}
	emailChanges := !config.Email.IsNull() && !plan.Email.Equal(state.Email)
	if emailChanges && !plan.Email.IsUnknown() {
		r.precheck(ctx, &plan, config.Email, &resp.Diagnostics)
	}
	warnInvitationWhenProvisioned(&plan, state, &resp.Diagnostics)
	recreated := r.data.isWebexRecreated(plan.UserID.ValueString())
	switch {
	case emailChanges || recreated || state.needsRetry() || (plan.WaitFor.ValueString() == waitForProvisioned && state.inProgress()):
		plan.Status = types.StringUnknown()
		if config.Email.IsNull() {
			plan.Email = types.StringUnknown()
		}
		plan.ErrorCode = types.StringUnknown()
		plan.ErrorText = types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	case plan.Package.Equal(state.Package):
		// Nothing planned changes the status (email_subject, email_body and send_activation_email
		// are creation-only, invitation_version and wait_for only resend or wait): the status and
		// what comes with it stay as refreshed, rather than unknown (the framework's default for
		// a computed attribute of a resource that changes). Update keeps them.
		plan.Status, plan.ErrorCode, plan.ErrorText = state.Status, state.ErrorCode, state.ErrorText
		if config.Email.IsNull() {
			plan.Email = state.Email
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
}

func (r *activationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan activationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, activationCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	userID := plan.UserID.ValueString()
	c := r.data.backend
	if !r.createFollowsUser(waitCtx, &plan, &resp.Diagnostics) {
		return
	}
	existing, err := r.existingActivation(waitCtx, userID)
	var queued *platform.Activation // what the POST tells, when the reads after it fail
	switch {
	case platform.IsNotFound(err):
		_, err = c.CreateActivation(waitCtx, userID, plan.toAPI(), platform.WriteOptions{})
		queued = &platform.Activation{Status: platform.ActivationQueued, Package: plan.Package.ValueString()}
		if platform.HasCode(err, "already_activated") {
			resp.Diagnostics.AddAttributeError(path.Root("user_id"), "User already activated",
				alreadyActivatedDetail(userID, "")+" "+apiDetail(err))
			return
		}
		if platform.HasCode(err, "email_required") {
			resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Email required for a Webex activation",
				fmt.Sprintf("User %s has no email, and a Webex activation needs one (rule email_required). Set email "+
					"on the ucprov_user first, then apply again. %s", userID, apiDetail(err)))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "queue the activation", err, map[string]string{"package": "package"})
			return
		}
		tflog.Info(ctx, "queued Webex activation", map[string]any{"user_id": userID, "package": plan.Package.ValueString()})
	case err != nil:
		addAPIError(&resp.Diagnostics, "read the user's activation", err, nil)
		return
	case existing.Status == platform.ActivationError:
		// The activation of a tainted ucprov_activation (or one that failed outside Terraform):
		// retry it rather than queue a second one.
		if !r.retry(waitCtx, &plan, existing, existing.ETag, nil, &resp.Diagnostics) {
			return
		}
	case activationInProgress(existing.Status) || adoptsActivation(waitCtx, c, userID):
		// An activation still on its way, queued outside Terraform: take it over and wait for it
		// rather than fail or queue a second one.
		tflog.Info(ctx, "taking over the Webex activation in progress", map[string]any{"user_id": userID, "status": existing.Status})
		if existing.Package != plan.Package.ValueString() && !r.updatePackage(waitCtx, &plan, existing.ETag, nil, &resp.Diagnostics) {
			return
		}
	default:
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "User already activated",
			alreadyActivatedDetail(userID, existing.Status))
		return
	}
	r.waitAndSave(ctx, waitCtx, &plan, timeout, &resp.State, resp.Private, &resp.Diagnostics, false, queued)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.data.saveUserEnterprise(ctx, plan.UserID.ValueString(), nil, resp.Private)...)
	}
}

// adoptsActivation: the platform made the user's activation by itself (platform.ActivationAdopter):
// take it over.
func adoptsActivation(ctx context.Context, b platform.Platform, userID string) bool {
	a, ok := b.(platform.ActivationAdopter)
	return ok && a.AdoptActivation(ctx, userID)
}

// existingActivation reads the user's activation before one is queued, to take over one in
// progress or retry one in error. A user this process created (in this apply) has none, so
// nothing is read: the answer is ErrNotFound. (One made out of band in the meantime makes the POST
// answer already_activated.)
func (r *activationResource) existingActivation(ctx context.Context, userID string) (*platform.Activation, error) {
	if r.data.backend.CreatedHere(userID) {
		return nil, platform.ErrNotFound
	}
	return r.data.backend.GetActivation(ctx, userID)
}

// activationInProgress reports whether an activation is still on its way to provisioned.
func activationInProgress(status string) bool {
	switch status {
	case platform.ActivationQueued, platform.ActivationPendingEmailInput, platform.ActivationPendingEmailValidation,
		platform.ActivationProvisioning:
		return true
	}
	return false
}

func (r *activationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state activationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, err := r.data.backend.ReadActivation(ctx, r.data.readScope(ctx, state.UserID.ValueString(), req.Private), state.UserID.ValueString())
	if platform.IsNotFound(err) {
		if !r.data.userObjectGone(ctx, "activation", state.UserID.ValueString(), req.Private, &resp.Diagnostics) {
			return
		}
		tflog.Warn(ctx, "activation no longer exists; removing it from state", map[string]any{"user_id": state.UserID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the activation", err, nil)
		return
	}
	state.fromAPI(state.UserID.ValueString(), a)
	state.setImportDefaults()
	resp.Diagnostics.Append(r.data.saveUserEnterprise(ctx, state.UserID.ValueString(), req.Private, resp.Private)...)
	resp.Diagnostics.Append(saveETag(ctx, resp.Private, a.ETag)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes the package in place, retries an activation in error and waits as wait_for
// says. Changes of the other attributes only reach the state.
func (r *activationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state activationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, activationCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	userID := plan.UserID.ValueString()
	a, err := r.data.backend.GetActivation(waitCtx, userID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the activation", err, nil)
		return
	}
	guard := r.staleGuard(&state, &resp.State, resp.Private)
	if !r.unchangedSinceRefresh(ctx, req.Private, guard, a, &resp.Diagnostics) {
		return
	}
	if !r.checkFollowsUser(&plan, a, &resp.Diagnostics) {
		return
	}
	if !plan.Status.IsUnknown() {
		// Planned with the status as refreshed (nothing planned changes it, see ModifyPlan): no
		// retry, no package change, no wait; the state keeps the planned status (a step the backend
		// took meanwhile shows at the next refresh, as a computed value, not as a change).
		if invitationIncreased(&plan, &state) && a.Status != platform.ActivationProvisioned {
			r.resendInvitation(waitCtx, userID, &resp.Diagnostics)
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	if a.Status == platform.ActivationError {
		if !r.retry(waitCtx, &plan, a, a.ETag, &guard, &resp.Diagnostics) {
			return
		}
	} else if a.Package != plan.Package.ValueString() {
		if !r.updatePackage(waitCtx, &plan, a.ETag, &guard, &resp.Diagnostics) {
			return
		}
	}
	if invitationIncreased(&plan, &state) && a.Status != platform.ActivationProvisioned {
		r.resendInvitation(waitCtx, userID, &resp.Diagnostics)
	}
	r.waitAndSave(ctx, waitCtx, &plan, timeout, &resp.State, resp.Private, &resp.Diagnostics, true, nil)
}

// activationComputed are the attributes the backend changes by itself (the worker moves the
// status on; email follows the user's): their change is not a conflict.
var activationComputed = []string{"status", "email", "error_code", "error_text"}

// staleGuard is the 412 handling of the activation's writes; prior is the refreshed state.
func (r *activationResource) staleGuard(prior *activationModel, st stateSetter, priv privateSetter) staleGuard[activationModel] {
	userID := prior.UserID.ValueString()
	return staleGuard[activationModel]{
		what: "ucprov_activation " + userID, prior: prior, ignore: activationComputed, state: st, private: priv,
		read: func(ctx context.Context) (*activationModel, string, bool, error) {
			a, err := r.data.backend.GetActivation(ctx, userID)
			if platform.IsNotFound(err) {
				return nil, "", false, nil
			}
			if err != nil {
				return nil, "", false, err
			}
			cur := prior.current(userID, a)
			return &cur, a.ETag, true, nil
		},
	}
}

// current is m with the backend's values of a.
func (m activationModel) current(userID string, a *platform.Activation) activationModel {
	m.fromAPI(userID, a)
	return m
}

// unchangedSinceRefresh compares the activation just read (a) with the refreshed state when its
// etag is not the one saved at the refresh: a change of what Terraform manages (the package) made
// outside Terraform since is a conflict, reported like a 412 (the state gets the backend's values);
// the worker's status steps are not. It saves nothing and reports true when the write may go on.
func (r *activationResource) unchangedSinceRefresh(ctx context.Context, p privateGetter, g staleGuard[activationModel],
	a *platform.Activation, diags *diagnostics) bool {
	etag, d := loadETag(ctx, p)
	diags.Append(d...)
	if etag == "" || sameETag(etag, a.ETag) {
		return true
	}
	cur := g.prior.current(g.prior.UserID.ValueString(), a)
	changed := changedAttributes(g.prior, &cur, false, g.ignore...)
	if len(changed) == 0 {
		return true
	}
	g.save(ctx, &cur, a.ETag, diags)
	diags.AddError("Changed outside Terraform",
		fmt.Sprintf("%s was changed outside Terraform since the last refresh (%s), so nothing was written and "+
			"the newer change is kept. The state now holds the backend's values. Run terraform plan again to see "+
			"the difference, then apply.", g.what, describeChanged(changed)))
	return false
}

// Delete removes the user's Webex (the backend keeps the user's name, email, IM&P and call
// forwarding), except when the activation is in error: nothing was provisioned.
func (r *activationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state activationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID := state.UserID.ValueString()
	a, err := r.data.backend.GetActivation(ctx, userID)
	if platform.IsNotFound(err) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the activation before deactivating", err, nil)
		return
	}
	if a.Status == platform.ActivationError {
		tflog.Info(ctx, "activation is in error: nothing was provisioned, so there is no Webex to remove",
			map[string]any{"user_id": userID, "error_code": a.ErrorCode})
		return
	}
	guard := r.staleGuard(&state, &resp.State, resp.Private)
	guard.done = func(cur *activationModel) bool { return cur.Status.ValueString() == platform.ActivationError }
	// Gone by now (for instance IM&P disabled in the same destroy removed the Webex account): that
	// is what the delete wanted, not a conflict.
	guard.deleting = true
	if !r.unchangedSinceRefresh(ctx, req.Private, guard, a, &resp.Diagnostics) {
		return
	}
	resolved, err := guardedWrite(ctx, guard, a.ETag, &resp.Diagnostics,
		func(o platform.WriteOptions) error { return r.data.backend.DeleteActivation(ctx, userID, o) })
	if resolved {
		return
	}
	if err != nil && !platform.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "deactivate the user", err, nil)
		return
	}
	tflog.Info(ctx, "deactivated user", map[string]any{"user_id": userID})
}

func (r *activationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByUserID(ctx, req, resp)
}

// retry queues an activation in error again (with the user's current email), then puts the
// planned package on it when it differs. It reports whether it succeeded.
// etag is the activation's etag the retry is based on; guard (nil on create, where the activation
// was just read) resolves a 412.
func (r *activationResource) retry(ctx context.Context, plan *activationModel, prior *platform.Activation, etag string,
	guard *staleGuard[activationModel], diags *diagnostics) bool {
	userID := plan.UserID.ValueString()
	tflog.Info(ctx, "retrying the Webex activation in error", map[string]any{
		"user_id": userID, "error_code": prior.ErrorCode, "error_text": prior.ErrorText,
	})
	if !r.write(ctx, guard, etag, diags, "retry the activation", nil, func(o platform.WriteOptions) error {
		_, err := r.data.backend.RetryActivation(ctx, userID, "", o)
		return err
	}) {
		return false
	}
	if prior.Package != "" && prior.Package != plan.Package.ValueString() {
		return r.updatePackage(ctx, plan, "", nil, diags) // right after the retry: its etag is gone
	}
	return true
}

// write runs one activation write with If-Match etag, through guard when there is one, and reports
// whether it succeeded (errors are added to diags).
func (r *activationResource) write(ctx context.Context, guard *staleGuard[activationModel], etag string, diags *diagnostics,
	op string, attrs map[string]string, call func(platform.WriteOptions) error) bool {
	var err error
	if guard != nil {
		var resolved bool
		if resolved, err = guardedWrite(ctx, *guard, etag, diags, call); resolved {
			return false
		}
	} else {
		err = call(platform.WriteOptions{IfMatch: etag})
	}
	if err != nil {
		addAPIError(diags, op, err, attrs)
		return false
	}
	return true
}

func (r *activationResource) updatePackage(ctx context.Context, plan *activationModel, etag string,
	guard *staleGuard[activationModel], diags *diagnostics) bool {
	userID := plan.UserID.ValueString()
	if !r.write(ctx, guard, etag, diags, "change the activation's package", map[string]string{"package": "package"},
		func(o platform.WriteOptions) error {
			_, err := r.data.backend.UpdateActivationPackage(ctx, userID, plan.Package.ValueString(), o)
			return err
		}) {
		return false
	}
	tflog.Info(ctx, "changed the activation's package", map[string]any{"user_id": userID, "package": plan.Package.ValueString()})
	return true
}

// waitAndSave waits as wait_for says (waitCtx carries the create timeout) and adds an error when the
// activation ended in error or the wait timed out. The state is saved whenever the activation
// exists, except after a create whose wait timed out (keepOnTimeout false): a failed create would be
// tainted, and replacing it would deactivate the user; unsaved, the next apply's create takes the
// activation in progress over and waits again.
func (r *activationResource) waitAndSave(ctx, waitCtx context.Context, plan *activationModel, timeout time.Duration,
	st stateSetter, priv privateSetter, diags *diagnostics, keepOnTimeout bool, queued *platform.Activation) {
	userID := plan.UserID.ValueString()
	a, err := r.wait(waitCtx, userID, plan.WaitFor.ValueString())
	if a == nil && queued != nil && plan.WaitFor.ValueString() == waitForQueued {
		// The activation was queued (the POST answered) but reading it back failed: wait_for =
		// "queued" is met, so save it as queued; the next refresh reads the rest. An error here
		// would leave an activation on the backend that the state does not know.
		diags.AddWarning("Activation queued, not read back",
			fmt.Sprintf("The activation of user %s was queued, but reading it back failed: %s The state records it "+
				"as queued; the next refresh reads its status.", userID, apiDetail(err)))
		a, err = queued, nil
	}
	if a == nil {
		if err == nil {
			err = errors.New("no activation read")
		}
		addAPIError(diags, "read the activation", err, nil)
		return
	}
	plan.fromAPI(userID, a)
	timedOut := a.Status != platform.ActivationError && err != nil && waitCtx.Err() != nil
	if !timedOut || keepOnTimeout {
		diags.Append(st.Set(ctx, plan)...)
		diags.Append(saveETag(ctx, priv, a.ETag)...)
	}
	switch {
	case a.Status == platform.ActivationError:
		diags.AddError("Webex activation failed",
			fmt.Sprintf("The activation of user %s ended in status error: %s: %s. The activation is kept in state; "+
				"fix the cause (for email_conflict, give the user an email that no other Webex account uses) and "+
				"apply again: the provider retries it through the backend's retry endpoint.",
				userID, a.ErrorCode, a.ErrorText))
	case timedOut && errors.Is(waitCtx.Err(), context.Canceled):
		// Ctrl-C (Terraform stops the provider): return at once; the activation goes on.
		next := "the next plan shows an update that waits again"
		if !keepOnTimeout {
			next = "it is not saved in state, so the next apply takes the activation in progress over and waits " +
				"again (no second activation, no deactivation)"
		}
		diags.AddError("Interrupted while waiting for the Webex activation",
			fmt.Sprintf("The apply was interrupted while waiting for the activation of user %s (last status read: %s). "+
				"The activation continues on the backend; %s.", userID, a.Status, next))
	case timedOut && keepOnTimeout:
		diags.AddError("Timed out waiting for the Webex activation",
			fmt.Sprintf("User %s was not provisioned within %s (timeouts.create); the last status read was %s. "+
				"The activation continues on the backend; the next plan shows an update that waits again. Raise "+
				"timeouts.create if provisioning takes longer.", userID, timeout, a.Status))
	case timedOut:
		diags.AddError("Timed out waiting for the Webex activation",
			fmt.Sprintf("User %s was not provisioned within %s (timeouts.create); the last status read was %s. "+
				"The activation continues on the backend but is not saved in state, so the next plan shows it to "+
				"create again: that apply takes the activation in progress over and waits again (it neither queues "+
				"a second activation nor deactivates the user). Raise timeouts.create if provisioning takes longer.",
				userID, timeout, a.Status))
	case err != nil:
		addAPIError(diags, "read the activation while waiting", err, nil)
	}
}

// wait reads the activation once for wait_for = "queued"; for "provisioned" it waits with the
// client's wait loop (50 ms, growing by half up to 5 s) until provisioned, error, or ctx is done,
// logging every status change. It returns the last activation read (nil if none) and the error
// that ended the wait.
func (r *activationResource) wait(ctx context.Context, userID, waitFor string) (*platform.Activation, error) {
	var last string
	return r.data.backend.WaitActivation(ctx, userID, platform.ActivationWait{
		Poll: activationPollFirst, MaxPoll: activationPollMax,
		Until: func(*platform.Activation) bool { return waitFor != waitForProvisioned },
		OnRead: func(a *platform.Activation) {
			if a.Status != last {
				tflog.Info(ctx, "Webex activation status", map[string]any{"user_id": userID, "status": a.Status})
				last = a.Status
			}
		},
	})
}

func alreadyActivatedDetail(userID, status string) string {
	s := "User " + userID + " already has a Webex activation"
	if status != "" {
		s += " (status " + status + ")"
	}
	return s + ". To manage it with Terraform, import it: terraform import ucprov_activation.NAME " + userID +
		" (or an import block with id = \"" + userID + "\")."
}

func (m *activationModel) toAPI() platform.ActivationInput {
	return platform.ActivationInput{
		Package:             m.Package.ValueString(),
		SendActivationEmail: m.SendActivationEmail.ValueBool(),
		EmailSubject:        m.EmailSubject.ValueString(),
		EmailBody:           m.EmailBody.ValueString(),
	}
}

// fromAPI copies the live activation into the model; empty strings become null.
func (m *activationModel) fromAPI(userID string, a *platform.Activation) {
	m.ID = types.StringValue(userID)
	m.UserID = types.StringValue(userID)
	if a.Package != "" {
		m.Package = types.StringValue(a.Package)
	}
	m.Status = types.StringValue(a.Status)
	m.Email = optionalString(a.Email)
	m.ErrorCode = optionalString(a.ErrorCode)
	m.ErrorText = optionalString(a.ErrorText)
}

// setImportDefaults gives the attributes the API does not return their defaults (after import).
func (m *activationModel) setImportDefaults() {
	if m.Package.IsNull() {
		m.Package = types.StringValue(activationDefaultPackage)
	}
	if m.SendActivationEmail.IsNull() {
		m.SendActivationEmail = types.BoolValue(false)
	}
	if m.WaitFor.IsNull() {
		m.WaitFor = types.StringValue(waitForQueued)
	}
}

// needsRetry: the activation failed and an apply should retry it.
func (m *activationModel) needsRetry() bool {
	return m.Status.ValueString() == platform.ActivationError
}

// inProgress: the activation moves on by itself towards provisioned.
func (m *activationModel) inProgress() bool {
	switch m.Status.ValueString() {
	case platform.ActivationQueued, platform.ActivationPendingEmailValidation, platform.ActivationProvisioning:
		return true
	}
	return false
}
