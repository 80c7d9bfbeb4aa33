# Invitations are imported by their job id, with the provider's enterprise, or by
# ENTERPRISE_ID/JOB_ID; the group comes from the job.
terraform import ucprov_invitations.denver job_0123456789abcdef
terraform import ucprov_invitations.denver ent_acme/job_0123456789abcdef
