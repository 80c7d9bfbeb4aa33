# Quick start: three Webex calling users in the sandbox's demo enterprise (ent_acme), each with a
# number, an extension, an E911 address, Integrated IM&P and a Webex activation that is waited for
# until provisioned; a newcomer who has not accepted the invitation yet and an enterprise-wide
# invitation; then the portal's activation status report. `make demo` runs this against a local sandbox
# on the broadworks platform (`make demo PLATFORM=ucprov` on the reference contract); the provider
# reads its settings from the environment the sandbox's env file gives (UCPROV_PLATFORM,
# UCPROV_BROADWORKS_*, WEBEX_*, UCPROV_ENDPOINT, UCPROV_TOKEN, UCPROV_ENTERPRISE_ID).

terraform {
  required_providers {
    ucprov = {
      source = "ucprov/ucprov"
    }
  }
}

provider "ucprov" {}

locals {
  people = {
    ada   = { first = "Ada", last = "Lovelace", dept = "Engineering", number = "+17205551201", ext = "1201" }
    grace = { first = "Grace", last = "Hopper", dept = "Engineering", number = "+17205551202", ext = "1202" }
    alan  = { first = "Alan", last = "Turing", dept = "Research", number = "+17205551203", ext = "1203" }
  }
}

resource "ucprov_user" "people" {
  for_each = local.people

  group_id   = "grp_denver"
  first_name = each.value.first
  last_name  = each.value.last
  department = each.value.dept
  email      = "${each.key}@acme.example"
  time_zone  = "America/Denver"
}

resource "ucprov_user_number" "people" {
  for_each = local.people

  user_id      = ucprov_user.people[each.key].id
  phone_number = each.value.number
  extension    = each.value.ext
}

resource "ucprov_e911_address" "people" {
  for_each = local.people

  user_id     = ucprov_user.people[each.key].id
  address1    = "1700 lincoln street"
  address2    = "suite 300"
  city        = "denver"
  state       = "CO"
  postal_code = "80203"
  country     = "US"
}

resource "ucprov_imp_setting" "people" {
  for_each = local.people

  user_id = ucprov_user.people[each.key].id
  enabled = true
}

resource "ucprov_activation" "people" {
  for_each = local.people

  user_id               = ucprov_user.people[each.key].id
  send_activation_email = true
  wait_for              = "provisioned"

  timeouts {
    create = "2m"
  }

  depends_on = [ucprov_imp_setting.people, ucprov_user_number.people]
}

# A newcomer who has not accepted the Webex invitation yet (the demo sandbox keeps "pending."
# users in pending_email_validation). The activation's email follows the user's.
resource "ucprov_user" "newcomer" {
  group_id   = "grp_denver"
  first_name = "Katherine"
  last_name  = "Johnson"
  email      = "pending.katherine@acme.example"
}

resource "ucprov_activation" "newcomer" {
  user_id               = ucprov_user.newcomer.id
  email                 = ucprov_user.newcomer.email
  send_activation_email = true
}

# User Hub's "send invitations": email everyone of the enterprise who has not activated yet (here
# the newcomer; the provisioned users are skipped). Change "round" to send them again.
resource "ucprov_invitations" "denver" {
  triggers = {
    round = "1"
  }

  depends_on = [ucprov_activation.people, ucprov_activation.newcomer]
}

# The activation status report, read after the activations and the invitations.
data "ucprov_activation_status" "acme" {
  depends_on = [ucprov_activation.people, ucprov_invitations.denver]
}

output "invitations" {
  value = format("invitations job %s: sent %d, skipped %d, failed %d", ucprov_invitations.denver.job_id,
  ucprov_invitations.denver.sent, ucprov_invitations.denver.skipped, ucprov_invitations.denver.failed)
}

output "activation_status" {
  value = join("\n", concat(
    [format("%-8s %-10s %-20s %-6s %-14s %s", "FIRST", "LAST", "EMAIL", "EXT", "LICENSE", "STATUS")],
    [for u in data.ucprov_activation_status.acme.users :
    format("%-8s %-10s %-20s %-6s %-14s %s", u.first_name, u.last_name, u.email, u.extension, u.license, u.status)],
    [format("counts: %s", jsonencode(data.ucprov_activation_status.acme.counts))],
  ))
}

output "users" {
  value = {
    for k, u in ucprov_user.people : k => format("%s %s %s <%s> %s x%s (%s), E911: %s",
      u.id, u.first_name, u.last_name, u.email,
      ucprov_user_number.people[k].phone_number, ucprov_user_number.people[k].extension,
    ucprov_user_number.people[k].number_state, ucprov_e911_address.people[k].normalized.address1)
  }
}
