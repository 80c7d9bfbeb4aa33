resource "ucprov_user" "ada" {
  group_id   = "grp_denver"
  first_name = "Ada"
  last_name  = "Lovelace"
  email      = "ada@acme.example"
  department = "Engineering"
  time_zone  = "America/Denver"

  # Shown on internal calls; follows first_name/last_name when not set.
  calling_line_id_first_name = "Ada"

  mobile_number = "+17205550101"

  # Changing the email of a user with IM&P enabled: let the provider disable IM&P, change the
  # email and enable IM&P again in one apply.
  email_change_strategy = "cycle_imp"

  # On destroy, the Spectrum portal's Reset User instead of a delete: the user becomes
  # "Available User" and the line keeps its number and extension.
  deletion_policy = "reset"
}
