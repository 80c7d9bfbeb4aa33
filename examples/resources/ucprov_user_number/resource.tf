data "ucprov_available_numbers" "denver" {
  group_id = "grp_denver"
}

resource "ucprov_user_number" "ada" {
  user_id      = ucprov_user.ada.id
  phone_number = data.ucprov_available_numbers.denver.numbers[0]
  extension    = "1200"
  # activate = true (default): the number is activated in the same apply.

  # The list of free numbers shrinks once this one is taken: keep the number picked at creation.
  lifecycle {
    ignore_changes = [phone_number]
  }
}

# An extension-only user.
resource "ucprov_user_number" "lobby" {
  user_id   = ucprov_user.lobby.id
  extension = "100"
}
