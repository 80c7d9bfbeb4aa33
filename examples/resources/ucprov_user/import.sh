# A user is imported by its id, or by its email (case-insensitive; looked up in the provider's
# enterprise, else in every enterprise the token can see).
terraform import ucprov_user.ada usr_0123456789abcdef
terraform import ucprov_user.ada ada@acme.example

# Secrets after an import: the provider cannot read the user's passcode or password, nor know
# whether the configured one is new (the platform refuses the current passcode again,
# passcode_reused). So the first apply after an import sends nothing for a secret the state has
# not recorded yet: voicemail_passcode_wo_version / portal_password_wo_version (and
# voicemail_passcode / portal_password) are recorded as the current ones, and the plan warns
# "Secret not sent after import" on each. To send the configured secret, change its version
# (e.g. 1 -> 2) after that apply.
