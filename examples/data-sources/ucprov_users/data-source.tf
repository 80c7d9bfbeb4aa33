# Adopt an enterprise that was provisioned by hand: list its users, then write import blocks.
data "ucprov_users" "denver" {
  group_id = "grp_denver"
}

output "import_blocks" {
  value = join("\n", [for u in data.ucprov_users.denver.users : <<-EOT
    import {
      to = ucprov_user.${replace(split("@", u.email)[0], ".", "_")}
      id = "${u.id}"
    }
  EOT
  ])
}
