package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// TestUserMappingShared: the ucprov_user resource and both user data sources show the same API
// user the same way: set strings as values, the API's "" as null.
func TestUserMappingShared(t *testing.T) {
	full := &platform.User{ID: "usr_1", EnterpriseID: "ent_acme", GroupID: "grp_denver", FirstName: "Ada", LastName: "Lovelace",
		CallingLineIDFirstName: "Ada", CallingLineIDLastName: "L", Department: "Eng", TimeZone: "America/Denver",
		PagerNumber: "+17205550001", MobileNumber: "+17205550002", Email: "ada@acme.example"}
	bare := &platform.User{ID: "usr_2", EnterpriseID: "ent_acme", GroupID: "grp_denver", FirstName: "Bob", LastName: "Bare",
		CallingLineIDFirstName: "Bob", CallingLineIDLastName: "Bare"}

	for _, u := range []*platform.User{full, bare} {
		var res userModel
		res.fromAPI(u)
		var ds userDataModel
		ds.fromAPI(u)
		v := userValuesFromAPI(u)
		row := userRowModel{ID: v.ID, GroupID: v.GroupID, FirstName: v.FirstName, LastName: v.LastName, Email: v.Email, Department: v.Department}

		pairs := []struct {
			name          string
			api           string
			res, ds, list types.String
		}{
			{"id", u.ID, res.ID, ds.ID, row.ID},
			{"group_id", u.GroupID, res.GroupID, ds.GroupID, row.GroupID},
			{"first_name", u.FirstName, res.FirstName, ds.FirstName, row.FirstName},
			{"last_name", u.LastName, res.LastName, ds.LastName, row.LastName},
			{"email", u.Email, res.Email, ds.Email, row.Email},
			{"department", u.Department, res.Department, ds.Department, row.Department},
			{"enterprise_id", u.EnterpriseID, res.EnterpriseID, ds.EnterpriseID, types.StringValue(u.EnterpriseID)},
			{"calling_line_id_last_name", u.CallingLineIDLastName, res.CallingLineIDLastName, ds.CallingLineIDLastName, res.CallingLineIDLastName},
			{"time_zone", u.TimeZone, res.TimeZone, ds.TimeZone, res.TimeZone},
			{"pager_number", u.PagerNumber, res.PagerNumber, ds.PagerNumber, res.PagerNumber},
			{"mobile_number", u.MobileNumber, res.MobileNumber, ds.MobileNumber, res.MobileNumber},
		}
		for _, p := range pairs {
			want := types.StringValue(p.api)
			if p.api == "" {
				want = types.StringNull()
			}
			if !p.res.Equal(want) || !p.ds.Equal(want) || !p.list.Equal(want) {
				t.Errorf("%s %s = %q: resource %s, data source %s, list %s; want %s", u.ID, p.name, p.api, p.res, p.ds, p.list, want)
			}
		}
	}
}
