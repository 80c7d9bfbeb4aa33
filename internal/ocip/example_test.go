package ocip_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
)

// A provider operation: create a user, clear its extension, read it back, in as few documents as
// possible, with per-command errors.
func Example() {
	ctx := context.Background()
	c, err := ocip.New(ocip.Config{
		Endpoint:          "https://xsp.example.com", // or tls://as.example.com:2209
		Username:          "admin@example.com",
		Password:          "secret",
		RequestTimeout:    30 * time.Second,
		RequestsPerSecond: 10,
	})
	if err != nil {
		return
	}
	defer func() { _ = c.Close(ctx) }()

	resps, err := c.Do(ctx,
		ocip.UserAddRequest22V2{ServiceProviderId: "SP1", GroupId: "G1", UserId: "zoe@example.com",
			LastName: "Müller", FirstName: "Zoë", CallingLineIdLastName: "Müller", CallingLineIdFirstName: "Zoë",
			PhoneNumber: ocip.Ptr("6172251563"),
			Department:  &ocip.DepartmentKey{GroupDepartmentKey: &ocip.GroupDepartmentKey{ServiceProviderId: "SP1", GroupId: "G1", Name: "Sales"}}},
		ocip.UserModifyRequest22{UserId: "zoe@example.com", Extension: ocip.Nil[string]()},
		ocip.UserGetRequest23V2{UserId: "zoe@example.com"},
	)
	switch {
	case errors.Is(err, ocip.ErrAmbiguousWrite):
		// Read the user by its id to learn whether the add happened.
		return
	case err != nil:
		return
	}
	if ocip.IsAlreadyExists(ocip.Err(resps[0])) {
		fmt.Println("exists already")
	}
	if u, ok := resps[2].(*ocip.UserGetResponse23V2); ok {
		fmt.Println(u.FirstName, u.LastName)
	}

	// One command, typed answer or *ocip.Error:
	list, err := ocip.Call[*ocip.UserGetListInGroupResponse](ctx, c, ocip.UserGetListInGroupRequest{ServiceProviderId: "SP1", GroupId: "G1",
		SearchCriteriaUserId: []ocip.SearchCriteriaUserId{{Mode: ocip.SearchModeEqualTo, Value: "zoe@example.com", IsCaseInsensitive: true}}})
	if ocip.IsNotFound(err) {
		return
	}
	if err == nil {
		for _, row := range list.UserTable.Rows() {
			fmt.Println(row["User Id"], row["Phone Number"])
		}
	}
}
