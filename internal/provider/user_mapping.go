package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// userValues is the API user as Terraform values: the ONE mapping of platform.User, shared by the
// ucprov_user resource and the ucprov_user and ucprov_users data sources, so that the three show
// the same user the same way. The API answers "" for an optional string that is not set; that
// is null here (the resource's optional attributes must read back as null when not configured).
// The calling line id names are never "" (the API returns the first/last name while unset).
type userValues struct {
	ID, EnterpriseID, GroupID, FirstName, LastName         types.String
	CallingLineIDFirstName, CallingLineIDLastName          types.String
	Department, TimeZone, PagerNumber, MobileNumber, Email types.String
}

func userValuesFromAPI(u *platform.User) userValues {
	return userValues{
		ID:                     types.StringValue(u.ID),
		EnterpriseID:           types.StringValue(u.EnterpriseID),
		GroupID:                types.StringValue(u.GroupID),
		FirstName:              types.StringValue(u.FirstName),
		LastName:               types.StringValue(u.LastName),
		CallingLineIDFirstName: types.StringValue(u.CallingLineIDFirstName),
		CallingLineIDLastName:  types.StringValue(u.CallingLineIDLastName),
		Department:             optionalString(u.Department),
		TimeZone:               optionalString(u.TimeZone),
		PagerNumber:            optionalString(u.PagerNumber),
		MobileNumber:           optionalString(u.MobileNumber),
		Email:                  optionalString(u.Email),
	}
}

// optionalString maps the API's "" (unset) to null.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
