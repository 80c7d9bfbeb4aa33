# A voicemail passcode that satisfies the enterprise's passcode policy and is not Ada's number or
# extension (nor either reversed). The number and extension are values, not references to Ada's
# resources, so there is no cycle.
locals {
  ada_number    = "+17205551200"
  ada_extension = "1200"
}

resource "ucprov_generated_passcode" "ada" {
  avoid = [local.ada_number, local.ada_extension]

  keepers = {
    rotated = "2026-Q4" # change to rotate the passcode
  }
}

resource "ucprov_user" "ada" {
  group_id           = "grp_denver"
  first_name         = "Ada"
  last_name          = "Lovelace"
  voicemail_passcode = ucprov_generated_passcode.ada.result
}

resource "ucprov_user_number" "ada" {
  user_id      = ucprov_user.ada.id
  phone_number = local.ada_number
  extension    = local.ada_extension
}
