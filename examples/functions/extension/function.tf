# The last 4 digits of the DID as the extension, as the User Hub guide recommends.
resource "ucprov_user_number" "ada" {
  user_id      = ucprov_user.ada.id
  phone_number = provider::ucprov::e164("(720) 555-1201", "US")   # "+17205551201"
  extension    = provider::ucprov::extension("(720) 555-1201", 4) # "1201"
}
