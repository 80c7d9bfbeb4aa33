# Phone numbers as a spreadsheet holds them, turned into E.164 for ucprov_user_number.
locals {
  staff = csvdecode(<<-CSV
    first_name,last_name,phone
    Ada,Lovelace,(720) 555-1201
    Alan,Turing,720.555.1202
    CSV
  )
}

output "numbers" {
  # ["+17205551201", "+17205551202"]
  value = [for p in local.staff : provider::ucprov::e164(p.phone, "US")]
}

output "paris" {
  # "+33634333200": the trunk prefix 0 is dropped, the country code added
  value = provider::ucprov::e164("06 34 33 32 00", "FR")
}
