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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

const (
	directorySyncCreateTimeout = 10 * time.Minute
	directorySyncPoll          = 100 * time.Millisecond
	jobKindDirectorySync       = "directory_sync"
)

var (
	_ resource.ResourceWithConfigure   = &directorySyncResource{}
	_ resource.ResourceWithImportState = &directorySyncResource{}
	_ resource.ResourceWithModifyPlan  = &directorySyncResource{}
)

// NewDirectorySyncResource is the constructor the provider registers.
func NewDirectorySyncResource() resource.Resource { return &directorySyncResource{} }

type directorySyncResource struct{ data *providerData }

// directorySyncModel maps the ucprov_directory_sync resource.
type directorySyncModel struct {
	ID           types.String      `tfsdk:"id"`
	EnterpriseID types.String      `tfsdk:"enterprise_id"`
	Triggers     types.Map         `tfsdk:"triggers"`
	Status       types.String      `tfsdk:"status"`
	JobID        types.String      `tfsdk:"job_id"`
	CompletedAt  timetypes.RFC3339 `tfsdk:"completed_at"`
	Timeouts     timeouts.Value    `tfsdk:"timeouts"`
}

func (r *directorySyncResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_directory_sync"
}

func (r *directorySyncResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A directory sync of an enterprise (the portal's \"Sync Directory\"): creating the " +
			"resource runs a sync and waits until it ends, within `timeouts.create`. A change of `triggers` runs a " +
			"new sync. The backend needs at least one user whose Webex activation is `provisioned`, and allows a " +
			"new sync only 24 hours after the last completed one; both cases fail the apply with an error that says " +
			"when the sync can run, and nothing is saved, so the next apply tries again.\n\n" +
			"A sync cannot be undone: destroying this resource only removes it from the state.",
		Attributes: map[string]schema.Attribute{
			"completed_at": schema.StringAttribute{
				CustomType:          timetypes.RFC3339Type{},
				MarkdownDescription: "When the sync ended (RFC 3339). The next sync is allowed 24 hours later.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"enterprise_id": schema.StringAttribute{
				MarkdownDescription: "Enterprise (`ent_…`) to sync. Defaults to the provider's `enterprise_id`. " +
					"Changing it runs a sync of the new enterprise.",
				Optional: true,
				Computed: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace(),
				},
				Validators: []validator.String{idValidator("ent_", "an enterprise")},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Same as `job_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"job_id": schema.StringAttribute{
				MarkdownDescription: "The backend job (`job_…`) of the sync.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Status of the sync job: `succeeded` once applied.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values; any change runs a new sync, e.g. " +
					"`{ users = join(\",\", sort(keys(ucprov_activation.all))) }`.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true,
				CreateDescription: "How long the apply may wait for the sync to end (`10m` by default). A string " +
					"such as `30s` or `1h`.",
			}),
		},
	}
}

func (r *directorySyncResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// ModifyPlan fills in the provider's default enterprise; a different default replaces the sync.
func (r *directorySyncResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.data.checkPlatformFeatures(ctx, "ucprov_directory_sync", req.Config, req.Plan, &resp.Diagnostics) {
		return
	}
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy, or provider not configured yet (validate)
	}
	var plan, config directorySyncModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !config.EnterpriseID.IsNull() {
		return
	}
	if !defaultEnterprise(r.data, config.EnterpriseID, &plan.EnterpriseID, &resp.Diagnostics) {
		return
	}
	if !req.State.Raw.IsNull() {
		var state directorySyncModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		replaceOnEnterpriseChange(&state.EnterpriseID, plan.EnterpriseID, resp)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// Create runs a sync and waits for its end. On any failure nothing is saved: the next plan shows
// the sync again.
func (r *directorySyncResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan directorySyncModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, directorySyncCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	ent := plan.EnterpriseID.ValueString()
	ref, err := r.data.backend.StartDirectorySync(waitCtx, ent)
	if platform.HasCode(err, "sync_on_hold") {
		resp.Diagnostics.AddError("Directory sync on hold", syncOnHoldDetail(ent, err))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "start the directory sync", err, nil)
		return
	}
	tflog.Info(ctx, "started directory sync", map[string]any{"enterprise_id": ent, "job_id": ref.JobID})
	job, err := r.data.backend.WaitJob(waitCtx, ref.JobID, directorySyncPoll, nil)
	if err != nil && waitCtx.Err() != nil {
		resp.Diagnostics.AddError("Timed out waiting for the directory sync",
			fmt.Sprintf("The directory sync of enterprise %s (job %s) did not end within %s (timeouts.create). It "+
				"continues on the backend; it is not saved in state, so the next apply runs a sync again (or fails "+
				"with the 24 h hold once this one has completed). Raise timeouts.create if syncs take longer.",
				ent, ref.JobID, timeout))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the directory sync job "+ref.JobID, err, nil)
		return
	}
	if job.Status == platform.JobFailed {
		resp.Diagnostics.AddError("Directory sync failed", syncFailedDetail(ent, job))
		return
	}
	tflog.Info(ctx, "directory sync ended", map[string]any{"enterprise_id": ent, "job_id": job.ID, "status": job.Status})
	plan.fromAPI(ent, job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *directorySyncResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state directorySyncModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	job, err := r.data.backend.GetJob(ctx, state.ID.ValueString())
	if platform.IsNotFound(err) {
		tflog.Warn(ctx, "directory sync job no longer exists; removing it from state", map[string]any{"job_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the directory sync job", err, nil)
		return
	}
	if job.Kind != "" && job.Kind != jobKindDirectorySync {
		resp.Diagnostics.AddError("Not a directory sync",
			fmt.Sprintf("Job %s is a %s job, not a directory sync.", job.ID, job.Kind))
		return
	}
	state.fromAPI(state.EnterpriseID.ValueString(), job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only happens for a change of timeouts (every other argument replaces the sync).
func (r *directorySyncResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state directorySyncModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete forgets the sync: a sync cannot be undone.
func (r *directorySyncResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var id types.String
	_ = req.State.GetAttribute(ctx, path.Root("id"), &id)
	tflog.Info(ctx, "a directory sync cannot be undone; removing it from state only", map[string]any{"job_id": id.ValueString()})
}

// ImportState takes "JOB_ID" (enterprise: the provider's default) or "ENTERPRISE_ID/JOB_ID".
func (r *directorySyncResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
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
}

func (m *directorySyncModel) fromAPI(ent string, job *platform.Job) {
	m.ID = types.StringValue(job.ID)
	m.JobID = types.StringValue(job.ID)
	m.EnterpriseID = types.StringValue(ent)
	m.Status = types.StringValue(job.Status)
	m.CompletedAt = timetypes.NewRFC3339Null()
	if job.Terminal() && !job.UpdatedAt.IsZero() {
		m.CompletedAt = timetypes.NewRFC3339TimeValue(job.UpdatedAt.UTC())
	}
}

func syncOnHoldDetail(ent string, err error) string {
	until := "the end of the 24 h hold"
	if apiErr, ok := platform.AsError(err); ok && !apiErr.NextAllowedAt.IsZero() {
		until = apiErr.NextAllowedAt.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("The directory sync of enterprise %s is on hold until %s (rule sync_on_hold): the backend "+
		"allows a new sync only 24 hours after the last completed one. Apply again after that time; the change "+
		"that asks for the sync stays planned. %s", ent, until, apiDetail(err))
}

func syncFailedDetail(ent string, job *platform.Job) string {
	if job.Error != nil && job.Error.Code == "no_activated_user" {
		return fmt.Sprintf("No user of enterprise %s is provisioned (job %s failed with no_activated_user); a "+
			"directory sync needs at least one. Activate at least one user (ucprov_activation with wait_for = "+
			"\"provisioned\") and apply again.", ent, job.ID)
	}
	reason := "no reason given"
	if job.Error != nil {
		reason = job.Error.Error()
	}
	return fmt.Sprintf("The directory sync of enterprise %s (job %s) failed: %s. Nothing is saved; apply again to "+
		"run it again.", ent, job.ID, reason)
}
