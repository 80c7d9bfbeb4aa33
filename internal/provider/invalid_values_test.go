package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
)

// invalidValue is one attribute of one resource set to a value the backend would refuse.
type invalidValue struct {
	attr  string // the attribute the error must name
	block string // the resource's body with the invalid value
}

// invalidValues lists, per resource type, an invalid value of every attribute that can have one
// (booleans and free-text maps cannot). Resources that need a user get ucprov_user.u, whose id is
// unknown at plan time, so every check here is a static one.
var invalidValues = map[string][]invalidValue{
	"ucprov_user": {
		{"group_id", `group_id = "denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"`},
		{"enterprise_id", `enterprise_id = "acme"` + "\n" + `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"`},
		{"first_name", `group_id = "grp_denver"` + "\n" + `first_name = ""` + "\n" + `last_name = "X"`},
		{"last_name", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = ""`},
		{"calling_line_id_first_name", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"` + "\n" + `calling_line_id_first_name = ""`},
		{"calling_line_id_last_name", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"` + "\n" + `calling_line_id_last_name = ""`},
		{"department", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"` + "\n" + `department = ""`},
		{"email", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"` + "\n" + `email = "not-an-email"`},
		{"email_change_strategy", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"` + "\n" + `email_change_strategy = "sometimes"`},
		{"mobile_number", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"` + "\n" + `mobile_number = "7205550100"`},
		{"pager_number", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"` + "\n" + `pager_number = "+1"`},
		{"time_zone", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"` + "\n" + `time_zone = "Mars/Olympus_Mons"`},
		{"voicemail_passcode", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"` + "\n" + `voicemail_passcode = "12"`},
		{"portal_password", `group_id = "grp_denver"` + "\n" + `first_name = "F"` + "\n" + `last_name = "X"` + "\n" + `portal_password = "weak"`},
	},
	"ucprov_user_number": {
		{"user_id", `user_id = "bob"` + "\n" + `extension = "1200"`},
		{"extension", `user_id = ucprov_user.u.id` + "\n" + `extension = "1"`},
		{"extension", `user_id = ucprov_user.u.id` + "\n" + `extension = "12a4"`},
		{"phone_number", `user_id = ucprov_user.u.id` + "\n" + `phone_number = "17205551200"`},
	},
	"ucprov_e911_address": {
		{"user_id", `user_id = "bob"` + "\n" + e911("", "")},
		{"address1", `user_id = ucprov_user.u.id` + "\n" + e911("address1", `""`)},
		{"city", `user_id = ucprov_user.u.id` + "\n" + e911("city", `""`)},
		{"country", `user_id = ucprov_user.u.id` + "\n" + e911("country", `"USA"`)},
		{"postal_code", `user_id = ucprov_user.u.id` + "\n" + e911("postal_code", `"ABCDE"`)},
		{"state", `user_id = ucprov_user.u.id` + "\n" + e911("state", `"ZZ"`)},
		{"address2", `user_id = ucprov_user.u.id` + "\n" + e911("address2", `""`)},
	},
	"ucprov_imp_setting": {
		{"user_id", `user_id = "bob"` + "\n" + `enabled = true`},
	},
	"ucprov_activation": {
		{"user_id", `user_id = "bob"`},
		{"package", `user_id = ucprov_user.u.id` + "\n" + `package = "webex_gold"`},
		{"wait_for", `user_id = ucprov_user.u.id` + "\n" + `wait_for = "forever"`},
		{"timeouts", `user_id = ucprov_user.u.id` + "\n" + `timeouts = { create = "soon" }`},
	},
	"ucprov_call_forwarding": {
		{"user_id", `user_id = "bob"`},
		{"always", `user_id = ucprov_user.u.id` + "\n" + `always = { enabled = true }`},
		{"destination", `user_id = ucprov_user.u.id` + "\n" + `busy = { enabled = true, destination = "call me" }`},
		{"rings", `user_id = ucprov_user.u.id` + "\n" + `no_answer = { enabled = true, destination = "1201", rings = 1 }`},
		{"rings", `user_id = ucprov_user.u.id` + "\n" + `no_answer = { enabled = true, destination = "1201", rings = 21 }`},
	},
	"ucprov_directory_sync": {
		{"enterprise_id", `enterprise_id = "acme"`},
		{"timeouts", `timeouts = { create = "soon" }`},
	},
	"ucprov_invitations": {
		{"enterprise_id", `enterprise_id = "acme"`},
		{"group_id", `group_id = "denver"`},
		{"timeouts", `timeouts = { create = "soon" }`},
	},
	"ucprov_generated_passcode": {
		{"enterprise_id", `enterprise_id = "acme"`},
	},
	"ucprov_generated_password": {
		{"length", `length = 7`},
		{"length", `length = 129`},
	},
}

// e911 is a valid US address with one field replaced (attr "" = none).
func e911(attr, value string) string {
	fields := [][2]string{{"address1", `"1700 Lincoln St"`}, {"city", `"Denver"`}, {"state", `"CO"`},
		{"postal_code", `"80203"`}, {"country", `"US"`}}
	var b strings.Builder
	replaced := false
	for _, f := range fields {
		if f[0] == attr {
			f[1], replaced = value, true
		}
		b.WriteString(f[0] + " = " + f[1] + "\n")
	}
	if attr != "" && !replaced {
		b.WriteString(attr + " = " + value + "\n")
	}
	return b.String()
}

// TestAccInvalidValues: every invalid value of the table fails the plan with an error that names
// the attribute, and nothing is written to the backend.
func TestAccInvalidValues(t *testing.T) {
	for typ, cases := range invalidValues {
		for i, c := range cases {
			t.Run(fmt.Sprintf("%s/%d_%s", typ, i, c.attr), func(t *testing.T) {
				sb := acctest.Start(t)
				mark, check := sb.CheckNoWrites()
				mark()
				cfg := sb.ProviderConfig()
				if strings.Contains(c.block, "ucprov_user.u.") {
					cfg += "resource \"ucprov_user\" \"u\" {\n  group_id = \"grp_denver\"\n  first_name = \"U\"\n  last_name = \"U\"\n  email = \"u@acme.example\"\n}\n"
				}
				cfg += "resource \"" + typ + "\" \"test\" {\n" + c.block + "\n}\n"
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: acctest.ProviderFactories,
					Steps: []resource.TestStep{{
						Config:   cfg,
						PlanOnly: true,
						// The attribute in the diagnostic's text, not only in the quoted source line ("12:   attr = …").
						ExpectError: regexp.MustCompile(`(?m)^\s*(?:[^\s\d][^\n]*)?\b` + regexp.QuoteMeta(c.attr) + `\b`),
					}},
				})
				if err := check(nil); err != nil {
					t.Error(err)
				}
			})
		}
	}
}
