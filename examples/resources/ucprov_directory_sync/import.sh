# A directory sync is imported by its job id, with the provider's enterprise, or by
# ENTERPRISE_ID/JOB_ID.
terraform import ucprov_directory_sync.acme job_0123456789abcdef
terraform import ucprov_directory_sync.acme ent_acme/job_0123456789abcdef
