# Sync the directory once every user is provisioned, and again whenever the set of users changes.
# The backend allows one sync per 24 hours: a change during the hold fails with the time at which
# the sync can run. ucprov_activation.people is a for_each of activations with
# wait_for = "provisioned" (a sync needs at least one provisioned user).
resource "ucprov_directory_sync" "acme" {
  triggers = {
    users = join(",", sort([for a in ucprov_activation.people : a.user_id]))
  }

  timeouts {
    create = "15m"
  }
}
