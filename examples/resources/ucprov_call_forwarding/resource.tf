resource "ucprov_call_forwarding" "ada" {
  user_id = ucprov_user.ada.id

  busy = {
    enabled     = true
    destination = "+17205550100"
  }

  no_answer = {
    enabled     = true
    destination = "1201" # an extension
    rings       = 4
  }
  # always: omitted, so off
}
