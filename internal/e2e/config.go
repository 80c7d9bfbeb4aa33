package e2e

import (
	"fmt"
	"os"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// Config describes a generated configuration: Users users in Group, each with the chosen
// per-user resources. Two configurations with different Prefix and Offset can be applied to the
// same enterprise at once (emails, extensions and numbers do not overlap).
type Config struct {
	Users int
	// Prefix names the users (email <prefix><i>@acme.example, resource keys u<i>); default "e2e".
	Prefix string
	// Offset is the index of the first user: it picks the extension (ExtensionBase+Offset+i) and
	// the phone number (sandbox.InventoryNumber(Offset+i)). Keep Offset+Users within the
	// sandbox's inventory when Number is set.
	Offset int
	// ExtensionBase is the first extension number (default 100000).
	ExtensionBase int
	// Group is the users' group (default grp_denver, the only group with a large inventory).
	Group string
	// Department is every user's department (default "Engineering"); change it to make an update.
	Department string

	Number         bool // ucprov_user_number with extension and phone number (activate = true)
	E911           bool // ucprov_e911_address
	IMP            bool // ucprov_imp_setting enabled
	Activation     bool // ucprov_activation (wait_for = "queued"); implies IMP's email
	CallForwarding bool // ucprov_call_forwarding (busy to the operator, no answer after 4 rings)

	// Platform is the provider's platform ("" = $UCPROV_E2E_PLATFORM, see startSandbox): on
	// wholesale the group is its Webex Calling location and IMP is left out (the platform has no
	// Integrated IM&P; the plan would refuse it).
	Platform string
}

// effective is c with the platform's differences applied.
func (c Config) effective() Config {
	if c.Platform == "" {
		c.Platform = os.Getenv("UCPROV_E2E_PLATFORM")
	}
	if c.Platform == "wholesale" {
		c.IMP = false
		if c.Group == "" || c.Group == sandbox.DemoGroupDenver || c.Group == sandbox.DemoGroupParis {
			g := c.Group
			if g == "" {
				g = sandbox.DemoGroupDenver
			}
			c.Group = sandbox.DemoWebexLocation(g)
		}
	}
	return c
}

// Count is the number of resource instances the configuration declares.
func (c Config) Count() int {
	c = c.effective()
	per := 1
	for _, on := range []bool{c.Number, c.E911, c.IMP, c.Activation, c.CallForwarding} {
		if on {
			per++
		}
	}
	return per * c.Users
}

// Email is the email of user i (0-based, before Offset).
func (c Config) Email(i int) string {
	return fmt.Sprintf("%s%d@acme.example", c.prefix(), c.Offset+i)
}

// Extension is the extension of user i.
func (c Config) Extension(i int) string {
	base := c.ExtensionBase
	if base == 0 {
		base = 100000
	}
	return fmt.Sprint(base + c.Offset + i)
}

// PhoneNumber is the phone number of user i.
func (c Config) PhoneNumber(i int) string { return sandbox.InventoryNumber(c.Offset + i) }

func (c Config) prefix() string {
	if c.Prefix == "" {
		return "e2e"
	}
	return c.Prefix
}

// HCL renders the configuration. The provider block is empty: the provider reads
// UCPROV_ENDPOINT, UCPROV_TOKEN and UCPROV_ENTERPRISE_ID (Workdir sets them).
func (c Config) HCL() string {
	c = c.effective()
	group := c.Group
	if group == "" {
		group = sandbox.DemoGroupDenver
	}
	dept := c.Department
	if dept == "" {
		dept = "Engineering"
	}
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    ucprov = { source = "registry.terraform.io/ucprov/ucprov" }
  }
}

provider "ucprov" {
  max_retries = 10
}

locals {
  users = {
`)
	for i := range c.Users {
		fmt.Fprintf(&b, "    u%d = { first = %q, email = %q, ext = %q, number = %q }\n",
			c.Offset+i, fmt.Sprintf("User%d", c.Offset+i), c.Email(i), c.Extension(i), c.PhoneNumber(i))
	}
	fmt.Fprintf(&b, `  }
}

resource "ucprov_user" "u" {
  for_each   = local.users
  group_id   = %q
  first_name = each.value.first
  last_name  = %q
  email      = each.value.email
  department = %q
}
`, group, strings.ToUpper(c.prefix()[:1])+c.prefix()[1:], dept)
	if c.Number {
		b.WriteString(`
resource "ucprov_user_number" "u" {
  for_each     = local.users
  user_id      = ucprov_user.u[each.key].id
  phone_number = each.value.number
  extension    = each.value.ext
}
`)
	}
	if c.E911 {
		b.WriteString(`
resource "ucprov_e911_address" "u" {
  for_each    = local.users
  user_id     = ucprov_user.u[each.key].id
  address1    = "1700 Lincoln Street"
  city        = "Denver"
  state       = "CO"
  postal_code = "80203"
  country     = "US"
`)
		if c.Number {
			b.WriteString("  depends_on  = [ucprov_user_number.u]\n")
		}
		b.WriteString("}\n")
	}
	if c.IMP {
		b.WriteString(`
resource "ucprov_imp_setting" "u" {
  for_each = local.users
  user_id  = ucprov_user.u[each.key].id
  enabled  = true
}
`)
	}
	if c.Activation {
		deps := []string{}
		if c.IMP {
			deps = append(deps, "ucprov_imp_setting.u")
		}
		if c.Number {
			deps = append(deps, "ucprov_user_number.u")
		}
		b.WriteString(`
resource "ucprov_activation" "u" {
  for_each = local.users
  user_id  = ucprov_user.u[each.key].id
`)
		if len(deps) > 0 {
			fmt.Fprintf(&b, "  depends_on = [%s]\n", strings.Join(deps, ", "))
		}
		b.WriteString("}\n")
	}
	if c.CallForwarding {
		b.WriteString(`
resource "ucprov_call_forwarding" "u" {
  for_each = local.users
  user_id  = ucprov_user.u[each.key].id
  busy = {
    enabled     = true
    destination = "+17205550100"
  }
  no_answer = {
    enabled     = true
    destination = "+17205550100"
    rings       = 4
  }
}
`)
	}
	return b.String()
}
