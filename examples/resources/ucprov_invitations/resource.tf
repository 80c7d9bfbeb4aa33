# Email every user of the Denver group who has not activated Webex yet (activation
# pending_email_input, pending_email_validation or error). Change "round" to send again; an apply
# that changes nothing sends nothing.
resource "ucprov_invitations" "denver" {
  group_id = "grp_denver"

  triggers = {
    round = "1"
  }
}

output "invitations_sent" {
  value = ucprov_invitations.denver.sent
}
