package provider

import (
	"context"
	"fmt"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

const (
	invitationsCreateTimeout = 10 * time.Minute
	invitationsPoll          = 100 * time.Millisecond
	jobKindInvitations       = "invitations"
)

var (
	_ resource.ResourceWithConfigure   = &invitationsResource{}
	_ resource.ResourceWithImportState = &invitationsResource{}
	_ resource.ResourceWithModifyPlan  = &invitationsResource{}
)

// NewInvitationsResource is the constructor the provider registers.
func NewInvitationsResource() resource.Resource { return &invitationsResource{} }

type invitationsResource struct{ data *providerData }

// invitationsModel maps the ucprov_invitations resource.
type invitationsModel struct {
	ID           types.String      `tfsdk:"id"`
	EnterpriseID types.String      `tfsdk:"enterprise_id"`
	GroupID      types.String      `tfsdk:"group_id"`
	Triggers     types.Map         `tfsdk:"triggers"`
	JobID        types.String      `tfsdk:"job_id"`
	Sent         types.Int64       `tfsdk:"sent"`
	Skipped      types.Int64       `tfsdk:"skipped"`
	Failed       types.Int64       `tfsdk:"failed"`
	CompletedAt  timetypes.RFC3339 `tfsdk:"completed_at"`
	Timeouts     timeouts.Value    `tfsdk:"timeouts"`
}

func (r *invitationsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_invitations"
}

func (r *invitationsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	counter := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{MarkdownDescription: desc, Computed: true,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Sends the activation email to every user who is not active yet (User Hub's \"send " +
			"invitations\"): on create, and whenever `triggers` change, one backend job emails every user of " +
			"`group_id` (else of the whole enterprise) whose Webex activation is `pending_email_input`, " +
			"`pending_email_validation` or `error`. The apply waits for the job and reports `sent`, `skipped` " +
			"(users of the scope not waiting for an invitation) and `failed` (waiting, but without an email).\n\n" +
			"The backend runs one such job per enterprise at a time; while another runs the apply fails, saying " +
			"which job and to apply again once it has finished, and nothing is saved. An apply that does not change " +
			"`triggers` sends nothing. Destroying the resource changes nothing on the backend.",
		Attributes: map[string]schema.Attribute{
			"completed_at": schema.StringAttribute{
				CustomType:          timetypes.RFC3339Type{},
				MarkdownDescription: "When the job ended (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"enterprise_id": schema.StringAttribute{
				MarkdownDescription: "Enterprise (`ent_…`). Defaults to the provider's `enterprise_id`; checked at plan " +
					"time. A change sends the invitations of the new enterprise.",
				Optional: true,
				Computed: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace(),
				},
				Validators: []validator.String{idValidator("ent_", "an enterprise")},
			},
			"failed": counter("Users waiting for an invitation who could not get one (no email)."),
			"group_id": schema.StringAttribute{
				MarkdownDescription: "Group (`grp_…`) whose users are invited; unset = the whole enterprise. Checked at " +
					"plan time. A change sends the invitations of the new scope.",
				Optional:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{idValidator("grp_", "a group")},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Same as `job_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"job_id": schema.StringAttribute{
				MarkdownDescription: "The backend job (`job_…`) that sent the invitations.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"sent":    counter("Users emailed."),
			"skipped": counter("Users of the scope not waiting for an invitation (provisioned, on their way, or never activated)."),
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values; any change sends the invitations again, e.g. " +
					"`{ round = \"2\" }` or `{ users = join(\",\", sort(keys(ucprov_activation.all))) }`.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true,
				CreateDescription: "How long the apply may wait for the job to end (`10m` by default). A string " +
					"such as `30s` or `1h`.",
			}),
		},
	}
}

func (r *invitationsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// ModifyPlan fills in the provider's default enterprise (a different default sends again) and,
// when the job is going to run, checks the enterprise and the group at plan time.
func (r *invitationsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.data.checkPlatformFeatures(ctx, "ucprov_invitations", req.Config, req.Plan, &resp.Diagnostics) {
		return
	}
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan, config invitationsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !defaultEnterprise(r.data, config.EnterpriseID, &plan.EnterpriseID, &resp.Diagnostics) {
		return
	}
	runs := req.State.Raw.IsNull()
	if !runs {
		var state invitationsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !state.EnterpriseID.Equal(plan.EnterpriseID) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("enterprise_id"))
		}
		runs = !state.EnterpriseID.Equal(plan.EnterpriseID) || !state.GroupID.Equal(plan.GroupID)
	}
	if runs && !plan.EnterpriseID.IsUnknown() && r.data.reachable(ctx) {
		ent := plan.EnterpriseID.ValueString()
		if checkEnterpriseVisible(ctx, r.data.backend, ent, path.Root("enterprise_id"), &resp.Diagnostics) &&
			!plan.GroupID.IsNull() && !plan.GroupID.IsUnknown() {
			checkGroupOfEnterprise(ctx, r.data.backend, ent, plan.GroupID.ValueString(), path.Root("group_id"), &resp.Diagnostics)
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// Create runs the invitations job and waits for its end. On any failure nothing is saved: the
// next plan shows the invitations again.
func (r *invitationsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan invitationsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, invitationsCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	ent, grp := plan.EnterpriseID.ValueString(), plan.GroupID.ValueString()
	ref, err := r.data.backend.StartInvitations(waitCtx, ent, grp)
	if platform.HasCode(err, "job_in_progress") {
		resp.Diagnostics.AddError("Invitations already being sent", invitationsBusyDetail(ent, err))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "send the invitations", err, map[string]string{"groupId": "group_id"})
		return
	}
	tflog.Info(ctx, "started invitations job", map[string]any{"enterprise_id": ent, "group_id": grp, "job_id": ref.JobID})
	job, err := r.data.backend.WaitJob(waitCtx, ref.JobID, invitationsPoll, nil)
	if err != nil && waitCtx.Err() != nil {
		resp.Diagnostics.AddError("Timed out waiting for the invitations",
			fmt.Sprintf("The invitations job %s of enterprise %s did not end within %s (timeouts.create). It continues "+
				"on the backend; it is not saved in state, so the next apply sends the invitations again (once this "+
				"job has finished). Raise timeouts.create if the job takes longer.", ref.JobID, ent, timeout))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the invitations job "+ref.JobID, err, nil)
		return
	}
	if job.Status == platform.JobFailed {
		reason := "no reason given"
		if job.Error != nil {
			reason = job.Error.Error()
		}
		resp.Diagnostics.AddError("Invitations failed",
			fmt.Sprintf("The invitations job %s of enterprise %s failed: %s. Nothing is saved; apply again to send "+
				"them again.", job.ID, ent, reason))
		return
	}
	plan.fromAPI(ent, job)
	tflog.Info(ctx, "invitations sent", map[string]any{"job_id": job.ID, "sent": plan.Sent.ValueInt64(),
		"skipped": plan.Skipped.ValueInt64(), "failed": plan.Failed.ValueInt64()})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *invitationsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state invitationsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	job, err := r.data.backend.GetJob(ctx, state.ID.ValueString())
	if platform.IsNotFound(err) {
		tflog.Warn(ctx, "invitations job no longer exists; removing it from state", map[string]any{"job_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the invitations job", err, nil)
		return
	}
	if job.Kind != jobKindInvitations {
		resp.Diagnostics.AddError("Not an invitations job",
			fmt.Sprintf("Job %s is a %s job, not an invitations job.", job.ID, job.Kind))
		return
	}
	state.fromAPI(state.EnterpriseID.ValueString(), job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only happens for a change of timeouts (every other argument sends again).
func (r *invitationsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state invitationsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete forgets the job: emails cannot be unsent.
func (r *invitationsResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var id types.String
	_ = req.State.GetAttribute(ctx, path.Root("id"), &id)
	tflog.Info(ctx, "invitations cannot be unsent; removing them from state only", map[string]any{"job_id": id.ValueString()})
}

// ImportState takes "JOB_ID" (enterprise: the provider's default) or "ENTERPRISE_ID/JOB_ID"; the
// group comes from the job.
func (r *invitationsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ent, jobID, found := strings.Cut(req.ID, "/")
	if !found {
		ent, jobID = "", req.ID
		if r.data != nil {
			ent = r.data.enterpriseID
		}
	}
	if jobID == "" || ent == "" || strings.Contains(jobID, "/") {
		resp.Diagnostics.AddError("Invalid import id",
			"Expected JOB_ID (with a default enterprise_id in the provider block) or ENTERPRISE_ID/JOB_ID, e.g. "+
				"ent_acme/job_0123456789abcdef; got "+fmt.Sprintf("%q", req.ID)+".")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), jobID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("enterprise_id"), ent)...)
	if r.data == nil {
		return
	}
	job, err := r.data.backend.GetJob(ctx, jobID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the invitations job "+jobID, err, nil)
		return
	}
	if job.Result != nil && job.Result.GroupID != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), job.Result.GroupID)...)
	}
}

// fromAPI is the one mapping of an invitations job to the model.
func (m *invitationsModel) fromAPI(ent string, job *platform.Job) {
	m.ID = types.StringValue(job.ID)
	m.JobID = types.StringValue(job.ID)
	m.EnterpriseID = types.StringValue(ent)
	m.Sent, m.Skipped, m.Failed = types.Int64Value(0), types.Int64Value(0), types.Int64Value(0)
	if res := job.Result; res != nil {
		m.Sent, m.Skipped, m.Failed = types.Int64Value(int64(res.Sent)), types.Int64Value(int64(res.Skipped)),
			types.Int64Value(int64(res.Failed))
		if res.GroupID != "" {
			m.GroupID = types.StringValue(res.GroupID)
		}
	}
	m.CompletedAt = timetypes.NewRFC3339Null()
	if job.Terminal() && !job.UpdatedAt.IsZero() {
		m.CompletedAt = timetypes.NewRFC3339TimeValue(job.UpdatedAt.UTC())
	}
}

func invitationsBusyDetail(ent string, err error) string {
	which := "another invitations job"
	if apiErr, ok := platform.AsError(err); ok && apiErr.JobID != "" {
		which = "invitations job " + apiErr.JobID
	}
	return fmt.Sprintf("Enterprise %s is already sending invitations (%s; rule job_in_progress): the backend runs one "+
		"such job per enterprise at a time. Apply again once it has finished (usually within a minute); nothing "+
		"is saved, so the invitations stay planned. %s", ent, which, apiDetail(err))
}
