# Integrated IM&P needs an email on the user.
resource "ucprov_user" "ada" {
  group_id   = "grp_denver"
  first_name = "Ada"
  last_name  = "Lovelace"
  email      = "ada@acme.example"
}

resource "ucprov_imp_setting" "ada" {
  user_id = ucprov_user.ada.id
  enabled = true
  # Destroying this resource disables IM&P, which deletes the user's Webex account.
}
