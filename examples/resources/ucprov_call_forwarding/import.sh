# Call forwarding is imported by the user's id.
terraform import ucprov_call_forwarding.ada usr_0123456789abcdef
