data "ucprov_available_numbers" "denver" {
  group_id = "grp_denver"
}

output "next_free_denver_number" {
  value = data.ucprov_available_numbers.denver.numbers[0]
}
