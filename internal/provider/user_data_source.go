package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

var (
	_ datasource.DataSourceWithConfigure        = &userDataSource{}
	_ datasource.DataSourceWithConfigValidators = &userDataSource{}
)

// NewUserDataSource is the constructor the provider registers.
func NewUserDataSource() datasource.DataSource { return &userDataSource{} }

type userDataSource struct{ data *providerData }

// userDataModel maps the ucprov_user data source.
type userDataModel struct {
	ID                     types.String `tfsdk:"id"`
	Email                  types.String `tfsdk:"email"`
	EnterpriseID           types.String `tfsdk:"enterprise_id"`
	GroupID                types.String `tfsdk:"group_id"`
	FirstName              types.String `tfsdk:"first_name"`
	LastName               types.String `tfsdk:"last_name"`
	CallingLineIDFirstName types.String `tfsdk:"calling_line_id_first_name"`
	CallingLineIDLastName  types.String `tfsdk:"calling_line_id_last_name"`
	Department             types.String `tfsdk:"department"`
	TimeZone               types.String `tfsdk:"time_zone"`
	PagerNumber            types.String `tfsdk:"pager_number"`
	MobileNumber           types.String `tfsdk:"mobile_number"`
}

func (d *userDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one user by `id` or by `email` (case-insensitive), e.g. to reference a user " +
			"that another team manages.",
		Attributes: map[string]schema.Attribute{
			"calling_line_id_first_name": computed("First name shown on internal calls."),
			"calling_line_id_last_name":  computed("Last name shown on internal calls."),
			"department":                 computed("Department."),
			"email": schema.StringAttribute{
				MarkdownDescription: "Email to look the user up by. Exactly one of `id` and `email`.",
				Optional:            true, Computed: true,
				Validators: []validator.String{emailValidator()},
			},
			"enterprise_id": schema.StringAttribute{
				MarkdownDescription: "Enterprise to search by email. Defaults to the provider's `enterprise_id`.",
				Optional:            true, Computed: true,
			},
			"first_name": computed("First name."),
			"group_id":   computed("Group (location)."),
			"id": schema.StringAttribute{
				MarkdownDescription: "User id (`usr_…`). Exactly one of `id` and `email`.",
				Optional:            true, Computed: true,
			},
			"last_name":     computed("Last name."),
			"mobile_number": computed("Mobile number."),
			"pager_number":  computed("Pager number."),
			"time_zone":     computed("IANA time zone; empty means the group's."),
		},
	}
}

func (d *userDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("email"))}
}

func (d *userDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m userDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var u *platform.User
	if id := m.ID.ValueString(); id != "" {
		var err error
		u, err = d.data.backend.ReadUser(ctx, m.EnterpriseID.ValueString(), id)
		if platform.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "User not found", "No user "+id+" is visible with this token.")
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "read user", err, nil)
			return
		}
	} else {
		ent := d.data.enterprise(m.EnterpriseID, path.Root("enterprise_id"), &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		users, err := d.data.backend.ListUsers(ctx, ent, platform.UserFilter{Email: m.Email.ValueString()})
		if err != nil {
			addAPIError(&resp.Diagnostics, "look the user up by email", err, nil)
			return
		}
		if len(users) != 1 {
			resp.Diagnostics.AddAttributeError(path.Root("email"), "User not found",
				fmt.Sprintf("No user of enterprise %s has the email %s.", ent, m.Email.ValueString()))
			return
		}
		u = &users[0]
	}
	m.fromAPI(u)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (m *userDataModel) fromAPI(u *platform.User) {
	v := userValuesFromAPI(u)
	m.ID, m.Email, m.EnterpriseID, m.GroupID = v.ID, v.Email, v.EnterpriseID, v.GroupID
	m.FirstName, m.LastName = v.FirstName, v.LastName
	m.CallingLineIDFirstName, m.CallingLineIDLastName = v.CallingLineIDFirstName, v.CallingLineIDLastName
	m.Department, m.TimeZone, m.PagerNumber, m.MobileNumber = v.Department, v.TimeZone, v.PagerNumber, v.MobileNumber
}
