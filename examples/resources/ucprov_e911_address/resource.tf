resource "ucprov_e911_address" "ada" {
  user_id     = ucprov_user.ada.id
  address1    = "1600 Pennsylvania Avenue Northwest" # normalized to "1600 PENNSYLVANIA AVE NW"
  city        = "Washington"
  state       = "DC"
  postal_code = "20500"
  country     = "US"
}

output "ada_e911" {
  value = ucprov_e911_address.ada.normalized
}
