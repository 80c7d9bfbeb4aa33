package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

const numberStateActive = "active"

var (
	_ resource.ResourceWithConfigure        = &userNumberResource{}
	_ resource.ResourceWithImportState      = &userNumberResource{}
	_ resource.ResourceWithModifyPlan       = &userNumberResource{}
	_ resource.ResourceWithConfigValidators = &userNumberResource{}
)

// NewUserNumberResource is the constructor the provider registers.
func NewUserNumberResource() resource.Resource { return &userNumberResource{} }

type userNumberResource struct{ data *providerData }

// userNumberModel maps the ucprov_user_number resource.
type userNumberModel struct {
	ID          types.String `tfsdk:"id"`
	UserID      types.String `tfsdk:"user_id"`
	PhoneNumber types.String `tfsdk:"phone_number"`
	Extension   types.String `tfsdk:"extension"`
	Activate    types.Bool   `tfsdk:"activate"`
	NumberState types.String `tfsdk:"number_state"`
}

func (r *userNumberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_number"
}

func (r *userNumberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The phone number and/or extension of a user. At plan time the provider checks that the " +
			"extension is free in the enterprise and that the number is in the inventory of the user's group and " +
			"not assigned to someone else, naming the other user, before anything is written. A new number is " +
			"activated in the same apply unless `activate = false`. Changing the number invalidates the user's " +
			"E911 address (the plan warns; `ucprov_e911_address` then plans a re-confirmation).\n\n" +
			"Across the resources of one plan: when two `ucprov_user_number` resources give the same extension or " +
			"number to different users, the plan reports it on the second (\"Extension 1234 is claimed by another " +
			"resource of this plan\"): an error when both users are known to be in one enterprise, a warning when " +
			"one of them is created in the same apply (its id and enterprise are unknown at plan time). What stays " +
			"apply-time: for a user created in the same apply, whether another user of its enterprise (outside " +
			"this configuration) holds the value is a warning at plan time and the platform's refusal " +
			"(`extension_in_use`, `number_in_use`) at apply time; likewise IM&P or a Webex activation for a new " +
			"user without an email fails at apply time (`email_required`)." + concurrencyDoc,
		Attributes: map[string]schema.Attribute{
			"activate": schema.BoolAttribute{
				MarkdownDescription: "Activate the phone number in the same apply (a newly assigned number is " +
					"`inactive` until activated). Defaults to `true`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"extension": schema.StringAttribute{
				MarkdownDescription: "Extension, 2 to 10 digits, unique in the enterprise.",
				Optional:            true,
				Validators:          []validator.String{extensionValidator()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Same as `user_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"number_state": schema.StringAttribute{
				MarkdownDescription: "`active` or `inactive` for a phone number; empty for an extension-only user.",
				Computed:            true,
			},
			"phone_number": schema.StringAttribute{
				MarkdownDescription: "Phone number in E.164 form, e.g. `+17205551200`, from the inventory of the user's group " +
					"(see the `ucprov_available_numbers` data source).",
				Optional:   true,
				Validators: []validator.String{e164Validator()},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The user (`usr_…`). Changing it replaces the assignment.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{idValidator("usr_", "a user")},
			},
		},
	}
}

func (r *userNumberResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("phone_number"), path.MatchRoot("extension")),
	}
}

func (r *userNumberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// ModifyPlan checks, with one API read each and only for values that change, that the extension
// and the number are free and the number is in the user's group inventory; it plans number_state
// and warns when the number changes.
func (r *userNumberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan userNumberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *userNumberModel
	if !req.State.Raw.IsNull() {
		state = &userNumberModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	numberChanged := state == nil || !plan.PhoneNumber.Equal(state.PhoneNumber)
	extChanged := state == nil || !plan.Extension.Equal(state.Extension)
	switch {
	case plan.PhoneNumber.IsNull():
		plan.NumberState = types.StringValue("")
	case numberChanged || plan.PhoneNumber.IsUnknown() || plan.Activate.IsUnknown():
		plan.NumberState = types.StringUnknown()
	case plan.Activate.ValueBool() && state.NumberState.ValueString() != numberStateActive:
		plan.NumberState = types.StringValue(numberStateActive) // activate the number left inactive
	default:
		plan.NumberState = state.NumberState
	}
	if state != nil && numberChanged && !state.PhoneNumber.IsNull() && !plan.PhoneNumber.IsUnknown() {
		resp.Diagnostics.AddAttributeWarning(path.Root("phone_number"), "Review the E911 address",
			fmt.Sprintf("The phone number of user %s changes from %s to %s. The backend marks the user's E911 "+
				"address as needing review; a ucprov_e911_address for this user will plan a re-confirmation on the "+
				"next plan. Make sure the address is still right for the new number.",
				plan.UserID.ValueString(), state.PhoneNumber.ValueString(), plan.PhoneNumber.ValueString()))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)

	// The first call of a replacement (a new user_id) is planned again with no prior state: the
	// claims of this plan are made on that second call only.
	claims := state == nil || plan.UserID.Equal(state.UserID)
	if plan.UserID.IsUnknown() {
		if claims {
			r.data.claimValues(&plan, r.data.claims.newOwner(), "", &resp.Diagnostics)
		}
		// A user created in this apply: the backend checks at apply time; warn now when the
		// extension or number is someone else's.
		if (numberChanged || extChanged) && r.data.reachable(ctx) {
			r.warnHeldForNewUser(ctx, &plan, &resp.Diagnostics)
		}
		return
	}
	userID := plan.UserID.ValueString()
	changes := (numberChanged && knownNonEmpty(plan.PhoneNumber)) || (extChanged && knownNonEmpty(plan.Extension))
	if claims && (!changes || (state == nil && r.data.backend.CreatedHere(userID))) {
		// Nothing to check against the platform: the enterprise is the one recorded (or unknown).
		r.data.claimValues(&plan, userID, r.data.loadUserEnterprise(ctx, userID, req.Private), &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if state == nil && r.data.backend.CreatedHere(userID) {
		// Planned again during the apply that created the user: the plan warned about holders
		// (user id unknown then), and the backend enforces the rules on the PUT. Reading the user
		// and the holders again here would cost requests per user and tell nothing new.
		return
	}
	if (numberChanged && knownNonEmpty(plan.PhoneNumber)) || (extChanged && knownNonEmpty(plan.Extension)) {
		u, err := r.data.backend.ReadUser(ctx, r.data.enterpriseID, userID)
		if platform.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("user_id"), "User not found",
				"User "+userID+" does not exist (or is not visible with this token).")
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "read the user to check its number", err, nil)
			return
		}
		if claims {
			if r.data.claimValues(&plan, userID, u.EnterpriseID, &resp.Diagnostics); resp.Diagnostics.HasError() {
				return
			}
		}
		if numberChanged && knownNonEmpty(plan.PhoneNumber) {
			r.checkNumberFree(ctx, u, plan.PhoneNumber.ValueString(), &resp.Diagnostics)
		}
		if extChanged && knownNonEmpty(plan.Extension) {
			r.checkExtensionFree(ctx, u, plan.Extension.ValueString(), &resp.Diagnostics)
		}
	}
}

// checkNumberFree: the number is in the inventory of the user's group and not someone else's.
func (r *userNumberResource) checkNumberFree(ctx context.Context, u *platform.User, number string, diags *diag.Diagnostics) {
	n, err := r.data.backend.InventoryNumber(ctx, u.EnterpriseID, number)
	if err != nil {
		addAPIError(diags, "check the number inventory", err, nil)
		return
	}
	if n == nil || n.GroupID != u.GroupID {
		diags.AddAttributeError(path.Root("phone_number"), "Number not in the group's inventory",
			fmt.Sprintf("%s is not in the number inventory of group %s (enterprise %s), the group of user %s "+
				"(rule number_not_in_inventory). Pick a number from data.ucprov_available_numbers.",
				number, u.GroupID, u.EnterpriseID, u.ID))
		return
	}
	if holder := n.UserID; holder != "" && holder != u.ID {
		diags.AddAttributeError(path.Root("phone_number"), "Number already assigned",
			fmt.Sprintf("%s is assigned to user %s (rule number_in_use). %s",
				number, r.describeUser(ctx, holder), swapAdvice("phone_number")))
	}
}

// checkExtensionFree: no other user of the enterprise has the extension. When this plan has read
// the whole enterprise in bulk (many resources refreshed), the answer comes from those pages and
// costs no request; otherwise it is one request.
func (r *userNumberResource) checkExtensionFree(ctx context.Context, u *platform.User, ext string, diags *diag.Diagnostics) {
	holders, err := r.data.backend.ExtensionHolders(ctx, u.EnterpriseID, ext)
	if err != nil {
		addAPIError(diags, "check that the extension is free", err, nil)
		return
	}
	for i := range holders {
		if holders[i].ID != u.ID {
			diags.AddAttributeError(path.Root("extension"), "Extension already in use",
				fmt.Sprintf("Extension %s is used by user %s in enterprise %s (rule extension_in_use). %s",
					ext, userLabel(&holders[i]), u.EnterpriseID, swapAdvice("extension")))
			return
		}
	}
}

func swapAdvice(attr string) string {
	return "If this configuration swaps the " + attr + " of two users, Terraform cannot apply both changes at " +
		"once and the provider refuses rather than half-apply. Do it in three applies: move user A to a free " +
		"temporary value; give user B A's old value; give A B's old value."
}

func (r *userNumberResource) describeUser(ctx context.Context, id string) string {
	u, err := r.data.backend.ReadUser(ctx, "", id)
	if err != nil {
		return id
	}
	return userLabel(u)
}

func userLabel(u *platform.User) string {
	return fmt.Sprintf("%s (%s %s)", u.ID, u.FirstName, u.LastName)
}

func knownNonEmpty(v types.String) bool {
	return !v.IsNull() && !v.IsUnknown() && v.ValueString() != ""
}

func (r *userNumberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userNumberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, &plan, nil, "", &resp.State, resp.Private, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.data.saveUserEnterprise(ctx, plan.UserID.ValueString(), nil, resp.Private)...)
	}
}

func (r *userNumberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userNumberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	n, err := r.data.backend.ReadNumber(ctx, r.data.readScope(ctx, state.UserID.ValueString(), req.Private), state.UserID.ValueString())
	if platform.IsNotFound(err) {
		if !r.data.userObjectGone(ctx, "number assignment", state.UserID.ValueString(), req.Private, &resp.Diagnostics) {
			return
		}
		tflog.Warn(ctx, "number assignment no longer exists; removing it from state", map[string]any{"user_id": state.UserID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the user's number", err, nil)
		return
	}
	state.fromAPI(state.UserID.ValueString(), n)
	if state.Activate.IsNull() { // after import
		state.Activate = types.BoolValue(true)
	}
	resp.Diagnostics.Append(r.data.saveUserEnterprise(ctx, state.UserID.ValueString(), req.Private, resp.Private)...)
	resp.Diagnostics.Append(saveETag(ctx, resp.Private, n.ETag)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *userNumberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan userNumberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state userNumberModel
	etag, ok := priorAndETag(ctx, req.State, req.Private, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	g := r.staleGuard(&state, &resp.State, resp.Private)
	g.done = func(cur *userNumberModel) bool {
		return len(changedAttributes(&plan, cur, true)) == 0 &&
			(!plan.Activate.ValueBool() || plan.PhoneNumber.IsNull() || cur.NumberState.ValueString() == numberStateActive)
	}
	r.apply(ctx, &plan, &g, etag, &resp.State, resp.Private, &resp.Diagnostics)
}

// apply assigns the number and extension and, when asked, activates the number in the same
// request (PUT with activate: one write, so there is no state between the two steps to recover
// from). Unconditional on create (g nil), else with If-Match etag through g.
func (r *userNumberResource) apply(ctx context.Context, plan *userNumberModel, g *staleGuard[userNumberModel], etag string,
	st stateSetter, priv privateSetter, diags *diag.Diagnostics) {
	userID := plan.UserID.ValueString()
	in := platform.NumberInput{
		PhoneNumber: plan.PhoneNumber.ValueString(),
		Extension:   plan.Extension.ValueString(),
		Activate:    plan.Activate.ValueBool() && plan.PhoneNumber.ValueString() != "",
	}
	var n *platform.Number
	resolved, err := writeGuarded(ctx, g, etag, diags, func(o platform.WriteOptions) error {
		var err error
		n, err = r.data.backend.PutNumber(ctx, userID, in, o)
		return err
	})
	if resolved {
		return
	}
	if err != nil {
		addAPIError(diags, "assign the number", err, map[string]string{"phoneNumber": "phone_number", "extension": "extension"})
		return
	}
	planned := *plan
	plan.fromAPI(userID, n)
	checkWritten("ucprov_user_number "+userID, &planned, plan, diags)
	diags.Append(st.Set(ctx, plan)...)
	diags.Append(saveETag(ctx, priv, n.ETag)...)
}

// staleGuard is the 412 handling of the assignment's writes; prior is the refreshed state. The
// number's state (activated outside Terraform) is not a conflict.
func (r *userNumberResource) staleGuard(prior *userNumberModel, st stateSetter, priv privateSetter) staleGuard[userNumberModel] {
	userID := prior.UserID.ValueString()
	return staleGuard[userNumberModel]{
		what: "ucprov_user_number " + userID, prior: prior, ignore: []string{"number_state"}, state: st, private: priv,
		read: func(ctx context.Context) (*userNumberModel, string, bool, error) {
			n, err := r.data.backend.GetNumber(ctx, userID)
			if platform.IsNotFound(err) {
				return nil, "", false, nil
			}
			if err != nil {
				return nil, "", false, err
			}
			cur := *prior
			cur.fromAPI(userID, n)
			return &cur, n.ETag, true, nil
		},
	}
}

func (r *userNumberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userNumberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	etag, d := loadETag(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	g := r.staleGuard(&state, &resp.State, resp.Private)
	g.deleting = true
	resolved, err := guardedWrite(ctx, g, etag, &resp.Diagnostics, func(o platform.WriteOptions) error {
		return r.data.backend.DeleteNumber(ctx, state.UserID.ValueString(), o)
	})
	if !resolved && err != nil && !platform.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "unassign the number", err, nil)
	}
}

func (r *userNumberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByUserID(ctx, req, resp)
}

func (m *userNumberModel) fromAPI(userID string, n *platform.Number) {
	m.ID = types.StringValue(userID)
	m.UserID = types.StringValue(userID)
	m.PhoneNumber = optionalString(n.PhoneNumber)
	m.Extension = optionalString(n.Extension)
	m.NumberState = types.StringValue(n.NumberState)
}
