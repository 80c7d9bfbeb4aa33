package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

var _ datasource.DataSourceWithConfigure = &usersDataSource{}

// NewUsersDataSource is the constructor the provider registers.
func NewUsersDataSource() datasource.DataSource { return &usersDataSource{} }

type usersDataSource struct{ data *providerData }

type usersModel struct {
	ID           types.String   `tfsdk:"id"`
	EnterpriseID types.String   `tfsdk:"enterprise_id"`
	GroupID      types.String   `tfsdk:"group_id"`
	Users        []userRowModel `tfsdk:"users"`
}

type userRowModel struct {
	ID         types.String `tfsdk:"id"`
	GroupID    types.String `tfsdk:"group_id"`
	FirstName  types.String `tfsdk:"first_name"`
	LastName   types.String `tfsdk:"last_name"`
	Email      types.String `tfsdk:"email"`
	Department types.String `tfsdk:"department"`
}

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the users of an enterprise (optionally of one group), ordered by id. Useful to adopt " +
			"an existing enterprise: generate `import` blocks from `users[*].id`.",
		Attributes: map[string]schema.Attribute{
			"enterprise_id": schema.StringAttribute{
				MarkdownDescription: "Enterprise. Defaults to the provider's `enterprise_id`.",
				Optional:            true, Computed: true,
			},
			"group_id": schema.StringAttribute{MarkdownDescription: "Only users of this group.", Optional: true},
			"id":       schema.StringAttribute{MarkdownDescription: "The enterprise id.", Computed: true},
			"users": schema.ListNestedAttribute{
				MarkdownDescription: "The users.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"department": str("Department."),
					"email":      str("Email."),
					"first_name": str("First name."),
					"group_id":   str("Group."),
					"id":         str("User id."),
					"last_name":  str("Last name."),
				}},
			},
		},
	}
}

func (d *usersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *usersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m usersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ent := d.data.enterprise(m.EnterpriseID, path.Root("enterprise_id"), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	users, err := d.data.backend.ListUsers(ctx, ent, platform.UserFilter{GroupID: m.GroupID.ValueString(), Max: 1000})
	if err != nil {
		addAPIError(&resp.Diagnostics, "list users", err, map[string]string{"groupId": "group_id"})
		return
	}
	m.ID = types.StringValue(ent)
	m.EnterpriseID = types.StringValue(ent)
	m.Users = make([]userRowModel, 0, len(users))
	for _, u := range users {
		v := userValuesFromAPI(&u)
		m.Users = append(m.Users, userRowModel{
			ID: v.ID, GroupID: v.GroupID, FirstName: v.FirstName, LastName: v.LastName, Email: v.Email, Department: v.Department,
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
