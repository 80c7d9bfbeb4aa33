# The groups (locations) of the provider's enterprise, and a map from name to id.
data "ucprov_groups" "all" {}

output "group_ids" {
  value = { for g in data.ucprov_groups.all.groups : g.name => g.id }
}

# Another enterprise the credentials can see.
data "ucprov_groups" "globex" {
  enterprise_id = "ent_globex"
}
