package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

const (
	generatedPasswordDefaultLength = 16
	generatedPasswordMaxLength     = 128
)

var _ resource.ResourceWithConfigure = &generatedPasswordResource{}

// NewGeneratedPasswordResource is the constructor the provider registers.
func NewGeneratedPasswordResource() resource.Resource { return &generatedPasswordResource{} }

type generatedPasswordResource struct{ data *providerData }

// generatedPasswordModel maps the ucprov_generated_password resource.
type generatedPasswordModel struct {
	ID      types.String `tfsdk:"id"`
	Avoid   types.List   `tfsdk:"avoid"`
	Keepers types.Map    `tfsdk:"keepers"`
	Length  types.Int64  `tfsdk:"length"`
	Result  types.String `tfsdk:"result"`
}

func (r *generatedPasswordResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_generated_password"
}

func (r *generatedPasswordResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A portal password that satisfies the password rules (the portal's \"Generate " +
			"Password\"): like `random_password`, but always valid. It is drawn with `crypto/rand` with an upper-case " +
			"letter, a lower-case letter, a digit and a symbol (one of `" + rules.PasswordSymbols + "`, none of which " +
			"needs quoting), checked with the same rules as `ucprov_user.portal_password`, and contains none of " +
			"`avoid`.\n\nIt has no `user_id`, so `portal_password = ucprov_generated_password.x.result` creates no " +
			"cycle: put the user's names and email local part in `avoid` as values (variables or locals). Nothing is " +
			"written to the backend; the password stays in state (sensitive) until `keepers`, `avoid` or `length` change.",
		Attributes: map[string]schema.Attribute{
			"avoid": schema.ListAttribute{
				MarkdownDescription: "Words the password must not contain, case-insensitively: the user's first name, " +
					"last name and email local part, for instance. Words shorter than 3 characters are ignored, as in " +
					"the backend's rule. A change generates a new password.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "A constant `none` (the password has no backend object).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"keepers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values; any change generates a new password (as in `random_password`).",
				ElementType:         types.StringType,
				Optional:            true,
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"length": schema.Int64Attribute{
				MarkdownDescription: "Number of characters, 8 to 128 (default 16); at least the enterprise's password minimum " +
					"(6 unless the enterprise raised it). A change generates a new password.",
				Optional:      true,
				Computed:      true,
				Default:       int64default.StaticInt64(generatedPasswordDefaultLength),
				Validators:    []validator.Int64{int64validator.Between(8, generatedPasswordMaxLength)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"result": schema.StringAttribute{
				MarkdownDescription: "The generated password (sensitive).",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *generatedPasswordResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// Create draws a password that passes the rules with the default policy (an enterprise can only
// raise the minimum length, which 8 or more characters already exceed in practice).
func (r *generatedPasswordResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan generatedPasswordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var avoid []string
	resp.Diagnostics.Append(plan.Avoid.ElementsAs(ctx, &avoid, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pw, err := rules.GeneratePassword(rules.DefaultPasscodePolicy(), int(plan.Length.ValueInt64()), avoid, nil)
	if err != nil {
		resp.Diagnostics.AddError("Cannot generate a password", err.Error())
		return
	}
	plan.ID = types.StringValue("none")
	plan.Result = types.StringValue(pw)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read keeps the state: the password exists only there.
func (r *generatedPasswordResource) Read(_ context.Context, _ resource.ReadRequest, _ *resource.ReadResponse) {
}

// Update never runs: every argument replaces the password.
func (r *generatedPasswordResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan generatedPasswordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the password.
func (r *generatedPasswordResource) Delete(_ context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
}
