# A portal password that passes the password rules and contains none of Grace's names.
resource "ucprov_generated_password" "grace" {
  avoid  = ["Grace", "Hopper", "grace.hopper"]
  length = 20
}

resource "ucprov_user" "grace" {
  group_id        = "grp_denver"
  first_name      = "Grace"
  last_name       = "Hopper"
  email           = "grace.hopper@acme.example"
  portal_password = ucprov_generated_password.grace.result
}
