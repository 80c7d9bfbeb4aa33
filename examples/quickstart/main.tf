# Quick start: three Webex calling users in the sandbox's demo enterprise (ent_acme).
# `make demo` runs this against a local sandbox; the provider reads UCPROV_ENDPOINT, UCPROV_TOKEN
# and UCPROV_ENTERPRISE_ID from the environment.

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
    ada   = { first = "Ada", last = "Lovelace", dept = "Engineering" }
    grace = { first = "Grace", last = "Hopper", dept = "Engineering" }
    alan  = { first = "Alan", last = "Turing", dept = "Research" }
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

output "users" {
  value = { for k, u in ucprov_user.people : k => "${u.id} ${u.first_name} ${u.last_name} <${u.email}>" }
}
