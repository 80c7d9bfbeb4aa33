# Onboard a site: the users of one group (here the Paris office of the demo enterprise) with a
# number from the group's free inventory, an extension (the last four digits of the number), a
# generated voicemail passcode, an E911 address (France has no state), a Webex activation whose
# email follows the user's, and one invitation round for everyone who has not activated yet.
#
# It runs on every platform. On Webex for Wholesale (UCPROV_PLATFORM=wholesale: the User Hub's
# Paris site) give the Paris location's id and send the invitations to the whole organisation:
#   terraform apply -var group_id=<Webex location id> -var invitations_per_group=false

variable "group_id" {
  description = "The site's group (location): grp_paris on the reference platform, the Webex Calling location id on wholesale."
  type        = string
  default     = "grp_paris"
}

variable "invitations_per_group" {
  description = "Send the invitations to the site only (false on wholesale, whose activation-email job covers the organisation)."
  type        = bool
  default     = true
}

variable "people" {
  description = "The site's users: key => names, email and number (from the group's inventory)."
  type = map(object({
    first  = string
    last   = string
    email  = string
    number = string
  }))
  default = {
    marie  = { first = "Marie", last = "Curie", email = "marie.curie@acme.example", number = "+33634333201" }
    pierre = { first = "Pierre", last = "Curie", email = "pierre.curie@acme.example", number = "+33634333202" }
    # The demo sandbox keeps "pending." users waiting for their invitation to be accepted.
    irene = { first = "Irene", last = "Joliot", email = "pending.irene@acme.example", number = "+33634333203" }
  }
}

locals {
  # The extension is the last four digits of the number.
  extensions = { for k, p in var.people : k => substr(p.number, length(p.number) - 4, 4) }
}

variable "invitation_round" {
  description = "Increase to email everyone of the site who has not activated Webex yet again."
  type        = string
  default     = "1"
}

# The group's free numbers, for the next hires (a mistyped group_id fails the plan naming it).
data "ucprov_available_numbers" "site" {
  group_id = var.group_id

  depends_on = [ucprov_user_number.site]
}

# A passcode per user that the enterprise's policy accepts and that is not the user's number or
# extension (values, not references to the user: no cycle). A user who moves to another number
# keeps the passcode: a new avoid list draws a new one only when the current one breaks a rule with
# the new number or extension (no keepers here: a keeper with the number would redraw it).
resource "ucprov_generated_passcode" "site" {
  for_each = var.people

  avoid = [each.value.number, local.extensions[each.key]]
}

resource "ucprov_user" "site" {
  for_each = var.people

  group_id           = var.group_id
  first_name         = each.value.first
  last_name          = each.value.last
  email              = each.value.email
  voicemail_passcode = ucprov_generated_passcode.site[each.key].result
}

resource "ucprov_user_number" "site" {
  for_each = var.people

  user_id      = ucprov_user.site[each.key].id
  phone_number = each.value.number
  extension    = local.extensions[each.key]
}

resource "ucprov_e911_address" "site" {
  for_each = var.people

  user_id     = ucprov_user.site[each.key].id
  address1    = "12 rue de la paix"
  city        = "Paris"
  postal_code = "75002"
  country     = "FR"

  depends_on = [ucprov_user_number.site]
}

resource "ucprov_activation" "site" {
  for_each = var.people

  # After the number: on wholesale the calling package needs it.
  user_id = ucprov_user_number.site[each.key].user_id
  email   = ucprov_user.site[each.key].email # an email change is planned here too
}

# Everyone of the site (of the organisation, on wholesale) whose activation waits (for an email, a validation, or after an error)
# gets the activation email; change invitation_round to send it again.
resource "ucprov_invitations" "site" {
  group_id = var.invitations_per_group ? var.group_id : null
  triggers = {
    round = var.invitation_round
    users = join(",", sort([for a in ucprov_activation.site : a.user_id]))
  }
}

output "site" {
  value = {
    for k in sort(keys(var.people)) : k => format("%s %s x%s", ucprov_user.site[k].id,
    ucprov_user_number.site[k].phone_number, ucprov_user_number.site[k].extension)
  }
}

output "next_free_numbers" {
  value = slice(data.ucprov_available_numbers.site.numbers, 0, 3)
}

output "invitations" {
  value = {
    sent    = ucprov_invitations.site.sent
    skipped = ucprov_invitations.site.skipped
    failed  = ucprov_invitations.site.failed
  }
}
