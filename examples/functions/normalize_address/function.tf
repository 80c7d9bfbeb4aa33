# The backend's E911 normalisation, offline: what ucprov_e911_address.normalized will hold.
output "denver" {
  # { address1 = "1700 LINCOLN ST, STE 400", address2 = "", city = "DENVER",
  #   state = "CO", postal_code = "80203", country = "US" }
  value = provider::ucprov::normalize_address({
    address1    = "1700 Lincoln Street, Suite 400"
    city        = "Denver"
    state       = "co"
    postal_code = "80203"
    country     = "US"
  })
}
