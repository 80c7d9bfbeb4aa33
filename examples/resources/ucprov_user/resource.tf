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

# Offboarding one user of a for_each with deletion_policy = "reset" while the line keeps its
# number, extension and E911 address (Terraform >= 1.7). Destroying the ucprov_user_number would
# unassign the number and destroying the ucprov_e911_address would delete the address, so both stop
# being managed without being destroyed. A removed block takes no instance key
# (`from = ucprov_user_number.staff["ada"]` fails with "Resource instance keys not allowed";
# OpenTofu: "Resource instance address with keys is not allowed"):
# move the instance to an address of its own, then remove that address. Take "ada" out of
# local.staff and add:
#
#   moved {
#     from = ucprov_user_number.staff["ada"]
#     to   = ucprov_user_number.kept_ada
#   }
#   removed {
#     from = ucprov_user_number.kept_ada
#     lifecycle {
#       destroy = false
#     }
#   }
#   moved {
#     from = ucprov_e911_address.staff["ada"]
#     to   = ucprov_e911_address.kept_ada
#   }
#   removed {
#     from = ucprov_e911_address.kept_ada
#     lifecycle {
#       destroy = false
#     }
#   }
#
# The apply resets ucprov_user.staff["ada"] and leaves the others as they are. Without for_each
# (or when the whole resource goes), `removed { from = ucprov_user_number.NAME ... }` alone does it;
# `terraform state rm 'ucprov_user_number.staff["ada"]'` before the apply works on any version.
