package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

var (
	_ resource.ResourceWithConfigure  = &generatedPasscodeResource{}
	_ resource.ResourceWithModifyPlan = &generatedPasscodeResource{}
)

// NewGeneratedPasscodeResource is the constructor the provider registers.
func NewGeneratedPasscodeResource() resource.Resource { return &generatedPasscodeResource{} }

type generatedPasscodeResource struct{ data *providerData }

// generatedPasscodeModel maps the ucprov_generated_passcode resource.
type generatedPasscodeModel struct {
	ID           types.String `tfsdk:"id"`
	EnterpriseID types.String `tfsdk:"enterprise_id"`
	Avoid        types.List   `tfsdk:"avoid"`
	Keepers      types.Map    `tfsdk:"keepers"`
	Result       types.String `tfsdk:"result"`
}

func (r *generatedPasscodeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_generated_passcode"
}

func (r *generatedPasscodeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A voicemail passcode that satisfies the enterprise's passcode policy (the portal's " +
			"\"Generate Password\"): like `random_password`, but always valid. It is drawn with `crypto/rand` and " +
			"checked with the same rules as the plan-time check of `ucprov_user.voicemail_passcode` (length, " +
			"repeated digits, ascending or descending runs), and it is none of `avoid`, nor one of them reversed.\n\n" +
			"It has no `user_id`, so `voicemail_passcode = ucprov_generated_passcode.x.result` creates no cycle. Put " +
			"the user's number and extension in `avoid` as values (variables or locals), not as references to the " +
			"user's resources, which would create one. The passcode stays in state (sensitive) until `keepers` or " +
			"`enterprise_id` change, or `avoid` changes so that the passcode breaks a rule with the new values; the " +
			"backend is only read (its passcode rules), never written.",
		Attributes: map[string]schema.Attribute{
			"avoid": schema.ListAttribute{
				MarkdownDescription: "Numbers and extensions the passcode must not equal, end a phone number with, or " +
					"be the reverse of, e.g. `[\"+17205551200\", \"1200\"]`. A change generates a new passcode only " +
					"when the current one breaks a rule with the new values; otherwise the passcode stays (so a user " +
					"who moves to another number keeps their voicemail passcode).",
				ElementType: types.StringType,
				Optional:    true,
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplaceIf(avoidBrokenByResult,
					"Generates a new passcode when the current one is one of the new values, ends one, or is one reversed.",
					"Generates a new passcode when the current one is one of the new values, ends one, or is one reversed.")},
			},
			"enterprise_id": schema.StringAttribute{
				MarkdownDescription: "Enterprise (`ent_…`) whose passcode policy applies. Defaults to the provider's " +
					"`enterprise_id`. A change generates a new passcode.",
				Optional: true,
				Computed: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace(),
				},
				Validators: []validator.String{idValidator("ent_", "an enterprise")},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "A constant `none` (the passcode has no backend object).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"keepers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values; any change generates a new passcode (as in `random_password`), " +
					"e.g. `{ rotated = \"2026-Q4\" }`.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"result": schema.StringAttribute{
				MarkdownDescription: "The generated passcode (digits only; sensitive).",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *generatedPasscodeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// ModifyPlan fills in the provider's default enterprise (a different default replaces the
// passcode) and checks at plan time that the token can see the enterprise.
func (r *generatedPasscodeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	if !r.data.checkPlatformFeatures(ctx, "ucprov_generated_passcode", req.Config, req.Plan, &resp.Diagnostics) {
		return
	}
	var plan, config generatedPasscodeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !defaultEnterprise(r.data, config.EnterpriseID, &plan.EnterpriseID, &resp.Diagnostics) {
		return
	}
	if !req.State.Raw.IsNull() {
		var state generatedPasscodeModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		replaceOnEnterpriseChange(&state.EnterpriseID, plan.EnterpriseID, resp)
	}
	if req.State.Raw.IsNull() && !plan.EnterpriseID.IsUnknown() && r.data.reachable(ctx) {
		checkEnterpriseVisible(ctx, r.data.backend, plan.EnterpriseID.ValueString(), path.Root("enterprise_id"), &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// Create reads the enterprise's passcode policy and draws a passcode that satisfies it.
func (r *generatedPasscodeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan generatedPasscodeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var avoid []string
	resp.Diagnostics.Append(plan.Avoid.ElementsAs(ctx, &avoid, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ent := plan.EnterpriseID.ValueString()
	pr, err := r.data.backend.GetPasscodeRules(ctx, ent)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the passcode rules of enterprise "+ent, err, nil)
		return
	}
	p, err := rules.GeneratePasscode(policyFromAPI(pr), avoid, nil)
	if err != nil {
		resp.Diagnostics.AddError("Cannot generate a passcode",
			"The passcode policy of enterprise "+ent+" and avoid leave no passcode to draw: "+err.Error())
		return
	}
	tflog.Info(ctx, "generated a voicemail passcode", map[string]any{"enterprise_id": ent, "length": len(p)})
	plan.ID = types.StringValue("none")
	plan.Result = types.StringValue(p)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read keeps the state: the passcode exists only there.
func (r *generatedPasscodeResource) Read(_ context.Context, _ resource.ReadRequest, _ *resource.ReadResponse) {
}

// avoidBrokenByResult: a change of avoid replaces the passcode only when the passcode in state is
// not allowed with the new values (the default policy: an enterprise's policy only tightens it, and
// the passcode satisfied the enterprise's when it was drawn).
func avoidBrokenByResult(ctx context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
	if req.PlanValue.IsUnknown() {
		resp.RequiresReplace = true
		return
	}
	var result types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("result"), &result)...)
	var avoid []string
	resp.Diagnostics.Append(req.PlanValue.ElementsAs(ctx, &avoid, false)...)
	if resp.Diagnostics.HasError() || !knownNonEmpty(result) {
		resp.RequiresReplace = true
		return
	}
	resp.RequiresReplace = !passcodeStillAvoids(result.ValueString(), avoid)
}

// passcodeStillAvoids tells whether passcode p may stay with the avoid list avoid.
func passcodeStillAvoids(p string, avoid []string) bool {
	return rules.PasscodeAvoids(p, rules.DefaultPasscodePolicy(), avoid)
}

// Update records a new avoid list that the passcode satisfies (every other argument replaces it).
func (r *generatedPasscodeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan generatedPasscodeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the passcode (the user keeps whatever was set from it).
func (r *generatedPasscodeResource) Delete(_ context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
}
