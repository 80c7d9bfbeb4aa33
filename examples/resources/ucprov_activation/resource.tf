resource "ucprov_user" "ada" {
  group_id   = "grp_denver"
  first_name = "Ada"
  last_name  = "Lovelace"
  email      = "ada@acme.example" # a Webex activation needs an email
}

resource "ucprov_imp_setting" "ada" {
  user_id = ucprov_user.ada.id
  enabled = true
}

resource "ucprov_activation" "ada" {
  user_id = ucprov_user.ada.id
  package = "webex_suite" # default webex_calling; a change updates in place

  # Follows the user's email: an email change is planned here too and converges in one apply.
  email = ucprov_user.ada.email

  # Raise to send the activation email again while Ada is not provisioned (a warning once she is).
  invitation_version = 1

  # Used only when the activation is created.
  send_activation_email = true
  email_subject         = "Your Webex account"
  email_body            = "Welcome to Webex, Ada. Follow the link to sign in."

  # Wait until the user is provisioned (default "queued": return once accepted).
  wait_for = "provisioned"

  timeouts {
    create = "30m"
  }

  depends_on = [ucprov_imp_setting.ada]
}

output "ada_webex_status" {
  value = ucprov_activation.ada.status
}
