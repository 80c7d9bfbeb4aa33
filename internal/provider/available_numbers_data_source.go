package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

var _ datasource.DataSourceWithConfigure = &availableNumbersDataSource{}

// NewAvailableNumbersDataSource is the constructor the provider registers.
func NewAvailableNumbersDataSource() datasource.DataSource { return &availableNumbersDataSource{} }

type availableNumbersDataSource struct{ data *providerData }

type availableNumbersModel struct {
	ID           types.String `tfsdk:"id"`
	EnterpriseID types.String `tfsdk:"enterprise_id"`
	GroupID      types.String `tfsdk:"group_id"`
	Numbers      types.List   `tfsdk:"numbers"`
}

func (d *availableNumbersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_available_numbers"
}

func (d *availableNumbersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The free phone numbers of a group's inventory, in ascending order, so a configuration " +
			"can pick one: `data.ucprov_available_numbers.denver.numbers[0]`.",
		Attributes: map[string]schema.Attribute{
			"enterprise_id": schema.StringAttribute{
				MarkdownDescription: "Enterprise of the group. Defaults to the provider's `enterprise_id`.",
				Optional:            true, Computed: true,
			},
			"group_id": schema.StringAttribute{MarkdownDescription: "Group (`grp_…`).", Required: true},
			"id":       schema.StringAttribute{MarkdownDescription: "Same as `group_id`.", Computed: true},
			"numbers": schema.ListAttribute{
				MarkdownDescription: "Free numbers in E.164 form, ascending.",
				ElementType:         types.StringType, Computed: true,
			},
		},
	}
}

func (d *availableNumbersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *availableNumbersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m availableNumbersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ent := d.data.enterprise(m.EnterpriseID, path.Root("enterprise_id"), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	available := true
	inv, err := d.data.backend.ListNumbers(ctx, ent, platform.NumberFilter{Available: &available, GroupID: m.GroupID.ValueString()})
	if platform.IsNotFound(err) {
		checkEnterpriseVisible(ctx, d.data.backend, ent, path.Root("enterprise_id"), &resp.Diagnostics)
	}
	if err != nil {
		if !resp.Diagnostics.HasError() {
			addAPIError(&resp.Diagnostics, "list available numbers", err, map[string]string{"groupId": "group_id"})
		}
		return
	}
	// An empty list for a group that is not the enterprise's would surface as "Invalid index"
	// wherever the config takes numbers[0]: say which id is wrong instead (one read, only then).
	if len(inv) == 0 && !checkGroupOfEnterprise(ctx, d.data.backend, ent, m.GroupID.ValueString(), path.Root("group_id"), &resp.Diagnostics) {
		return
	}
	numbers := make([]string, 0, len(inv))
	for _, n := range inv {
		numbers = append(numbers, n.PhoneNumber)
	}
	list, diags := types.ListValueFrom(ctx, types.StringType, numbers)
	resp.Diagnostics.Append(diags...)
	m.ID = m.GroupID
	m.EnterpriseID = types.StringValue(ent)
	m.Numbers = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
