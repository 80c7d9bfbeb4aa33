# Users of Denver whose activation is not done yet.
data "ucprov_activation_status" "denver_pending" {
  group_id            = "grp_denver"
  exclude_provisioned = true
}

# Users whose activation failed or waits for an email.
data "ucprov_activation_status" "attention" {
  status = ["error", "pending_email_input"]
}

output "activation_counts" {
  value = data.ucprov_activation_status.denver_pending.counts
}

output "failed_activations" {
  value = [for u in data.ucprov_activation_status.attention.users : "${u.first_name} ${u.last_name} <${u.email}>: ${u.status}"]
}

# The portal's Export, as RFC 4180 CSV.
output "activation_report_csv" {
  value = data.ucprov_activation_status.denver_pending.csv
}
