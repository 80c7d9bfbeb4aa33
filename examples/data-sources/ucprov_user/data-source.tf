data "ucprov_user" "ops_lead" {
  email = "ops.lead@acme.example"
}

output "ops_lead_group" {
  value = data.ucprov_user.ops_lead.group_id
}
