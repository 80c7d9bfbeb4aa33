package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// activationStatuses are every status of an activation, in the order of the portal.
var activationStatuses = []string{
	platform.ActivationQueued, platform.ActivationPendingEmailInput, platform.ActivationPendingEmailValidation,
	platform.ActivationProvisioning, platform.ActivationProvisioned, platform.ActivationError,
}

var _ datasource.DataSourceWithConfigure = &activationStatusDataSource{}

// NewActivationStatusDataSource is the constructor the provider registers.
func NewActivationStatusDataSource() datasource.DataSource { return &activationStatusDataSource{} }

type activationStatusDataSource struct{ data *providerData }

// activationStatusModel maps the ucprov_activation_status data source.
type activationStatusModel struct {
	ID                 types.String `tfsdk:"id"`
	EnterpriseID       types.String `tfsdk:"enterprise_id"`
	Status             types.Set    `tfsdk:"status"`
	GroupID            types.String `tfsdk:"group_id"`
	Search             types.String `tfsdk:"search"`
	ExcludeProvisioned types.Bool   `tfsdk:"exclude_provisioned"`
	Users              types.List   `tfsdk:"users"`
	Counts             types.Map    `tfsdk:"counts"`
	CSV                types.String `tfsdk:"csv"`
}

// activationRowModel is one element of users.
type activationRowModel struct {
	UserID      types.String `tfsdk:"user_id"`
	GroupID     types.String `tfsdk:"group_id"`
	Location    types.String `tfsdk:"location"`
	License     types.String `tfsdk:"license"`
	ServiceType types.String `tfsdk:"service_type"`
	ServiceID   types.String `tfsdk:"service_id"`
	Extension   types.String `tfsdk:"extension"`
	FirstName   types.String `tfsdk:"first_name"`
	LastName    types.String `tfsdk:"last_name"`
	Email       types.String `tfsdk:"email"`
	Status      types.String `tfsdk:"status"`
}

var activationRowAttrTypes = map[string]attr.Type{
	"user_id": types.StringType, "group_id": types.StringType, "location": types.StringType,
	"license": types.StringType, "service_type": types.StringType, "service_id": types.StringType,
	"extension": types.StringType, "first_name": types.StringType, "last_name": types.StringType,
	"email": types.StringType, "status": types.StringType,
}

// activationRowDescriptions documents each column of users (and of the CSV export).
var activationRowDescriptions = map[string]string{
	"email":        "Email of the user.",
	"extension":    "Extension, or empty.",
	"first_name":   "First name.",
	"group_id":     "Group (`grp_…`).",
	"last_name":    "Last name.",
	"license":      "Webex package of the activation, e.g. `webex_calling`.",
	"location":     "Name of the user's group.",
	"service_id":   "Phone number in E.164 form, or empty.",
	"service_type": "Service type, `Webex Calling`.",
	"status":       "Activation status.",
	"user_id":      "User (`usr_…`).",
}

func (d *activationStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_activation_status"
}

func (d *activationStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	rowAttrs := make(map[string]schema.Attribute, len(activationRowDescriptions))
	for name, desc := range activationRowDescriptions {
		rowAttrs[name] = schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The portal's Webex activation status report of an enterprise: one row per user with " +
			"an activation, filtered like the portal, with the number of users in each status and the portal's " +
			"CSV export. Rows are sorted by last name.",
		Attributes: map[string]schema.Attribute{
			"counts": schema.MapAttribute{
				MarkdownDescription: "Number of returned users in each status. Every status is present (`queued`, " +
					"`pending_email_input`, `pending_email_validation`, `provisioning`, `provisioned`, `error`), " +
					"with 0 when no user is in it.",
				ElementType: types.Int64Type,
				Computed:    true,
			},
			"csv": schema.StringAttribute{
				MarkdownDescription: "The portal's Export of the same rows, as the backend produces it: RFC 4180 CSV " +
					"with CRLF line ends and a header row (`User ID,Group ID,Location,License,Service Type,Service ID," +
					"Extension,First Name,Last Name,Email,Status`). A cell that a spreadsheet would run as a formula " +
					"(one that starts with `=`, `+`, `-`, `@`, a tab or a carriage return; a plain E.164 number such as " +
					"`+17205551200` excepted) starts with a `'` (OWASP CSV injection); `users` keeps the values as they are. " +
					"Write it out with `local_file`.",
				Computed: true,
			},
			"enterprise_id": schema.StringAttribute{
				MarkdownDescription: "Enterprise (`ent_…`). Defaults to the provider's `enterprise_id`.",
				Optional:            true,
				Computed:            true,
			},
			"exclude_provisioned": schema.BoolAttribute{
				MarkdownDescription: "Leave out users whose activation is `provisioned` (the portal's \"hide " +
					"provisioned users\").",
				Optional: true,
			},
			"group_id": schema.StringAttribute{
				MarkdownDescription: "Only users of this group (`grp_…`).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Same as `enterprise_id`.",
				Computed:            true,
			},
			"search": schema.StringAttribute{
				MarkdownDescription: "Only users whose first name, last name, email or extension contains this text " +
					"(case-insensitive).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"status": schema.SetAttribute{
				MarkdownDescription: "Only users in one of these statuses: `queued`, `pending_email_input`, " +
					"`pending_email_validation`, `provisioning`, `provisioned`, `error`. Unset means every status.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(activationStatuses...)),
				},
			},
			"users": schema.ListNestedAttribute{
				MarkdownDescription: "The rows of the report, sorted by last name.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: rowAttrs},
			},
		},
	}
}

func (d *activationStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *activationStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m activationStatusModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ent := d.data.enterprise(m.EnterpriseID, path.Root("enterprise_id"), &resp.Diagnostics)
	f, diags := m.toAPI(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	filterAttrs := map[string]string{"status": "status", "groupId": "group_id", "search": "search"}
	rows, err := d.data.backend.ListActivations(ctx, ent, f)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the activation status report", err, filterAttrs)
		return
	}
	csv, err := d.data.backend.ActivationsCSV(ctx, ent, f)
	if err != nil {
		addAPIError(&resp.Diagnostics, "export the activation status report", err, filterAttrs)
		return
	}
	resp.Diagnostics.Append(m.fromAPI(ctx, ent, rows, csv)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (m *activationStatusModel) toAPI(ctx context.Context) (platform.ActivationFilter, diagnostics) {
	f := platform.ActivationFilter{
		GroupID:            m.GroupID.ValueString(),
		Search:             m.Search.ValueString(),
		ExcludeProvisioned: m.ExcludeProvisioned.ValueBool(),
	}
	var diags diagnostics
	if !m.Status.IsNull() && !m.Status.IsUnknown() {
		diags.Append(m.Status.ElementsAs(ctx, &f.Statuses, false)...)
	}
	return f, diags
}

// fromAPI fills the computed attributes: the rows, the count of every status (zero included)
// over the rows, and the CSV verbatim.
func (m *activationStatusModel) fromAPI(ctx context.Context, ent string, rows []platform.ActivationRow, csv string) diagnostics {
	var diags diagnostics
	counts := make(map[string]attr.Value, len(activationStatuses))
	for _, s := range activationStatuses {
		counts[s] = types.Int64Value(0)
	}
	users := make([]activationRowModel, 0, len(rows))
	for _, r := range rows {
		users = append(users, activationRowModel{
			UserID: types.StringValue(r.UserID), GroupID: types.StringValue(r.GroupID),
			Location: types.StringValue(r.Location), License: types.StringValue(r.License),
			ServiceType: types.StringValue(r.ServiceType), ServiceID: types.StringValue(r.ServiceID),
			Extension: types.StringValue(r.Extension), FirstName: types.StringValue(r.FirstName),
			LastName: types.StringValue(r.LastName), Email: types.StringValue(r.Email),
			Status: types.StringValue(r.Status),
		})
		n, _ := counts[r.Status].(types.Int64)
		counts[r.Status] = types.Int64Value(n.ValueInt64() + 1)
	}
	list, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: activationRowAttrTypes}, users)
	diags.Append(d...)
	countMap, d := types.MapValue(types.Int64Type, counts)
	diags.Append(d...)
	m.ID = types.StringValue(ent)
	m.EnterpriseID = types.StringValue(ent)
	m.Users = list
	m.Counts = countMap
	m.CSV = types.StringValue(csv)
	return diags
}
