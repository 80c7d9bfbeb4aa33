package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

var _ datasource.DataSourceWithConfigure = &groupsDataSource{}

// NewGroupsDataSource is the constructor the provider registers.
func NewGroupsDataSource() datasource.DataSource { return &groupsDataSource{} }

type groupsDataSource struct{ data *providerData }

type groupsModel struct {
	ID           types.String `tfsdk:"id"`
	EnterpriseID types.String `tfsdk:"enterprise_id"`
	Groups       types.List   `tfsdk:"groups"`
}

// groupAttrTypes are the attributes of one element of groups.
var groupAttrTypes = map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "time_zone": types.StringType,
}

func (d *groupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_groups"
}

func (d *groupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The groups (locations) of an enterprise, with their ids, for `group_id` of " +
			"`ucprov_user`, `ucprov_available_numbers` and `ucprov_invitations`. Ordered by name, then id.",
		Attributes: map[string]schema.Attribute{
			"enterprise_id": schema.StringAttribute{
				MarkdownDescription: "The enterprise. Defaults to the provider's `enterprise_id`.",
				Optional:            true, Computed: true,
			},
			"id": schema.StringAttribute{MarkdownDescription: "Same as `enterprise_id`.", Computed: true},
			"groups": schema.ListNestedAttribute{
				MarkdownDescription: "The enterprise's groups.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":        schema.StringAttribute{MarkdownDescription: "Group id, for `group_id`.", Computed: true},
					"name":      schema.StringAttribute{MarkdownDescription: "Group name.", Computed: true},
					"time_zone": schema.StringAttribute{MarkdownDescription: "The group's time zone (IANA name), empty when not set.", Computed: true},
				}},
			},
		},
	}
}

func (d *groupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *groupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m groupsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ent := d.data.enterprise(m.EnterpriseID, path.Root("enterprise_id"), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	groups, err := d.data.backend.ListGroups(ctx, ent)
	if platform.IsNotFound(err) {
		checkEnterpriseVisible(ctx, d.data.backend, ent, path.Root("enterprise_id"), &resp.Diagnostics)
	}
	if err != nil {
		if !resp.Diagnostics.HasError() {
			addAPIError(&resp.Diagnostics, "list the enterprise's groups", err, nil)
		}
		return
	}
	m.Groups = groupsList(groups)
	m.ID, m.EnterpriseID = types.StringValue(ent), types.StringValue(ent)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// groupsList is the groups attribute: ordered by name, then id.
func groupsList(groups []platform.Group) types.List {
	sorted := append([]platform.Group(nil), groups...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Name != sorted[j].Name {
			return sorted[i].Name < sorted[j].Name
		}
		return sorted[i].ID < sorted[j].ID
	})
	elemType := types.ObjectType{AttrTypes: groupAttrTypes}
	elems := make([]attr.Value, 0, len(sorted))
	for _, g := range sorted {
		elems = append(elems, types.ObjectValueMust(groupAttrTypes, map[string]attr.Value{
			"id": types.StringValue(g.ID), "name": types.StringValue(g.Name), "time_zone": types.StringValue(g.TimeZone),
		}))
	}
	return types.ListValueMust(elemType, elems)
}
