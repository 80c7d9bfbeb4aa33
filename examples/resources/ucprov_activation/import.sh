# An activation is imported by the user's id. The creation-only arguments (send_activation_email,
# email_subject, email_body) and wait_for get their defaults.
terraform import ucprov_activation.ada usr_0123456789abcdef
